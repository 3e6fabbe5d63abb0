/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-list-seek"
#include "config.h"

#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>

#include "crm-collate.h"
#include "crm-customer-list-model.h"
#include "crm-messages.h"
#include "crm-session.h"
#include "crm-test-server.h"
#include "crm-ui-test.h"

/*
 * A jump to the middle of a long customer list: a real GtkListView over
 * CrmCustomerListModel, signed in to a real crm-server with a few thousand
 * demo customers.  Dragging the scrollbar to the middle costs a handful of
 * requests (customer.seek, then the visible pages), not a walk of every
 * page before it, and the rows shown there are in pinyin order.  Then
 * scrolling up a little loads the page before the jump, seamlessly.
 */

#define WAIT_S 60
#define N_CUSTOMERS 8000

static CrmTestServer *server;
static char          *tmp_dir;
static GHashTable    *bound;  /* GtkListItem → itself, the items shown */

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  gtk_list_item_set_child (item, gtk_label_new (""));
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  CrmCustomerRow *row = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      crm_customer_row_is_placeholder (row) ? "…"
                      : crm_customer_row_get_string (row, "name"));
  g_hash_table_add (bound, item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  g_hash_table_remove (bound, item);
}

static int
compare_position (gconstpointer a, gconstpointer b)
{
  guint pa = gtk_list_item_get_position (*(GtkListItem **) a);
  guint pb = gtk_list_item_get_position (*(GtkListItem **) b);

  return pa < pb ? -1 : pa > pb;
}

/* The items shown whose position lies in [from, to), by position. */
static GPtrArray *
shown_items (guint from, guint to)
{
  GPtrArray *items = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, bound);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint position = gtk_list_item_get_position (key);

      if (position >= from && position < to)
        g_ptr_array_add (items, key);
    }
  g_ptr_array_sort (items, compare_position);
  return items;
}

typedef struct {
  CrmCustomerListModel *model;
  guint from, to;
} Range;

/* Every shown item of the range is a loaded row, and nothing is loading. */
static gboolean
range_loaded (gpointer data)
{
  Range *range = data;
  g_autoptr(GPtrArray) items = shown_items (range->from, range->to);

  if (items->len == 0 || crm_customer_list_model_get_loading (range->model))
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    if (crm_customer_row_is_placeholder (gtk_list_item_get_item (items->pdata[i])))
      return FALSE;
  return TRUE;
}

static void
assert_in_order (GPtrArray *items)
{
  for (guint i = 1; i < items->len; i++)
    {
      CrmCustomerRow *a = gtk_list_item_get_item (items->pdata[i - 1]);
      CrmCustomerRow *b = gtk_list_item_get_item (items->pdata[i]);

      g_assert_cmpuint (gtk_list_item_get_position (items->pdata[i]), ==,
                        gtk_list_item_get_position (items->pdata[i - 1]) + 1);
      g_assert_cmpint (crm_customer_row_get_id (a), !=, crm_customer_row_get_id (b));
      g_assert_cmpint (crm_collate_compare (crm_customer_row_get_string (a, "name"),
                                            crm_customer_row_get_string (b, "name")), <=, 0);
    }
}

