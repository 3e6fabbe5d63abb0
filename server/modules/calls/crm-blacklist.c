/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-blacklist"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "audit/crm-recycle.h"
#include "crm-calls-private.h"
#include "crm-phone.h"
#include "crm-validate.h"

/*
 * 骚扰电话: numbers and prefixes to block, and a whitelist that overrides
 * them.  Numbers are stored as their match key, so "+86 138-1234-5678" and
 * "13812345678" are one entry; prefixes ("0755*") are kept as digits.
 */

#define MAX_REASON_CHARS 200
#define MAX_PREFIX_DIGITS 20

gboolean
crm_blacklist_lookup (CrmDb       *db,
                      const char  *key,
                      gboolean    *blocked,
                      gboolean    *whitelisted,
                      char       **reason,
                      GError     **error)
{
  const char *params[] = { key };
  g_autoptr(PGresult) res = NULL;

  *blocked = FALSE;
  *whitelisted = FALSE;
  *reason = g_strdup ("");
  if (key == NULL || *key == '\0')
    return TRUE;
  res = crm_db_exec (db, "blacklist_lookup",
                     "SELECT kind, reason FROM blacklist"
                     " WHERE (pattern = $1"
                     "    OR (right (pattern, 1) = '*' AND starts_with ($1, rtrim (pattern, '*'))))"
                     "   AND deleted_at IS NULL"
                     " ORDER BY kind = 'allow' DESC, length (pattern) DESC LIMIT 1",
                     1, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    return TRUE;
  if (strcmp (crm_db_get_string (res, 0, 0), "allow") == 0)
    *whitelisted = TRUE;
  else
    *blocked = TRUE;
  g_free (*reason);
  *reason = g_strdup (crm_db_get_string (res, 0, 1));
  return TRUE;
}

static GVariant *
entry_to_variant (const PGresult *res, int row)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&d, "id", "x", crm_db_get_int64 (res, row, 0));
  g_variant_dict_insert (&d, "pattern", "s", crm_db_get_string (res, row, 1));
  g_variant_dict_insert (&d, "kind", "s", crm_db_get_string (res, row, 2));
  g_variant_dict_insert (&d, "reason", "s", crm_db_get_string (res, row, 3));
  g_variant_dict_insert (&d, "created_by", "x", crm_db_get_int64 (res, row, 4));
  g_variant_dict_insert (&d, "created_by_name", "s", crm_db_get_string (res, row, 5));
  g_variant_dict_insert (&d, "created_at", "x", crm_db_get_int64 (res, row, 6));
  g_variant_dict_insert (&d, "updated_at", "x", crm_db_get_int64 (res, row, 7));
  return g_variant_dict_end (&d);
}

/* Entries this session may change or delete: "blacklist.manage" is scoped
 * (own entries for a salesperson, everything for an administrator);
 * *owners NULL = every entry. */
static gboolean
manage_scope (CrmDb *db, CrmRequestContext *ctx, gboolean *any, char **owners, GError **error)
{
  *owners = NULL;
  *any = crm_session_has_permission (ctx->session, "blacklist.manage");
  if (!*any)
    return TRUE;
  return crm_db_scope_owners (db, ctx->session->user_id, "blacklist.manage", owners, error);
}

/* After an UPDATE or DELETE limited to the scope touched nothing. */
static void
set_not_changeable (CrmDb *db, const char *sid, GError **error)
{
  const char *params[] = { sid };
  g_autoptr(GError) local = NULL;
  g_autoptr(PGresult) res = crm_db_exec (db, "blacklist_exists",
                                         "SELECT 1 FROM blacklist WHERE id = $1::bigint AND deleted_at IS NULL",
                                         1, params, &local);

  if (res != NULL && PQntuples (res) == 1)
    g_set_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED,
                 _("You may change only the blacklist entries you are responsible for"));
  else if (res == NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else
    g_set_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _("No such blacklist entry"));
}

#define ENTRY_COLUMNS \
  "b.id, b.pattern, b.kind, b.reason, coalesce (b.created_by, 0), coalesce (u.display_name, '')," \
  " (extract (epoch FROM b.created_at) * 1000000)::bigint," \
  " (extract (epoch FROM b.updated_at) * 1000000)::bigint"

