/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-followup-timeline"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-contacts-ui.h"
#include "crm-followup-timeline.h"
#include "crm-messages.h"

#define PAGE_SIZE 20

struct _CrmFollowupTimeline
{
  GtkBox        parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  gint64        customer_id;
  char         *customer_name;
  GPtrArray    *items;        /* GVariant a{sv}, newest first */
  char         *next_cursor;  /* "" = no older page */
  gboolean      loading;      /* a page of the current load is in flight */

  GtkListBox   *list;
  GtkLabel     *status_label;
  GtkWidget    *older_button;
  CrmFollowupForm *form;      /* weak */
  GtkWidget    *dialog;       /* weak: the delete confirmation */
};

G_DEFINE_FINAL_TYPE (CrmFollowupTimeline, crm_followup_timeline, GTK_TYPE_BOX)

char *
crm_followup_format_time (gint64 at_us)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (at_us / G_USEC_PER_SEC);

  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static void
set_status (CrmFollowupTimeline *self, const char *text)
{
  crm_contacts_ui_set_status (self->status_label, text);
}

static GtkWidget *
icon_button (const char *icon, const char *tooltip, const char *action, gint64 id)
{
  GtkWidget *button = crm_contacts_ui_icon_button (icon, tooltip, action, id);

  gtk_widget_set_valign (button, GTK_ALIGN_START);
  return button;
}

static GtkWidget *
item_widget (GVariant *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *head, *body;
  const char *method = "", *user = "", *contact = "", *content = "", *next = "";
  gint64 at = 0;
  g_autofree char *when = NULL;
  g_autoptr(GString) line = g_string_new (NULL);

  g_variant_lookup (item, "at", "x", &at);
  g_variant_lookup (item, "method", "&s", &method);
  g_variant_lookup (item, "user_name", "&s", &user);
  g_variant_lookup (item, "contact_name", "&s", &contact);
  g_variant_lookup (item, "content", "&s", &content);
  g_variant_lookup (item, "next_date", "&s", &next);
  when = crm_followup_format_time (at);
  g_string_append_printf (line, "%s · %s · %s", when, crm_followup_method_label (method), user);
  if (*contact)
    {
      g_string_append (line, " · ");
      g_string_append_printf (line, _("with %s"), contact);
    }
  head = gtk_label_new (line->str);
  gtk_label_set_xalign (GTK_LABEL (head), 0);
  gtk_widget_add_css_class (head, "dim-label");
  gtk_box_append (GTK_BOX (box), head);
  body = gtk_label_new (content);
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (body), TRUE);
  gtk_box_append (GTK_BOX (box), body);
  if (*next)
    {
      g_autofree char *text = g_strdup_printf (_("Next follow-up on %s"), next);
      GtkWidget *l = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_widget_add_css_class (l, "accent");
      gtk_box_append (GTK_BOX (box), l);
    }
  {
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
    gint64 id = 0;

    g_variant_lookup (item, "id", "x", &id);
    gtk_widget_set_hexpand (box, TRUE);
    gtk_box_append (GTK_BOX (row), box);
    gtk_box_append (GTK_BOX (row), icon_button ("document-edit-symbolic", _("Edit this follow-up"),
                                                "followups.edit", id));
    gtk_box_append (GTK_BOX (row), icon_button ("user-trash-symbolic", _("Delete this follow-up"),
                                                "followups.delete", id));
    crm_contacts_ui_set_margins (row, 6);
    return row;
  }
}

