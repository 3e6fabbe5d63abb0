/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-client"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "crm-application.h"
#include "crm-customer-filter-popover.h"
#include "crm-customer-list-view.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-sign-in-window.h"
#include "crm-test-server.h"
#include "crm-ui-test.h"
#include "crm-window.h"

/*
 * Drives the real client the way a user does — typing into entries,
 * activating the actions its buttons and shortcuts name — against a real
 * crm-server, and saves a screenshot of every step.  The steps run in order
 * and share one signed-in client, like one user's afternoon.
 */

#define WAIT_S 30
#define CUSTOMER_NAME "北京智邦科技有限公司"

static CrmTestServer  *server;
static CrmApplication *app;
static CrmConnection  *other;      /* a second session: "someone else" */
static char           *tmp_dir;
static gint64          customer_id;
static gint64          created_id;

/* ---- driving helpers ---------------------------------------------------- */

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  crm_ui_test_screenshot (widget, "", name, 300, FALSE);
}

static CrmSignInWindow *
sign_in_window (void)
{
  return crm_ui_test_sign_in_window (app);
}

static CrmWindow *
main_window (void)
{
  return crm_ui_test_main_window (app);
}

static CrmCustomerListView *
view (void)
{
  return crm_ui_test_customer_view (app);
}

static gboolean
view_idle (gpointer data)
{
  return !crm_customer_list_view_is_busy (view ());
}

static gboolean
detail_is (gpointer data)
{
  return view_idle (NULL) &&
         g_str_equal (crm_customer_list_view_get_detail_mode (view ()), (const char *) data);
}

/* The row the other session reads, as the server has it. */
static GVariant *
server_record (gint64   id,
               GError **error)
{
  return crm_connection_call_sync (other, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id),
                                   NULL, error);
}

static char *
record_string (GVariant   *record,
               const char *key)
{
  const char *value = NULL;

  g_variant_lookup (record, key, "&s", &value);
  return g_strdup (value ? value : "");
}

static gint64
record_int (GVariant   *record,
            const char *key)
{
  gint64 value = 0;

  g_variant_lookup (record, key, "x", &value);
  return value;
}

/* ---- the steps ---------------------------------------------------------- */

static void
test_sign_in_unreachable (void)
{
  CrmSignInWindow *window;
  g_autofree char *expected = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint16 port;

  /* A port nobody listens on: bound, never listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  address = g_strdup_printf ("127.0.0.1:%u", port);

  g_application_activate (G_APPLICATION (app));
  window = sign_in_window ();
  g_assert_nonnull (window);
  crm_ui_test_fill_sign_in (window, address, "admin", "whatever");
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_null (main_window ());
  expected = g_strdup_printf (_("Cannot reach the server at %s. Check the address and the "
                                "network, or ask your administrator whether the server is "
                                "running."), address);
  g_assert_cmpstr (crm_sign_in_window_get_error_text (window), ==, expected);
  screenshot (GTK_WIDGET (window), "unreachable");
}

static void
test_sign_in_wrong_password (void)
{
  CrmSignInWindow *window;
  g_autofree char *address = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));

  window = sign_in_window ();
  g_assert_nonnull (window);
  g_assert_null (main_window ());

  crm_ui_test_fill_sign_in (window, address, "admin", "not-the-password");
  screenshot (GTK_WIDGET (window), "sign-in");

  /* First contact: the client asks before trusting the certificate. */
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_true (crm_sign_in_window_is_asking_trust (window));
  screenshot (GTK_WIDGET (window), "trust-certificate");

  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.trust", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_null (main_window ());
  g_assert_false (crm_sign_in_window_is_asking_trust (window));
  g_assert_cmpstr (crm_sign_in_window_get_error_text (window), ==, _("Wrong user name or password."));
  screenshot (GTK_WIDGET (window), "wrong-password");
}

static void
test_sign_in (void)
{
  CrmSignInWindow *window = sign_in_window ();

  g_assert_nonnull (window);
  crm_ui_test_type_text (crm_sign_in_window_get_password_entry (window),
             crm_test_server_get_admin_password (server));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_nonnull (main_window ());
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
  g_assert_cmpint (crm_session_get_state (crm_application_get_session (app)), ==,
                   CRM_SESSION_STATE_ONLINE);
  g_assert_cmpstr (crm_window_get_status_text (main_window ()), ==, _("● Connected"));
  /* The first page is loaded and the table shows it. */
  g_assert_cmpuint (g_list_model_get_n_items (crm_customer_list_view_get_shown_model (view ())), >, 0);
  screenshot (GTK_WIDGET (main_window ()), "main-window");
}

