/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-team"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-admin-util.h"
#include "crm-validate.h"

/*
 * Accounts (账号权限): a person's place in the team, roles, per-user
 * grants and denials, disabling, password resets, sign-in history,
 * sessions and client installations.  Changes to roles and grants reach
 * signed-in sessions at once: triggers of migration 0010 NOTIFY the
 * server, which pushes push.permissions.
 */

#define USER_SNAPSHOT                                                                              \
  "SELECT jsonb_build_object ('login', u.login, 'display_name', u.display_name,"                   \
  " 'department_id', u.department_id, 'leader_id', u.leader_id, 'branch', u.branch,"               \
  " 'status', u.status, 'disabled', u.disabled, 'device_binding', u.device_binding,"               \
  " 'roles', ARRAY(SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id"             \
  "                WHERE ur.user_id = u.id ORDER BY r.name),"                                      \
  " 'grants', ARRAY(SELECT permission FROM user_permission_overrides"                              \
  "                 WHERE user_id = u.id AND granted ORDER BY 1),"                                 \
  " 'denials', ARRAY(SELECT permission FROM user_permission_overrides"                             \
  "                  WHERE user_id = u.id AND NOT granted ORDER BY 1))"                            \
  " FROM users u WHERE u.id = $1"

static const char *const user_keys[]
    = { "display_name", "department_id", "leader_id", "branch",         "status",
        "roles",        "grants",        "denials",   "device_binding", NULL };

static gboolean
check_permissions (GStrv list, const char *field, GError **error)
{
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    if (!crm_admin_permission_known (list[i]))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, field,
                                                       _ ("Unknown permission “%s”"), list[i]));
        return FALSE;
      }
  return TRUE;
}

static gboolean
replace_overrides (CrmDb *db, const char *uid, GStrv list, gboolean granted, GError **error)
{
  g_autofree char *literal = crm_db_text_array ((const char *const *)list, -1);
  const char      *params[] = { uid, literal, granted ? "t" : "f" };
  g_autoptr (PGresult) del = NULL;
  g_autoptr (PGresult) ins = NULL;

  del = crm_db_exec (db, "team_overrides_clear",
                     "DELETE FROM user_permission_overrides WHERE user_id = $1 AND granted = $3"
                     " AND NOT (permission = ANY ($2::text[]))",
                     3, params, error);
  if (del == NULL)
    return FALSE;
  ins = crm_db_exec (db, "team_overrides_set",
                     "INSERT INTO user_permission_overrides (user_id, permission, granted)"
                     " SELECT $1, p, $3 FROM unnest ($2::text[]) p"
                     " ON CONFLICT (user_id, permission) DO UPDATE SET granted = excluded.granted",
                     3, params, error);
  return ins != NULL;
}