static void
page_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CrmFollowupTimeline) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_autoptr(GVariant) rows = NULL;
  const char *next = "";

  /* A superseded load: the newer one owns `loading`. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (reply == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_variant_get (reply, "(@aa{sv}&s)", &rows, &next);
  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      GVariant *item = g_variant_get_child_value (rows, i);

      g_ptr_array_add (self->items, item);
      gtk_list_box_append (self->list, item_widget (item));
    }
  g_free (self->next_cursor);
  self->next_cursor = g_strdup (next);
  gtk_widget_set_visible (self->older_button, *next != '\0');
  set_status (self, self->items->len == 0 ? _("No follow-ups yet") : NULL);
}

static void
load_page (CrmFollowupTimeline *self, const char *cursor)
{
  self->loading = TRUE;
  crm_session_call_async (self->session, CRM_MSG_FOLLOWUP_LIST,
                          g_variant_new ("(xsi)", self->customer_id, cursor, PAGE_SIZE),
                          self->cancellable, page_cb, g_object_ref (self));
}

void
crm_followup_timeline_reload (CrmFollowupTimeline *self)
{
  g_return_if_fail (CRM_IS_FOLLOWUP_TIMELINE (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_ptr_array_set_size (self->items, 0);
  crm_contacts_ui_clear_list (self->list);
  gtk_widget_set_visible (self->older_button, FALSE);
  self->loading = FALSE;
  if (self->session == NULL || self->customer_id == 0)
    return;
  if (!crm_session_has_permission (self->session, "followup.view"))
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "followups.write",
                                 crm_session_has_permission (self->session, "followup.add"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "followups.edit",
                                 crm_session_has_permission (self->session, "followup.edit"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "followups.delete",
                                 crm_session_has_permission (self->session, "followup.delete"));
  self->cancellable = g_cancellable_new ();
  load_page (self, "");
}

static void
older_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  CrmFollowupTimeline *self = CRM_FOLLOWUP_TIMELINE (widget);

  if (self->loading || self->next_cursor == NULL || *self->next_cursor == '\0')
    return;
  load_page (self, self->next_cursor);
}

static void
form_saved (CrmFollowupForm *form, gint64 id, gpointer user_data)
{
  crm_followup_timeline_reload (CRM_FOLLOWUP_TIMELINE (user_data));
}

static void
contacts_for_form_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CrmFollowupForm) form = user_data;
  g_autoptr(GVariant) rows = crm_session_call_finish (CRM_SESSION (source), result, NULL);

  /* Without them the form still works, with no contact chosen. */
  if (rows != NULL && gtk_widget_get_visible (GTK_WIDGET (form)))
    crm_followup_form_set_contacts (form, rows);
}

static GVariant *
find_item (CrmFollowupTimeline *self, gint64 id)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      GVariant *item = g_ptr_array_index (self->items, i);
      gint64 item_id = 0;

      g_variant_lookup (item, "id", "x", &item_id);
      if (item_id == id)
        return item;
    }
  return NULL;
}

/* A new follow-up's form (`item` NULL) or `item`'s. */
static void
open_form (CrmFollowupTimeline *self, GVariant *item)
{
  CrmFollowupForm *form = crm_followup_form_new (self->session, self->customer_id, self->customer_name);

  if (item != NULL)
    crm_followup_form_set_record (form, item);
  crm_contacts_ui_present_form (GTK_WIDGET (self), GTK_WINDOW (form), G_CALLBACK (form_saved),
                                (gpointer *) &self->form);
  if (crm_session_has_permission (self->session, "contact.view"))
    crm_session_call_async (self->session, CRM_MSG_CONTACT_LIST, g_variant_new ("(x)", self->customer_id),
                            NULL, contacts_for_form_cb, g_object_ref (form));
}

static void
write_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  open_form (CRM_FOLLOWUP_TIMELINE (widget), NULL);
}

static void
edit_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  CrmFollowupTimeline *self = CRM_FOLLOWUP_TIMELINE (widget);
  GVariant *item = find_item (self, g_variant_get_int64 (param));

  if (item != NULL)
    open_form (self, item);
}

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CrmFollowupTimeline) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_status (self, error->message);
  crm_followup_timeline_reload (self);
}

static void
delete_accepted (gpointer owner, gint64 id, gint64 version)
{
  CrmFollowupTimeline *self = owner;
  g_autofree char *key = crm_new_idempotency_key ();

  crm_session_call_async (self->session, CRM_MSG_FOLLOWUP_DELETE, g_variant_new ("(sxx)", key, id, version),
                          NULL, deleted_cb, g_object_ref (self));
}

