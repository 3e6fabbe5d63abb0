/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Watches a telephone device and prints its events, one per line: for
 * checking a caller-ID modem or box on site, and for the demo.
 *
 *   callerid-monitor URI [--dial NUMBER] [--reject-on-ring]
 *
 * URI as crm_phone_device_new_for_uri(): serial:/dev/ttyACM0, audio:auto,
 * sim:SCRIPT, sim-audio:SCRIPT. */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "crm-phone-device.h"

static gboolean reject_on_ring;

static void
on_event (CrmPhoneDevice *device, CrmCallEvent *event, gpointer user_data)
{
  g_autofree char *text = crm_call_event_to_string (event);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%H:%M:%S");

  g_print ("%s %s\n", when, text);
  if (reject_on_ring && event->kind == CRM_CALL_EVENT_CALLER_ID)
    {
      g_autoptr (GError) error = NULL;
      if (!crm_phone_device_reject (device, &error))
        g_printerr ("%s\n", error->message);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmPhoneDevice) device = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *dial = NULL;
  GOptionEntry     entries[] = { { "dial", 0, 0, G_OPTION_ARG_STRING, &dial,
                                   N_ ("Dial this number once the device is open"), N_ ("NUMBER") },
                                 { "reject-on-ring", 0, 0, G_OPTION_ARG_NONE, &reject_on_ring,
                                   N_ ("Reject every call once its caller ID is known"), NULL },
                                 { NULL } };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  context = g_option_context_new (_ ("URI — print the events of a telephone device"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr (
          "%s\n",
          error ? error->message
                : _ ("Give exactly one device URI, e.g. serial:/dev/ttyACM0 or sim:calls.txt."));
      return 2;
    }

  device = crm_phone_device_new_for_uri (argv[1], &error);
  if (device == NULL || !crm_phone_device_start (device, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_signal_connect (device, "event", G_CALLBACK (on_event), NULL);
  if (dial != NULL && !crm_phone_device_dial (device, dial, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
