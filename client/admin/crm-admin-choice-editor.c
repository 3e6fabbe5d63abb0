/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-choice-editor.h"
#include "crm-admin-record.h"
#include "crm-admin-util.h"
#include "crm-connection.h"
#include "crm-error.h"
#include "crm-messages.h"

static const struct
{
  const char *code;
  const char *label;
} choice_lists[] = {
  { "industry", N_ ("Industry") }, { "category", N_ ("Category") }, { "source", N_ ("Source") },
  { "region", N_ ("Region") },     { "value", N_ ("Value") },       { "urgency", N_ ("Urgency") },
};

/* One item; its widgets outlive the rows that show them, so reordering
 * keeps what the user typed. */
typedef struct
{
  gint64          id; /* 0 = new */
  GtkEntry       *label;
  GtkCheckButton *retired;
} ChoiceItem;

struct _CrmAdminChoiceEditor
{
  GtkBox parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  guint         busy;

  GtkDropDown *list_dropdown;
  GtkListBox  *choice_box;
  GtkEntry    *new_choice;
  GPtrArray   *choices; /* ChoiceItem, shown order */
};

G_DEFINE_FINAL_TYPE (CrmAdminChoiceEditor, crm_admin_choice_editor, GTK_TYPE_BOX)

static void
choice_item_free (gpointer data)
{
  ChoiceItem *item = data;

  g_object_unref (item->label);
  g_object_unref (item->retired);
  g_free (item);
}

static ChoiceItem *
choice_item_new (gint64 id, const char *label, gboolean retired)
{
  ChoiceItem *item = g_new0 (ChoiceItem, 1);

  item->id = id;
  item->label = g_object_ref_sink (GTK_ENTRY (gtk_entry_new ()));
  gtk_entry_set_max_length (item->label, 50);
  gtk_editable_set_text (GTK_EDITABLE (item->label), label);
  item->retired
      = g_object_ref_sink (GTK_CHECK_BUTTON (gtk_check_button_new_with_label (_ ("Retired"))));
  gtk_check_button_set_active (item->retired, retired);
  return item;
}

static void move_choice (GtkButton *button, CrmAdminChoiceEditor *self);

static void
rebuild_choice_box (CrmAdminChoiceEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->choice_box))))
    {
      /* The entries live on in self->choices; detach them first. */
      GtkWidget *row_box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (child));

      if (row_box)
        for (GtkWidget *w = gtk_widget_get_first_child (row_box); w;)
          {
            GtkWidget *next = gtk_widget_get_next_sibling (w);

            if (GTK_IS_ENTRY (w) || GTK_IS_CHECK_BUTTON (w))
              gtk_box_remove (GTK_BOX (row_box), w);
            w = next;
          }
      gtk_list_box_remove (self->choice_box, child);
    }
  for (guint i = 0; i < self->choices->len; i++)
    {
      ChoiceItem *item = self->choices->pdata[i];
      GtkWidget  *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget  *up = gtk_button_new_from_icon_name ("go-up-symbolic");
      GtkWidget  *down = gtk_button_new_from_icon_name ("go-down-symbolic");

      gtk_widget_set_tooltip_text (up, _ ("Move up"));
      gtk_widget_set_tooltip_text (down, _ ("Move down"));
      gtk_widget_set_sensitive (up, i > 0);
      gtk_widget_set_sensitive (down, i + 1 < self->choices->len);
      g_object_set_data (G_OBJECT (up), "crm-delta", GINT_TO_POINTER (-1));
      g_object_set_data (G_OBJECT (down), "crm-delta", GINT_TO_POINTER (1));
      g_object_set_data (G_OBJECT (up), "crm-item", item);
      g_object_set_data (G_OBJECT (down), "crm-item", item);
      g_signal_connect (up, "clicked", G_CALLBACK (move_choice), self);
      g_signal_connect (down, "clicked", G_CALLBACK (move_choice), self);
      gtk_widget_set_hexpand (GTK_WIDGET (item->label), TRUE);
      gtk_box_append (GTK_BOX (row), GTK_WIDGET (item->label));
      gtk_box_append (GTK_BOX (row), GTK_WIDGET (item->retired));
      gtk_box_append (GTK_BOX (row), up);
      gtk_box_append (GTK_BOX (row), down);
      gtk_widget_set_margin_start (row, 6);
      gtk_widget_set_margin_end (row, 6);
      gtk_widget_set_margin_top (row, 2);
      gtk_widget_set_margin_bottom (row, 2);
      gtk_list_box_append (self->choice_box, row);
    }
}

static void
move_choice (GtkButton *button, CrmAdminChoiceEditor *self)
{
  ChoiceItem *item = g_object_get_data (G_OBJECT (button), "crm-item");
  int         delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "crm-delta"));
  guint       index;

  if (!g_ptr_array_find (self->choices, item, &index))
    return;
  if ((delta < 0 && index == 0) || (delta > 0 && index + 1 >= self->choices->len))
    return;
  self->choices->pdata[index] = self->choices->pdata[index + delta];
  self->choices->pdata[index + delta] = item;
  rebuild_choice_box (self);
}

static const char *
chosen_list (CrmAdminChoiceEditor *self)
{
  guint pos = gtk_drop_down_get_selected (self->list_dropdown);

  return pos < G_N_ELEMENTS (choice_lists) ? choice_lists[pos].code : choice_lists[0].code;
}

