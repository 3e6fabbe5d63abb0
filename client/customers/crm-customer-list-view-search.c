/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-list-view"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-list-view-private.h"
#include "crm-messages.h"

/*
 * Quick search of the Customers module: as the user types, customer.search
 * with at most one request on the way; the answer replaces the results in
 * one items-changed, reusing the row objects (and so the table's row
 * widgets); scrolling to the end of a first answer asks for the rest.
 */

/* The first answer fills the visible rows and little more: every row
 * given to the table costs widgets to build and lay out before the frame
 * can show them.  Scrolling to its end asks for up to SEARCH_MAX. */
#define SEARCH_FIRST_MIN 20
#define SEARCH_ROW_PX 24
#define SEARCH_MAX 200
/* An emptied entry shows the whole list after this, unless typed into. */
#define SEARCH_CLEAR_DELAY_MS 300

static GVariant *
current_filters (CrmCustomerListView *self)
{
  return crm_customer_filter_popover_get_filters (self->filter_popover);
}

static GPtrArray *
rows_of_reply (GVariant   *reply,
               GHashTable *skip_ids)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  GVariantIter iter;
  GVariant *record;

  g_variant_iter_init (&iter, reply);
  while ((record = g_variant_iter_next_value (&iter)))
    {
      CrmCustomerRow *row = crm_customer_row_new (record);
      gint64 id = crm_customer_row_get_id (row);

      if (skip_ids == NULL || !g_hash_table_contains (skip_ids, &id))
        g_ptr_array_add (rows, row);
      else
        g_object_unref (row);
      g_variant_unref (record);
    }
  return rows;
}

/* A search call ended: drops its cancellable; FALSE, with the error shown,
 * when it failed. */
static gboolean
search_ended (CrmCustomerListView *self,
              GVariant            *reply,
              const GError        *error)
{
  g_autofree char *text = NULL;
  g_autofree char *full = NULL;

  g_clear_object (&self->search_cancellable);
  crm_customer_list_view_update_busy (self);
  if (reply != NULL)
    return TRUE;
  text = crm_customer_list_view_describe_error (error);
  full = g_strdup_printf (_("Search failed: %s"), text);
  crm_customer_list_view_show_error (self, full);
  return FALSE;
}

/* The longer answer to the same query: the rows not shown yet go below
 * (a frequent fragment is ranked from a sample, so the first rows of the
 * longer answer need not be those shown). */
static void
search_more_done (CrmCustomerListView *self,
                  GVariant            *reply,
                  const GError        *error)
{
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) rows = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->search_results));

  self->search_more = FALSE;
  if (!search_ended (self, reply, error))
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CrmCustomerRow) row = g_list_model_get_item (G_LIST_MODEL (self->search_results), i);

      g_hash_table_add (shown, g_memdup2 (&(gint64) { crm_customer_row_get_id (row) }, sizeof (gint64)));
    }
  rows = rows_of_reply (reply, shown);
  g_list_store_splice (self->search_results, n, 0, rows->pdata, rows->len);
  crm_customer_list_view_update_count (self);
}