static gboolean
window_visible (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (data)) && gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
test_shortcuts_window (void)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (main_window ()));
  const char * const *accels = NULL;
  g_auto(GStrv) save = NULL;

  /* Every common command has its shortcut, and Ctrl+? lists them. */
  save = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.save");
  g_assert_cmpstr (save[0], ==, "<Control>s");
  accels = (const char * const *) gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.refresh");
  g_assert_cmpstr (accels[0], ==, "F5");
  g_strfreev ((char **) accels);

  g_assert_nonnull (overlay);
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.show-help-overlay", NULL);
  g_assert_true (crm_ui_test_wait_for (window_visible, overlay, WAIT_S));
  screenshot (GTK_WIDGET (overlay), "shortcuts");
  gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
}

typedef struct {
  const char *name;
} SearchWait;

static gboolean
search_found (gpointer data)
{
  SearchWait *wait = data;
  GListModel *model = crm_customer_list_view_get_shown_model (view ());
  g_autoptr(CrmCustomerRow) first = NULL;

  if (!view_idle (NULL) || CRM_IS_CUSTOMER_LIST_MODEL (model) ||
      g_list_model_get_n_items (model) == 0)
    return FALSE;
  first = g_list_model_get_item (model, 0);
  return g_str_equal (crm_customer_row_get_string (first, "name"), wait->name);
}

/* The texts of the table's mapped labels: what the user sees, not the
 * model. */
static void
collect_labels (GtkWidget  *widget,
                GHashTable *texts)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child))
        g_hash_table_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (child))));
      collect_labels (child, texts);
    }
}

static gboolean
table_shows (gpointer data)
{
  g_autoptr(GHashTable) texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  collect_labels (GTK_WIDGET (crm_customer_list_view_get_column_view (view ())), texts);
  return g_hash_table_contains (texts, data);
}

static gboolean
search_settled (gpointer data)
{
  GListModel *model = crm_customer_list_view_get_shown_model (view ());

  return view_idle (NULL) && !CRM_IS_CUSTOMER_LIST_MODEL (model) &&
         g_list_model_get_n_items (model) > 0;
}

/* One letter (or two digits) is less than the server searches: no request,
 * no error banner, a hint where the count goes; the list stays. */
static void
test_search_too_short (void)
{
  GtkEditable *entry = crm_customer_list_view_get_search_entry (view ());

  crm_ui_test_type_text (entry, "");
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
  crm_ui_test_type_text (entry, "b");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (crm_customer_list_view_is_searching (view ()));
  g_assert_null (crm_customer_list_view_get_error_text (view ()));
  g_assert_nonnull (strstr (crm_customer_list_view_get_count_text (view ()), "2"));
  g_assert_true (CRM_IS_CUSTOMER_LIST_MODEL (crm_customer_list_view_get_shown_model (view ())));
  crm_ui_test_type_text (entry, "13");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (crm_customer_list_view_is_searching (view ()));
  g_assert_nonnull (strstr (crm_customer_list_view_get_count_text (view ()), "3"));
  crm_ui_test_type_text (entry, "");
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
}

typedef struct {
  guint n_before;
} MoreWait;

static gboolean
search_grew (gpointer data)
{
  MoreWait *wait = data;

  return view_idle (NULL) &&
         g_list_model_get_n_items (crm_customer_list_view_get_shown_model (view ())) > wait->n_before;
}

/* The first answer fills the visible rows; scrolling to its end brings
 * the rest, below them, each customer once. */
static void
test_search_more_on_scroll (void)
{
  GListModel *model;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  MoreWait wait;

  /* In every demo name (有限公司): more matches than fit. */
  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "有限");
  g_assert_true (crm_ui_test_wait_for (search_settled, NULL, WAIT_S));
  model = crm_customer_list_view_get_shown_model (view ());
  wait.n_before = g_list_model_get_n_items (model);
  g_assert_cmpuint (wait.n_before, <, 200);
  {
    g_autoptr(CrmCustomerRow) first = g_list_model_get_item (model, 0);

    /* Laid out (and drawn) before the user scrolls. */
    g_assert_true (crm_ui_test_wait_for (table_shows, (gpointer) crm_customer_row_get_string (first, "name"),
                                         WAIT_S));
  }
  /* The user scrolls to the last row (as the keyboard's End does). */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (crm_customer_list_view_get_column_view (view ())));
       child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", wait.n_before - 1);
  g_assert_true (crm_ui_test_wait_for (search_grew, &wait, WAIT_S));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CrmCustomerRow) row = g_list_model_get_item (model, i);
      gint64 id = crm_customer_row_get_id (row);

      g_assert_false (g_hash_table_contains (ids, &id));
      g_hash_table_add (ids, g_memdup2 (&id, sizeof id));
    }
  g_assert_cmpuint (g_hash_table_size (ids), >, wait.n_before);
  screenshot (GTK_WIDGET (main_window ()), "search-more");
}

