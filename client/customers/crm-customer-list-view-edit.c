/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-list-view"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-customer-list-view-private.h"
#include "crm-error.h"
#include "crm-messages.h"

/*
 * The editing commands of the Customers module: a new customer, editing
 * and saving one (with the version-conflict dialog when someone else saved
 * first) and moving one to the recycle bin.
 */

static void save (CrmCustomerListView *self);

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CrmCustomerListView *self = CRM_CUSTOMER_LIST_VIEW (widget);

  if (g_str_equal (crm_customer_list_view_get_detail_mode (self), "form") &&
      crm_customer_form_is_dirty (self->form))
    {
      crm_customer_list_view_show_error (self, _("Save or cancel the customer you are editing first."));
      return;
    }
  crm_customer_list_view_show_error (self, NULL);
  crm_customer_form_set_record (self->form, NULL);
  crm_customer_list_view_show_detail (self, "form");
  crm_customer_form_focus_first (self->form);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CrmCustomerListView *self = CRM_CUSTOMER_LIST_VIEW (widget);
  GVariant *record = crm_customer_page_get_record (self->page);

  if (record == NULL)
    return;
  crm_customer_form_set_record (self->form, record);
  crm_customer_list_view_show_detail (self, "form");
  crm_customer_form_focus_first (self->form);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CrmCustomerListView *self = CRM_CUSTOMER_LIST_VIEW (widget);

  if (self->save_cancellable)
    g_cancellable_cancel (self->save_cancellable);
  crm_customer_list_view_show_error (self, NULL);
  if (crm_customer_form_get_record (self->form) && crm_customer_page_get_record (self->page))
    crm_customer_list_view_show_detail (self, "page");
  else
    crm_customer_list_view_show_detail (self, "empty");
  crm_customer_form_set_record (self->form, NULL);
}

static void
on_conflict_resolved (CrmConflictDialog   *dialog,
                      int                  choice,
                      CrmCustomerListView *self)
{
  GVariant *theirs = g_object_get_data (G_OBJECT (dialog), "crm-theirs");

  switch ((CrmConflictChoice) choice)
    {
    case CRM_CONFLICT_KEEP_MINE:
      /* Re-apply only the user's changes on top of the saved version. */
      crm_customer_form_rebase (self->form, theirs);
      save (self);
      break;
    case CRM_CONFLICT_TAKE_THEIRS:
      crm_customer_form_set_record (self->form, NULL);
      crm_customer_list_view_record_loaded (self, theirs);
      break;
    case CRM_CONFLICT_CANCEL:
    default:
      break;
    }
}

static void
conflict_get_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CrmCustomerListView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) theirs = NULL;
  g_autoptr(GVariant) mine = NULL;
  CrmConflictDialog *dialog;

  if (!crm_customer_list_view_end_call (self, source, result, &self->save_cancellable, &theirs, &error))
    return;
  crm_customer_form_set_busy (self->form, FALSE);
  if (theirs == NULL)
    {
      crm_customer_list_view_show_failure (self, error);
      return;
    }

  mine = g_variant_ref_sink (crm_customer_form_build_fields (self->form));
  dialog = crm_conflict_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                    theirs, mine);
  g_object_set_data_full (G_OBJECT (dialog), "crm-theirs", g_variant_ref (theirs),
                          (GDestroyNotify) g_variant_unref);
  g_signal_connect_object (dialog, "resolved", G_CALLBACK (on_conflict_resolved), self, 0);
  g_set_weak_pointer (&self->conflict_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
saved_get_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CrmCustomerListView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) record = NULL;

  if (!crm_customer_list_view_end_call (self, source, result, &self->save_cancellable, &record, &error))
    return;
  crm_customer_form_set_busy (self->form, FALSE);
  if (record == NULL)
    {
      crm_customer_list_view_show_failure (self, error);
      return;
    }
  crm_customer_form_set_record (self->form, NULL);
  crm_customer_list_view_record_loaded (self, record);
  if (self->searching)
    crm_customer_list_view_run_search (self);
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CrmCustomerListView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gint64 id;

  reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CONFLICT))
        {
          /* Read what was saved, then let the user choose. */
          crm_session_call_async (self->session, CRM_MSG_CUSTOMER_GET,
                                  g_variant_new ("(x)", crm_customer_form_get_id (self->form)),
                                  self->save_cancellable, conflict_get_cb, g_object_ref (self));
          return;
        }
      g_clear_object (&self->save_cancellable);
      crm_customer_form_set_busy (self->form, FALSE);
      crm_customer_list_view_update_busy (self);
      if ((g_error_matches (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD) ||
           g_error_matches (error, CRM_ERROR, CRM_ERROR_DUPLICATE)) &&
          crm_error_get_field (error) != NULL)
        crm_customer_form_show_field_error (self->form, crm_error_get_field (error), error->message);
      else
        {
          g_autofree char *text = crm_customer_list_view_describe_error (error);
          g_autofree char *full = g_strdup_printf (_("Could not save: %s"), text);

          crm_customer_list_view_show_error (self, full);
        }
      return;
    }

  if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(xx)")))
    {
      g_variant_get (reply, "(xx)", &id, NULL);
      self->list_stale = TRUE;   /* the new row's place depends on the sort */
      crm_customer_list_view_update_count (self);
    }
  else
    id = crm_customer_form_get_id (self->form);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id),
                          self->save_cancellable, saved_get_cb, g_object_ref (self));
}

