/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-record.h"

struct _CrmAdminRecord
{
  GObject   parent_instance;
  GVariant *fields;
};

G_DEFINE_FINAL_TYPE (CrmAdminRecord, crm_admin_record, G_TYPE_OBJECT)

static void
crm_admin_record_finalize (GObject *object)
{
  g_clear_pointer (&CRM_ADMIN_RECORD (object)->fields, g_variant_unref);

  G_OBJECT_CLASS (crm_admin_record_parent_class)->finalize (object);
}

static void
crm_admin_record_class_init (CrmAdminRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = crm_admin_record_finalize;
}

static void
crm_admin_record_init (CrmAdminRecord *self)
{
}

CrmAdminRecord *
crm_admin_record_new (GVariant *fields)
{
  CrmAdminRecord *self;

  g_return_val_if_fail (fields != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (fields, G_VARIANT_TYPE_VARDICT), NULL);

  self = g_object_new (CRM_TYPE_ADMIN_RECORD, NULL);
  self->fields = g_variant_ref_sink (fields);
  return self;
}

GVariant *
crm_admin_record_get_fields (CrmAdminRecord *self)
{
  return self->fields;
}

static GVariant *
lookup (CrmAdminRecord *self, const char *key)
{
  return g_variant_lookup_value (self->fields, key, NULL);
}

gint64
crm_admin_record_get_id (CrmAdminRecord *self)
{
  return crm_admin_record_get_int (self, "id");
}

const char *
crm_admin_record_get_string (CrmAdminRecord *self, const char *key)
{
  const char *value = NULL;

  /* The dictionary keeps the string alive. */
  if (!g_variant_lookup (self->fields, key, "&s", &value))
    return "";
  return value;
}

gint64
crm_admin_record_get_int (CrmAdminRecord *self, const char *key)
{
  g_autoptr (GVariant) value = lookup (self, key);

  if (value == NULL)
    return 0;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_variant_get_int64 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_variant_get_int32 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_variant_get_uint32 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return (gint64)MIN (g_variant_get_uint64 (value), (guint64)G_MAXINT64);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT16))
    return g_variant_get_int16 (value);
  return 0;
}

gboolean
crm_admin_record_get_boolean (CrmAdminRecord *self, const char *key)
{
  gboolean value = FALSE;

  if (!g_variant_lookup (self->fields, key, "b", &value))
    return FALSE;
  return value;
}

GStrv
crm_admin_record_dup_strv (CrmAdminRecord *self, const char *key)
{
  g_autoptr (GVariant) value = lookup (self, key);

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    return g_new0 (char *, 1);
  return g_variant_dup_strv (value, NULL);
}

char *
crm_admin_format_time (GVariant *value)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;
  gint64 t = 0;

  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      utc = g_date_time_new_from_iso8601 (g_variant_get_string (value, NULL), NULL);
      if (utc == NULL)
        return g_variant_dup_string (value, NULL);
    }
  else
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        t = g_variant_get_int64 (value);
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
        t = g_variant_get_int32 (value);
      if (t == 0)
        return g_strdup ("");
      /* Protocol times are microseconds; tolerate seconds. */
      if (t > -100000000000LL && t < 100000000000LL)
        utc = g_date_time_new_from_unix_utc (t);
      else
        utc = g_date_time_new_from_unix_utc (t / G_USEC_PER_SEC);
    }
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static gboolean
is_time_key (const char *key)
{
  return g_str_has_suffix (key, "_at") || g_str_equal (key, "at") || g_str_has_suffix (key, "_seen")
         || g_str_equal (key, "expires") || g_str_equal (key, "created");
}

char *
crm_admin_record_dup_text (CrmAdminRecord *self, const char *key)
{
  g_autoptr (GVariant) value = lookup (self, key);

  if (value == NULL)
    return g_strdup ("");
  if (is_time_key (key))
    return crm_admin_format_time (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _ ("Yes") : _ ("No"));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **strv = g_variant_get_strv (value, NULL);

      return g_strjoinv ("、", (char **)strv);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64)
      || g_variant_is_of_type (value, G_VARIANT_TYPE_INT32)
      || g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%" G_GINT64_FORMAT, crm_admin_record_get_int (self, key));
  return g_variant_print (value, FALSE);
}

GListStore *
crm_admin_records_from_variant (GVariant *rows)
{
  GListStore  *store = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  GVariantIter iter;
  GVariant    *row;

  if (rows == NULL || !g_variant_is_of_type (rows, G_VARIANT_TYPE ("aa{sv}")))
    return store;
  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)))
    {
      g_autoptr (CrmAdminRecord) record = crm_admin_record_new (row);

      g_variant_unref (row);
      g_list_store_append (store, record);
    }
  return store;
}
