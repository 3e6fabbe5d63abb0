/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "crm-customer-cursor.h"
#include "crm-customer-fields.h"

/*
 * customer.seek "(sba{sv}d)" → "(sx)": a customer.list cursor about
 * `fraction` of the way through the sorted list, and the estimated row
 * number there, so that a jump to the middle of a million rows costs one
 * request instead of a walk of keyset pages.
 *
 * The cursor is customer.list's (crm-customer-cursor.h), and the scope
 * and filters are parsed by the same code, so both see the same rows.
 *
 * Where the key comes from:
 *  - fraction 0: the empty cursor (first page);
 *  - a filtered or scope-restricted list estimated below SEEK_EXACT_BELOW
 *    rows: counted, then an index-ordered OFFSET;
 *  - otherwise the planner's statistics (migration 0040: 1,000-bucket
 *    histograms, and expression statistics for names in pinyin order): the
 *    most common values and histogram bounds merged in sort order with
 *    their share of the rows, the bound nearest the fraction taken;
 *  - the last page (fraction near 1): the last rows read backwards.
 * The key found is then moved to the first row at or after it that this
 * user may see (one index probe with the data scope), so the cursor never
 * carries another person's customer, and it points just before that row.
 */

#define SEEK_EXACT_BELOW 50000
/* The client's page: seeking to the end positions one page before it. */
#define SEEK_LAST_PAGE 100
/* Rows of a large filtered list sampled for its key at a fraction. */
#define SEEK_SAMPLE_ROWS 2000

typedef struct {
  const char *key;
  const char *order;    /* ORDER BY expression, as customer.list */
  const char *cast;
  const char *collate;
  gboolean    expr_stats;  /* statistics object customers_<key>_sort_stats */
} SeekColumn;

static const SeekColumn seek_columns[] = {
  { "name",       "c.name COLLATE \"zh-x-icu\"",       "text",        " COLLATE \"zh-x-icu\"", TRUE },
  { "short_name", "c.short_name COLLATE \"zh-x-icu\"", "text",        " COLLATE \"zh-x-icu\"", TRUE },
  { "code",       "c.code",       "text",        "", FALSE },
  { "category",   "c.category",   "text",        "", FALSE },
  { "industry",   "c.industry",   "text",        "", FALSE },
  { "source",     "c.source",     "text",        "", FALSE },
  { "region",     "c.region",     "text",        "", FALSE },
  { "value",      "c.value",      "text",        "", FALSE },
  { "owner_id",   "c.owner_id",   "bigint",      "", FALSE },
  { "created_at", "c.created_at", "timestamptz", "", FALSE },
  { "updated_at", "c.updated_at", "timestamptz", "", FALSE },
  { "id",         "c.id",         "bigint",      "", FALSE },
};

/* Filters or a data scope narrow the list. */
static gboolean
seek_restricted (const CrmCustomerQuery *q)
{
  return q->filtered || !q->scope_all;
}

/* The first row of `res` (key as text, id) as a cursor just before it in
 * list order; "" when `res` has no row. */
static char *
cursor_before_first (const PGresult *res, gboolean descending)
{
  gint64 id;

  if (PQntuples (res) == 0)
    return g_strdup ("");
  id = crm_db_get_int64 (res, 0, 1);
  return crm_customer_cursor_encode (crm_db_get_string (res, 0, 0), descending ? id + 1 : id - 1);
}

/* The row `offset` rows into the list (0-based) as a cursor just before
 * it; "" when there is no such row. */
static gboolean
seek_offset (CrmDb *db, CrmCustomerQuery *q, const SeekColumn *col, gboolean descending,
             gint64 offset, char **cursor, GError **error)
{
  const char *dir = descending ? " DESC" : "";
  g_autofree char *prefix = g_strdup_printf ("SELECT %s::text, c.id", col->order);
  g_autofree char *suffix = NULL;
  g_autoptr(PGresult) res = NULL;
  guint n = crm_customer_query_param (q, crm_db_int64_to_string (offset));

  suffix = g_strdup_printf (" ORDER BY %s%s, c.id%s OFFSET $%u::bigint LIMIT 1",
                            col->order, dir, dir, n);
  res = crm_customer_query_run (db, q, prefix, suffix, error);
  if (res == NULL)
    return FALSE;
  *cursor = cursor_before_first (res, descending);
  return TRUE;
}

/* The first row at or after (`key`, `key_id`) in list order that the query reaches,
 * as a cursor just before it; "" when there is none. */
