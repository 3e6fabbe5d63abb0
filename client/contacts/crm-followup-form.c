/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-followup-form"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-contacts-ui.h"
#include "crm-error.h"
#include "crm-followup-form.h"
#include "crm-messages.h"

/* The protocol's method codes with their names, in the drop-down's order. */
static const struct {
  const char *code;
  const char *label;
} methods[] = {
  { "phone", N_("Phone") },
  { "visit", N_("Visit") },
  { "wechat", N_("WeChat") },
  { "email", N_("E-mail") },
  { "other", N_("Other") },
};

const char *
crm_followup_method_label (const char *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_strcmp0 (methods[i].code, method) == 0)
      return _(methods[i].label);
  return method ? method : "";
}

struct _CrmFollowupForm
{
  GtkWindow     parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  gint64        customer_id;
  GVariant     *record;       /* the follow-up edited, or NULL for a new one */
  gboolean      busy;

  GtkDropDown  *method;
  GtkDropDown  *contact;      /* "No contact", then the customer's contacts */
  GtkStringList *contact_names;
  GArray       *contact_ids;  /* gint64 per drop-down item */
  GtkTextView  *content;
  GtkEntry     *next_date;
  GtkLabel     *error_label;
  GtkWidget    *save_button;
};

G_DEFINE_FINAL_TYPE (CrmFollowupForm, crm_followup_form, GTK_TYPE_WINDOW)

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
crm_followup_form_set_method (CrmFollowupForm *self, const char *method)
{
  g_return_if_fail (CRM_IS_FOLLOWUP_FORM (self));
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_strcmp0 (methods[i].code, method) == 0)
      gtk_drop_down_set_selected (self->method, i);
}

const char *
crm_followup_form_get_method (CrmFollowupForm *self)
{
  guint i = gtk_drop_down_get_selected (self->method);

  return i < G_N_ELEMENTS (methods) ? methods[i].code : "other";
}

/* Replaces the drop-down's contacts; the chosen one stays chosen when it
 * is among them. */
static void
set_choices (CrmFollowupForm *self, GArray *ids, GPtrArray *names)
{
  gint64 chosen = crm_followup_form_get_contact (self);
  guint selected = 0;

  g_array_set_size (self->contact_ids, 0);
  gtk_string_list_splice (self->contact_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->contact_names)), NULL);
  gtk_string_list_append (self->contact_names, _("No contact"));
  g_array_append_val (self->contact_ids, (gint64) { 0 });
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      gtk_string_list_append (self->contact_names, g_ptr_array_index (names, i));
      g_array_append_val (self->contact_ids, id);
      if (id == chosen)
        selected = i + 1;
    }
  gtk_drop_down_set_selected (self->contact, selected);
}

void
crm_followup_form_set_contact (CrmFollowupForm *self, gint64 contact_id, const char *name)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_if_fail (CRM_IS_FOLLOWUP_FORM (self));
  if (contact_id > 0)
    {
      g_array_append_val (ids, contact_id);
      g_ptr_array_add (names, (gpointer) (name && *name ? name : "?"));
    }
  set_choices (self, ids, names);
  gtk_drop_down_set_selected (self->contact, contact_id > 0 ? 1 : 0);
}

void
crm_followup_form_set_contacts (CrmFollowupForm *self, GVariant *contacts)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_if_fail (CRM_IS_FOLLOWUP_FORM (self));
  for (gsize i = 0; i < g_variant_n_children (contacts); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (contacts, i);
      const char *name = "";
      gint64 id = 0;

      g_variant_lookup (row, "id", "x", &id);
      g_variant_lookup (row, "name", "&s", &name);
      g_array_append_val (ids, id);
      /* The string list copies it; the row lives until the end of the call. */
      g_ptr_array_add (names, (gpointer) name);
      if (i + 1 == g_variant_n_children (contacts))
        set_choices (self, ids, names);
    }
}

guint
crm_followup_form_get_n_contacts (CrmFollowupForm *self)
{
  return self->contact_ids->len > 0 ? self->contact_ids->len - 1 : 0;
}

gboolean
crm_followup_form_choose_contact (CrmFollowupForm *self, gint64 contact_id)
{
  for (guint i = 0; i < self->contact_ids->len; i++)
    if (g_array_index (self->contact_ids, gint64, i) == contact_id)
      {
        gtk_drop_down_set_selected (self->contact, i);
        return TRUE;
      }
  return FALSE;
}

gint64
crm_followup_form_get_contact (CrmFollowupForm *self)
{
  guint i = gtk_drop_down_get_selected (self->contact);

  return i < self->contact_ids->len ? g_array_index (self->contact_ids, gint64, i) : 0;
}

void
crm_followup_form_set_content (CrmFollowupForm *self, const char *text)
{
  g_return_if_fail (CRM_IS_FOLLOWUP_FORM (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->content), text, -1);
}

GtkEditable *
crm_followup_form_get_next_date_entry (CrmFollowupForm *self)
{
  return GTK_EDITABLE (self->next_date);
}

const char *
crm_followup_form_get_error_text (CrmFollowupForm *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
crm_followup_form_is_busy (CrmFollowupForm *self)
{
  return self->busy;
}

static void
set_busy (CrmFollowupForm *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->save_button, !busy);
}

