/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-team"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "audit/crm-recycle.h"
#include "crm-admin-util.h"
#include "crm-validate.h"

/*
 * Team (团队管理): the department tree with its groups, leaders and
 * branches, and the edits of a person's place in it.  Every change is
 * audited with before/after snapshots; data scopes follow at once through
 * the scope generation (migration 0003).
 */

#define DEPARTMENT_SNAPSHOT                                                                        \
  "SELECT jsonb_build_object ('name', name, 'parent_id', parent_id, 'kind', kind,"                 \
  " 'leader_id', leader_id, 'branch', branch, 'sort', sort) FROM departments"                     \
  " WHERE id = $1 AND deleted_at IS NULL"

static const char *const department_keys[]
    = { "name", "parent_id", "kind", "leader_id", "branch", "sort", NULL };

GVariant *
crm_department_update (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  gint64      id;
  g_autoptr (GVariant) fields = NULL;
  g_auto (GVariantDict) d;
  const char      *name = NULL, *kind = NULL, *branch = NULL;
  gint64           parent = 0, leader = 0, sort = 0;
  gboolean         has_name, has_parent, has_kind, has_leader, has_branch, has_sort;
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *sid = NULL, *sparent = NULL, *sleader = NULL, *ssort = NULL;
  g_autofree char *trimmed = NULL;

  g_variant_get (request, "(&sx@a{sv})", &key, &id, &fields);
  g_variant_dict_init (&d, fields);
  if (!crm_admin_dict_only (fields, department_keys, error))
    return NULL;
  if (!crm_admin_dict_string (&d, "name", &name, &has_name, error)
      || !crm_admin_dict_int64 (&d, "parent_id", &parent, &has_parent, error)
      || !crm_admin_dict_string (&d, "kind", &kind, &has_kind, error)
      || !crm_admin_dict_int64 (&d, "leader_id", &leader, &has_leader, error)
      || !crm_admin_dict_string (&d, "branch", &branch, &has_branch, error)
      || !crm_admin_dict_int64 (&d, "sort", &sort, &has_sort, error))
    return NULL;
  if (has_name && !crm_validate_text (name, 100, TRUE, "name", error))
    return NULL;
  if (has_branch && !crm_validate_text (branch, 100, FALSE, "branch", error))
    return NULL;
  if (has_kind && strcmp (kind, "department") != 0 && strcmp (kind, "group") != 0)
    {
      g_propagate_error (error,
                         crm_error_new_field (CRM_ERROR_INVALID_FIELD, "kind",
                                              _ ("The kind must be “department” or “group”")));
      return NULL;
    }
  if (has_sort && (sort < G_MININT32 || sort > G_MAXINT32))
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "sort",
                                                     _ ("This number is out of range")));
      return NULL;
    }
  if (parent < 0 || leader < 0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD,
                                                     parent < 0 ? "parent_id" : "leader_id",
                                                     _ ("This field has the wrong type")));
      return NULL;
    }

  before = crm_admin_snapshot (db, "team_department_snapshot", DEPARTMENT_SNAPSHOT, id,
                               _ ("No such department"), error);
  if (before == NULL)
    return NULL;
  sid = crm_db_int64_to_string (id);
  sparent = parent ? crm_db_int64_to_string (parent) : NULL;
  sleader = leader ? crm_db_int64_to_string (leader) : NULL;
  if (has_parent && parent != 0)
    {
      /* The new parent must exist and must not lie below this department. */
      const char *params[] = { sid, sparent };
      g_autoptr (PGresult) res = crm_db_exec (
          db, "team_department_cycle",
          "WITH RECURSIVE up (id, parent_id) AS ("
          "  SELECT id, parent_id FROM departments WHERE id = $2"
          "  UNION"
          "  SELECT d.id, d.parent_id FROM departments d JOIN up ON d.id = up.parent_id)"
          " SELECT EXISTS (SELECT 1 FROM departments WHERE id = $2 AND deleted_at IS NULL),"
          "        EXISTS (SELECT 1 FROM up WHERE id = $1)",
          2, params, error);
      if (res == NULL)
        return NULL;
      if (!crm_db_get_bool (res, 0, 0))
        {
          g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "parent_id",
                                                         _ ("No such department")));
          return NULL;
        }
      if (crm_db_get_bool (res, 0, 1))
        {
          g_propagate_error (
              error,
              crm_error_new_field (
                  CRM_ERROR_INVALID_FIELD, "parent_id",
                  _ ("A department cannot move below itself or one of its sub-departments")));
          return NULL;
        }
    }
  if (has_leader && leader != 0)
    {
      const char *params[] = { sleader };
      g_autoptr (PGresult) res = crm_db_exec (
          db, "team_user_exists", "SELECT 1 FROM users WHERE id = $1", 1, params, error);
      if (res == NULL)
        return NULL;
      if (PQntuples (res) != 1)
        {
          g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "leader_id",
                                                         _ ("No such user")));
          return NULL;
        }
    }
  trimmed = has_name ? g_strstrip (g_strdup (name)) : NULL;
  ssort = crm_db_int64_to_string (sort);
  {
    const char *params[] = { sid,
                             trimmed,
                             has_parent ? "t" : "f",
                             sparent,
                             has_kind ? kind : NULL,
                             has_leader ? "t" : "f",
                             sleader,
                             has_branch ? branch : NULL,
                             has_sort ? ssort : NULL };
    g_autoptr (PGresult) check = NULL;
    g_autoptr (PGresult) res = NULL;

    check = crm_db_exec (db, "team_department_name_taken",
                         "SELECT EXISTS (SELECT 1 FROM departments o, departments d"
                         "  WHERE d.id = $1 AND o.id <> d.id AND o.deleted_at IS NULL"
                         "  AND coalesce (o.parent_id, 0) = coalesce (CASE WHEN $3::boolean"
                         "      THEN $4::bigint ELSE d.parent_id END, 0)"
                         "  AND o.name = coalesce ($2::text, d.name))",
                         4, params, error);
    if (check == NULL)
      return NULL;
    if (crm_db_get_bool (check, 0, 0))
      {
        g_propagate_error (
            error, crm_error_new_field (CRM_ERROR_DUPLICATE, "name",
                                        _ ("A department with this name already exists here")));
        return NULL;
      }
    res = crm_db_exec (db, "team_department_update",
                       "UPDATE departments SET name = coalesce ($2, name),"
                       " parent_id = CASE WHEN $3::boolean THEN $4::bigint ELSE parent_id END,"
                       " kind = coalesce ($5, kind),"
                       " leader_id = CASE WHEN $6::boolean THEN $7::bigint ELSE leader_id END,"
                       " branch = coalesce ($8, branch), sort = coalesce ($9::integer, sort)"
                       " WHERE id = $1",
                       9, params, error);
    if (res == NULL)
      return NULL;
  }
  after = crm_admin_snapshot (db, "team_department_snapshot", DEPARTMENT_SNAPSHOT, id,
                              _ ("No such department"), error);
  if (after == NULL || !crm_admin_changed (db, ctx, "update", "department", id, before, after, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_department_delete (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *key;
  gint64           id;
  g_autofree char *sid = NULL;
  g_autofree char *before = NULL;
  g_autoptr (PGresult) check = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&sx)", &key, &id);
  before = crm_admin_snapshot (db, "team_department_snapshot", DEPARTMENT_SNAPSHOT, id,
                               _ ("No such department"), error);
  if (before == NULL)
    return NULL;
  sid = crm_db_int64_to_string (id);
  {
    const char *params[] = { sid };
    check = crm_db_exec (db, "team_department_in_use",
                         "SELECT EXISTS (SELECT 1 FROM users WHERE department_id = $1),"
                         " EXISTS (SELECT 1 FROM departments WHERE parent_id = $1"
                         "         AND deleted_at IS NULL)",
                         1, params, error);
    if (check == NULL)
      return NULL;
    if (crm_db_get_bool (check, 0, 0) || crm_db_get_bool (check, 0, 1))
      {
        g_set_error_literal (
            error, CRM_ERROR, CRM_ERROR_CONFLICT,
            crm_db_get_bool (check, 0, 0)
                ? _ ("This department still has people; move them first")
                : _ ("This department still has sub-departments; move or delete them first"));
        return NULL;
      }
  }
  {
    g_autofree char *by = crm_db_int64_to_string (ctx->session->user_id);
    const char      *params[] = { sid, by };

    /* Into the recycle bin (recycle.restore brings it back). */
    res = crm_db_exec (db, "team_department_delete",
                       "UPDATE departments SET deleted_at = now (), deleted_by = $2"
                       " WHERE id = $1 AND deleted_at IS NULL",
                       2, params, error);
    if (res == NULL)
      return NULL;
  }
  if (!crm_admin_changed (db, ctx, "delete", "department", id, before, NULL, error))
    return NULL;
  return g_variant_new ("()");
}

/* ---- Recycle bin ---- */

static const CrmRecycleEntity department_recycle = {
  .entity = "department",
  .label = N_ ("Departments"),
  .permission = "team.manage",
  .list_sql = "SELECT 'department'::text, d.id,"
              " CASE WHEN p.id IS NULL THEN d.name ELSE p.name || ' / ' || d.name END,"
              " d.deleted_by, d.deleted_at, NULL::bigint"
              " FROM departments d LEFT JOIN departments p ON p.id = d.parent_id"
              " WHERE d.deleted_at IS NOT NULL",
  .restore_check_sql = "SELECT CASE WHEN p.deleted_at IS NOT NULL THEN 1"
                       " WHEN EXISTS (SELECT 1 FROM departments o WHERE o.deleted_at IS NULL"
                       "   AND coalesce (o.parent_id, 0) = coalesce (d.parent_id, 0)"
                       "   AND o.name = d.name) THEN 2 ELSE 0 END"
                       " FROM departments d LEFT JOIN departments p ON p.id = d.parent_id"
                       " WHERE d.id = $1 AND d.deleted_at IS NOT NULL",
  .restore_conflicts = {
      N_ ("The department above it is in the recycle bin too; restore that one first"),
      N_ ("A department with this name now exists in the same place; rename that one first"),
  },
  .restore_sql = "UPDATE departments d SET deleted_at = NULL, deleted_by = NULL"
                 " WHERE d.id = $1 AND d.deleted_at IS NOT NULL"
                 " RETURNING jsonb_build_object ('name', name, 'parent_id', parent_id,"
                 " 'kind', kind, 'leader_id', leader_id, 'branch', branch, 'sort', sort)::text,"
                 " 0::bigint, 0::bigint",
  .restore_duplicate
  = N_ ("A department with this name now exists in the same place; rename that one first"),
  .purge_sql = "DELETE FROM departments d WHERE d.id = $1 AND d.deleted_at IS NOT NULL"
               " RETURNING jsonb_build_object ('name', name, 'parent_id', parent_id,"
               " 'kind', kind, 'leader_id', leader_id, 'branch', branch, 'sort', sort)::text",
};

void
crm_team_module_init (void)
{
  crm_recycle_register (&department_recycle);
  crm_roles_register_recycle ();
}
