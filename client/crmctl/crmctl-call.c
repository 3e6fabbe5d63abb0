/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crmctl-output.h"
#include "crmctl.h"

/*
 * `crmctl call MESSAGE [TEXT]`: the escape hatch that reaches every
 * message of the table, so that scripts and tests need no new verb for a
 * new message.  The text must be the whole request tuple; for mutating
 * messages the first member may be the word @key, replaced by a fresh
 * idempotency key.
 */

char *
crmctl_expand_key (const char *text)
{
  const char *p = text;
  g_autofree char *key = NULL;

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '(')
    return g_strdup (text);
  p++;
  while (g_ascii_isspace (*p))
    p++;
  if (!g_str_has_prefix (p, "@key"))
    return g_strdup (text);
  /* "@key" must be a whole word: "@keyboard" is not the placeholder. */
  if (g_ascii_isalnum (p[4]) || p[4] == '_')
    return g_strdup (text);

  key = crm_new_idempotency_key ();
  return g_strdup_printf ("%.*s'%s'%s", (int) (p - text), text, key, p + 4);
}

static void
print_reply (CrmctlContext *ctx, GVariant *reply)
{
  if (ctx->json)
    crmctl_print_json (reply, stdout);
  else
    {
      g_autofree char *text = g_variant_print (reply, FALSE);

      printf ("%s\n", text);
    }
}

int
crmctl_cmd_call (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) request = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantType) type = NULL;
  g_autofree char *text = NULL;
  const CrmMessageInfo *info;

  if (argc < 2)
    return crmctl_usage_error ("%s", _("call needs a message name, e.g. “crmctl call customer.get '(1,)'”."));
  if (argc > 3)
    return crmctl_usage_error (_("Unexpected argument “%s”; quote the whole request text."), argv[3]);
  info = crm_message_lookup_name (argv[1]);
  if (info == NULL || info->request_type == NULL)
    return crmctl_usage_error (_("“%s” is not a request message of the protocol."), argv[1]);

  type = g_variant_type_new (info->request_type);
  text = crmctl_expand_key (argc == 3 ? argv[2] : "()");
  request = g_variant_parse (type, text, NULL, NULL, &error);
  if (request == NULL)
    {
      g_autofree char *context = g_variant_parse_error_print_context (error, text);

      return crmctl_usage_error (_("The request text for %s must be of type %s:\n%s"),
                                 info->name, info->request_type, context);
    }
  if ((info->flags & CRM_MSG_FLAG_MUTATES) != 0)
    {
      const char *key = NULL;

      g_variant_get_child (request, 0, "&s", &key);
      if (!crm_idempotency_key_is_valid (key))
        return crmctl_usage_error ("%s", _("The first member of a changing request is its "
                                          "idempotency key: write @key for a fresh one."));
    }

  if (info->flags & CRM_MSG_FLAG_PREAUTH)
    {
      if (!crmctl_connect (ctx, &error))
        return crmctl_report_error (ctx, error);
    }
  else if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);

  reply = crm_connection_call_sync (ctx->connection, info->id, g_steal_pointer (&request),
                                    NULL, &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  print_reply (ctx, reply);
  return CRMCTL_EXIT_OK;
}

int
crmctl_cmd_health (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  if (argc > 1)
    return crmctl_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  reply = crm_connection_call_sync (ctx->connection, CRM_MSG_HEALTH, NULL, NULL, &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  if (ctx->json)
    crmctl_print_json (reply, stdout);
  else
    {
      const char *headers[] = { _("Metric"), _("Reading") };
      g_autoptr(CrmctlTable) table = crmctl_table_new (2, headers);
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
      GVariantIter iter;
      const char *key;

      g_variant_iter_init (&iter, reply);
      while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
        g_ptr_array_add (keys, g_strdup (key));
      for (guint i = 0; i < keys->len; i++)
        {
          g_autofree char *value = crmctl_record_dup_display_text (reply, keys->pdata[i]);
          const char *row[] = { keys->pdata[i], value };

          crmctl_table_add_row (table, row);
        }
      crmctl_table_print (table, stdout);
    }
  return CRMCTL_EXIT_OK;
}