static gboolean
seek_at_key (CrmDb *db, CrmCustomerQuery *q, const SeekColumn *col, gboolean descending,
             const char *key, gint64 key_id, char **cursor, GError **error)
{
  const char *dir = descending ? " DESC" : "";
  g_autofree char *prefix = g_strdup_printf ("SELECT %s::text, c.id", col->order);
  g_autofree char *suffix = NULL;
  g_autoptr(PGresult) res = NULL;
  gsize where_len = q->sql->len;
  guint n_params = q->params->len;
  guint nk = crm_customer_query_param (q, g_strdup (key));
  guint ni = crm_customer_query_param (q, crm_db_int64_to_string (key_id));

  g_string_append_printf (q->sql, " AND (%s, c.id) %s ($%u::%s%s, $%u::bigint)", col->order,
                          descending ? "<=" : ">=", nk, col->cast, col->collate, ni);
  suffix = g_strdup_printf (" ORDER BY %s%s, c.id%s LIMIT 1", col->order, dir, dir);
  res = crm_customer_query_run (db, q, prefix, suffix, error);
  g_string_truncate (q->sql, where_len);
  g_ptr_array_set_size (q->params, n_params);
  if (res == NULL)
    return FALSE;
  *cursor = cursor_before_first (res, descending);
  return TRUE;
}

/* A large filtered or scoped list: the key at `fraction` of a block
 * sample of its rows (about SEEK_SAMPLE_ROWS of them), so that filters
 * correlated with the sort order (names begin with their city) are
 * placed right.  FALSE without error when the sample holds no row. */
static gboolean
seek_sample_key (CrmDb *db, CrmCustomerQuery *q, const SeekColumn *col, gboolean descending,
                 double fraction, gint64 estimate, char **key, GError **error)
{
  g_autofree char *prefix = NULL;
  g_autoptr(GString) sampled = g_string_new (q->sql->str);
  g_autoptr(PGresult) res = NULL;
  g_autofree char *original = g_strdup (q->sql->str);
  guint n_params = q->params->len;
  double percent = CLAMP (100.0 * SEEK_SAMPLE_ROWS / MAX (estimate, 1), 0.1, 100.0);
  guint np = crm_customer_query_param (q, g_strdup_printf ("%.6f", percent));
  g_autofree char *sample = g_strdup_printf (" FROM customers c TABLESAMPLE SYSTEM ($%u::float4) WHERE", np);

  g_string_replace (sampled, " FROM customers c WHERE", sample, 1);
  g_string_assign (q->sql, sampled->str);
  prefix = g_strdup_printf ("SELECT (percentile_disc ($%u::float8) WITHIN GROUP (ORDER BY %s))::text",
                            crm_customer_query_param (q, g_strdup_printf ("%.17g", descending ? 1 - fraction : fraction)),
                            col->order);
  res = crm_customer_query_run (db, q, prefix, "", error);
  g_string_assign (q->sql, original);
  g_ptr_array_set_size (q->params, n_params);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0 || PQgetisnull (res, 0, 0))
    return FALSE;
  *key = g_strdup (crm_db_get_string (res, 0, 0));
  g_debug ("seek: key of %" G_GINT64_FORMAT " rows from a %.2f %% sample", estimate, percent);
  return TRUE;
}

/* From the statistics: the sort key whose position in list order is
 * nearest `fraction`, and that position.  FALSE without error when there
 * are no statistics. */
