/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-contacts-section"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-contacts-section.h"
#include "crm-contacts-ui.h"
#include "crm-messages.h"

struct _CrmContactsSection
{
  GtkBox        parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;   /* the current load; replaced on reload */
  gint64        customer_id;
  char         *customer_name;
  GVariant     *rows;          /* aa{sv} as shown */
  gboolean      loading;       /* the current load is in flight */
  guint         pending;       /* writes in flight */

  GtkListBox   *list;
  GtkLabel     *status_label;
  GtkWidget    *add_button;
  CrmContactForm *form;        /* weak */
  GtkWidget    *dialog;        /* weak: the delete confirmation */
};

G_DEFINE_FINAL_TYPE (CrmContactsSection, crm_contacts_section, GTK_TYPE_BOX)

static void
set_status (CrmContactsSection *self, const char *text)
{
  crm_contacts_ui_set_status (self->status_label, text);
}

static GVariant *
find_row (CrmContactsSection *self, gint64 id)
{
  for (gsize i = 0; self->rows && i < g_variant_n_children (self->rows); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (self->rows, i);
      gint64 rid = 0;

      g_variant_lookup (row, "id", "x", &rid);
      if (rid == id)
        return g_steal_pointer (&row);
    }
  return NULL;
}

static GtkWidget *
phone_button (const char *number)
{
  GtkWidget *button = gtk_button_new_with_label (number);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Call this number"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.dial");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", number);
  return button;
}

static GtkWidget *
contact_row_widget (GVariant *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *phones = gtk_flow_box_new ();
  GtkWidget *name;
  const char *s = "", *title = "", *mobile = "", *email = "", *wechat = "";
  g_autofree const char **numbers = NULL;
  gboolean primary = FALSE;
  gint64 id = 0;

  g_variant_lookup (row, "id", "x", &id);
  g_variant_lookup (row, "name", "&s", &s);
  g_variant_lookup (row, "title", "&s", &title);
  g_variant_lookup (row, "mobile", "&s", &mobile);
  g_variant_lookup (row, "email", "&s", &email);
  g_variant_lookup (row, "wechat", "&s", &wechat);
  g_variant_lookup (row, "phones", "^a&s", &numbers);
  g_variant_lookup (row, "is_primary", "b", &primary);

  name = gtk_label_new (s);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (head), name);
  if (*title)
    {
      GtkWidget *t = gtk_label_new (title);
      gtk_widget_add_css_class (t, "dim-label");
      gtk_box_append (GTK_BOX (head), t);
    }
  if (primary)
    {
      GtkWidget *tag = gtk_label_new (_("Primary"));
      gtk_widget_add_css_class (tag, "accent");
      gtk_box_append (GTK_BOX (head), tag);
    }
  gtk_box_append (GTK_BOX (text), head);

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (phones), GTK_SELECTION_NONE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (phones), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (phones), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (phones), 0);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (phones), 4);
  gtk_widget_set_halign (phones, GTK_ALIGN_START);
  if (*mobile)
    gtk_flow_box_append (GTK_FLOW_BOX (phones), phone_button (mobile));
  for (guint i = 0; numbers && numbers[i]; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (phones), phone_button (numbers[i]));
  gtk_box_append (GTK_BOX (text), phones);
  if (*email || *wechat)
    {
      g_autofree char *line = NULL;
      GtkWidget *l;

      if (*email && *wechat)
        line = g_strdup_printf (_("E-mail %s · WeChat %s"), email, wechat);
      else if (*email)
        line = g_strdup_printf (_("E-mail %s"), email);
      else
        line = g_strdup_printf (_("WeChat %s"), wechat);
      l = gtk_label_new (line);
      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_label_set_selectable (GTK_LABEL (l), TRUE);
      gtk_widget_add_css_class (l, "dim-label");
      gtk_box_append (GTK_BOX (text), l);
    }
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);
  if (!primary)
    gtk_box_append (GTK_BOX (box),
                    crm_contacts_ui_icon_button ("starred-symbolic", _("Make this the primary contact"),
                                                 "contacts.make-primary", id));
  gtk_box_append (GTK_BOX (box), crm_contacts_ui_icon_button ("document-edit-symbolic", _("Edit this contact"),
                                                              "contacts.edit", id));
  gtk_box_append (GTK_BOX (box), crm_contacts_ui_icon_button ("user-trash-symbolic", _("Delete this contact"),
                                                              "contacts.delete", id));
  crm_contacts_ui_set_margins (box, 6);
  return box;
}

