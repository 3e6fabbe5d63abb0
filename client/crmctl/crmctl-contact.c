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
 * crmctl contact list|add|edit|delete and crmctl followup list|add: the
 * contacts and follow-ups of one customer.  Field options map to the
 * record keys (--short-name style with dashes); --phone repeats.
 */

#define FOLLOWUP_PAGE 200

static const char * const contact_text_options[] = {
  "name", "title", "gender", "mobile", "email", "qq", "wechat", "birthday", "notes", NULL,
};

/* --FIELD VALUE… from argv[first] on, into an "a{sv}" of contact fields. */
static GVariant *
parse_contact_options (int argc, char **argv, int first, GError **error)
{
  g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GStrvBuilder) phones = g_strv_builder_new ();
  gboolean any_phone = FALSE;

  for (int i = first; i < argc;)
    {
      const char *arg = argv[i];
      gboolean flag = strcmp (arg, "--primary") == 0 || strcmp (arg, "--not-primary") == 0;
      g_autofree char *name = NULL;
      const char *value = NULL;

      if (!crmctl_next_option (argc, argv, &i, &name, &value, !flag, error))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unexpected argument “%s”."), arg);
          return NULL;
        }
      if (*error != NULL)
        return NULL;
      if (flag)
        {
          g_variant_builder_add (&b, "{sv}", "is_primary",
                                 g_variant_new_boolean (strcmp (arg, "--primary") == 0));
          continue;
        }
      g_strdelimit (name, "-", '_');
      if (strcmp (name, "phone") == 0)
        {
          g_strv_builder_add (phones, value);
          any_phone = TRUE;
        }
      else if (g_strv_contains (contact_text_options, name))
        g_variant_builder_add (&b, "{sv}", name, g_variant_new_string (value));
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown contact field --%s."), name);
          return NULL;
        }
    }
  if (any_phone)
    {
      g_auto(GStrv) list = g_strv_builder_end (phones);
      g_variant_builder_add (&b, "{sv}", "phones", g_variant_new_strv ((const char * const *) list, -1));
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static int
usage_or_report (CrmctlContext *ctx, const GError *error)
{
  return error->domain == G_OPTION_ERROR ? crmctl_usage_error ("%s", error->message)
                                         : crmctl_report_error (ctx, error);
}

static const struct {
  const char *code;
  const char *label;
} followup_methods[] = {
  { "phone", N_("Phone") },
  { "visit", N_("Visit") },
  { "wechat", N_("WeChat") },
  { "email", N_("E-mail") },
  { "other", N_("Other") },
};

/* Display text of a cell: follow-up times in local time, methods by name. */
static char *
cell_text (GVariant *row, const char *key)
{
  if (strcmp (key, "at") == 0)
    {
      gint64 at = 0;
      g_autoptr(GDateTime) t = NULL;

      g_variant_lookup (row, "at", "x", &at);
      t = g_date_time_new_from_unix_local (at / G_USEC_PER_SEC);
      return t ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("");
    }
  if (strcmp (key, "method") == 0)
    {
      const char *method = "";

      g_variant_lookup (row, "method", "&s", &method);
      for (guint i = 0; i < G_N_ELEMENTS (followup_methods); i++)
        if (strcmp (followup_methods[i].code, method) == 0)
          return g_strdup (_(followup_methods[i].label));
      return g_strdup (method);
    }
  return crmctl_record_dup_display_text (row, key);
}

/* A list command's output: JSON with --json, else a table. */
static void
print_rows (CrmctlContext *ctx, GVariant *rows, const char * const *headers, const char * const *keys,
            guint n)
{
  if (ctx->json)
    crmctl_print_json (rows, stdout);
  else
    crmctl_print_rows (rows, n, headers, keys, cell_text, stdout);
}

static int
contact_list (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rows = NULL;
  gint64 customer;
  const char *headers[] = { _("ID"), C_("person", "Name"), _("Title"), _("Mobile"), _("Phones"),
                            _("E-mail"), _("Primary") };
  const char *keys[] = { "id", "name", "title", "mobile", "phones", "email", "is_primary" };

  if (argc != 2)
    return crmctl_usage_error ("%s", _("contact list needs one customer ID."));
  if (!crmctl_parse_id (argv[1], _("customer ID"), &customer, &error))
    return crmctl_usage_error ("%s", error->message);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  rows = crm_connection_call_sync (ctx->connection, CRM_MSG_CONTACT_LIST,
                                   g_variant_new ("(x)", customer), NULL, &error);
  if (rows == NULL)
    return crmctl_report_error (ctx, error);
  print_rows (ctx, rows, headers, keys, G_N_ELEMENTS (keys));
  return CRMCTL_EXIT_OK;
}

static int
contact_add (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) fields = NULL;
  g_autofree char *text = NULL;
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  gint64 customer, id, version;

  if (argc < 2)
    return crmctl_usage_error ("%s", _("contact add needs a customer ID and --name NAME."));
  if (!crmctl_parse_id (argv[1], _("customer ID"), &customer, &error))
    return crmctl_usage_error ("%s", error->message);
  fields = parse_contact_options (argc, argv, 2, &error);
  if (fields == NULL)
    return usage_or_report (ctx, error);
  if (!g_variant_lookup (fields, "name", "&s", NULL))
    return crmctl_usage_error ("%s", _("contact add needs --name."));
  g_variant_dict_init (&d, fields);
  g_variant_dict_insert (&d, "customer_id", "x", customer);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  if (!crmctl_create (ctx->connection, CRM_MSG_CONTACT_CREATE, g_variant_dict_end (&d), &id, &version, &error))
    return crmctl_report_error (ctx, error);
  text = g_strdup_printf (_("Added contact %lld.\n"), (long long) id);
  crmctl_print_written (ctx->json, id, version, text, stdout);
  return CRMCTL_EXIT_OK;
}

