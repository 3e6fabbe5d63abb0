/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-cursor.h"
#include "crm-customer-fields.h"

/*
 * Customer reads over many rows: list (keyset pages by any column),
 * quick search, count, export.  SQL is composed only from the fragments
 * below; every value travels as a parameter.  $1 is always the data scope.
 */

#define EXACT_COUNT_BELOW 10000
#define MAX_PAGE 500
#define MAX_SEARCH 200
#define MAX_EXPORT 5000
#define SEARCH_CANDIDATES 300
/* Pinyin and initials typed from the start of a name: this many of the
 * first matches in each prefix index (index scans that stop there). */
#define PREFIX_CANDIDATES 200
/* A one-bigram (or one-trigram) fragment found in many names: the GIN scan
 * hands back a random sample of about this many instead of every match
 * (gin_fuzzy_search_limit), so the work stays bounded (tens of thousands of
 * matches cost 10–20 ms to collect); at most SEARCH_CANDIDATES of them are
 * ranked either way. */
#define FUZZY_SAMPLE 1000

typedef struct {
  const char *key;      /* column name in requests */
  const char *order;    /* ORDER BY expression */
  const char *cast;     /* type of the cursor value */
  const char *collate;  /* "" or a COLLATE clause for the cursor value */
} SortColumn;

static const SortColumn sort_columns[] = {
  { "name",        "c.name COLLATE \"zh-x-icu\"",       "text",        " COLLATE \"zh-x-icu\"" },
  { "short_name",  "c.short_name COLLATE \"zh-x-icu\"", "text",        " COLLATE \"zh-x-icu\"" },
  { "code",        "c.code",        "text",        "" },
  { "category",    "c.category",    "text",        "" },
  { "industry",    "c.industry",    "text",        "" },
  { "source",      "c.source",      "text",        "" },
  { "region",      "c.region",      "text",        "" },
  { "value",       "c.value",       "text",        "" },
  { "owner_id",    "c.owner_id",    "bigint",      "" },
  { "created_at",  "c.created_at",  "timestamptz", "" },
  { "updated_at",  "c.updated_at",  "timestamptz", "" },
  { "id",          NULL,            NULL,          "" },
};

static GError *
bad_field (const char *field, const char *message)
{
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message);
}

/* Planned for the actual values every time: a prepared statement's
 * generic plan (used after five runs) cannot use LIKE patterns or the
 * statistics of the actual fragment. */
static PGresult *
query_run_custom_plan (CrmDb *db, CrmCustomerQuery *q, const char *prefix, const char *suffix,
                       GError **error)
{
  g_autofree char *sql = g_strconcat (prefix, q->sql->str, suffix, NULL);

  return crm_db_exec_once (db, sql, q->params->len,
                           (const char * const *) q->params->pdata, error);
}

/* Estimated when large (planner's estimate or pg_class.reltuples), exact
 * when small. */
static gboolean
query_count (CrmDb *db, CrmCustomerQuery *q, gint64 *count, gboolean *estimated, GError **error)
{
  gint64 estimate;

  if (!crm_customer_query_estimate (db, q, &estimate, error))
    return FALSE;
  if (estimate >= EXACT_COUNT_BELOW)
    {
      *count = estimate;
      *estimated = TRUE;
      return TRUE;
    }
  {
    g_autoptr(PGresult) res = crm_customer_query_run (db, q, "SELECT count(*)", "", error);
    if (res == NULL)
      return FALSE;
    *count = crm_db_get_int64 (res, 0, 0);
    *estimated = FALSE;
  }
  return TRUE;
}

static GVariant *
rows_to_variant (const PGresult *res, int n)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int r = 0; r < n; r++)
    g_variant_builder_add_value (&b, crm_customer_row_to_variant (res, r, 0));
  return g_variant_builder_end (&b);
}

/* Adds the rows of `res` whose id is not in `seen` (and records them),
 * until `b` holds `limit` rows; returns the new count. */
