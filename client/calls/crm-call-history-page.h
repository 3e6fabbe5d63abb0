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
 * export (.xlsx or CSV), print (Ctrl+P).
 */
#define CRM_TYPE_CALL_HISTORY_PAGE (crm_call_history_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallHistoryPage, crm_call_history_page, CRM, CALL_HISTORY_PAGE, GtkBox)

CrmCallHistoryPage *crm_call_history_page_new (CrmSession *session, const char *http_base);
void                crm_call_history_page_refresh (CrmCallHistoryPage *self);
/* Every call the filters match, as .xlsx when the file name ends so and as
 * CSV (UTF-8 with BOM) otherwise; the status line tells when it is written
 * ("Exported n calls"). */
void                crm_call_history_page_export (CrmCallHistoryPage *self, GFile *file);
/* Prints every call the filters match (A4, see crm-call-print.h); with
 * `pdf_path` the PDF is written there without a dialog ("Printed n calls"). */
void                crm_call_history_page_print  (CrmCallHistoryPage *self, const char *pdf_path);

/* Sets the filters as a user would (NULL or "" = any): direction "in" or
 * "out", status "answered", "missed", "rejected", "blocked" or "fax",
 * digits of the number. */
void                crm_call_history_page_set_filter (CrmCallHistoryPage *self,
                                                      const char         *direction,
                                                      const char         *status,
                                                      const char         *number);

/* The period filter: "today", "last-7-days", "this-month", "last-month",
 * NULL or "" = any time. */
void                crm_call_history_page_set_period (CrmCallHistoryPage *self, const char *period);

/* For the tests. */
GListModel   *crm_call_history_page_get_model  (CrmCallHistoryPage *self);
const char   *crm_call_history_page_get_status (CrmCallHistoryPage *self);
/* The file being played, NULL when none. */
GtkMediaStream *crm_call_history_page_get_stream (CrmCallHistoryPage *self);

G_END_DECLS
