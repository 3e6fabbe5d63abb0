/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * Every call `filters` (call.list's a{sv}) matches, newest first, up to
 * `max_rows` (at most CRM_CALL_EXPORT_MAX_ROWS); `record_cb` (may be NULL) sees each record as
 * it arrives, on the caller's main context.  The result is a GPtrArray of
 * the records (GVariant, a{sv}) unless `keep` is FALSE (then empty).
 */
typedef void (*CrmCallRecordFunc) (GVariant *record, gpointer user_data);

void       crm_call_fetch_all_async  (CrmSession          *session,
                                      GVariant            *filters,
                                      guint                max_rows,
                                      gboolean             keep,
                                      CrmCallRecordFunc    record_cb,
                                      gpointer             record_data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* `truncated` (may be NULL): more calls matched than were read. */
GPtrArray *crm_call_fetch_all_finish (CrmSession    *session,
                                      GAsyncResult  *result,
                                      gboolean      *truncated,
                                      GError       **error);

G_END_DECLS
