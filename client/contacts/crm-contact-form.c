/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-contact-form"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-contact-form.h"
#include "crm-contacts-ui.h"
#include "crm-error.h"
#include "crm-messages.h"

/* The text fields in the order shown; "phones" is a comma-separated list. */
static const struct {
  const char *key;
  const char *label;
  const char *placeholder;
} fields[] = {
  { "name", N_("_Full name"), NULL },
  { "title", N_("_Title"), N_("e.g. Purchasing manager") },
  { "mobile", N_("_Mobile"), NULL },
  { "phones", N_("_Phones"), N_("Separate several numbers with commas") },
  { "email", N_("_E-mail"), NULL },
  { "qq", N_("_QQ"), NULL },
  { "wechat", N_("_WeChat"), NULL },
  { "birthday", N_("_Birthday"), N_("YYYY-MM-DD") },
  { "notes", N_("N_otes"), NULL },
};
#define N_FIELDS G_N_ELEMENTS (fields)

/* Gender codes of the protocol, in the drop-down's order. */
static const char * const genders[] = { "", "male", "female" };

struct _CrmContactForm
{
  GtkWindow     parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  GVariant     *record;       /* NULL = new */
  gint64        customer_id;
  gboolean      busy;

  GtkEntry     *entries[N_FIELDS];
  GtkDropDown  *gender;
  GtkCheckButton *primary;
  GtkLabel     *error_label;
  GtkWidget    *save_button;
};

G_DEFINE_FINAL_TYPE (CrmContactForm, crm_contact_form, GTK_TYPE_WINDOW)

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static int
field_index (const char *key)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (strcmp (fields[i].key, key) == 0)
      return (int) i;
  return -1;
}

GtkEditable *
crm_contact_form_get_entry (CrmContactForm *self, const char *key)
{
  int i = field_index (key);

  g_return_val_if_fail (CRM_IS_CONTACT_FORM (self), NULL);
  return i >= 0 ? GTK_EDITABLE (self->entries[i]) : NULL;
}

static const char *
entry_text (CrmContactForm *self, const char *key)
{
  return gtk_editable_get_text (crm_contact_form_get_entry (self, key));
}

static void
set_busy (CrmContactForm *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->save_button, !busy);
}

static void
show_error (CrmContactForm *self, const GError *error)
{
  const char *field = crm_error_get_field (error);
  int i = field ? field_index (g_str_has_prefix (field, "phones") ? "phones" : field) : -1;

  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (i >= 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->entries[i]));
}

static GVariant *
collect_fields (CrmContactForm *self)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GStrvBuilder) phones = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) list = NULL;
  guint gender = gtk_drop_down_get_selected (self->gender);

  for (guint i = 0; i < N_FIELDS; i++)
    if (strcmp (fields[i].key, "phones") != 0)
      g_variant_dict_insert (&d, fields[i].key, "s", entry_text (self, fields[i].key));
  /* Commas of either width, and the enumeration comma. */
  parts = g_regex_split_simple ("[,，、;；]", entry_text (self, "phones"), 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (phones, parts[i]);
    }
  list = g_strv_builder_end (phones);
  g_variant_dict_insert_value (&d, "phones", g_variant_new_strv ((const char * const *) list, -1));
  g_variant_dict_insert (&d, "gender", "s", gender < G_N_ELEMENTS (genders) ? genders[gender] : "");
  g_variant_dict_insert (&d, "is_primary", "b", gtk_check_button_get_active (self->primary));
  if (self->record == NULL)
    g_variant_dict_insert (&d, "customer_id", "x", self->customer_id);
  return g_variant_dict_end (&d);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CrmContactForm) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (reply == NULL)
    {
      show_error (self, error);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, crm_contacts_ui_saved_id (self->record, reply));
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmContactForm *self = CRM_CONTACT_FORM (widget);
  g_autofree char *key = crm_new_idempotency_key ();
  g_autofree char *name = g_strstrip (g_strdup (entry_text (self, "name")));

  if (self->busy)
    return;
  if (*name == '\0')
    {
      g_autoptr(GError) error = crm_error_new_field (CRM_ERROR_INVALID_FIELD, "name",
                                                     _("The name is required"));
      show_error (self, error);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  if (self->record == NULL)
    crm_session_call_async (self->session, CRM_MSG_CONTACT_CREATE,
                            g_variant_new ("(s@a{sv})", key, collect_fields (self)),
                            self->cancellable, saved_cb, g_object_ref (self));
  else
    {
      gint64 id = 0, version = 0;

      g_variant_lookup (self->record, "id", "x", &id);
      g_variant_lookup (self->record, "version", "x", &version);
      crm_session_call_async (self->session, CRM_MSG_CONTACT_UPDATE,
                              g_variant_new ("(sxx@a{sv})", key, id, version, collect_fields (self)),
                              self->cancellable, saved_cb, g_object_ref (self));
    }
}