static void
delete_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  CrmFollowupTimeline *self = CRM_FOLLOWUP_TIMELINE (widget);
  GVariant *item = find_item (self, g_variant_get_int64 (param));

  if (item != NULL)
    crm_contacts_ui_confirm_delete (widget, item, _("Delete this follow-up?"), delete_accepted,
                                    (gpointer *) &self->dialog);
}

GtkDialog *
crm_followup_timeline_get_confirm_dialog (CrmFollowupTimeline *self)
{
  return self->dialog ? GTK_DIALOG (self->dialog) : NULL;
}

static void
on_push (CrmSession *session, guint message_id, GVariant *body, gpointer user_data)
{
  CrmFollowupTimeline *self = user_data;
  gint64 id = 0;
  gboolean maybe_new = FALSE;

  if (self->customer_id == 0 || !crm_contacts_ui_parse_push (message_id, body, "followup", &id, &maybe_new))
    return;
  /* The push names no customer: a new follow-up may be this customer's; a
   * change to one not shown is not. */
  if (find_item (self, id) != NULL || maybe_new)
    crm_followup_timeline_reload (self);
}

void
crm_followup_timeline_set_session (CrmFollowupTimeline *self, CrmSession *session)
{
  g_return_if_fail (CRM_IS_FOLLOWUP_TIMELINE (self));
  crm_contacts_ui_set_session (self, &self->session, session, G_CALLBACK (on_push));
}

void
crm_followup_timeline_set_customer (CrmFollowupTimeline *self, gint64 customer_id,
                                    const char *customer_name)
{
  g_return_if_fail (CRM_IS_FOLLOWUP_TIMELINE (self));
  self->customer_id = customer_id;
  g_free (self->customer_name);
  self->customer_name = g_strdup (customer_name);
  crm_followup_timeline_reload (self);
}

gboolean
crm_followup_timeline_is_busy (CrmFollowupTimeline *self)
{
  return self->loading;
}

guint
crm_followup_timeline_get_n_items (CrmFollowupTimeline *self)
{
  return self->items->len;
}

GVariant *
crm_followup_timeline_get_item (CrmFollowupTimeline *self, guint i)
{
  return i < self->items->len ? g_variant_ref (g_ptr_array_index (self->items, i)) : NULL;
}

CrmFollowupForm *
crm_followup_timeline_get_form (CrmFollowupTimeline *self)
{
  return self->form;
}

gboolean
crm_followup_timeline_has_older (CrmFollowupTimeline *self)
{
  return self->next_cursor != NULL && *self->next_cursor != '\0';
}

static void
crm_followup_timeline_dispose (GObject *object)
{
  CrmFollowupTimeline *self = CRM_FOLLOWUP_TIMELINE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->next_cursor, g_free);
  g_clear_pointer (&self->customer_name, g_free);
  g_clear_weak_pointer (&self->form);
  g_clear_weak_pointer (&self->dialog);
  G_OBJECT_CLASS (crm_followup_timeline_parent_class)->dispose (object);
}

static void
crm_followup_timeline_class_init (CrmFollowupTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_followup_timeline_dispose;
  gtk_widget_class_install_action (widget_class, "followups.write", NULL, write_activated);
  gtk_widget_class_install_action (widget_class, "followups.older", NULL, older_activated);
  gtk_widget_class_install_action (widget_class, "followups.edit", "x", edit_activated);
  gtk_widget_class_install_action (widget_class, "followups.delete", "x", delete_activated);
}

static void
crm_followup_timeline_init (CrmFollowupTimeline *self)
{
  GtkWidget *write = gtk_button_new_with_mnemonic (_("_Write a Follow-up"));

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (write), "followups.write");
  crm_contacts_ui_build_section (GTK_BOX (self), _("Follow-ups"), write, &self->list, &self->status_label);
  self->older_button = gtk_button_new_with_mnemonic (_("Show _older"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->older_button), "followups.older");
  gtk_widget_set_halign (self->older_button, GTK_ALIGN_START);
  gtk_widget_set_visible (self->older_button, FALSE);
  gtk_box_append (GTK_BOX (self), self->older_button);
}
