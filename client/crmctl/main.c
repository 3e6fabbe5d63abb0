/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "crm-i18n.h"
#include "crm-error.h"
#include "crmctl.h"

typedef int (*CrmctlVerb) (CrmctlContext *ctx, int argc, char **argv);

static const struct {
  const char *name;
  CrmctlVerb  run;
} verbs[] = {
  { "login", crmctl_cmd_login },
  { "logout", crmctl_cmd_logout },
  { "whoami", crmctl_cmd_whoami },
  { "health", crmctl_cmd_health },
  { "call", crmctl_cmd_call },
  { "customer", crmctl_cmd_customer },
  { "contact", crmctl_cmd_contact },
  { "followup", crmctl_cmd_followup },
};

static char *
describe_exit_codes (void)
{
  GString *s = g_string_new (NULL);

  g_string_append (s, _("Commands:\n"
                        "  login                      Sign in and remember the session\n"
                        "  logout                     End the session\n"
                        "  whoami                     Show the signed-in account\n"
                        "  health                     Show the server's health\n"
                        "  call MESSAGE [ARGS]        Send any message; ARGS is GVariant text of its\n"
                        "                             request type; a leading @key member becomes a\n"
                        "                             fresh idempotency key\n"
                        "  customer list [--sort COL] [--desc] [--filter KEY=VALUE]... [--limit N] [--all]\n"
                        "  customer search TEXT\n"
                        "  customer show ID\n"
                        "  customer add --name NAME [--phone PHONE]... [--FIELD VALUE]...\n"
                        "  customer edit ID --FIELD VALUE...\n"
                        "  customer delete ID\n"
                        "  customer import FILE.csv   All rows or none; UTF-8 or GB18030\n"
                        "  customer export [FILE.csv] UTF-8 with BOM, Chinese headers\n"
                        "Customer fields: name, short-name, category, industry, source, region,\n"
                        "value, phone, address, postal-code, notes.\n"
                        "\n"));
  g_string_append (s, _("  contact list CUSTOMER_ID\n"
                        "  contact add CUSTOMER_ID --name NAME [--primary] [--phone PHONE]... [--FIELD VALUE]...\n"
                        "  contact edit ID [--primary] --FIELD VALUE...\n"
                        "  contact delete ID\n"
                        "Contact fields: name, title, gender (male, female), mobile, phone, email, qq,\n"
                        "wechat, birthday (YYYY-MM-DD), notes.\n"
                        "  followup list CUSTOMER_ID [--limit N] [--all]   Newest first\n"
                        "  followup add CUSTOMER_ID --content TEXT [--method phone|visit|wechat|email|other]\n"
                        "                             [--contact ID] [--next YYYY-MM-DD]\n"
                        "\n"));
  g_string_append (s, _("  call export [--format xlsx|csv] [FILTER]... FILE\n"
                        "                             The call history: --direction in|out, --status S,\n"
                        "                             --number DIGITS, --from/--to YYYY-MM-DD\n"
                        "\n"));
  g_string_append (s, _("Exit status:\n"
                        "  0  success\n"
                        "  1  other failure (server fault, file I/O)\n"
                        "  2  bad command line or argument text\n"
                        "  3  cannot reach the server, or its certificate is not trusted\n"
                        "  4  sign-in failed, not signed in, or the session expired\n"
                        "  5  permission denied\n"
                        "  6  record not found\n"
                        "  7  conflict: the record changed meanwhile, or a duplicate value\n"
                        "  8  invalid input; nothing was written\n"));
  return g_string_free (s, FALSE);
}

int
main (int argc, char **argv)
{
  CrmctlContext ctx = { 0 };
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  gboolean version = FALSE;
  int status = CRMCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &ctx.server,
      N_("Server address (default: the remembered one, else localhost:7420)"), N_("HOST[:PORT]") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &ctx.user, N_("Account name for login"), N_("NAME") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &ctx.password_file,
      N_("Read the password from the first line of FILE"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctx.json, N_("Print replies and errors as JSON"), NULL },
    { "trust-new-server", 0, 0, G_OPTION_ARG_NONE, &ctx.trust_new_server,
      N_("Trust and remember the certificate of a server never seen before"), NULL },
    { "locale", 0, 0, G_OPTION_ARG_STRING, &ctx.locale,
      N_("Language of messages, e.g. zh_CN or en"), N_("LOCALE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* --locale also picks the language of crmctl's own messages: look for it
   * before gettext reads the environment. */
  for (int i = 1; i < argc; i++)
    {
      const char *value = NULL;

      if (g_str_has_prefix (argv[i], "--locale="))
        value = argv[i] + strlen ("--locale=");
      else if (strcmp (argv[i], "--locale") == 0 && i + 1 < argc)
        value = argv[i + 1];
      if (value != NULL)
        {
          g_autofree char *with_codeset = g_strconcat (value, ".UTF-8", NULL);

          g_setenv ("LANGUAGE", value, TRUE);
          if (setlocale (LC_ALL, with_codeset) == NULL)
            setlocale (LC_MESSAGES, "C.UTF-8");
        }
    }
  crm_i18n_init ();
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("crmctl");

  options = g_option_context_new (_("COMMAND [ARGUMENTS…] — the Jinke CRM command line"));
  g_option_context_set_translation_domain (options, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  /* Global options may come anywhere; options of a command (--name …)
   * are left for the command. */
  g_option_context_set_ignore_unknown_options (options, TRUE);
  description = describe_exit_codes ();
  g_option_context_set_description (options, description);

  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      status = crmctl_usage_error ("%s", error->message);
      goto out;
    }
  if (version)
    {
      printf ("crmctl %s\n", PACKAGE_VERSION);
      status = CRMCTL_EXIT_OK;
      goto out;
    }
  if (argc < 2)
    {
      status = crmctl_usage_error ("%s", _("No command given."));
      goto out;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (strcmp (argv[1], verbs[i].name) == 0)
      {
        status = verbs[i].run (&ctx, argc - 1, argv + 1);
        goto out;
      }
  /* user, role, department, setting, audit, … (crmctl-admin.c) */
  if (crmctl_admin_is_noun (argv[1]))
    {
      status = crmctl_cmd_admin (&ctx, argc - 1, argv + 1);
      goto out;
    }
  status = crmctl_usage_error (_("Unknown command “%s”."), argv[1]);

out:
  crmctl_context_clear (&ctx);
  return status;
}