GVariant *
crm_blacklist_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(PGresult) res = NULL;
  g_autofree char *owners = NULL;
  gboolean any;
  GVariantBuilder b;

  if (!manage_scope (db, ctx, &any, &owners, error))
    return NULL;
  {
    const char *params[] = { any ? "t" : "f", owners };

    res = crm_db_exec (db, "blacklist_list",
                       "SELECT " ENTRY_COLUMNS ","
                       " $1::boolean AND ($2::bigint[] IS NULL OR b.created_by = ANY ($2::bigint[]))"
                       " FROM blacklist b"
                       " LEFT JOIN users u ON u.id = b.created_by"
                       " WHERE b.deleted_at IS NULL"
                       " ORDER BY b.kind, b.pattern", 2, params, error);
  }
  if (res == NULL)
    return NULL;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int row = 0; row < PQntuples (res); row++)
    {
      g_autoptr(GVariant) entry = g_variant_ref_sink (entry_to_variant (res, row));
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (entry);

      g_variant_dict_insert (&d, "editable", "b", crm_db_get_bool (res, row, 8));
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
    }
  return g_variant_builder_end (&b);
}

/* "0755*", "+852*" → digits with the "*"; anything else must be a phone
 * number and becomes its match key. */
static char *
normalize_pattern (CrmDb *db, const char *text, GError **error)
{
  g_autofree char *area = NULL;
  g_autofree char *key = NULL;
  gsize len = strlen (text);

  if (len > 0 && text[len - 1] == '*')
    {
      g_autoptr(GString) out = g_string_new (NULL);

      for (gsize i = 0; i + 1 < len; i++)
        {
          char c = text[i];

          if (g_ascii_isdigit (c))
            g_string_append_c (out, c);
          else if (c == '+' && out->len == 0)
            g_string_append_c (out, c);
          else if (c == ' ' || c == '-')
            continue;
          else
            out->len = MAX_PREFIX_DIGITS + 2; /* rejected below */
          if (out->len > MAX_PREFIX_DIGITS + 1)
            break;
        }
      if (out->len == 0 || out->len > MAX_PREFIX_DIGITS || strcmp (out->str, "+") == 0)
        {
          g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "pattern",
                             _("A prefix is 1 to 20 digits followed by “*”")));
          return NULL;
        }
      g_string_append_c (out, '*');
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  area = crm_calls_local_area_code (db, error);
  if (area == NULL)
    return NULL;
  key = crm_phone_match_key (text, area);
  if (key == NULL)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "pattern",
                         _("Enter a phone number, or a prefix followed by “*”")));
      return NULL;
    }
  return g_steal_pointer (&key);
}

GVariant *
crm_blacklist_save (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) entry = NULL;
  g_autoptr(GVariant) v_id = NULL, v_pattern = NULL, v_kind = NULL, v_reason = NULL;
  const char *kind = "block", *reason = "";
  g_autofree char *pattern = NULL;
  g_autofree char *sid = NULL, *suser = NULL, *owners = NULL;
  gboolean any;
  g_autoptr(PGresult) res = NULL;
  gint64 id = 0;

  g_variant_get (request, "(&s@a{sv})", NULL, &entry);
  if (!crm_calls_dict_get (entry, "id", G_VARIANT_TYPE_INT64, &v_id, error) ||
      !crm_calls_dict_get (entry, "pattern", G_VARIANT_TYPE_STRING, &v_pattern, error) ||
      !crm_calls_dict_get (entry, "kind", G_VARIANT_TYPE_STRING, &v_kind, error) ||
      !crm_calls_dict_get (entry, "reason", G_VARIANT_TYPE_STRING, &v_reason, error))
    return NULL;
  if (v_id != NULL)
    id = g_variant_get_int64 (v_id);
  if (id < 0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "id", _("Invalid id")));
      return NULL;
    }
  if (v_pattern == NULL)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "pattern",
                         _("Enter a phone number, or a prefix followed by “*”")));
      return NULL;
    }
  pattern = normalize_pattern (db, g_variant_get_string (v_pattern, NULL), error);
  if (pattern == NULL)
    return NULL;
  if (v_kind != NULL)
    kind = g_variant_get_string (v_kind, NULL);
  if (strcmp (kind, "block") != 0 && strcmp (kind, "allow") != 0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "kind",
                         _("The kind must be “block” or “allow”")));
      return NULL;
    }
  if (v_reason != NULL)
    reason = g_variant_get_string (v_reason, NULL);
  if (!crm_validate_text (reason, MAX_REASON_CHARS, FALSE, "reason", error))
    return NULL;
  if (strpbrk (reason, "\r\n\t") != NULL)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "reason",
                         _("The reason is one line of text")));
      return NULL;
    }

  sid = crm_db_int64_to_string (id);
  suser = crm_db_int64_to_string (ctx->session->user_id);
  if (!manage_scope (db, ctx, &any, &owners, error))
    return NULL;
  {
    const char *params[] = { sid, pattern, kind, reason, owners };
    const char *insert_params[] = { pattern, kind, reason, suser };

    if (id == 0)
      res = crm_db_exec (db, "blacklist_insert",
                         "INSERT INTO blacklist (pattern, kind, reason, created_by)"
                         " VALUES ($1, $2, $3, $4::bigint) RETURNING id",
                         4, insert_params, error);
    else
      res = crm_db_exec (db, "blacklist_update",
                         "UPDATE blacklist SET pattern = $2, kind = $3, reason = $4, updated_at = now()"
                         " WHERE id = $1::bigint AND deleted_at IS NULL"
                         " AND ($5::bigint[] IS NULL OR created_by = ANY ($5::bigint[])) RETURNING id",
                         5, params, error);
  }
  if (res == NULL)
    {
      if (g_error_matches (*error, CRM_ERROR, CRM_ERROR_DUPLICATE))
        {
          g_clear_error (error);
          g_propagate_error (error, crm_error_new_field (CRM_ERROR_DUPLICATE, "pattern",
                             _("This number or prefix is already listed")));
        }
      return NULL;
    }
  if (PQntuples (res) != 1)
    {
      set_not_changeable (db, sid, error);
      return NULL;
    }
  id = crm_db_get_int64 (res, 0, 0);
  {
    g_autofree char *after = g_strdup_printf ("{\"pattern\": \"%s\", \"kind\": \"%s\"}", pattern, kind);

    if (!crm_db_audit (db, ctx, v_id != NULL && g_variant_get_int64 (v_id) != 0 ? "update" : "create",
                       "blacklist", id, NULL, after, error))
      return NULL;
  }
  return g_variant_new ("(x)", id);
}

