/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>
#include <glib.h>

#include "crm-connection.h"

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

/* A record id from the command line: a positive whole number; otherwise a
 * G_OPTION_ERROR naming `what` (e.g. "customer ID"). */
gboolean crmctl_parse_id (const char *text, const char *what, gint64 *id, GError **error);

/* Splits argv[*i], "--opt=value" or "--opt value" (the value only when
 * `wants_value`), into `name` and `value`; returns FALSE at a non-option.
 * `*i` advances past what was consumed.  A missing value sets `error`
 * (and still returns TRUE). */
gboolean crmctl_next_option (int argc, char **argv, int *i, char **name, const char **value,
                             gboolean wants_value, GError **error);

/* Prints the "aa{sv}" `rows` as a table of `n` columns, cell text by `cell`. */
typedef char *(*CrmctlCellFunc) (GVariant *row, const char *key);
void crmctl_print_rows (GVariant *rows, guint n, const char * const *headers,
                        const char * const *keys, CrmctlCellFunc cell, FILE *out);

/* Sends the write `message_id` with `args` (a tuple, sunk if floating)
 * after a new idempotency key. */
GVariant *crmctl_call_keyed (CrmConnection *connection, guint message_id, GVariant *args,
                             GError **error);

/* Creates a record (`create_message` with "(s@a{sv})", `fields` sunk if
 * floating) and returns its id and version. */
gboolean crmctl_create (CrmConnection *connection, guint create_message, GVariant *fields,
                        gint64 *id, gint64 *version, GError **error);

/* The current version of record `id`, read with `get_message`: writes name
 * the version they change.  `no_version` is the error text for a record
 * without one. */
gboolean crmctl_fetch_version (CrmConnection *connection, guint get_message, gint64 id,
                               const char *no_version, gint64 *version, GError **error);

/* What a write command prints: with `json` {"id", "version"} (or
 * {"id", "deleted": true} when `version` < 0), else `text`. */
void crmctl_print_written (gboolean json, gint64 id, gint64 version, const char *text, FILE *out);

G_END_DECLS
