/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-form"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "crm-customer-form.h"
#include "crm-error.h"
#include "crm-money.h"
#include "crm-validate.h"

typedef enum {
  KIND_TEXT,
  KIND_PHONES,
  KIND_POSTAL_CODE,
  KIND_NOTES,
} FieldKind;

typedef struct {
  const char *key;
  const char *label;        /* N_() */
  const char *placeholder;  /* N_() or NULL */
  guint       max_chars;
  gboolean    required;
  FieldKind   kind;
} Field;

static const Field fields[] = {
  { "name",        N_("Name"),        N_("Full registered name"), 100, TRUE,  KIND_TEXT },
  { "short_name",  N_("Short name"),  NULL, 50,   FALSE, KIND_TEXT },
  { "category",    N_("Category"),    N_("e.g. enterprise, individual"), 50, FALSE, KIND_TEXT },
  { "industry",    N_("Industry"),    NULL, 50,   FALSE, KIND_TEXT },
  { "source",      N_("Source"),      N_("e.g. exhibition, referral, website"), 50, FALSE, KIND_TEXT },
  { "region",      N_("Region"),      N_("e.g. Beijing"), 50, FALSE, KIND_TEXT },
  { "value",       N_("Value level"), N_("e.g. A, B, C"), 20, FALSE, KIND_TEXT },
  { "phones",      N_("Phones"),      N_("Separate several numbers with commas"), 0, FALSE, KIND_PHONES },
  { "address",     N_("Address"),     NULL, 200,  FALSE, KIND_TEXT },
  { "postal_code", N_("Postal code"), N_("6 digits"), 6, FALSE, KIND_POSTAL_CODE },
  { "notes",       N_("Notes"),       NULL, 2000, FALSE, KIND_NOTES },
};
#define N_FIELDS G_N_ELEMENTS (fields)

struct _CrmCustomerForm
{
  GtkBox      parent_instance;

  GtkLabel   *title_label;
  GtkWidget  *changed_banner;
  GtkGrid    *grid;
  GtkSpinner *spinner;

  GtkWidget  *inputs[N_FIELDS];   /* GtkEntry, or GtkTextView for notes */
  GtkLabel   *errors[N_FIELDS];

  GVariant   *record;             /* what the edit started from; NULL = new */
  gboolean    dirty;
  gboolean    loading;            /* setting values programmatically */

  CrmCustomFieldDefs *defs;       /* custom fields (issue 4), or NULL */
  GPtrArray  *custom;             /* CustomInput, in the definitions' order */
};

/* The widgets of one custom field.  `value_widget` holds the value: a
 * GtkEntry (text, number, money, date, phone, e-mail; read-only for a
 * retired field), a GtkDropDown (choice; item 0 is "none") or a GtkFlowBox
 * of GtkCheckButtons (multi-choice). */
typedef struct {
  char              *record_key;   /* "cf.<key>" */
  CrmCustomFieldType type;
  gboolean           required;
  gboolean           read_only;    /* retired: the stored value, shown */
  GStrv              choices;
  GtkWidget         *label;
  GtkWidget         *holder;       /* what sits in the grid */
  GtkWidget         *value_widget;
  GtkLabel          *error;
  GPtrArray         *checks;       /* multi-choice: GtkCheckButton, like choices */
} CustomInput;

static void
custom_input_free (CustomInput *ci)
{
  g_free (ci->record_key);
  g_strfreev (ci->choices);
  g_clear_pointer (&ci->checks, g_ptr_array_unref);
  g_free (ci);
}

/* Only the widget table can find a custom field's label without a
 * session: the form that was given definitions lends them. */
static CrmCustomFieldDefs *label_defs;

G_DEFINE_FINAL_TYPE (CrmCustomerForm, crm_customer_form, GTK_TYPE_BOX)

const char *
crm_customer_field_label (const char *key)
{
  for (gsize i = 0; i < N_FIELDS; i++)
    if (g_str_equal (fields[i].key, key))
      return _(fields[i].label);
  if (g_str_equal (key, "code"))
    return _("Code");
  if (g_str_equal (key, "owner_name") || g_str_equal (key, "owner"))
    return _("Owner");
  if (g_str_equal (key, "created_at"))
    return _("Created");
  if (g_str_equal (key, "updated_at"))
    return _("Updated");
  if (label_defs != NULL && g_str_has_prefix (key, "cf."))
    {
      const CrmCustomFieldDef *def = crm_custom_field_defs_lookup (label_defs, key);

      if (def)
        return def->label;
    }
  return key;
}

static int
field_index (const char *key)
{
  for (gsize i = 0; i < N_FIELDS; i++)
    if (g_str_equal (fields[i].key, key))
      return (int) i;
  return -1;
}

