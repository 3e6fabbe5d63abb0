/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-contacts-section.h"
#include "crm-followup-timeline.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCustomerPage: one customer's basic information, contacts and
 * follow-up timeline (the future 360° view).  Buttons name customer.edit
 * and customer.delete.
 */
#define CRM_TYPE_CUSTOMER_PAGE (crm_customer_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomerPage, crm_customer_page, CRM, CUSTOMER_PAGE, GtkBox)

void      crm_customer_page_set_record (CrmCustomerPage *self,
                                        GVariant        *record);
GVariant *crm_customer_page_get_record (CrmCustomerPage *self);
gint64    crm_customer_page_get_id     (CrmCustomerPage *self);
/* The session the contacts and follow-ups are read with. */
void      crm_customer_page_set_session (CrmCustomerPage *self,
                                         CrmSession      *session);
CrmContactsSection  *crm_customer_page_get_contacts  (CrmCustomerPage *self);
CrmFollowupTimeline *crm_customer_page_get_followups (CrmCustomerPage *self);
/* The value shown for a key (for tests), or NULL. */
const char *crm_customer_page_get_value (CrmCustomerPage *self,
                                         const char      *key);

G_END_DECLS
