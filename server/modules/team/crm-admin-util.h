/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Helpers shared by the admin console's handlers (team/, settings/,
 * audit/): typed lookups in request dictionaries with translated errors,
 * record snapshots for the audit log, scope checks on users.
 */

#include "crm-modules.h"

G_BEGIN_DECLS

/* Each returns FALSE with CRM_ERROR_INVALID_FIELD naming `key` when the
 * value has the wrong type; `*present` (may be NULL) tells whether the key
 * was there.  Strings point into the dictionary's value. */
gboolean crm_admin_dict_string (GVariantDict *d, const char *key, const char **out,
                                gboolean *present, GError **error);
gboolean crm_admin_dict_int64 (GVariantDict *d, const char *key, gint64 *out, gboolean *present,
                               GError **error);
gboolean crm_admin_dict_bool (GVariantDict *d, const char *key, gboolean *out, gboolean *present,
                              GError **error);
/* An "as" value; `*out` is NULL when absent (free with g_strfreev). */
gboolean crm_admin_dict_strv (GVariantDict *d, const char *key, GStrv *out, GError **error);
/* Refuses keys outside `allowed` (NULL-terminated) with INVALID_FIELD. */
gboolean crm_admin_dict_only (GVariant *dict, const char *const *allowed, GError **error);

/* TRUE when `permission` is in the server's catalogue. */
gboolean crm_admin_permission_known (const char *permission);

/* Runs `sql` (one row, one jsonb column; $1 = id) and returns the JSON
 * text, or NULL with NOT_FOUND (`not_found` translated) when no row. */
char *crm_admin_snapshot (CrmDb *db, const char *name, const char *sql, gint64 id,
                          const char *not_found, GError **error);

/* NOT_FOUND unless `user_id` exists and is within what the session reaches
 * with `permission` (data scope). */
gboolean crm_admin_user_in_scope (CrmDb *db, CrmRequestContext *ctx, const char *permission,
                                  gint64 user_id, GError **error);

/* Marks sessions of `user_id` revoked (all when `only_hash` is NULL; never
 * `keep_hash` when set) and notifies the server so their connections get
 * push.signed_out with `reason` ("disabled", "password-changed", "revoked",
 * "signed-out"). */
gboolean crm_admin_revoke_sessions (CrmDb *db, gint64 user_id, const char *keep_hash,
                                    const char *only_hash, const char *reason, GError **error);

/* How many of user.manage and role.manage the acting user holds (0–2),
 * or -1 on error.  Checked before and after a change to roles or grants:
 * crm_admin_keeps_own_admin() answers CONFLICT when the change took one
 * away (nobody locks themselves out of the console). */
int      crm_admin_own_admin_count (CrmDb *db, CrmRequestContext *ctx, GError **error);
gboolean crm_admin_keeps_own_admin (CrmDb *db, CrmRequestContext *ctx, int before, GError **error);

/* crm_db_audit() and then NOTIFY crm_changes for `entity` / `id`, so
 * signed-in clients (the console's pages) hear of the change at once:
 * push.record_changed with `action` when it is create / update / delete /
 * restore, else "update". */
gboolean crm_admin_changed (CrmDb *db, CrmRequestContext *ctx, const char *action,
                            const char *entity, gint64 id, const char *before_json,
                            const char *after_json, GError **error);

/* The roles' recycle-bin kind (crm-roles.c), registered by
 * crm_team_module_init(). */
void crm_roles_register_recycle (void);

/* Table-driven rows → records for the console's lists: the column types
 * of crm_db_row_insert() ('x', 's', 'b') plus 'i' (int32) and 'a' (a
 * text[] as "as"); a column whose key is NULL is skipped.  The first
 * `n_rows` rows (-1 = all) as "aa{sv}"; `extra` (may be NULL) adds computed
 * members to each row. */
typedef void (*CrmAdminRowExtra) (GVariantDict *row, const PGresult *res, int r);
void      crm_admin_row_insert    (GVariantDict *dict, const PGresult *res, int row,
                                   const CrmDbColumn *columns, gsize n_columns);
GVariant *crm_admin_rows_to_dicts (const PGresult *res, int n_rows, const CrmDbColumn *columns,
                                   gsize n_columns, CrmAdminRowExtra extra);

/* A limit argument clamped into 1…max (≤ 0 → default). */
int crm_admin_clamp_limit (int limit, int dflt, int max);

G_END_DECLS
