/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "crm-call-export.h"
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

/* ---- crmctl call export ---- */

static gboolean
parse_day (const char *text, gboolean end_of_day, gint64 *out)
{
  int y, m, d;
  char tail;
  g_autoptr(GDateTime) t = NULL;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  t = g_date_time_new_local (y, m, d, 0, 0, 0);
  if (t == NULL)
    return FALSE;
  *out = g_date_time_to_unix (t) * G_USEC_PER_SEC;
  if (end_of_day)
    *out += G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC - 1;
  return TRUE;
}

/*
 * `crmctl call export [--format xlsx|csv] [--direction in|out]
 * [--status S] [--number DIGITS] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
 * FILE`: every call the filters match (the history page's export).
 * "export" is not a message name, so it cannot shadow one.
 */
static int
call_export (CrmctlContext *ctx, int argc, char **argv)
{
  g_autofree char *format = NULL, *direction = NULL, *status = NULL, *number = NULL;
  g_autofree char *from = NULL, *to = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("xlsx or csv (default: from the file name)"), "FORMAT" },
    { "direction", 0, 0, G_OPTION_ARG_STRING, &direction, N_("in or out"), "DIRECTION" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("answered, missed, rejected, blocked or fax"), "STATUS" },
    { "number", 0, 0, G_OPTION_ARG_STRING, &number, N_("Digits the number contains"), "DIGITS" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("First day (YYYY-MM-DD)"), "DAY" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Last day (YYYY-MM-DD)"), "DAY" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) options = g_option_context_new (_("FILE — export the call history"));
  g_autoptr(GError) error = NULL;
  g_auto(GVariantDict) filters = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) filter = NULL;
  g_autoptr(CrmCallExport) export = NULL;
  CrmCallExportFormat fmt;
  gint64 before = 0;
  guint rows;

  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (options, TRUE);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return crmctl_usage_error ("%s", error->message);
  if (argc != 2)
    return crmctl_usage_error ("%s", _("call export needs one output file, e.g. “crmctl call export calls.xlsx”."));
  if (format == NULL)
    fmt = crm_call_export_format_for_path (argv[1]);
  else if (g_ascii_strcasecmp (format, "xlsx") == 0)
    fmt = CRM_CALL_EXPORT_XLSX;
  else if (g_ascii_strcasecmp (format, "csv") == 0)
    fmt = CRM_CALL_EXPORT_CSV;
  else
    return crmctl_usage_error (_("Unknown format “%s”: use xlsx or csv."), format);
  if (direction != NULL)
    {
      if (strcmp (direction, "in") != 0 && strcmp (direction, "out") != 0)
        return crmctl_usage_error (_("Unknown direction “%s”: use in or out."), direction);
      g_variant_dict_insert (&filters, "direction", "s", direction);
    }
  if (status != NULL)
    g_variant_dict_insert (&filters, "status", "s", status);
  if (number != NULL)
    g_variant_dict_insert (&filters, "number", "s", number);
  if (from != NULL || to != NULL)
    {
      gint64 us = 0;

      if (from != NULL && !parse_day (from, FALSE, &us))
        return crmctl_usage_error (_("“%s” is not a day like 2024-03-01."), from);
      if (from != NULL)
        g_variant_dict_insert (&filters, "from", "x", us);
      if (to != NULL && !parse_day (to, TRUE, &us))
        return crmctl_usage_error (_("“%s” is not a day like 2024-03-01."), to);
      if (to != NULL)
        g_variant_dict_insert (&filters, "to", "x", us);
    }
  filter = g_variant_ref_sink (g_variant_dict_end (&filters));

  export = crm_call_export_new (fmt, argv[1], &error);
  if (export == NULL)
    return crmctl_report_error (ctx, error);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  do
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) records = NULL;
      gint limit = (gint) MIN (CRM_CALL_EXPORT_PAGE_ROWS,
                               CRM_CALL_EXPORT_MAX_ROWS - crm_call_export_get_n_rows (export));

      reply = crm_connection_call_sync (ctx->connection, CRM_MSG_CALL_LIST,
                                        g_variant_new ("(@a{sv}xi)", filter, before, limit), NULL, &error);
      if (reply == NULL)
        return crmctl_report_error (ctx, error);
      g_variant_get (reply, "(@aa{sv}x)", &records, &before);
      for (gsize i = 0; i < g_variant_n_children (records); i++)
        {
          g_autoptr(GVariant) record = g_variant_get_child_value (records, i);
          crm_call_export_add (export, record);
        }
    }
  while (before != 0 && crm_call_export_get_n_rows (export) < CRM_CALL_EXPORT_MAX_ROWS);
  rows = crm_call_export_get_n_rows (export);
  if (!crm_call_export_finish (g_steal_pointer (&export), &error))
    return crmctl_report_error (ctx, error);
  if (ctx->json)
    printf ("{\"rows\": %u, \"truncated\": %s}\n", rows, before != 0 ? "true" : "false");
  else
    {
      printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u call\n", "Exported %u calls\n", rows), rows);
      if (before != 0)
        printf (_("Stopped at %u calls; narrow the filters for the rest.\n"), rows);
    }
  return CRMCTL_EXIT_OK;
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
  if (strcmp (argv[1], "export") == 0)
    return call_export (ctx, argc - 1, argv + 1);
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
