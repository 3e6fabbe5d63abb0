/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-admin-util.h"

static gboolean
wrong_type (const char *key, GError **error)
{
  g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, key,
                                                 _ ("This field has the wrong type")));
  return FALSE;
}

/* Reads @key as @format (a g_variant_get() format, e.g. "&s", "x", "b",
 * "^as") into @out; a missing key leaves @out alone, a value of another type
 * is an error on that field. With "&s" the string stays owned by @d. */
static gboolean
dict_get (GVariantDict *d, const char *key, const char *format, gpointer out, gboolean *present,
          GError **error)
{
  g_autoptr (GVariant) v = g_variant_dict_lookup_value (d, key, NULL);

  if (present)
    *present = v != NULL;
  if (v == NULL)
    return TRUE;
  if (!g_variant_check_format_string (v, format, FALSE))
    return wrong_type (key, error);
  g_variant_get (v, format, out);
  return TRUE;
}

gboolean
crm_admin_dict_string (GVariantDict *d, const char *key, const char **out, gboolean *present,
                       GError **error)
{
  return dict_get (d, key, "&s", out, present, error);
}

gboolean
crm_admin_dict_int64 (GVariantDict *d, const char *key, gint64 *out, gboolean *present,
                      GError **error)
{
  return dict_get (d, key, "x", out, present, error);
}

gboolean
crm_admin_dict_bool (GVariantDict *d, const char *key, gboolean *out, gboolean *present,
                     GError **error)
{
  return dict_get (d, key, "b", out, present, error);
}

gboolean
crm_admin_dict_strv (GVariantDict *d, const char *key, GStrv *out, GError **error)
{
  *out = NULL;
  return dict_get (d, key, "^as", out, NULL, error);
}

gboolean
crm_admin_dict_only (GVariant *dict, const char *const *allowed, GError **error)
{
  GVariantIter iter;
  const char  *key;
  GVariant    *value;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    if (!g_strv_contains (allowed, key))
      {
        g_propagate_error (error,
                           crm_error_new_field (CRM_ERROR_INVALID_FIELD, key, _ ("Unknown field")));
        return FALSE;
      }
  return TRUE;
}

gboolean
crm_admin_permission_known (const char *permission)
{
  gsize                    n;
  const CrmPermissionInfo *all = crm_permissions_all (&n);

  for (gsize i = 0; i < n; i++)
    if (strcmp (all[i].permission, permission) == 0)
      return TRUE;
  return FALSE;
}

char *
crm_admin_snapshot (CrmDb *db, const char *name, const char *sql, gint64 id, const char *not_found,
                    GError **error)
{
  g_autofree char *sid = crm_db_int64_to_string (id);
  const char      *params[] = { sid };
  g_autoptr (PGresult) res = crm_db_exec (db, name, sql, 1, params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1 || PQgetisnull (res, 0, 0))
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, not_found);
      return NULL;
    }
  return g_strdup (crm_db_get_string (res, 0, 0));
}

gboolean
crm_admin_user_in_scope (CrmDb *db, CrmRequestContext *ctx, const char *permission, gint64 user_id,
                         GError **error)
{
  g_autofree char *owners = NULL;
  g_autofree char *sid = crm_db_int64_to_string (user_id);
  g_autoptr (PGresult) res = NULL;

  if (!crm_db_scope_owners (db, ctx->session->user_id, permission, &owners, error))
    return FALSE;
  {
    const char *params[] = { sid, owners };
    res = crm_db_exec (db, "admin_user_in_scope",
                       "SELECT 1 FROM users WHERE id = $1"
                       " AND ($2::bigint[] IS NULL OR id = ANY ($2::bigint[]))",
                       2, params, error);
  }
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _ ("No such user"));
      return FALSE;
    }
  return TRUE;
}

