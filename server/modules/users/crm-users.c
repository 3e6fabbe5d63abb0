/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-users"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "crm-modules.h"
#include "crm-validate.h"
#include "team/crm-admin-util.h"

/* Users, roles and departments. */

gboolean crm_auth_check_new_password (const char *password, const char *field, GError **error);

static gboolean
login_is_valid (const char *login)
{
  gsize len = strlen (login);

  if (len == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (login[i]) && login[i] != '.' && login[i] != '_' && login[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
lookup_string (GVariantDict *d, const char *key, const char **out, GError **error)
{
  GVariant *v = g_variant_dict_lookup_value (d, key, NULL);

  *out = NULL;
  if (v == NULL)
    return TRUE;
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      g_variant_unref (v);
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, key,
                                                     _("This field has the wrong type")));
      return FALSE;
    }
  *out = g_variant_get_string (v, NULL);
  g_variant_unref (v);  /* the dict keeps the value alive */
  return TRUE;
}

static gboolean
lookup_int64 (GVariantDict *d, const char *key, gint64 *out, GError **error)
{
  GVariant *v = g_variant_dict_lookup_value (d, key, NULL);

  *out = 0;
  if (v == NULL)
    return TRUE;
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE_INT64) || g_variant_get_int64 (v) < 0)
    {
      g_variant_unref (v);
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, key,
                                                     _("This field has the wrong type")));
      return FALSE;
    }
  *out = g_variant_get_int64 (v);
  g_variant_unref (v);
  return TRUE;
}

GVariant *
crm_user_create (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  g_autoptr(GVariant) fields = NULL;
  g_auto(GVariantDict) d;
  const char *login, *display_name, *password;
  gint64 department_id, leader_id;
  gboolean must_change = TRUE;
  g_autofree const char **roles = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *roles_literal = NULL;
  g_autofree char *dep = NULL, *lead = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *after = NULL;
  gint64 id;

  g_variant_get (request, "(&s@a{sv})", &key, &fields);
  g_variant_dict_init (&d, fields);
  if (!lookup_string (&d, "login", &login, error) ||
      !lookup_string (&d, "display_name", &display_name, error) ||
      !lookup_string (&d, "password", &password, error) ||
      !lookup_int64 (&d, "department_id", &department_id, error) ||
      !lookup_int64 (&d, "leader_id", &leader_id, error))
    return NULL;
  if (login == NULL || !login_is_valid (login))
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "login",
                         _("The login may use only letters, digits, “.”, “_” and “-” (at most 64)")));
      return NULL;
    }
  if (!crm_validate_text (display_name, 50, TRUE, "display_name", error) ||
      !crm_auth_check_new_password (password ? password : "", "password", error))
    return NULL;
  g_variant_dict_lookup (&d, "must_change_password", "b", &must_change);
  if (!g_variant_dict_lookup (&d, "roles", "^a&s", &roles))
    roles = g_new0 (const char *, 1);

  hash = crm_password_hash (password);
  if (hash == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("Internal server error"));
      return NULL;
    }
  roles_literal = crm_db_text_array (roles, -1);
  dep = department_id ? crm_db_int64_to_string (department_id) : NULL;
  lead = leader_id ? crm_db_int64_to_string (leader_id) : NULL;
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (display_name));
    const char *params[] = { login, trimmed, hash, dep, lead, must_change ? "t" : "f",
                             roles_literal };
    /* Unknown department, leader or role names insert nothing: the checks
     * below run first. */
    g_autoptr(PGresult) check =
      crm_db_exec (db, "user_create_check",
                   "SELECT ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM departments WHERE id = $4 AND deleted_at IS NULL)),"
                   " ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $5)),"
                   " (SELECT count(*) FROM roles WHERE name = ANY ($7::text[]) AND deleted_at IS NULL)"
                   "   = cardinality (ARRAY(SELECT DISTINCT unnest ($7::text[]))),"
                   " EXISTS (SELECT 1 FROM users WHERE login = $1),"
                   " $2::text, $3::text, $6::boolean",
                   7, params, error);
    if (check == NULL)
      return NULL;
    if (!crm_db_get_bool (check, 0, 0))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "department_id",
                                                       _("No such department")));
        return NULL;
      }
    if (!crm_db_get_bool (check, 0, 1))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "leader_id",
                                                       _("No such user")));
        return NULL;
      }
    if (!crm_db_get_bool (check, 0, 2))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "roles",
                                                       _("No such role")));
        return NULL;
      }
    if (crm_db_get_bool (check, 0, 3))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_DUPLICATE, "login",
                                                       _("This login is already taken")));
        return NULL;
      }
    res = crm_db_exec (db, "user_create",
                       "WITH u AS (INSERT INTO users (login, display_name, password_hash,"
                       "  department_id, leader_id, must_change_password)"
                       "  VALUES ($1, $2, $3, $4, $5, $6) RETURNING id),"
                       " r AS (INSERT INTO user_roles (user_id, role_id)"
                       "  SELECT u.id, roles.id FROM u, roles WHERE roles.name = ANY ($7::text[])"
                       "  AND roles.deleted_at IS NULL)"
                       " SELECT id FROM u", 7, params, error);
    if (res == NULL)
      return NULL;
  }
  id = crm_db_get_int64 (res, 0, 0);
  /* login is restricted to [A-Za-z0-9._-], so it needs no JSON escaping. */
  after = g_strdup_printf ("{\"login\": \"%s\", \"department_id\": %" G_GINT64_FORMAT
                           ", \"leader_id\": %" G_GINT64_FORMAT "}",
                           login, department_id, leader_id);
  if (!crm_admin_changed (db, ctx, "create", "user", id, NULL, after, error))
    return NULL;
  return g_variant_new ("(x)", id);
}

