/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-list-view"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-columns.h"
#include "crm-customer-filter-popover.h"
#include "crm-customer-list-view.h"
#include "crm-customer-list-view-private.h"
#include "crm-error.h"
#include "crm-messages.h"

/* Busy for longer than this: the spinner turns. */
#define SPINNER_DELAY_MS 250
#define PUSH_RELOAD_DELAY_MS 1500



G_DEFINE_FINAL_TYPE (CrmCustomerListView, crm_customer_list_view, GTK_TYPE_BOX)


void
crm_customer_list_view_show_error (CrmCustomerListView *self,
            const char          *text)
{
  gtk_label_set_text (self->error_label, text ? text : "");
  gtk_widget_set_visible (self->error_box, text != NULL);
}

/* A message for an error the user can do nothing about at a field. */
char *
crm_customer_list_view_describe_error (const GError *error)
{
  if (g_error_matches (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED))
    return g_strdup (_("You do not have permission to do this. Ask your administrator."));
  if (g_error_matches (error, CRM_ERROR, CRM_ERROR_NOT_FOUND))
    return g_strdup (_("This customer no longer exists or is no longer visible to you."));
  if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CLOSED))
    return g_strdup (_("Not connected to the server. Your changes are kept; try again when the connection is back."));
  return g_strdup (error->message);
}

/* ---- the table ---------------------------------------------------------- */

static void
on_sorter_changed (CrmCustomerListView *self)
{
  const char *sort = "name";
  gboolean descending = FALSE;

  /* Removing the columns while disposing changes the sorter too. */
  if (self->column_view == NULL || self->list_model == NULL)
    return;
  crm_customer_columns_get_sort (self->column_view, &sort, &descending);
  crm_customer_list_model_set_sort (self->list_model, sort, descending);
}

void
crm_customer_list_view_save_state (CrmCustomerListView *self)
{
  crm_customer_columns_save (self->column_view, self->settings);
  g_settings_set (self->settings, "customer-sort", "(sb)",
                  crm_customer_list_model_get_sort_column (self->list_model),
                  crm_customer_list_model_get_sort_descending (self->list_model));
}

void
crm_customer_list_view_update_count (CrmCustomerListView *self)
{
  g_autofree char *text = NULL;

  if (self->search_too_short > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Type at least %u character to search",
                                         "Type at least %u characters to search",
                                         self->search_too_short),
                            self->search_too_short);
  else if (self->searching)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->search_results));

      if (self->search_results_for_query && n > 0 && crm_customer_list_view_search_has_more (self))
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "At least %u match",
                                             "At least %u matches", n), n);
      else if (self->search_results_for_query)
        text = n == 0 ? g_strdup (_("No customers match"))
                      : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", n), n);
    }
  else
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list_model));
      g_autofree char *number = g_strdup_printf ("%'u", n);

      if (crm_customer_list_model_get_exact (self->list_model))
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer", "%s customers", n), number);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %s customer",
                                             "About %s customers", n), number);
      if (self->list_stale)
        {
          g_autofree char *more = g_strdup_printf ("%s · %s", text,
                                                   _("others changed the list; press F5 to refresh"));
          g_free (text);
          text = g_steal_pointer (&more);
        }
    }
  gtk_label_set_text (self->count_label, text ? text : "");
}

static gboolean
spinner_cb (gpointer user_data)
{
  CrmCustomerListView *self = user_data;

  self->spinner_source = 0;
  gtk_spinner_set_spinning (self->spinner, crm_customer_list_view_is_busy (self));
  return G_SOURCE_REMOVE;
}

void
crm_customer_list_view_update_busy (CrmCustomerListView *self)
{
  /* Only for what takes a noticeable while: a quick search answers in tens
   * of milliseconds, and a spinner flashing at every keystroke is noise. */
  if (!crm_customer_list_view_is_busy (self))
    {
      g_clear_handle_id (&self->spinner_source, g_source_remove);
      gtk_spinner_set_spinning (self->spinner, FALSE);
    }
  else if (!gtk_spinner_get_spinning (self->spinner) && self->spinner_source == 0)
    self->spinner_source = g_timeout_add (SPINNER_DELAY_MS, spinner_cb, self);
}

