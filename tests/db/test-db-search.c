/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-db-search"
#include "config.h"

#include <string.h>

#include "crm-test-db.h"

/*
 * The fast paths of customer search and import (tests/bench figures):
 * prefix matches of pinyin/initials from index scans that stop early,
 * followed by matches inside names; sampled matches of a frequent
 * fragment; import checking its rules once per request; the statement
 * triggers that fill owner history and phone tails for imported rows.
 */

/* Every test starts from crm_test_db_reset (), which leaves entry_rules
 * alone: put the customer's required fields back after each test. */
static void
restore_entry_rules (CrmTestDbFixture *f, gconstpointer data)
{
  crm_test_db_exec ("UPDATE entry_rules SET required = '{}' WHERE entity = 'customer'");
}

/* The ids of `rows`, comma-separated, in their order. */
static char *
row_ids (GVariant *rows)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
      gint64 id = 0;

      g_assert_true (g_variant_lookup (row, "id", "x", &id));
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", id);
    }
  return g_string_free (s, FALSE);
}

/* customer.import of `n` rows named "<prefix><i>" with one phone each; a
 * row i with `skip_industry` set to i has no industry. */
static GVariant *
import_named (CrmSession *s, const char *prefix, guint n, gint skip_industry, GError **error)
{
  GVariantBuilder rows;

  g_variant_builder_init (&rows, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < n; i++)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_autofree char *name = g_strdup_printf ("%s%u", prefix, i);
      g_autofree char *phone = g_strdup_printf ("1370000%04u", i);
      const char *phones[] = { phone, NULL };

      g_variant_dict_insert (&d, "name", "s", name);
      g_variant_dict_insert_value (&d, "phones", g_variant_new_strv (phones, -1));
      if ((gint) i != skip_industry)
        g_variant_dict_insert (&d, "industry", "s", "软件");
      g_variant_builder_add_value (&rows, g_variant_dict_end (&d));
    }
  return crm_test_db_import (s, g_variant_builder_end (&rows), NULL, NULL, error);
}

/* More prefix matches than asked for: the first ones in name order, all
 * of them prefix matches, exactly what a full sort would give. */
static void
test_prefix_first (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  static const char * const tails[] = {
    "智邦", "华信", "天河", "安达", "博远", "长城", "东方", "恒通", "金桥", "蓝海",
    "明德", "瑞丰", "盛世", "泰和", "万通", "新元", "永安", "正大", "中兴", "百川",
    "晨光", "鼎盛", "飞扬", "广源", "宏图",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rows = NULL;
  g_autofree char *got = NULL;
  g_autofree char *expected = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tails); i++)
    {
      g_autofree char *name = g_strdup_printf ("北京%s科技有限公司", tails[i]);
      crm_test_db_create_customer (admin, name, NULL);
    }
  /* Matches inside names only ("南北京…": initials nbj…), never before
   * the prefix matches. */
  crm_test_db_create_customer (admin, "阿北京贸易公司", NULL);
  crm_test_db_create_customer (admin, "南北京物流公司", NULL);

  rows = crm_test_db_search (admin, "bj", 10, &error);
  g_assert_no_error (error);
  got = row_ids (rows);
  expected = crm_test_db_query_string (
      "SELECT string_agg (id::text, ',' ORDER BY name COLLATE \"zh-x-icu\", id) FROM"
      " (SELECT id, name FROM customers WHERE name_initials LIKE 'bj%'"
      "  ORDER BY name COLLATE \"zh-x-icu\", id LIMIT 10) x");
  g_assert_cmpstr (got, ==, expected);
}

/* Fewer prefix matches than asked for: all of them first (name order),
 * then the names holding the fragment inside, each once. */
static void
test_prefix_then_inside (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rows = NULL;
  g_autofree char *got = NULL;
  g_autofree char *expected = NULL;

  crm_test_db_create_customer (admin, "北京智邦科技有限公司", NULL);   /* bjzb… */
  crm_test_db_create_customer (admin, "北京中天贸易公司", NULL);       /* bjzt… */
  crm_test_db_create_customer (admin, "阿北京智远物流公司", NULL);     /* abjzy… */
  crm_test_db_create_customer (admin, "安北京中和商行", NULL);         /* abjzh… */
  crm_test_db_create_customer (admin, "上海华信网络有限公司", NULL);   /* no match */

  rows = crm_test_db_search (admin, "bjz", 20, &error);
  g_assert_no_error (error);
  got = row_ids (rows);
  expected = crm_test_db_query_string (
      "SELECT string_agg (id::text, ',' ORDER BY (name_initials NOT LIKE 'bjz%'"
      " AND name_pinyin NOT LIKE 'bjz%'), name COLLATE \"zh-x-icu\", id) FROM customers"
      " WHERE name_initials LIKE '%bjz%' OR name_pinyin LIKE '%bjz%'");
  g_assert_cmpuint (g_variant_n_children (rows), ==, 4);
  g_assert_cmpstr (got, ==, expected);

  /* A smaller limit cuts the same order. */
  {
    g_autoptr(GVariant) two = crm_test_db_search (admin, "bjz", 3, &error);
    g_autofree char *got3 = NULL;

    g_assert_no_error (error);
    got3 = row_ids (two);
    g_assert_true (g_str_has_prefix (expected, got3));
    g_assert_cmpuint (g_variant_n_children (two), ==, 3);
  }
}