static void
search_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmCustomerListView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->search_more)
    {
      search_more_done (self, reply, error);
      return;
    }
  if (self->search_pending)
    {
      /* Stale: the text typed since is asked for now instead. */
      g_clear_object (&self->search_cancellable);
      crm_customer_list_view_run_search (self);
      return;
    }
  self->search_reply_at = g_get_monotonic_time ();
  g_debug ("search: reply %.1f ms after the request",
           (g_get_monotonic_time () - self->search_sent_at) / 1000.0);
  if (!search_ended (self, reply, error))
    return;
  crm_customer_list_view_show_error (self, NULL);

  /* One items-changed for the whole replacement, with the row objects of
   * the previous answer given the new records: GTK 4.8's list views keep
   * the widgets of the items that come back and only rebind them, where
   * new items would cost new row widgets (most of the time from reply to
   * model). */
  {
    guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->search_results));
    guint n_new = (guint) g_variant_n_children (reply);

    rows = g_ptr_array_new_full (n_new, g_object_unref);
    for (guint i = 0; i < n_new; i++)
      {
        g_autoptr(GVariant) record = g_variant_get_child_value (reply, i);

        if (i < n_old)
          {
            CrmCustomerRow *row = g_list_model_get_item (G_LIST_MODEL (self->search_results), i);

            crm_customer_row_set_record (row, record);
            g_ptr_array_add (rows, row);
          }
        else
          g_ptr_array_add (rows, crm_customer_row_new (record));
      }
    /* The selected item keeps its position: not the customer it was. */
    if (gtk_single_selection_get_model (self->selection) == G_LIST_MODEL (self->search_results))
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  }
  g_list_store_splice (self->search_results, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->search_results)),
                       rows->pdata, rows->len);
  self->search_results_for_query = TRUE;
  crm_customer_list_view_show_model (self, G_LIST_MODEL (self->search_results));
  /* A new answer starts at its best match, wherever the last one was
   * scrolled to. */
  {
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

    /* Through the table's list, which places the item once it is laid
     * out (the adjustment still measures the previous answer). */
    if (adjustment != NULL && gtk_adjustment_get_value (adjustment) > 0)
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view)); child;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_LIST_VIEW (child))
          gtk_widget_activate_action (child, "list.scroll-to-item", "u", 0);
  }
  self->search_shown_at = g_get_monotonic_time ();
  g_debug ("search: %u rows, %.1f ms after the request", rows->len,
           (self->search_shown_at - self->search_sent_at) / 1000.0);
  if (self->search_open_first)
    {
      self->search_open_first = FALSE;
      crm_customer_list_view_on_search_activate (self);
    }
}

/* The shortest text customer.search takes (the server's rule: two
 * characters, three digits for a phone fragment), or 0 when `query` is
 * long enough.  Shorter text is not sent: its answer would be an error. */
static guint
search_min_length (const char *query)
{
  gboolean han = FALSE, all_digits = TRUE, all_letters = TRUE;
  gsize n = 0;

  for (const char *p = query; *p; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      han = TRUE;
  for (const char *p = query; *p; p++)
    {
      if (strchr (" -+()./'", *p) != NULL)
        continue;
      n++;
      if (!g_ascii_isdigit (*p))
        all_digits = FALSE;
      if (!g_ascii_isalpha (*p))
        all_letters = FALSE;
    }
  if (han || (!all_digits && !all_letters))
    return g_utf8_strlen (query, -1) < 2 ? 2 : 0;
  if (all_digits && n > 0)
    return n < 3 ? 3 : 0;
  return n < 2 ? 2 : 0;
}

void
crm_customer_list_view_run_search (CrmCustomerListView *self)
{
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  self->search_pending = FALSE;
  self->search_too_short = *query != '\0' ? search_min_length (query) : 0;
  if (self->search_too_short > 0)
    {
      /* What is shown stays; nothing older may replace it. */
      if (self->search_cancellable)
        g_cancellable_cancel (self->search_cancellable);
      g_clear_object (&self->search_cancellable);
      self->search_more = FALSE;
      crm_customer_list_view_show_error (self, NULL);
      crm_customer_list_view_update_count (self);
      crm_customer_list_view_update_busy (self);
      return;
    }
  if (*query == '\0')
    {
      if (self->search_cancellable)
        g_cancellable_cancel (self->search_cancellable);
      g_clear_object (&self->search_cancellable);
      self->searching = FALSE;
      self->search_results_for_query = FALSE;
      crm_customer_list_view_show_model (self, G_LIST_MODEL (self->list_model));
      crm_customer_list_view_update_busy (self);
      return;
    }

  /* The previous request is cancelled so an old, slower answer can never
   * replace the results of what the user typed last. */
  crm_replace_cancellable (&self->search_cancellable);
  self->searching = TRUE;
  self->search_more = FALSE;
  self->search_results_for_query = FALSE;
  g_free (self->search_query);
  self->search_query = g_steal_pointer (&query);
  self->search_limit = CLAMP (gtk_widget_get_height (GTK_WIDGET (self->column_view)) / SEARCH_ROW_PX + 2,
                              SEARCH_FIRST_MIN, SEARCH_MAX);
  self->search_sent_at = g_get_monotonic_time ();
  crm_customer_list_view_update_busy (self);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_SEARCH,
                          g_variant_new ("(s@a{sv}i)", self->search_query, current_filters (self),
                                         (gint32) self->search_limit),
                          self->search_cancellable, search_cb, g_object_ref (self));
}

