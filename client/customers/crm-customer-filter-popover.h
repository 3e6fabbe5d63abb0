/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCustomerFilterPopover: the customer list's filters (category,
 * industry, source, region, value; owner: anyone, me, or any account the
 * user may list; and every choice or multi-choice custom field, following
 * the definitions live).  Emits "changed" when the user applies or clears them.
 * Actions: filters.apply, filters.clear.
 */
#define CRM_TYPE_CUSTOMER_FILTER_POPOVER (crm_customer_filter_popover_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomerFilterPopover, crm_customer_filter_popover,
                      CRM, CUSTOMER_FILTER_POPOVER, GtkPopover)

void         crm_customer_filter_popover_set_session  (CrmCustomerFilterPopover *self,
                                                       CrmSession               *session);
/* The applied filters as customer.list/search expect them ("a{sv}"). */
GVariant    *crm_customer_filter_popover_get_filters  (CrmCustomerFilterPopover *self);
guint        crm_customer_filter_popover_get_n_active (CrmCustomerFilterPopover *self);
/* For the UI tests. */
GtkEditable *crm_customer_filter_popover_get_entry    (CrmCustomerFilterPopover *self,
                                                       const char               *key);
guint        crm_customer_filter_popover_get_n_owners (CrmCustomerFilterPopover *self);
/* The filter of a choice or multi-choice custom field ("cf.<key>"): item 0
 * is "Any", then the field's choices; NULL when not offered. */
GtkDropDown *crm_customer_filter_popover_get_custom_dropdown (CrmCustomerFilterPopover *self,
                                                              const char               *record_key);

G_END_DECLS