static char *
dup_input_text (CrmCustomerForm *self,
                gsize            i)
{
  if (GTK_IS_TEXT_VIEW (self->inputs[i]))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->inputs[i]));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->inputs[i])));
}

static void
set_input_text (CrmCustomerForm *self,
                gsize            i,
                const char      *text)
{
  if (GTK_IS_TEXT_VIEW (self->inputs[i]))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->inputs[i])), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->inputs[i]), text);
}

/* Splits what the user typed into phone numbers. */
static GStrv
split_phones (const char *text)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[,，;；、\\s]+", text, 0, 0);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

/* The record's value of a field, as the form shows it. */
static char *
dup_record_text (GVariant   *record,
                 const Field *field)
{
  if (record == NULL)
    return g_strdup ("");
  if (field->kind == KIND_PHONES)
    {
      g_autofree const char **phones = NULL;

      if (!g_variant_lookup (record, "phones", "^a&s", &phones) || phones == NULL)
        return g_strdup ("");
      return g_strjoinv (", ", (char **) phones);
    }
  else
    {
      const char *value = NULL;

      if (!g_variant_lookup (record, field->key, "&s", &value))
        return g_strdup ("");
      return g_strdup (value);
    }
}

static void
clear_error (CrmCustomerForm *self,
             gsize            i)
{
  gtk_widget_set_visible (GTK_WIDGET (self->errors[i]), FALSE);
  gtk_label_set_text (self->errors[i], "");
  gtk_widget_remove_css_class (self->inputs[i], "error");
}

static void
set_error (CrmCustomerForm *self,
           gsize            i,
           const char      *message)
{
  gtk_label_set_text (self->errors[i], message);
  gtk_widget_set_visible (GTK_WIDGET (self->errors[i]), TRUE);
  gtk_widget_add_css_class (self->inputs[i], "error");
}

static void
on_changed (CrmCustomerForm *self)
{
  if (self->loading)
    return;
  self->dirty = TRUE;
}

/* Scrolls the form so that `widget` and the message under it show: the
 * custom fields come after a dozen built-in ones.  Run once the messages
 * just shown are laid out (an idle after the redraw priority). */
static gboolean
reveal_cb (gpointer data)
{
  GtkWidget *widget = data;
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content;
  GtkAdjustment *adj;
  graphene_point_t top;

  if (scrolled == NULL ||
      (content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled))) == NULL ||
      !gtk_widget_compute_point (widget, content, &GRAPHENE_POINT_INIT (0, 0), &top))
    return G_SOURCE_REMOVE;
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  /* `top` is relative to what shows now. */
  if (top.y < 0 || top.y + 60 > gtk_adjustment_get_page_size (adj))
    gtk_adjustment_set_value (adj, MAX (0, gtk_adjustment_get_value (adj) + top.y -
                                           gtk_adjustment_get_page_size (adj) / 3));
  return G_SOURCE_REMOVE;
}

static void
focus_and_reveal (GtkWidget *widget)
{
  gtk_widget_grab_focus (widget);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reveal_cb, g_object_ref (widget), g_object_unref);
}

/* ---- custom fields ------------------------------------------------------ */

#define CUSTOM_MAX_CHARS 500   /* as the server's MAX_TEXT_CHARS */

/* The grid rows after the built-in fields. */
#define CUSTOM_FIRST_ROW ((int) N_FIELDS * 2)

/* A record's value in the form the inputs hold it: a string (numbers and
 * money as plain text) or, for multi-choice, a string array. */
static GVariant *
custom_record_value (GVariant          *record,
                     const CustomInput *ci)
{
  g_autoptr(GVariant) v = record ? g_variant_lookup_value (record, ci->record_key, NULL) : NULL;

  if (ci->type == CRM_CUSTOM_FIELD_MULTI_CHOICE)
    {
      if (v && g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
        return g_variant_ref_sink (g_steal_pointer (&v));
      return g_variant_ref_sink (g_variant_new_strv (NULL, 0));
    }
  if (v == NULL)
    return g_variant_ref_sink (g_variant_new_string (""));
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    return g_variant_ref_sink (g_steal_pointer (&v));
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    {
      g_autofree char *text = crm_money_format_plain (g_variant_get_int64 (v));
      return g_variant_ref_sink (g_variant_new_string (text));
    }
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (buf, sizeof buf, "%.15g", g_variant_get_double (v));
      return g_variant_ref_sink (g_variant_new_string (buf));
    }
  return g_variant_ref_sink (g_variant_new_string (""));
}

