/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-roles"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "audit/crm-recycle.h"
#include "crm-admin-util.h"
#include "crm-validate.h"

/*
 * Roles: named sets of permissions, each with a data scope (0 own, 1 own and
 * subordinates', 2 department, 3 all).  Templates can be edited but not
 * deleted; a role still given to someone cannot be deleted.  A deleted role
 * waits in the recycle bin (migration 0092).  Any change
 * reaches signed-in users at once (migration 0010's triggers NOTIFY).
 */

#define ROLE_SNAPSHOT                                                                              \
  "SELECT jsonb_build_object ('name', r.name, 'display_name', r.display_name,"                     \
  " 'permissions', coalesce ((SELECT jsonb_object_agg (permission, scope)"                         \
  "   FROM role_permissions WHERE role_id = r.id), '{}'::jsonb))"                                  \
  " FROM roles r WHERE r.id = $1 AND r.deleted_at IS NULL"

static const char *const role_keys[] = { "name", "display_name", "grants", NULL };

static gboolean
role_name_is_valid (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 32 || !g_ascii_islower (name[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (name[i]) && !g_ascii_isdigit (name[i]) && name[i] != '_')
      return FALSE;
  return TRUE;
}

/* Parses "grants" a(su) into two parallel text[] literals. */
static gboolean
parse_grants (GVariantDict *d, gboolean *present, char **perms, char **scopes, GError **error)
{
  g_autoptr (GVariant) v = g_variant_dict_lookup_value (d, "grants", NULL);
  g_autoptr (GPtrArray) p = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) s = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const char  *permission;
  guint32      scope;

  *present = v != NULL;
  if (v == NULL)
    return TRUE;
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE ("a(su)")))
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "grants",
                                                     _ ("This field has the wrong type")));
      return FALSE;
    }
  g_variant_iter_init (&iter, v);
  while (g_variant_iter_next (&iter, "(&su)", &permission, &scope))
    {
      if (!crm_admin_permission_known (permission))
        {
          g_propagate_error (error,
                             crm_error_new_field (CRM_ERROR_INVALID_FIELD, "grants",
                                                  _ ("Unknown permission “%s”"), permission));
          return FALSE;
        }
      if (scope > 3)
        {
          g_propagate_error (error,
                             crm_error_new_field (CRM_ERROR_INVALID_FIELD, "grants",
                                                  _ ("The data scope must be 0 (own), 1 "
                                                     "(subordinates), 2 (department) or 3 (all)")));
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer)permission))
        {
          g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "grants",
                                                         _ ("“%s” is listed twice"), permission));
          return FALSE;
        }
      g_ptr_array_add (p, g_strdup (permission));
      g_ptr_array_add (s, g_strdup_printf ("%u", scope));
    }
  g_ptr_array_add (p, NULL);
  g_ptr_array_add (s, NULL);
  *perms = crm_db_text_array ((const char *const *)p->pdata, -1);
  *scopes = crm_db_text_array ((const char *const *)s->pdata, -1);
  return TRUE;
}

static gboolean
replace_grants (CrmDb *db, const char *rid, const char *perms, const char *scopes, GError **error)
{
  const char *params[] = { rid, perms, scopes };
  g_autoptr (PGresult) del = crm_db_exec (db, "role_grants_clear",
                                          "DELETE FROM role_permissions WHERE role_id = $1"
                                          " AND NOT (permission = ANY ($2::text[]))",
                                          2, params, error);
  g_autoptr (PGresult) ins = NULL;

  if (del == NULL)
    return FALSE;
  ins = crm_db_exec (db, "role_grants_set",
                     "INSERT INTO role_permissions (role_id, permission, scope)"
                     " SELECT $1, p, s::smallint FROM unnest ($2::text[], $3::text[]) AS g (p, s)"
                     " ON CONFLICT (role_id, permission) DO UPDATE SET scope = excluded.scope"
                     " WHERE role_permissions.scope <> excluded.scope",
                     3, params, error);
  return ins != NULL;
}