GVariant *
crm_user_update (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  gint64      id;
  g_autoptr (GVariant) fields = NULL;
  g_auto (GVariantDict) d;
  const char *display_name = NULL, *branch = NULL, *status = NULL;
  gint64      department = 0, leader = 0;
  gboolean    binding = FALSE;
  gboolean    has_name, has_dept, has_leader, has_branch, has_status, has_binding;
  g_auto (GStrv) roles = NULL, grants = NULL, denials = NULL;
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *uid = NULL, *sdept = NULL, *sleader = NULL, *trimmed = NULL;
  int              own_admin = -1;

  g_variant_get (request, "(&sx@a{sv})", &key, &id, &fields);
  g_variant_dict_init (&d, fields);
  if (!crm_admin_dict_only (fields, user_keys, error))
    return NULL;
  if (!crm_admin_dict_string (&d, "display_name", &display_name, &has_name, error)
      || !crm_admin_dict_int64 (&d, "department_id", &department, &has_dept, error)
      || !crm_admin_dict_int64 (&d, "leader_id", &leader, &has_leader, error)
      || !crm_admin_dict_string (&d, "branch", &branch, &has_branch, error)
      || !crm_admin_dict_string (&d, "status", &status, &has_status, error)
      || !crm_admin_dict_bool (&d, "device_binding", &binding, &has_binding, error)
      || !crm_admin_dict_strv (&d, "roles", &roles, error)
      || !crm_admin_dict_strv (&d, "grants", &grants, error)
      || !crm_admin_dict_strv (&d, "denials", &denials, error))
    return NULL;
  if (has_name && !crm_validate_text (display_name, 50, TRUE, "display_name", error))
    return NULL;
  if (has_branch && !crm_validate_text (branch, 100, FALSE, "branch", error))
    return NULL;
  if (has_status
      && !g_strv_contains (
          (const char *const[]){ "active", "probation", "on_leave", "resigned", NULL }, status))
    {
      g_propagate_error (
          error, crm_error_new_field (
                     CRM_ERROR_INVALID_FIELD, "status",
                     _ ("The status must be one of active, probation, on_leave, resigned")));
      return NULL;
    }
  if (department < 0 || leader < 0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD,
                                                     department < 0 ? "department_id" : "leader_id",
                                                     _ ("This field has the wrong type")));
      return NULL;
    }
  if (leader != 0 && leader == id)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "leader_id",
                                                     _ ("Nobody can be their own leader")));
      return NULL;
    }
  if (!check_permissions (grants, "grants", error)
      || !check_permissions (denials, "denials", error))
    return NULL;
  for (guint i = 0; grants != NULL && denials != NULL && grants[i] != NULL; i++)
    if (g_strv_contains ((const char *const *)denials, grants[i]))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "denials",
                                                       _ ("“%s” cannot be both granted and denied"),
                                                       grants[i]));
        return NULL;
      }
  if (!crm_admin_user_in_scope (db, ctx, "user.manage", id, error))
    return NULL;
  before
      = crm_admin_snapshot (db, "team_user_snapshot", USER_SNAPSHOT, id, _ ("No such user"), error);
  if (before == NULL)
    return NULL;

  if (id == ctx->session->user_id && (roles != NULL || grants != NULL || denials != NULL))
    {
      own_admin = crm_admin_own_admin_count (db, ctx, error);
      if (own_admin < 0)
        return NULL;
    }
  uid = crm_db_int64_to_string (id);
  sdept = department ? crm_db_int64_to_string (department) : NULL;
  sleader = leader ? crm_db_int64_to_string (leader) : NULL;
  {
    g_autofree char *roles_literal = crm_db_text_array ((const char *const *)roles, -1);
    const char      *params[] = { uid, sdept, sleader, roles_literal };
    g_autoptr (PGresult) check = crm_db_exec (
        db, "team_user_check",
        "WITH RECURSIVE up (id, leader_id) AS ("
        "  SELECT id, leader_id FROM users WHERE id = $3"
        "  UNION"
        "  SELECT u.id, u.leader_id FROM users u JOIN up ON u.id = up.leader_id)"
        " SELECT ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM departments WHERE id = $2 AND deleted_at IS NULL)),"
        " ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $3)),"
        " EXISTS (SELECT 1 FROM up WHERE id = $1),"
        " (SELECT count(*) FROM roles WHERE name = ANY ($4::text[]) AND deleted_at IS NULL)"
        "   = cardinality (ARRAY(SELECT DISTINCT unnest ($4::text[])))",
        4, params, error);
    if (check == NULL)
      return NULL;
    if (has_dept && !crm_db_get_bool (check, 0, 0))
      {
        g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "department_id",
                                                       _ ("No such department")));
        return NULL;
      }
    if (has_leader && !crm_db_get_bool (check, 0, 1))
      {
        g_propagate_error (
            error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "leader_id", _ ("No such user")));
        return NULL;
      }
    if (has_leader && crm_db_get_bool (check, 0, 2))
      {
        g_propagate_error (
            error,
            crm_error_new_field (
                CRM_ERROR_INVALID_FIELD, "leader_id",
                _ ("This leader reports to this person already; leaders cannot form a circle")));
        return NULL;
      }
    if (roles != NULL && !crm_db_get_bool (check, 0, 3))
      {
        g_propagate_error (
            error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "roles", _ ("No such role")));
        return NULL;
      }
  }

  trimmed = has_name ? g_strstrip (g_strdup (display_name)) : NULL;
  {
    const char *params[] = { uid,
                             trimmed,
                             has_dept ? "t" : "f",
                             sdept,
                             has_leader ? "t" : "f",
                             sleader,
                             has_branch ? branch : NULL,
                             has_status ? status : NULL,
                             has_binding ? (binding ? "t" : "f") : NULL };
    g_autoptr (PGresult) res = crm_db_exec (
        db, "team_user_update",
        "UPDATE users SET display_name = coalesce ($2, display_name),"
        " department_id = CASE WHEN $3::boolean THEN $4::bigint ELSE department_id END,"
        " leader_id = CASE WHEN $5::boolean THEN $6::bigint ELSE leader_id END,"
        " branch = coalesce ($7, branch), status = coalesce ($8, status),"
        " device_binding = coalesce ($9::boolean, device_binding)"
        " WHERE id = $1",
        9, params, error);
    if (res == NULL)
      return NULL;
  }
  if (roles != NULL)
    {
      g_autofree char *literal = crm_db_text_array ((const char *const *)roles, -1);
      const char      *params[] = { uid, literal };
      g_autoptr (PGresult) del
          = crm_db_exec (db, "team_user_roles_clear",
                         "DELETE FROM user_roles ur USING roles r WHERE ur.user_id = $1"
                         " AND r.id = ur.role_id AND NOT (r.name = ANY ($2::text[]))",
                         2, params, error);
      g_autoptr (PGresult) ins = NULL;

      if (del == NULL)
        return NULL;
      ins = crm_db_exec (db, "team_user_roles_add",
                         "INSERT INTO user_roles (user_id, role_id)"
                         " SELECT $1, id FROM roles WHERE name = ANY ($2::text[]) AND deleted_at IS NULL"
                         " ON CONFLICT DO NOTHING",
                         2, params, error);
      if (ins == NULL)
        return NULL;
    }
  if ((grants != NULL && !replace_overrides (db, uid, grants, TRUE, error))
      || (denials != NULL && !replace_overrides (db, uid, denials, FALSE, error)))
    return NULL;
  if (own_admin >= 0 && !crm_admin_keeps_own_admin (db, ctx, own_admin, error))
    return NULL;

  after
      = crm_admin_snapshot (db, "team_user_snapshot", USER_SNAPSHOT, id, _ ("No such user"), error);
  if (after == NULL || !crm_admin_changed (db, ctx, "update", "user", id, before, after, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_user_set_disabled (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *key;
  gint64           id;
  gboolean         disabled;
  g_autofree char *uid = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&sxb)", &key, &id, &disabled);
  if (disabled && id == ctx->session->user_id)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_CONFLICT,
                           _ ("You cannot disable your own account"));
      return NULL;
    }
  if (!crm_admin_user_in_scope (db, ctx, "user.manage", id, error))
    return NULL;
  uid = crm_db_int64_to_string (id);
  {
    const char *params[] = { uid, disabled ? "t" : "f" };
    res = crm_db_exec (db, "team_user_disable", "UPDATE users SET disabled = $2 WHERE id = $1", 2,
                       params, error);
  }
  if (res == NULL)
    return NULL;
  /* A disabled account is signed out everywhere at once. */
  if (disabled && !crm_admin_revoke_sessions (db, id, NULL, NULL, "disabled", error))
    return NULL;
  if (!crm_admin_changed (db, ctx, disabled ? "disable" : "enable", "user", id,
                     disabled ? "{\"disabled\": false}" : "{\"disabled\": true}",
                     disabled ? "{\"disabled\": true}" : "{\"disabled\": false}", error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_user_reset_password (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *key;
  gint64           id;
  g_autofree char *uid = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&sx)", &key, &id);
  if (!crm_admin_user_in_scope (db, ctx, "user.manage", id, error))
    return NULL;
  /* Read out over the phone: 12 characters. */
  password = crm_password_generate (12);
  hash = password ? crm_password_hash (password) : NULL;
  if (hash == NULL)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INTERNAL, _ ("Internal server error"));
      return NULL;
    }
  uid = crm_db_int64_to_string (id);
  {
    const char *params[] = { uid, hash };
    res = crm_db_exec (db, "team_user_reset_password",
                       "UPDATE users SET password_hash = $2, must_change_password = true,"
                       " failed_logins = 0, locked_until = NULL WHERE id = $1",
                       2, params, error);
  }
  if (res == NULL || !crm_admin_revoke_sessions (db, id, NULL, NULL, "password-changed", error)
      || !crm_admin_changed (db, ctx, "reset_password", "user", id, NULL, NULL, error))
    return NULL;
  return g_variant_new ("(s)", password);
}