static GVariant *
custom_input_value (const CustomInput *ci)
{
  /* A retired field shows its value as text and is never sent. */
  if (ci->read_only)
    return ci->type == CRM_CUSTOM_FIELD_MULTI_CHOICE
             ? g_variant_ref_sink (g_variant_new_strv (NULL, 0))
             : g_variant_ref_sink (g_variant_new_string (""));
  switch (ci->type)
    {
    case CRM_CUSTOM_FIELD_CHOICE:
      {
        guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (ci->value_widget));

        if (selected == GTK_INVALID_LIST_POSITION || selected == 0 ||
            selected > g_strv_length (ci->choices))
          return g_variant_ref_sink (g_variant_new_string (""));
        return g_variant_ref_sink (g_variant_new_string (ci->choices[selected - 1]));
      }
    case CRM_CUSTOM_FIELD_MULTI_CHOICE:
      {
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) items = NULL;

        for (guint i = 0; i < ci->checks->len; i++)
          if (gtk_check_button_get_active (g_ptr_array_index (ci->checks, i)))
            g_strv_builder_add (builder, ci->choices[i]);
        items = g_strv_builder_end (builder);
        return g_variant_ref_sink (g_variant_new_strv ((const char * const *) items, -1));
      }
    default:
      {
        g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (ci->value_widget)));

        return g_variant_ref_sink (g_variant_new_string (g_strstrip (text)));
      }
    }
}

static gboolean
custom_value_is_empty (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return *g_variant_get_string (value, NULL) == '\0';
  return g_variant_n_children (value) == 0;
}

static void
custom_set_value (CustomInput *ci,
                  GVariant    *value,
                  GVariant    *stored)
{
  if (ci->read_only)
    {
      /* Shown as a list would show it (a retired choice field's options
       * may be gone). */
      g_autofree char *text = crm_custom_field_format_value (stored);

      gtk_editable_set_text (GTK_EDITABLE (ci->value_widget), text);
      return;
    }
  switch (ci->type)
    {
    case CRM_CUSTOM_FIELD_CHOICE:
      {
        const char *text = g_variant_get_string (value, NULL);
        guint selected = 0;

        for (guint i = 0; ci->choices[i]; i++)
          if (g_str_equal (ci->choices[i], text))
            selected = i + 1;
        gtk_drop_down_set_selected (GTK_DROP_DOWN (ci->value_widget), selected);
      }
      break;
    case CRM_CUSTOM_FIELD_MULTI_CHOICE:
      {
        g_autofree const char **items = g_variant_get_strv (value, NULL);

        for (guint i = 0; i < ci->checks->len; i++)
          gtk_check_button_set_active (g_ptr_array_index (ci->checks, i),
                                       g_strv_contains (items, ci->choices[i]));
      }
      break;
    default:
      gtk_editable_set_text (GTK_EDITABLE (ci->value_widget), g_variant_get_string (value, NULL));
      break;
    }
}

static void
custom_clear_error (CustomInput *ci)
{
  gtk_widget_set_visible (GTK_WIDGET (ci->error), FALSE);
  gtk_label_set_text (ci->error, "");
  gtk_widget_remove_css_class (ci->value_widget, "error");
}

static void
custom_set_error (CustomInput *ci,
                  const char  *message)
{
  gtk_label_set_text (ci->error, message);
  gtk_widget_set_visible (GTK_WIDGET (ci->error), TRUE);
  gtk_widget_add_css_class (ci->value_widget, "error");
}

static CustomInput *
custom_find (CrmCustomerForm *self,
             const char      *record_key)
{
  for (guint i = 0; self->custom && i < self->custom->len; i++)
    {
      CustomInput *ci = g_ptr_array_index (self->custom, i);

      if (g_str_equal (ci->record_key, record_key))
        return ci;
    }
  return NULL;
}

/* The same checks the server makes (settings/crm-custom-fields.c). */
static gboolean
custom_validate (CustomInput *ci,
                 GError     **error)
{
  g_autoptr(GVariant) value = NULL;
  const char *text;

  if (ci->read_only)
    return TRUE;
  value = custom_input_value (ci);
  if (custom_value_is_empty (value))
    {
      if (ci->required)
        {
          g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD, _("This field is required"));
          return FALSE;
        }
      return TRUE;
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return TRUE;
  text = g_variant_get_string (value, NULL);
  if (!crm_validate_text (text, CUSTOM_MAX_CHARS, FALSE, ci->record_key, error))
    return FALSE;
  switch (ci->type)
    {
    case CRM_CUSTOM_FIELD_NUMBER:
      {
        char *end = NULL;
        double d = g_ascii_strtod (text, &end);

        if (end == text || *end != '\0' || !isfinite (d))
          {
            g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD, _("Enter a number"));
            return FALSE;
          }
        if (d > 1e15 || d < -1e15)
          {
            g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                                 _("This number is out of range"));
            return FALSE;
          }
        return TRUE;
      }
    case CRM_CUSTOM_FIELD_MONEY:
      {
        CrmMoney fen;

        return crm_money_parse (text, &fen, error);
      }
    case CRM_CUSTOM_FIELD_DATE:
      {
        int y, m, d;
        char tail;

        if (strlen (text) != 10 || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
            !g_date_valid_dmy (d, m, y))
          {
            g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                                 _("Enter a date as YYYY-MM-DD"));
            return FALSE;
          }
        return TRUE;
      }
    case CRM_CUSTOM_FIELD_PHONE:
      return crm_validate_phone (text, ci->record_key, error);
    case CRM_CUSTOM_FIELD_EMAIL:
      return crm_validate_email (text, ci->record_key, error);
    default:
      return TRUE;
    }
}