static guint
rows_add_unseen (GVariantBuilder *b, const PGresult *res, GHashTable *seen, guint count,
                 guint limit)
{
  for (int r = 0; r < PQntuples (res) && count < limit; r++)
    {
      gint64 id = crm_db_get_int64 (res, r, 0);

      if (g_hash_table_contains (seen, &id))
        continue;
      g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
      g_variant_builder_add_value (b, crm_customer_row_to_variant (res, r, 0));
      count++;
    }
  return count;
}

/* ---- customer.list ---- */

GVariant *
crm_customer_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *sort_key, *cursor;
  gboolean descending;
  gint32 limit;
  g_autoptr(GVariant) filters = NULL;
  const SortColumn *col = NULL;
  CrmCustomerQuery q = { 0 };
  g_autoptr(GString) prefix = g_string_new ("SELECT " CRM_CUSTOMER_COLUMNS);
  g_autoptr(GString) suffix = g_string_new (NULL);
  g_autoptr(PGresult) res = NULL;
  g_autofree char *next = NULL;
  gint64 total = 0;
  gboolean estimated;
  int n;
  const char *dir;
  GVariant *rows;

  g_variant_get (request, "(&sb@a{sv}&si)", &sort_key, &descending, &filters, &cursor, &limit);
  if (*sort_key == '\0')
    sort_key = "name";
  for (guint i = 0; i < G_N_ELEMENTS (sort_columns); i++)
    if (strcmp (sort_key, sort_columns[i].key) == 0)
      col = &sort_columns[i];
  if (col == NULL)
    {
      g_propagate_error (error, bad_field ("sort", _("Cannot sort by this column")));
      return NULL;
    }
  if (limit < 1 || limit > MAX_PAGE)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "limit",
                         _("A page holds between 1 and %d rows"), MAX_PAGE));
      return NULL;
    }
  if (!crm_customer_query_begin (db, ctx, "customer.view", filters, &q, error))
    goto fail;
  if (!query_count (db, &q, &total, &estimated, error))
    goto fail;

  dir = descending ? " DESC" : "";
  if (col->order != NULL)
    g_string_append_printf (prefix, ", %s::text", col->order);
  else
    g_string_append (prefix, ", c.id::text");
  if (*cursor != '\0')
    {
      g_autofree char *value = NULL;
      gint64 after_id;
      guint nv, ni;

      if (!crm_customer_cursor_decode (cursor, &value, &after_id))
        {
          g_propagate_error (error, bad_field ("cursor", _("This page position is not valid")));
          goto fail;
        }
      ni = crm_customer_query_param (&q, crm_db_int64_to_string (after_id));
      if (col->order != NULL)
        {
          /* A NULL sort value (deleted_at of live rows) cannot be a cursor. */
          nv = crm_customer_query_param (&q, g_steal_pointer (&value));
          g_string_append_printf (q.sql, " AND (%s, c.id) %s ($%u::%s%s, $%u::bigint)",
                                  col->order, descending ? "<" : ">", nv, col->cast,
                                  col->collate, ni);
        }
      else
        g_string_append_printf (q.sql, " AND c.id %s $%u::bigint", descending ? "<" : ">", ni);
    }
  if (col->order != NULL)
    g_string_append_printf (suffix, " ORDER BY %s%s, c.id%s", col->order, dir, dir);
  else
    g_string_append_printf (suffix, " ORDER BY c.id%s", dir);
  g_string_append_printf (suffix, " LIMIT $%u::int",
                          crm_customer_query_param (&q, g_strdup_printf ("%d", limit + 1)));

  res = crm_customer_query_run (db, &q, prefix->str, suffix->str, error);
  if (res == NULL)
    goto fail;
  n = MIN (PQntuples (res), limit);
  if (PQntuples (res) > limit)
    next = crm_customer_cursor_encode (crm_db_get_string (res, n - 1, CRM_CUSTOMER_N_COLUMNS),
                          crm_db_get_int64 (res, n - 1, 0));
  rows = rows_to_variant (res, n);
  crm_customer_query_clear (&q);
  return g_variant_new ("(@aa{sv}sx)", rows, next ? next : "", total);