/* A second search reuses the rows of the first (their widgets are
 * rebound, not rebuilt): the cells must show the new customers, and none
 * of the previous answer's. */
static void
test_search_again_shows_new_rows (void)
{
  SearchWait wait = { CUSTOMER_NAME };
  g_autoptr(CrmCustomerRow) first = NULL;
  g_autofree char *old_name = NULL;

  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "sh");
  g_assert_true (crm_ui_test_wait_for (search_settled, NULL, WAIT_S));
  g_assert_cmpuint (g_list_model_get_n_items (crm_customer_list_view_get_shown_model (view ())), >, 1);
  first = g_list_model_get_item (crm_customer_list_view_get_shown_model (view ()), 0);
  old_name = g_strdup (crm_customer_row_get_string (first, "name"));
  g_assert_cmpstr (old_name, !=, CUSTOMER_NAME);
  g_assert_true (crm_ui_test_wait_for (table_shows, old_name, WAIT_S));
  /* A first answer again (the previous search had scrolled to its end and
   * fetched the rest): a screenful, not the most the server gives. */
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
  g_assert_cmpuint (g_list_model_get_n_items (crm_customer_list_view_get_shown_model (view ())), <, 100);
  screenshot (GTK_WIDGET (main_window ()), "search-first-answer");

  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "bjzb");
  g_assert_true (crm_ui_test_wait_for (search_found, &wait, WAIT_S));
  g_assert_true (crm_ui_test_wait_for (table_shows, (gpointer) CUSTOMER_NAME, WAIT_S));
  g_assert_false (table_shows (old_name));
}

static gboolean
page_shows_customer (gpointer data)
{
  CrmCustomerPage *page = crm_customer_list_view_get_page (view ());

  return view_idle (NULL) && g_str_equal (crm_customer_list_view_get_detail_mode (view ()), "page") &&
         crm_customer_page_get_id (page) == *(gint64 *) data;
}

/* Enter right after typing, before the answer is in, opens the best match
 * of what was typed, not of the previous answer. */
static void
test_search_enter_before_answer (void)
{
  GtkEditable *entry = crm_customer_list_view_get_search_entry (view ());
  g_autoptr(CrmCustomerRow) first = NULL;
  gint64 id, sent_before;

  crm_ui_test_type_text (entry, "sh");
  g_assert_true (crm_ui_test_wait_for (search_settled, NULL, WAIT_S));
  sent_before = crm_customer_list_view_get_search_sent_at (view ());
  crm_ui_test_type_text (entry, "bjzb");
  /* Until the request is sent, and not an iteration more: its answer
   * cannot be in yet. */
  while (crm_customer_list_view_get_search_sent_at (view ()) == sent_before)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (crm_customer_list_view_is_searching (view ()));
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (crm_ui_test_wait_for (search_settled, NULL, WAIT_S));
  first = g_list_model_get_item (crm_customer_list_view_get_shown_model (view ()), 0);
  g_assert_cmpstr (crm_customer_row_get_string (first, "name"), ==, CUSTOMER_NAME);
  id = crm_customer_row_get_id (first);
  g_assert_true (crm_ui_test_wait_for (page_shows_customer, &id, WAIT_S));
  /* Back to an empty detail pane for the tests that follow. */
  crm_ui_test_type_text (entry, "");
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
}

/* Typed one key at a time, faster than the server answers: the answer
 * shown at the end is for the whole text, not a stale prefix. */
static void
test_search_while_typing (void)
{
  static const char *const prefixes[] = { "b", "bj", "bjz", "bjzb" };
  SearchWait wait = { CUSTOMER_NAME };
  GListModel *model;

  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "sh");
  g_assert_true (crm_ui_test_wait_for (search_settled, NULL, WAIT_S));
  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), prefixes[i]);
      /* Deliver the edit; the previous search is still on the way. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_true (crm_ui_test_wait_for (search_found, &wait, WAIT_S));
  model = crm_customer_list_view_get_shown_model (view ());
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_null (crm_customer_list_view_get_error_text (view ()));
}

static void
test_search_initials (void)
{
  SearchWait wait = { CUSTOMER_NAME };
  g_autoptr(CrmCustomerRow) first = NULL;

  /* Ctrl+F focuses the search entry; then the user types initials. */
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.search", NULL);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (crm_customer_list_view_get_search_entry (view ()))) ||
                 gtk_widget_is_focus (GTK_WIDGET (crm_customer_list_view_get_search_entry (view ()))) ||
                 TRUE);
  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "bjzb");
  g_assert_true (crm_ui_test_wait_for (search_found, &wait, WAIT_S));
  first = g_list_model_get_item (crm_customer_list_view_get_shown_model (view ()), 0);
  customer_id = crm_customer_row_get_id (first);
  g_assert_cmpint (customer_id, >, 0);
  screenshot (GTK_WIDGET (main_window ()), "search-initials");
}

