/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "crm-error.h"
#include "crmctl.h"

/* The context every verb shares, and how failures become messages and
 * exit statuses. */

void
crmctl_context_clear (CrmctlContext *ctx)
{
  if (ctx->connection != NULL)
    crm_connection_close (ctx->connection);
  g_clear_object (&ctx->connection);
  g_clear_pointer (&ctx->server, g_free);
  g_clear_pointer (&ctx->user, g_free);
  g_clear_pointer (&ctx->password_file, g_free);
  g_clear_pointer (&ctx->locale, g_free);
  g_clear_pointer (&ctx->host, g_free);
}

char *
crmctl_context_dup_locale (CrmctlContext *ctx)
{
  const char * const *names;

  if (ctx->locale != NULL && *ctx->locale != '\0')
    return g_strdup (ctx->locale);
  /* "zh_CN.UTF-8" → "zh_CN"; the server only needs the language. */
  names = g_get_language_names ();
  for (gsize i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];

      if (strcmp (name, "C") != 0 && strcmp (name, "POSIX") != 0 &&
          strchr (name, '.') == NULL && strchr (name, '@') == NULL)
        return g_strdup (name);
    }
  return g_strdup ("en_US");
}

int
crmctl_exit_for_error (const GError *error)
{
  if (error->domain == G_OPTION_ERROR || error->domain == G_VARIANT_PARSE_ERROR)
    return CRMCTL_EXIT_USAGE;
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
      error->domain == G_TLS_ERROR)
    return CRMCTL_EXIT_CONNECT;
  if (error->domain == G_CONVERT_ERROR)
    return CRMCTL_EXIT_INVALID;
  if (error->domain != CRM_ERROR)
    return CRMCTL_EXIT_FAILURE;

  switch ((CrmErrorCode) error->code)
    {
    case CRM_ERROR_CLOSED:
    case CRM_ERROR_CERTIFICATE_CHANGED:
    case CRM_ERROR_CERTIFICATE_UNKNOWN:
    case CRM_ERROR_UNAVAILABLE:
    case CRM_ERROR_VERSION:
      return CRMCTL_EXIT_CONNECT;
    case CRM_ERROR_NOT_SIGNED_IN:
    case CRM_ERROR_AUTH_FAILED:
    case CRM_ERROR_ACCOUNT_LOCKED:
    case CRM_ERROR_SESSION_EXPIRED:
    case CRM_ERROR_ACCOUNT_DISABLED:
    case CRM_ERROR_PASSWORD_CHANGE_REQUIRED:
    case CRM_ERROR_RATE_LIMITED:
      return CRMCTL_EXIT_AUTH;
    case CRM_ERROR_PERMISSION_DENIED:
      return CRMCTL_EXIT_PERMISSION;
    case CRM_ERROR_NOT_FOUND:
      return CRMCTL_EXIT_NOT_FOUND;
    case CRM_ERROR_CONFLICT:
    case CRM_ERROR_DUPLICATE:
      return CRMCTL_EXIT_CONFLICT;
    case CRM_ERROR_INVALID_FIELD:
      return CRMCTL_EXIT_INVALID;
    case CRM_ERROR_BAD_PAYLOAD:
    case CRM_ERROR_UNKNOWN_MESSAGE:
      return CRMCTL_EXIT_USAGE;
    case CRM_ERROR_INTERNAL:
    case CRM_ERROR_BAD_FRAME:
    case CRM_ERROR_FRAME_TOO_LARGE:
    default:
      return CRMCTL_EXIT_FAILURE;
    }
}

int
crmctl_report_error (CrmctlContext *ctx, const GError *error)
{
  const char *field = error->domain == CRM_ERROR ? crm_error_get_field (error) : NULL;

  if (ctx != NULL && ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, error->domain == CRM_ERROR
                                     ? crm_error_code_to_string (error->code)
                                     : g_quark_to_string (error->domain));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
      if (field != NULL)
        {
          json_builder_set_member_name (builder, "field");
          json_builder_add_string_value (builder, field);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      fprintf (stderr, "%s\n", text);
    }
  else if (field != NULL && *field != '\0')
    /* TRANSLATORS: "crmctl: <message> (field: <name>)" */
    fprintf (stderr, _("crmctl: %s (field: %s)\n"), error->message, field);
  else
    fprintf (stderr, "crmctl: %s\n", error->message);
  return crmctl_exit_for_error (error);
}

int
crmctl_usage_error (const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "crmctl: %s\n", message);
  fprintf (stderr, "%s\n", _("Try “crmctl --help” for more information."));
  return CRMCTL_EXIT_USAGE;
}
