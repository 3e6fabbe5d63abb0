/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-audit"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-modules.h"
#include "team/crm-admin-util.h"

/*
 * The audit viewer and the recycle bin (administrators: audit.view,
 * recycle.manage).  Lists page by id (keyset: "before id"), newest first.
 */

static const char *const audit_filter_keys[]
    = { "user_id", "entity", "entity_id", "action", "from", "to", NULL };

/* µs since the epoch → a timestamptz literal PostgreSQL reads back. */
static char *
epoch_param (gint64 us)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%06d", us / G_USEC_PER_SEC,
                          (int)(us % G_USEC_PER_SEC));
}

GVariant *
crm_audit_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr (GVariant) filters = NULL;
  gint64 before;
  gint32 limit;
  g_auto (GVariantDict) d;
  gint64           user_id = 0, entity_id = 0, from = 0, to = 0;
  gboolean         has_user, has_entity_id, has_from, has_to;
  const char      *entity = NULL, *action = NULL;
  g_autofree char *suser = NULL, *sentity_id = NULL, *sfrom = NULL, *sto = NULL;
  g_autofree char *sbefore = NULL, *slimit = NULL;
  g_autoptr (PGresult) res = NULL;
  GVariantBuilder b;
  int             n;

  g_variant_get (request, "(@a{sv}xi)", &filters, &before, &limit);
  g_variant_dict_init (&d, filters);
  if (!crm_admin_dict_only (filters, audit_filter_keys, error)
      || !crm_admin_dict_int64 (&d, "user_id", &user_id, &has_user, error)
      || !crm_admin_dict_int64 (&d, "entity_id", &entity_id, &has_entity_id, error)
      || !crm_admin_dict_int64 (&d, "from", &from, &has_from, error)
      || !crm_admin_dict_int64 (&d, "to", &to, &has_to, error)
      || !crm_admin_dict_string (&d, "entity", &entity, NULL, error)
      || !crm_admin_dict_string (&d, "action", &action, NULL, error))
    return NULL;
  if ((entity && strlen (entity) > 64) || (action && strlen (action) > 64))
    {
      g_propagate_error (error,
                         crm_error_new_field (CRM_ERROR_INVALID_FIELD,
                                              entity && strlen (entity) > 64 ? "entity" : "action",
                                              _ ("This value is too long")));
      return NULL;
    }
  if (has_from && has_to && from > to)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "from",
                                                     _ ("The start must not be after the end")));
      return NULL;
    }
  limit = crm_admin_clamp_limit (limit, 100, 500);
  suser = has_user ? crm_db_int64_to_string (user_id) : NULL;
  sentity_id = has_entity_id ? crm_db_int64_to_string (entity_id) : NULL;
  sfrom = has_from ? epoch_param (from) : NULL;
  sto = has_to ? epoch_param (to) : NULL;
  sbefore = before > 0 ? crm_db_int64_to_string (before) : NULL;
  slimit = g_strdup_printf ("%d", limit + 1);
  {
    const char *params[] = { suser,      entity && *entity ? entity : NULL,
                             sentity_id, action && *action ? action : NULL,
                             sfrom,      sto,
                             sbefore,    slimit };
    res = crm_db_exec (
        db, "audit_list",
        "SELECT a.id, (extract (epoch FROM a.at) * 1000000)::bigint,"
        " coalesce (a.user_id, 0), coalesce (u.login, ''), coalesce (u.display_name, ''),"
        " a.action, a.entity, coalesce (a.entity_id, 0),"
        " coalesce (a.before::text, ''), coalesce (a.after::text, ''),"
        " coalesce (a.peer, '')"
        " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
        " WHERE ($1::bigint IS NULL OR a.user_id = $1)"
        " AND ($2::text IS NULL OR a.entity = $2)"
        " AND ($3::bigint IS NULL OR a.entity_id = $3)"
        " AND ($4::text IS NULL OR a.action = $4)"
        " AND ($5::numeric IS NULL OR a.at >= to_timestamp ($5::numeric))"
        " AND ($6::numeric IS NULL OR a.at < to_timestamp ($6::numeric))"
        " AND ($7::bigint IS NULL OR a.id < $7)"
        " ORDER BY a.id DESC LIMIT $8",
        8, params, error);
  }
  if (res == NULL)
    return NULL;
  n = MIN (PQntuples (res), limit);
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int r = 0; r < n; r++)
    {
      g_auto (GVariantDict) row = G_VARIANT_DICT_INIT (NULL);

      g_variant_dict_insert (&row, "id", "x", crm_db_get_int64 (res, r, 0));
      g_variant_dict_insert (&row, "at", "x", crm_db_get_int64 (res, r, 1));
      g_variant_dict_insert (&row, "user_id", "x", crm_db_get_int64 (res, r, 2));
      g_variant_dict_insert (&row, "login", "s", crm_db_get_string (res, r, 3));
      g_variant_dict_insert (&row, "user_name", "s", crm_db_get_string (res, r, 4));
      g_variant_dict_insert (&row, "action", "s", crm_db_get_string (res, r, 5));
      g_variant_dict_insert (&row, "entity", "s", crm_db_get_string (res, r, 6));
      g_variant_dict_insert (&row, "entity_id", "x", crm_db_get_int64 (res, r, 7));
      g_variant_dict_insert (&row, "before", "s", crm_db_get_string (res, r, 8));
      g_variant_dict_insert (&row, "after", "s", crm_db_get_string (res, r, 9));
      g_variant_dict_insert (&row, "peer", "s", crm_db_get_string (res, r, 10));
      g_variant_builder_add_value (&b, g_variant_dict_end (&row));
    }
  return g_variant_new ("(@aa{sv}x)", g_variant_builder_end (&b),
                        PQntuples (res) > limit ? crm_db_get_int64 (res, n - 1, 0) : (gint64)0);
}

