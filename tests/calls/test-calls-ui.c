/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-calls-ui"
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "crm-calls.h"
#include "crm-calls-window.h"
#include "crm-call-row.h"
#include "crm-client-resources.h"
#include "crm-customer-form.h"
#include "crm-customer-list-view.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-phone.h"
#include "crm-test-server.h"
#include "crm-ui-test.h"

/*
 * The call center end to end: a real crm-server (demo data), the client's
 * session, the simulated caller-ID modem on a pseudo-terminal, GStreamer
 * recording, and the pop-up on screen (Xvfb in CI).  The steps run in
 * order, like one afternoon at the phone:
 *   a demo customer calls → the pop-up shows that customer (screenshot);
 *   an unknown number → "add customer" opens the form with the number;
 *   a blacklisted number → rejected on the line and logged as blocked;
 *   a call is recorded, uploaded and downloaded with the same checksum;
 *   another while the server is down and the client restarts → sent later.
 */

#define WAIT_S 60
#define UNKNOWN_NUMBER "13700001111"
#define BLOCKED_NUMBER "075523456789"

static CrmTestServer *server;
static CrmConnection *admin;
static GtkApplication *app;
static CrmSession *session;
static CrmCalls *calls;
static GtkWindow *main_window;
static CrmCustomerListView *view;
static GSettings *settings;
static char *tmp_dir;
static char *spool_dir;
static char *customer_name;
static char *customer_phone;
static gint64 customer_id;
static guint shot_counter;

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *file = NULL;

  crm_ui_test_settle (300);
  file = g_strdup_printf ("calls-%02u-%s.png", ++shot_counter, name);
  crm_ui_test_save_screenshot (widget, file);
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) any = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GVariant *
admin_call (CrmMessageId id, GVariant *body)
{
  return crm_test_call_ok (admin, id, body);
}

/* A demo customer with a mobile number. */
static void
pick_customer (void)
{
  g_autoptr(GVariant) reply = admin_call (CRM_MSG_CUSTOMER_LIST,
                                          g_variant_new ("(sb@a{sv}si)", "name", FALSE,
                                                         g_variant_new ("a{sv}", NULL), "", 200));
  g_autoptr(GVariant) rows = g_variant_get_child_value (reply, 0);

  for (gsize i = 0; i < g_variant_n_children (rows) && customer_id == 0; i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
      g_autofree const char **phones = NULL;
      const char *name = NULL;

      if (!g_variant_lookup (row, "phones", "^a&s", &phones) || !g_variant_lookup (row, "name", "&s", &name))
        continue;
      for (guint p = 0; phones[p] != NULL; p++)
        {
          CrmPhoneKind kind;
          g_autofree char *n = crm_phone_normalize (phones[p], &kind, NULL);

          if (n != NULL && kind == CRM_PHONE_MOBILE)
            {
              g_variant_lookup (row, "id", "x", &customer_id);
              customer_name = g_strdup (name);
              customer_phone = g_steal_pointer (&n);
              break;
            }
        }
    }
  g_assert_cmpint (customer_id, >, 0);
  g_test_message ("demo customer %s (%" G_GINT64_FORMAT ") %s", customer_name, customer_id, customer_phone);
}

static char *
http_base (void)
{
  return g_strdup_printf ("https://127.0.0.1:%u", crm_test_server_get_http_port (server));
}

static CrmCalls *
start_calls (const char *script)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script_path = g_build_filename (tmp_dir, "calls.txt", NULL);
  g_autofree char *uri = g_strconcat ("sim:", script_path, NULL);
  g_autofree char *base = http_base ();
  CrmCalls *c;

  g_assert_true (g_file_set_contents (script_path, script, -1, NULL));
  c = crm_calls_new (app, session, uri, spool_dir, "audiotestsrc is-live=true wave=ticks", &error);
  g_assert_no_error (error);
  crm_call_spool_set_http_base (crm_call_center_get_spool (crm_calls_get_center (c)), base);
  crm_calls_set_customer_view (c, view);
  return c;
}

/* ---- steps ---- */

static gboolean
popup_shows_customer (gpointer data)
{
  CrmCallPopup *popup = crm_calls_get_popup (calls);

  return popup != NULL && crm_call_popup_get_customer_id (popup) == customer_id &&
         gtk_widget_get_mapped (GTK_WIDGET (popup));
}

