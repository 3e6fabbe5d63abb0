/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * CrmCustomerRow: one customer as the list shows it.  A placeholder row
 * stands for a position whose page has not arrived yet; the list model
 * replaces it (items-changed) once the page is loaded.
 */
#define CRM_TYPE_CUSTOMER_ROW (crm_customer_row_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomerRow, crm_customer_row, CRM, CUSTOMER_ROW, GObject)

CrmCustomerRow *crm_customer_row_new_placeholder (void);
/* `record` is a customer "a{sv}" (sunk if floating). */
CrmCustomerRow *crm_customer_row_new             (GVariant *record);
/* Gives the row another record (sunk if floating).  Only for rows a view
 * reuses on purpose (the quick-search results: the same row objects given
 * back to the table keep their row widgets, which are rebound rather than
 * built again); rows of the paged list never change. */
void            crm_customer_row_set_record      (CrmCustomerRow *self,
                                                  GVariant       *record);

gboolean    crm_customer_row_is_placeholder (CrmCustomerRow *self);
gint64      crm_customer_row_get_id         (CrmCustomerRow *self);
gint64      crm_customer_row_get_version    (CrmCustomerRow *self);
/* The whole record, or NULL for a placeholder. */
GVariant   *crm_customer_row_get_record     (CrmCustomerRow *self);
/* A string field of the record ("" when absent). */
const char *crm_customer_row_get_string     (CrmCustomerRow *self,
                                             const char     *key);
gint64      crm_customer_row_get_int64      (CrmCustomerRow *self,
                                             const char     *key);
/* The text a list cell shows for `column` (phones joined, timestamps
 * formatted for the locale); a newly allocated string. */
char       *crm_customer_row_dup_display    (CrmCustomerRow *self,
                                             const char     *column);

/* Local date and time for a unix-µs timestamp, formatted for the locale. */
char       *crm_format_timestamp            (gint64 unix_us);
/* The local date only, formatted for the locale. */
char       *crm_format_date                 (gint64 unix_us);

G_END_DECLS