GVariant *
crm_user_login_history (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64           user_id;
  gint32           limit;
  g_autofree char *owners = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *slimit = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(xi)", &user_id, &limit);
  if (!crm_db_scope_owners (db, ctx->session->user_id, "user.view", &owners, error))
    return NULL;
  uid = user_id > 0 ? crm_db_int64_to_string (user_id) : NULL;
  slimit = g_strdup_printf ("%d", crm_admin_clamp_limit (limit, 100, 1000));
  {
    const char *params[] = { uid, owners, slimit };
    res = crm_db_exec (db, "team_login_history",
                       "SELECT id, coalesce (user_id, 0), login,"
                       " (extract (epoch FROM at) * 1000000)::bigint, coalesce (peer, ''),"
                       " success, coalesce (reason, '')"
                       " FROM login_history"
                       " WHERE ($1::bigint IS NULL OR user_id = $1)"
                       " AND ($2::bigint[] IS NULL OR user_id = ANY ($2::bigint[]))"
                       " ORDER BY id DESC LIMIT $3",
                       3, params, error);
  }
  if (res == NULL)
    return NULL;
  {
    static const CrmDbColumn columns[] = {
      { "id", 'x' }, { "user_id", 'x' }, { "login", 's' }, { "at", 'x' },
      { "peer", 's' }, { "success", 'b' }, { "reason", 's' },
    };
    return crm_db_rows_to_dicts (res, columns, G_N_ELEMENTS (columns));
  }
}