gboolean
crm_admin_revoke_sessions (CrmDb *db, gint64 user_id, const char *keep_hash,
                           const char *only_hash, const char *reason, GError **error)
{
  g_autofree char *uid = crm_db_int64_to_string (user_id);
  const char      *params[] = { uid, keep_hash, only_hash, reason };
  g_autoptr (PGresult) res = crm_db_exec (
      db, "admin_revoke",
      "WITH r AS (UPDATE sessions SET revoked = true"
      "  WHERE user_id = $1 AND NOT revoked AND ($2::text IS NULL OR token_hash <> $2)"
      "  AND ($3::text IS NULL OR token_hash = $3) RETURNING token_hash)"
      " SELECT pg_notify ('crm_sessions', 'revoke ' || token_hash || ' ' || $4) FROM r",
      4, params, error);

  return res != NULL;
}

int
crm_admin_own_admin_count (CrmDb *db, CrmRequestContext *ctx, GError **error)
{
  g_autofree char *uid = crm_db_int64_to_string (ctx->session->user_id);
  const char      *params[] = { uid };
  g_autoptr (PGresult) res = crm_db_exec (db, "admin_keeps_own",
                                          "SELECT count(*) FROM crm_user_permissions ($1)"
                                          " WHERE permission IN ('user.manage', 'role.manage')",
                                          1, params, error);

  return res ? (int)crm_db_get_int64 (res, 0, 0) : -1;
}

gboolean
crm_admin_keeps_own_admin (CrmDb *db, CrmRequestContext *ctx, int before, GError **error)
{
  int after = crm_admin_own_admin_count (db, ctx, error);

  if (after < 0)
    return FALSE;
  if (after < before)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_CONFLICT,
                           _ ("This would take away your own right to manage accounts and roles"));
      return FALSE;
    }
  return TRUE;
}

int
crm_admin_clamp_limit (int limit, int dflt, int max)
{
  if (limit <= 0)
    return dflt;
  return MIN (limit, max);
}

gboolean
crm_admin_changed (CrmDb *db, CrmRequestContext *ctx, const char *action, const char *entity,
                   gint64 id, const char *before_json, const char *after_json, GError **error)
{
  static const char *const push_actions[] = { "create", "update", "delete", "restore", NULL };

  return crm_db_audit (db, ctx, action, entity, id, before_json, after_json, error)
         && crm_db_notify_change (db, entity, id, 0,
                                  g_strv_contains (push_actions, action) ? action : "update", 0,
                                  error);
}

void
crm_admin_row_insert (GVariantDict *dict, const PGresult *res, int row, const CrmDbColumn *columns,
                      gsize n_columns)
{
  for (gsize i = 0; i < n_columns; i++)
    {
      if (columns[i].key == NULL)
        continue;
      switch (columns[i].type)
        {
        case 'i':
          g_variant_dict_insert (dict, columns[i].key, "i",
                                 (gint32)crm_db_get_int64 (res, row, (int)i));
          break;
        case 'a':
          {
            g_auto (GStrv) items = crm_db_parse_array (crm_db_get_string (res, row, (int)i));

            g_variant_dict_insert (dict, columns[i].key, "^as", items);
          }
          break;
        case 'x':
          g_variant_dict_insert (dict, columns[i].key, "x", crm_db_get_int64 (res, row, (int)i));
          break;
        case 'b':
          g_variant_dict_insert (dict, columns[i].key, "b", crm_db_get_bool (res, row, (int)i));
          break;
        case 's':
          g_variant_dict_insert (dict, columns[i].key, "s", crm_db_get_string (res, row, (int)i));
          break;
        default:
          g_return_if_reached ();
        }
    }
}

GVariant *
crm_admin_rows_to_dicts (const PGresult *res, int n_rows, const CrmDbColumn *columns,
                         gsize n_columns, CrmAdminRowExtra extra)
{
  GVariantBuilder b;
  int             n = n_rows < 0 ? PQntuples (res) : MIN (n_rows, PQntuples (res));

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int r = 0; r < n; r++)
    {
      g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

      crm_admin_row_insert (&d, res, r, columns, n_columns);
      if (extra != NULL)
        extra (&d, res, r);
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
    }
  return g_variant_builder_end (&b);
}