static void
on_day_selected (GtkCalendar *calendar,
                 CustomInput *ci)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER);

  gtk_editable_set_text (GTK_EDITABLE (ci->value_widget), text);
  if (popover)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

/* Builds the widgets of one field; returns the widget for the grid. */
static GtkWidget *
custom_build_input (CrmCustomerForm *self,
                    CustomInput     *ci)
{
  if (ci->read_only || (ci->type != CRM_CUSTOM_FIELD_CHOICE &&
                        ci->type != CRM_CUSTOM_FIELD_MULTI_CHOICE))
    {
      GtkWidget *entry = gtk_entry_new ();

      ci->value_widget = entry;
      if (ci->read_only)
        {
          gtk_editable_set_editable (GTK_EDITABLE (entry), FALSE);
          gtk_widget_set_can_focus (entry, FALSE);
          gtk_widget_set_tooltip_text (entry, _("This field was retired: its value is kept but "
                                                "can no longer be changed."));
          gtk_widget_add_css_class (entry, "dim-label");
          return entry;
        }
      g_signal_connect_swapped (entry, "changed", G_CALLBACK (on_changed), self);
      switch (ci->type)
        {
        case CRM_CUSTOM_FIELD_NUMBER:
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("A number, e.g. 12.5"));
          break;
        case CRM_CUSTOM_FIELD_MONEY:
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Amount in yuan, e.g. 1200.50"));
          break;
        case CRM_CUSTOM_FIELD_PHONE:
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PHONE);
          break;
        case CRM_CUSTOM_FIELD_EMAIL:
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_EMAIL);
          break;
        case CRM_CUSTOM_FIELD_DATE:
          {
            GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
            GtkWidget *button = gtk_menu_button_new ();
            GtkWidget *popover = gtk_popover_new ();
            GtkWidget *calendar = gtk_calendar_new ();

            gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("YYYY-MM-DD"));
            gtk_widget_set_hexpand (entry, TRUE);
            gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
            gtk_widget_set_tooltip_text (button, _("Choose a date"));
            gtk_popover_set_child (GTK_POPOVER (popover), calendar);
            gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
            g_signal_connect (calendar, "day-selected", G_CALLBACK (on_day_selected), ci);
            gtk_widget_add_css_class (box, "linked");
            gtk_box_append (GTK_BOX (box), entry);
            gtk_box_append (GTK_BOX (box), button);
            return box;
          }
        default:
          break;
        }
      return entry;
    }
  if (ci->type == CRM_CUSTOM_FIELD_CHOICE)
    {
      g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
      GtkWidget *dropdown;

      /* TRANSLATORS: the choice of a drop-down when nothing is chosen */
      gtk_string_list_append (list, _("(none)"));
      for (guint i = 0; ci->choices[i]; i++)
        gtk_string_list_append (list, ci->choices[i]);
      dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&list)), NULL);
      g_signal_connect_swapped (dropdown, "notify::selected", G_CALLBACK (on_changed), self);
      ci->value_widget = dropdown;
      return dropdown;
    }
  else
    {
      GtkWidget *flow = gtk_flow_box_new ();

      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
      /* A fixed number per line: a height that depends on the width would
       * make the form's scrollbar come and go, relaying out forever. */
      gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 3);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 3);
      gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
      ci->checks = g_ptr_array_new ();
      for (guint i = 0; ci->choices[i]; i++)
        {
          GtkWidget *check = gtk_check_button_new_with_label (ci->choices[i]);

          g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_changed), self);
          gtk_flow_box_append (GTK_FLOW_BOX (flow), check);
          g_ptr_array_add (ci->checks, check);
        }
      ci->value_widget = flow;
      return flow;
    }
}

static void
custom_remove_all (CrmCustomerForm *self)
{
  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomInput *ci = g_ptr_array_index (self->custom, i);

      gtk_grid_remove (self->grid, ci->label);
      gtk_grid_remove (self->grid, ci->holder);
      gtk_grid_remove (self->grid, GTK_WIDGET (ci->error));
    }
  g_ptr_array_set_size (self->custom, 0);
}

/* One row per active field, and per retired field the record holds a value
 * of (read-only); labels from the current definitions. */
