/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-recycle"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-recycle.h"
#include "team/crm-admin-util.h"

/*
 * The recycle bin (recycle.manage): every soft-deleted record of every
 * registered kind, who deleted it and when; restore or purge it.  Kinds
 * are registered by their modules (crm-recycle.h).
 *
 * One kind pages by id ("before id", newest id first); all kinds together
 * page by deletion time ("before" = deleted_at in unix µs), newest first:
 * each kind is read by its own deleted_at index (a few rows each) and the
 * kinds merged here, which stays fast with many deleted rows (a UNION ALL
 * ordered over every kind was planned as a scan of all of them).
 */

static GMutex     registry_lock;
static GPtrArray *registry; /* of const CrmRecycleEntity * */

void
crm_recycle_register (const CrmRecycleEntity *entity)
{
  g_return_if_fail (entity != NULL && entity->entity != NULL && entity->list_sql != NULL
                    && entity->restore_sql != NULL && entity->purge_sql != NULL);

  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_ptr_array_new ();
  for (guint i = 0; i < registry->len; i++)
    if (strcmp (((const CrmRecycleEntity *)registry->pdata[i])->entity, entity->entity) == 0)
      {
        registry->pdata[i] = (gpointer)entity;
        g_mutex_unlock (&registry_lock);
        return;
      }
  g_ptr_array_add (registry, (gpointer)entity);
  g_mutex_unlock (&registry_lock);
}

GPtrArray *
crm_recycle_entities (void)
{
  GPtrArray *all = g_ptr_array_new ();

  g_mutex_lock (&registry_lock);
  if (registry != NULL)
    for (guint i = 0; i < registry->len; i++)
      g_ptr_array_add (all, registry->pdata[i]);
  g_mutex_unlock (&registry_lock);
  return all;
}

const CrmRecycleEntity *
crm_recycle_lookup (const char *name)
{
  g_autoptr (GPtrArray) all = crm_recycle_entities ();

  for (guint i = 0; i < all->len; i++)
    if (strcmp (((const CrmRecycleEntity *)all->pdata[i])->entity, name) == 0)
      return all->pdata[i];
  return NULL;
}

/* The kind named `name` when the session may see it; else INVALID_FIELD
 * (an unknown kind and one hidden from this user look the same). */
static const CrmRecycleEntity *
lookup_visible (CrmRequestContext *ctx, const char *name, GError **error)
{
  const CrmRecycleEntity *e = crm_recycle_lookup (name);

  if (e == NULL
      || (e->permission != NULL && !crm_session_has_permission (ctx->session, e->permission)))
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "entity",
                                                     _ ("Unknown kind of record")));
      return NULL;
    }
  return e;
}

static const CrmDbColumn recycle_columns[] = {
  { "entity", 's' },          { "id", 'x' },         { "title", 's' },
  { "deleted_by", 'x' },      { "deleted_by_name", 's' }, { "deleted_at", 'x' },
  { "owner_id", 'x' },
};
#define COL_ID         1
#define COL_DELETED_AT 5
#define MAX_TIME_US    G_GINT64_CONSTANT (253402300799999999) /* 9999-12-31 23:59:59.999999 UTC */

/* One kind's newest deletions, at most `limit`: for one kind before an id
 * (newest id first), for every kind before a deletion time in µs (newest
 * first, each kind by its deleted_at index).  Composed only from
 * registered fixed text (prepared once per shape and connection). */
static PGresult *
list_kind (CrmDb *db, const CrmRecycleEntity *e, gboolean by_time, const char *before,
           const char *limit, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT k.entity, k.id, k.title, coalesce (k.deleted_by, 0),"
      " coalesce (u.display_name, ''), (extract (epoch FROM k.deleted_at) * 1000000)::bigint,"
      " coalesce (k.owner_id, 0)"
      " FROM (SELECT * FROM (%s) AS k (entity, id, title, deleted_by, deleted_at, owner_id)"
      "  WHERE %s ORDER BY %s LIMIT $2) AS k"
      " LEFT JOIN users u ON u.id = k.deleted_by ORDER BY %s",
      e->list_sql,
      by_time ? "k.deleted_at < coalesce (timestamptz 'epoch' + $1::bigint * interval "
                "'1 microsecond', 'infinity')"
              : "k.id < coalesce ($1::bigint, 9223372036854775807)",
      by_time ? "k.deleted_at DESC, k.id DESC" : "k.id DESC",
      by_time ? "k.deleted_at DESC, k.id DESC" : "k.id DESC");
  const char *params[] = { before, limit };

  return crm_db_exec_composed (db, sql, 2, params, error);
}

