/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-db-seek"
#include "config.h"

#include <math.h>
#include <string.h>

#include "crm-test-db.h"

/*
 * customer.seek: a list cursor at a fraction of the sort order, from the
 * statistics (whole list) or counted (filtered or scoped lists), always
 * followed by a customer.list page that applies the data scope.
 */

#define N_ROWS 3000

typedef struct { int unused; } Fixture;

static const char *const syllables[] = {
  "安", "北", "长", "大", "恒", "华", "金", "凯", "蓝", "明", "南", "鹏", "青", "瑞", "上",
  "天", "万", "鑫", "阳", "中", "东", "福", "广", "海", "江", "科", "龙", "美", "宁", "星",
};

static void
import_rows (CrmSession *s, guint n)
{
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  GVariantBuilder rows;

  g_variant_builder_init (&rows, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < n; i++)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_autofree char *name = g_strdup_printf ("%s%s贸易%u", syllables[i % 30],
                                               syllables[(i * 7 / 30) % 30], i);

      g_variant_dict_insert (&d, "name", "s", name);
      g_variant_builder_add_value (&rows, g_variant_dict_end (&d));
    }
  r = crm_test_db_run (s, CRM_MSG_CUSTOMER_IMPORT,
                       g_variant_new ("(s@aa{sv})", key, g_variant_builder_end (&rows)),
                       key, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = NULL;

  crm_test_db_reset ();
  admin = crm_test_db_login ("admin");
  import_rows (admin, N_ROWS);
  crm_test_db_exec ("ANALYZE customers");
}

static void
teardown (Fixture *f, gconstpointer data)
{
}

static GVariant *
empty_filters (void)
{
  return g_variant_new ("a{sv}", NULL);
}

static GVariant *
seek (CrmSession *s, const char *sort, gboolean desc, GVariant *filters, double fraction,
      gint64 *row, GError **error)
{
  g_autoptr(GVariant) r =
    crm_test_db_run (s, CRM_MSG_CUSTOMER_SEEK,
                     g_variant_new ("(sb@a{sv}d)", sort, desc,
                                    filters ? filters : empty_filters (), fraction),
                     NULL, NULL, NULL, error);
  const char *cursor;

  if (r == NULL)
    return NULL;
  g_variant_get (r, "(&sx)", &cursor, row);
  return g_variant_new_string (cursor);
}

/* customer.list from `cursor`: the rows, and the next cursor in `next`. */
static GVariant *
list (CrmSession *s, const char *sort, gboolean desc, GVariant *filters, const char *cursor,
      gint32 limit, char **next)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r =
    crm_test_db_run (s, CRM_MSG_CUSTOMER_LIST,
                     g_variant_new ("(sb@a{sv}si)", sort, desc,
                                    filters ? filters : empty_filters (), cursor, limit),
                     NULL, NULL, NULL, &error);
  GVariant *rows;
  const char *n;
  gint64 total;

  g_assert_no_error (error);
  g_variant_get (r, "(@aa{sv}&sx)", &rows, &n, &total);
  if (next)
    *next = g_strdup (n);
  return rows;
}

static gint64
row_id (GVariant *rows, gsize i)
{
  g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
  gint64 id = 0;

  g_assert_true (g_variant_lookup (row, "id", "x", &id));
  return id;
}

/* How many live customers come before customer `id` in name order. */
static gint64
rank_by_name (gint64 id, gboolean desc)
{
  g_autofree char *sql =
    g_strdup_printf ("SELECT count(*) FROM customers c, customers x WHERE x.id = %" G_GINT64_FORMAT
                     " AND c.deleted_at IS NULL AND (c.name COLLATE \"zh-x-icu\", c.id) %s"
                     " (x.name COLLATE \"zh-x-icu\", x.id)", id, desc ? ">" : "<");
  return crm_test_db_query_int (sql);
}