static void
test_known_caller (void)
{
  CrmCallPopup *popup;

  g_assert_true (crm_ui_test_wait_for (popup_shows_customer, NULL, WAIT_S));
  popup = crm_calls_get_popup (calls);
  g_assert_cmpstr (crm_call_popup_get_title_text (popup), ==, customer_name);
  g_assert_nonnull (strstr (crm_call_popup_get_detail_text (popup), "Owner: "));
  screenshot (GTK_WIDGET (popup), "known-caller");
  /* Open customer: the customer view shows that customer. */
  gtk_widget_activate_action (GTK_WIDGET (popup), "popup.open-customer", NULL);
  crm_ui_test_settle (500);
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view), ==, "page");
}

static gboolean
popup_shows_unknown (gpointer data)
{
  CrmCallPopup *popup = crm_calls_get_popup (calls);

  return popup != NULL && gtk_widget_get_mapped (GTK_WIDGET (popup)) &&
         g_strcmp0 (crm_call_popup_get_title_text (popup), "Unknown number") == 0;
}

static void
test_unknown_caller_quick_add (void)
{
  CrmCallPopup *popup;
  GtkEditable *phones;
  g_autofree char *digits = NULL;

  g_assert_true (crm_ui_test_wait_for (popup_shows_unknown, NULL, WAIT_S));
  popup = crm_calls_get_popup (calls);
  g_assert_cmpint (crm_call_popup_get_customer_id (popup), ==, 0);
  screenshot (GTK_WIDGET (popup), "unknown-caller");
  gtk_widget_activate_action (GTK_WIDGET (popup), "popup.quick-add", NULL);
  crm_ui_test_settle (500);
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view), ==, "form");
  phones = crm_customer_form_get_entry (crm_customer_list_view_get_form (view), "phones");
  g_assert_nonnull (phones);
  digits = crm_phone_digits (gtk_editable_get_text (phones));
  g_assert_cmpstr (digits, ==, UNKNOWN_NUMBER);
  screenshot (GTK_WIDGET (main_window), "quick-add-form");
  gtk_widget_activate_action (GTK_WIDGET (view), "customer.cancel", NULL);
}

/* The server's call history, as the administrator sees it. */
static GVariant *
find_call (const char *key, const char *value)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) reply = NULL, rows = NULL;

  g_variant_dict_insert (&d, key, "s", value);
  reply = admin_call (CRM_MSG_CALL_LIST, g_variant_new ("(@a{sv}xi)", g_variant_dict_end (&d), (gint64) 0, 10));
  rows = g_variant_get_child_value (reply, 0);
  return g_variant_n_children (rows) > 0 ? g_variant_get_child_value (rows, 0) : NULL;
}

static gboolean
blocked_call_logged (gpointer data)
{
  g_autoptr(GVariant) row = find_call ("status", "blocked");

  return row != NULL;
}

static void
test_blocked_caller (void)
{
  g_autoptr(GVariant) row = NULL;
  const char *number = NULL, *direction = NULL;

  g_assert_true (crm_ui_test_wait_for (blocked_call_logged, NULL, WAIT_S));
  row = find_call ("status", "blocked");
  g_assert_true (g_variant_lookup (row, "number", "&s", &number));
  g_assert_cmpstr (number, ==, BLOCKED_NUMBER);
  g_assert_true (g_variant_lookup (row, "direction", "&s", &direction));
  g_assert_cmpstr (direction, ==, "in");
  /* The known and unknown calls were logged (as missed) too. */
  {
    g_autoptr(GVariant) missed = find_call ("number", UNKNOWN_NUMBER);
    g_assert_nonnull (missed);
  }
}

static void
emit (CrmCallEventKind kind)
{
  g_autoptr(CrmCallEvent) event = crm_call_event_new (kind);

  event->time_us = g_get_real_time ();
  crm_phone_device_emit_event (crm_call_center_get_device (crm_calls_get_center (calls)), event);
}

/* Picks up, talks `ms`, hangs up. */
static void
simulate_outgoing_call (guint ms)
{
  emit (CRM_CALL_EVENT_OFF_HOOK);
  crm_ui_test_settle (ms);
  emit (CRM_CALL_EVENT_ON_HOOK);
}