static void
on_list_error (CrmCustomerListView *self)
{
  const GError *error = crm_customer_list_model_get_error (self->list_model);

  if (error && !self->searching)
    {
      g_autofree char *text = crm_customer_list_view_describe_error (error);
      g_autofree char *full = g_strdup_printf (_("Could not load customers: %s"), text);

      crm_customer_list_view_show_error (self, full);
    }
}

static void
on_list_loading (CrmCustomerListView *self)
{
  crm_customer_list_view_update_busy (self);
  if (!crm_customer_list_model_get_loading (self->list_model))
    on_list_error (self);
}

void
crm_customer_list_view_show_model (CrmCustomerListView *self,
                                   GListModel          *model)
{
  if (gtk_single_selection_get_model (self->selection) != model)
    {
      /* With a selected item, GtkSingleSelection looks for it in the new
       * model by reading every item: a million placeholder rows.  The
       * selection belongs to the old model anyway. */
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      /* Likewise GTK 4.8's list views: when a row they track (the anchor
       * at the top, the focused or selected one) is among the items
       * removed, they read *every* item added looking for it: a million
       * rows when going back from the search results to the list (0.4–1.3 s
       * under load; 50–200 ms without).  Emptying first makes the switch
       * two changes, one that only removes and one that only adds. */
      gtk_single_selection_set_model (self->selection, NULL);
      gtk_single_selection_set_model (self->selection, model);
    }
  crm_customer_list_view_update_count (self);
}

/* ---- the customer page -------------------------------------------------- */

void
crm_customer_list_view_show_detail (CrmCustomerListView *self,
             const char          *mode)
{
  gtk_stack_set_visible_child_name (self->detail_stack, mode);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customer.save", g_str_equal (mode, "form"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customer.cancel", g_str_equal (mode, "form"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customer.edit", g_str_equal (mode, "page"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customer.delete", g_str_equal (mode, "page"));
}

void
crm_customer_list_view_record_loaded (CrmCustomerListView *self,
               GVariant            *record)
{
  crm_customer_page_set_record (self->page, record);
  crm_customer_list_model_update_record (self->list_model, record);
  crm_customer_list_view_show_detail (self, "page");
}

gboolean
crm_customer_list_view_end_call (CrmCustomerListView *self,
                                 GObject             *source,
                                 GAsyncResult        *result,
                                 GCancellable       **cancellable,
                                 GVariant           **reply,
                                 GError             **error)
{
  *reply = crm_session_call_finish (CRM_SESSION (source), result, error);
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  g_clear_object (cancellable);
  crm_customer_list_view_update_busy (self);
  return TRUE;
}

void
crm_customer_list_view_show_failure (CrmCustomerListView *self,
                                     const GError        *error)
{
  g_autofree char *text = crm_customer_list_view_describe_error (error);

  crm_customer_list_view_show_error (self, text);
}

static void
get_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(CrmCustomerListView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) record = NULL;

  if (!crm_customer_list_view_end_call (self, source, result, &self->get_cancellable, &record, &error))
    return;
  if (record == NULL)
    {
      crm_customer_list_view_show_failure (self, error);
      return;
    }
  crm_customer_list_view_show_error (self, NULL);
  crm_customer_list_view_record_loaded (self, record);
}

void
crm_customer_list_view_open (CrmCustomerListView *self,
                             gint64               id)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST_VIEW (self));

  /* Never throw away what the user is typing. */
  if (g_str_equal (crm_customer_list_view_get_detail_mode (self), "form") &&
      crm_customer_form_is_dirty (self->form))
    {
      crm_customer_list_view_show_error (self, _("Save or cancel the customer you are editing first."));
      return;
    }
  crm_replace_cancellable (&self->get_cancellable);
  crm_customer_list_view_update_busy (self);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id),
                          self->get_cancellable, get_cb, g_object_ref (self));
}

static void
on_row_activated (CrmCustomerListView *self,
                  guint                position)
{
  GListModel *model = crm_customer_list_view_get_shown_model (self);
  g_autoptr(CrmCustomerRow) row = g_list_model_get_item (model, position);

  if (row && !crm_customer_row_is_placeholder (row))
    crm_customer_list_view_open (self, crm_customer_row_get_id (row));
}