static void
test_ends (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) first = NULL, page = NULL, last = NULL, tail = NULL;
  g_autofree char *next = NULL;
  gint64 row = -1;

  /* 0.0: the first page, the same as an empty cursor. */
  first = seek (admin, "name", FALSE, NULL, 0.0, &row, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (first, NULL), ==, "");
  g_assert_cmpint (row, ==, 0);

  /* 1.0: the page before the end; listing from it reaches the last row. */
  last = seek (admin, "name", FALSE, NULL, 1.0, &row, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (last, NULL), !=, "");
  g_assert_cmpint (row, >, N_ROWS - 200);
  g_assert_cmpint (row, <=, N_ROWS);
  page = list (admin, "name", FALSE, NULL, g_variant_get_string (last, NULL), 100, &next);
  g_assert_cmpuint (g_variant_n_children (page), ==, 100);
  g_assert_cmpstr (next, ==, "");
  g_assert_cmpint (rank_by_name (row_id (page, 99), FALSE), ==, N_ROWS - 1);
  g_assert_cmpint (rank_by_name (row_id (page, 0), FALSE), ==, N_ROWS - 100);

  /* Descending, 1.0 ends on the first name. */
  g_clear_pointer (&next, g_free);
  tail = seek (admin, "name", TRUE, NULL, 1.0, &row, &error);
  g_assert_no_error (error);
  g_clear_pointer (&page, g_variant_unref);
  page = list (admin, "name", TRUE, NULL, g_variant_get_string (tail, NULL), 100, &next);
  g_assert_cmpuint (g_variant_n_children (page), ==, 100);
  g_assert_cmpint (rank_by_name (row_id (page, 99), FALSE), ==, 0);
}

static void
check_middle (CrmSession *s, gboolean desc, double fraction)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) cursor = NULL, page = NULL;
  gint64 row = -1, rank;
  gint64 want = (gint64) (fraction * N_ROWS);

  cursor = seek (s, "name", desc, NULL, fraction, &row, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (cursor, NULL), !=, "");
  /* The estimate is where the cursor is, near where it was asked for. */
  g_assert_cmpint (row, >=, want - N_ROWS / 20);
  g_assert_cmpint (row, <=, want + N_ROWS / 20);
  page = list (s, "name", desc, NULL, g_variant_get_string (cursor, NULL), 100, NULL);
  g_assert_cmpuint (g_variant_n_children (page), ==, 100);
  rank = rank_by_name (row_id (page, 0), desc);
  g_assert_cmpint (rank, >=, want - N_ROWS / 20);
  g_assert_cmpint (rank, <=, want + N_ROWS / 20);
  g_assert_cmpint (ABS (rank - row), <=, N_ROWS / 50);
}

static void
test_middle (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");

  /* Migration 0040's statistics of names in pinyin order are there. */
  g_assert_cmpint (crm_test_db_query_int ("SELECT cardinality (histogram_bounds::text::text[])"
                                          " FROM pg_stats_ext_exprs"
                                          " WHERE statistics_name = 'customers_name_sort_stats'"),
                   >, 500);
  check_middle (admin, FALSE, 0.5);
  check_middle (admin, FALSE, 0.25);
  check_middle (admin, TRUE, 0.5);
  check_middle (admin, TRUE, 0.9);
}

/* Sorting by a column with few values (the most common values carry the
 * positions): the page starts where the value that far through begins. */
static void
test_common_values (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) cursor = NULL, page = NULL;
  g_autoptr(GVariant) first = NULL;
  const char *region = NULL;
  gint64 row = -1;

  crm_test_db_exec ("UPDATE customers SET region = CASE WHEN id % 4 = 0 THEN '北京'"
                    " WHEN id % 4 = 1 THEN '上海' WHEN id % 4 = 2 THEN '广州' ELSE '深圳' END");
  crm_test_db_exec ("ANALYZE customers");
  cursor = seek (admin, "region", FALSE, NULL, 0.5, &row, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row, >=, N_ROWS / 4);
  g_assert_cmpint (row, <=, N_ROWS * 3 / 4);
  page = list (admin, "region", FALSE, NULL, g_variant_get_string (cursor, NULL), 10, NULL);
  g_assert_cmpuint (g_variant_n_children (page), ==, 10);
  first = g_variant_get_child_value (page, 0);
  g_assert_true (g_variant_lookup (first, "region", "&s", &region));
  /* The page starts at the first row of its region. */
  {
    g_autofree char *sql =
      g_strdup_printf ("SELECT count(*) FROM customers WHERE region < '%s'", region);
    g_assert_cmpint (crm_test_db_query_int (sql), ==, row);
  }
}

