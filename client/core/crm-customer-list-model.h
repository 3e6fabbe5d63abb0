/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-customer-row.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCustomerListModel: GListModel of CrmCustomerRow over customer.list,
 * for tables far larger than memory.
 *
 * n_items starts as the server's estimated total and is corrected once the
 * last page is seen.  get_item() on a position whose page is not cached
 * returns a placeholder row and queues that page; when it arrives the page's
 * range is announced with items-changed (removed == added).  Only the pages
 * the view asked for are kept, in an LRU of CRM_CUSTOMER_LIST_MAX_PAGES, so
 * memory stays flat however far the user scrolls.
 *
 * Keyset cursors cannot seek by themselves: a page a few pages past the
 * nearest known cursor is reached by walking forward with large pages,
 * remembering only the cursors (a few bytes per page); a page farther away
 * (a jump to the middle of a million rows) asks customer.seek for a cursor
 * at position / n_items of the sort order and is placed at that position.
 * Its neighbours load from cursors: forward from each page's next cursor,
 * backward by listing the other way from the jump's cursor.  Items between
 * jumps stay placeholders until they are wanted.  Positions past the pages
 * walked from the start are thus estimates, like n_items.  Where rows
 * reached from two different places meet, the block of the later jump is
 * dropped and loads again from the other's cursors (the block walked from
 * the start always stays), so no row shows twice and none is skipped.
 */
#define CRM_CUSTOMER_LIST_PAGE_ROWS 100
#define CRM_CUSTOMER_LIST_SKIP_ROWS 500
#define CRM_CUSTOMER_LIST_MAX_PAGES 24

#define CRM_TYPE_CUSTOMER_LIST_MODEL (crm_customer_list_model_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomerListModel, crm_customer_list_model,
                      CRM, CUSTOMER_LIST_MODEL, GObject)

CrmCustomerListModel *crm_customer_list_model_new          (CrmSession *session);

/* Both re-query from the first page. `column` is a server sort column
 * ("name" sorts in pinyin order). */
void        crm_customer_list_model_set_sort     (CrmCustomerListModel *self,
                                                  const char           *column,
                                                  gboolean              descending);
const char *crm_customer_list_model_get_sort_column (CrmCustomerListModel *self);
gboolean    crm_customer_list_model_get_sort_descending (CrmCustomerListModel *self);
/* `filters` is "a{sv}" (category, industry, source, region, value: s;
 * owner_id: x), sunk if floating; NULL = none. */
void        crm_customer_list_model_set_filters  (CrmCustomerListModel *self,
                                                  GVariant             *filters);
void        crm_customer_list_model_reload       (CrmCustomerListModel *self);

/* Replaces the cached row with the same id (after an edit or a push);
 * returns FALSE when that row is not cached. */
gboolean    crm_customer_list_model_update_record (CrmCustomerListModel *self,
                                                   GVariant             *record);

gboolean    crm_customer_list_model_get_loading  (CrmCustomerListModel *self);
/* TRUE once the last page has been seen (n_items is exact). */
gboolean    crm_customer_list_model_get_exact    (CrmCustomerListModel *self);
guint       crm_customer_list_model_get_n_cached_pages (CrmCustomerListModel *self);
/* customer.list and customer.seek requests made so far (for tests and the
 * benchmark). */
guint       crm_customer_list_model_get_n_requests (CrmCustomerListModel *self);
/* Blocks of rows dropped where they met another block (for tests). */
guint       crm_customer_list_model_get_n_seams  (CrmCustomerListModel *self);
/* The last load error, or NULL. */
const GError *crm_customer_list_model_get_error  (CrmCustomerListModel *self);

G_END_DECLS