/* A fragment in more names than the GIN sample: still a full page, every
 * row really holding it; a rare fragment is still found exactly. */
static void
test_frequent_fragment (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) rows = NULL;
  gint64 inserted = 0;
  g_autoptr(GVariant) errors = NULL;
  gint64 rare;

  /* No statistics on the bigrams (this is the first bigram search of the
   * process, which loads them): the fragment is not known as frequent and
   * goes to the GIN index, whose matches are sampled above 1,000. */
  crm_test_db_exec ("ALTER TABLE customers SET (autovacuum_enabled = off)");
  crm_test_db_exec ("DELETE FROM pg_statistic WHERE starelid = 'customers'::regclass");
  r = import_named (admin, "测试科技有限公司", 1500, -1, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x@a(uss))", &inserted, &errors);
  g_assert_cmpint (inserted, ==, 1500);
  rare = crm_test_db_create_customer (admin, "唯一罕见公司", NULL);

  rows = crm_test_db_search (admin, "科技", 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (rows), ==, 20);
  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
      const char *name = NULL;

      g_assert_true (g_variant_lookup (row, "name", "&s", &name));
      g_assert_nonnull (strstr (name, "科技"));
    }
  g_clear_pointer (&rows, g_variant_unref);
  rows = crm_test_db_search (admin, "罕见", 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  {
    g_autofree char *got = row_ids (rows);
    g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, rare);
    g_assert_cmpstr (got, ==, want);
  }
  crm_test_db_exec ("ALTER TABLE customers RESET (autovacuum_enabled)");
}

/* Imported rows get their owner history and phone tails (statement
 * triggers), like created ones. */
static void
test_import_side_tables (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) errors = NULL;
  gint64 inserted = 0;
  gint64 created;

  r = import_named (manager, "导入公司", 40, -1, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x@a(uss))", &inserted, &errors);
  g_assert_cmpint (inserted, ==, 40);
  created = crm_test_db_create_customer (manager, "新建公司", "13912345678");
  g_assert_cmpint (crm_test_db_query_int (
      "SELECT count(*) FROM customer_owner_history h JOIN customers c ON c.id = h.customer_id"
      " WHERE h.reason = 'created' AND h.owner_id = c.owner_id"), ==, 41);
  g_assert_cmpint (crm_test_db_query_int (
      "SELECT count(DISTINCT customer_id) FROM customer_phone_tails"), ==, 41);
  g_assert_cmpint (crm_test_db_query_int (
      "SELECT count(*) FROM customer_phone_tails t JOIN customers c ON c.id = t.customer_id"
      " WHERE c.name = '导入公司7' AND t.tail = '0000007'"), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf (
        "SELECT count(*) FROM customer_phone_tails WHERE customer_id = %" G_GINT64_FORMAT
        " AND tail = '2345678'", created);
    g_assert_cmpint (crm_test_db_query_int (sql), ==, 1);
  }
}

/* The entry rule read once per import still applies to every row. */
static void
test_import_rules_every_row (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) errors = NULL;
  gint64 inserted = -1;
  guint32 row;
  const char *field, *message;

  crm_test_db_exec ("UPDATE entry_rules SET required = '{industry}' WHERE entity = 'customer'");
  r = import_named (manager, "规则公司", 30, 17, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x@a(uss))", &inserted, &errors);
  g_assert_cmpint (inserted, ==, 0);
  g_assert_cmpuint (g_variant_n_children (errors), ==, 1);
  g_variant_get_child (errors, 0, "(u&s&s)", &row, &field, &message);
  g_assert_cmpuint (row, ==, 17);
  g_assert_cmpstr (field, ==, "industry");
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 0);

  /* The next request reads the rule again. */
  crm_test_db_exec ("UPDATE entry_rules SET required = '{}' WHERE entity = 'customer'");
  g_clear_pointer (&r, g_variant_unref);
  g_clear_pointer (&errors, g_variant_unref);
  r = import_named (manager, "规则公司", 30, 17, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x@a(uss))", &inserted, &errors);
  g_assert_cmpint (inserted, ==, 30);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  crm_test_db_start ();

#define ADD(path, fn) crm_test_db_add_full (path, fn, restore_entry_rules)
  ADD ("/db/search/prefix-first", test_prefix_first);
  ADD ("/db/search/prefix-then-inside", test_prefix_then_inside);
  ADD ("/db/search/frequent-fragment", test_frequent_fragment);
  ADD ("/db/search/import-side-tables", test_import_side_tables);
  ADD ("/db/search/import-rules-every-row", test_import_rules_every_row);
#undef ADD

  rc = g_test_run ();
  crm_test_db_stop ();
  return rc;
}