static gboolean
spool_empty (gpointer data)
{
  return crm_call_spool_get_n_pending (crm_call_center_get_spool (crm_calls_get_center (calls))) == 0;
}

static gboolean
spool_has (gpointer data)
{
  return crm_call_spool_get_n_pending (crm_call_center_get_spool (crm_calls_get_center (calls))) >= 1;
}

static gboolean
accept_any_cert (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

static GBytes *
download (const char *sha, guint *status)
{
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autofree char *base = http_base ();
  g_autofree char *uri = g_strdup_printf ("%s/recordings/%s", base, sha);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autofree char *bearer = g_strconcat ("Bearer ", crm_connection_get_session_token (admin), NULL);
  g_autoptr(GError) error = NULL;
  GBytes *body;

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_cert), NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  body = soup_session_send_and_read (soup, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return body;
}

/* The newest recorded call downloads with its checksum. */
static void
check_latest_recording (void)
{
  g_autoptr(GVariant) reply = admin_call (CRM_MSG_CALL_LIST,
                                          g_variant_new ("(@a{sv}xi)", g_variant_new ("a{sv}", NULL), (gint64) 0, 1));
  g_autoptr(GVariant) rows = g_variant_get_child_value (reply, 0);
  g_autoptr(GVariant) row = g_variant_get_child_value (rows, 0);
  const char *sha = NULL, *direction = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *got = NULL;
  guint status = 0;

  g_assert_true (g_variant_lookup (row, "recording_sha256", "&s", &sha));
  g_assert_cmpuint (strlen (sha), ==, 64);
  g_assert_true (g_variant_lookup (row, "direction", "&s", &direction));
  g_assert_cmpstr (direction, ==, "out");
  body = download (sha, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), >, 100);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), 4, "OggS", 4);
  got = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_assert_cmpstr (got, ==, sha);
}

static void
test_recording_uploaded (void)
{
  g_assert_true (crm_ui_test_wait_for (spool_empty, NULL, WAIT_S));
  simulate_outgoing_call (1500);
  g_assert_true (crm_ui_test_wait_for (spool_has, NULL, WAIT_S));
  g_assert_true (crm_ui_test_wait_for (spool_empty, NULL, WAIT_S));
  check_latest_recording ();
}

static gboolean
spool_has_recording (gpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (spool_dir, 0, NULL);
  const char *name;
  gboolean call = FALSE, ogg = FALSE;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      call |= g_str_has_suffix (name, ".call");
      ogg |= g_str_has_suffix (name, ".ogg");
    }
  return call && ogg;
}

static void
test_recording_survives_outage_and_restart (void)
{
  g_autoptr(GError) error = NULL;

  crm_test_server_kill (server, SIGTERM);
  simulate_outgoing_call (1500);
  g_assert_true (crm_ui_test_wait_for (spool_has_recording, NULL, WAIT_S));
  crm_ui_test_settle (1000);
  /* The client quits while the server is away: the spool stays on disk. */
  g_clear_object (&calls);
  g_assert_true (spool_has_recording (NULL));

  g_assert_true (crm_test_server_restart (server, &error));
  g_assert_no_error (error);
  /* The next start of the client sends what was left. */
  calls = start_calls ("13800000000,,3600\n");
  g_assert_true (crm_ui_test_wait_for (spool_empty, NULL, WAIT_S * 2));
  g_assert_false (spool_has_recording (NULL));
  g_clear_object (&admin);
  admin = crm_test_server_connect (server, "admin", crm_test_server_get_admin_password (server), &error);
  g_assert_no_error (error);
  check_latest_recording ();
}

/* No notification daemon on the test display: GLib's warning about it is
 * expected, not a failure. */
static gboolean
fatal_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  return strstr (message, "org.freedesktop.Notifications") == NULL;
}

static gboolean
dialled_call_logged (gpointer data)
{
  g_autoptr(GVariant) row = find_call ("number", "13812340000");
  const char *direction = NULL;

  return row != NULL && g_variant_lookup (row, "direction", "&s", &direction) && g_strcmp0 (direction, "out") == 0;
}