static void
custom_rebuild (CrmCustomerForm *self)
{
  int row = CUSTOM_FIRST_ROW;

  custom_remove_all (self);
  if (self->defs == NULL)
    return;
  for (guint i = 0; i < crm_custom_field_defs_get_n (self->defs); i++)
    {
      const CrmCustomFieldDef *def = crm_custom_field_defs_get (self->defs, i);
      CustomInput *ci;
      g_autofree char *label_text = NULL;

      if (def->retired)
        {
          g_autoptr(GVariant) stored = self->record ? g_variant_lookup_value (self->record, def->record_key, NULL) : NULL;

          if (stored == NULL)
            continue;
        }
      ci = g_new0 (CustomInput, 1);
      ci->record_key = g_strdup (def->record_key);
      ci->type = def->type;
      ci->required = def->required && !def->retired;
      ci->read_only = def->retired;
      ci->choices = g_strdupv (def->choices);
      if (ci->read_only)
        /* TRANSLATORS: the label of a custom field that was retired */
        label_text = g_strdup_printf (_("%s (retired)"), def->label);
      else
        label_text = g_strdup_printf (ci->required ? _("%s *") : "%s", def->label);
      ci->label = gtk_label_new (label_text);
      gtk_label_set_xalign (GTK_LABEL (ci->label), 1);
      gtk_widget_set_valign (ci->label, ci->type == CRM_CUSTOM_FIELD_MULTI_CHOICE && !ci->read_only
                                            ? GTK_ALIGN_START : GTK_ALIGN_CENTER);
      ci->holder = custom_build_input (self, ci);
      gtk_widget_set_hexpand (ci->holder, TRUE);
      gtk_label_set_mnemonic_widget (GTK_LABEL (ci->label), ci->value_widget);
      ci->error = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (ci->error, 0);
      gtk_label_set_wrap (ci->error, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (ci->error), "field-error");
      gtk_widget_set_visible (GTK_WIDGET (ci->error), FALSE);
      gtk_grid_attach (self->grid, ci->label, 0, row, 1, 1);
      gtk_grid_attach (self->grid, ci->holder, 1, row, 1, 1);
      gtk_grid_attach (self->grid, GTK_WIDGET (ci->error), 1, row + 1, 1, 1);
      row += 2;
      g_ptr_array_add (self->custom, ci);
    }
}

static void
custom_load (CrmCustomerForm *self)
{
  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomInput *ci = g_ptr_array_index (self->custom, i);
      g_autoptr(GVariant) value = custom_record_value (self->record, ci);
      g_autoptr(GVariant) stored = self->record ? g_variant_lookup_value (self->record, ci->record_key, NULL) : NULL;

      custom_set_value (ci, value, stored);
      custom_clear_error (ci);
    }
}

/* The definitions changed (a field added, renamed, retired …): the rows
 * are rebuilt, and what the user typed into fields that remain stays. */
static void
on_defs_changed (CrmCustomerForm *self)
{
  g_autoptr(GHashTable) typed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_variant_unref);
  g_autoptr(GHashTable) errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean was_loading = self->loading;

  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomInput *ci = g_ptr_array_index (self->custom, i);
      g_autoptr(GVariant) before = custom_record_value (self->record, ci);
      GVariant *now = custom_input_value (ci);

      if (gtk_widget_get_visible (GTK_WIDGET (ci->error)))
        g_hash_table_insert (errors, g_strdup (ci->record_key), g_strdup (gtk_label_get_text (ci->error)));

      if (!ci->read_only && !g_variant_equal (before, now))
        g_hash_table_insert (typed, g_strdup (ci->record_key), now);
      else
        g_variant_unref (now);
    }
  self->loading = TRUE;
  custom_rebuild (self);
  custom_load (self);
  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomInput *ci = g_ptr_array_index (self->custom, i);
      GVariant *value = g_hash_table_lookup (typed, ci->record_key);

      const char *message = g_hash_table_lookup (errors, ci->record_key);

      if (value && !ci->read_only && g_variant_is_of_type (value, ci->type == CRM_CUSTOM_FIELD_MULTI_CHOICE ? G_VARIANT_TYPE_STRING_ARRAY : G_VARIANT_TYPE_STRING))
        custom_set_value (ci, value, NULL);
      /* A message the user has not dealt with yet stays. */
      if (message && !ci->read_only)
        custom_set_error (ci, message);
    }
  self->loading = was_loading;
}

void
crm_customer_form_set_custom_fields (CrmCustomerForm    *self,
                                     CrmCustomFieldDefs *defs)
{
  g_return_if_fail (CRM_IS_CUSTOMER_FORM (self));

  if (self->defs)
    g_signal_handlers_disconnect_by_data (self->defs, self);
  g_set_object (&self->defs, defs);
  label_defs = defs;
  if (defs)
    g_signal_connect_object (defs, "changed", G_CALLBACK (on_defs_changed), self, G_CONNECT_SWAPPED);
  on_defs_changed (self);
}