fail:
  crm_customer_query_clear (&q);
  return NULL;
}

/* ---- customer.search ---- */

/* Frequencies of the most common bigrams (pg_stats, refreshed every few
 * minutes): a fragment found in a large share of names is best served by
 * reading the table in its own order (matches come every few rows); a
 * rarer one by the GIN index. */
#define FREQUENT_BIGRAM 0.05
#define BIGRAM_STATS_TTL (5 * G_TIME_SPAN_MINUTE)

static GMutex      bigram_lock;
static GHashTable *bigram_freq;      /* bigram → frequency × 1e6 */
static gint64      bigram_loaded_at;

static void
bigram_stats_refresh (CrmDb *db)
{
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;

  res = crm_db_exec (db, "search_bigram_stats",
                     "SELECT most_common_elems::text, most_common_elem_freqs::text FROM pg_stats"
                     " WHERE tablename = 'customers' AND attname = 'search_bigrams'",
                     0, NULL, &error);
  if (res != NULL && PQntuples (res) == 1)
    {
      g_auto(GStrv) elems = crm_db_parse_array (crm_db_get_string (res, 0, 0));
      g_auto(GStrv) freqs = crm_db_parse_array (crm_db_get_string (res, 0, 1));

      for (guint i = 0; elems[i] != NULL && freqs[i] != NULL; i++)
        {
          double f = g_ascii_strtod (freqs[i], NULL);
          if (f >= FREQUENT_BIGRAM)
            g_hash_table_insert (table, g_strdup (elems[i]), GINT_TO_POINTER ((int) (f * 1e6)));
        }
    }
  g_mutex_lock (&bigram_lock);
  g_clear_pointer (&bigram_freq, g_hash_table_unref);
  bigram_freq = g_steal_pointer (&table);
  bigram_loaded_at = g_get_monotonic_time ();
  g_mutex_unlock (&bigram_lock);
}

/* TRUE when even the rarest bigram of the fragment is frequent. */
static gboolean
fragment_is_frequent (CrmDb *db, GPtrArray *grams)
{
  gboolean frequent = grams->len > 0;

  g_mutex_lock (&bigram_lock);
  if (bigram_freq == NULL || g_get_monotonic_time () - bigram_loaded_at > BIGRAM_STATS_TTL)
    {
      g_mutex_unlock (&bigram_lock);
      bigram_stats_refresh (db);
      g_mutex_lock (&bigram_lock);
    }
  for (guint i = 0; i < grams->len && frequent; i++)
    frequent = g_hash_table_contains (bigram_freq, g_ptr_array_index (grams, i));
  g_mutex_unlock (&bigram_lock);
  return frequent;
}

typedef enum { SEARCH_BIGRAMS, SEARCH_PHONE, SEARCH_PINYIN } SearchKind;

