/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The call history out of the client: every call a filter matches, read
 * page by page (call.list), written as a spreadsheet.
 *
 * GTK-free and session-free: `crmctl call export` uses it too.
 *
 * CSV: UTF-8 with a BOM (Excel reads the Chinese), every field quoted, a
 * leading = + - @ neutralised.  XLSX (libxlsxwriter): the start time as a
 * date cell, the duration as a number of seconds, text as text; bold
 * header row frozen, column widths, an autofilter.  Both are written to a
 * temporary file renamed over the target when complete: a failed export
 * leaves nothing behind.
 */

typedef enum {
  CRM_CALL_EXPORT_CSV,
  CRM_CALL_EXPORT_XLSX,
} CrmCallExportFormat;

/* Calls read for one export or printout at most. */
#define CRM_CALL_EXPORT_MAX_ROWS 200000

/* Calls per call.list request while exporting. */
#define CRM_CALL_EXPORT_PAGE_ROWS 500

/* ".xlsx" (any case) → XLSX, anything else CSV. */
CrmCallExportFormat crm_call_export_format_for_path (const char *path);
/* FALSE when the client was built without libxlsxwriter. */
gboolean            crm_call_export_format_available (CrmCallExportFormat format);

typedef struct _CrmCallExport CrmCallExport;

CrmCallExport *crm_call_export_new    (CrmCallExportFormat   format,
                                       const char           *path,
                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;
/* One call.list record (a{sv}). */
void           crm_call_export_add    (CrmCallExport *self, GVariant *record);
guint          crm_call_export_get_n_rows (CrmCallExport *self);
/* Writes the file; the export is spent either way. */
gboolean       crm_call_export_finish (CrmCallExport *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Drops an unfinished export and its temporary file. */
void           crm_call_export_free   (CrmCallExport *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmCallExport, crm_call_export_free)

G_END_DECLS
