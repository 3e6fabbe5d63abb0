/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-fields.h"
#include "crm-module-util.h"
#include "settings/crm-settings.h"

/*
 * Customer writes and single reads.  The data scope is a WHERE clause on
 * every statement: a customer outside it answers exactly like a missing one.
 */

#define SCOPE_SQL "($2::bigint[] IS NULL OR c.owner_id = ANY ($2::bigint[]))"

static const CrmRecordKind customer_kind = {
  .entity = "customer",
  .not_found = N_("No such customer"),
  .conflict = N_("Someone else changed this customer meanwhile; reload it and try again"),
  .exists_statement = "customer_exists",
  .exists_sql = "SELECT 1 FROM customers c WHERE c.id = $1 AND c.deleted_at IS NULL AND "
                SCOPE_SQL,
};

/* The owner of a new or changed customer must be an active user inside
 * the actor's scope for that permission. */
static gboolean
check_owner (CrmDb *db, const char *owners, gint64 owner_id, GError **error)
{
  g_autofree char *oid = crm_db_int64_to_string (owner_id);
  const char *params[] = { oid, owners };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "customer_owner_check",
                 "SELECT 1 FROM users WHERE id = $1 AND NOT disabled"
                 " AND ($2::bigint[] IS NULL OR id = ANY ($2::bigint[]))",
                 2, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "owner_id",
                         _("This user cannot be the owner of the customer")));
      return FALSE;
    }
  return TRUE;
}

/* Customer codes come from the numbering rule of settings
 * (crm_settings_reserve_numbers): one counter row per period, locked in the
 * request's transaction, so a rollback leaves no gap. */

/* The same statement also runs pipelined on the network thread
 * (crm-db-pool.c); a miss there comes back here. */
const CrmDbPipelinedRead crm_customer_get_pipelined = {
  .message = CRM_MSG_CUSTOMER_GET,
  .statement = "customer_get",
  .sql = "SELECT " CRM_CUSTOMER_COLUMNS " FROM customers c"
         " WHERE c.id = $1 AND c.deleted_at IS NULL AND " SCOPE_SQL
         " AND $3::bigint = (SELECT n FROM scope_generation)",
  .scope_permission = "customer.view",
  .row_to_reply = crm_customer_row_to_variant,
};

GVariant *
crm_customer_get (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64 id;
  g_autofree char *sid = NULL;

  g_variant_get (request, "(x)", &id);
  sid = crm_db_int64_to_string (id);
  /* The most frequent request: one statement with the cached scope; a
   * miss is retried once with a fresh scope in case it changed. */
  for (int attempt = 0; attempt < 2; attempt++)
    {
      const char *owners, *generation;
      g_autoptr(PGresult) res = NULL;

      if (!crm_db_scope_owners_cached (db, ctx->session->user_id, "customer.view",
                                       attempt > 0, &owners, &generation, error))
        return NULL;
      {
        const char *params[] = { sid, owners, generation };
        res = crm_db_exec (db, crm_customer_get_pipelined.statement,
                           crm_customer_get_pipelined.sql, 3, params, error);
      }
      if (res == NULL)
        return NULL;
      if (PQntuples (res) == 1)
        return crm_customer_row_to_variant (res, 0, 0);
    }
  g_propagate_error (error, crm_record_not_found (&customer_kind));
  return NULL;
}

#define INSERT_SQL \
  "INSERT INTO customers AS c (code, name, short_name, category, industry, source, region," \
  " value, phones, address, postal_code, notes, owner_id, created_by, name_pinyin," \
  " name_initials, phone_digits, search_bigrams, custom)"

GVariant *
crm_customer_create (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  g_autoptr(GVariant) fields = NULL;
  CrmCustomerFields f;
  CrmCustomerDerived der = { 0 };
  g_autofree char *owners = NULL;
  g_auto(GStrv) codes = NULL;
  g_autofree char *custom = NULL;
  g_autofree char *code = NULL;
  g_autofree char *phones = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *creator = NULL;
  g_autoptr(PGresult) res = NULL;
  GVariant *reply = NULL;
  gint64 owner_id;

  g_variant_get (request, "(&s@a{sv})", &key, &fields);
  if (!crm_customer_fields_parse (fields, TRUE, &f, error))
    return NULL;
  /* Custom fields and entry rules (issue 4). */
  if (!crm_settings_custom_parse (db, "customer", fields, TRUE, &custom, error) ||
      !crm_settings_entry_check (db, "customer", fields, 0, FALSE, error))
    goto out;
  owner_id = (f.present & CF_PRESENT_OWNER) ? f.owner_id : ctx->session->user_id;
  if (owner_id != ctx->session->user_id &&
      (!crm_db_scope_owners (db, ctx->session->user_id, "customer.add", &owners, error) ||
       !check_owner (db, owners, owner_id, error)))
    goto out;
  /* The numbering rule of settings (numbering.save); gap-free. */
  codes = crm_settings_reserve_numbers (db, "customer", 1, error);
  if (codes == NULL)
    goto out;
  code = g_strdup (codes[0]);
  crm_customer_derive (&f, &der);
  phones = crm_db_text_array ((const char * const *) f.phones, -1);
  owner = crm_db_int64_to_string (owner_id);
  creator = crm_db_int64_to_string (ctx->session->user_id);
  {
    const char *params[] = {
      code, f.text[CF_NAME], f.text[CF_SHORT_NAME], f.text[CF_CATEGORY],
      f.text[CF_INDUSTRY], f.text[CF_SOURCE], f.text[CF_REGION], f.text[CF_VALUE],
      phones, f.text[CF_ADDRESS], f.text[CF_POSTAL_CODE], f.text[CF_NOTES], owner, creator,
      der.pinyin, der.initials, der.phone_digits, der.bigrams, custom,
    };
    res = crm_db_exec (db, "customer_insert",
                       INSERT_SQL " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
                       " $13, $14, $15, $16, $17, $18, jsonb_strip_nulls ($19::jsonb))"
                       " RETURNING c.id, c.version, " CRM_CUSTOMER_AUDIT_JSON,
                       19, params, error);
  }
  reply = crm_record_created (db, ctx, "customer", res, owner_id, error);

out:
  crm_customer_fields_clear (&f);
  crm_customer_derived_clear (&der);
  return reply;
}