/* user.list's columns, in the order of its SELECT. */
static const CrmDbColumn user_columns[] = {
  { "id", 'x' },       { "login", 's' },      { "display_name", 's' },
  { "department_id", 'x' }, { "leader_id", 'x' }, { "disabled", 'b' },
  { "locked", 'b' },   { "roles", 'a' },      { "must_change_password", 'b' },
  /* Issue 4 (migration 0010): place in the team, grants and denials. */
  { "branch", 's' },   { "status", 's' },     { "device_binding", 'b' },
  { "grants", 'a' },   { "denials", 'a' },
};

GVariant *
crm_user_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autofree char *owners = NULL;
  g_autoptr(PGresult) res = NULL;

  if (!crm_db_scope_owners (db, ctx->session->user_id, "user.view", &owners, error))
    return NULL;
  {
    const char *params[] = { owners };
    res = crm_db_exec (db, "user_list",
                       "SELECT u.id, u.login, u.display_name, u.department_id, u.leader_id,"
                       " u.disabled, coalesce (u.locked_until > now (), false),"
                       " ARRAY(SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
                       "       WHERE ur.user_id = u.id ORDER BY r.name),"
                       " u.must_change_password, u.branch, u.status, u.device_binding,"
                       " ARRAY(SELECT permission FROM user_permission_overrides"
                       "       WHERE user_id = u.id AND granted ORDER BY 1),"
                       " ARRAY(SELECT permission FROM user_permission_overrides"
                       "       WHERE user_id = u.id AND NOT granted ORDER BY 1)"
                       " FROM users u WHERE ($1::bigint[] IS NULL OR u.id = ANY ($1::bigint[]))"
                       " ORDER BY u.login", 1, params, error);
  }
  if (res == NULL)
    return NULL;
  return crm_admin_rows_to_dicts (res, -1, user_columns, G_N_ELEMENTS (user_columns), NULL);
}

GVariant *
crm_user_unlock (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  gint64 id;
  g_autofree char *sid = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&sx)", &key, &id);
  sid = crm_db_int64_to_string (id);
  {
    const char *params[] = { sid };
    res = crm_db_exec (db, "user_unlock",
                       "UPDATE users SET failed_logins = 0, locked_until = NULL"
                       " WHERE id = $1 RETURNING id", 1, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _("No such user"));
      return NULL;
    }
  if (!crm_admin_changed (db, ctx, "unlock", "user", id, NULL, NULL, error))
    return NULL;
  return g_variant_new ("()");
}

/* role.list: the scalar columns by table; the grants (columns 4 and 5,
 * parallel arrays) become "permissions" a(su). */
static const CrmDbColumn role_columns[] = {
  { "id", 'x' }, { "name", 's' }, { "display_name", 's' }, { "is_template", 'b' },
};