static void
show_error (CrmFollowupForm *self, const char *message, const char *field)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (g_strcmp0 (field, "content") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->content));
  else if (g_strcmp0 (field, "next_date") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->next_date));
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CrmFollowupForm) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (reply == NULL)
    {
      show_error (self, error->message, crm_error_get_field (error));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, crm_contacts_ui_saved_id (self->record, reply));
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmFollowupForm *self = CRM_FOLLOWUP_FORM (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->content);
  GtkTextIter start, end;
  g_autofree char *content = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *next = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->next_date))));

  if (self->busy)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  content = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (*content == '\0')
    {
      show_error (self, _("Write what was said or done"), "content");
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_variant_dict_insert (&d, "method", "s", crm_followup_form_get_method (self));
  g_variant_dict_insert (&d, "content", "s", content);
  g_variant_dict_insert (&d, "next_date", "s", next);
  set_busy (self, TRUE);
  if (self->record != NULL)
    {
      gint64 id = 0, version = 0;

      /* 0 takes the contact off. */
      g_variant_dict_insert (&d, "contact_id", "x", crm_followup_form_get_contact (self));
      g_variant_lookup (self->record, "id", "x", &id);
      g_variant_lookup (self->record, "version", "x", &version);
      crm_session_call_async (self->session, CRM_MSG_FOLLOWUP_UPDATE,
                              g_variant_new ("(sxx@a{sv})", key, id, version, g_variant_dict_end (&d)),
                              self->cancellable, saved_cb, g_object_ref (self));
      return;
    }
  g_variant_dict_insert (&d, "customer_id", "x", self->customer_id);
  if (crm_followup_form_get_contact (self) > 0)
    g_variant_dict_insert (&d, "contact_id", "x", crm_followup_form_get_contact (self));
  crm_session_call_async (self->session, CRM_MSG_FOLLOWUP_CREATE,
                          g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                          self->cancellable, saved_cb, g_object_ref (self));
}

static void
crm_followup_form_dispose (GObject *object)
{
  CrmFollowupForm *self = CRM_FOLLOWUP_FORM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->record, g_variant_unref);
  G_OBJECT_CLASS (crm_followup_form_parent_class)->dispose (object);
}

static void
crm_followup_form_finalize (GObject *object)
{
  CrmFollowupForm *self = CRM_FOLLOWUP_FORM (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->contact_ids, g_array_unref);
  G_OBJECT_CLASS (crm_followup_form_parent_class)->finalize (object);
}

static void
crm_followup_form_class_init (CrmFollowupFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_followup_form_dispose;
  object_class->finalize = crm_followup_form_finalize;
  signals[SIGNAL_SAVED] = crm_contacts_ui_form_class_init (widget_class, "followup-form", save_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "followup-form.save", NULL);
}

static void
crm_followup_form_init (CrmFollowupForm *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *next_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *label;
  const char *labels[G_N_ELEMENTS (methods) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    labels[i] = _(methods[i].label);
  labels[G_N_ELEMENTS (methods)] = NULL;

  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_size (GTK_WINDOW (self), 440, 340);
  crm_contacts_ui_set_margins (box, 18);

  label = gtk_label_new_with_mnemonic (_("_Method"));
  self->method = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (labels));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->method));
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->method));
  label = gtk_label_new_with_mnemonic (_("_With"));
  gtk_widget_set_margin_start (label, 12);
  self->contact_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->contact_names = gtk_string_list_new (NULL);
  self->contact = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->contact_names), NULL));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->contact));
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->contact));
  gtk_box_append (GTK_BOX (box), row);

  label = gtk_label_new_with_mnemonic (_("What was said or _done"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  self->content = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->content, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (self->content, FALSE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->content));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->content));
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), scroller);

  label = gtk_label_new_with_mnemonic (_("_Next follow-up on"));
  self->next_date = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->next_date, _("YYYY-MM-DD"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->next_date));
  gtk_box_append (GTK_BOX (next_row), label);
  gtk_box_append (GTK_BOX (next_row), GTK_WIDGET (self->next_date));
  gtk_box_append (GTK_BOX (box), next_row);

  crm_contacts_ui_form_finish (GTK_BOX (box), "followup-form", &self->error_label, &self->save_button);
  gtk_window_set_child (GTK_WINDOW (self), box);
  crm_followup_form_set_contact (self, 0, NULL);
}

void
crm_followup_form_set_record (CrmFollowupForm *self, GVariant *record)
{
  const char *method = "other", *content = "", *next = "", *contact_name = "";
  gint64 contact = 0;

  g_return_if_fail (CRM_IS_FOLLOWUP_FORM (self));
  g_clear_pointer (&self->record, g_variant_unref);
  self->record = g_variant_ref_sink (record);
  g_variant_lookup (record, "method", "&s", &method);
  g_variant_lookup (record, "content", "&s", &content);
  g_variant_lookup (record, "next_date", "&s", &next);
  g_variant_lookup (record, "contact_id", "x", &contact);
  g_variant_lookup (record, "contact_name", "&s", &contact_name);
  crm_followup_form_set_method (self, method);
  crm_followup_form_set_content (self, content);
  gtk_editable_set_text (GTK_EDITABLE (self->next_date), next);
  crm_followup_form_set_contact (self, contact, contact_name);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Follow-up"));
}

CrmFollowupForm *
crm_followup_form_new (CrmSession *session, gint64 customer_id, const char *customer_name)
{
  CrmFollowupForm *self = g_object_new (CRM_TYPE_FOLLOWUP_FORM, NULL);
  g_autofree char *title = g_strdup_printf (_("Write a Follow-up — %s"),
                                            customer_name ? customer_name : "");

  self->session = g_object_ref (session);
  self->customer_id = customer_id;
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_grab_focus (GTK_WIDGET (self->content));
  return self;
}