static gboolean
read_fields (GVariant *fields, GVariantDict *d, const char **name, gboolean *has_name,
             const char **display_name, gboolean *has_display, gboolean *has_grants, char **perms,
             char **scopes, GError **error)
{
  if (!crm_admin_dict_only (fields, role_keys, error))
    return FALSE;
  if (!crm_admin_dict_string (d, "name", name, has_name, error)
      || !crm_admin_dict_string (d, "display_name", display_name, has_display, error)
      || !parse_grants (d, has_grants, perms, scopes, error))
    return FALSE;
  if (*has_name && !role_name_is_valid (*name))
    {
      g_propagate_error (error,
                         crm_error_new_field (CRM_ERROR_INVALID_FIELD, "name",
                                              _ ("A role name uses lower-case letters, digits and "
                                                 "“_” (at most 32), starting with a letter")));
      return FALSE;
    }
  if (*has_display && !crm_validate_text (*display_name, 50, TRUE, "display_name", error))
    return FALSE;
  return TRUE;
}

static GError *
name_taken (void)
{
  return crm_error_new_field (CRM_ERROR_DUPLICATE, "name",
                              _ ("A role with this name already exists"));
}

GVariant *
crm_role_create (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *name = NULL, *display_name = NULL;
  gboolean    has_name, has_display, has_grants;
  g_autoptr (GVariant) fields = NULL;
  g_auto (GVariantDict) d;
  g_autofree char *perms = NULL, *scopes = NULL, *rid = NULL, *after = NULL;
  g_autofree char *trimmed = NULL;
  g_autoptr (PGresult) res = NULL;
  gint64 id;

  g_variant_get (request, "(&s@a{sv})", &key, &fields);
  g_variant_dict_init (&d, fields);
  if (!read_fields (fields, &d, &name, &has_name, &display_name, &has_display, &has_grants, &perms,
                    &scopes, error))
    return NULL;
  if (!has_name || !has_display)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD,
                                                     has_name ? "display_name" : "name",
                                                     _ ("This field is required")));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (display_name));
  {
    const char *params[] = { name, trimmed };
    res = crm_db_exec (db, "role_create",
                       "INSERT INTO roles (name, display_name) VALUES ($1, $2)"
                       " ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING RETURNING id",
                       2, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, name_taken ());
      return NULL;
    }
  id = crm_db_get_int64 (res, 0, 0);
  rid = crm_db_int64_to_string (id);
  if (has_grants && !replace_grants (db, rid, perms, scopes, error))
    return NULL;
  after = crm_admin_snapshot (db, "role_snapshot", ROLE_SNAPSHOT, id, _ ("No such role"), error);
  if (after == NULL || !crm_admin_changed (db, ctx, "create", "role", id, NULL, after, error))
    return NULL;
  return g_variant_new ("(x)", id);
}