GVariant *
crm_customer_update (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  gint64 id, expected, owner_id, version;
  g_autoptr(GVariant) changes = NULL;
  g_autoptr(GVariant) current = NULL;
  CrmCustomerFields f;
  CrmCustomerDerived der = { 0 };
  g_autofree char *owners = NULL;
  g_autofree char *sid = NULL, *sver = NULL, *phones = NULL, *owner = NULL;
  g_autofree char *custom = NULL;
  g_autoptr(PGresult) cur = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&sxx@a{sv})", &key, &id, &expected, &changes);
  /* Only what changes is validated: stored values stay editable even if a
   * later version of the rules would refuse them. */
  if (!crm_customer_fields_parse (changes, FALSE, &f, error))
    return NULL;
  if (!crm_settings_custom_parse (db, "customer", changes, FALSE, &custom, error) ||
      !crm_settings_entry_check (db, "customer", changes, id, TRUE, error))
    goto out;
  if (!crm_db_scope_owners (db, ctx->session->user_id, "customer.edit", &owners, error))
    goto out;
  sid = crm_db_int64_to_string (id);
  sver = crm_db_int64_to_string (expected);
  cur = crm_record_lock (db, &customer_kind, "customer_lock",
                         "SELECT " CRM_CUSTOMER_COLUMNS ", " CRM_CUSTOMER_AUDIT_JSON
                         " FROM customers c WHERE c.id = $1 AND c.deleted_at IS NULL AND "
                         SCOPE_SQL " FOR UPDATE", sid, owners, 1, expected, error);
  if (cur == NULL)
    goto out;

  /* Merge: the stored record under the changes. */
  current = g_variant_ref_sink (crm_customer_row_to_variant (cur, 0, 0));
  for (guint i = 0; i < CF_N_TEXT; i++)
    if ((f.present & (1u << i)) == 0)
      {
        g_free (f.text[i]);
        g_variant_lookup (current, crm_customer_text_keys[i], "s", &f.text[i]);
      }
  if ((f.present & CF_PRESENT_PHONES) == 0)
    {
      g_strfreev (f.phones);
      g_variant_lookup (current, "phones", "^as", &f.phones);
    }
  owner_id = (f.present & CF_PRESENT_OWNER) ? f.owner_id : crm_db_get_int64 (cur, 0, 14);
  if (owner_id != crm_db_get_int64 (cur, 0, 14) && !check_owner (db, owners, owner_id, error))
    goto out;

  crm_customer_derive (&f, &der);
  phones = crm_db_text_array ((const char * const *) f.phones, -1);
  owner = crm_db_int64_to_string (owner_id);
  {
    const char *params[] = {
      sid, sver, f.text[CF_NAME], f.text[CF_SHORT_NAME], f.text[CF_CATEGORY],
      f.text[CF_INDUSTRY], f.text[CF_SOURCE], f.text[CF_REGION], f.text[CF_VALUE],
      phones, f.text[CF_ADDRESS], f.text[CF_POSTAL_CODE], f.text[CF_NOTES], owner,
      der.pinyin, der.initials, der.phone_digits, der.bigrams, custom,
    };
    res = crm_db_exec (db, "customer_update",
                       "UPDATE customers c SET version = version + 1, updated_at = now (),"
                       " name = $3, short_name = $4, category = $5, industry = $6, source = $7,"
                       " region = $8, value = $9, phones = $10, address = $11, postal_code = $12,"
                       " notes = $13, owner_id = $14, name_pinyin = $15, name_initials = $16,"
                       " phone_digits = $17, search_bigrams = $18,"
                       " custom = " CRM_SETTINGS_CUSTOM_MERGE ("c.custom", "$19")
                       " WHERE c.id = $1 AND c.version = $2 AND c.deleted_at IS NULL"
                       " RETURNING c.version, " CRM_CUSTOMER_AUDIT_JSON,
                       19, params, error);
  }
  if (!crm_record_updated (db, ctx, &customer_kind, res, sid, owners, id,
                           crm_db_get_string (cur, 0, CRM_CUSTOMER_N_COLUMNS), owner_id,
                           &version, error))
    goto out;
  crm_customer_fields_clear (&f);
  crm_customer_derived_clear (&der);
  return g_variant_new ("(x)", version);

out:
  crm_customer_fields_clear (&f);
  crm_customer_derived_clear (&der);
  return NULL;
}

GVariant *
crm_customer_delete (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  return crm_record_delete (db, ctx, request, &customer_kind, "customer.delete", "customer_delete",
                            "UPDATE customers c SET deleted_at = now (), deleted_by = $4,"
                            " version = version + 1, updated_at = now ()"
                            " WHERE c.id = $1 AND c.version = $3 AND c.deleted_at IS NULL AND "
                            SCOPE_SQL " RETURNING c.version, c.owner_id, " CRM_CUSTOMER_AUDIT_JSON,
                            error);
}

/* customer.import: crm-customer-import.c */
