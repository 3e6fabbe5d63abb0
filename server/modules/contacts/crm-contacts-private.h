/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-modules.h"

G_BEGIN_DECLS

/*
 * Contacts and follow-ups of customers (server/modules/contacts).  Both
 * take their data scope from their customer: a statement reaches a contact
 * or follow-up only through a live customer whose owner is in the actor's
 * scope for the message's permission, so one outside it answers exactly
 * like a missing one.
 */

/* The customer scope clause; $2 is the owners literal (NULL = everyone). */
#define CRM_CONTACTS_SCOPE_SQL "($2::bigint[] IS NULL OR c.owner_id = ANY ($2::bigint[]))"

/* The editable fields of a contact, as sent in "a{sv}". */
typedef enum {
  CT_NAME = 0, CT_TITLE, CT_GENDER, CT_MOBILE, CT_EMAIL, CT_QQ, CT_WECHAT,
  CT_BIRTHDAY, CT_NOTES, CT_N_TEXT,
} CrmContactTextField;

#define CT_PRESENT_PHONES   (1u << 20)
#define CT_PRESENT_PRIMARY  (1u << 21)
#define CT_PRESENT_CUSTOMER (1u << 22)

typedef struct {
  char     *text[CT_N_TEXT];   /* NULL = absent */
  GStrv     phones;
  gboolean  is_primary;
  gint64    customer_id;
  guint32   present;
} CrmContactFields;

extern const char * const crm_contact_text_keys[CT_N_TEXT];

void     crm_contact_fields_clear (CrmContactFields *f);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrmContactFields, crm_contact_fields_clear)
/* Checks types, lengths and formats; unknown keys are refused, errors
 * name the field.  `create`: customer_id and name required. */
gboolean crm_contact_fields_parse (GVariant          *dict,
                                   gboolean           create,
                                   CrmContactFields  *out,
                                   GError           **error);

/* The customer `customer`, live and inside `owners` (else a not-found
 * error on customer_id); its owner in *owner_id.  With `lock`, the row
 * stays locked until the end of the transaction. */
gboolean crm_contacts_customer_reachable (CrmDb       *db,
                                          const char  *customer,
                                          const char  *owners,
                                          gboolean     lock,
                                          gint64      *owner_id,
                                          GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* "YYYY-MM-DD" of a real date between 1900-01-01 and `max_year`-12-31. */
gboolean crm_contacts_valid_date (const char *text, int max_year);

/* What the call pop-up shows of a customer: the primary contact's name
 * ("" when none) and the last `n` follow-ups as records (newest first),
 * within the user's followup.view scope (none outside it). */
gboolean crm_contacts_popup_info (CrmDb       *db,
                                  gint64       user_id,
                                  gint64       customer_id,
                                  guint        n_followups,
                                  char       **primary_contact,
                                  char       **primary_phone,
                                  GVariant   **followups,
                                  GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