static void
sign_in_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;

  if (!crm_session_sign_in_finish (CRM_SESSION (source), result, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "sign-in failed");
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static gboolean
has_error (gpointer data)
{
  return *(GError **) data != NULL;
}

static gboolean
has_items (gpointer data)
{
  CrmCustomerListModel *model = data;

  return g_list_model_get_n_items (G_LIST_MODEL (model)) > 0 &&
         !crm_customer_list_model_get_loading (model);
}

static void
test_jump_to_middle (void)
{
  g_autoptr(CrmTrustStore) trust = NULL;
  g_autoptr(CrmSession) session = NULL;
  g_autoptr(CrmCustomerListModel) model = NULL;
  g_autofree char *trust_path = g_build_filename (tmp_dir, "trust", NULL);
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) middle = NULL;
  g_autoptr(GPtrArray) before = NULL;
  GtkListItemFactory *factory;
  GtkWidget *window, *scrolled, *list;
  GtkAdjustment *adj;
  guint n, requests, first_shown;
  Range range;

  trust = crm_trust_store_new (trust_path);
  session = crm_session_new (trust, "en_US");
  address = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));
  crm_session_sign_in_async (session, address, "admin", crm_test_server_get_admin_password (server),
                             TRUE, NULL, sign_in_cb, &error);
  g_assert_true (crm_ui_test_wait_for (has_error, &error, WAIT_S));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  model = crm_customer_list_model_new (session);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (model)))),
                            factory);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 600);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));

  crm_customer_list_model_set_sort (model, "name", FALSE);
  g_assert_true (crm_ui_test_wait_for (has_items, model, WAIT_S));
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >, N_CUSTOMERS / 2);
  range = (Range) { model, 0, CRM_CUSTOMER_LIST_PAGE_ROWS };
  g_assert_true (crm_ui_test_wait_for (range_loaded, &range, WAIT_S));

  /* The scrollbar dragged to the middle. */
  requests = crm_customer_list_model_get_n_requests (model);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adj, (gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj)) / 2);
  range = (Range) { model, n / 4, n * 3 / 4 };
  g_assert_true (crm_ui_test_wait_for (range_loaded, &range, WAIT_S));
  middle = shown_items (n / 4, n * 3 / 4);
  g_assert_cmpuint (middle->len, >, 5);
  assert_in_order (middle);
  /* One seek, then the visible pages (forwards from the jump, backwards
   * before it); walking there would take a request per 5 pages (8 here)
   * plus the visible pages. */
  g_assert_cmpuint (crm_customer_list_model_get_n_requests (model) - requests, <=, 6);
  g_assert_cmpuint (crm_customer_list_model_get_n_cached_pages (model), <=,
                    CRM_CUSTOMER_LIST_MAX_PAGES);

  /* Up by a page and a half: the rows before the jump's pages come from
   * listing backwards, contiguous with them (in order, no row twice). */
  first_shown = gtk_list_item_get_position (middle->pdata[0]);
  gtk_widget_activate_action (list, "list.scroll-to-item", "u",
                              first_shown - CRM_CUSTOMER_LIST_PAGE_ROWS * 3 / 2);
  range = (Range) { model, first_shown - CRM_CUSTOMER_LIST_PAGE_ROWS * 2, first_shown };
  g_assert_true (crm_ui_test_wait_for (range_loaded, &range, WAIT_S));
  before = shown_items (first_shown - CRM_CUSTOMER_LIST_PAGE_ROWS * 2, first_shown);
  g_assert_cmpuint (before->len, >, 5);
  assert_in_order (before);
  {
    g_autoptr(CrmCustomerRow) previous = NULL;
    guint checked = 0;

    for (guint p = first_shown - CRM_CUSTOMER_LIST_PAGE_ROWS * 2;
         p < first_shown + CRM_CUSTOMER_LIST_PAGE_ROWS; p++)
      {
        g_autoptr(CrmCustomerRow) row = g_list_model_get_item (G_LIST_MODEL (model), p);

        if (crm_customer_row_is_placeholder (row))
          {
            g_clear_object (&previous);
            continue;
          }
        if (previous != NULL)
          {
            g_assert_cmpint (crm_customer_row_get_id (previous), !=, crm_customer_row_get_id (row));
            g_assert_cmpint (crm_collate_compare (crm_customer_row_get_string (previous, "name"),
                                                  crm_customer_row_get_string (row, "name")), <=, 0);
            checked++;
          }
        g_set_object (&previous, row);
      }
    g_assert_cmpuint (checked, >=, CRM_CUSTOMER_LIST_PAGE_ROWS * 2);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- seams: where rows walked from the start meet rows reached by a jump */

static CrmSession *
signed_in_session (void)
{
  g_autofree char *trust_path = g_build_filename (tmp_dir, "trust-seam", NULL);
  g_autoptr(CrmTrustStore) trust = crm_trust_store_new (trust_path);
  g_autofree char *address = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));
  g_autoptr(GError) error = NULL;
  CrmSession *session = crm_session_new (trust, "en_US");

  crm_session_sign_in_async (session, address, "admin", crm_test_server_get_admin_password (server),
                             TRUE, NULL, sign_in_cb, &error);
  g_assert_true (crm_ui_test_wait_for (has_error, &error, WAIT_S));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  return session;
}