static void
on_selection_changed (CrmCustomerListView *self)
{
  CrmCustomerRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (row == NULL || crm_customer_row_is_placeholder (row))
    return;
  if (crm_customer_page_get_id (self->page) == crm_customer_row_get_id (row) &&
      !g_str_equal (crm_customer_list_view_get_detail_mode (self), "empty"))
    return;
  crm_customer_list_view_open (self, crm_customer_row_get_id (row));
}

/* ---- refresh, filters, pushes ------------------------------------------- */

void
crm_customer_list_view_refresh (CrmCustomerListView *self)
{
  gint64 id = crm_customer_page_get_id (self->page);

  crm_customer_list_view_show_error (self, NULL);
  self->list_stale = FALSE;
  crm_customer_list_model_reload (self->list_model);
  if (self->searching)
    crm_customer_list_view_run_search (self);
  if (id != 0 && g_str_equal (crm_customer_list_view_get_detail_mode (self), "page"))
    crm_customer_list_view_open (self, id);
  crm_customer_list_view_update_count (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  crm_customer_list_view_refresh (CRM_CUSTOMER_LIST_VIEW (widget));
}

static void
on_filters_changed (CrmCustomerListView *self)
{
  guint n = crm_customer_filter_popover_get_n_active (self->filter_popover);

  if (n > 0)
    {
      g_autofree char *label = g_strdup_printf (_("Filters (%u)"), n);
      gtk_menu_button_set_label (self->filter_button, label);
    }
  else
    gtk_menu_button_set_label (self->filter_button, _("Filters"));

  self->list_stale = FALSE;
  crm_customer_list_model_set_filters (self->list_model,
                                       crm_customer_filter_popover_get_filters (self->filter_popover));
  if (self->searching)
    crm_customer_list_view_run_search (self);
  crm_customer_list_view_update_count (self);
}

static void
apply_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CrmCustomerListView *self = CRM_CUSTOMER_LIST_VIEW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->filter_popover), "filters.apply", NULL);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CrmCustomerListView *self = CRM_CUSTOMER_LIST_VIEW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->filter_popover), "filters.clear", NULL);
}

static void
pushed_get_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CrmCustomerListView) self = user_data;
  g_autoptr(GVariant) record = NULL;
  gint64 id = 0;

  record = crm_session_call_finish (CRM_SESSION (source), result, NULL);
  if (record == NULL)
    return;
  g_variant_lookup (record, "id", "x", &id);
  crm_customer_list_model_update_record (self->list_model, record);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->search_results)); i++)
    {
      g_autoptr(CrmCustomerRow) row = g_list_model_get_item (G_LIST_MODEL (self->search_results), i);

      if (crm_customer_row_get_id (row) == id)
        {
          g_autoptr(CrmCustomerRow) fresh = crm_customer_row_new (record);
          g_list_store_splice (self->search_results, i, 1, (gpointer *) &fresh, 1);
          break;
        }
    }

  if (crm_customer_page_get_id (self->page) == id)
    crm_customer_page_set_record (self->page, record);
  if (crm_customer_form_get_id (self->form) == id &&
      g_str_equal (crm_customer_list_view_get_detail_mode (self), "form"))
    {
      if (crm_customer_form_is_dirty (self->form))
        crm_customer_form_set_changed_elsewhere (self->form, TRUE);
      else
        crm_customer_form_set_record (self->form, record);
    }
}

static gboolean
push_reload_cb (gpointer user_data)
{
  CrmCustomerListView *self = user_data;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  self->push_reload_source = 0;
  /* Reloading jumps to the top; only do it when the user is there anyway. */
  if (adjustment == NULL || gtk_adjustment_get_value (adjustment) < 1.0)
    {
      self->list_stale = FALSE;
      crm_customer_list_model_reload (self->list_model);
    }
  else
    self->list_stale = TRUE;
  if (self->searching)
    crm_customer_list_view_run_search (self);
  crm_customer_list_view_update_count (self);
  return G_SOURCE_REMOVE;
}