static gboolean
seek_stats_key (CrmDb *db, const SeekColumn *col, gboolean descending, double fraction,
                char **key, double *position, double *share, gboolean *common,
                GError **error)
{
  g_autofree char *source = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *name = NULL;
  g_autofree char *frac = g_strdup_printf ("%.17g", fraction);
  g_autoptr(PGresult) res = NULL;
  const char *params[3];

  if (col->expr_stats)
    {
      name = g_strdup_printf ("customers_%s_sort_stats", col->key);
      source = g_strdup ("SELECT most_common_vals::text::text[] AS mcv,"
                         " most_common_freqs::float8[] AS mcf,"
                         " histogram_bounds::text::text[] AS hb"
                         " FROM pg_stats_ext_exprs WHERE statistics_name = $1"
                         " AND statistics_schemaname = current_schema () LIMIT 1");
    }
  else
    {
      name = g_strdup (col->key);
      source = g_strdup ("SELECT most_common_vals::text::text[] AS mcv,"
                         " most_common_freqs::float8[] AS mcf,"
                         " histogram_bounds::text::text[] AS hb"
                         " FROM pg_stats WHERE tablename = 'customers' AND attname = $1"
                         " AND schemaname = current_schema () AND NOT inherited LIMIT 1");
    }
  /* Every most common value carries its share; each histogram bound but
   * the first carries the share of the bucket below it.  Merged in list
   * order, a common value starts where the shares before it end; a bound
   * marks where its bucket ends. */
  sql = g_strdup_printf (
    "WITH s AS (%s),"
    " m AS (SELECT coalesce ((SELECT sum (f) FROM s, unnest (s.mcf) f), 0) AS mass),"
    " p AS ("
    "  SELECT u.v, u.f AS w, true AS common FROM s, unnest (s.mcv, s.mcf) AS u (v, f)"
    "  UNION ALL"
    "  SELECT h.v, CASE WHEN h.i = 1 THEN 0"
    "   ELSE greatest (1 - m.mass, 0) / greatest (cardinality (s.hb) - 1, 1) END, false"
    "  FROM s, m, unnest (s.hb) WITH ORDINALITY AS h (v, i)),"
    " c AS (SELECT v, w, common, sum (w) OVER (ORDER BY v::%s%s, common"
    "  ROWS UNBOUNDED PRECEDING) AS cum, sum (w) OVER () AS total FROM p),"
    " r AS (SELECT v, common, w / nullif (total, 0) AS share, CASE WHEN $3::boolean"
    "  THEN 1 - cum / nullif (total, 0)"
    "  ELSE (cum - CASE WHEN common THEN w ELSE 0 END) / nullif (total, 0) END AS pos FROM c)"
    /* The common value whose rows hold the fraction, else the nearest. */
    " SELECT v, pos, share, common FROM r WHERE pos IS NOT NULL"
    " ORDER BY (common AND $2::float8 BETWEEN pos AND pos + share) DESC,"
    " abs (pos - $2::float8), v::%s%s LIMIT 1",
    source, col->cast, col->collate, col->cast, col->collate);
  params[0] = name;
  params[1] = frac;
  params[2] = descending ? "t" : "f";
  res = crm_db_exec_composed (db, sql, 3, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    return FALSE;
  *key = g_strdup (crm_db_get_string (res, 0, 0));
  *position = g_ascii_strtod (crm_db_get_string (res, 0, 1), NULL);
  *share = g_ascii_strtod (crm_db_get_string (res, 0, 2), NULL);
  *common = crm_db_get_bool (res, 0, 3);
  return TRUE;
}

/* The id `fraction` of the way through the ids (their histogram), for a
 * position inside the rows of one common value (ordered by id there);
 * -1 without statistics. */
static gint64
seek_stats_id (CrmDb *db, double fraction, GError **error)
{
  g_autofree char *frac = g_strdup_printf ("%.17g", fraction);
  const char *params[1] = { frac };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "customer_seek_id_quantile",
                 "SELECT (h.hb)[1 + round ($1::float8 * (cardinality (h.hb) - 1))::int]"
                 " FROM (SELECT histogram_bounds::text::bigint[] AS hb FROM pg_stats"
                 " WHERE tablename = 'customers' AND attname = 'id'"
                 " AND schemaname = current_schema () AND NOT inherited LIMIT 1) h"
                 " WHERE cardinality (h.hb) > 1",
                 1, params, error);

  if (res == NULL || PQntuples (res) == 0 || PQgetisnull (res, 0, 0))
    return -1;
  return crm_db_get_int64 (res, 0, 0);
}