typedef struct {
  GVariant *reply;
  GError   *error;
  gboolean  done;
} Call;

static void
call_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *call = data;

  call->reply = crm_session_call_finish (CRM_SESSION (source), result, &call->error);
  call->done = TRUE;
}

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

/* Every customer id in name order, read with customer.list directly. */
static GArray *
read_all_ids (CrmSession *session)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *cursor = g_strdup ("");

  for (;;)
    {
      Call call = { 0 };
      g_autoptr(GVariant) rows = NULL;
      GVariantIter iter;
      GVariant *record;
      const char *next;

      crm_session_call_async (session, CRM_MSG_CUSTOMER_LIST,
                              g_variant_new ("(sb@a{sv}si)", "name", FALSE,
                                             g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                             cursor, 500),
                              NULL, call_cb, &call);
      g_assert_true (crm_ui_test_wait_for (call_done, &call, WAIT_S));
      g_assert_no_error (call.error);
      g_variant_get (call.reply, "(@aa{sv}&sx)", &rows, &next, NULL);
      g_variant_iter_init (&iter, rows);
      while ((record = g_variant_iter_next_value (&iter)))
        {
          gint64 id = 0;

          g_variant_lookup (record, "id", "x", &id);
          g_array_append_val (ids, id);
          g_variant_unref (record);
        }
      g_free (cursor);
      cursor = g_strdup (next);
      g_variant_unref (call.reply);
      if (*next == '\0' || g_variant_n_children (rows) < 500)
        break;
    }
  return ids;
}

typedef struct {
  CrmCustomerListModel *model;
  guint from, n;
} Window;

/* Every row of the window is loaded (reading them asks for their pages, as
 * a view showing them does). */
static gboolean
window_loaded (gpointer data)
{
  Window *window = data;
  guint end = MIN (window->from + window->n, g_list_model_get_n_items (G_LIST_MODEL (window->model)));
  gboolean loaded = TRUE;

  for (guint p = window->from; p < end; p++)
    {
      g_autoptr(CrmCustomerRow) row = g_list_model_get_item (G_LIST_MODEL (window->model), p);

      if (crm_customer_row_is_placeholder (row))
        loaded = FALSE;
    }
  return loaded && !crm_customer_list_model_get_loading (window->model);
}

/* The window's rows are a run of consecutive customers of the name order
 * (no row twice, none skipped); returns the position of its first row in
 * that order. */
static guint
assert_window_contiguous (Window *window, GArray *ids, GHashTable *index_of)
{
  guint end = MIN (window->from + window->n, g_list_model_get_n_items (G_LIST_MODEL (window->model)));
  guint first = 0;

  g_assert_true (crm_ui_test_wait_for (window_loaded, window, WAIT_S));
  for (guint p = window->from; p < end; p++)
    {
      g_autoptr(CrmCustomerRow) row = g_list_model_get_item (G_LIST_MODEL (window->model), p);
      gint64 id = crm_customer_row_get_id (row);
      gpointer at = NULL;

      g_assert_false (crm_customer_row_is_placeholder (row));
      if (p == window->from)
        {
          g_assert_true (g_hash_table_lookup_extended (index_of, &id, NULL, &at));
          first = GPOINTER_TO_UINT (at);
        }
      else
        {
          g_assert_cmpuint (first + (p - window->from), <, ids->len);
          g_assert_cmpint (id, ==, g_array_index (ids, gint64, first + (p - window->from)));
        }
    }
  return first;
}

static GHashTable *
index_ids (GArray *ids)
{
  GHashTable *index_of = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < ids->len; i++)
    g_hash_table_insert (index_of, &g_array_index (ids, gint64, i), GUINT_TO_POINTER (i));
  return index_of;
}

/* Jump to the middle, then scroll up to the top a half page at a time:
 * every window of two pages is contiguous, also where the rows listed
 * backwards from the jump meet the rows walked from the start; at the top
 * the positions are exact. */