static void
save (CrmCustomerListView *self)
{
  g_autofree char *key = NULL;
  g_autoptr(GVariant) fields = NULL;
  gint64 id;

  if (!g_str_equal (crm_customer_list_view_get_detail_mode (self), "form") || self->save_cancellable)
    return;
  crm_customer_list_view_show_error (self, NULL);
  if (!crm_customer_form_validate (self->form))
    return;

  fields = g_variant_ref_sink (crm_customer_form_build_fields (self->form));
  id = crm_customer_form_get_id (self->form);
  if (id != 0 && g_variant_n_children (fields) == 0)
    {
      /* Nothing changed. */
      GVariant *record = crm_customer_form_get_record (self->form);

      crm_customer_list_view_record_loaded (self, record);
      crm_customer_form_set_record (self->form, NULL);
      return;
    }

  /* One key per attempt: a replay after a reconnection reuses it, so the
   * server applies the change once. */
  key = crm_new_idempotency_key ();
  crm_replace_cancellable (&self->save_cancellable);
  crm_customer_form_set_busy (self->form, TRUE);
  crm_customer_list_view_update_busy (self);
  if (id == 0)
    crm_session_call_async (self->session, CRM_MSG_CUSTOMER_CREATE,
                            g_variant_new ("(s@a{sv})", key, fields),
                            self->save_cancellable, save_cb, g_object_ref (self));
  else
    crm_session_call_async (self->session, CRM_MSG_CUSTOMER_UPDATE,
                            g_variant_new ("(sxx@a{sv})", key, id,
                                           crm_customer_form_get_version (self->form), fields),
                            self->save_cancellable, save_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save (CRM_CUSTOMER_LIST_VIEW (widget));
}

/* ---- delete ------------------------------------------------------------- */

static void
delete_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmCustomerListView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  if (!crm_customer_list_view_end_call (self, source, result, &self->delete_cancellable, &reply, &error))
    return;
  if (reply == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CONFLICT))
        text = g_strdup (_("Someone else changed this customer just now. Check it and delete again if you still want to."));
      else
        text = crm_customer_list_view_describe_error (error);
      crm_customer_list_view_show_error (self, text);
      crm_customer_list_view_open (self, crm_customer_page_get_id (self->page));
      return;
    }
  crm_customer_list_view_show_error (self, NULL);
  crm_customer_list_view_show_detail (self, "empty");
  crm_customer_list_model_reload (self->list_model);
  self->list_stale = FALSE;
  if (self->searching)
    crm_customer_list_view_run_search (self);
}

static void
on_confirm_response (GtkDialog           *dialog,
                     int                  response,
                     CrmCustomerListView *self)
{
  GVariant *record = crm_customer_page_get_record (self->page);
  g_autofree char *key = NULL;
  gint64 id = 0, version = 0;

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT || record == NULL)
    return;

  g_variant_lookup (record, "id", "x", &id);
  g_variant_lookup (record, "version", "x", &version);
  key = crm_new_idempotency_key ();
  crm_replace_cancellable (&self->delete_cancellable);
  crm_customer_list_view_update_busy (self);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_DELETE,
                          g_variant_new ("(sxx)", key, id, version),
                          self->delete_cancellable, delete_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CrmCustomerListView *self = CRM_CUSTOMER_LIST_VIEW (widget);
  GVariant *record = crm_customer_page_get_record (self->page);
  const char *name = "";
  GtkWidget *dialog, *button;

  if (record == NULL || self->confirm_dialog)
    return;
  g_variant_lookup (record, "name", "&s", &name);
  dialog = gtk_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Move “%s” to the recycle bin?"), name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("It disappears from lists and searches. An administrator can restore it from the recycle bin."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Move to Recycle Bin"), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  g_set_weak_pointer (&self->confirm_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
crm_customer_list_view_install_edit_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "customer.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "customer.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "customer.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "customer.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "customer.delete", NULL, delete_action);
}
