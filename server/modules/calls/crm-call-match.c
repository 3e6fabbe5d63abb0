/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-calls"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-calls-private.h"
#include "crm-phone.h"
#ifdef CRM_HAVE_CONTACTS
#include "contacts/crm-contacts-private.h"
#endif

/*
 * Caller → customer.  The database narrows the customers down by the last
 * seven digits of their numbers (customer_phone_tails, migration 0030); the
 * exact rules of crm_phone_match_key() then decide, so the SQL never has to
 * repeat them.  A customer's own numbers come first; then its contacts'
 * (contact_phone_tails, migration 0094), which name the contact too.
 */

#define POPUP_FOLLOWUPS 3

#define MAX_CANDIDATES 50

void
crm_call_match_clear (CrmCallMatch *match)
{
  g_clear_pointer (&match->customer_name, g_free);
  g_clear_pointer (&match->owner_name, g_free);
  g_clear_pointer (&match->contact_name, g_free);
  match->contact_id = 0;
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

/* Runs the candidates query `sql` ($1 tail, $2 owners, $3 limit; columns
 * customer id, name, phones, owner id, owner name, in_scope and, with
 * `with_contact`, contact id and name) and keeps the first row with a
 * number on the line `key`: outside_scope when the user may not see its
 * customer, and then without the customer or contact. */
static gboolean
match_candidates (CrmDb        *db,
                  const char   *statement,
                  const char   *sql,
                  gboolean      with_contact,
                  const char   *tail,
                  const char   *owners,
                  const char   *key,
                  const char   *area_code,
                  CrmCallMatch *match,
                  GError      **error)
{
  g_autofree char *limit = g_strdup_printf ("%d", MAX_CANDIDATES);
  const char *params[] = { tail, owners, limit };
  g_autoptr(PGresult) res = crm_db_exec (db, statement, sql, 3, params, error);

  if (res == NULL)
    return FALSE;
  for (int row = 0; row < PQntuples (res); row++)
    {
      g_auto(GStrv) phones = crm_db_parse_array (crm_db_get_string (res, row, 2));
      gboolean same = FALSE;

      for (guint i = 0; phones != NULL && phones[i] != NULL && !same; i++)
        {
          g_autofree char *k = NULL;

          if (*phones[i] == '\0')
            continue;
          k = crm_phone_match_key (phones[i], area_code);
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
          if (with_contact)
            {
              match->contact_id = crm_db_get_int64 (res, row, 6);
              match->contact_name = g_strdup (crm_db_get_string (res, row, 7));
            }
        }
      else
        match->outside_scope = TRUE;
      return TRUE;
    }
  return TRUE;
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

  crm_call_match_clear (match);
  if (key == NULL || *key == '\0')
    return TRUE;
  tail = tail_of (key);
  if (strlen (tail) < 3)
    return TRUE;
  if (!crm_db_scope_owners (db, user_id, "customer.view", &owners, error))
    return FALSE;
  /* The tails first, always: with the LIMIT and no statistics yet (a
   * fresh bulk load) the planner would rather walk every customer in
   * updated_at order looking for the tail. */
  if (!match_candidates (db, "calls_match_candidates",
                         "WITH cand AS MATERIALIZED ("
                         "  SELECT customer_id FROM customer_phone_tails WHERE tail = $1 LIMIT 1000)"
                         " SELECT c.id, c.name, c.phones, c.owner_id, u.display_name,"
                         " ($2::bigint[] IS NULL OR c.owner_id = ANY ($2::bigint[])) AS in_scope"
                         " FROM cand"
                         " JOIN customers c ON c.id = cand.customer_id"
                         " JOIN users u ON u.id = c.owner_id"
                         " WHERE c.deleted_at IS NULL"
                         " ORDER BY in_scope DESC, c.updated_at DESC, c.id DESC LIMIT $3::int",
                         FALSE, tail, owners, key, area_code, match, error))
    return FALSE;
#ifdef CRM_HAVE_CONTACTS
  /* None (a match always names its owner): then a contact of a live
   * customer with a number of the same line, its customer reported as for
   * its own numbers. */
  if (match->owner_id == 0 &&
      !match_candidates (db, "calls_match_contacts",
                         "WITH cand AS MATERIALIZED ("
                         "  SELECT contact_id FROM contact_phone_tails WHERE tail = $1 LIMIT 1000)"
                         " SELECT c.id, c.name, array_append (k.phones, k.mobile), c.owner_id,"
                         " u.display_name,"
                         " ($2::bigint[] IS NULL OR c.owner_id = ANY ($2::bigint[])) AS in_scope,"
                         " k.id, k.name"
                         " FROM cand"
                         " JOIN contacts k ON k.id = cand.contact_id AND k.deleted_at IS NULL"
                         " JOIN customers c ON c.id = k.customer_id"
                         " JOIN users u ON u.id = c.owner_id"
                         " WHERE c.deleted_at IS NULL"
                         " ORDER BY in_scope DESC, k.is_primary DESC, k.updated_at DESC, k.id DESC"
                         " LIMIT $3::int",
                         TRUE, tail, owners, key, area_code, match, error))
    return FALSE;
#endif
  return TRUE;
}

/* Without the contacts module nothing names a contact or follow-ups: the
 * keys are there, empty. */
gboolean
crm_calls_lookup_add_contacts (CrmDb               *db,
                               gint64               user_id,
                               const CrmCallMatch  *match,
                               GVariantDict        *dict,
                               GError             **error)
{
  g_autofree char *primary = NULL, *phone = NULL;
  g_autoptr(GVariant) followups = NULL;

#ifdef CRM_HAVE_CONTACTS
  if (match->customer_id != 0 &&
      !crm_contacts_popup_info (db, user_id, match->customer_id, POPUP_FOLLOWUPS,
                                &primary, &phone, &followups, error))
    return FALSE;
#endif
  g_variant_dict_insert (dict, "contact_id", "x", match->contact_id);
  g_variant_dict_insert (dict, "contact_name", "s", match->contact_name ? match->contact_name : "");
  g_variant_dict_insert (dict, "primary_contact", "s", primary ? primary : "");
  g_variant_dict_insert (dict, "primary_contact_phone", "s", phone ? phone : "");
  g_variant_dict_insert_value (dict, "recent_followups",
                               followups ? g_variant_ref (followups)
                                         : g_variant_new_array (G_VARIANT_TYPE ("a{sv}"), NULL, 0));
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