/* ---- Recycle bin ---- */

/* Every entity with deleted_at; statements are fixed text per entity. */
typedef struct
{
  const char *entity;
  const char *list_sql;    /* $1 before id (NULL = newest), $2 limit */
  const char *restore_sql; /* $1 id → owner_id, version, audit JSON */
  const char *purge_sql;   /* $1 id → audit JSON */
} RecycleEntity;

static const RecycleEntity recycle_entities[] = {
  { "customer",
    "SELECT 'customer', c.id, c.name, coalesce (c.deleted_by, 0), coalesce (u.display_name, ''),"
    " (extract (epoch FROM c.deleted_at) * 1000000)::bigint, c.owner_id"
    " FROM customers c LEFT JOIN users u ON u.id = c.deleted_by"
    " WHERE c.deleted_at IS NOT NULL AND ($1::bigint IS NULL OR c.id < $1)"
    " ORDER BY c.id DESC LIMIT $2",
    "UPDATE customers c SET deleted_at = NULL, deleted_by = NULL, version = version + 1,"
    " updated_at = now () WHERE c.id = $1 AND c.deleted_at IS NOT NULL"
    " RETURNING c.owner_id, c.version,"
    " (to_jsonb (c) - ARRAY['search_bigrams', 'name_pinyin', 'name_initials', 'phone_digits'])",
    "DELETE FROM customers c WHERE c.id = $1 AND c.deleted_at IS NOT NULL"
    " RETURNING (to_jsonb (c) - ARRAY['search_bigrams', 'name_pinyin', 'name_initials', "
    "'phone_digits'])" },
};

static const RecycleEntity *
recycle_lookup (const char *entity, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (recycle_entities); i++)
    if (strcmp (recycle_entities[i].entity, entity) == 0)
      return &recycle_entities[i];
  g_propagate_error (
      error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "entity", _ ("Unknown kind of record")));
  return NULL;
}