GVariant *
crm_role_update (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *name = NULL, *display_name = NULL;
  gint64      id;
  gboolean    has_name, has_display, has_grants;
  g_autoptr (GVariant) fields = NULL;
  g_auto (GVariantDict) d;
  g_autofree char *perms = NULL, *scopes = NULL, *rid = NULL;
  g_autofree char *before = NULL, *after = NULL, *trimmed = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&sx@a{sv})", &key, &id, &fields);
  g_variant_dict_init (&d, fields);
  if (!read_fields (fields, &d, &name, &has_name, &display_name, &has_display, &has_grants, &perms,
                    &scopes, error))
    return NULL;
  before = crm_admin_snapshot (db, "role_snapshot", ROLE_SNAPSHOT, id, _ ("No such role"), error);
  if (before == NULL)
    return NULL;
  rid = crm_db_int64_to_string (id);
  trimmed = has_display ? g_strstrip (g_strdup (display_name)) : NULL;
  {
    const char *params[] = { rid, has_name ? name : NULL, trimmed };
    g_autoptr (PGresult) check
        = crm_db_exec (db, "role_update_check",
                       "SELECT r.is_template AND $2::text IS NOT NULL AND $2 <> r.name,"
                       " EXISTS (SELECT 1 FROM roles o WHERE o.name = $2 AND o.id <> r.id"
                       "         AND o.deleted_at IS NULL),"
                       " $3::text FROM roles r WHERE r.id = $1",
                       3, params, error);
    if (check == NULL)
      return NULL;
    if (crm_db_get_bool (check, 0, 0))
      {
        g_propagate_error (
            error,
            crm_error_new_field (CRM_ERROR_INVALID_FIELD, "name",
                                 _ ("A template keeps its name; change its display name instead")));
        return NULL;
      }
    if (crm_db_get_bool (check, 0, 1))
      {
        g_propagate_error (error, name_taken ());
        return NULL;
      }
    res = crm_db_exec (db, "role_update",
                       "UPDATE roles SET name = coalesce ($2, name),"
                       " display_name = coalesce ($3, display_name) WHERE id = $1",
                       3, params, error);
    if (res == NULL)
      return NULL;
  }
  if (has_grants)
    {
      int own_admin = crm_admin_own_admin_count (db, ctx, error);

      if (own_admin < 0 || !replace_grants (db, rid, perms, scopes, error)
          || !crm_admin_keeps_own_admin (db, ctx, own_admin, error))
        return NULL;
    }
  after = crm_admin_snapshot (db, "role_snapshot", ROLE_SNAPSHOT, id, _ ("No such role"), error);
  if (after == NULL || !crm_admin_changed (db, ctx, "update", "role", id, before, after, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_role_delete (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *key;
  gint64           id;
  g_autofree char *rid = NULL, *before = NULL;
  g_autoptr (PGresult) check = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&sx)", &key, &id);
  before = crm_admin_snapshot (db, "role_snapshot", ROLE_SNAPSHOT, id, _ ("No such role"), error);
  if (before == NULL)
    return NULL;
  rid = crm_db_int64_to_string (id);
  {
    const char *params[] = { rid };
    check = crm_db_exec (
        db, "role_delete_check",
        "SELECT r.is_template, (SELECT count(*) FROM user_roles WHERE role_id = r.id)"
        " FROM roles r WHERE r.id = $1 FOR UPDATE",
        1, params, error);
    if (check == NULL)
      return NULL;
    if (crm_db_get_bool (check, 0, 0))
      {
        g_set_error_literal (error, CRM_ERROR, CRM_ERROR_CONFLICT,
                             _ ("Role templates can be edited but not deleted"));
        return NULL;
      }
    if (crm_db_get_int64 (check, 0, 1) > 0)
      {
        g_set_error (error, CRM_ERROR, CRM_ERROR_CONFLICT,
                     ngettext ("%d person still has this role; give them another role first",
                               "%d people still have this role; give them another role first",
                               (gulong)crm_db_get_int64 (check, 0, 1)),
                     (int)crm_db_get_int64 (check, 0, 1));
        return NULL;
      }
  }
  {
    g_autofree char *by = crm_db_int64_to_string (ctx->session->user_id);
    const char      *params[] = { rid, by };

    /* Into the recycle bin; its grants stay for a restore. */
    res = crm_db_exec (db, "role_delete",
                       "UPDATE roles SET deleted_at = now (), deleted_by = $2"
                       " WHERE id = $1 AND deleted_at IS NULL",
                       2, params, error);
    if (res == NULL)
      return NULL;
  }
  if (!crm_admin_changed (db, ctx, "delete", "role", id, before, NULL, error))
    return NULL;
  return g_variant_new ("()");
}

/* ---- Recycle bin ---- */

#define ROLE_JSON                                                                                  \
  "jsonb_build_object ('name', r.name, 'display_name', r.display_name,"                            \
  " 'permissions', coalesce ((SELECT jsonb_object_agg (permission, scope)"                         \
  "   FROM role_permissions WHERE role_id = r.id), '{}'::jsonb))::text"

static const CrmRecycleEntity role_recycle = {
  .entity = "role",
  .label = N_ ("Roles"),
  .permission = "role.manage",
  .list_sql = "SELECT 'role'::text, r.id, r.display_name || ' (' || r.name || ')',"
              " r.deleted_by, r.deleted_at, NULL::bigint"
              " FROM roles r WHERE r.deleted_at IS NOT NULL",
  .restore_check_sql = "SELECT CASE WHEN EXISTS (SELECT 1 FROM roles o WHERE o.name = r.name"
                       "   AND o.deleted_at IS NULL) THEN 1 ELSE 0 END"
                       " FROM roles r WHERE r.id = $1 AND r.deleted_at IS NOT NULL",
  .restore_conflicts = {
      N_ ("Another role now has this name; rename or delete that one first"),
  },
  .restore_sql = "UPDATE roles r SET deleted_at = NULL, deleted_by = NULL"
                 " WHERE r.id = $1 AND r.deleted_at IS NOT NULL"
                 " RETURNING " ROLE_JSON ", 0::bigint, 0::bigint",
  .restore_duplicate = N_ ("Another role now has this name; rename or delete that one first"),
  /* role_permissions go with it (ON DELETE CASCADE). */
  .purge_sql = "DELETE FROM roles r WHERE r.id = $1 AND r.deleted_at IS NOT NULL"
               " RETURNING " ROLE_JSON,
};

void
crm_roles_register_recycle (void)
{
  crm_recycle_register (&role_recycle);
}