static void
test_seam_scrolling_up (void)
{
  g_autoptr(CrmSession) session = signed_in_session ();
  g_autoptr(CrmCustomerListModel) model = crm_customer_list_model_new (session);
  g_autoptr(GArray) ids = read_all_ids (session);
  g_autoptr(GHashTable) index_of = index_ids (ids);
  Window window = { model, 0, 2 * CRM_CUSTOMER_LIST_PAGE_ROWS };
  guint jump, n;

  crm_customer_list_model_set_sort (model, "name", FALSE);
  g_assert_cmpuint (assert_window_contiguous (&window, ids, index_of), ==, 0);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  jump = n / 2 / CRM_CUSTOMER_LIST_PAGE_ROWS * CRM_CUSTOMER_LIST_PAGE_ROWS;
  window.from = jump;
  assert_window_contiguous (&window, ids, index_of);

  for (int from = (int) jump - CRM_CUSTOMER_LIST_PAGE_ROWS / 2; from >= 0;
       from -= CRM_CUSTOMER_LIST_PAGE_ROWS / 2)
    {
      window.from = (guint) from;
      assert_window_contiguous (&window, ids, index_of);
    }
  window.from = 0;
  g_assert_cmpuint (assert_window_contiguous (&window, ids, index_of), ==, 0);
  /* The jumped rows were dropped where they met the rows from the top. */
  g_assert_cmpuint (crm_customer_list_model_get_n_seams (model), >=, 1);
}

/* The other way: rows walked down from the top run into the rows of a
 * jump a little further down; past the meeting point the rows continue the
 * walk at exact positions. */
static void
test_seam_scrolling_down (void)
{
  g_autoptr(CrmSession) session = signed_in_session ();
  g_autoptr(CrmCustomerListModel) model = crm_customer_list_model_new (session);
  g_autoptr(GArray) ids = read_all_ids (session);
  g_autoptr(GHashTable) index_of = index_ids (ids);
  Window window = { model, 0, 2 * CRM_CUSTOMER_LIST_PAGE_ROWS };
  guint jump = 15 * CRM_CUSTOMER_LIST_PAGE_ROWS;
  guint requests;

  crm_customer_list_model_set_sort (model, "name", FALSE);
  g_assert_cmpuint (assert_window_contiguous (&window, ids, index_of), ==, 0);
  requests = crm_customer_list_model_get_n_requests (model);
  window.from = jump;
  assert_window_contiguous (&window, ids, index_of);
  /* Reached by a seek (one request, then its pages), not a walk. */
  g_assert_cmpuint (crm_customer_list_model_get_n_requests (model) - requests, <=, 4);

  for (guint from = CRM_CUSTOMER_LIST_PAGE_ROWS / 2; from <= jump + CRM_CUSTOMER_LIST_PAGE_ROWS;
       from += CRM_CUSTOMER_LIST_PAGE_ROWS / 2)
    {
      window.from = from;
      g_assert_cmpuint (assert_window_contiguous (&window, ids, index_of), ==, from);
    }
  g_assert_cmpuint (crm_customer_list_model_get_n_seams (model), >=, 1);
}

int
main (int argc, char *argv[])
{
  g_autofree char *args = g_strdup_printf ("--demo-data %d", N_CUSTOMERS);
  int status;

  tmp_dir = crm_ui_test_init (&argc, &argv, "crm-ui-seek-XXXXXX");
  server = crm_ui_test_start_server (args);
  if (server == NULL)
    return g_test_run ();
  bound = g_hash_table_new (g_direct_hash, g_direct_equal);

  g_test_add_func ("/ui/list/seek/jump-to-middle", test_jump_to_middle);
  g_test_add_func ("/ui/list/seek/seam-scrolling-up", test_seam_scrolling_up);
  g_test_add_func ("/ui/list/seek/seam-scrolling-down", test_seam_scrolling_down);
  status = g_test_run ();

  g_hash_table_unref (bound);
  crm_ui_test_finish (server, tmp_dir);
  return status;
}
