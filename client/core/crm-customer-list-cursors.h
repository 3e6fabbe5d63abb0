/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CrmCustomerListCursors: the keyset cursors CrmCustomerListModel knows, by
 * page, each tagged with the block of rows it came from (block 0: walked
 * from the start of the list; every customer.seek starts another).  The
 * first cursor known for a page stays, except that block 0's replaces
 * another block's (its positions are exact).
 */
typedef struct _CrmCustomerListCursors CrmCustomerListCursors;

CrmCustomerListCursors *crm_customer_list_cursors_new        (void);
void                    crm_customer_list_cursors_free       (CrmCustomerListCursors *self);
void                    crm_customer_list_cursors_clear      (CrmCustomerListCursors *self);
/* The cursor of `page`, or NULL when none is known. */
const char             *crm_customer_list_cursors_get        (CrmCustomerListCursors *self,
                                                              guint                   page);
/* The block of the cursor of `page` (0 when none is known). */
guint                   crm_customer_list_cursors_get_block  (CrmCustomerListCursors *self,
                                                              guint                   page);
void                    crm_customer_list_cursors_put        (CrmCustomerListCursors *self,
                                                              guint                   page,
                                                              const char             *key,
                                                              guint                   block);
/* Forgets every cursor of `block`. */
void                    crm_customer_list_cursors_drop_block (CrmCustomerListCursors *self,
                                                              guint                   block);
/* One past the highest page that ever had a cursor. */
guint                   crm_customer_list_cursors_get_len    (CrmCustomerListCursors *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmCustomerListCursors, crm_customer_list_cursors_free)

G_END_DECLS
