/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCallHistoryPage: 来电/去电记录: call.list in a column view, newest
 * first, filtered by direction, status and number, paged by id ("load
 * more"); a recording plays (for users with call.recording.listen) after
 * it was downloaded and its SHA-256 checked.
 * Actions (prefix "calls."): refresh, load-more, play (s: recording SHA-256),
 * export (CSV).
 */
#define CRM_TYPE_CALL_HISTORY_PAGE (crm_call_history_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallHistoryPage, crm_call_history_page, CRM, CALL_HISTORY_PAGE, GtkBox)

CrmCallHistoryPage *crm_call_history_page_new (CrmSession *session, const char *http_base);
void                crm_call_history_page_refresh (CrmCallHistoryPage *self);
/* CSV of every call the filters match (UTF-8 with BOM); the status line
 * tells when it is written. */
void                crm_call_history_page_export (CrmCallHistoryPage *self, GFile *file);

/* For the tests. */
GListModel   *crm_call_history_page_get_model  (CrmCallHistoryPage *self);
const char   *crm_call_history_page_get_status (CrmCallHistoryPage *self);
/* The file being played, NULL when none. */
GtkMediaStream *crm_call_history_page_get_stream (CrmCallHistoryPage *self);

G_END_DECLS