void
crm_contact_form_set_phone (CrmContactForm *self, const char *number)
{
  g_autofree char *digits = NULL;
  GString *only = g_string_new (NULL);

  g_return_if_fail (CRM_IS_CONTACT_FORM (self));
  if (number == NULL)
    return;
  for (const char *p = number; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (only, *p);
  digits = g_string_free (only, FALSE);
  if (g_str_has_prefix (digits, "86") && strlen (digits) == 13)
    memmove (digits, digits + 2, 12);
  /* Chinese mobiles: 11 digits starting 1[3-9]. */
  if (strlen (digits) == 11 && digits[0] == '1' && digits[1] >= '3')
    gtk_editable_set_text (crm_contact_form_get_entry (self, "mobile"), digits);
  else
    gtk_editable_set_text (crm_contact_form_get_entry (self, "phones"), number);
}

void
crm_contact_form_set_primary (CrmContactForm *self, gboolean primary)
{
  g_return_if_fail (CRM_IS_CONTACT_FORM (self));
  gtk_check_button_set_active (self->primary, primary);
}

const char *
crm_contact_form_get_error_text (CrmContactForm *self)
{
  g_return_val_if_fail (CRM_IS_CONTACT_FORM (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
crm_contact_form_is_busy (CrmContactForm *self)
{
  g_return_val_if_fail (CRM_IS_CONTACT_FORM (self), FALSE);
  return self->busy;
}

static void
load_record (CrmContactForm *self)
{
  const char *gender = "";
  gboolean primary = FALSE;

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (strcmp (fields[i].key, "phones") == 0)
        {
          g_autofree const char **phones = NULL;

          if (g_variant_lookup (self->record, "phones", "^a&s", &phones))
            {
              g_autofree char *joined = g_strjoinv (", ", (char **) phones);
              gtk_editable_set_text (GTK_EDITABLE (self->entries[i]), joined);
            }
        }
      else
        {
          const char *value = "";

          g_variant_lookup (self->record, fields[i].key, "&s", &value);
          gtk_editable_set_text (GTK_EDITABLE (self->entries[i]), value);
        }
    }
  g_variant_lookup (self->record, "gender", "&s", &gender);
  for (guint i = 0; i < G_N_ELEMENTS (genders); i++)
    if (strcmp (gender, genders[i]) == 0)
      gtk_drop_down_set_selected (self->gender, i);
  g_variant_lookup (self->record, "is_primary", "b", &primary);
  gtk_check_button_set_active (self->primary, primary);
}

static void
crm_contact_form_dispose (GObject *object)
{
  CrmContactForm *self = CRM_CONTACT_FORM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->record, g_variant_unref);
  G_OBJECT_CLASS (crm_contact_form_parent_class)->dispose (object);
}

static void
crm_contact_form_finalize (GObject *object)
{
  CrmContactForm *self = CRM_CONTACT_FORM (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (crm_contact_form_parent_class)->finalize (object);
}

static void
crm_contact_form_class_init (CrmContactFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_contact_form_dispose;
  object_class->finalize = crm_contact_form_finalize;
  signals[SIGNAL_SAVED] = crm_contacts_ui_form_class_init (widget_class, "contact-form", save_activated);
}

static void
crm_contact_form_init (CrmContactForm *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  const char *gender_labels[] = { _("Not given"), _("Male"), _("Female"), NULL };
  int row = 0;

  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_size (GTK_WINDOW (self), 420, -1);
  crm_contacts_ui_set_margins (box, 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);

  for (guint i = 0; i < N_FIELDS; i++, row++)
    {
      GtkWidget *label = gtk_label_new_with_mnemonic (_(fields[i].label));
      GtkWidget *entry = gtk_entry_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
      if (fields[i].placeholder)
        gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _(fields[i].placeholder));
      gtk_grid_attach (GTK_GRID (grid), label, 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), entry, 1, row, 1, 1);
      self->entries[i] = GTK_ENTRY (entry);
      if (i == 1)
        {
          GtkWidget *glabel = gtk_label_new_with_mnemonic (_("_Gender"));

          row++;
          self->gender = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (gender_labels));
          gtk_label_set_xalign (GTK_LABEL (glabel), 1);
          gtk_label_set_mnemonic_widget (GTK_LABEL (glabel), GTK_WIDGET (self->gender));
          gtk_widget_set_halign (GTK_WIDGET (self->gender), GTK_ALIGN_START);
          gtk_grid_attach (GTK_GRID (grid), glabel, 0, row, 1, 1);
          gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->gender), 1, row, 1, 1);
        }
    }
  self->primary = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("P_rimary contact of the customer")));
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->primary), 1, row, 1, 1);
  gtk_box_append (GTK_BOX (box), grid);

  crm_contacts_ui_form_finish (GTK_BOX (box), "contact-form", &self->error_label, &self->save_button);
  gtk_window_set_child (GTK_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
}

CrmContactForm *
crm_contact_form_new (CrmSession *session,
                      gint64      customer_id,
                      const char *customer_name,
                      GVariant   *record)
{
  CrmContactForm *self = g_object_new (CRM_TYPE_CONTACT_FORM, NULL);
  g_autofree char *title = NULL;

  self->session = g_object_ref (session);
  self->customer_id = customer_id;
  if (record != NULL)
    {
      self->record = g_variant_ref_sink (record);
      load_record (self);
      title = g_strdup_printf (_("Edit Contact — %s"), customer_name ? customer_name : "");
    }
  else
    title = g_strdup_printf (_("New Contact — %s"), customer_name ? customer_name : "");
  gtk_window_set_title (GTK_WINDOW (self), title);
  return self;
}
