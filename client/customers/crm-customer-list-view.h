/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-conflict-dialog.h"
#include "crm-customer-form.h"
#include "crm-customer-list-model.h"
#include "crm-customer-page.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCustomerListView: the Customers module: quick search, filters, the
 * paged table (server-sorted by column header) and, beside it, the
 * customer page or the create/edit form.
 *
 * Actions (prefix "customer."): new, edit, save, cancel, delete, refresh,
 * apply-filters, clear-filters.
 */
#define CRM_TYPE_CUSTOMER_LIST_VIEW (crm_customer_list_view_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomerListView, crm_customer_list_view, CRM, CUSTOMER_LIST_VIEW, GtkBox)

CrmCustomerListView *crm_customer_list_view_new          (CrmSession *session,
                                                          GSettings  *settings);
void                 crm_customer_list_view_focus_search (CrmCustomerListView *self);
/* Re-reads the list, the search results and the open customer. */
void                 crm_customer_list_view_refresh      (CrmCustomerListView *self);
/* Stores column order and widths and the sort in GSettings. */
void                 crm_customer_list_view_save_state   (CrmCustomerListView *self);
/* Opens a customer on the right (reads it from the server). */
void                 crm_customer_list_view_open         (CrmCustomerListView *self,
                                                          gint64               id);

/* For the UI tests and benchmarks. */
GtkEditable          *crm_customer_list_view_get_search_entry (CrmCustomerListView *self);
GtkColumnView        *crm_customer_list_view_get_column_view  (CrmCustomerListView *self);
/* The model the table shows now: the paged list or the search results. */
GListModel           *crm_customer_list_view_get_shown_model  (CrmCustomerListView *self);
CrmCustomerListModel *crm_customer_list_view_get_list_model   (CrmCustomerListView *self);
CrmCustomerPage      *crm_customer_list_view_get_page         (CrmCustomerListView *self);
CrmCustomerForm      *crm_customer_list_view_get_form         (CrmCustomerListView *self);
/* "empty", "page" or "form". */
const char           *crm_customer_list_view_get_detail_mode  (CrmCustomerListView *self);
/* TRUE while any request of this view is in flight. */
gboolean              crm_customer_list_view_is_busy          (CrmCustomerListView *self);
/* TRUE while a quick search is pending or in flight. */
gboolean              crm_customer_list_view_is_searching     (CrmCustomerListView *self);
/* The error banner's text, or NULL. */
const char           *crm_customer_list_view_get_error_text   (CrmCustomerListView *self);
const char           *crm_customer_list_view_get_count_text   (CrmCustomerListView *self);
/* Open dialogs, or NULL. */
CrmConflictDialog    *crm_customer_list_view_get_conflict_dialog (CrmCustomerListView *self);
GtkDialog            *crm_customer_list_view_get_confirm_dialog  (CrmCustomerListView *self);
/* Set by the search reply: the time the last search request was sent, in
 * monotonic µs (for the benchmark). */
gint64                crm_customer_list_view_get_search_sent_at  (CrmCustomerListView *self);
/* When the last search reply arrived (monotonic µs). */
gint64                crm_customer_list_view_get_search_reply_at (CrmCustomerListView *self);
/* When the last search's rows were put in the shown model (monotonic µs). */
gint64                crm_customer_list_view_get_search_shown_at (CrmCustomerListView *self);
GtkPopover           *crm_customer_list_view_get_filter_popover  (CrmCustomerListView *self);
GtkEditable          *crm_customer_list_view_get_filter_entry    (CrmCustomerListView *self,
                                                                  const char          *key);

G_END_DECLS
