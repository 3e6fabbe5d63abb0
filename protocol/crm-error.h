/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Stable error codes carried on the wire in error frames (see README.md,
 * "Errors").  The numeric values are part of the protocol: never renumber,
 * only append.
 */
typedef enum {
  CRM_ERROR_INTERNAL = 1,          /* server fault; details only in the server log */
  CRM_ERROR_BAD_FRAME = 2,         /* header malformed, bad magic, unknown flags */
  CRM_ERROR_FRAME_TOO_LARGE = 3,   /* body length above the cap for this state */
  CRM_ERROR_BAD_PAYLOAD = 4,       /* body not normal form / not the declared type */
  CRM_ERROR_UNKNOWN_MESSAGE = 5,   /* message id not in the table or not a request */
  CRM_ERROR_VERSION = 6,           /* no common protocol version */
  CRM_ERROR_NOT_SIGNED_IN = 7,     /* message needs a session */
  CRM_ERROR_PERMISSION_DENIED = 8, /* session lacks the message's permission */
  CRM_ERROR_NOT_FOUND = 9,         /* record absent, deleted, or outside the data scope */
  CRM_ERROR_CONFLICT = 10,         /* stale record version */
  CRM_ERROR_INVALID_FIELD = 11,    /* a field failed validation; `field` names it */
  CRM_ERROR_DUPLICATE = 12,        /* unique value already used */
  CRM_ERROR_AUTH_FAILED = 13,      /* wrong user or password */
  CRM_ERROR_ACCOUNT_LOCKED = 14,   /* too many failures; try later */
  CRM_ERROR_SESSION_EXPIRED = 15,  /* token unknown or expired */
  CRM_ERROR_RATE_LIMITED = 16,     /* too many requests/sign-ins */
  CRM_ERROR_UNAVAILABLE = 17,      /* database down or server stopping; retry */
  CRM_ERROR_ACCOUNT_DISABLED = 18,
  CRM_ERROR_PASSWORD_CHANGE_REQUIRED = 19,
  /* Local (never on the wire): */
  CRM_ERROR_CLOSED = 100,          /* connection closed */
  CRM_ERROR_CERTIFICATE_CHANGED = 101, /* pinned certificate differs */
  CRM_ERROR_CERTIFICATE_UNKNOWN = 102, /* first contact: caller must decide to trust */
} CrmErrorCode;

#define CRM_ERROR (crm_error_quark ())
GQuark crm_error_quark (void);

/* Extended GError (G_DEFINE_EXTENDED_ERROR): an error may name the offending
 * field (e.g. "name", "phones[1]").  Returns NULL when none. */
const char *crm_error_get_field (const GError *error);
void        crm_error_set_field (GError *error, const char *field);

/* Creates a CRM_ERROR with a field; `field` may be NULL. */
GError *crm_error_new_field (CrmErrorCode code, const char *field,
                             const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Stable symbolic name, e.g. "conflict"; for logs and JSON output. */
const char *crm_error_code_to_string (CrmErrorCode code);

/* Error frame body, type "(uss)": code, message (in the peer's language),
 * field ("" when none).  Non-CRM_ERROR errors become CRM_ERROR_INTERNAL. */
GVariant *crm_error_to_variant (const GError *error);
GError   *crm_error_from_variant (GVariant *body);

G_END_DECLS