/* Every row with the same key (created in one import): the position is
 * found among them in id order. */
static void
test_one_value (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");

  crm_test_db_exec ("UPDATE customers SET created_at = '2026-01-01 08:00+08'");
  crm_test_db_exec ("ANALYZE customers");
  for (guint d = 0; d < 2; d++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) cursor = NULL, page = NULL;
      g_autofree char *sql = NULL;
      gint64 row = -1, rank;

      cursor = seek (admin, "created_at", d == 1, NULL, 0.5, &row, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (g_variant_get_string (cursor, NULL), !=, "");
      g_assert_cmpint (row, ==, N_ROWS / 2);
      page = list (admin, "created_at", d == 1, NULL, g_variant_get_string (cursor, NULL), 10, NULL);
      g_assert_cmpuint (g_variant_n_children (page), ==, 10);
      sql = g_strdup_printf ("SELECT count(*) FROM customers WHERE id %s %" G_GINT64_FORMAT,
                             d == 1 ? ">" : "<", row_id (page, 0));
      rank = crm_test_db_query_int (sql);
      g_assert_cmpint (rank, >=, N_ROWS / 2 - N_ROWS / 20);
      g_assert_cmpint (rank, <=, N_ROWS / 2 + N_ROWS / 20);
    }
}

/* A filtered list below the counting limit: exact, from the filtered
 * rows; a salesperson's cursor lands among his own customers. */
static void
test_filtered_exact (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) cursor = NULL, page = NULL, scursor = NULL, spage = NULL;
  g_autofree char *sql = NULL;
  GVariantBuilder fb;
  gint64 row = -1, n_vip, n_sa;

  crm_test_db_exec ("UPDATE customers SET category = 'VIP' WHERE id % 7 = 0");
  sql = g_strdup_printf ("UPDATE customers SET owner_id = %" G_GINT64_FORMAT " WHERE id %% 10 = 3",
                         crm_test_db_user_id ("sa"));
  crm_test_db_exec (sql);
  crm_test_db_exec ("ANALYZE customers");
  n_vip = crm_test_db_query_int ("SELECT count(*) FROM customers WHERE category = 'VIP'");
  n_sa = crm_test_db_query_int ("SELECT count(*) FROM customers WHERE id % 10 = 3");

  g_variant_builder_init (&fb, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&fb, "{sv}", "category", g_variant_new_string ("VIP"));
  cursor = seek (admin, "name", FALSE, g_variant_builder_end (&fb), 0.5, &row, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row, ==, (gint64) llround (0.5 * n_vip));
  g_variant_builder_init (&fb, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&fb, "{sv}", "category", g_variant_new_string ("VIP"));
  page = list (admin, "name", FALSE, g_variant_builder_end (&fb),
               g_variant_get_string (cursor, NULL), 5, NULL);
  g_assert_cmpuint (g_variant_n_children (page), ==, 5);
  {
    g_autofree char *rank_sql =
      g_strdup_printf ("SELECT count(*) FROM customers c, customers x WHERE x.id = %" G_GINT64_FORMAT
                       " AND c.category = 'VIP' AND (c.name COLLATE \"zh-x-icu\", c.id)"
                       " < (x.name COLLATE \"zh-x-icu\", x.id)", row_id (page, 0));
    g_assert_cmpint (crm_test_db_query_int (rank_sql), ==, row);
  }

  /* The salesperson sees only his own rows: the page after the cursor
   * holds only them, about halfway through them. */
  scursor = seek (sa, "name", FALSE, NULL, 0.5, &row, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row, ==, (gint64) llround (0.5 * n_sa));
  spage = list (sa, "name", FALSE, NULL, g_variant_get_string (scursor, NULL), 50, NULL);
  g_assert_cmpuint (g_variant_n_children (spage), ==, 50);
  for (gsize i = 0; i < 50; i++)
    g_assert_cmpint (row_id (spage, i) % 10, ==, 3);
}

