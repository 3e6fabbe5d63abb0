/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * CrmAdminRecord: one "a{sv}" row of an admin reply (a user, a role, a
 * department, an audit entry…) as a list-model item.  Rows carry whatever
 * keys the server sends; the console reads the ones it knows and shows
 * unknown values as text.
 */
#define CRM_TYPE_ADMIN_RECORD (crm_admin_record_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminRecord, crm_admin_record, CRM, ADMIN_RECORD, GObject)

/* `fields` must be "a{sv}"; a floating reference is sunk. */
CrmAdminRecord *crm_admin_record_new (GVariant *fields);
GVariant       *crm_admin_record_get_fields (CrmAdminRecord *self);
gint64          crm_admin_record_get_id (CrmAdminRecord *self);
/* "" when absent or not a string. */
const char *crm_admin_record_get_string (CrmAdminRecord *self, const char *key);
/* 0 when absent; accepts x, i, u and t. */
gint64   crm_admin_record_get_int (CrmAdminRecord *self, const char *key);
gboolean crm_admin_record_get_boolean (CrmAdminRecord *self, const char *key);
/* NULL-terminated, never NULL; for "as" values. */
GStrv crm_admin_record_dup_strv (CrmAdminRecord *self, const char *key);
/* The value as a user reads it: times in local time, booleans as
 * yes/no, lists joined with "、". */
char *crm_admin_record_dup_text (CrmAdminRecord *self, const char *key);

/* Unix microseconds (or seconds, or an ISO 8601 string) as local
 * "2026-11-27 14:05"; "" for 0. */
char *crm_admin_format_time (GVariant *value);

/* Wraps every row of an "aa{sv}" reply. */
GListStore *crm_admin_records_from_variant (GVariant *rows);

G_END_DECLS