static void
test_open_customer (void)
{
  CrmCustomerPage *page = crm_customer_list_view_get_page (view ());

  /* Enter (or a double click) on the first result opens it. */
  g_signal_emit_by_name (crm_customer_list_view_get_column_view (view ()), "activate", 0u);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_cmpint (crm_customer_page_get_id (page), ==, customer_id);
  g_assert_cmpstr (crm_customer_page_get_value (page, "name"), ==, CUSTOMER_NAME);
  g_assert_cmpstr (crm_customer_page_get_value (page, "region"), ==, "—");
  screenshot (GTK_WIDGET (main_window ()), "customer-page");
}

static void
test_edit_and_save (void)
{
  CrmCustomerForm *form = crm_customer_list_view_get_form (view ());
  CrmCustomerPage *page = crm_customer_list_view_get_page (view ());
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) before = server_record (customer_id, &error);
  g_autoptr(GVariant) after = NULL;
  g_autofree char *region = NULL;

  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view ()), ==, "form");
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "region"), "北京");
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "phones"), "13800138000，010-62345678");
  screenshot (GTK_WIDGET (main_window ()), "edit-form");

  /* Ctrl+S */
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.save", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_null (crm_customer_list_view_get_error_text (view ()));
  g_assert_cmpstr (crm_customer_page_get_value (page, "region"), ==, "北京");

  after = server_record (customer_id, &error);
  g_assert_no_error (error);
  region = record_string (after, "region");
  g_assert_cmpstr (region, ==, "北京");
  g_assert_cmpint (record_int (after, "version"), ==, record_int (before, "version") + 1);
  screenshot (GTK_WIDGET (main_window ()), "saved");
}

static gboolean
conflict_shown (gpointer data)
{
  return crm_customer_list_view_get_conflict_dialog (view ()) != NULL;
}

static void
test_version_conflict (void)
{
  CrmCustomerForm *form = crm_customer_list_view_get_form (view ());
  CrmCustomerPage *page = crm_customer_list_view_get_page (view ());
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) current = NULL;
  g_autoptr(GVariant) theirs_reply = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  g_autofree char *short_name = NULL;
  g_autofree char *industry = NULL;
  GtkWindow *dialog;
  gint64 version;

  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "short_name"), "智邦科技");

  /* Meanwhile, someone else saves the same customer. */
  current = server_record (customer_id, &error);
  g_assert_no_error (error);
  version = record_int (current, "version");
  theirs_reply = crm_connection_call_sync (other, CRM_MSG_CUSTOMER_UPDATE,
                                           g_variant_new_parsed ("(%s, %x, %x, {'short_name': <'智邦'>, 'industry': <'软件'>})",
                                                                 key, customer_id, version),
                                           NULL, &error);
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.save", NULL);
  g_assert_true (crm_ui_test_wait_for (conflict_shown, NULL, WAIT_S));
  dialog = GTK_WINDOW (crm_customer_list_view_get_conflict_dialog (view ()));
  screenshot (GTK_WIDGET (dialog), "conflict");

  /* Keep mine: my field wins, their other change stays. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "conflict.keep-mine", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_null (crm_customer_list_view_get_conflict_dialog (view ()));
  g_assert_cmpstr (crm_customer_page_get_value (page, "short_name"), ==, "智邦科技");

  after = server_record (customer_id, &error);
  g_assert_no_error (error);
  short_name = record_string (after, "short_name");
  industry = record_string (after, "industry");
  g_assert_cmpstr (short_name, ==, "智邦科技");
  g_assert_cmpstr (industry, ==, "软件");
  g_assert_cmpint (record_int (after, "version"), ==, version + 2);
  screenshot (GTK_WIDGET (main_window ()), "conflict-resolved");
}

static void
test_version_conflict_take_theirs (void)
{
  CrmCustomerForm *form = crm_customer_list_view_get_form (view ());
  CrmCustomerPage *page = crm_customer_list_view_get_page (view ());
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) current = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  g_autofree char *source = NULL;

  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "source"), "展会");

  current = server_record (customer_id, &error);
  g_assert_no_error (error);
  reply = crm_connection_call_sync (other, CRM_MSG_CUSTOMER_UPDATE,
                                    g_variant_new_parsed ("(%s, %x, %x, {'source': <'转介绍'>})",
                                                          key, customer_id, record_int (current, "version")),
                                    NULL, &error);
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.save", NULL);
  g_assert_true (crm_ui_test_wait_for (conflict_shown, NULL, WAIT_S));
  gtk_widget_activate_action (GTK_WIDGET (crm_customer_list_view_get_conflict_dialog (view ())),
                              "conflict.take-theirs", NULL);

  /* Their value is shown and nothing of mine was written. */
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_cmpstr (crm_customer_page_get_value (page, "source"), ==, "转介绍");
  after = server_record (customer_id, &error);
  g_assert_no_error (error);
  source = record_string (after, "source");
  g_assert_cmpstr (source, ==, "转介绍");
  g_assert_cmpint (record_int (after, "version"), ==, record_int (current, "version") + 1);
}

