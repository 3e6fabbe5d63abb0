/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-contact-form.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmContactsSection: the contacts of the customer on the customer page,
 * primary first.  Phone numbers dial out through "app.dial" when the call
 * center offers it.  Actions (prefix "contacts."): add, edit (x id),
 * delete (x id), make-primary (x id).  Reloads on push.record_changed for
 * contacts.
 */
#define CRM_TYPE_CONTACTS_SECTION (crm_contacts_section_get_type ())
G_DECLARE_FINAL_TYPE (CrmContactsSection, crm_contacts_section, CRM, CONTACTS_SECTION, GtkBox)

void     crm_contacts_section_set_session  (CrmContactsSection *self, CrmSession *session);
/* Shows `customer_id`'s contacts (0 = none). */
void     crm_contacts_section_set_customer (CrmContactsSection *self,
                                            gint64              customer_id,
                                            const char         *customer_name);
void     crm_contacts_section_reload       (CrmContactsSection *self);

/* For the tests. */
gboolean        crm_contacts_section_is_busy        (CrmContactsSection *self);
guint           crm_contacts_section_get_n_contacts (CrmContactsSection *self);
/* Contact `i` as shown (list order): a contact record, or NULL. */
GVariant       *crm_contacts_section_get_contact    (CrmContactsSection *self, guint i);
/* The last form this section opened while it is open, or NULL. */
CrmContactForm *crm_contacts_section_get_form       (CrmContactsSection *self);
const char     *crm_contacts_section_get_status_text (CrmContactsSection *self);
/* The open delete confirmation, or NULL. */
GtkDialog      *crm_contacts_section_get_confirm_dialog (CrmContactsSection *self);

G_END_DECLS
