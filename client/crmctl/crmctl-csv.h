/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One CSV record: its cells and the line of the file where it starts
 * (1-based; a quoted cell may span lines). */
typedef struct {
  guint  line;
  GStrv  cells;
  guint  n_cells;
} CrmctlCsvRecord;

void crmctl_csv_record_free (CrmctlCsvRecord *record);

/* Turns file bytes into UTF-8 text: a UTF-8 byte-order mark is dropped;
 * text that is not valid UTF-8 is taken as GB18030 (what Excel writes on
 * Chinese Windows; a superset of GBK and GB2312) and converted.  Fails
 * with a G_CONVERT_ERROR naming the line when neither fits. */
char *crmctl_csv_decode (const char *data, gsize length, GError **error);

/* Parses RFC 4180 text (LF or CRLF line ends, quoted cells with doubled
 * quotes and embedded line breaks) into a GPtrArray of CrmctlCsvRecord.
 * Blank lines are skipped.  An unterminated quote fails with the line
 * where the cell began. */
GPtrArray *crmctl_csv_parse (const char *text, GError **error);

/* Appends one cell, quoted when it holds a comma, quote or line break,
 * or starts or ends with a space. */
void crmctl_csv_append_cell (GString *out, const char *cell);

G_END_DECLS