static void
on_push (CrmSession          *session,
         guint                message_id,
         GVariant            *body,
         CrmCustomerListView *self)
{
  const char *entity, *action;
  gint64 id, version;

  if (message_id != CRM_MSG_PUSH_RECORD_CHANGED ||
      !g_variant_is_of_type (body, G_VARIANT_TYPE ("(sxxs)")))
    return;
  g_variant_get (body, "(&sxx&s)", &entity, &id, &version, &action);
  if (!g_str_equal (entity, "customer"))
    return;

  if (g_str_equal (action, "update"))
    {
      GVariant *shown = crm_customer_page_get_record (self->page);
      gint64 shown_version = 0;

      if (shown && crm_customer_page_get_id (self->page) == id)
        g_variant_lookup (shown, "version", "x", &shown_version);
      if (shown_version >= version && shown_version != 0)
        return;   /* our own save, already shown */
      crm_session_call_async (self->session, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id),
                              self->cancellable, pushed_get_cb, g_object_ref (self));
      return;
    }

  if (g_str_equal (action, "delete") && crm_customer_page_get_id (self->page) == id &&
      g_str_equal (crm_customer_list_view_get_detail_mode (self), "page"))
    {
      crm_customer_list_view_show_detail (self, "empty");
      crm_customer_list_view_show_error (self, _("The customer you were viewing was moved to the recycle bin by someone else."));
    }
  if (self->push_reload_source == 0)
    self->push_reload_source = g_timeout_add (PUSH_RELOAD_DELAY_MS, push_reload_cb, self);
}

/* ---- accessors ---------------------------------------------------------- */

void
crm_customer_list_view_focus_search (CrmCustomerListView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

GtkEditable *
crm_customer_list_view_get_search_entry (CrmCustomerListView *self)
{
  return GTK_EDITABLE (self->search_entry);
}

GtkColumnView *
crm_customer_list_view_get_column_view (CrmCustomerListView *self)
{
  return self->column_view;
}

GListModel *
crm_customer_list_view_get_shown_model (CrmCustomerListView *self)
{
  return gtk_single_selection_get_model (self->selection);
}

CrmCustomerListModel *
crm_customer_list_view_get_list_model (CrmCustomerListView *self)
{
  return self->list_model;
}

CrmCustomerPage *
crm_customer_list_view_get_page (CrmCustomerListView *self)
{
  return self->page;
}

CrmCustomerForm *
crm_customer_list_view_get_form (CrmCustomerListView *self)
{
  return self->form;
}

const char *
crm_customer_list_view_get_detail_mode (CrmCustomerListView *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->detail_stack);

  return name ? name : "empty";
}

gboolean
crm_customer_list_view_is_searching (CrmCustomerListView *self)
{
  return self->search_cancellable != NULL || self->clear_search_source != 0;
}

gboolean
crm_customer_list_view_is_busy (CrmCustomerListView *self)
{
  return self->search_cancellable != NULL || self->clear_search_source != 0 ||
         self->get_cancellable != NULL ||
         self->save_cancellable != NULL || self->delete_cancellable != NULL ||
         crm_customer_list_model_get_loading (self->list_model);
}

const char *
crm_customer_list_view_get_error_text (CrmCustomerListView *self)
{
  return gtk_widget_get_visible (self->error_box) ? gtk_label_get_text (self->error_label) : NULL;
}

const char *
crm_customer_list_view_get_count_text (CrmCustomerListView *self)
{
  return gtk_label_get_text (self->count_label);
}

CrmConflictDialog *
crm_customer_list_view_get_conflict_dialog (CrmCustomerListView *self)
{
  return self->conflict_dialog;
}

GtkDialog *
crm_customer_list_view_get_confirm_dialog (CrmCustomerListView *self)
{
  return self->confirm_dialog ? GTK_DIALOG (self->confirm_dialog) : NULL;
}

gint64
crm_customer_list_view_get_search_sent_at (CrmCustomerListView *self)
{
  return self->search_sent_at;
}

gint64
crm_customer_list_view_get_search_reply_at (CrmCustomerListView *self)
{
  return self->search_reply_at;
}

gint64
crm_customer_list_view_get_search_shown_at (CrmCustomerListView *self)
{
  return self->search_shown_at;
}

GtkPopover *
crm_customer_list_view_get_filter_popover (CrmCustomerListView *self)
{
  return GTK_POPOVER (self->filter_popover);
}

GtkEditable *
crm_customer_list_view_get_filter_entry (CrmCustomerListView *self,
                                         const char          *key)
{
  return crm_customer_filter_popover_get_entry (self->filter_popover, key);
}

/* ---- life cycle --------------------------------------------------------- */