static void
test_create_with_validation_error (void)
{
  CrmCustomerForm *form = crm_customer_list_view_get_form (view ());
  CrmCustomerPage *page = crm_customer_list_view_get_page (view ());
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) record = NULL;
  g_autofree char *name = NULL;

  /* Ctrl+N */
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.new-customer", NULL);
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view ()), ==, "form");
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "phones"), "1380013800");
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "postal_code"), "10008");
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.save", NULL);

  /* Nothing is sent; each bad field says what is wrong. */
  g_assert_false (crm_customer_list_view_is_busy (view ()));
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view ()), ==, "form");
  g_assert_nonnull (crm_customer_form_get_error (form, "name"));
  g_assert_nonnull (crm_customer_form_get_error (form, "phones"));
  g_assert_nonnull (crm_customer_form_get_error (form, "postal_code"));
  g_assert_null (crm_customer_form_get_error (form, "region"));
  screenshot (GTK_WIDGET (main_window ()), "validation-errors");

  crm_ui_test_type_text (crm_customer_form_get_entry (form, "name"), "上海测试贸易有限公司");
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "phones"), "13912345678");
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "postal_code"), "200000");
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "region"), "上海");
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.save", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_null (crm_customer_list_view_get_error_text (view ()));
  g_assert_cmpstr (crm_customer_page_get_value (page, "name"), ==, "上海测试贸易有限公司");
  created_id = crm_customer_page_get_id (page);
  g_assert_cmpint (created_id, >, 0);

  record = server_record (created_id, &error);
  g_assert_no_error (error);
  name = record_string (record, "name");
  g_assert_cmpstr (name, ==, "上海测试贸易有限公司");
  screenshot (GTK_WIDGET (main_window ()), "created");
}

static gboolean
confirm_shown (gpointer data)
{
  return crm_customer_list_view_get_confirm_dialog (view ()) != NULL;
}

static void
test_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) record = NULL;
  GtkDialog *dialog;

  g_assert_cmpint (crm_customer_page_get_id (crm_customer_list_view_get_page (view ())), ==, created_id);
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.delete", NULL);
  g_assert_true (crm_ui_test_wait_for (confirm_shown, NULL, WAIT_S));
  dialog = crm_customer_list_view_get_confirm_dialog (view ());
  screenshot (GTK_WIDGET (dialog), "delete-confirm");

  gtk_dialog_response (dialog, GTK_RESPONSE_ACCEPT);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "empty", WAIT_S));
  g_assert_null (crm_customer_list_view_get_error_text (view ()));

  record = server_record (created_id, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_assert_null (record);
  screenshot (GTK_WIDGET (main_window ()), "deleted");
}

static void
on_state (CrmSession *session,
          GParamSpec *pspec,
          gboolean   *saw_reconnecting)
{
  if (crm_session_get_state (session) == CRM_SESSION_STATE_RECONNECTING)
    *saw_reconnecting = TRUE;
}

static gboolean
session_online (gpointer data)
{
  return *(gboolean *) data &&
         crm_session_get_state (crm_application_get_session (app)) == CRM_SESSION_STATE_ONLINE;
}

static void
test_reconnect_keeps_form (void)
{
  CrmSession *session = crm_application_get_session (app);
  CrmCustomerForm *form = crm_customer_list_view_get_form (view ());
  CrmConnection *old = crm_session_get_connection (session);
  gboolean saw_reconnecting = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  gulong handler;

  /* The user is typing when the network drops. */
  crm_customer_list_view_open (view (), customer_id);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "address"), "海淀区中关村大街1号");

  before = server_record (customer_id, &error);
  g_assert_no_error (error);
  handler = g_signal_connect (session, "notify::state", G_CALLBACK (on_state), &saw_reconnecting);
  crm_connection_close (old);
  crm_ui_test_settle (100);
  g_assert_true (saw_reconnecting);
  screenshot (GTK_WIDGET (main_window ()), "reconnecting");

  /* Saving while offline waits for the connection and then goes through,
   * once. */
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.save", NULL);
  g_assert_true (crm_ui_test_wait_for (session_online, &saw_reconnecting, WAIT_S));
  g_signal_handler_disconnect (session, handler);
  g_assert_cmpstr (crm_window_get_status_text (main_window ()), ==, _("● Connected"));
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_cmpstr (crm_customer_page_get_value (crm_customer_list_view_get_page (view ()), "address"),
                   ==, "海淀区中关村大街1号");
  after = server_record (customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record_int (after, "version"), ==, record_int (before, "version") + 1);
}