typedef struct
{
  const PGresult *res;
  int             row;
} Found;

/* Newest deletion first; then the higher id. */
static gint
found_compare (gconstpointer a, gconstpointer b)
{
  const Found *x = a, *y = b;
  gint64 tx = crm_db_get_int64 (x->res, x->row, COL_DELETED_AT);
  gint64 ty = crm_db_get_int64 (y->res, y->row, COL_DELETED_AT);
  gint64 ix = crm_db_get_int64 (x->res, x->row, COL_ID);
  gint64 iy = crm_db_get_int64 (y->res, y->row, COL_ID);

  if (tx != ty)
    return tx > ty ? -1 : 1;
  return ix > iy ? -1 : ix < iy ? 1 : 0;
}

GVariant *
crm_recycle_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *entity;
  gint64           before;
  gint32           limit;
  g_autofree char *sbefore = NULL, *slimit = NULL;
  g_autoptr (GPtrArray) kinds = g_ptr_array_new ();
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify)PQclear);
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (Found));
  GVariantBuilder b;
  gboolean        all = FALSE;
  gint64          next = 0;
  guint           n;

  g_variant_get (request, "(&sxi)", &entity, &before, &limit);
  if (*entity == '\0')
    {
      g_autoptr (GPtrArray) every = crm_recycle_entities ();

      all = TRUE;
      for (guint i = 0; i < every->len; i++)
        {
          const CrmRecycleEntity *e = every->pdata[i];

          if (e->permission == NULL || crm_session_has_permission (ctx->session, e->permission))
            g_ptr_array_add (kinds, (gpointer)e);
        }
    }
  else
    {
      const CrmRecycleEntity *e = lookup_visible (ctx, entity, error);

      if (e == NULL)
        return NULL;
      g_ptr_array_add (kinds, (gpointer)e);
    }

  limit = crm_admin_clamp_limit (limit, 100, 500);
  /* A time past what PostgreSQL holds (year 9999) is "from the newest". */
  if (all && before > MAX_TIME_US)
    before = 0;
  sbefore = before > 0 ? crm_db_int64_to_string (before) : NULL;
  slimit = g_strdup_printf ("%d", limit + 1);
  for (guint k = 0; k < kinds->len; k++)
    {
      PGresult *res = list_kind (db, kinds->pdata[k], all, sbefore, slimit, error);

      if (res == NULL)
        return NULL;
      g_ptr_array_add (results, res);
      for (int r = 0; r < PQntuples (res); r++)
        {
          Found f = { res, r };

          g_array_append_val (found, f);
        }
    }
  /* One kind comes in its id order already; kinds together merge by time. */
  if (all)
    g_array_sort (found, found_compare);

  n = MIN (found->len, (guint)limit);
  if (found->len > (guint)limit)
    {
      const Found *first_left = &g_array_index (found, Found, limit);

      if (!all)
        {
          const Found *last = &g_array_index (found, Found, n - 1);

          next = crm_db_get_int64 (last->res, last->row, COL_ID);
        }
      else
        {
          /* The next page starts below a deletion time, so rows sharing
           * one time stay on one page: those of the first left-out row go
           * to the next page, or, when they fill this one, all come on
           * this one (longer than asked). */
          gint64 cut = crm_db_get_int64 (first_left->res, first_left->row, COL_DELETED_AT);
          guint  k = n;

#define FOUND_AT(i)                                                                                \
  crm_db_get_int64 (g_array_index (found, Found, (i)).res, g_array_index (found, Found, (i)).row, \
                    COL_DELETED_AT)
          while (k > 0 && FOUND_AT (k - 1) == cut)
            k--;
          if (k > 0)
            {
              n = k;
              next = cut + 1;
            }
          else
            {
              while (n < found->len && FOUND_AT (n) == cut)
                n++;
              next = cut;
            }
#undef FOUND_AT
        }
    }

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < n; i++)
    {
      const Found *f = &g_array_index (found, Found, i);
      g_auto (GVariantDict) row = G_VARIANT_DICT_INIT (NULL);
      const CrmRecycleEntity *e = crm_recycle_lookup (crm_db_get_string (f->res, f->row, 0));

      crm_db_row_insert (&row, f->res, f->row, recycle_columns, G_N_ELEMENTS (recycle_columns));
      g_variant_dict_insert (&row, "kind_label", "s", e && e->label ? _ (e->label) : "");
      g_variant_builder_add_value (&b, g_variant_dict_end (&row));
    }
  return g_variant_new ("(@aa{sv}x)", g_variant_builder_end (&b), next);
}

