/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every message of the protocol.  Numeric ids are part of the protocol:
 * never renumber, only append.  The authoritative declaration (types,
 * permission, flags) is the table in crm-messages.c, documented in
 * README.md "Messages". */
typedef enum {
  CRM_MSG_HELLO                 = 1,   /* preauth */
  CRM_MSG_PING                  = 2,   /* preauth */

  CRM_MSG_AUTH_LOGIN            = 10,  /* preauth */
  CRM_MSG_AUTH_RESUME           = 11,  /* preauth */
  CRM_MSG_AUTH_LOGOUT           = 12,
  CRM_MSG_AUTH_CHANGE_PASSWORD  = 13,  /* mutates */
  CRM_MSG_AUTH_WHOAMI           = 14,

  CRM_MSG_HEALTH                = 20,
  CRM_MSG_PERMISSION_CATALOGUE  = 21,

  CRM_MSG_CUSTOMER_GET          = 30,
  CRM_MSG_CUSTOMER_LIST         = 31,
  CRM_MSG_CUSTOMER_SEARCH       = 32,
  CRM_MSG_CUSTOMER_CREATE       = 33,  /* mutates */
  CRM_MSG_CUSTOMER_UPDATE       = 34,  /* mutates */
  CRM_MSG_CUSTOMER_DELETE       = 35,  /* mutates */
  CRM_MSG_CUSTOMER_COUNT        = 36,
  CRM_MSG_CUSTOMER_IMPORT       = 37,  /* mutates */
  CRM_MSG_CUSTOMER_EXPORT       = 38,
  CRM_MSG_CUSTOMER_SEEK         = 39,

  CRM_MSG_USER_CREATE           = 50,  /* mutates */
  CRM_MSG_USER_LIST             = 51,
  CRM_MSG_USER_UNLOCK           = 52,  /* mutates */
  CRM_MSG_ROLE_LIST             = 53,
  CRM_MSG_DEPARTMENT_LIST       = 54,
  CRM_MSG_DEPARTMENT_CREATE     = 55,  /* mutates */

  /* Team, accounts, roles (issue 4). */
  CRM_MSG_USER_UPDATE           = 56,  /* mutates */
  CRM_MSG_USER_SET_DISABLED     = 57,  /* mutates */
  CRM_MSG_USER_RESET_PASSWORD   = 58,  /* mutates */
  CRM_MSG_USER_LOGIN_HISTORY    = 59,
  CRM_MSG_SESSION_LIST          = 60,
  CRM_MSG_SESSION_REVOKE        = 61,  /* mutates */
  CRM_MSG_DEVICE_LIST           = 62,
  CRM_MSG_DEVICE_APPROVE        = 63,  /* mutates */
  CRM_MSG_ROLE_CREATE           = 64,  /* mutates */
  CRM_MSG_ROLE_UPDATE           = 65,  /* mutates */
  CRM_MSG_ROLE_DELETE           = 66,  /* mutates */
  CRM_MSG_DEPARTMENT_UPDATE     = 67,  /* mutates */
  CRM_MSG_DEPARTMENT_DELETE     = 68,  /* mutates */

  /* Push frames (server → client, request id 0). */
  CRM_MSG_PUSH_RECORD_CHANGED   = 80,
  CRM_MSG_PUSH_SIGNED_OUT       = 81,
  CRM_MSG_PUSH_REMINDER         = 82,
  CRM_MSG_PUSH_PERMISSIONS      = 83,

  /* Call center (issue 5). */
  CRM_MSG_CALL_LOOKUP           = 100, /* caller number → customer/contact for the pop-up */
  CRM_MSG_CALL_LOG              = 101, /* mutates */
  CRM_MSG_CALL_LIST             = 102,
  CRM_MSG_CALL_STATS            = 103,
  CRM_MSG_CALL_DELETE_RECORDING = 104, /* mutates */
  CRM_MSG_BLACKLIST_LIST        = 105,
  CRM_MSG_BLACKLIST_SAVE        = 106, /* mutates */
  CRM_MSG_BLACKLIST_DELETE      = 107, /* mutates */
  CRM_MSG_BLACKLIST_CHECK       = 108,
  CRM_MSG_CALL_SETTINGS_GET     = 109,
  CRM_MSG_CALL_SETTINGS_SET     = 110, /* mutates */
  CRM_MSG_CALL_PURGE_RECORDINGS = 111, /* mutates; the server's retention pass */

  /* Settings, audit, recycle bin (issue 4). */
  CRM_MSG_CHOICE_LIST           = 140,
  CRM_MSG_CHOICE_SAVE           = 141, /* mutates */
  CRM_MSG_CUSTOM_FIELD_LIST     = 142,
  CRM_MSG_CUSTOM_FIELD_SAVE     = 143, /* mutates */
  CRM_MSG_CUSTOM_FIELD_RETIRE   = 144, /* mutates */
  CRM_MSG_NUMBERING_GET         = 145,
  CRM_MSG_NUMBERING_SAVE        = 146, /* mutates */
  CRM_MSG_ENTRY_RULE_GET        = 147,
  CRM_MSG_ENTRY_RULE_SAVE       = 148, /* mutates */
  CRM_MSG_SETTING_GET           = 149,
  CRM_MSG_SETTING_SET           = 150, /* mutates */
  CRM_MSG_AUDIT_LIST            = 151,
  CRM_MSG_RECYCLE_LIST          = 152,
  CRM_MSG_RECYCLE_RESTORE       = 153, /* mutates */
  CRM_MSG_RECYCLE_PURGE         = 154, /* mutates */

  /* Contacts and follow-ups (SPEC modules 2 and 4). */
  CRM_MSG_CONTACT_LIST          = 160,
  CRM_MSG_CONTACT_GET           = 161,
  CRM_MSG_CONTACT_CREATE        = 162, /* mutates */
  CRM_MSG_CONTACT_UPDATE        = 163, /* mutates */
  CRM_MSG_CONTACT_DELETE        = 164, /* mutates */
  CRM_MSG_FOLLOWUP_LIST         = 165,
  CRM_MSG_FOLLOWUP_GET          = 166,
  CRM_MSG_FOLLOWUP_CREATE       = 167, /* mutates */
  CRM_MSG_FOLLOWUP_UPDATE       = 168, /* mutates */
  CRM_MSG_FOLLOWUP_DELETE       = 169, /* mutates */

  /* Admin console, continued (issue 4). */
  CRM_MSG_RECYCLE_KINDS         = 190,
} CrmMessageId;