/* Click-to-dial through the modem: ATDT…; then logged as outgoing. */
static void
test_click_to_dial (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "dial", g_variant_new_string ("138-1234-0000"));
  g_assert_true (crm_ui_test_wait_for (dialled_call_logged, NULL, WAIT_S));
}

static CrmCallsWindow *
calls_window (void)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (CRM_IS_CALLS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
history_has_rows (gpointer data)
{
  CrmCallsWindow *w = calls_window ();

  return w != NULL && g_list_model_get_n_items (
           crm_call_history_page_get_model (crm_calls_window_get_history (w))) >= GPOINTER_TO_UINT (data);
}

static gboolean
stream_ready (gpointer data)
{
  return crm_call_history_page_get_stream (data) != NULL;
}

/* The history lists every call of the afternoon; a recording plays from
 * a download whose checksum was verified. */
static void
test_history_and_playback (void)
{
  CrmCallsWindow *w;
  CrmCallHistoryPage *history;
  GListModel *model;
  g_autofree char *sha = NULL;
  g_autofree char *cached = NULL, *cached_name = NULL, *got = NULL;

  {
    g_autofree char *base = http_base ();
    crm_calls_install_actions (app, session, base);
  }
  g_action_group_activate_action (G_ACTION_GROUP (app), "call-history", NULL);
  g_assert_true (crm_ui_test_wait_for (history_has_rows, GUINT_TO_POINTER (5), WAIT_S));
  w = calls_window ();
  history = crm_calls_window_get_history (w);
  model = crm_call_history_page_get_model (history);
  for (guint i = 0; i < g_list_model_get_n_items (model) && sha == NULL; i++)
    {
      g_autoptr(CrmCallRow) row = g_list_model_get_item (model, i);

      if (crm_call_row_get_bool (row, "recording_available"))
        sha = g_strdup (crm_call_row_get_string (row, "recording_sha256"));
    }
  g_assert_nonnull (sha);
  screenshot (GTK_WIDGET (w), "call-history");
  gtk_widget_activate_action (GTK_WIDGET (history), "calls.play", "s", sha);
  if (!crm_ui_test_wait_for (stream_ready, history, WAIT_S))
    g_error ("no playback: %s", crm_call_history_page_get_status (history));
  cached_name = g_strconcat (sha, ".ogg", NULL);
  cached = g_build_filename (g_get_user_cache_dir (), "jinke-crm", "recordings", cached_name, NULL);
  {
    g_autofree char *data = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (cached, &data, &length, NULL));
    got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  }
  g_assert_cmpstr (got, ==, sha);
}

static gboolean
exported (gpointer data)
{
  return g_str_has_prefix (crm_call_history_page_get_status (data), "Exported ");
}

/* Every call the filters match goes to the CSV, Excel-readable. */
static void
test_history_export (void)
{
  CrmCallHistoryPage *history = crm_calls_window_get_history (calls_window ());
  g_autofree char *path = g_build_filename (tmp_dir, "calls.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;

  crm_call_history_page_export (history, file);
  g_assert_true (crm_ui_test_wait_for (exported, history, WAIT_S));
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF\"Time\",\"Direction\""));
  g_assert_nonnull (strstr (csv, customer_name));
  g_assert_nonnull (strstr (csv, "\"Blocked\""));
  lines = g_strsplit (csv, "\r\n", -1);
  /* Header, the 6 calls of the afternoon, the empty tail. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 6 + 1);
}

static gboolean
printed (gpointer data)
{
  return g_str_has_prefix (crm_call_history_page_get_status (data), "Printed ");
}

static char *
run_tool (const char *program, const char *option, const char *path, const char *tail)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf ("%s %s %s %s", program, option, quoted, tail);
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s: %s", cmd, err);
  return out;
}

/* The history with the filter "Blocked" as an .xlsx: the header and the
 * one blocked call, read back from the workbook's sheet. */