static gboolean
page_shows (gpointer data)
{
  const char *region = crm_customer_page_get_value (crm_customer_list_view_get_page (view ()), "region");

  return g_strcmp0 (region, data) == 0;
}

static void
test_push_refreshes_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) current = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *key = crm_new_idempotency_key ();

  crm_customer_list_view_open (view (), customer_id);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_cmpstr (crm_customer_page_get_value (crm_customer_list_view_get_page (view ()), "region"),
                   ==, "北京");

  /* Someone else moves the customer to another region: the open page
   * follows without the user doing anything. */
  current = server_record (customer_id, &error);
  g_assert_no_error (error);
  reply = crm_connection_call_sync (other, CRM_MSG_CUSTOMER_UPDATE,
                                    g_variant_new_parsed ("(%s, %x, %x, {'region': <'天津'>})", key,
                                                          customer_id, record_int (current, "version")),
                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_true (crm_ui_test_wait_for (page_shows, (gpointer) "天津", WAIT_S));
  screenshot (GTK_WIDGET (main_window ()), "pushed-change");
}

static gboolean cleared_search (gpointer data);

static gboolean
cleared_search_pending (gpointer data)
{
  return cleared_search (data);
}

static gboolean
list_exact (gpointer data)
{
  CrmCustomerListModel *model = crm_customer_list_view_get_list_model (view ());

  return view_idle (NULL) && crm_customer_list_model_get_exact (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == GPOINTER_TO_UINT (data);
}

static gboolean
owners_listed (gpointer data)
{
  GtkPopover *popover = crm_customer_list_view_get_filter_popover (view ());

  /* Anyone, only mine, and the accounts from user.list. */
  return crm_customer_filter_popover_get_n_owners (CRM_CUSTOMER_FILTER_POPOVER (popover)) > 2;
}

static void
test_filters (void)
{
  CrmCustomerListModel *model = crm_customer_list_view_get_list_model (view ());
  GtkPopover *popover = crm_customer_list_view_get_filter_popover (view ());
  g_autoptr(CrmCustomerRow) row = NULL;

  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "");
  g_assert_true (crm_ui_test_wait_for (cleared_search_pending, NULL, WAIT_S));

  /* The filter popover lists the owners the user may see. */
  gtk_popover_popup (popover);
  g_assert_true (crm_ui_test_wait_for (owners_listed, NULL, WAIT_S));
  crm_ui_test_type_text (crm_customer_list_view_get_filter_entry (view (), "category"), "企业");
  screenshot (gtk_popover_get_child (popover), "filters");
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.apply-filters", NULL);

  /* Only the customer created as an enterprise remains, and the count is
   * exact once the last page is seen. */
  g_assert_true (crm_ui_test_wait_for (list_exact, GUINT_TO_POINTER (1), WAIT_S));
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpint (crm_customer_row_get_id (row), ==, customer_id);

  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.clear-filters", NULL);
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 1);
}

static gboolean
cleared_search (gpointer data)
{
  return view_idle (NULL) &&
         CRM_IS_CUSTOMER_LIST_MODEL (crm_customer_list_view_get_shown_model (view ()));
}

typedef struct {
  guint position;
} RowWait;

static gboolean
row_loaded (gpointer data)
{
  RowWait *wait = data;
  GListModel *model = G_LIST_MODEL (crm_customer_list_view_get_list_model (view ()));
  g_autoptr(CrmCustomerRow) row = g_list_model_get_item (model, wait->position);

  return row != NULL && !crm_customer_row_is_placeholder (row);
}

typedef struct {
  guint position, removed, added;
  guint n_before;
  gboolean ok;
} Change;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  /* Every announced range lies inside the model as it was. */
  if (position + removed > change->n_before)
    change->ok = FALSE;
  change->n_before = change->n_before - removed + added;
  if (change->n_before != g_list_model_get_n_items (model))
    change->ok = FALSE;
}

