/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-modules.h"

G_BEGIN_DECLS

#define CRM_CUSTOMER_MAX_PHONES 10

/* The editable fields of a customer, as sent in "a{sv}". */
typedef enum {
  CF_NAME = 0, CF_SHORT_NAME, CF_CATEGORY, CF_INDUSTRY, CF_SOURCE, CF_REGION,
  CF_VALUE, CF_ADDRESS, CF_POSTAL_CODE, CF_NOTES, CF_N_TEXT,
} CrmCustomerTextField;

typedef struct {
  char    *text[CF_N_TEXT];
  GStrv    phones;
  gint64   owner_id;
  guint32  present;     /* bit per CrmCustomerTextField, plus the two below */
} CrmCustomerFields;

#define CF_PRESENT_PHONES (1u << 20)
#define CF_PRESENT_OWNER  (1u << 21)

extern const char * const crm_customer_text_keys[CF_N_TEXT];

void     crm_customer_fields_clear (CrmCustomerFields *f);
/* Checks types, lengths, phones and postal code; unknown or read-only keys
 * are refused.  `create`: name required.  Errors name the field. */
gboolean crm_customer_fields_parse (GVariant           *dict,
                                    gboolean            create,
                                    CrmCustomerFields  *out,
                                    GError            **error);

/* Search columns derived from the fields. */
typedef struct {
  char *pinyin;
  char *initials;
  char *phone_digits;
  char *bigrams;      /* text[] literal */
} CrmCustomerDerived;

void crm_customer_derive (const CrmCustomerFields *f, CrmCustomerDerived *out);
void crm_customer_derived_clear (CrmCustomerDerived *d);

/* Every 2-character substring of the lower-cased text, unique. */
GPtrArray *crm_customer_bigrams (const char *text, GPtrArray *into);

/* Columns of a customer row as selected by CRM_CUSTOMER_COLUMNS. */
#define CRM_CUSTOMER_COLUMNS \
  "c.id, c.version, c.code, c.name, c.short_name, c.category, c.industry, c.source," \
  " c.region, c.value, c.phones, c.address, c.postal_code, c.notes, c.owner_id," \
  " coalesce ((SELECT display_name FROM users WHERE id = c.owner_id), '')," \
  " c.created_by, extract (epoch FROM c.created_at), extract (epoch FROM c.updated_at)," \
  " extract (epoch FROM c.deleted_at), c.custom::text"
#define CRM_CUSTOMER_N_COLUMNS 21

GVariant *crm_customer_row_to_variant (const PGresult *res, int row, int first_col);

/* JSON of a row for audit, without the derived search columns. */
#define CRM_CUSTOMER_AUDIT_JSON \
  "(to_jsonb (c) - ARRAY['search_bigrams', 'name_pinyin', 'name_initials', 'phone_digits'," \
  " 'custom_search', 'contact_names', 'contact_bigrams'])"

G_END_DECLS
