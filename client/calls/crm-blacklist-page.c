/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-blacklist-page"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-blacklist-page.h"
#include "crm-call-columns.h"
#include "crm-call-row.h"
#include "crm-error.h"
#include "crm-messages.h"

struct _CrmBlacklistPage {
  GtkBox parent_instance;

  CrmSession *session;
  GCancellable *cancellable;
  GListStore *store;
  GtkSingleSelection *selection;

  GtkEntry *pattern;
  GtkDropDown *kind;
  GtkEntry *reason;
  GtkLabel *status;
  GtkColumnView *view;
};

G_DEFINE_FINAL_TYPE (CrmBlacklistPage, crm_blacklist_page, GTK_TYPE_BOX)

static void load (CrmBlacklistPage *self);
static void selection_changed (CrmBlacklistPage *self);

static void
list_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmBlacklistPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_autoptr(GPtrArray) items = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      gtk_label_set_text (self->status, error->message);
      return;
    }
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (gsize i = 0; i < g_variant_n_children (reply); i++)
    g_ptr_array_add (items, crm_call_row_new (g_variant_get_child_value (reply, i)));
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  selection_changed (self);
}

static void
load (CrmBlacklistPage *self)
{
  crm_session_call_async (self->session, CRM_MSG_BLACKLIST_LIST, g_variant_new ("()"),
                          self->cancellable, list_done_cb, g_object_ref (self));
}

static void
changed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmBlacklistPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      gtk_label_set_text (self->status, error->message);
      return;
    }
  gtk_label_set_text (self->status, "");
  gtk_editable_set_text (GTK_EDITABLE (self->pattern), "");
  gtk_editable_set_text (GTK_EDITABLE (self->reason), "");
  load (self);
}

static void
add_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  CrmBlacklistPage *self = CRM_BLACKLIST_PAGE (widget);
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *key = g_uuid_string_random ();
  const char *pattern = gtk_editable_get_text (GTK_EDITABLE (self->pattern));

  if (*pattern == '\0')
    {
      gtk_label_set_text (self->status, _("Enter a phone number, or a prefix followed by “*”"));
      gtk_widget_grab_focus (GTK_WIDGET (self->pattern));
      return;
    }
  g_variant_dict_insert (&d, "pattern", "s", pattern);
  g_variant_dict_insert (&d, "kind", "s", gtk_drop_down_get_selected (self->kind) == 1 ? "allow" : "block");
  g_variant_dict_insert (&d, "reason", "s", gtk_editable_get_text (GTK_EDITABLE (self->reason)));
  crm_session_call_async (self->session, CRM_MSG_BLACKLIST_SAVE,
                          g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                          self->cancellable, changed_cb, g_object_ref (self));
}

static void
delete_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  CrmBlacklistPage *self = CRM_BLACKLIST_PAGE (widget);
  CrmCallRow *row = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *key = g_uuid_string_random ();

  if (row == NULL)
    return;
  if (!crm_call_row_get_bool (row, "editable"))
    {
      gtk_label_set_text (self->status, _("You may change only the blacklist entries you are responsible for"));
      return;
    }
  crm_session_call_async (self->session, CRM_MSG_BLACKLIST_DELETE,
                          g_variant_new ("(sx)", key, crm_call_row_get_int64 (row, "id")),
                          self->cancellable, changed_cb, g_object_ref (self));
}

static void
refresh_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  load (CRM_BLACKLIST_PAGE (widget));
}

static char *text_pattern (CrmCallRow *r) { return g_strdup (crm_call_row_get_string (r, "pattern")); }
static char *text_reason (CrmCallRow *r) { return g_strdup (crm_call_row_get_string (r, "reason")); }
static char *text_by (CrmCallRow *r) { return g_strdup (crm_call_row_get_string (r, "created_by_name")); }
static char *
text_kind (CrmCallRow *r)
{
  return g_strdup (strcmp (crm_call_row_get_string (r, "kind"), "allow") == 0 ? _("Whitelist") : _("Blacklist"));
}

/* Delete follows the selected entry: a salesperson deletes only their own
 * (blacklist.list says which are "editable"). */