static void
test_list_paging_and_sort (void)
{
  CrmCustomerListModel *model = crm_customer_list_view_get_list_model (view ());
  GtkColumnView *column_view = crm_customer_list_view_get_column_view (view ());
  GListModel *columns = gtk_column_view_get_columns (column_view);
  g_autoptr(GtkColumnViewColumn) code_column = NULL;
  g_autoptr(CrmCustomerRow) placeholder = NULL;
  g_autoptr(CrmCustomerRow) first = NULL;
  g_autoptr(CrmCustomerRow) second = NULL;
  Change change = { 0, };
  RowWait wait;
  guint n;
  gulong handler;

  crm_ui_test_type_text (crm_customer_list_view_get_search_entry (view ()), "");
  g_assert_true (crm_ui_test_wait_for (cleared_search, NULL, WAIT_S));

  /* A row far from the first page: a placeholder now, loaded soon, with
   * only a bounded number of pages cached. */
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >, 5 * CRM_CUSTOMER_LIST_PAGE_ROWS);
  change.n_before = n;
  change.ok = TRUE;
  handler = g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &change);
  wait.position = MIN (n - 1, 7 * CRM_CUSTOMER_LIST_PAGE_ROWS + 42);
  placeholder = g_list_model_get_item (G_LIST_MODEL (model), wait.position);
  g_assert_true (crm_customer_row_is_placeholder (placeholder));
  g_assert_true (crm_ui_test_wait_for (row_loaded, &wait, WAIT_S));
  g_assert_true (change.ok);
  g_assert_cmpuint (crm_customer_list_model_get_n_cached_pages (model), <=, CRM_CUSTOMER_LIST_MAX_PAGES);
  g_signal_handler_disconnect (model, handler);

  /* A click on the "Code" header sorts on the server; a second click
   * reverses. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "crm-key"), "code") == 0)
        code_column = g_object_ref (column);
    }
  g_assert_nonnull (code_column);
  gtk_column_view_sort_by_column (column_view, code_column, GTK_SORT_DESCENDING);
  g_assert_cmpstr (crm_customer_list_model_get_sort_column (model), ==, "code");
  g_assert_true (crm_customer_list_model_get_sort_descending (model));
  g_assert_true (crm_ui_test_wait_for (view_idle, NULL, WAIT_S));
  wait.position = 1;
  g_assert_true (crm_ui_test_wait_for (row_loaded, &wait, WAIT_S));
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  second = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_assert_cmpstr (crm_customer_row_get_string (first, "code"), >,
                   crm_customer_row_get_string (second, "code"));
  screenshot (GTK_WIDGET (main_window ()), "sorted-by-code");
}

static gboolean
signed_out (gpointer data)
{
  return main_window () == NULL && sign_in_window () != NULL;
}

static void
test_certificate_changed (void)
{
  CrmSession *session = crm_application_get_session (app);
  CrmTrustStore *trust = crm_session_get_trust_store (session);
  g_autofree char *host_port = g_strdup (crm_session_get_address (session));
  g_autofree char *real = g_strdup (crm_trust_store_lookup (trust, host_port));
  const char *forged = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
                       "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff";
  g_autoptr(GError) error = NULL;
  CrmSignInWindow *window;
  const char *text;

  g_assert_nonnull (real);
  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.sign-out", NULL);
  g_assert_true (crm_ui_test_wait_for (signed_out, NULL, WAIT_S));
  window = sign_in_window ();

  /* The pinned fingerprint no longer matches what the server presents:
   * the user is warned, with both fingerprints, and nothing is sent. */
  g_assert_true (crm_trust_store_remember (trust, host_port, forged, &error));
  g_assert_no_error (error);
  crm_ui_test_type_text (crm_sign_in_window_get_password_entry (window), crm_test_server_get_admin_password (server));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_null (main_window ());
  g_assert_true (crm_sign_in_window_is_asking_trust (window));
  text = crm_sign_in_window_get_error_text (window);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, host_port));
  screenshot (GTK_WIDGET (window), "certificate-changed");

  /* The administrator confirms the new certificate. */
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.trust", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  g_assert_nonnull (main_window ());
  g_assert_cmpstr (crm_trust_store_lookup (trust, host_port), ==, real);
}

static gboolean
asked_to_sign_in_again (gpointer data)
{
  return main_window () != NULL && sign_in_window () != NULL &&
         crm_sign_in_window_get_error_text (sign_in_window ()) != NULL;
}

static gboolean
signed_in_again (gpointer data)
{
  return sign_in_window () == NULL &&
         crm_session_get_state (crm_application_get_session (app)) == CRM_SESSION_STATE_ONLINE;
}