/* A call of the editor is over (crm_admin_call_finish). */
static void
call_over (gpointer editor)
{
  CrmAdminChoiceEditor *self = CRM_ADMIN_CHOICE_EDITOR (editor);

  if (self->busy > 0)
    self->busy--;
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminChoiceEditor *self;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply) || reply == NULL)
    return;
  self = CRM_ADMIN_CHOICE_EDITOR (user_data);
  {
    g_autoptr (GListStore) items = crm_admin_records_from_variant (reply);

    g_ptr_array_set_size (self->choices, 0);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (items)); i++)
      {
        g_autoptr (CrmAdminRecord) record = g_list_model_get_item (G_LIST_MODEL (items), i);

        g_ptr_array_add (self->choices,
                         choice_item_new (crm_admin_record_get_id (record),
                                          crm_admin_record_get_string (record, "label"),
                                          crm_admin_record_get_boolean (record, "retired")));
      }
  }
  rebuild_choice_box (self);
}

void
crm_admin_choice_editor_reload (CrmAdminChoiceEditor *self)
{
  g_return_if_fail (CRM_IS_ADMIN_CHOICE_EDITOR (self));
  g_return_if_fail (self->session != NULL);

  self->busy++;
  crm_session_call_async (self->session, CRM_MSG_CHOICE_LIST,
                          g_variant_new ("(s)", chosen_list (self)), self->cancellable, on_loaded,
                          self);
}

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminChoiceEditor *self;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply))
    return;
  self = CRM_ADMIN_CHOICE_EDITOR (user_data);
  if (reply != NULL)
    crm_admin_report_notice (GTK_WIDGET (self), _ ("Saved."));
  crm_admin_choice_editor_reload (self);
}

static void
add_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminChoiceEditor *self = CRM_ADMIN_CHOICE_EDITOR (widget);
  g_autofree char      *label
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_choice))));

  if (*label == '\0')
    return;
  g_ptr_array_add (self->choices, choice_item_new (0, label, FALSE));
  gtk_editable_set_text (GTK_EDITABLE (self->new_choice), "");
  rebuild_choice_box (self);
}

static void
on_new_choice_activate (CrmAdminChoiceEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "choices.add", NULL);
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminChoiceEditor *self = CRM_ADMIN_CHOICE_EDITOR (widget);
  g_autofree char      *key = crm_new_idempotency_key ();
  GVariantBuilder       items;

  g_variant_builder_init (&items, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < self->choices->len; i++)
    {
      ChoiceItem      *item = self->choices->pdata[i];
      g_autofree char *label
          = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (item->label))));
      GVariantDict d;

      if (*label == '\0')
        {
          g_autoptr (GError) error
              = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                             _ ("A choice cannot be empty; retire it instead."));
          g_variant_builder_clear (&items);
          crm_admin_report_error (widget, error);
          gtk_widget_grab_focus (GTK_WIDGET (item->label));
          return;
        }
      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, "id", "x", item->id);
      g_variant_dict_insert (&d, "label", "s", label);
      g_variant_dict_insert (&d, "sort", "i", (gint32)(i + 1));
      g_variant_dict_insert (&d, "retired", "b", gtk_check_button_get_active (item->retired));
      g_variant_builder_add_value (&items, g_variant_dict_end (&d));
    }
  self->busy++;
  crm_session_call_async (
      self->session, CRM_MSG_CHOICE_SAVE,
      g_variant_new ("(ss@aa{sv})", key, chosen_list (self), g_variant_builder_end (&items)),
      self->cancellable, on_saved, self);
}

static void
on_list_changed (CrmAdminChoiceEditor *self)
{
  if (self->session)
    crm_admin_choice_editor_reload (self);
}

static void
crm_admin_choice_editor_dispose (GObject *object)
{
  CrmAdminChoiceEditor *self = CRM_ADMIN_CHOICE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_CHOICE_EDITOR);

  G_OBJECT_CLASS (crm_admin_choice_editor_parent_class)->dispose (object);
}

static void
crm_admin_choice_editor_class_init (CrmAdminChoiceEditorClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_choice_editor_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-choice-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminChoiceEditor, list_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminChoiceEditor, choice_box);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminChoiceEditor, new_choice);
  gtk_widget_class_bind_template_callback (widget_class, on_new_choice_activate);
  gtk_widget_class_install_action (widget_class, "choices.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "choices.save", NULL, save_activated);
}

static void
crm_admin_choice_editor_init (CrmAdminChoiceEditor *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->choices = g_ptr_array_new_with_free_func (choice_item_free);
  for (gsize i = 0; i < G_N_ELEMENTS (choice_lists); i++)
    gtk_string_list_append (names, _ (choice_lists[i].label));
  gtk_drop_down_set_model (self->list_dropdown, G_LIST_MODEL (names));
  g_signal_connect_swapped (self->list_dropdown, "notify::selected", G_CALLBACK (on_list_changed),
                            self);
}

void
crm_admin_choice_editor_set_session (CrmAdminChoiceEditor *self, CrmSession *session)
{
  g_return_if_fail (CRM_IS_ADMIN_CHOICE_EDITOR (self));
  g_set_object (&self->session, session);
}

gboolean
crm_admin_choice_editor_is_busy (CrmAdminChoiceEditor *self)
{
  return self->busy > 0;
}

guint
crm_admin_choice_editor_get_n_choices (CrmAdminChoiceEditor *self)
{
  return self->choices->len;
}

GtkEditable *
crm_admin_choice_editor_get_choice_entry (CrmAdminChoiceEditor *self, guint position)
{
  if (position >= self->choices->len)
    return NULL;
  return GTK_EDITABLE (((ChoiceItem *)self->choices->pdata[position])->label);
}

GtkEditable *
crm_admin_choice_editor_get_new_entry (CrmAdminChoiceEditor *self)
{
  return GTK_EDITABLE (self->new_choice);
}
