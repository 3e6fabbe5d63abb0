/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-conflict-dialog"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-conflict-dialog.h"
#include "crm-customer-form.h"

struct _CrmConflictDialog
{
  GtkWindow parent_instance;

  gboolean  resolved;
};

G_DEFINE_FINAL_TYPE (CrmConflictDialog, crm_conflict_dialog, GTK_TYPE_WINDOW)

enum {
  SIGNAL_RESOLVED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
resolve (CrmConflictDialog *self,
         CrmConflictChoice  choice)
{
  if (self->resolved)
    return;
  self->resolved = TRUE;
  g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, (int) choice);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
choice_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CrmConflictDialog *self = CRM_CONFLICT_DIALOG (widget);

  if (g_str_equal (action_name, "conflict.keep-mine"))
    resolve (self, CRM_CONFLICT_KEEP_MINE);
  else if (g_str_equal (action_name, "conflict.take-theirs"))
    resolve (self, CRM_CONFLICT_TAKE_THEIRS);
  else
    resolve (self, CRM_CONFLICT_CANCEL);
}

static gboolean
crm_conflict_dialog_close_request (GtkWindow *window)
{
  CrmConflictDialog *self = CRM_CONFLICT_DIALOG (window);

  if (!self->resolved)
    {
      self->resolved = TRUE;
      g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, (int) CRM_CONFLICT_CANCEL);
    }
  return GTK_WINDOW_CLASS (crm_conflict_dialog_parent_class)->close_request (window);
}

static char *
value_text (GVariant *value)
{
  if (value == NULL)
    return g_strdup ("—");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *s = g_variant_get_string (value, NULL);
      return g_strdup (*s ? s : "—");
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **strv = g_variant_get_strv (value, NULL);
      return strv[0] ? g_strjoinv (", ", (char **) strv) : g_strdup ("—");
    }
  return g_variant_print (value, FALSE);
}

static GtkWidget *
cell (const char *text,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
crm_conflict_dialog_class_init (CrmConflictDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  window_class->close_request = crm_conflict_dialog_close_request;

  signals[SIGNAL_RESOLVED] =
    g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_install_action (widget_class, "conflict.keep-mine", NULL, choice_action);
  gtk_widget_class_install_action (widget_class, "conflict.take-theirs", NULL, choice_action);
  gtk_widget_class_install_action (widget_class, "conflict.cancel", NULL, choice_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "conflict.cancel", NULL);
}

static void
crm_conflict_dialog_init (CrmConflictDialog *self)
{
}

CrmConflictDialog *
crm_conflict_dialog_new (GtkWindow *parent,
                         GVariant  *theirs,
                         GVariant  *mine)
{
  CrmConflictDialog *self;
  GtkWidget *box, *grid, *buttons, *button, *heading, *explain;
  g_autoptr(GVariant) theirs_ref = g_variant_ref_sink (theirs);
  g_autoptr(GVariant) mine_ref = g_variant_ref_sink (mine);
  GVariantIter iter;
  const char *key;
  GVariant *value;
  int row = 1;

  self = g_object_new (CRM_TYPE_CONFLICT_DIALOG,
                       "title", _("Customer Changed by Someone Else"),
                       "modal", TRUE,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       "default-width", 560,
                       NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  heading = gtk_label_new (_("Someone else saved this customer while you were editing it."));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);
  explain = gtk_label_new (_("Compare the saved values with yours and choose which to keep. "
                             "Keeping yours overwrites only the fields you changed."));
  gtk_label_set_xalign (GTK_LABEL (explain), 0);
  gtk_label_set_wrap (GTK_LABEL (explain), TRUE);
  gtk_box_append (GTK_BOX (box), explain);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_attach (GTK_GRID (grid), cell (_("Field"), "heading"), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cell (_("Saved by someone else"), "heading"), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cell (_("Yours"), "heading"), 2, 0, 1, 1);

  g_variant_iter_init (&iter, mine_ref);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) their_value = g_variant_lookup_value (theirs_ref, key, NULL);
      g_autofree char *theirs_text = value_text (their_value);
      g_autofree char *mine_text = value_text (value);

      gtk_grid_attach (GTK_GRID (grid), cell (crm_customer_field_label (key), "dim-label"), 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (theirs_text, "conflict-theirs"), 1, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), cell (mine_text, NULL), 2, row, 1, 1);
      row++;
    }
  gtk_box_append (GTK_BOX (box), grid);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 12);
  button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "conflict.cancel");
  gtk_box_append (GTK_BOX (buttons), button);
  button = gtk_button_new_with_mnemonic (_("_Take Theirs"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "conflict.take-theirs");
  gtk_box_append (GTK_BOX (buttons), button);
  button = gtk_button_new_with_mnemonic (_("_Keep Mine"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "conflict.keep-mine");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), button);
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_window_set_child (GTK_WINDOW (self), box);
  return self;
}
