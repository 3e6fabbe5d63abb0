/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-calls-app"
#include "config.h"

#include <string.h>

#include "crm-application.h"
#include "crm-calls.h"
#include "crm-calls-window.h"
#include "crm-customer-list-view.h"
#include "crm-customer-page.h"
#include "crm-messages.h"
#include "crm-phone.h"
#include "crm-sign-in-window.h"
#include "crm-test-server.h"
#include "crm-window.h"

/*
 * The whole client as a user starts it with a phone configured (the
 * "phone-device" key, as --phone-device sets it): sign in, a demo
 * customer calls through the simulated modem, the pop-up shows them and
 * "Open customer" opens them in the main window; the call history window
 * is one action away.
 */

#define WAIT_S 60

static CrmTestServer *server;
static CrmApplication *app;

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_for (Condition cond, gpointer data, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static gboolean
fatal_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  return strstr (message, "org.freedesktop.Notifications") == NULL;
}

static gboolean
sign_in_settled (gpointer data)
{
  GtkWindow *window = crm_application_get_sign_in_window (app);

  return crm_application_get_main_window (app) != NULL ||
         (window && !crm_sign_in_window_is_busy (CRM_SIGN_IN_WINDOW (window)) &&
          (crm_sign_in_window_get_error_text (CRM_SIGN_IN_WINDOW (window)) ||
           crm_sign_in_window_is_asking_trust (CRM_SIGN_IN_WINDOW (window))));
}

static gboolean
popup_for (gpointer data)
{
  CrmCalls *calls = g_object_get_data (G_OBJECT (app), "crm-calls");
  CrmCallPopup *popup = calls ? crm_calls_get_popup (calls) : NULL;

  return popup != NULL && gtk_widget_get_mapped (GTK_WIDGET (popup)) &&
         crm_call_popup_get_customer_id (popup) == *(gint64 *) data;
}

static gboolean
customer_opened (gpointer data)
{
  CrmCustomerListView *view = crm_window_get_customer_view (CRM_WINDOW (crm_application_get_main_window (app)));

  return !crm_customer_list_view_is_busy (view) &&
         g_strcmp0 (crm_customer_list_view_get_detail_mode (view), "page") == 0 &&
         crm_customer_page_get_id (crm_customer_list_view_get_page (view)) == *(gint64 *) data;
}

static gboolean
calls_window_shown (gpointer data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (CRM_IS_CALLS_WINDOW (l->data) && gtk_widget_get_mapped (l->data))
      return TRUE;
  return FALSE;
}

static void
test_phone_in_the_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) admin =
    crm_test_server_connect (server, "admin", crm_test_server_get_admin_password (server), &error);
  g_autoptr(GVariant) reply = NULL, rows = NULL;
  g_autofree char *phone = NULL, *script = NULL, *dir = NULL, *script_path = NULL, *uri = NULL;
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", crm_test_server_get_port (server));
  g_autoptr(GSettings) settings = g_settings_new ("cn.jinke.Crm");
  CrmSignInWindow *window;
  CrmCalls *calls;
  gint64 customer_id = 0;

  g_assert_no_error (error);
  reply = crm_connection_call_sync (admin, CRM_MSG_CUSTOMER_LIST,
                                    g_variant_new ("(sb@a{sv}si)", "code", FALSE, g_variant_new ("a{sv}", NULL), "", 100),
                                    NULL, &error);
  g_assert_no_error (error);
  rows = g_variant_get_child_value (reply, 0);
  for (gsize i = 0; i < g_variant_n_children (rows) && phone == NULL; i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
      g_autofree const char **phones = NULL;

      if (g_variant_lookup (row, "phones", "^a&s", &phones) && phones[0] != NULL &&
          (phone = crm_phone_normalize (phones[0], NULL, NULL)) != NULL)
        g_variant_lookup (row, "id", "x", &customer_id);
    }
  g_assert_nonnull (phone);

  dir = g_strdup (g_getenv ("XDG_DATA_HOME"));
  script_path = g_build_filename (dir, "calls.txt", NULL);
  script = g_strdup_printf ("%s,,4\n", phone);
  g_assert_true (g_file_set_contents (script_path, script, -1, NULL));
  uri = g_strconcat ("sim:", script_path, NULL);
  g_settings_set_string (settings, "phone-device", uri);
  g_settings_set_string (settings, "call-recorder-source", "audiotestsrc is-live=true");

  g_application_activate (G_APPLICATION (app));
  window = CRM_SIGN_IN_WINDOW (crm_application_get_sign_in_window (app));
  g_assert_nonnull (window);
  gtk_editable_set_text (crm_sign_in_window_get_server_entry (window), address);
  gtk_editable_set_text (crm_sign_in_window_get_user_entry (window), "admin");
  gtk_editable_set_text (crm_sign_in_window_get_password_entry (window), crm_test_server_get_admin_password (server));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (wait_for (sign_in_settled, NULL, WAIT_S));
  if (crm_application_get_main_window (app) == NULL)
    {
      g_assert_true (crm_sign_in_window_is_asking_trust (window));
      gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.trust", NULL);
      g_assert_true (wait_for (sign_in_settled, NULL, WAIT_S));
    }
  g_assert_nonnull (crm_application_get_main_window (app));

  /* The phone rings: the pop-up, then the customer in the main window. */
  g_assert_true (wait_for (popup_for, &customer_id, WAIT_S));
  calls = g_object_get_data (G_OBJECT (app), "crm-calls");
  gtk_widget_activate_action (GTK_WIDGET (crm_calls_get_popup (calls)), "popup.open-customer", NULL);
  g_assert_true (wait_for (customer_opened, &customer_id, WAIT_S));

  g_action_group_activate_action (G_ACTION_GROUP (app), "call-history", NULL);
  g_assert_true (wait_for (calls_window_shown, NULL, WAIT_S));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("crm-calls-app-XXXXXX", NULL);
  int status;

  /* Spool, trust store and caches of this run only. */
  g_setenv ("XDG_DATA_HOME", tmp, TRUE);
  g_setenv ("XDG_CONFIG_HOME", tmp, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmp, TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (fatal_handler, NULL);

  server = crm_test_server_start ("--demo-data 20", &error);
  g_assert_no_error (error);
  app = crm_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/calls/app/phone-in-the-client", test_phone_in_the_client);
  status = g_test_run ();

  g_object_set_data (G_OBJECT (app), "crm-calls", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL;
       l = gtk_application_get_windows (GTK_APPLICATION (app)))
    gtk_window_destroy (l->data);
  g_clear_object (&app);
  crm_test_server_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return status;
}