GStrv
crm_customer_dup_custom_keys (GVariant *record)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) added = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const char *key;

  for (guint i = 0; label_defs && i < crm_custom_field_defs_get_n (label_defs); i++)
    {
      const CrmCustomFieldDef *def = crm_custom_field_defs_get (label_defs, i);
      g_autoptr(GVariant) value = g_variant_lookup_value (record, def->record_key, NULL);

      if (value != NULL)
        {
          g_strv_builder_add (builder, def->record_key);
          g_hash_table_add (added, def->record_key);
        }
    }
  g_variant_iter_init (&iter, record);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    if (g_str_has_prefix (key, "cf.") && !g_hash_table_contains (added, key))
      g_strv_builder_add (builder, key);
  return g_strv_builder_end (builder);
}

GtkWidget *
crm_customer_form_get_custom_input (CrmCustomerForm *self,
                                    const char      *record_key)
{
  CustomInput *ci = custom_find (self, record_key);

  return ci ? ci->value_widget : NULL;
}

const char *
crm_customer_form_get_custom_label (CrmCustomerForm *self,
                                    const char      *record_key)
{
  CustomInput *ci = custom_find (self, record_key);

  return ci ? gtk_label_get_text (GTK_LABEL (ci->label)) : NULL;
}

gboolean
crm_customer_form_custom_is_read_only (CrmCustomerForm *self,
                                       const char      *record_key)
{
  CustomInput *ci = custom_find (self, record_key);

  return ci ? ci->read_only : FALSE;
}

static void
load_values (CrmCustomerForm *self,
             GVariant        *record)
{
  self->loading = TRUE;
  for (gsize i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text = dup_record_text (record, &fields[i]);

      set_input_text (self, i, text);
      clear_error (self, i);
    }
  /* Which retired fields show depends on the record. */
  custom_rebuild (self);
  custom_load (self);
  self->loading = FALSE;
}

void
crm_customer_form_set_record (CrmCustomerForm *self,
                              GVariant        *record)
{
  g_return_if_fail (CRM_IS_CUSTOMER_FORM (self));

  g_clear_pointer (&self->record, g_variant_unref);
  if (record)
    self->record = g_variant_ref_sink (record);
  load_values (self, self->record);
  self->dirty = FALSE;
  gtk_widget_set_visible (self->changed_banner, FALSE);
  crm_customer_form_set_busy (self, FALSE);

  if (self->record)
    {
      const char *name = "";
      g_autofree char *title = NULL;

      g_variant_lookup (self->record, "name", "&s", &name);
      title = g_strdup_printf (_("Edit “%s”"), name);
      gtk_label_set_text (self->title_label, title);
    }
  else
    gtk_label_set_text (self->title_label, _("New Customer"));
}

void
crm_customer_form_rebase (CrmCustomerForm *self,
                          GVariant        *record)
{
  g_return_if_fail (CRM_IS_CUSTOMER_FORM (self));
  g_return_if_fail (record != NULL);

  g_autoptr(GVariant) mine = NULL;

  /* What the user changed, against what they started from … */
  mine = g_variant_ref_sink (crm_customer_form_build_fields (self));
  g_clear_pointer (&self->record, g_variant_unref);
  self->record = g_variant_ref_sink (record);

  /* … stays; every other field shows the newer saved value, so that saving
   * does not undo someone else's change to a field the user never touched. */
  self->loading = TRUE;
  for (gsize i = 0; i < N_FIELDS; i++)
    {
      g_autoptr(GVariant) changed = g_variant_lookup_value (mine, fields[i].key, NULL);

      if (changed == NULL)
        {
          g_autofree char *text = dup_record_text (self->record, &fields[i]);
          set_input_text (self, i, text);
        }
    }
  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomInput *ci = g_ptr_array_index (self->custom, i);
      g_autoptr(GVariant) changed = g_variant_lookup_value (mine, ci->record_key, NULL);

      if (changed == NULL)
        {
          g_autoptr(GVariant) value = custom_record_value (self->record, ci);
          g_autoptr(GVariant) stored = g_variant_lookup_value (self->record, ci->record_key, NULL);

          custom_set_value (ci, value, stored);
        }
    }
  self->loading = FALSE;
  gtk_widget_set_visible (self->changed_banner, FALSE);
}

GVariant *
crm_customer_form_get_record (CrmCustomerForm *self)
{
  return self->record;
}

gint64
crm_customer_form_get_id (CrmCustomerForm *self)
{
  gint64 id = 0;

  if (self->record)
    g_variant_lookup (self->record, "id", "x", &id);
  return id;
}

gint64
crm_customer_form_get_version (CrmCustomerForm *self)
{
  gint64 version = 0;

  if (self->record)
    g_variant_lookup (self->record, "version", "x", &version);
  return version;
}