static gboolean
has_han (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* Customers whose custom text, phone or e-mail fields hold `needle` as
 * typed (migrations 0095/0096: customers.custom_search), in name order, at most
 * SEARCH_CANDIDATES of them ranked.  `walk`: only among the first
 * CUSTOM_WALK_ROWS customers with custom text (id order, a partial index):
 * enough for a fragment found in many of them, in about a millisecond.
 * Else through the trigram index, read in full (a sample could miss the
 * customers holding every trigram of the fragment): fast when the fragment
 * is rare.  Returns NULL with `error` set on failure. */
#define CUSTOM_WALK_ROWS 5000

static PGresult *
search_custom_fields (CrmDb *db, CrmRequestContext *ctx, GVariant *filters, const char *needle,
                      gboolean walk, int limit, GError **error)
{
  CrmCustomerQuery q = { 0 };
  g_autoptr(GString) pattern = g_string_new ("%");
  g_autofree char *suffix = NULL;
  PGresult *res = NULL;
  guint np, nl;

  for (const char *p = needle; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  if (!crm_customer_query_begin (db, ctx, "customer.view", filters, &q, error))
    goto out;
  np = crm_customer_query_param (&q, g_strdup (pattern->str));
  if (walk)
    {
      g_string_append (q.sql, " AND c.custom_search <> ''");
      g_string_prepend (q.sql, "SELECT c.*");
      g_string_append_printf (q.sql, " ORDER BY c.id LIMIT %d", CUSTOM_WALK_ROWS);
      g_string_prepend (q.sql, " FROM (");
      g_string_append_printf (q.sql, ") c WHERE c.custom_search LIKE $%u::text", np);
    }
  else
    g_string_append_printf (q.sql, " AND c.custom_search <> '' AND c.custom_search LIKE $%u::text",
                            np);
  g_string_prepend (q.sql, "SELECT c.*");
  g_string_append_printf (q.sql, " LIMIT %d", SEARCH_CANDIDATES);
  g_string_prepend (q.sql, " FROM (");
  g_string_append (q.sql, ") c");
  nl = crm_customer_query_param (&q, g_strdup_printf ("%d", limit));
  suffix = g_strdup_printf (" ORDER BY c.name COLLATE \"zh-x-icu\", c.id LIMIT $%u::int", nl);
  /* The name search may have set its own plan; these are ours. */
  if (!crm_db_command (db, walk ? "SET LOCAL enable_indexscan = on; SET LOCAL enable_bitmapscan = off;"
                                  " SET LOCAL enable_seqscan = off"
                                : "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = on;"
                                  " SET LOCAL enable_seqscan = off; SET LOCAL gin_fuzzy_search_limit = 0",
                       error))
    goto out;
  res = query_run_custom_plan (db, &q, "SELECT " CRM_CUSTOMER_COLUMNS, suffix, error);

out:
  crm_customer_query_clear (&q);
  return res;
}

/* Appends to `b` (which holds `count` rows, their ids in `seen`) the
 * customers found by their custom fields, up to `limit`; FALSE on error. */
static gboolean
search_add_custom (CrmDb *db, CrmRequestContext *ctx, GVariant *filters, const char *needle,
                   GVariantBuilder *b, GHashTable *seen, guint count, guint limit, GError **error)
{
  g_autoptr(PGresult) res = NULL;

  gboolean deleted = FALSE;

  /* A trigram needs three characters; fewer would read the whole index.
   * The recycle bin is searched by name and phone only (the indexes hold
   * live customers). */
  if (needle == NULL || count >= limit || g_utf8_strlen (needle, -1) < 3 ||
      (g_variant_lookup (filters, "deleted", "b", &deleted) && deleted))
    return TRUE;
  res = search_custom_fields (db, ctx, filters, needle, TRUE, (int) limit, error);
  if (res == NULL)
    return FALSE;
  if ((guint) PQntuples (res) < limit - count)
    {
      /* Not frequent there: every match, from the trigram index. */
      g_clear_pointer (&res, PQclear);
      res = search_custom_fields (db, ctx, filters, needle, FALSE, (int) limit, error);
      if (res == NULL)
        return FALSE;
    }
  rows_add_unseen (b, res, seen, count, limit);
  return TRUE;
}

GVariant *
crm_customer_search (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *query;
  gint32 limit;
  g_autoptr(GVariant) filters = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *custom_needle = NULL;
  g_autoptr(GString) stripped = g_string_new (NULL);
  g_autoptr(GString) suffix = g_string_new (NULL);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) prefix_res = NULL;
  SearchKind kind;
  gboolean all_digits = TRUE, all_letters = TRUE;
  gboolean walk_names = FALSE;  /* frequent fragment: sampled in table order */
  gboolean sample = FALSE;
  guint nlim = 0;  /* the limit's parameter, once added */
  CrmCustomerQuery q = { 0 };
  GVariant *rows;

  g_variant_get (request, "(&s@a{sv}i)", &query, &filters, &limit);
  if (limit < 1 || limit > MAX_SEARCH)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "limit",
                         _("Between 1 and %d results"), MAX_SEARCH));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (query));
  if (!g_utf8_validate (trimmed, -1, NULL) || g_utf8_strlen (trimmed, -1) > 100)
    {
      g_propagate_error (error, bad_field ("query", _("The search text is too long")));
      return NULL;
    }
  for (const char *p = trimmed; *p; p++)
    {
      if (strchr (" -+()./", *p) != NULL || (*p == '\'' ))
        continue;
      g_string_append_c (stripped, g_ascii_tolower (*p));
      if (!g_ascii_isdigit (*p))
        all_digits = FALSE;
      if (!g_ascii_isalpha (*p))
        all_letters = FALSE;
    }
  if (has_han (trimmed) || (!all_digits && !all_letters))
    {
      kind = SEARCH_BIGRAMS;
      needle = g_utf8_strdown (trimmed, -1);
      if (g_utf8_strlen (needle, -1) < 2)
        {
          g_propagate_error (error, bad_field ("query", _("Type at least two characters")));
          return NULL;
        }
    }
  else if (all_digits)
    {
      kind = SEARCH_PHONE;
      needle = g_strdup (stripped->str);
      if (strlen (needle) < 3)
        {
          g_propagate_error (error, bad_field ("query", _("Type at least three digits")));
          return NULL;
        }
    }
  else
    {
      kind = SEARCH_PINYIN;
      needle = g_strdup (stripped->str);
      if (strlen (needle) < 2)
        {
          g_propagate_error (error, bad_field ("query", _("Type at least two characters")));
          return NULL;
        }
    }

  /* What custom text fields are searched for: the text as typed.  Digits
   * need no second look: custom phone fields are in phone_digits
   * (migration 0096). */
  custom_needle = kind == SEARCH_PHONE ? NULL : g_utf8_strdown (trimmed, -1);
  if (!crm_customer_query_begin (db, ctx, "customer.view", filters, &q, error))
    goto fail;
  switch (kind)
    {
    case SEARCH_BIGRAMS:
      {
        g_autoptr(GPtrArray) grams = crm_customer_bigrams (needle, NULL);
        guint ng = crm_customer_query_param (&q, crm_db_text_array ((const char * const *) grams->pdata,
                                                       grams->len));
        guint nn = crm_customer_query_param (&q, g_strdup (needle));
        g_string_append_printf (q.sql, " AND c.search_bigrams @> $%u::text[]"
                                " AND strpos (lower (c.name || ' ' || c.short_name || ' ' || c.contact_names), $%u::text) > 0",
                                ng, nn);
        g_string_append_printf (suffix, " ORDER BY strpos (lower (c.name), $%u::text) <> 1,", nn);
        walk_names = fragment_is_frequent (db, grams);
        /* With several bigrams, sampling each one's matches apart could
         * lose the few names holding all of them. */
        sample = grams->len == 1;
      }
      break;
    case SEARCH_PHONE:
      {
        guint nl = crm_customer_query_param (&q, g_strdup_printf ("%%%s%%", needle));
        guint np = crm_customer_query_param (&q, g_strdup_printf ("%s%%", needle));
        g_string_append_printf (q.sql, " AND c.phone_digits LIKE $%u::text", nl);
        g_string_append_printf (suffix, " ORDER BY c.phone_digits NOT LIKE $%u::text,", np);
      }
      break;
    case SEARCH_PINYIN:
    default:
      {
        guint np = crm_customer_query_param (&q, g_strdup_printf ("%s%%", needle));
        g_autofree char *prefix_sql = NULL;

        /* First the names whose pinyin or initials start with the
         * fragment (what is usually typed): the first PREFIX_CANDIDATES of
         * each prefix index, then in name order.  Planned for the actual
         * pattern, or LIKE cannot use the indexes. */
        nlim = crm_customer_query_param (&q, g_strdup_printf ("%d", limit));
        prefix_sql = g_strdup_printf ("SELECT " CRM_CUSTOMER_COLUMNS " FROM customers c"
                                      " WHERE c.id IN ("
                                      "(SELECT c.id%s AND c.name_initials LIKE $%u::text"
                                      " ORDER BY c.name_initials USING ~<~ LIMIT %d)"
                                      " UNION ALL "
                                      "(SELECT c.id%s AND c.name_pinyin LIKE $%u::text"
                                      " ORDER BY c.name_pinyin USING ~<~ LIMIT %d))"
                                      " ORDER BY c.name COLLATE \"zh-x-icu\", c.id"
                                      " LIMIT $%u::int",
                                      q.sql->str, np, PREFIX_CANDIDATES,
                                      q.sql->str, np, PREFIX_CANDIDATES, nlim);
        prefix_res = crm_db_exec_once (db, prefix_sql, q.params->len,
                                       (const char * const *) q.params->pdata, error);
        if (prefix_res == NULL)
          goto fail;
        /* Enough of them (they rank first), or too short to look inside
         * names: done.  Else the prefix matches found are all there are;
         * the others follow them. */
        if (PQntuples (prefix_res) >= limit || strlen (needle) < 3)
          {
            g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                                g_free, NULL);
            GVariantBuilder b;
            guint count;

            crm_customer_query_clear (&q);
            g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
            count = rows_add_unseen (&b, prefix_res, seen, 0, (guint) limit);
            if (!search_add_custom (db, ctx, filters, custom_needle, &b, seen, count,
                                    (guint) limit, error))
              {
                g_variant_builder_clear (&b);
                return NULL;
              }
            return g_variant_builder_end (&b);
          }
        /* One trigram ('%abc%' holds no other): sampling it is safe. */
        sample = strlen (needle) == 3;

        if (strlen (needle) < 3)
          /* Too short for trigrams: the start of the pinyin or initials,
           * served by the text_pattern_ops indexes. */
          g_string_append_printf (q.sql, " AND (c.name_initials LIKE $%u::text"
                                  " OR c.name_pinyin LIKE $%u::text)", np, np);
        else
          {
            guint nl = crm_customer_query_param (&q, g_strdup_printf ("%%%s%%", needle));
            g_string_append_printf (q.sql, " AND (c.name_initials LIKE $%u::text"
                                    " OR c.name_pinyin LIKE $%u::text)", nl, nl);
          }
        g_string_append_printf (suffix, " ORDER BY (c.name_initials NOT LIKE $%u::text"
                                " AND c.name_pinyin NOT LIKE $%u::text),", np, np);
      }
      break;
    }

  /* Bounded work whatever the fragment: at most SEARCH_CANDIDATES
   * matches, then ranked (prefix matches first) and ordered by name.  A
   * fragment found in many names thus ranks a sample of its matches:
   * typing one more character narrows it.  Never a walk of the name
   * index: slow when the matches cluster late in pinyin order (州市: 2.8 s
   * at 1M customers, 西安…). */
  {
    const char *plan;

    if (walk_names && !q.deleted && q.scope_all)
      /* In at least one name in 20: the table in its own order meets
       * SEARCH_CANDIDATES of them within a few thousand rows, where the
       * GIN index would first collect every match. */
      plan = "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off";
    else if (walk_names && !q.deleted)
      /* The same within a data scope, unless the scope's owners hold few
       * customers: then their index is better, and the planner knows
       * (custom plan for the actual owners). */
      plan = NULL;
    else
      /* Rarer: the matches from the search indexes only (bitmap scans). */
      plan = "SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off";
    if (plan != NULL && !crm_db_command (db, plan, error))
      goto fail;
    if (sample && !walk_names &&
        !crm_db_command (db, "SET LOCAL gin_fuzzy_search_limit = " G_STRINGIFY (FUZZY_SAMPLE),
                         error))
      goto fail;
    g_string_prepend (q.sql, "SELECT c.*");
    g_string_append_printf (q.sql, " LIMIT %d", SEARCH_CANDIDATES);
    g_string_prepend (q.sql, " FROM (");
    g_string_append (q.sql, ") c");
  }
  if (nlim == 0)
    nlim = crm_customer_query_param (&q, g_strdup_printf ("%d", limit));
  g_string_append_printf (suffix, " c.name COLLATE \"zh-x-icu\", c.id LIMIT $%u::int", nlim);
  res = query_run_custom_plan (db, &q, "SELECT " CRM_CUSTOMER_COLUMNS, suffix->str, error);
  if (res == NULL)
    goto fail;
  crm_customer_query_clear (&q);
  {
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                        g_free, NULL);
    GVariantBuilder b;
    guint count = 0;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
    if (prefix_res != NULL)
      count = rows_add_unseen (&b, prefix_res, seen, 0, (guint) limit);
    count = rows_add_unseen (&b, res, seen, count, (guint) limit);
    /* Then customers found by their custom fields (issue 4). */
    if (!search_add_custom (db, ctx, filters, custom_needle, &b, seen, count, (guint) limit,
                            error))
      {
        g_variant_builder_clear (&b);
        return NULL;
      }
    rows = g_variant_builder_end (&b);
  }
  return rows;