/* The contact's current version: edits and deletes name the version they
 * change, so that `edit` is a plain "set these fields". */
static gboolean
contact_version (CrmctlContext *ctx, gint64 id, gint64 *version, GError **error)
{
  return crmctl_fetch_version (ctx->connection, CRM_MSG_CONTACT_GET, id,
                               _("The server sent a contact without a version."), version, error);
}

static int
contact_edit (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) fields = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *text = NULL;
  gint64 id, version, new_version;

  if (argc < 3)
    return crmctl_usage_error ("%s", _("contact edit needs a contact ID and --FIELD VALUE…"));
  if (!crmctl_parse_id (argv[1], _("contact ID"), &id, &error))
    return crmctl_usage_error ("%s", error->message);
  fields = parse_contact_options (argc, argv, 2, &error);
  if (fields == NULL)
    return usage_or_report (ctx, error);
  if (!crmctl_connect_resumed (ctx, &error) || !contact_version (ctx, id, &version, &error))
    return crmctl_report_error (ctx, error);
  reply = crmctl_call_keyed (ctx->connection, CRM_MSG_CONTACT_UPDATE,
                             g_variant_new ("(xx@a{sv})", id, version, fields), &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  g_variant_get (reply, "(x)", &new_version);
  text = g_strdup_printf (_("Contact %lld updated.\n"), (long long) id);
  crmctl_print_written (ctx->json, id, new_version, text, stdout);
  return CRMCTL_EXIT_OK;
}

static int
contact_delete (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *text = NULL;
  gint64 id, version;

  if (argc != 2)
    return crmctl_usage_error ("%s", _("contact delete needs one contact ID."));
  if (!crmctl_parse_id (argv[1], _("contact ID"), &id, &error))
    return crmctl_usage_error ("%s", error->message);
  if (!crmctl_connect_resumed (ctx, &error) || !contact_version (ctx, id, &version, &error))
    return crmctl_report_error (ctx, error);
  reply = crmctl_call_keyed (ctx->connection, CRM_MSG_CONTACT_DELETE, g_variant_new ("(xx)", id, version),
                             &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  text = g_strdup_printf (_("Contact %lld deleted.\n"), (long long) id);
  crmctl_print_written (ctx->json, id, -1, text, stdout);
  return CRMCTL_EXIT_OK;
}

int
crmctl_cmd_contact (CrmctlContext *ctx, int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*run) (CrmctlContext *, int, char **);
  } subs[] = {
    { "list", contact_list },
    { "add", contact_add },
    { "edit", contact_edit },
    { "delete", contact_delete },
  };

  if (argc < 2)
    return crmctl_usage_error ("%s", _("contact needs a command: list, add, edit or delete."));
  for (gsize i = 0; i < G_N_ELEMENTS (subs); i++)
    if (strcmp (argv[1], subs[i].name) == 0)
      return subs[i].run (ctx, argc - 1, argv + 1);
  return crmctl_usage_error (_("Unknown contact command “%s”."), argv[1]);
}

/* ---- followup ---- */