gboolean
crm_customer_form_is_dirty (CrmCustomerForm *self)
{
  return self->dirty;
}

gboolean
crm_customer_form_validate (CrmCustomerForm *self)
{
  int first_bad = -1;

  g_return_val_if_fail (CRM_IS_CUSTOMER_FORM (self), FALSE);

  for (gsize i = 0; i < N_FIELDS; i++)
    {
      const Field *field = &fields[i];
      g_autofree char *text = dup_input_text (self, i);
      g_autoptr(GError) error = NULL;
      gboolean ok = TRUE;

      clear_error (self, i);
      switch (field->kind)
        {
        case KIND_TEXT:
        case KIND_NOTES:
          ok = crm_validate_text (text, field->max_chars, field->required, field->key, &error);
          break;
        case KIND_POSTAL_CODE:
          g_strstrip (text);
          ok = *text == '\0' || crm_validate_postal_code (text, field->key, &error);
          break;
        case KIND_PHONES:
          {
            g_auto(GStrv) phones = split_phones (text);

            for (guint p = 0; ok && phones[p]; p++)
              {
                g_autofree char *name = g_strdup_printf ("phones[%u]", p);

                ok = crm_validate_phone (phones[p], name, &error);
              }
          }
          break;
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        {
          set_error (self, i, error ? error->message : _("This value is not valid."));
          if (first_bad < 0)
            first_bad = (int) i;
        }
    }

  if (first_bad >= 0)
    {
      gtk_widget_grab_focus (self->inputs[first_bad]);
      return FALSE;
    }
  {
    CustomInput *first_custom = NULL;

    for (guint i = 0; i < self->custom->len; i++)
      {
        CustomInput *ci = g_ptr_array_index (self->custom, i);
        g_autoptr(GError) error = NULL;

        custom_clear_error (ci);
        if (!custom_validate (ci, &error))
          {
            custom_set_error (ci, error ? error->message : _("This value is not valid."));
            if (first_custom == NULL)
              first_custom = ci;
          }
      }
    if (first_custom)
      {
        focus_and_reveal (first_custom->value_widget);
        return FALSE;
      }
  }
  return TRUE;
}

GVariant *
crm_customer_form_build_fields (CrmCustomerForm *self)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_return_val_if_fail (CRM_IS_CUSTOMER_FORM (self), NULL);

  for (gsize i = 0; i < N_FIELDS; i++)
    {
      const Field *field = &fields[i];
      g_autofree char *text = dup_input_text (self, i);
      g_autofree char *before = dup_record_text (self->record, field);

      if (field->kind == KIND_PHONES)
        {
          g_auto(GStrv) phones = split_phones (text);
          g_auto(GStrv) old_phones = split_phones (before);

          if (self->record == NULL ? phones[0] == NULL
                                   : g_strv_equal ((const char * const *) phones,
                                                   (const char * const *) old_phones))
            continue;
          g_variant_builder_add (&builder, "{sv}", field->key,
                                 g_variant_new_strv ((const char * const *) phones, -1));
          continue;
        }
      if (field->kind != KIND_NOTES)
        g_strstrip (text);
      if (self->record == NULL ? *text == '\0' : g_str_equal (text, before))
        continue;
      g_variant_builder_add (&builder, "{sv}", field->key, g_variant_new_string (text));
    }
  /* Custom values as typed (the server reads numbers and money exactly
   * from text); an emptied field clears the stored value. */
  for (guint i = 0; i < self->custom->len; i++)
    {
      CustomInput *ci = g_ptr_array_index (self->custom, i);
      g_autoptr(GVariant) now = NULL;
      g_autoptr(GVariant) before = NULL;

      if (ci->read_only)
        continue;
      now = custom_input_value (ci);
      before = custom_record_value (self->record, ci);
      if (self->record == NULL ? custom_value_is_empty (now) : g_variant_equal (now, before))
        continue;
      g_variant_builder_add (&builder, "{sv}", ci->record_key, now);
    }
  return g_variant_builder_end (&builder);
}

void
crm_customer_form_show_field_error (CrmCustomerForm *self,
                                    const char      *field,
                                    const char      *message)
{
  g_autofree char *key = g_strndup (field ? field : "", strcspn (field ? field : "", "["));
  int i = field_index (key);
  CustomInput *ci = custom_find (self, key);

  if (ci != NULL)
    {
      custom_set_error (ci, message);
      focus_and_reveal (ci->value_widget);
      return;
    }
  if (i < 0)
    i = 0;   /* unknown field: show it at the top rather than lose it */
  set_error (self, (gsize) i, message);
  gtk_widget_grab_focus (self->inputs[i]);
}

