/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-protocol"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-error.h"

/* The extended error carries the name of the offending field so that a
 * client can put the message next to the right entry. */
typedef struct
{
  char *field;
} CrmErrorPrivate;

static void
crm_error_private_init (CrmErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
crm_error_private_copy (const CrmErrorPrivate *src, CrmErrorPrivate *dest)
{
  dest->field = g_strdup (src->field);
}

static void
crm_error_private_clear (CrmErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

/* Defines crm_error_quark() and crm_error_get_private(). */
G_DEFINE_EXTENDED_ERROR (CrmError, crm_error)

const char *
crm_error_get_field (const GError *error)
{
  CrmErrorPrivate *priv;

  if (error == NULL || error->domain != CRM_ERROR)
    return NULL;
  priv = crm_error_get_private (error);
  return priv != NULL ? priv->field : NULL;
}

void
crm_error_set_field (GError *error, const char *field)
{
  CrmErrorPrivate *priv;

  g_return_if_fail (error != NULL);
  g_return_if_fail (error->domain == CRM_ERROR);

  priv = crm_error_get_private (error);
  if (priv == NULL)
    return;
  g_free (priv->field);
  priv->field = (field != NULL && field[0] != '\0') ? g_strdup (field) : NULL;
}

GError *
crm_error_new_field (CrmErrorCode code, const char *field, const char *format, ...)
{
  GError *error;
  va_list args;

  g_return_val_if_fail (format != NULL, NULL);

  va_start (args, format);
  error = g_error_new_valist (CRM_ERROR, code, format, args);
  va_end (args);
  crm_error_set_field (error, field);
  return error;
}

static const struct
{
  CrmErrorCode code;
  const char  *name;
} code_names[] = {
  { CRM_ERROR_INTERNAL, "internal" },
  { CRM_ERROR_BAD_FRAME, "bad-frame" },
  { CRM_ERROR_FRAME_TOO_LARGE, "frame-too-large" },
  { CRM_ERROR_BAD_PAYLOAD, "bad-payload" },
  { CRM_ERROR_UNKNOWN_MESSAGE, "unknown-message" },
  { CRM_ERROR_VERSION, "version" },
  { CRM_ERROR_NOT_SIGNED_IN, "not-signed-in" },
  { CRM_ERROR_PERMISSION_DENIED, "permission-denied" },
  { CRM_ERROR_NOT_FOUND, "not-found" },
  { CRM_ERROR_CONFLICT, "conflict" },
  { CRM_ERROR_INVALID_FIELD, "invalid-field" },
  { CRM_ERROR_DUPLICATE, "duplicate" },
  { CRM_ERROR_AUTH_FAILED, "auth-failed" },
  { CRM_ERROR_ACCOUNT_LOCKED, "account-locked" },
  { CRM_ERROR_SESSION_EXPIRED, "session-expired" },
  { CRM_ERROR_RATE_LIMITED, "rate-limited" },
  { CRM_ERROR_UNAVAILABLE, "unavailable" },
  { CRM_ERROR_ACCOUNT_DISABLED, "account-disabled" },
  { CRM_ERROR_PASSWORD_CHANGE_REQUIRED, "password-change-required" },
  { CRM_ERROR_CLOSED, "closed" },
  { CRM_ERROR_CERTIFICATE_CHANGED, "certificate-changed" },
  { CRM_ERROR_CERTIFICATE_UNKNOWN, "certificate-unknown" },
};

const char *
crm_error_code_to_string (CrmErrorCode code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (code_names); i++)
    if (code_names[i].code == code)
      return code_names[i].name;
  return "unknown";
}

/* Codes a peer may legitimately send; anything else (including the local
 * ones) is mapped to INTERNAL so that a hostile or newer server cannot make
 * us believe, say, that the certificate changed. */
static gboolean
code_is_wire (guint32 code)
{
  return code >= CRM_ERROR_INTERNAL && code <= CRM_ERROR_PASSWORD_CHANGE_REQUIRED;
}

GVariant *
crm_error_to_variant (const GError *error)
{
  guint32     code = CRM_ERROR_INTERNAL;
  const char *field = NULL;
  const char *message;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == CRM_ERROR)
    {
      code = (guint32)error->code;
      field = crm_error_get_field (error);
    }
  message = error->message != NULL ? error->message : "";
  if (!g_utf8_validate (message, -1, NULL))
    message = "";

  return g_variant_new ("(uss)", code, message, field != NULL ? field : "");
}

GError *
crm_error_from_variant (GVariant *body)
{
  guint32     code;
  const char *message;
  const char *field;

  if (body == NULL || !g_variant_is_of_type (body, G_VARIANT_TYPE ("(uss)")))
    return g_error_new_literal (CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                                _ ("The server sent a malformed error report"));

  g_variant_get (body, "(u&s&s)", &code, &message, &field);
  if (!code_is_wire (code))
    code = CRM_ERROR_INTERNAL;
  if (message[0] == '\0')
    message = _ ("The server reported an error");

  return crm_error_new_field (code, field, "%s", message);
}