GVariant *
crm_blacklist_delete (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64 id;
  g_autofree char *sid = NULL, *owners = NULL, *suser = NULL;
  g_autoptr(PGresult) res = NULL;
  gboolean any;

  g_variant_get (request, "(&sx)", NULL, &id);
  sid = crm_db_int64_to_string (id);
  suser = crm_db_int64_to_string (ctx->session->user_id);
  if (!manage_scope (db, ctx, &any, &owners, error))
    return NULL;
  {
    const char *params[] = { sid, owners, suser };

    /* Into the recycle bin (see blacklist_recycle below). */
    res = crm_db_exec (db, "blacklist_delete",
                       "UPDATE blacklist SET deleted_at = now (), deleted_by = $3::bigint"
                       " WHERE id = $1::bigint AND deleted_at IS NULL"
                       " AND ($2::bigint[] IS NULL OR created_by = ANY ($2::bigint[])) RETURNING pattern",
                       3, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      set_not_changeable (db, sid, error);
      return NULL;
    }
  if (!crm_db_audit (db, ctx, "delete", "blacklist", id, NULL, NULL, error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_blacklist_check (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *number;
  g_autofree char *area = NULL, *key = NULL, *reason = NULL;
  gboolean blocked, whitelisted;

  g_variant_get (request, "(&s)", &number);
  area = crm_calls_local_area_code (db, error);
  if (area == NULL)
    return NULL;
  key = crm_phone_match_key (number, area);
  if (!crm_blacklist_lookup (db, key ? key : "", &blocked, &whitelisted, &reason, error))
    return NULL;
  return g_variant_new ("(bs)", blocked, reason);
}

/* Deleted entries wait in the recycle bin (migration 0193). */
static const CrmRecycleEntity blacklist_recycle = {
  .entity = "blacklist",
  .label = N_("Blacklist entries"),
  .permission = "blacklist.manage",
  .list_sql = "SELECT 'blacklist'::text, b.id,"
              " b.pattern || CASE WHEN b.reason = '' THEN '' ELSE ' (' || b.reason || ')' END,"
              " b.deleted_by, b.deleted_at, b.created_by"
              " FROM blacklist b WHERE b.deleted_at IS NOT NULL",
  .restore_sql = "UPDATE blacklist b SET deleted_at = NULL, deleted_by = NULL, updated_at = now ()"
                 " WHERE b.id = $1 AND b.deleted_at IS NOT NULL"
                 " RETURNING jsonb_build_object ('pattern', b.pattern, 'kind', b.kind, 'reason', b.reason)::text,"
                 " 0::bigint, coalesce (b.created_by, 0)",
  .restore_duplicate = N_("This number or prefix is listed again meanwhile; delete that entry first"),
  .purge_sql = "DELETE FROM blacklist b WHERE b.id = $1 AND b.deleted_at IS NOT NULL"
               " RETURNING jsonb_build_object ('pattern', b.pattern, 'kind', b.kind, 'reason', b.reason)::text",
};

void
crm_calls_module_init (void)
{
  crm_recycle_register (&blacklist_recycle);
}
