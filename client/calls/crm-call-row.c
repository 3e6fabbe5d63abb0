/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-row"
#include "config.h"

#include "crm-call-row.h"

struct _CrmCallRow {
  GObject parent_instance;
  GVariant *record;
};

G_DEFINE_FINAL_TYPE (CrmCallRow, crm_call_row, G_TYPE_OBJECT)

static void
crm_call_row_finalize (GObject *object)
{
  g_clear_pointer (&CRM_CALL_ROW (object)->record, g_variant_unref);
  G_OBJECT_CLASS (crm_call_row_parent_class)->finalize (object);
}

static void
crm_call_row_class_init (CrmCallRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = crm_call_row_finalize;
}

static void
crm_call_row_init (CrmCallRow *self)
{
}

CrmCallRow *
crm_call_row_new (GVariant *record)
{
  CrmCallRow *self = g_object_new (CRM_TYPE_CALL_ROW, NULL);

  self->record = g_variant_ref_sink (record);
  return self;
}

GVariant *
crm_call_row_get_record (CrmCallRow *self)
{
  return self->record;
}

const char *
crm_call_row_get_string (CrmCallRow *self, const char *key)
{
  const char *value = NULL;

  return g_variant_lookup (self->record, key, "&s", &value) ? value : "";
}

gint64
crm_call_row_get_int64 (CrmCallRow *self, const char *key)
{
  gint64 value = 0;

  g_variant_lookup (self->record, key, "x", &value);
  return value;
}

gboolean
crm_call_row_get_bool (CrmCallRow *self, const char *key)
{
  gboolean value = FALSE;

  g_variant_lookup (self->record, key, "b", &value);
  return value;
}