GVariant *
crm_session_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64           user_id;
  g_autofree char *owners = NULL;
  g_autofree char *uid = NULL;
  g_autoptr (PGresult) res = NULL;
  GVariantBuilder b;

  g_variant_get (request, "(x)", &user_id);
  if (!crm_db_scope_owners (db, ctx->session->user_id, "user.view", &owners, error))
    return NULL;
  uid = user_id > 0 ? crm_db_int64_to_string (user_id) : NULL;
  {
    const char *params[] = { uid, owners };
    /* The id is the SHA-256 of the token: it names the session but cannot
     * be used to resume it. */
    res = crm_db_exec (db, "team_session_list",
                       "SELECT s.token_hash, s.user_id, u.login,"
                       " (extract (epoch FROM s.created) * 1000000)::bigint,"
                       " (extract (epoch FROM s.last_seen) * 1000000)::bigint,"
                       " coalesce (s.peer, ''), s.client"
                       " FROM sessions s JOIN users u ON u.id = s.user_id"
                       " WHERE NOT s.revoked AND s.expires > now ()"
                       " AND ($1::bigint IS NULL OR s.user_id = $1)"
                       " AND ($2::bigint[] IS NULL OR s.user_id = ANY ($2::bigint[]))"
                       " ORDER BY s.last_seen DESC LIMIT 1000",
                       2, params, error);
  }
  if (res == NULL)
    return NULL;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int r = 0; r < PQntuples (res); r++)
    {
      g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

      static const CrmDbColumn columns[] = {
        { "id", 's' }, { "user_id", 'x' }, { "login", 's' }, { "created_at", 'x' },
        { "last_seen", 'x' }, { "peer", 's' }, { "client", 's' },
      };

      crm_db_row_insert (&d, res, r, columns, G_N_ELEMENTS (columns));
      g_variant_dict_insert (&d, "current", "b",
                             g_strcmp0 (crm_db_get_string (res, r, 0), ctx->session->token_hash)
                                 == 0);
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
    }
  return g_variant_builder_end (&b);
}

