/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

/* Terminal columns taken by `text`: East Asian wide and fullwidth
 * characters take two, combining marks none. */
gsize crmctl_display_width (const char *text);

/* A text table whose columns line up in a terminal even with Chinese text. */
typedef struct _CrmctlTable CrmctlTable;

CrmctlTable *crmctl_table_new     (guint n_columns, const char * const *headers);
void         crmctl_table_add_row (CrmctlTable *table, const char * const *cells);
void         crmctl_table_print   (CrmctlTable *table, FILE *out);
void         crmctl_table_free    (CrmctlTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmctlTable, crmctl_table_free)

/* Human text of one record value: strings as they are, string arrays
 * joined with "、", numbers in decimal, anything else as GVariant text. */
char *crmctl_value_to_text (GVariant *value);

/* The value of `key` in an "a{sv}" record as display text ("" if absent). */
char *crmctl_record_dup_text (GVariant *record, const char *key);

/* Like crmctl_record_dup_text(), but times (Unix µs under "…_at" and
 * "time" keys) as local dates. */
char *crmctl_record_dup_display_text (GVariant *record, const char *key);

/* Prints `value` (sunk if floating) as pretty JSON (json-glib's GVariant
 * mapping) on `out`. */
void crmctl_print_json (GVariant *value, FILE *out);

/* Prints an "a{sv}" record as aligned "label  value" lines, known customer
 * fields first in their usual order, then any others by key. */
void crmctl_print_record (GVariant *record, FILE *out);

G_END_DECLS
