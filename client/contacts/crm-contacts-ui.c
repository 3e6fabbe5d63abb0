/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-contacts-ui"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-contacts-ui.h"
#include "crm-messages.h"

void
crm_contacts_ui_set_margins (GtkWidget *widget, int margin)
{
  gtk_widget_set_margin_top (widget, margin);
  gtk_widget_set_margin_bottom (widget, margin);
  gtk_widget_set_margin_start (widget, margin);
  gtk_widget_set_margin_end (widget, margin);
}

void
crm_contacts_ui_set_status (GtkLabel *label, const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

void
crm_contacts_ui_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

GtkWidget *
crm_contacts_ui_icon_button (const char *icon, const char *tooltip, const char *action, gint64 id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  return button;
}

void
crm_contacts_ui_build_section (GtkBox      *self,
                               const char  *heading_text,
                               GtkWidget   *button,
                               GtkListBox **list,
                               GtkLabel   **status)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *heading = gtk_label_new (heading_text);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (self, 6);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 12);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_set_hexpand (heading, TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (header), heading);
  gtk_box_append (GTK_BOX (header), button);
  gtk_box_append (self, header);

  *list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (*list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (*list), "boxed-list");
  gtk_box_append (self, GTK_WIDGET (*list));
  *status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (*status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (*status), "dim-label");
  gtk_box_append (self, GTK_WIDGET (*status));
}

void
crm_contacts_ui_present_form (GtkWidget *owner, GtkWindow *form, GCallback saved, gpointer *weak_slot)
{
  GtkRoot *root = gtk_widget_get_root (owner);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (form, GTK_WINDOW (root));
  g_signal_connect_object (form, "saved", saved, owner, 0);
  g_set_weak_pointer (weak_slot, form);
  gtk_window_present (form);
}

typedef struct {
  GObject *owner;
  gint64 id;
  gint64 version;
  CrmContactsUiDeleteFunc accept;
} DeleteData;

static void
delete_response (GtkDialog *dialog, int response, gpointer user_data)
{
  DeleteData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    data->accept (data->owner, data->id, data->version);
  g_object_unref (data->owner);
  g_free (data);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

void
crm_contacts_ui_confirm_delete (GtkWidget              *owner,
                                GVariant               *record,
                                const char             *question,
                                CrmContactsUiDeleteFunc accept,
                                gpointer               *weak_slot)
{
  GtkRoot *root = gtk_widget_get_root (owner);
  DeleteData *data = g_new0 (DeleteData, 1);
  GtkWidget *dialog;

  data->owner = g_object_ref (G_OBJECT (owner));
  data->accept = accept;
  g_variant_lookup (record, "id", "x", &data->id);
  g_variant_lookup (record, "version", "x", &data->version);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "%s", question);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                            _("An administrator can restore it from the recycle bin."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Delete"), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response), data);
  g_set_weak_pointer (weak_slot, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
crm_contacts_ui_parse_push (guint       message_id,
                            GVariant   *body,
                            const char *entity,
                            gint64     *id,
                            gboolean   *maybe_new)
{
  const char *what = NULL, *action = NULL;

  if (message_id != CRM_MSG_PUSH_RECORD_CHANGED)
    return FALSE;
  g_variant_get (body, "(&sxx&s)", &what, id, NULL, &action);
  if (g_strcmp0 (what, entity) != 0)
    return FALSE;
  *maybe_new = g_strcmp0 (action, "create") == 0 || g_strcmp0 (action, "restore") == 0;
  return TRUE;
}

void
crm_contacts_ui_set_session (gpointer owner, CrmSession **slot, CrmSession *session, GCallback on_push)
{
  if (*slot == session)
    return;
  if (*slot)
    g_signal_handlers_disconnect_by_data (*slot, owner);
  g_set_object (slot, session);
  if (session)
    g_signal_connect (session, "push", on_push, owner);
}

static void
close_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

guint
crm_contacts_ui_form_class_init (GtkWidgetClass             *widget_class,
                                 const char                 *prefix,
                                 GtkWidgetActionActivateFunc save)
{
  g_autofree char *save_name = g_strconcat (prefix, ".save", NULL);
  g_autofree char *cancel_name = g_strconcat (prefix, ".cancel", NULL);

  gtk_widget_class_install_action (widget_class, save_name, NULL, save);
  gtk_widget_class_install_action (widget_class, cancel_name, NULL, close_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, save_name, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, cancel_name, NULL);
  return g_signal_new ("saved", G_TYPE_FROM_CLASS (widget_class), G_SIGNAL_RUN_LAST, 0,
                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

gint64
crm_contacts_ui_saved_id (GVariant *record, GVariant *reply)
{
  gint64 id = 0;

  if (record != NULL)
    g_variant_lookup (record, "id", "x", &id);
  else
    g_variant_get (reply, "(xx)", &id, NULL);
  return id;
}

void
crm_contacts_ui_form_finish (GtkBox     *box,
                             const char *prefix,
                             GtkLabel  **error_label,
                             GtkWidget **save_button)
{
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *cancel;
  g_autofree char *save_name = g_strconcat (prefix, ".save", NULL);
  g_autofree char *cancel_name = g_strconcat (prefix, ".cancel", NULL);

  *error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (*error_label, TRUE);
  gtk_label_set_xalign (*error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (*error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (*error_label), FALSE);
  gtk_box_append (box, GTK_WIDGET (*error_label));

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), cancel_name);
  gtk_box_append (GTK_BOX (buttons), cancel);
  *save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (*save_button), save_name);
  gtk_widget_add_css_class (*save_button, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), *save_button);
  gtk_box_append (box, buttons);
}
