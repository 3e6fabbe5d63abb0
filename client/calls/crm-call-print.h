/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * The call history on paper (GtkPrintOperation, Cairo + Pango): A4
 * portrait, the filter in the title on every page, the header row repeated,
 * "Page n of m" at the foot, the totals (calls, answered, missed, talk
 * time) after the last row.
 *
 * `records`: call.list records (GVariant a{sv}), printed in that order.
 * `pdf_path` NULL: the print dialog (asynchronous; the result is then
 * GTK_PRINT_OPERATION_RESULT_IN_PROGRESS); otherwise the PDF is written
 * there without a dialog.
 */
GtkPrintOperationResult crm_call_print_run (GtkWindow   *parent,
                                            const char  *filter_text,
                                            GPtrArray   *records,
                                            const char  *pdf_path,
                                            GError     **error);

G_END_DECLS
