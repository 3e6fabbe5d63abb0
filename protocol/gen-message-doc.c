/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-gen-message-doc"
#include "config.h"

#include <glib.h>

#include "crm-error.h"
#include "crm-messages.h"

/* Prints the message table and the error codes as Markdown, for
 * protocol/README.md ("Messages", "Errors").  The unit test
 * /protocol/messages/readme checks that the README lists every row. */

static const char *
error_meaning (int code)
{
  switch (code)
    {
    case CRM_ERROR_INTERNAL:
      return "Server fault; details only in the server log";
    case CRM_ERROR_BAD_FRAME:
      return "Header malformed: bad magic, version, unknown or inconsistent flags (connection "
             "closes)";
    case CRM_ERROR_FRAME_TOO_LARGE:
      return "Body length above the cap for the connection state (connection closes)";
    case CRM_ERROR_BAD_PAYLOAD:
      return "Body not in normal form, not of the declared type, or above a length/depth cap; "
             "`field` may name the member (e.g. `key`)";
    case CRM_ERROR_UNKNOWN_MESSAGE:
      return "Message id not in the table, or not a request";
    case CRM_ERROR_VERSION:
      return "No common protocol version (hello; connection closes)";
    case CRM_ERROR_NOT_SIGNED_IN:
      return "The message needs a session";
    case CRM_ERROR_PERMISSION_DENIED:
      return "The session lacks the message's permission";
    case CRM_ERROR_NOT_FOUND:
      return "Record absent, deleted, or outside the caller's data scope";
    case CRM_ERROR_CONFLICT:
      return "Stale record version: reload and retry";
    case CRM_ERROR_INVALID_FIELD:
      return "A field failed validation; `field` names it (e.g. `phones[1]`)";
    case CRM_ERROR_DUPLICATE:
      return "A unique value is already used; `field` names it";
    case CRM_ERROR_AUTH_FAILED:
      return "Wrong user name or password";
    case CRM_ERROR_ACCOUNT_LOCKED:
      return "Too many failed sign-ins; try later";
    case CRM_ERROR_SESSION_EXPIRED:
      return "Session token unknown, revoked or expired";
    case CRM_ERROR_RATE_LIMITED:
      return "Too many requests or sign-ins; slow down";
    case CRM_ERROR_UNAVAILABLE:
      return "Database down or server stopping; retry later";
    case CRM_ERROR_ACCOUNT_DISABLED:
      return "The account is disabled";
    case CRM_ERROR_PASSWORD_CHANGE_REQUIRED:
      return "The password must be changed (auth.change_password) before anything else";
    default:
      return "";
    }
}

static void
print_flags (CrmMessageFlags flags)
{
  gboolean any = FALSE;

  if (flags & CRM_MSG_FLAG_PREAUTH)
    g_print ("%spreauth", any++ ? ", " : "");
  if (flags & CRM_MSG_FLAG_MUTATES)
    g_print ("%smutates", any++ ? ", " : "");
  if (flags & CRM_MSG_FLAG_PUSH)
    g_print ("%spush", any++ ? ", " : "");
  if (!any)
    g_print ("-");
}

int
main (int argc, char *argv[])
{
  gsize                 n;
  const CrmMessageInfo *all = crm_messages_all (&n);

  g_print ("| Id | Name | Request | Reply / push body | Permission | Flags | Summary |\n");
  g_print ("|---:|------|---------|-------------------|------------|-------|---------|\n");
  for (gsize i = 0; i < n; i++)
    {
      g_print ("| %u | `%s` | %s%s%s | `%s` | %s%s%s | ", all[i].id, all[i].name,
               all[i].request_type ? "`" : "", all[i].request_type ? all[i].request_type : "-",
               all[i].request_type ? "`" : "", all[i].reply_type, all[i].permission ? "`" : "",
               all[i].permission ? all[i].permission : "-", all[i].permission ? "`" : "");
      print_flags (all[i].flags);
      g_print (" | %s |\n", all[i].summary);
    }

  g_print ("\n| Code | Name | Meaning |\n|---:|------|---------|\n");
  for (int code = CRM_ERROR_INTERNAL; code <= CRM_ERROR_PASSWORD_CHANGE_REQUIRED; code++)
    g_print ("| %d | `%s` | %s |\n", code, crm_error_code_to_string (code), error_meaning (code));
  return 0;
}
