/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "audit/crm-recycle.h"

/* Deleted customers in the recycle bin (customer.delete sets deleted_at). */

#define CUSTOMER_AUDIT_JSON                                                                        \
  "(to_jsonb (c) - ARRAY['search_bigrams', 'name_pinyin', 'name_initials', 'phone_digits',"     \
  " 'custom_search', 'contact_names', 'contact_bigrams'])::text"

static const CrmRecycleEntity customer_recycle = {
  .entity = "customer",
  .label = N_ ("Customers"),
  .permission = "customer.view",
  .list_sql = "SELECT 'customer'::text, c.id, c.name, c.deleted_by, c.deleted_at, c.owner_id"
              " FROM customers c WHERE c.deleted_at IS NOT NULL",
  .restore_sql = "UPDATE customers c SET deleted_at = NULL, deleted_by = NULL,"
                 " version = version + 1, updated_at = now ()"
                 " WHERE c.id = $1 AND c.deleted_at IS NOT NULL"
                 " RETURNING " CUSTOMER_AUDIT_JSON ", c.version, c.owner_id",
  .purge_sql = "DELETE FROM customers c WHERE c.id = $1 AND c.deleted_at IS NOT NULL"
               " RETURNING " CUSTOMER_AUDIT_JSON,
};

void
crm_customers_module_init (void)
{
  crm_recycle_register (&customer_recycle);
}