void
crm_customer_form_set_changed_elsewhere (CrmCustomerForm *self,
                                         gboolean         changed)
{
  gtk_widget_set_visible (self->changed_banner, changed);
}

void
crm_customer_form_set_busy (CrmCustomerForm *self,
                            gboolean         busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
}

void
crm_customer_form_focus_first (CrmCustomerForm *self)
{
  gtk_widget_grab_focus (self->inputs[0]);
}

GtkEditable *
crm_customer_form_get_entry (CrmCustomerForm *self,
                             const char      *key)
{
  int i = field_index (key);
  CustomInput *ci = custom_find (self, key);

  if (ci != NULL)
    return GTK_IS_EDITABLE (ci->value_widget) ? GTK_EDITABLE (ci->value_widget) : NULL;
  if (i < 0 || !GTK_IS_EDITABLE (self->inputs[i]))
    return NULL;
  return GTK_EDITABLE (self->inputs[i]);
}

const char *
crm_customer_form_get_error (CrmCustomerForm *self,
                             const char      *key)
{
  int i = field_index (key);
  CustomInput *ci = custom_find (self, key);

  if (ci != NULL)
    return gtk_widget_get_visible (GTK_WIDGET (ci->error)) ? gtk_label_get_text (ci->error) : NULL;
  if (i < 0 || !gtk_widget_get_visible (GTK_WIDGET (self->errors[i])))
    return NULL;
  return gtk_label_get_text (self->errors[i]);
}

static void
crm_customer_form_dispose (GObject *object)
{
  CrmCustomerForm *self = CRM_CUSTOMER_FORM (object);

  g_clear_pointer (&self->record, g_variant_unref);
  if (self->defs)
    {
      g_signal_handlers_disconnect_by_data (self->defs, self);
      if (label_defs == self->defs)
        label_defs = NULL;
    }
  g_clear_object (&self->defs);
  g_clear_pointer (&self->custom, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CUSTOMER_FORM);

  G_OBJECT_CLASS (crm_customer_form_parent_class)->dispose (object);
}

static void
crm_customer_form_class_init (CrmCustomerFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_customer_form_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/jinke/Crm/crm-customer-form.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerForm, title_label);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerForm, changed_banner);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerForm, grid);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerForm, spinner);
}

static void
crm_customer_form_init (CrmCustomerForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->custom = g_ptr_array_new_with_free_func ((GDestroyNotify) custom_input_free);

  /* The rows come from the field table so that labels, validation and the
   * wire keys cannot drift apart. */
  for (gsize i = 0; i < N_FIELDS; i++)
    {
      const Field *field = &fields[i];
      g_autofree char *label_text = g_strdup_printf (field->required ? _("%s *") : "%s",
                                                     _(field->label));
      GtkWidget *label = gtk_label_new (label_text);
      GtkWidget *input;
      GtkWidget *error = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_set_valign (label, field->kind == KIND_NOTES ? GTK_ALIGN_START : GTK_ALIGN_CENTER);

      if (field->kind == KIND_NOTES)
        {
          GtkWidget *scroller = gtk_scrolled_window_new ();
          GtkTextBuffer *buffer;

          input = gtk_text_view_new ();
          gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (input), GTK_WRAP_WORD_CHAR);
          gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), input);
          gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 80);
          gtk_widget_add_css_class (scroller, "frame");
          gtk_grid_attach (self->grid, scroller, 1, (int) i * 2, 1, 1);
          buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (input));
          g_signal_connect_swapped (buffer, "changed", G_CALLBACK (on_changed), self);
        }
      else
        {
          input = gtk_entry_new ();
          if (field->placeholder)
            gtk_entry_set_placeholder_text (GTK_ENTRY (input), _(field->placeholder));
          if (field->kind == KIND_PHONES)
            gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_PHONE);
          else if (field->kind == KIND_POSTAL_CODE)
            gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_DIGITS);
          gtk_grid_attach (self->grid, input, 1, (int) i * 2, 1, 1);
          g_signal_connect_swapped (input, "changed", G_CALLBACK (on_changed), self);
          /* Enter in a field saves, as in any form. */
          gtk_entry_set_activates_default (GTK_ENTRY (input), FALSE);
        }
      gtk_widget_set_hexpand (input, TRUE);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), input);
      gtk_grid_attach (self->grid, label, 0, (int) i * 2, 1, 1);

      gtk_label_set_xalign (GTK_LABEL (error), 0);
      gtk_label_set_wrap (GTK_LABEL (error), TRUE);
      gtk_widget_add_css_class (error, "field-error");
      gtk_widget_set_visible (error, FALSE);
      gtk_grid_attach (self->grid, error, 1, (int) i * 2 + 1, 1, 1);

      self->inputs[i] = input;
      self->errors[i] = GTK_LABEL (error);
    }
  crm_customer_form_set_record (self, NULL);
}