static int
followup_list (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GVariantBuilder) all = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));
  g_autoptr(GVariant) rows = NULL;
  g_autofree char *cursor = g_strdup ("");
  gint64 customer, limit = 20;
  gboolean everything = FALSE;
  const char *headers[] = { _("ID"), _("Time"), _("Method"), _("Contact"), _("By"),
                            _("Content"), _("Next") };
  const char *keys[] = { "id", "at", "method", "contact_name", "user_name", "content", "next_date" };

  if (argc < 2)
    return crmctl_usage_error ("%s", _("followup list needs a customer ID."));
  if (!crmctl_parse_id (argv[1], _("customer ID"), &customer, &error))
    return crmctl_usage_error ("%s", error->message);
  for (int i = 2; i < argc; i++)
    {
      if (strcmp (argv[i], "--all") == 0)
        everything = TRUE;
      else if (strcmp (argv[i], "--limit") == 0 && i + 1 < argc)
        {
          if (!g_ascii_string_to_signed (argv[++i], 10, 1, FOLLOWUP_PAGE, &limit, NULL))
            return crmctl_usage_error (_("--limit needs a number from 1 to %d, not “%s”."),
                                       FOLLOWUP_PAGE, argv[i]);
        }
      else
        return crmctl_usage_error (_("Unexpected argument “%s”."), argv[i]);
    }
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  for (;;)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) page = NULL;
      const char *next;

      reply = crm_connection_call_sync (ctx->connection, CRM_MSG_FOLLOWUP_LIST,
                                        g_variant_new ("(xsi)", customer, cursor,
                                                       everything ? FOLLOWUP_PAGE : (gint32) limit),
                                        NULL, &error);
      if (reply == NULL)
        return crmctl_report_error (ctx, error);
      g_variant_get (reply, "(@aa{sv}&s)", &page, &next);
      for (gsize r = 0; r < g_variant_n_children (page); r++)
        g_variant_builder_add_value (&all, g_variant_get_child_value (page, r));
      if (!everything || *next == '\0')
        break;
      g_free (cursor);
      cursor = g_strdup (next);
    }
  rows = g_variant_ref_sink (g_variant_builder_end (&all));
  print_rows (ctx, rows, headers, keys, G_N_ELEMENTS (keys));
  return CRMCTL_EXIT_OK;
}

static int
followup_add (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  gint64 customer, id, version;
  gboolean have_content = FALSE;

  if (argc < 2)
    return crmctl_usage_error ("%s", _("followup add needs a customer ID and --content TEXT."));
  if (!crmctl_parse_id (argv[1], _("customer ID"), &customer, &error))
    return crmctl_usage_error ("%s", error->message);
  g_variant_dict_insert (&d, "customer_id", "x", customer);
  g_variant_dict_insert (&d, "method", "s", "phone");
  for (int i = 2; i < argc; i++)
    {
      const char *opt = argv[i];

      if (i + 1 >= argc)
        return crmctl_usage_error (_("Option %s needs a value."), opt);
      if (strcmp (opt, "--content") == 0)
        {
          g_variant_dict_insert (&d, "content", "s", argv[++i]);
          have_content = TRUE;
        }
      else if (strcmp (opt, "--method") == 0)
        g_variant_dict_insert (&d, "method", "s", argv[++i]);
      else if (strcmp (opt, "--next") == 0)
        g_variant_dict_insert (&d, "next_date", "s", argv[++i]);
      else if (strcmp (opt, "--contact") == 0)
        {
          gint64 contact;

          if (!crmctl_parse_id (argv[++i], _("contact ID"), &contact, &error))
            return crmctl_usage_error ("%s", error->message);
          g_variant_dict_insert (&d, "contact_id", "x", contact);
        }
      else
        return crmctl_usage_error (_("Unexpected argument “%s”."), opt);
    }
  if (!have_content)
    return crmctl_usage_error ("%s", _("followup add needs --content."));
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  if (!crmctl_create (ctx->connection, CRM_MSG_FOLLOWUP_CREATE, g_variant_dict_end (&d), &id, &version, &error))
    return crmctl_report_error (ctx, error);
  text = g_strdup_printf (_("Added follow-up %lld.\n"), (long long) id);
  crmctl_print_written (ctx->json, id, version, text, stdout);
  return CRMCTL_EXIT_OK;
}

int
crmctl_cmd_followup (CrmctlContext *ctx, int argc, char **argv)
{
  if (argc < 2)
    return crmctl_usage_error ("%s", _("followup needs a command: list or add."));
  if (strcmp (argv[1], "list") == 0)
    return followup_list (ctx, argc - 1, argv + 1);
  if (strcmp (argv[1], "add") == 0)
    return followup_add (ctx, argc - 1, argv + 1);
  return crmctl_usage_error (_("Unknown followup command “%s”."), argv[1]);
}