static void
show_rows (CrmContactsSection *self)
{
  crm_contacts_ui_clear_list (self->list);
  for (gsize i = 0; self->rows && i < g_variant_n_children (self->rows); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (self->rows, i);
      gtk_list_box_append (self->list, contact_row_widget (row));
    }
  if (self->rows == NULL || g_variant_n_children (self->rows) == 0)
    set_status (self, _("No contacts yet"));
  else
    set_status (self, NULL);
}

static void
list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CrmContactsSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rows = crm_session_call_finish (CRM_SESSION (source), result, &error);

  /* A superseded load: the newer one owns `loading`. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (rows == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_clear_pointer (&self->rows, g_variant_unref);
  self->rows = g_steal_pointer (&rows);
  show_rows (self);
}

void
crm_contacts_section_reload (CrmContactsSection *self)
{
  g_return_if_fail (CRM_IS_CONTACTS_SECTION (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->loading = FALSE;
  if (self->session == NULL || self->customer_id == 0)
    return;
  if (!crm_session_has_permission (self->session, "contact.view"))
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "contacts.add",
                                 crm_session_has_permission (self->session, "contact.add"));
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  crm_session_call_async (self->session, CRM_MSG_CONTACT_LIST, g_variant_new ("(x)", self->customer_id),
                          self->cancellable, list_cb, g_object_ref (self));
}

static void
write_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CrmContactsSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  self->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    set_status (self, error->message);
  crm_contacts_section_reload (self);
}

static void
form_saved (CrmContactForm *form, gint64 id, gpointer user_data)
{
  crm_contacts_section_reload (CRM_CONTACTS_SECTION (user_data));
}

static void
open_form (CrmContactsSection *self, GVariant *record)
{
  CrmContactForm *form = crm_contact_form_new (self->session, self->customer_id,
                                               self->customer_name, record);

  crm_contacts_ui_present_form (GTK_WIDGET (self), GTK_WINDOW (form), G_CALLBACK (form_saved),
                                (gpointer *) &self->form);
}

static void
add_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  CrmContactsSection *self = CRM_CONTACTS_SECTION (widget);

  open_form (self, NULL);
  /* The first contact of a customer is its primary one. */
  if (self->form && (self->rows == NULL || g_variant_n_children (self->rows) == 0))
    crm_contact_form_set_primary (self->form, TRUE);
}

static void
edit_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  CrmContactsSection *self = CRM_CONTACTS_SECTION (widget);
  g_autoptr(GVariant) row = find_row (self, g_variant_get_int64 (param));

  if (row != NULL)
    open_form (self, row);
}

static void
make_primary_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  CrmContactsSection *self = CRM_CONTACTS_SECTION (widget);
  g_autoptr(GVariant) row = find_row (self, g_variant_get_int64 (param));
  g_autofree char *key = crm_new_idempotency_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  gint64 id = 0, version = 0;

  if (row == NULL)
    return;
  g_variant_lookup (row, "id", "x", &id);
  g_variant_lookup (row, "version", "x", &version);
  g_variant_dict_insert (&d, "is_primary", "b", TRUE);
  self->pending++;
  crm_session_call_async (self->session, CRM_MSG_CONTACT_UPDATE,
                          g_variant_new ("(sxx@a{sv})", key, id, version, g_variant_dict_end (&d)),
                          NULL, write_cb, g_object_ref (self));
}

static void
delete_accepted (gpointer owner, gint64 id, gint64 version)
{
  CrmContactsSection *self = owner;
  g_autofree char *key = crm_new_idempotency_key ();

  self->pending++;
  crm_session_call_async (self->session, CRM_MSG_CONTACT_DELETE, g_variant_new ("(sxx)", key, id, version),
                          NULL, write_cb, g_object_ref (self));
}