GVariant *
crm_session_revoke (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *session_id;
  g_autoptr (PGresult) res = NULL;
  gint64 user_id;

  g_variant_get (request, "(&s&s)", &key, &session_id);
  if (strlen (session_id) != 64 || strspn (session_id, "0123456789abcdef") != 64)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _ ("No such session"));
      return NULL;
    }
  {
    const char *params[] = { session_id };
    res = crm_db_exec (db, "team_session_owner",
                       "SELECT user_id FROM sessions WHERE token_hash = $1"
                       " AND NOT revoked AND expires > now ()",
                       1, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _ ("No such session"));
      return NULL;
    }
  user_id = crm_db_get_int64 (res, 0, 0);
  if (!crm_admin_user_in_scope (db, ctx, "user.manage", user_id, error)
      || !crm_admin_revoke_sessions (db, user_id, NULL, session_id, "revoked", error)
      || !crm_db_audit (db, ctx, "revoke", "session", user_id, NULL, NULL, error)
      /* Sessions and devices are shown with their user: consoles reload it. */
      || !crm_db_notify_change (db, "user", user_id, 0, "update", 0, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_device_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autofree char *owners = NULL;
  g_autoptr (PGresult) res = NULL;

  if (!crm_db_scope_owners (db, ctx->session->user_id, "user.view", &owners, error))
    return NULL;
  {
    const char *params[] = { owners };
    res = crm_db_exec (db, "team_device_list",
                       "SELECT d.id, d.user_id, u.login, d.client_key, d.name, d.approved,"
                       " (extract (epoch FROM d.first_seen) * 1000000)::bigint,"
                       " (extract (epoch FROM d.last_seen) * 1000000)::bigint"
                       " FROM devices d JOIN users u ON u.id = d.user_id"
                       " WHERE ($1::bigint[] IS NULL OR d.user_id = ANY ($1::bigint[]))"
                       " ORDER BY d.approved, d.last_seen DESC LIMIT 5000",
                       1, params, error);
  }
  if (res == NULL)
    return NULL;
  {
    static const CrmDbColumn columns[] = {
      { "id", 'x' }, { "user_id", 'x' }, { "login", 's' }, { "client_key", 's' },
      { "name", 's' }, { "approved", 'b' }, { "first_seen", 'x' }, { "last_seen", 'x' },
    };
    return crm_db_rows_to_dicts (res, columns, G_N_ELEMENTS (columns));
  }
}

GVariant *
crm_device_approve (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *key;
  gint64           id;
  gboolean         approved;
  g_autofree char *sid = NULL;
  g_autoptr (PGresult) res = NULL;
  gint64 user_id;

  g_variant_get (request, "(&sxb)", &key, &id, &approved);
  sid = crm_db_int64_to_string (id);
  {
    const char *params[] = { sid, approved ? "t" : "f" };
    res = crm_db_exec (db, "team_device_approve",
                       "UPDATE devices SET approved = $2 WHERE id = $1 RETURNING user_id", 2,
                       params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _ ("No such device"));
      return NULL;
    }
  user_id = crm_db_get_int64 (res, 0, 0);
  if (!crm_admin_user_in_scope (db, ctx, "user.manage", user_id, error)
      || !crm_db_audit (db, ctx, approved ? "approve" : "update", "device", id, NULL,
                        NULL, error)
      || !crm_db_notify_change (db, "user", user_id, 0, "update", 0, error))
    return NULL;
  return g_variant_new ("()");
}
