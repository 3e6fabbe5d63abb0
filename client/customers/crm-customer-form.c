/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-form"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-form.h"
#include "crm-error.h"
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
};

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
  return g_variant_builder_end (&builder);
}

void
crm_customer_form_show_field_error (CrmCustomerForm *self,
                                    const char      *field,
                                    const char      *message)
{
  g_autofree char *key = g_strndup (field ? field : "", strcspn (field ? field : "", "["));
  int i = field_index (key);

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

  if (i < 0 || !GTK_IS_EDITABLE (self->inputs[i]))
    return NULL;
  return GTK_EDITABLE (self->inputs[i]);
}

const char *
crm_customer_form_get_error (CrmCustomerForm *self,
                             const char      *key)
{
  int i = field_index (key);

  if (i < 0 || !gtk_widget_get_visible (GTK_WIDGET (self->errors[i])))
    return NULL;
  return gtk_label_get_text (self->errors[i]);
}

static void
crm_customer_form_dispose (GObject *object)
{
  CrmCustomerForm *self = CRM_CUSTOMER_FORM (object);

  g_clear_pointer (&self->record, g_variant_unref);
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
