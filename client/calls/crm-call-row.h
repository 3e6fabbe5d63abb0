/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One record of call.list or blacklist.list (an a{sv}) as a list item. */
#define CRM_TYPE_CALL_ROW (crm_call_row_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallRow, crm_call_row, CRM, CALL_ROW, GObject)

CrmCallRow *crm_call_row_new        (GVariant *record);
GVariant   *crm_call_row_get_record (CrmCallRow *self);
const char *crm_call_row_get_string (CrmCallRow *self, const char *key); /* "" when absent */
gint64      crm_call_row_get_int64  (CrmCallRow *self, const char *key); /* 0 when absent */
gboolean    crm_call_row_get_bool   (CrmCallRow *self, const char *key);

G_END_DECLS