GVariant *
crm_customer_seek (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *sort_key;
  gboolean descending;
  double fraction;
  g_autoptr(GVariant) filters = NULL;
  const SeekColumn *col = NULL;
  CrmCustomerQuery q = { 0 };
  g_autofree char *cursor = NULL;
  g_autofree char *key = NULL;
  gint64 estimate = -1, total, row = 0;
  double position = 0;
  GError *local = NULL;

  g_variant_get (request, "(&sb@a{sv}d)", &sort_key, &descending, &filters, &fraction);
  if (*sort_key == '\0')
    sort_key = "name";
  for (guint i = 0; i < G_N_ELEMENTS (seek_columns); i++)
    if (strcmp (sort_key, seek_columns[i].key) == 0)
      col = &seek_columns[i];
  if (col == NULL)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "sort", "%s",
                                                     _("Cannot sort by this column")));
      return NULL;
    }
  if (!isfinite (fraction) || fraction < 0.0 || fraction > 1.0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "fraction", "%s",
                                                     _("The list position must be between 0 and 1")));
      return NULL;
    }
  if (!crm_customer_query_begin (db, ctx, "customer.view", filters, &q, error))
    goto fail;
  if (fraction == 0.0)
    {
      crm_customer_query_clear (&q);
      return g_variant_new ("(sx)", "", (gint64) 0);
    }
  if (!crm_customer_query_estimate (db, &q, &estimate, error))
    goto fail;

  if (estimate < 0 || ((seek_restricted (&q) || q.deleted) && estimate < SEEK_EXACT_BELOW))
    {
      g_autoptr(PGresult) res = crm_customer_query_run (db, &q, "SELECT count(*)", "", error);

      if (res == NULL)
        goto fail;
      total = crm_db_get_int64 (res, 0, 0);
      row = fraction >= 1.0 ? total - SEEK_LAST_PAGE : (gint64) (fraction * total + 0.5);
      row = CLAMP (row, 0, MAX (total - 1, 0));
      if (row == 0)
        cursor = g_strdup ("");
      else if (!seek_offset (db, &q, col, descending, row, &cursor, error))
        goto fail;
      goto done;
    }

  total = estimate;
  if ((seek_restricted (&q) || q.deleted) && fraction < 1.0 && fraction * total < total - SEEK_LAST_PAGE)
    {
      if (seek_sample_key (db, &q, col, descending, fraction, estimate, &key, &local))
        {
          row = (gint64) (fraction * total + 0.5);
          if (!seek_at_key (db, &q, col, descending, key, descending ? G_MAXINT64 : 0,
                            &cursor, error))
            goto fail;
          if (*cursor != '\0')
            goto done;
          g_clear_pointer (&cursor, g_free);
          g_clear_pointer (&key, g_free);
        }
      else if (local != NULL)
        {
          g_propagate_error (error, local);
          goto fail;
        }
    }
  if (fraction < 1.0 && fraction * total < total - SEEK_LAST_PAGE)
    {
      double share = 0;
      gboolean common = FALSE;

      if (seek_stats_key (db, col, descending, fraction, &key, &position, &share, &common,
                          &local))
        {
          gint64 key_id = descending ? G_MAXINT64 : 0;

          /* Inside the rows of one common value (a million customers
           * created the same day): they are in id order there. */
          if (common && share > 0 && fraction > position && fraction < position + share)
            {
              double within = (fraction - position) / share;
              gint64 id = seek_stats_id (db, descending ? 1 - within : within, error);

              if (id < 0 && error != NULL && *error != NULL)
                goto fail;
              if (id >= 0)
                {
                  key_id = id;
                  position = fraction;
                }
            }
          row = (gint64) (position * total + 0.5);
          if (!seek_at_key (db, &q, col, descending, key, key_id, &cursor, error))
            goto fail;
          if (*cursor != '\0' || row <= 0)
            {
              if (row <= 0)
                g_clear_pointer (&cursor, g_free);
              goto done;
            }
          /* Nothing this user sees after the key: the last page. */
          g_clear_pointer (&cursor, g_free);
        }
      else if (local != NULL)
        {
          g_propagate_error (error, local);
          goto fail;
        }
      else
        {
          /* No statistics yet (a table never analysed): count. */
          g_autoptr(PGresult) res = crm_customer_query_run (db, &q, "SELECT count(*)", "", error);

          if (res == NULL)
            goto fail;
          total = crm_db_get_int64 (res, 0, 0);
          row = CLAMP ((gint64) (fraction * total + 0.5), 0, MAX (total - 1, 0));
          if (row > 0 && !seek_offset (db, &q, col, descending, row, &cursor, error))
            goto fail;
          goto done;
        }
    }

  /* The last page: read backwards from the end of the list. */
  {
    const char *rdir = descending ? "" : " DESC";
    g_autofree char *prefix = g_strdup_printf ("SELECT %s::text, c.id", col->order);
    g_autofree char *suffix = g_strdup_printf (" ORDER BY %s%s, c.id%s LIMIT %d",
                                               col->order, rdir, rdir, SEEK_LAST_PAGE + 1);
    g_autoptr(PGresult) res = crm_customer_query_run (db, &q, prefix, suffix, error);

    if (res == NULL)
      goto fail;
    if (PQntuples (res) <= SEEK_LAST_PAGE)
      row = 0;
    else
      {
        /* The row before the last page: the cursor is that row itself. */
        cursor = crm_customer_cursor_encode (crm_db_get_string (res, SEEK_LAST_PAGE, 0),
                                     crm_db_get_int64 (res, SEEK_LAST_PAGE, 1));
        row = MAX (total - SEEK_LAST_PAGE, 1);
      }
  }

done:
  crm_customer_query_clear (&q);
  if (cursor == NULL || *cursor == '\0')
    row = 0;
  return g_variant_new ("(sx)", cursor ? cursor : "", row);

fail:
  crm_customer_query_clear (&q);
  return NULL;
}