static void
delete_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  CrmContactsSection *self = CRM_CONTACTS_SECTION (widget);
  g_autoptr(GVariant) row = find_row (self, g_variant_get_int64 (param));
  g_autofree char *question = NULL;
  const char *name = "";

  if (row == NULL)
    return;
  g_variant_lookup (row, "name", "&s", &name);
  question = g_strdup_printf (_("Delete the contact “%s”?"), name);
  crm_contacts_ui_confirm_delete (widget, row, question, delete_accepted, (gpointer *) &self->dialog);
}

GtkDialog *
crm_contacts_section_get_confirm_dialog (CrmContactsSection *self)
{
  return self->dialog ? GTK_DIALOG (self->dialog) : NULL;
}

static void
on_push (CrmSession *session, guint message_id, GVariant *body, gpointer user_data)
{
  CrmContactsSection *self = user_data;
  gint64 id = 0;
  gboolean maybe_new = FALSE;
  g_autoptr(GVariant) shown = NULL;

  if (self->customer_id == 0 || !crm_contacts_ui_parse_push (message_id, body, "contact", &id, &maybe_new))
    return;
  /* The push names no customer: a new contact (or one restored from the
   * recycle bin) may be this customer's; a change elsewhere is not. */
  shown = find_row (self, id);
  if (shown != NULL || maybe_new)
    crm_contacts_section_reload (self);
}

void
crm_contacts_section_set_session (CrmContactsSection *self, CrmSession *session)
{
  g_return_if_fail (CRM_IS_CONTACTS_SECTION (self));
  crm_contacts_ui_set_session (self, &self->session, session, G_CALLBACK (on_push));
}

void
crm_contacts_section_set_customer (CrmContactsSection *self, gint64 customer_id, const char *customer_name)
{
  g_return_if_fail (CRM_IS_CONTACTS_SECTION (self));
  if (customer_id != self->customer_id)
    {
      g_clear_pointer (&self->rows, g_variant_unref);
      show_rows (self);
    }
  self->customer_id = customer_id;
  g_free (self->customer_name);
  self->customer_name = g_strdup (customer_name);
  crm_contacts_section_reload (self);
}

gboolean
crm_contacts_section_is_busy (CrmContactsSection *self)
{
  return self->loading || self->pending > 0;
}

guint
crm_contacts_section_get_n_contacts (CrmContactsSection *self)
{
  return self->rows ? (guint) g_variant_n_children (self->rows) : 0;
}

GVariant *
crm_contacts_section_get_contact (CrmContactsSection *self, guint i)
{
  if (self->rows == NULL || i >= g_variant_n_children (self->rows))
    return NULL;
  return g_variant_get_child_value (self->rows, i);
}

CrmContactForm *
crm_contacts_section_get_form (CrmContactsSection *self)
{
  return self->form;
}

const char *
crm_contacts_section_get_status_text (CrmContactsSection *self)
{
  return gtk_label_get_text (self->status_label);
}

static void
crm_contacts_section_dispose (GObject *object)
{
  CrmContactsSection *self = CRM_CONTACTS_SECTION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->rows, g_variant_unref);
  g_clear_pointer (&self->customer_name, g_free);
  g_clear_weak_pointer (&self->form);
  g_clear_weak_pointer (&self->dialog);
  G_OBJECT_CLASS (crm_contacts_section_parent_class)->dispose (object);
}

static void
crm_contacts_section_class_init (CrmContactsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_contacts_section_dispose;
  gtk_widget_class_install_action (widget_class, "contacts.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "contacts.edit", "x", edit_activated);
  gtk_widget_class_install_action (widget_class, "contacts.delete", "x", delete_activated);
  gtk_widget_class_install_action (widget_class, "contacts.make-primary", "x", make_primary_activated);
}

static void
crm_contacts_section_init (CrmContactsSection *self)
{
  self->add_button = gtk_button_new_with_mnemonic (_("Add _Contact"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->add_button), "contacts.add");
  crm_contacts_ui_build_section (GTK_BOX (self), _("Contacts"), self->add_button,
                                 &self->list, &self->status_label);
  gtk_label_set_wrap (self->status_label, TRUE);
}
