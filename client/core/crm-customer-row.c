/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-row"
#include "config.h"

#include "crm-customer-row.h"

struct _CrmCustomerRow
{
  GObject   parent_instance;

  GVariant *record;   /* a{sv}, NULL for a placeholder */
};

G_DEFINE_FINAL_TYPE (CrmCustomerRow, crm_customer_row, G_TYPE_OBJECT)

CrmCustomerRow *
crm_customer_row_new_placeholder (void)
{
  return g_object_new (CRM_TYPE_CUSTOMER_ROW, NULL);
}

CrmCustomerRow *
crm_customer_row_new (GVariant *record)
{
  CrmCustomerRow *self;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (record, G_VARIANT_TYPE_VARDICT), NULL);

  self = g_object_new (CRM_TYPE_CUSTOMER_ROW, NULL);
  self->record = g_variant_ref_sink (record);
  return self;
}

void
crm_customer_row_set_record (CrmCustomerRow *self,
                             GVariant       *record)
{
  g_return_if_fail (CRM_IS_CUSTOMER_ROW (self));
  g_return_if_fail (record != NULL);
  g_return_if_fail (g_variant_is_of_type (record, G_VARIANT_TYPE_VARDICT));

  g_variant_ref_sink (record);
  g_clear_pointer (&self->record, g_variant_unref);
  self->record = record;
}

gboolean
crm_customer_row_is_placeholder (CrmCustomerRow *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_ROW (self), TRUE);
  return self->record == NULL;
}

GVariant *
crm_customer_row_get_record (CrmCustomerRow *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_ROW (self), NULL);
  return self->record;
}

const char *
crm_customer_row_get_string (CrmCustomerRow *self,
                             const char     *key)
{
  const char *value = NULL;

  g_return_val_if_fail (CRM_IS_CUSTOMER_ROW (self), "");

  if (self->record == NULL || !g_variant_lookup (self->record, key, "&s", &value))
    return "";
  return value;
}

gint64
crm_customer_row_get_int64 (CrmCustomerRow *self,
                            const char     *key)
{
  gint64 value = 0;

  g_return_val_if_fail (CRM_IS_CUSTOMER_ROW (self), 0);

  if (self->record == NULL || !g_variant_lookup (self->record, key, "x", &value))
    return 0;
  return value;
}

gint64
crm_customer_row_get_id (CrmCustomerRow *self)
{
  return crm_customer_row_get_int64 (self, "id");
}

gint64
crm_customer_row_get_version (CrmCustomerRow *self)
{
  return crm_customer_row_get_int64 (self, "version");
}

static char *
format_local (gint64      unix_us,
              const char *format)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_us <= 0)
    return g_strdup ("");
  utc = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, format);
}

char *
crm_format_timestamp (gint64 unix_us)
{
  /* The locale's date ("2026年11月27日" in zh_CN) and 24-hour time. */
  return format_local (unix_us, "%x %R");
}

char *
crm_format_date (gint64 unix_us)
{
  return format_local (unix_us, "%x");
}

char *
crm_customer_row_dup_display (CrmCustomerRow *self,
                              const char     *column)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER_ROW (self), NULL);

  if (self->record == NULL)
    return g_strdup ("");

  if (g_str_equal (column, "phones"))
    {
      g_autofree const char **phones = NULL;

      if (!g_variant_lookup (self->record, "phones", "^a&s", &phones) || phones == NULL)
        return g_strdup ("");
      return g_strjoinv ("，", (char **) phones);
    }
  if (g_str_equal (column, "created_at") || g_str_equal (column, "updated_at"))
    return crm_format_timestamp (crm_customer_row_get_int64 (self, column));
  if (g_str_equal (column, "owner"))
    return g_strdup (crm_customer_row_get_string (self, "owner_name"));
  return g_strdup (crm_customer_row_get_string (self, column));
}

static void
crm_customer_row_finalize (GObject *object)
{
  CrmCustomerRow *self = CRM_CUSTOMER_ROW (object);

  g_clear_pointer (&self->record, g_variant_unref);

  G_OBJECT_CLASS (crm_customer_row_parent_class)->finalize (object);
}

static void
crm_customer_row_class_init (CrmCustomerRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = crm_customer_row_finalize;
}

static void
crm_customer_row_init (CrmCustomerRow *self)
{
}