/* TRUE when the server may hold more matches than those shown. */
gboolean
crm_customer_list_view_search_has_more (CrmCustomerListView *self)
{
  return self->searching && self->search_results_for_query &&
         self->search_limit < SEARCH_MAX &&
         g_list_model_get_n_items (G_LIST_MODEL (self->search_results)) >= self->search_limit;
}

/* Scrolled near the end of the search results: ask for the rest. */
void
crm_customer_list_view_on_scrolled (CrmCustomerListView *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  double page, value, last = self->search_scrolled_to;

  if (adjustment == NULL)
    return;
  /* Only a scroll down: a new answer scrolled back to its top is not a
   * user reaching its end (it just fills the table). */
  value = gtk_adjustment_get_value (adjustment);
  self->search_scrolled_to = value;
  if (value <= last || !crm_customer_list_view_search_has_more (self) ||
      self->search_cancellable != NULL || self->search_query == NULL)
    return;
  page = gtk_adjustment_get_page_size (adjustment);
  if (gtk_adjustment_get_value (adjustment) + page < gtk_adjustment_get_upper (adjustment) - page / 2)
    return;
  crm_replace_cancellable (&self->search_cancellable);
  self->search_more = TRUE;
  self->search_limit = SEARCH_MAX;
  crm_customer_list_view_update_busy (self);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_SEARCH,
                          g_variant_new ("(s@a{sv}i)", self->search_query, current_filters (self),
                                         (gint32) SEARCH_MAX),
                          self->search_cancellable, search_cb, g_object_ref (self));
}

static gboolean
clear_search_cb (gpointer user_data)
{
  CrmCustomerListView *self = user_data;

  self->clear_search_source = 0;
  crm_customer_list_view_run_search (self);
  return G_SOURCE_REMOVE;
}

/* The entry's own delay is 0 (the template): this signal comes one main
 * loop iteration after the edit, so a replaced text (delete, then insert)
 * is one change. */
void
crm_customer_list_view_on_search_changed (CrmCustomerListView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  self->search_open_first = FALSE;
  g_clear_handle_id (&self->clear_search_source, g_source_remove);
  /* GtkSearchEntry reports an emptied entry at once, also when the user
   * types over a selected query (delete, then insert): wait a moment
   * before flashing the whole list between two searches. */
  if (*text == '\0' && self->searching)
    {
      self->clear_search_source = g_timeout_add (SEARCH_CLEAR_DELAY_MS, clear_search_cb, self);
      return;
    }
  if (*text == '\0')
    {
      crm_customer_list_view_run_search (self);
      return;
    }
  /* At most one search on the way: an edit made while one is answered
   * waits for that answer (then dropped as stale) and sends the text as it
   * is by then.  So a keystroke after a pause searches at once, a typist's
   * keystrokes search as soon as the previous answer is in (no fixed
   * delay), and a slow server gets fewer requests, never a queue of stale
   * ones.  A request for more rows of the old text is simply cancelled. */
  if (self->search_cancellable != NULL && !self->search_more)
    {
      self->search_pending = TRUE;
      return;
    }
  crm_customer_list_view_run_search (self);
}

void
crm_customer_list_view_on_search_activate (CrmCustomerListView *self)
{
  GListModel *model = crm_customer_list_view_get_shown_model (self);
  g_autoptr(CrmCustomerRow) first = NULL;

  /* Enter opens the best match: of what was typed, so once its answer is
   * in when it is still on the way. */
  if (self->search_cancellable != NULL && !self->search_more)
    {
      self->search_open_first = TRUE;
      return;
    }
  if (g_list_model_get_n_items (model) == 0)
    return;
  first = g_list_model_get_item (model, 0);
  if (!crm_customer_row_is_placeholder (first))
    {
      gtk_single_selection_set_selected (self->selection, 0);
      crm_customer_list_view_open (self, crm_customer_row_get_id (first));
    }
}
