/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * CrmCustomerPage: one customer's basic information (the future 360° view).
 * Buttons name customer.edit and customer.delete.
 */
#define CRM_TYPE_CUSTOMER_PAGE (crm_customer_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomerPage, crm_customer_page, CRM, CUSTOMER_PAGE, GtkBox)

void      crm_customer_page_set_record (CrmCustomerPage *self,
                                        GVariant        *record);
GVariant *crm_customer_page_get_record (CrmCustomerPage *self);
gint64    crm_customer_page_get_id     (CrmCustomerPage *self);
/* The value shown for a key (for tests), or NULL. */
const char *crm_customer_page_get_value (CrmCustomerPage *self,
                                         const char      *key);

G_END_DECLS
