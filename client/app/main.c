/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-client"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "crm-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CrmApplication) app = NULL;
  const char *localedir = g_getenv ("CRM_LOCALEDIR");

  /* CRM_LOCALEDIR lets the uninstalled demo use the catalogue built in
   * the build tree. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = crm_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
