/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-contacts"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "audit/crm-recycle.h"

/* Deleted contacts and follow-ups in the recycle bin; a record whose
 * customer is itself deleted comes back only with its customer. */

static const CrmRecycleEntity contact_recycle = {
  .entity = "contact",
  .label = N_("Contacts"),
  .permission = "contact.view",
  .list_sql = "SELECT 'contact'::text, k.id, k.name || ' (' || c.name || ')', k.deleted_by,"
              " k.deleted_at, c.owner_id"
              " FROM contacts k JOIN customers c ON c.id = k.customer_id"
              " WHERE k.deleted_at IS NOT NULL",
  .restore_check_sql = "SELECT CASE WHEN c.deleted_at IS NULL THEN 0 ELSE 1 END"
                       " FROM contacts k JOIN customers c ON c.id = k.customer_id WHERE k.id = $1",
  .restore_conflicts = { N_("Restore the contact's customer first") },
  .restore_sql = "UPDATE contacts k SET deleted_at = NULL, deleted_by = NULL,"
                 " version = k.version + 1, updated_at = now ()"
                 " FROM customers c WHERE c.id = k.customer_id"
                 " AND k.id = $1 AND k.deleted_at IS NOT NULL"
                 " RETURNING to_jsonb (k)::text, k.version, c.owner_id",
  .purge_sql = "DELETE FROM contacts k WHERE k.id = $1 AND k.deleted_at IS NOT NULL"
               " RETURNING to_jsonb (k)::text",
};

static const CrmRecycleEntity followup_recycle = {
  .entity = "followup",
  .label = N_("Follow-ups"),
  .permission = "followup.view",
  .list_sql = "SELECT 'followup'::text, f.id, c.name || ': ' || left (f.content, 40), f.deleted_by,"
              " f.deleted_at, c.owner_id"
              " FROM followups f JOIN customers c ON c.id = f.customer_id"
              " WHERE f.deleted_at IS NOT NULL",
  .restore_check_sql = "SELECT CASE WHEN c.deleted_at IS NULL THEN 0 ELSE 1 END"
                       " FROM followups f JOIN customers c ON c.id = f.customer_id WHERE f.id = $1",
  .restore_conflicts = { N_("Restore the follow-up's customer first") },
  .restore_sql = "UPDATE followups f SET deleted_at = NULL, deleted_by = NULL,"
                 " version = f.version + 1, updated_at = now ()"
                 " FROM customers c WHERE c.id = f.customer_id"
                 " AND f.id = $1 AND f.deleted_at IS NOT NULL"
                 " RETURNING to_jsonb (f)::text, f.version, c.owner_id",
  .purge_sql = "DELETE FROM followups f WHERE f.id = $1 AND f.deleted_at IS NOT NULL"
               " RETURNING to_jsonb (f)::text",
};

void
crm_contacts_module_init (void)
{
  crm_recycle_register (&contact_recycle);
  crm_recycle_register (&followup_recycle);
}