/* A scoped list too large to count (over 50,000 rows): its key comes from
 * a sample of its own rows, however they lie in the whole list (here the
 * salesperson's names all sort after everyone else's). */
static void
test_scoped_sample (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) cursor = NULL, page = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *rank_sql = NULL;
  gint64 row = -1, n_sa, rank;

  sql = g_strdup_printf ("INSERT INTO customers (code, name, owner_id)"
                         " SELECT 'S' || i, '中原' || md5 (i::text), %" G_GINT64_FORMAT
                         " FROM generate_series (1, 60000) i", crm_test_db_user_id ("sa"));
  crm_test_db_exec (sql);
  crm_test_db_exec ("ANALYZE customers");
  n_sa = crm_test_db_query_int ("SELECT count(*) FROM customers WHERE code LIKE 'S%'");

  cursor = seek (sa, "name", FALSE, NULL, 0.5, &row, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (cursor, NULL), !=, "");
  page = list (sa, "name", FALSE, NULL, g_variant_get_string (cursor, NULL), 10, NULL);
  g_assert_cmpuint (g_variant_n_children (page), ==, 10);
  rank_sql = g_strdup_printf ("SELECT count(*) FROM customers c, customers x WHERE x.id = %" G_GINT64_FORMAT
                              " AND c.code LIKE 'S%%' AND (c.name COLLATE \"zh-x-icu\", c.id)"
                              " < (x.name COLLATE \"zh-x-icu\", x.id)", row_id (page, 0));
  rank = crm_test_db_query_int (rank_sql);
  g_assert_cmpint (rank, >=, n_sa / 2 - n_sa / 10);
  g_assert_cmpint (rank, <=, n_sa / 2 + n_sa / 10);
  g_assert_cmpint (row, >=, n_sa / 2 - n_sa / 10);
  g_assert_cmpint (row, <=, n_sa / 2 + n_sa / 10);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  const double bad[] = { NAN, -0.01, 1.5, INFINITY };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 row;
      g_autoptr(GVariant) c = seek (admin, "name", FALSE, NULL, bad[i], &row, &error);

      g_assert_null (c);
      g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
      g_assert_cmpstr (crm_error_get_field (error), ==, "fraction");
    }
  {
    g_autoptr(GError) error = NULL;
    gint64 row;
    g_autoptr(GVariant) c = seek (admin, "password_hash", FALSE, NULL, 0.5, &row, &error);

    g_assert_null (c);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "sort");
  }
  {
    g_autoptr(GError) error = NULL;
    gint64 row;
    GVariantBuilder fb;
    g_autoptr(GVariant) c = NULL;

    g_variant_builder_init (&fb, G_VARIANT_TYPE ("a{sv}"));
    g_variant_builder_add (&fb, "{sv}", "nonsense", g_variant_new_string ("x"));
    c = seek (admin, "name", FALSE, g_variant_builder_end (&fb), 0.5, &row, &error);
    g_assert_null (c);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "filters.nonsense");
  }
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  crm_test_db_start ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/db/seek/ends", test_ends);
  ADD ("/db/seek/middle", test_middle);
  ADD ("/db/seek/common-values", test_common_values);
  ADD ("/db/seek/one-value", test_one_value);
  ADD ("/db/seek/filtered-exact", test_filtered_exact);
  ADD ("/db/seek/scoped-sample", test_scoped_sample);
  ADD ("/db/seek/bad-input", test_bad_input);
#undef ADD

  rc = g_test_run ();
  crm_test_db_stop ();
  return rc;
}