fail:
  crm_customer_query_clear (&q);
  return NULL;
}

/* ---- customer.count ---- */

GVariant *
crm_customer_count (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) filters = NULL;
  CrmCustomerQuery q = { 0 };
  gint64 count = 0;
  gboolean estimated = FALSE;

  g_variant_get (request, "(@a{sv})", &filters);
  if (!crm_customer_query_begin (db, ctx, "customer.view", filters, &q, error) ||
      !query_count (db, &q, &count, &estimated, error))
    {
      crm_customer_query_clear (&q);
      return NULL;
    }
  crm_customer_query_clear (&q);
  return g_variant_new ("(xb)", count, estimated);
}

/* ---- customer.export ---- */

GVariant *
crm_customer_export (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr(GVariant) filters = NULL;
  gint64 after;
  gint32 limit;
  CrmCustomerQuery q = { 0 };
  g_autoptr(PGresult) res = NULL;
  g_autofree char *suffix = NULL;
  gint64 last = 0;
  GVariant *rows;
  guint na;

  g_variant_get (request, "(@a{sv}xi)", &filters, &after, &limit);
  if (limit < 1 || limit > MAX_EXPORT)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "limit",
                         _("Between 1 and %d rows at a time"), MAX_EXPORT));
      return NULL;
    }
  if (!crm_customer_query_begin (db, ctx, "customer.export", filters, &q, error))
    goto fail;
  na = crm_customer_query_param (&q, crm_db_int64_to_string (after));
  g_string_append_printf (q.sql, " AND c.id > $%u::bigint", na);
  suffix = g_strdup_printf (" ORDER BY c.id LIMIT $%u::int",
                            crm_customer_query_param (&q, g_strdup_printf ("%d", limit)));
  res = crm_customer_query_run (db, &q, "SELECT " CRM_CUSTOMER_COLUMNS, suffix, error);
  if (res == NULL)
    goto fail;
  if (PQntuples (res) == limit)
    last = crm_db_get_int64 (res, limit - 1, 0);
  rows = rows_to_variant (res, PQntuples (res));
  crm_customer_query_clear (&q);
  return g_variant_new ("(@aa{sv}x)", rows, last);

fail:
  crm_customer_query_clear (&q);
  return NULL;
}
