/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-calls"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-calls-private.h"
#include "crm-phone.h"

/*
 * Caller → customer.  The database narrows the customers down by the last
 * seven digits of their numbers (customer_phone_tails, migration 0030); the
 * exact rules of crm_phone_match_key() then decide, so the SQL never has to
 * repeat them.
 */

#define MAX_CANDIDATES 50

void
crm_call_match_clear (CrmCallMatch *match)
{
  g_clear_pointer (&match->customer_name, g_free);
  g_clear_pointer (&match->owner_name, g_free);
  match->customer_id = 0;
  match->owner_id = 0;
  match->outside_scope = FALSE;
}

char *
crm_calls_local_area_code (CrmDb *db, GError **error)
{
  g_autoptr(PGresult) res = crm_db_exec (db, "calls_area_code",
                                         "SELECT local_area_code FROM call_settings", 0, NULL, error);

  if (res == NULL)
    return NULL;
  return g_strdup (PQntuples (res) > 0 ? crm_db_get_string (res, 0, 0) : "");
}

static char *
tail_of (const char *key)
{
  g_autofree char *digits = crm_phone_digits (key);
  gsize n = strlen (digits);

  return g_strdup (n > 7 ? digits + n - 7 : digits);
}

gboolean
crm_calls_match_customer (CrmDb        *db,
                          gint64        user_id,
                          const char   *key,
                          const char   *area_code,
                          CrmCallMatch *match,
                          GError      **error)
{
  g_autofree char *owners = NULL;
  g_autofree char *tail = NULL;
  g_autoptr(PGresult) res = NULL;

  crm_call_match_clear (match);
  if (key == NULL || *key == '\0')
    return TRUE;
  tail = tail_of (key);
  if (strlen (tail) < 3)
    return TRUE;
  if (!crm_db_scope_owners (db, user_id, "customer.view", &owners, error))
    return FALSE;
  {
    g_autofree char *limit = g_strdup_printf ("%d", MAX_CANDIDATES);
    const char *params[] = { tail, owners, limit };

    /* The tails first, always: with the LIMIT and no statistics yet (a
     * fresh bulk load) the planner would rather walk every customer in
     * updated_at order looking for the tail. */
    res = crm_db_exec (db, "calls_match_candidates",
                       "WITH cand AS MATERIALIZED ("
                       "  SELECT customer_id FROM customer_phone_tails WHERE tail = $1 LIMIT 1000)"
                       " SELECT c.id, c.name, c.phones, c.owner_id, u.display_name,"
                       " ($2::bigint[] IS NULL OR c.owner_id = ANY ($2::bigint[])) AS in_scope"
                       " FROM cand"
                       " JOIN customers c ON c.id = cand.customer_id"
                       " JOIN users u ON u.id = c.owner_id"
                       " WHERE c.deleted_at IS NULL"
                       " ORDER BY in_scope DESC, c.updated_at DESC, c.id DESC LIMIT $3::int",
                       3, params, error);
  }
  if (res == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (res); row++)
    {
      g_auto(GStrv) phones = crm_db_parse_array (crm_db_get_string (res, row, 2));
      gboolean same = FALSE;

      for (guint i = 0; phones != NULL && phones[i] != NULL && !same; i++)
        {
          g_autofree char *k = crm_phone_match_key (phones[i], area_code);

          same = k != NULL && strcmp (k, key) == 0;
        }
      if (!same)
        continue;
      match->owner_id = crm_db_get_int64 (res, row, 3);
      match->owner_name = g_strdup (crm_db_get_string (res, row, 4));
      if (crm_db_get_bool (res, row, 5))
        {
          match->customer_id = crm_db_get_int64 (res, row, 0);
          match->customer_name = g_strdup (crm_db_get_string (res, row, 1));
        }
      else
        match->outside_scope = TRUE;
      return TRUE;
    }
  return TRUE;
}

gboolean
crm_calls_dict_get (GVariant            *dict,
                    const char          *key,
                    const GVariantType  *type,
                    GVariant           **value,
                    GError             **error)
{
  g_autoptr(GVariant) v = g_variant_lookup_value (dict, key, NULL);

  *value = NULL;
  if (v == NULL)
    return TRUE;
  if (!g_variant_is_of_type (v, type))
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, key,
                         _("The field has the wrong type")));
      return FALSE;
    }
  *value = g_steal_pointer (&v);
  return TRUE;
}
