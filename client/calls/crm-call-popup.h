/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCallPopup: the window that comes up when the phone rings: who is
 * calling (customer, owner, primary contact, previous calls, recent
 * follow-ups) or "Unknown number", with actions (prefix "popup."):
 *   open-customer  → "open-customer" (gint64 id)
 *   quick-add      → "quick-add" (const char *number)
 *   blacklist      blacklist.save of the number (blacklist.manage)
 *   write-followup a follow-up form for the customer, method phone, with
 *                  the contact who called
 *   add-contact    a contact form for the customer with the number
 *   close
 */
#define CRM_TYPE_CALL_POPUP (crm_call_popup_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallPopup, crm_call_popup, CRM, CALL_POPUP, GtkWindow)

CrmCallPopup *crm_call_popup_new (CrmSession *session);
/* `info`: call.lookup's reply plus "number" (and "number_reason"). */
void          crm_call_popup_set_info (CrmCallPopup *self, GVariant *info);

/* For the tests and the benchmark. */
const char   *crm_call_popup_get_title_text  (CrmCallPopup *self);
const char   *crm_call_popup_get_detail_text (CrmCallPopup *self);
gint64        crm_call_popup_get_customer_id (CrmCallPopup *self);
const char   *crm_call_popup_get_status_text (CrmCallPopup *self);
/* The recent follow-ups as shown ("" when none). */
const char   *crm_call_popup_get_followups_text (CrmCallPopup *self);
/* The follow-up or contact form the pop-up opened last, while open. */
GtkWindow    *crm_call_popup_get_form (CrmCallPopup *self);
/* The "popup." actions (to check which are enabled). */
GActionGroup *crm_call_popup_get_actions (CrmCallPopup *self);

G_END_DECLS
