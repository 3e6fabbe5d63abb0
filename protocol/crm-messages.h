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

  CRM_MSG_USER_CREATE           = 50,  /* mutates */
  CRM_MSG_USER_LIST             = 51,
  CRM_MSG_USER_UNLOCK           = 52,  /* mutates */
  CRM_MSG_ROLE_LIST             = 53,
  CRM_MSG_DEPARTMENT_LIST       = 54,
  CRM_MSG_DEPARTMENT_CREATE     = 55,  /* mutates */

  /* Push frames (server → client, request id 0). */
  CRM_MSG_PUSH_RECORD_CHANGED   = 80,
  CRM_MSG_PUSH_SIGNED_OUT       = 81,
  CRM_MSG_PUSH_REMINDER         = 82,
  CRM_MSG_PUSH_PERMISSIONS      = 83,
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