static void
test_history_export_xlsx (void)
{
  CrmCallHistoryPage *history = crm_calls_window_get_history (calls_window ());
  g_autofree char *path = g_build_filename (tmp_dir, "blocked.xlsx", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *sheet = NULL;
  guint rows = 0;

  crm_call_history_page_set_filter (history, NULL, "blocked", NULL);
  crm_call_history_page_export (history, file);
  g_assert_true (crm_ui_test_wait_for (exported, history, WAIT_S));
  g_assert_cmpstr (crm_call_history_page_get_status (history), ==, "Exported 1 call");
  sheet = run_tool ("unzip", "-p", path, "xl/worksheets/sheet1.xml");
  for (const char *p = sheet; (p = strstr (p, "<row ")) != NULL; p++)
    rows++;
  g_assert_cmpuint (rows, ==, 2);
  g_assert_nonnull (strstr (sheet, "<t>Time</t>"));
  g_assert_nonnull (strstr (sheet, "<t>Blocked</t>"));
  g_assert_null (strstr (sheet, "<t>Answered</t>"));
  g_assert_nonnull (strstr (sheet, "state=\"frozen\""));
  crm_call_history_page_set_filter (history, NULL, NULL, NULL);

  /* The period: every call is from the last 7 days, none from last month. */
  crm_call_history_page_set_period (history, "last-7-days");
  crm_call_history_page_export (history, file);
  g_assert_true (crm_ui_test_wait_for (exported, history, WAIT_S));
  g_assert_cmpstr (crm_call_history_page_get_status (history), ==, "Exported 6 calls");
  crm_call_history_page_set_period (history, "last-month");
  crm_call_history_page_export (history, file);
  g_assert_true (crm_ui_test_wait_for (exported, history, WAIT_S));
  g_assert_cmpstr (crm_call_history_page_get_status (history), ==, "Exported 0 calls");
  crm_call_history_page_set_period (history, NULL);
}

/* The whole history printed (to a PDF): one A4 page with every call of
 * the afternoon, the demo customer and the totals. */
static void
test_history_print (void)
{
  CrmCallHistoryPage *history = crm_calls_window_get_history (calls_window ());
  g_autofree char *pdf = g_build_filename (tmp_dir, "calls.pdf", NULL);
  g_autofree char *info = NULL, *text = NULL;

  crm_call_history_page_print (history, pdf);
  if (!crm_ui_test_wait_for (printed, history, WAIT_S))
    g_error ("not printed: %s", crm_call_history_page_get_status (history));
  g_assert_cmpstr (crm_call_history_page_get_status (history), ==, "Printed 6 calls");
  info = run_tool ("pdfinfo", "", pdf, "");
  {
    const char *pages = strstr (info, "Pages:");

    g_assert_nonnull (pages);
    g_assert_cmpuint (g_ascii_strtoull (pages + 6 + strspn (pages + 6, " "), NULL, 10), ==, 1);
  }
  text = run_tool ("pdftotext", "-layout", pdf, "-");
  g_assert_nonnull (strstr (text, "Call History"));
  g_assert_nonnull (strstr (text, "All directions · Any status"));
  g_assert_nonnull (strstr (text, customer_name));
  g_assert_nonnull (strstr (text, "Total: 6 calls"));
  g_assert_nonnull (strstr (text, "Page 1 of 1"));
}

static gboolean
stats_rows (gpointer data)
{
  return g_list_model_get_n_items (crm_call_stats_page_get_model (crm_calls_window_get_stats (calls_window ()))) > 0;
}

/* By person: the administrator made every call of the afternoon. */
static void
test_stats_page (void)
{
  CrmCallsWindow *w = calls_window ();
  CrmCallStatsPage *stats = crm_calls_window_get_stats (w);
  g_autoptr(CrmCallRow) row = NULL;

  crm_calls_window_show_page (w, "stats");
  g_assert_true (crm_ui_test_wait_for (stats_rows, NULL, WAIT_S));
  row = g_list_model_get_item (crm_call_stats_page_get_model (stats), 0);
  g_assert_cmpint (crm_call_row_get_int64 (row, "calls"), ==, 6);
  g_assert_cmpint (crm_call_row_get_int64 (row, "missed"), ==, 2);
  screenshot (GTK_WIDGET (w), "call-statistics");
}

static gboolean
blacklist_has (gpointer data)
{
  CrmBlacklistPage *page = crm_calls_window_get_blacklist (calls_window ());

  return g_list_model_get_n_items (crm_blacklist_page_get_model (page)) >= GPOINTER_TO_UINT (data);
}

static gboolean
blacklist_has_exactly (gpointer data)
{
  CrmBlacklistPage *page = crm_calls_window_get_blacklist (calls_window ());

  return g_list_model_get_n_items (crm_blacklist_page_get_model (page)) == GPOINTER_TO_UINT (data);
}

static void
test_blacklist_page (void)
{
  CrmCallsWindow *w = calls_window ();
  CrmBlacklistPage *page = crm_calls_window_get_blacklist (w);

  crm_calls_window_show_page (w, "blacklist");
  g_assert_true (crm_ui_test_wait_for (blacklist_has, GUINT_TO_POINTER (1), WAIT_S));
  gtk_editable_set_text (crm_blacklist_page_get_pattern_entry (page), "139-1111-2222");
  gtk_editable_set_text (crm_blacklist_page_get_reason_entry (page), "推销保险");
  gtk_widget_activate_action (GTK_WIDGET (page), "blacklist.add", NULL);
  g_assert_true (crm_ui_test_wait_for (blacklist_has, GUINT_TO_POINTER (2), WAIT_S));
  screenshot (GTK_WIDGET (w), "blacklist");
  /* Garbage is refused with the server's explanation. */
  gtk_editable_set_text (crm_blacklist_page_get_pattern_entry (page), "hello");
  gtk_widget_activate_action (GTK_WIDGET (page), "blacklist.add", NULL);
  crm_ui_test_settle (1500);
  g_assert_cmpstr (crm_blacklist_page_get_status (page), ==, "Enter a phone number, or a prefix followed by “*”");
  g_assert_cmpuint (g_list_model_get_n_items (crm_blacklist_page_get_model (page)), ==, 2);
  /* The administrator may delete any entry (the server says "editable"). */
  {
    g_autoptr(CrmCallRow) first = g_list_model_get_item (crm_blacklist_page_get_model (page), 0);

    g_assert_true (crm_call_row_get_bool (first, "editable"));
  }
  gtk_widget_activate_action (GTK_WIDGET (page), "blacklist.delete", NULL);
  g_assert_true (crm_ui_test_wait_for (blacklist_has_exactly, GUINT_TO_POINTER (1), WAIT_S));
}

static gboolean
settings_loaded (gpointer data)
{
  return crm_call_settings_page_is_loaded (data);
}

static gboolean
settings_status_is (gpointer data)
{
  CrmCallSettingsPage *page = crm_calls_window_get_settings (calls_window ());

  return g_str_has_prefix (crm_call_settings_page_get_status (page), data);
}

/* The administrator's settings: retention and grace period saved on the
 * server, a bad area code refused with the server's explanation, the
 * retention pass run now. */
static void
test_settings_page (void)
{
  CrmCallsWindow *w = calls_window ();
  CrmCallSettingsPage *page = crm_calls_window_get_settings (w);
  g_autoptr(GVariant) got = NULL;
  gint32 days = 0, grace = 0;

  g_assert_nonnull (page);
  crm_calls_window_show_page (w, "settings");
  g_assert_true (crm_ui_test_wait_for (settings_loaded, page, WAIT_S));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (crm_call_settings_page_get_retention (page)), ==, 365);
  gtk_spin_button_set_value (crm_call_settings_page_get_retention (page), 90);
  gtk_spin_button_set_value (crm_call_settings_page_get_grace (page), 3);
  gtk_widget_activate_action (GTK_WIDGET (page), "callsettings.save", NULL);
  g_assert_true (crm_ui_test_wait_for (settings_status_is, (gpointer) "Saved", WAIT_S));
  screenshot (GTK_WIDGET (w), "call-settings");
  got = admin_call (CRM_MSG_CALL_SETTINGS_GET, g_variant_new ("()"));
  g_assert_true (g_variant_lookup (got, "retention_days", "i", &days));
  g_assert_true (g_variant_lookup (got, "deleted_grace_days", "i", &grace));
  g_assert_cmpint (days, ==, 90);
  g_assert_cmpint (grace, ==, 3);

  gtk_editable_set_text (crm_call_settings_page_get_area_code (page), "755");
  gtk_widget_activate_action (GTK_WIDGET (page), "callsettings.save", NULL);
  g_assert_true (crm_ui_test_wait_for (settings_status_is, (gpointer) "An area code is", WAIT_S));
  gtk_editable_set_text (crm_call_settings_page_get_area_code (page), "");

  /* Nothing is that old here: the pass removes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (page), "callsettings.purge", NULL);
  if (!crm_ui_test_wait_for (settings_status_is, (gpointer) "Purged:", WAIT_S))
    g_error ("no purge: %s", crm_call_settings_page_get_status (page));
  g_assert_cmpstr (crm_call_settings_page_get_status (page), ==,
                   "Purged: 0 recordings past the retention period, 0 files removed");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *args = NULL, *script = NULL, *trust_path = NULL;
  guint16 port, http_port;
  int status;

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* Links the client's GResource (templates), which registers itself. */
  (void) crm_client_get_resource ();
  g_test_log_set_fatal_handler (fatal_handler, NULL);

  tmp_dir = g_dir_make_tmp ("crm-calls-ui-XXXXXX", &error);
  g_assert_no_error (error);
  spool_dir = g_build_filename (tmp_dir, "spool", NULL);
  {
    g_autofree char *cache = g_build_filename (tmp_dir, "cache", NULL);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  port = free_port ();
  do
    http_port = free_port ();
  while (http_port == port);
  args = g_strdup_printf ("--demo-data 40 --port %u --http-port %u", port, http_port);
  server = crm_test_server_start (args, &error);
  g_assert_no_error (error);
  admin = crm_test_server_connect (server, "admin", crm_test_server_get_admin_password (server), &error);
  g_assert_no_error (error);
  pick_customer ();
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autofree char *key = g_uuid_string_random ();
    g_autoptr(GVariant) reply = NULL;

    g_variant_dict_insert (&d, "pattern", "s", "0755*");
    g_variant_dict_insert (&d, "kind", "s", "block");
    g_variant_dict_insert (&d, "reason", "s", "推销电话");
    reply = admin_call (CRM_MSG_BLACKLIST_SAVE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
  }

  app = gtk_application_new ("cn.jinke.Crm.TestCalls", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  trust_path = g_build_filename (tmp_dir, "trust.txt", NULL);
  session = crm_ui_test_sign_in_admin (server, trust_path, "en_US");

  settings = g_settings_new ("cn.jinke.Crm");
  main_window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (main_window, 1100, 700);
  view = crm_customer_list_view_new (session, settings);
  gtk_window_set_child (main_window, GTK_WIDGET (view));
  gtk_window_present (main_window);

  script = g_strdup_printf ("%s,,1\n" UNKNOWN_NUMBER ",,10\n" BLOCKED_NUMBER ",,10\n", customer_phone);
  calls = start_calls (script);

  g_test_add_func ("/calls/ui/known-caller", test_known_caller);
  g_test_add_func ("/calls/ui/unknown-caller-quick-add", test_unknown_caller_quick_add);
  g_test_add_func ("/calls/ui/blocked-caller", test_blocked_caller);
  g_test_add_func ("/calls/ui/recording-uploaded", test_recording_uploaded);
  g_test_add_func ("/calls/ui/recording-survives-outage-and-restart", test_recording_survives_outage_and_restart);
  g_test_add_func ("/calls/ui/click-to-dial", test_click_to_dial);
  g_test_add_func ("/calls/ui/history-and-playback", test_history_and_playback);
  g_test_add_func ("/calls/ui/history-export", test_history_export);
  g_test_add_func ("/calls/ui/history-export-xlsx", test_history_export_xlsx);
  g_test_add_func ("/calls/ui/history-print", test_history_print);
  g_test_add_func ("/calls/ui/stats-page", test_stats_page);
  g_test_add_func ("/calls/ui/blacklist-page", test_blacklist_page);
  g_test_add_func ("/calls/ui/settings-page", test_settings_page);
  status = g_test_run ();

  g_clear_object (&calls);
  if (calls_window () != NULL)
    gtk_window_destroy (GTK_WINDOW (calls_window ()));
  gtk_window_destroy (main_window);
  g_clear_object (&session);
  g_clear_object (&settings);
  g_clear_object (&admin);
  crm_test_server_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return status;
}