GVariant *
crm_recycle_kinds (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr (GPtrArray) every = crm_recycle_entities ();
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < every->len; i++)
    {
      const CrmRecycleEntity *e = every->pdata[i];

      if (e->permission == NULL || crm_session_has_permission (ctx->session, e->permission))
        g_variant_builder_add (&b, "(ss)", e->entity, e->label ? _ (e->label) : e->entity);
    }
  return g_variant_builder_end (&b);
}

/* The kind and record a restore or purge request "(key, entity, id)"
 * names, the id also as text in *sid; NULL when the kind is not visible. */
static const CrmRecycleEntity *
binned_target (CrmRequestContext *ctx, GVariant *request, gint64 *id, char **sid, GError **error)
{
  const char             *key, *entity;
  const CrmRecycleEntity *e;

  g_variant_get (request, "(&s&sx)", &key, &entity, id);
  e = lookup_visible (ctx, entity, error);
  if (e != NULL)
    *sid = crm_db_int64_to_string (*id);
  return e;
}

/* Runs @sql, one of @e's statements, on the record @sid (prepared as
 * "recycle_<action>_<entity>").  A failure with SQLSTATE @conflict_state is
 * a conflict saying @conflict_message; no row back means the record is not
 * in the recycle bin. */
static PGresult *
run_on_binned (CrmDb *db, const CrmRecycleEntity *e, const char *action, const char *sql,
               const char *sid, const char *conflict_state, const char *conflict_message,
               GError **error)
{
  g_autofree char *name = g_strdup_printf ("recycle_%s_%s", action, e->entity);
  const char      *params[] = { sid };
  g_autoptr (GError) local = NULL;
  g_autoptr (PGresult) res = crm_db_exec (db, name, sql, 1, params, &local);

  if (res == NULL)
    {
      if (strcmp (crm_db_last_sqlstate (db), conflict_state) == 0)
        g_set_error_literal (error, CRM_ERROR, CRM_ERROR_CONFLICT, conflict_message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND,
                           _ ("This record is not in the recycle bin"));
      return NULL;
    }
  return g_steal_pointer (&res);
}

GVariant *
crm_recycle_restore (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64                  id;
  g_autofree char        *sid = NULL;
  const CrmRecycleEntity *e = binned_target (ctx, request, &id, &sid, error);
  g_autoptr (PGresult) res = NULL;

  if (e == NULL)
    return NULL;
  if (e->restore_check_sql != NULL)
    {
      const char *params[] = { sid };
      g_autofree char *check_name = g_strdup_printf ("recycle_check_%s", e->entity);
      g_autoptr (PGresult) check
          = crm_db_exec (db, check_name, e->restore_check_sql, 1, params, error);
      gint64 code;

      if (check == NULL)
        return NULL;
      code = PQntuples (check) == 1 ? crm_db_get_int64 (check, 0, 0) : 0;
      if (code > 0 && code <= (gint64)G_N_ELEMENTS (e->restore_conflicts)
          && e->restore_conflicts[code - 1] != NULL)
        {
          g_set_error_literal (error, CRM_ERROR, CRM_ERROR_CONFLICT,
                               _ (e->restore_conflicts[code - 1]));
          return NULL;
        }
    }
  res = run_on_binned (db, e, "restore", e->restore_sql, sid, "23505",
                       e->restore_duplicate != NULL
                           ? _ (e->restore_duplicate)
                           : _ ("Another record now uses the same name; it cannot be "
                                "restored"),
                       error);
  if (res == NULL)
    return NULL;
  if (!crm_db_audit (db, ctx, "restore", e->entity, id, NULL, crm_db_get_string (res, 0, 0), error)
      || !crm_db_notify_change (db, e->entity, id, crm_db_get_int64 (res, 0, 1), "restore",
                                crm_db_get_int64 (res, 0, 2), error))
    return NULL;
  return g_variant_new ("()");
}

GVariant *
crm_recycle_purge (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64                  id;
  g_autofree char        *sid = NULL;
  const CrmRecycleEntity *e = binned_target (ctx, request, &id, &sid, error);
  g_autoptr (PGresult) res = NULL;

  if (e == NULL)
    return NULL;
  /* 23503: still referenced by other records (calls, contracts, …). */
  res = run_on_binned (db, e, "purge", e->purge_sql, sid, "23503",
                       _ ("Other records still refer to this one; it cannot be purged"), error);
  if (res == NULL)
    return NULL;
  /* The purge itself is audited, with the whole record as it was. */
  if (!crm_db_audit (db, ctx, "purge", e->entity, id, crm_db_get_string (res, 0, 0), NULL, error))
    return NULL;
  return g_variant_new ("()");
}