static void
crm_customer_list_view_dispose (GObject *object)
{
  CrmCustomerListView *self = CRM_CUSTOMER_LIST_VIEW (object);
  GCancellable **slots[] = { &self->search_cancellable, &self->get_cancellable,
                             &self->save_cancellable, &self->delete_cancellable,
                             &self->cancellable };

  for (gsize i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      if (*slots[i])
        g_cancellable_cancel (*slots[i]);
      g_clear_object (slots[i]);
    }
  g_clear_handle_id (&self->push_reload_source, g_source_remove);
  g_clear_handle_id (&self->clear_search_source, g_source_remove);
  g_clear_handle_id (&self->spinner_source, g_source_remove);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_weak_pointer (&self->conflict_dialog);
  g_clear_weak_pointer (&self->confirm_dialog);

  if (self->column_view)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CUSTOMER_LIST_VIEW);

  g_clear_object (&self->selection);
  g_clear_object (&self->list_model);
  g_clear_object (&self->search_results);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->search_query, g_free);

  G_OBJECT_CLASS (crm_customer_list_view_parent_class)->dispose (object);
}

static void
crm_customer_list_view_class_init (CrmCustomerListViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_customer_list_view_dispose;

  g_type_ensure (CRM_TYPE_CUSTOMER_PAGE);
  g_type_ensure (CRM_TYPE_CUSTOMER_FORM);
  g_type_ensure (CRM_TYPE_CUSTOMER_FILTER_POPOVER);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/jinke/Crm/crm-customer-list-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, filter_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, filter_popover);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, count_label);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, spinner);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, error_box);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, error_label);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, column_view);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, page);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerListView, form);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_search_changed",
                                                G_CALLBACK (crm_customer_list_view_on_search_changed));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_search_activate",
                                                G_CALLBACK (crm_customer_list_view_on_search_activate));
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);

  crm_customer_list_view_install_edit_actions (widget_class);
  gtk_widget_class_install_action (widget_class, "customer.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "customer.apply-filters", NULL, apply_filters_action);
  gtk_widget_class_install_action (widget_class, "customer.clear-filters", NULL, clear_filters_action);
}

static void
crm_customer_list_view_init (CrmCustomerListView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->search_results = g_list_store_new (CRM_TYPE_CUSTOMER_ROW);
  self->cancellable = g_cancellable_new ();
  crm_customer_list_view_show_detail (self, "empty");
}

CrmCustomerListView *
crm_customer_list_view_new (CrmSession *session,
                            GSettings  *settings)
{
  CrmCustomerListView *self = g_object_new (CRM_TYPE_CUSTOMER_LIST_VIEW, NULL);
  g_autofree char *sort = NULL;
  gboolean descending = FALSE;
  GtkColumnViewColumn *sort_column;

  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);
  self->list_model = crm_customer_list_model_new (session);
  crm_customer_page_set_session (self->page, session);
  crm_customer_filter_popover_set_session (self->filter_popover, session);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  crm_customer_columns_build (self->column_view, settings);
  /* Custom fields (issue 4): the form, columns and filters follow the
   * definitions the session keeps current. */
  crm_customer_form_set_custom_fields (self->form,
                                       crm_custom_field_defs_get_for_session (session, "customer"));
  crm_customer_columns_set_custom_fields (self->column_view, settings,
                                          crm_custom_field_defs_get_for_session (session, "customer"));

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_model, "notify::loading",
                           G_CALLBACK (on_list_loading), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_model, "items-changed",
                           G_CALLBACK (crm_customer_list_view_update_count), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_model, "notify::exact",
                           G_CALLBACK (crm_customer_list_view_update_count), self, G_CONNECT_SWAPPED);
  g_signal_connect (session, "push", G_CALLBACK (on_push), self);
  {
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

    if (adjustment != NULL)
      /* Only a scroll by the user: the answer that just fits needs no more. */
      g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (crm_customer_list_view_on_scrolled), self,
                               G_CONNECT_SWAPPED);
  }

  g_settings_get (settings, "customer-sort", "(sb)", &sort, &descending);
  sort_column = crm_customer_columns_find_sort (self->column_view, sort);
  if (sort_column)
    gtk_column_view_sort_by_column (self->column_view, sort_column,
                                    descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed), self, G_CONNECT_SWAPPED);
  /* Loads the first page with the remembered sort. */
  on_sorter_changed (self);
  return self;
}
