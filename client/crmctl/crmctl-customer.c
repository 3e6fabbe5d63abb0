/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crmctl-fields.h"
#include "crmctl-output.h"
#include "crmctl.h"

#define LIST_PAGE_MAX 500
#define SEARCH_MAX 200

static void
print_rows_table (GVariant *rows, FILE *out)
{
  const char *headers[] = { _("ID"), _("Name"), _("Short name"), _("Category"),
                            _("Region"), _("Phones") };
  const char *keys[] = { "id", "name", "short_name", "category", "region", "phones" };

  crmctl_print_rows (rows, G_N_ELEMENTS (keys), headers, keys, crmctl_record_dup_text, out);
}

static int
customer_list (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GVariantBuilder) filters = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariant) filter_value = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autoptr(GVariant) all_rows = NULL;
  g_autofree char *sort = g_strdup ("name");
  g_autofree char *cursor = g_strdup ("");
  gboolean desc = FALSE, all = FALSE;
  gint64 limit = 50, estimated = 0;
  int i = 1;

  while (i < argc)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      gboolean flag = strcmp (argv[i], "--desc") == 0 || strcmp (argv[i], "--all") == 0;

      if (!crmctl_next_option (argc, argv, &i, &name, &value, !flag, &error))
        return crmctl_usage_error (_("Unexpected argument “%s”."), argv[i]);
      if (error != NULL)
        return crmctl_usage_error ("%s", error->message);
      if (strcmp (name, "desc") == 0)
        desc = TRUE;
      else if (strcmp (name, "all") == 0)
        all = TRUE;
      else if (strcmp (name, "sort") == 0)
        { g_free (sort); sort = g_strdup (value); }
      else if (strcmp (name, "limit") == 0)
        {
          if (!g_ascii_string_to_signed (value, 10, 1, G_MAXINT32, &limit, NULL))
            return crmctl_usage_error (_("--limit needs a positive number, not “%s”."), value);
        }
      else if (strcmp (name, "filter") == 0)
        {
          const char *eq = strchr (value, '=');
          g_autofree char *key = NULL;

          if (eq == NULL || eq == value)
            return crmctl_usage_error (_("--filter needs KEY=VALUE, not “%s”."), value);
          key = g_strndup (value, eq - value);
          /* Ids filter as numbers, everything else as text. */
          if (g_str_has_suffix (key, "_id") || strcmp (key, "id") == 0)
            {
              gint64 id;

              if (!g_ascii_string_to_signed (eq + 1, 10, 0, G_MAXINT64, &id, NULL))
                return crmctl_usage_error (_("Filter %s needs a number, not “%s”."), key, eq + 1);
              g_variant_builder_add (&filters, "{sv}", key, g_variant_new_int64 (id));
            }
          else
            g_variant_builder_add (&filters, "{sv}", key, g_variant_new_string (eq + 1));
        }
      else
        return crmctl_usage_error (_("Unknown option --%s for “customer list”."), name);
    }
  filter_value = g_variant_ref_sink (g_variant_builder_end (&filters));

  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);

  /* Keyset pages until the limit (or the end, with --all). */
  do
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) page = NULL;
      const char *next;
      gint64 want = all ? LIST_PAGE_MAX : MIN (LIST_PAGE_MAX, limit - (gint64) rows->len);
      GVariantIter iter;
      GVariant *row;

      reply = crm_connection_call_sync (ctx->connection, CRM_MSG_CUSTOMER_LIST,
                                        g_variant_new ("(sb@a{sv}si)", sort, desc, filter_value,
                                                       cursor, (gint32) want),
                                        NULL, &error);
      if (reply == NULL)
        return crmctl_report_error (ctx, error);
      g_variant_get (reply, "(@aa{sv}&sx)", &page, &next, &estimated);
      g_variant_iter_init (&iter, page);
      while ((row = g_variant_iter_next_value (&iter)) != NULL)
        g_ptr_array_add (rows, row);
      g_free (cursor);
      cursor = g_strdup (next);
    }
  while (*cursor != '\0' && (all || (gint64) rows->len < limit));

  all_rows = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT,
                                                      (GVariant **) rows->pdata, rows->len));
  if (ctx->json)
    crmctl_print_json (all_rows, stdout);
  else
    {
      print_rows_table (all_rows, stdout);
      printf (g_dngettext (GETTEXT_PACKAGE, "%u customer shown, about %lld in all.\n",
                           "%u customers shown, about %lld in all.\n", rows->len),
              rows->len, (long long) estimated);
    }
  return CRMCTL_EXIT_OK;
}

