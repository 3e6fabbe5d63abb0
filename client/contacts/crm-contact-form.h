/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmContactForm: a window that adds a contact to a customer or edits one
 * (contact.create / contact.update).  Actions (prefix "contact-form."):
 * save (Ctrl+S), cancel (Escape).  Errors from the server are shown in the
 * window and the field they name gets the focus; nothing is lost.
 * Signal "saved" (gint64 contact id) after a successful save; the window
 * then closes.
 */
#define CRM_TYPE_CONTACT_FORM (crm_contact_form_get_type ())
G_DECLARE_FINAL_TYPE (CrmContactForm, crm_contact_form, CRM, CONTACT_FORM, GtkWindow)

/* `record`: the contact to edit (contact.get / contact.list row), or NULL
 * for a new contact of `customer_id`. */
CrmContactForm *crm_contact_form_new (CrmSession *session,
                                      gint64      customer_id,
                                      const char *customer_name,
                                      GVariant   *record);
/* Pre-fills a caller's number: the mobile field for a mobile number,
 * else the phone field. */
void        crm_contact_form_set_phone (CrmContactForm *self, const char *number);
/* For the tests: the input of a field ("name", "title", "mobile",
 * "phones", "email", "qq", "wechat", "birthday", "notes"). */
GtkEditable *crm_contact_form_get_entry (CrmContactForm *self, const char *key);
void        crm_contact_form_set_primary (CrmContactForm *self, gboolean primary);
const char *crm_contact_form_get_error_text (CrmContactForm *self);
gboolean    crm_contact_form_is_busy (CrmContactForm *self);

G_END_DECLS