typedef enum {
  CRM_MSG_FLAG_NONE    = 0,
  CRM_MSG_FLAG_MUTATES = 1u << 0, /* request is "(s…)": first member is the
                                   * idempotency key (16–64 chars [A-Za-z0-9-]) */
  CRM_MSG_FLAG_PREAUTH = 1u << 1, /* allowed before sign-in */
  CRM_MSG_FLAG_PUSH    = 1u << 2, /* server-initiated only */
} CrmMessageFlags;

typedef struct {
  CrmMessageId    id;
  const char     *name;           /* "customer.get" */
  const char     *request_type;   /* GVariant type string; NULL for push */
  const char     *reply_type;     /* reply body type, or push body type */
  const char     *permission;     /* "customer.view"; NULL = any signed-in
                                   * user (or anyone, if PREAUTH) */
  CrmMessageFlags flags;
  const char     *summary;        /* English, N_()-marked; translate with _() */
} CrmMessageInfo;

const CrmMessageInfo *crm_message_lookup      (guint id);
const CrmMessageInfo *crm_message_lookup_name (const char *name);
/* The whole table, in id order. */
const CrmMessageInfo *crm_messages_all        (gsize *n_messages);

/* Permission catalogue: every distinct permission named by the table, with
 * an English label (N_()-marked) for the admin console. */
typedef struct {
  const char *permission;  /* "customer.edit" */
  const char *module;      /* "customer" */
  const char *label;       /* N_("Edit customers") */
} CrmPermissionInfo;

const CrmPermissionInfo *crm_permissions_all (gsize *n_permissions);

/* TRUE if `key` is a well-formed idempotency key. */
gboolean crm_idempotency_key_is_valid (const char *key);

G_END_DECLS
