/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-page"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-customer-form.h"
#include "crm-customer-page.h"
#include "crm-customer-row.h"

/* Shown in this order; timestamps and phones are formatted. */
static const char * const keys[] = {
  "short_name", "category", "industry", "source", "region", "value", "phones",
  "address", "postal_code", "owner_name", "notes", "created_at", "updated_at",
};
#define N_KEYS G_N_ELEMENTS (keys)

struct _CrmCustomerPage
{
  GtkBox     parent_instance;

  GtkLabel  *title_label;
  GtkLabel  *subtitle_label;
  GtkGrid   *grid;
  GtkBox    *content_box;
  GtkLabel  *values[N_KEYS];
  CrmContactsSection  *contacts;
  CrmFollowupTimeline *followups;

  GVariant  *record;
  GPtrArray *custom_rows;  /* custom fields' label and value widgets (issue 4) */
};

/* One row of the details grid: the dimmed label `key_text` and its
 * selectable, wrapping value (built-in fields and custom fields alike).
 * Returns the value label; the key label in *key_out when asked. */
static GtkLabel *
attach_field (CrmCustomerPage *self, int row, const char *key_text, const char *value_text,
              GtkWidget **key_out)
{
  GtkWidget *key = gtk_label_new (key_text);
  GtkWidget *value = gtk_label_new (value_text);

  gtk_label_set_xalign (GTK_LABEL (key), 1);
  gtk_widget_set_valign (key, GTK_ALIGN_START);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_widget_set_hexpand (value, TRUE);
  gtk_grid_attach (self->grid, key, 0, row, 1, 1);
  gtk_grid_attach (self->grid, value, 1, row, 1, 1);
  if (key_out != NULL)
    *key_out = key;
  return GTK_LABEL (value);
}

G_DEFINE_FINAL_TYPE (CrmCustomerPage, crm_customer_page, GTK_TYPE_BOX)

void
crm_customer_page_set_record (CrmCustomerPage *self,
                              GVariant        *record)
{
  g_autoptr(CrmCustomerRow) row = NULL;
  g_autofree char *subtitle = NULL;

  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));
  g_return_if_fail (record != NULL);

  g_variant_ref_sink (record);
  g_clear_pointer (&self->record, g_variant_unref);
  self->record = record;
  row = crm_customer_row_new (record);

  gtk_label_set_text (self->title_label, crm_customer_row_get_string (row, "name"));
  subtitle = g_strdup_printf (_("Customer code %s"), crm_customer_row_get_string (row, "code"));
  gtk_label_set_text (self->subtitle_label, subtitle);

  for (gsize i = 0; i < N_KEYS; i++)
    {
      g_autofree char *text = crm_customer_row_dup_display (row, keys[i]);

      gtk_label_set_text (self->values[i], *text ? text : "—");
    }
  /* Custom fields with a value, after the built-in ones (issue 4). */
  {
    g_auto(GStrv) custom = crm_customer_dup_custom_keys (record);

    for (guint i = 0; i < self->custom_rows->len; i++)
      gtk_grid_remove (self->grid, g_ptr_array_index (self->custom_rows, i));
    g_ptr_array_set_size (self->custom_rows, 0);
    for (guint i = 0; custom[i]; i++)
      {
        g_autoptr(GVariant) value = g_variant_lookup_value (record, custom[i], NULL);
        g_autofree char *text = crm_custom_field_format_value (value);
        GtkWidget *key;
        GtkLabel *shown = attach_field (self, (int) (N_KEYS + i), crm_customer_field_label (custom[i]),
                                        *text ? text : "—", &key);

        g_ptr_array_add (self->custom_rows, key);
        g_ptr_array_add (self->custom_rows, shown);
      }
  }
  crm_contacts_section_set_customer (self->contacts, crm_customer_page_get_id (self),
                                     crm_customer_row_get_string (row, "name"));
  crm_followup_timeline_set_customer (self->followups, crm_customer_page_get_id (self),
                                      crm_customer_row_get_string (row, "name"));
}

void
crm_customer_page_set_session (CrmCustomerPage *self,
                               CrmSession      *session)
{
  g_return_if_fail (CRM_IS_CUSTOMER_PAGE (self));
  crm_contacts_section_set_session (self->contacts, session);
  crm_followup_timeline_set_session (self->followups, session);
}

CrmContactsSection *
crm_customer_page_get_contacts (CrmCustomerPage *self)
{
  return self->contacts;
}

CrmFollowupTimeline *
crm_customer_page_get_followups (CrmCustomerPage *self)
{
  return self->followups;
}

GVariant *
crm_customer_page_get_record (CrmCustomerPage *self)
{
  return self->record;
}

gint64
crm_customer_page_get_id (CrmCustomerPage *self)
{
  gint64 id = 0;

  if (self->record)
    g_variant_lookup (self->record, "id", "x", &id);
  return id;
}

const char *
crm_customer_page_get_value (CrmCustomerPage *self,
                             const char      *key)
{
  if (g_str_equal (key, "name"))
    return gtk_label_get_text (self->title_label);
  for (gsize i = 0; i < N_KEYS; i++)
    if (g_str_equal (keys[i], key))
      return gtk_label_get_text (self->values[i]);
  return NULL;
}

static void
crm_customer_page_dispose (GObject *object)
{
  CrmCustomerPage *self = CRM_CUSTOMER_PAGE (object);

  g_clear_pointer (&self->record, g_variant_unref);
  g_clear_pointer (&self->custom_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CUSTOMER_PAGE);

  G_OBJECT_CLASS (crm_customer_page_parent_class)->dispose (object);
}

static void
crm_customer_page_class_init (CrmCustomerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_customer_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/jinke/Crm/crm-customer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, grid);
  gtk_widget_class_bind_template_child (widget_class, CrmCustomerPage, content_box);
}

static void
crm_customer_page_init (CrmCustomerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->custom_rows = g_ptr_array_new ();

  for (gsize i = 0; i < N_KEYS; i++)
    {
      self->values[i] = attach_field (self, (int) i, crm_customer_field_label (keys[i]), NULL, NULL);
    }
  self->contacts = g_object_new (CRM_TYPE_CONTACTS_SECTION, NULL);
  gtk_box_append (self->content_box, GTK_WIDGET (self->contacts));
  self->followups = g_object_new (CRM_TYPE_FOLLOWUP_TIMELINE, NULL);
  gtk_box_append (self->content_box, GTK_WIDGET (self->followups));
}