GVariant *
crm_recycle_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *entity;
  gint64           before;
  gint32           limit;
  g_autofree char *sbefore = NULL, *slimit = NULL;
  GVariantBuilder  b;
  gint64           next = 0;
  int              n;

  g_variant_get (request, "(&sxi)", &entity, &before, &limit);
  /* "" = every entity; with one kind of record so far that is customers. */
  if (*entity == '\0')
    entity = "customer";
  if (recycle_lookup (entity, error) == NULL)
    return NULL;
  limit = crm_admin_clamp_limit (limit, 100, 500);
  sbefore = before > 0 ? crm_db_int64_to_string (before) : NULL;
  slimit = g_strdup_printf ("%d", limit + 1);
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  {
    const RecycleEntity *e = recycle_lookup (entity, NULL);
    const char          *params[] = { sbefore, slimit };
    g_autofree char     *name = g_strdup_printf ("recycle_list_%s", e->entity);
    g_autoptr (PGresult) res = crm_db_exec (db, name, e->list_sql, 2, params, error);

    if (res == NULL)
      return NULL;
    n = MIN (PQntuples (res), limit);
    for (int r = 0; r < n; r++)
      {
        g_auto (GVariantDict) row = G_VARIANT_DICT_INIT (NULL);

        g_variant_dict_insert (&row, "entity", "s", crm_db_get_string (res, r, 0));
        g_variant_dict_insert (&row, "id", "x", crm_db_get_int64 (res, r, 1));
        g_variant_dict_insert (&row, "title", "s", crm_db_get_string (res, r, 2));
        g_variant_dict_insert (&row, "deleted_by", "x", crm_db_get_int64 (res, r, 3));
        g_variant_dict_insert (&row, "deleted_by_name", "s", crm_db_get_string (res, r, 4));
        g_variant_dict_insert (&row, "deleted_at", "x", crm_db_get_int64 (res, r, 5));
        g_variant_dict_insert (&row, "owner_id", "x", crm_db_get_int64 (res, r, 6));
        g_variant_builder_add_value (&b, g_variant_dict_end (&row));
      }
    if (PQntuples (res) > limit)
      next = crm_db_get_int64 (res, n - 1, 1);
  }
  return g_variant_new ("(@aa{sv}x)", g_variant_builder_end (&b), next);
}

GVariant *
crm_recycle_restore (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char          *key, *entity;
  gint64               id;
  const RecycleEntity *e;
  g_autofree char     *sid = NULL, *name = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&s&sx)", &key, &entity, &id);
  e = recycle_lookup (entity, error);
  if (e == NULL)
    return NULL;
  sid = crm_db_int64_to_string (id);
  name = g_strdup_printf ("recycle_restore_%s", e->entity);
  {
    const char *params[] = { sid };
    res = crm_db_exec (db, name, e->restore_sql, 1, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND,
                           _ ("This record is not in the recycle bin"));
      return NULL;
    }
  if (!crm_db_audit (db, ctx, "restore", e->entity, id, NULL, crm_db_get_string (res, 0, 2), error)
      || !crm_db_notify_change (db, e->entity, id, crm_db_get_int64 (res, 0, 1), "restore",
                                crm_db_get_int64 (res, 0, 0), error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_recycle_purge (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char          *key, *entity;
  gint64               id;
  const RecycleEntity *e;
  g_autofree char     *sid = NULL, *name = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&s&sx)", &key, &entity, &id);
  e = recycle_lookup (entity, error);
  if (e == NULL)
    return NULL;
  sid = crm_db_int64_to_string (id);
  name = g_strdup_printf ("recycle_purge_%s", e->entity);
  {
    const char *params[] = { sid };
    g_autoptr (GError) local = NULL;

    res = crm_db_exec (db, name, e->purge_sql, 1, params, &local);
    if (res == NULL)
      {
        /* Still referenced by other records (calls, contracts, …). */
        if (strcmp (crm_db_last_sqlstate (db), "23503") == 0)
          g_set_error_literal (error, CRM_ERROR, CRM_ERROR_CONFLICT,
                               _ ("Other records still refer to this one; it cannot be purged"));
        else
          g_propagate_error (error, g_steal_pointer (&local));
        return NULL;
      }
  }
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND,
                           _ ("This record is not in the recycle bin"));
      return NULL;
    }
  /* The purge itself is audited, with the whole record as it was. */
  if (!crm_db_audit (db, ctx, "purge", e->entity, id, crm_db_get_string (res, 0, 0), NULL, error))
    return NULL;
  return g_variant_new ("()");
}