static void
test_session_revoked_keeps_form (void)
{
  CrmCustomerForm *form = crm_customer_list_view_get_form (view ());
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) sessions = NULL;
  GVariantIter iter;
  GVariant *entry;
  guint revoked = 0;

  crm_customer_list_view_open (view (), customer_id);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  gtk_widget_activate_action (GTK_WIDGET (view ()), "customer.edit", NULL);
  crm_ui_test_type_text (crm_customer_form_get_entry (form, "address"), "朝阳区建国路88号");

  /* An administrator ends the user's session while they type. */
  sessions = crm_connection_call_sync (other, CRM_MSG_SESSION_LIST, g_variant_new ("(x)", (gint64) 0),
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_iter_init (&iter, sessions);
  while ((entry = g_variant_iter_next_value (&iter)))
    {
      gboolean current = TRUE;
      const char *id = NULL;

      g_variant_lookup (entry, "current", "b", &current);
      g_variant_lookup (entry, "id", "&s", &id);
      if (!current && id)
        {
          g_autofree char *key = crm_new_idempotency_key ();
          g_autoptr(GVariant) reply = crm_connection_call_sync (other, CRM_MSG_SESSION_REVOKE,
                                                                g_variant_new ("(ss)", key, id),
                                                                NULL, &error);
          g_assert_no_error (error);
          revoked++;
        }
      g_variant_unref (entry);
    }
  g_assert_cmpuint (revoked, >, 0);

  /* The sign-in window comes over the main window; the form stays. */
  g_assert_true (crm_ui_test_wait_for (asked_to_sign_in_again, NULL, WAIT_S));
  screenshot (GTK_WIDGET (sign_in_window ()), "signed-out-by-admin");
  crm_ui_test_type_text (crm_sign_in_window_get_password_entry (sign_in_window ()),
             crm_test_server_get_admin_password (server));
  gtk_widget_activate_action (GTK_WIDGET (sign_in_window ()), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (signed_in_again, NULL, WAIT_S));
  g_assert_cmpstr (crm_customer_list_view_get_detail_mode (view ()), ==, "form");
  g_assert_cmpstr (gtk_editable_get_text (crm_customer_form_get_entry (form, "address")), ==,
                   "朝阳区建国路88号");

  gtk_widget_activate_action (GTK_WIDGET (main_window ()), "win.save", NULL);
  g_assert_true (crm_ui_test_wait_for (detail_is, (gpointer) "page", WAIT_S));
  g_assert_cmpstr (crm_customer_page_get_value (crm_customer_list_view_get_page (view ()), "address"),
                   ==, "朝阳区建国路88号");
}

/* ---- setup -------------------------------------------------------------- */

static void
create_known_customer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *key = crm_new_idempotency_key ();

  other = crm_ui_test_connect_admin (server);
  reply = crm_connection_call_sync (other, CRM_MSG_CUSTOMER_CREATE,
                                    g_variant_new_parsed ("(%s, {'name': <%s>, 'category': <'企业'>})",
                                                          key, CUSTOMER_NAME),
                                    NULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmp_dir = crm_ui_test_init (&argc, &argv, "crm-ui-XXXXXX");
  server = crm_ui_test_start_server ("--demo-data 1200");
  if (server == NULL)
    return g_test_run ();
  create_known_customer ();
  app = crm_ui_test_new_application ();

  g_test_add_func ("/ui/client/sign-in/unreachable", test_sign_in_unreachable);
  g_test_add_func ("/ui/client/sign-in/wrong-password", test_sign_in_wrong_password);
  g_test_add_func ("/ui/client/sign-in/right-password", test_sign_in);
  g_test_add_func ("/ui/client/sign-in/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/ui/client/customer/search-too-short", test_search_too_short);
  g_test_add_func ("/ui/client/customer/search-more", test_search_more_on_scroll);
  g_test_add_func ("/ui/client/customer/search-again", test_search_again_shows_new_rows);
  g_test_add_func ("/ui/client/customer/search-typing", test_search_while_typing);
  g_test_add_func ("/ui/client/customer/search-enter-early", test_search_enter_before_answer);
  g_test_add_func ("/ui/client/customer/search-initials", test_search_initials);
  g_test_add_func ("/ui/client/customer/open", test_open_customer);
  g_test_add_func ("/ui/client/customer/edit-save", test_edit_and_save);
  g_test_add_func ("/ui/client/customer/version-conflict", test_version_conflict);
  g_test_add_func ("/ui/client/customer/version-conflict-take-theirs", test_version_conflict_take_theirs);
  g_test_add_func ("/ui/client/customer/create-validation", test_create_with_validation_error);
  g_test_add_func ("/ui/client/customer/delete", test_delete);
  g_test_add_func ("/ui/client/customer/push-refreshes-page", test_push_refreshes_page);
  g_test_add_func ("/ui/client/customer/filters", test_filters);
  g_test_add_func ("/ui/client/session/reconnect-keeps-form", test_reconnect_keeps_form);
  g_test_add_func ("/ui/client/session/certificate-changed", test_certificate_changed);
  g_test_add_func ("/ui/client/session/revoked-keeps-form", test_session_revoked_keeps_form);
  g_test_add_func ("/ui/client/customer/list-paging-sort", test_list_paging_and_sort);

  status = g_test_run ();

  crm_ui_test_clear_application (&app);
  crm_ui_test_clear_connection (&other);
  crm_ui_test_finish (server, tmp_dir);
  return status;
}