static int
customer_search (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *text = NULL;
  gint64 limit = 50;
  int i = 1;

  while (i < argc)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;

      if (!crmctl_next_option (argc, argv, &i, &name, &value, TRUE, &error))
        {
          if (text != NULL)
            return crmctl_usage_error (_("Unexpected argument “%s”; quote the search text."), argv[i]);
          text = argv[i++];
          continue;
        }
      if (error != NULL)
        return crmctl_usage_error ("%s", error->message);
      if (strcmp (name, "limit") != 0 ||
          !g_ascii_string_to_signed (value, 10, 1, SEARCH_MAX, &limit, NULL))
        return crmctl_usage_error (_("“customer search” takes TEXT and --limit N (1–%d)."), SEARCH_MAX);
    }
  if (text == NULL || *text == '\0')
    return crmctl_usage_error ("%s", _("customer search needs the text to look for."));

  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  reply = crm_connection_call_sync (ctx->connection, CRM_MSG_CUSTOMER_SEARCH,
                                    g_variant_new ("(s@a{sv}i)", text,
                                                   g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                   (gint32) limit),
                                    NULL, &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  if (ctx->json)
    crmctl_print_json (reply, stdout);
  else if (g_variant_n_children (reply) == 0)
    printf ("%s\n", _("No customer found."));
  else
    print_rows_table (reply, stdout);
  return CRMCTL_EXIT_OK;
}

static GVariant *
fetch_customer (CrmctlContext *ctx, gint64 id, GError **error)
{
  return crm_connection_call_sync (ctx->connection, CRM_MSG_CUSTOMER_GET,
                                   g_variant_new ("(x)", id), NULL, error);
}

static int
customer_show (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) record = NULL;
  gint64 id;

  if (argc != 2)
    return crmctl_usage_error ("%s", _("customer show needs one customer ID."));
  if (!crmctl_parse_id (argv[1], _("customer ID"), &id, &error))
    return crmctl_usage_error ("%s", error->message);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  record = fetch_customer (ctx, id, &error);
  if (record == NULL)
    return crmctl_report_error (ctx, error);
  if (ctx->json)
    crmctl_print_json (record, stdout);
  else
    crmctl_print_record (record, stdout);
  return CRMCTL_EXIT_OK;
}

/* Reads --FIELD VALUE pairs from argv[*i…] into an "a{sv}".  Several
 * --phone options add up to one list. */
static GVariant *
parse_field_options (int argc, char **argv, int i, GError **error)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GPtrArray) phones = NULL;
  g_autoptr(GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);

  while (i < argc)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      const CrmctlField *f;

      if (!crmctl_next_option (argc, argv, &i, &name, &value, TRUE, error))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unexpected argument “%s”; fields are given as --FIELD VALUE."), argv[i]);
          return NULL;
        }
      if (*error != NULL)
        return NULL;
      f = crmctl_field_by_option (name);
      if (f == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                       _("Unknown customer field --%s."), name);
          return NULL;
        }
      if (!crmctl_field_validate (f, value, error))
        return NULL;
      if (f->is_list)
        {
          if (phones == NULL)
            phones = g_ptr_array_new ();
          if (*value != '\0')
            g_ptr_array_add (phones, (gpointer) value);
          continue;
        }
      if (g_hash_table_contains (given, f->key))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Field --%s is given twice."), f->option);
          return NULL;
        }
      g_hash_table_add (given, (gpointer) f->key);
      crmctl_field_add_text (f, &builder, value);
    }
  if (phones != NULL)
    {
      g_ptr_array_add (phones, NULL);
      g_variant_builder_add (&builder, "{sv}", "phones",
                             g_variant_new_strv ((const char * const *) phones->pdata, -1));
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static int
customer_add (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) fields = parse_field_options (argc, argv, 1, &error);
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  gint64 id, version;

  if (fields == NULL)
    return error->domain == G_OPTION_ERROR ? crmctl_usage_error ("%s", error->message)
                                           : crmctl_report_error (ctx, error);
  if (!g_variant_lookup (fields, "name", "s", &name))
    return crmctl_usage_error ("%s", _("customer add needs --name."));
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  if (!crmctl_create (ctx->connection, CRM_MSG_CUSTOMER_CREATE, fields, &id, &version, &error))
    return crmctl_report_error (ctx, error);
  text = g_strdup_printf (_("Added customer %lld “%s”.\n"), (long long) id, name);
  crmctl_print_written (ctx->json, id, version, text, stdout);
  return CRMCTL_EXIT_OK;
}