static void
selection_changed (CrmBlacklistPage *self)
{
  CrmCallRow *row = gtk_single_selection_get_selected_item (self->selection);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "blacklist.delete",
                                 row != NULL && crm_call_row_get_bool (row, "editable"));
}

static void
pattern_activate_cb (GtkEntry *entry, gpointer data)
{
  gtk_widget_activate_action (GTK_WIDGET (data), "blacklist.add", NULL);
}

static void
crm_blacklist_page_dispose (GObject *object)
{
  CrmBlacklistPage *self = CRM_BLACKLIST_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (crm_blacklist_page_parent_class)->dispose (object);
}

static void
crm_blacklist_page_finalize (GObject *object)
{
  g_clear_object (&CRM_BLACKLIST_PAGE (object)->cancellable);
  G_OBJECT_CLASS (crm_blacklist_page_parent_class)->finalize (object);
}

static void
crm_blacklist_page_class_init (CrmBlacklistPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_blacklist_page_dispose;
  object_class->finalize = crm_blacklist_page_finalize;
  gtk_widget_class_install_action (widget_class, "blacklist.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "blacklist.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "blacklist.refresh", NULL, refresh_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "blacklist.delete", NULL);
}

static void
crm_blacklist_page_init (CrmBlacklistPage *self)
{
  const char *kinds[] = { _("Block"), _("Allow (whitelist)"), NULL };
  GtkWidget *bar;
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add"));
  GtkWidget *del = gtk_button_new_with_mnemonic (_("_Delete"));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->cancellable = g_cancellable_new ();
  self->store = g_list_store_new (CRM_TYPE_CALL_ROW);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store)));

  bar = crm_call_page_add_bar (GTK_BOX (self));
  self->pattern = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->pattern, _("Number or prefix, e.g. 0755*"));
  self->kind = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (kinds));
  self->reason = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->reason, _("Reason"));
  gtk_entry_set_max_length (self->reason, 200);
  gtk_widget_set_hexpand (GTK_WIDGET (self->reason), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "blacklist.add");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (del), "blacklist.delete");
  gtk_widget_add_css_class (del, "destructive-action");
  g_signal_connect (self->pattern, "activate", G_CALLBACK (pattern_activate_cb), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->pattern));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->kind));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->reason));
  gtk_box_append (GTK_BOX (bar), add);
  gtk_box_append (GTK_BOX (bar), del);

  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (self->selection)));
  g_signal_connect_swapped (self->selection, "notify::selected-item", G_CALLBACK (selection_changed), self);
  crm_call_columns_append (self->view, _("Number or prefix"), text_pattern, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_columns_append (self->view, _("List"), text_kind, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_columns_append (self->view, _("Reason"), text_reason, CRM_CALL_COLUMN_RESIZABLE | CRM_CALL_COLUMN_EXPAND);
  crm_call_columns_append (self->view, _("Added by"), text_by, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_page_add_list (GTK_BOX (self), self->view);
  self->status = crm_call_page_add_status (GTK_BOX (self));
}

CrmBlacklistPage *
crm_blacklist_page_new (CrmSession *session)
{
  CrmBlacklistPage *self = g_object_new (CRM_TYPE_BLACKLIST_PAGE, NULL);
  gboolean manage = crm_session_has_permission (session, "blacklist.manage");

  self->session = g_object_ref (session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "blacklist.add", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "blacklist.delete", FALSE);
  load (self);
  return self;
}

GListModel *
crm_blacklist_page_get_model (CrmBlacklistPage *self)
{
  return G_LIST_MODEL (self->store);
}

GtkEditable *
crm_blacklist_page_get_pattern_entry (CrmBlacklistPage *self)
{
  return GTK_EDITABLE (self->pattern);
}

GtkEditable *
crm_blacklist_page_get_reason_entry (CrmBlacklistPage *self)
{
  return GTK_EDITABLE (self->reason);
}

const char *
crm_blacklist_page_get_status (CrmBlacklistPage *self)
{
  return gtk_label_get_text (self->status);
}
