/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-i18n"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-i18n.h"

static gboolean
has_catalogue (const char *dir)
{
  g_autofree char *mo = g_build_filename (dir, "zh_CN", "LC_MESSAGES",
                                          GETTEXT_PACKAGE ".mo", NULL);
  return g_file_test (mo, G_FILE_TEST_IS_REGULAR);
}

const char *
crm_i18n_init (void)
{
  static const char *chosen;
  const char *env;

  if (chosen != NULL)
    return chosen;

  env = g_getenv ("CRM_LOCALEDIR");
  if (env != NULL && *env != '\0')
    chosen = g_intern_string (env);
  else if (has_catalogue (LOCALEDIR))
    chosen = LOCALEDIR;
  else if (has_catalogue (BUILD_ROOT "/po"))
    chosen = BUILD_ROOT "/po";
  else
    chosen = LOCALEDIR;

  bindtextdomain (GETTEXT_PACKAGE, chosen);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  return chosen;
}