/* The customer's current version: the server refuses an edit or a delete
 * of a version other than the current one; reading it first makes `edit` a
 * plain "set these fields". */
static gboolean
customer_version (CrmctlContext *ctx, gint64 id, gint64 *version, GError **error)
{
  return crmctl_fetch_version (ctx->connection, CRM_MSG_CUSTOMER_GET, id,
                               _("The server sent a customer without a version."), version, error);
}

static int
customer_edit (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) fields = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *text = NULL;
  gint64 id, version, new_version;

  if (argc < 2)
    return crmctl_usage_error ("%s", _("customer edit needs a customer ID and --FIELD VALUE…"));
  if (!crmctl_parse_id (argv[1], _("customer ID"), &id, &error))
    return crmctl_usage_error ("%s", error->message);
  fields = parse_field_options (argc, argv, 2, &error);
  if (fields == NULL)
    return error->domain == G_OPTION_ERROR ? crmctl_usage_error ("%s", error->message)
                                           : crmctl_report_error (ctx, error);
  if (g_variant_n_children (fields) == 0)
    return crmctl_usage_error ("%s", _("Nothing to change: give at least one --FIELD VALUE."));
  if (!crmctl_connect_resumed (ctx, &error) || !customer_version (ctx, id, &version, &error))
    return crmctl_report_error (ctx, error);
  reply = crmctl_call_keyed (ctx->connection, CRM_MSG_CUSTOMER_UPDATE,
                             g_variant_new ("(xx@a{sv})", id, version, fields), &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  g_variant_get (reply, "(x)", &new_version);
  text = g_strdup_printf (_("Customer %lld updated.\n"), (long long) id);
  crmctl_print_written (ctx->json, id, new_version, text, stdout);
  return CRMCTL_EXIT_OK;
}

static int
customer_delete (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *text = NULL;
  gint64 id, version;

  if (argc != 2)
    return crmctl_usage_error ("%s", _("customer delete needs one customer ID."));
  if (!crmctl_parse_id (argv[1], _("customer ID"), &id, &error))
    return crmctl_usage_error ("%s", error->message);
  if (!crmctl_connect_resumed (ctx, &error) || !customer_version (ctx, id, &version, &error))
    return crmctl_report_error (ctx, error);
  reply = crmctl_call_keyed (ctx->connection, CRM_MSG_CUSTOMER_DELETE, g_variant_new ("(xx)", id, version),
                             &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  text = g_strdup_printf (_("Customer %lld deleted.\n"), (long long) id);
  crmctl_print_written (ctx->json, id, -1, text, stdout);
  return CRMCTL_EXIT_OK;
}

int
crmctl_cmd_customer (CrmctlContext *ctx, int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*run) (CrmctlContext *, int, char **);
  } subs[] = {
    { "list", customer_list },
    { "search", customer_search },
    { "show", customer_show },
    { "add", customer_add },
    { "edit", customer_edit },
    { "delete", customer_delete },
    { "import", crmctl_customer_import },
    { "export", crmctl_customer_export },
  };

  if (argc < 2)
    return crmctl_usage_error ("%s", _("customer needs a command: list, search, show, add, edit, "
                                      "delete, import or export."));
  for (gsize i = 0; i < G_N_ELEMENTS (subs); i++)
    if (strcmp (argv[1], subs[i].name) == 0)
      return subs[i].run (ctx, argc - 1, argv + 1);
  return crmctl_usage_error (_("Unknown customer command “%s”."), argv[1]);
}