static void
role_permissions (GVariantDict *d, const PGresult *res, int r)
{
  g_auto(GStrv) perms = crm_db_parse_array (crm_db_get_string (res, r, 4));
  g_auto(GStrv) scopes = crm_db_parse_array (crm_db_get_string (res, r, 5));
  GVariantBuilder pb;

  g_variant_builder_init (&pb, G_VARIANT_TYPE ("a(su)"));
  for (guint i = 0; perms[i] != NULL && scopes[i] != NULL; i++)
    g_variant_builder_add (&pb, "(su)", perms[i], (guint32) atoi (scopes[i]));
  g_variant_dict_insert_value (d, "permissions", g_variant_builder_end (&pb));
}

GVariant *
crm_role_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(PGresult) res =
    crm_db_exec (db, "role_list",
                 "SELECT r.id, r.name, r.display_name, r.is_template,"
                 " ARRAY(SELECT rp.permission FROM role_permissions rp"
                 "       WHERE rp.role_id = r.id ORDER BY rp.permission),"
                 " ARRAY(SELECT rp.scope FROM role_permissions rp"
                 "       WHERE rp.role_id = r.id ORDER BY rp.permission)"
                 " FROM roles r WHERE r.deleted_at IS NULL ORDER BY r.id", 0, NULL, error);

  if (res == NULL)
    return NULL;
  return crm_admin_rows_to_dicts (res, -1, role_columns, G_N_ELEMENTS (role_columns),
                                  role_permissions);
}

static const CrmDbColumn department_columns[] = {
  { "id", 'x' },     { "name", 's' },   { "parent_id", 'x' }, { "kind", 's' },
  { "leader_id", 'x' }, { "branch", 's' }, { "sort", 'i' },
};

GVariant *
crm_department_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(PGresult) res =
    crm_db_exec (db, "department_list",
                 "SELECT id, name, parent_id, kind, coalesce (leader_id, 0), branch, sort"
                 " FROM departments WHERE deleted_at IS NULL ORDER BY parent_id NULLS FIRST, sort,"
                 " name COLLATE \"zh-x-icu\", id", 0, NULL, error);

  if (res == NULL)
    return NULL;
  return crm_admin_rows_to_dicts (res, -1, department_columns, G_N_ELEMENTS (department_columns),
                                  NULL);
}

GVariant *
crm_department_create (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *name;
  gint64 parent;
  g_autofree char *trimmed = NULL;
  g_autofree char *sparent = NULL;
  g_autoptr(PGresult) res = NULL;
  gint64 id;

  g_variant_get (request, "(&s&sx)", &key, &name, &parent);
  if (!crm_validate_text (name, 100, TRUE, "name", error))
    return NULL;
  if (parent < 0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "parent_id",
                                                     _("No such department")));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (name));
  sparent = parent ? crm_db_int64_to_string (parent) : NULL;
  {
    const char *params[] = { trimmed, sparent };
    g_autoptr(PGresult) check =
      crm_db_exec (db, "department_check",
                   "SELECT ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM departments WHERE id = $2 AND deleted_at IS NULL)),"
                   " EXISTS (SELECT 1 FROM departments WHERE coalesce (parent_id, 0)"
                   "  = coalesce ($2::bigint, 0) AND name = $1 AND deleted_at IS NULL)",
                   2, params, error);
    if (check == NULL)
      return NULL;
    if (!crm_db_get_bool (check, 0, 0))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "parent_id",
                                                       _("No such department")));
        return NULL;
      }
    if (crm_db_get_bool (check, 0, 1))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_DUPLICATE, "name",
                           _("A department with this name already exists here")));
        return NULL;
      }
    res = crm_db_exec (db, "department_create",
                       "INSERT INTO departments (name, parent_id) VALUES ($1, $2)"
                       " RETURNING id, jsonb_build_object ('name', name, 'parent_id', parent_id)",
                       2, params, error);
  }
  if (res == NULL)
    return NULL;
  id = crm_db_get_int64 (res, 0, 0);
  if (!crm_admin_changed (db, ctx, "create", "department", id, NULL,
                     crm_db_get_string (res, 0, 1), error))
    return NULL;
  return g_variant_new ("(x)", id);
}
