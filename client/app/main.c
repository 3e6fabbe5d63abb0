/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-client"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "crm-i18n.h"
#include "crm-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CrmApplication) app = NULL;

  setlocale (LC_ALL, "");
  crm_i18n_init ();
  textdomain (GETTEXT_PACKAGE);

  app = crm_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
