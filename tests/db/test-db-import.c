/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-db-import"
#include "config.h"

#include <string.h>

#include "crm-test-db.h"

/*
 * customer.import through the real worker pool and PostgreSQL: a batch is
 * all or nothing, errors name row and field, a batch sent again under its
 * idempotency key is not inserted twice, and imported rows are found by
 * quick search like created ones.
 */

static char *
row_name (guint i)
{
  return g_strdup_printf ("导入批次%05u号贸易有限公司", i);
}

static char *
row_phone (guint i)
{
  return g_strdup_printf ("1370%07u", i);
}

/* `n` rows; `edit` may change row i's dict before it is closed. */
typedef void (*RowEdit) (guint i, GVariantDict *d, gpointer data);

static GVariant *
build_rows (guint n, RowEdit edit, gpointer data)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < n; i++)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_autofree char *name = row_name (i);
      g_autofree char *phone = row_phone (i);
      const char *phones[] = { phone, NULL };

      g_variant_dict_insert (&d, "name", "s", name);
      g_variant_dict_insert (&d, "phones", "^as", phones);
      g_variant_dict_insert (&d, "region", "s", "上海市");
      g_variant_dict_insert (&d, "notes", "s", "tab\there,\nnew line, backslash \\ and \"quotes\"");
      if (edit != NULL)
        edit (i, &d, data);
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
    }
  return g_variant_builder_end (&b);
}

/* Imports `rows` as `s` under a new key: answered, with `n_inserted` rows
 * in and `n_errors` errors.  Returns the errors, "a(uss)". */
static GVariant *
import_answered (CrmSession *s, GVariant *rows, const char *locale, gint64 n_inserted, gsize n_errors)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_test_db_import (s, rows, NULL, locale, &error);
  GVariant *errors = NULL;
  gint64 inserted = -1;

  g_assert_no_error (error);
  g_variant_get (reply, "(x@a(uss))", &inserted, &errors);
  g_assert_cmpint (inserted, ==, n_inserted);
  g_assert_cmpuint (g_variant_n_children (errors), ==, n_errors);
  return errors;
}

/* Error `i` of `errors` names row `row`, with a message; returns its field
 * (valid while `errors` is). */
static const char *
error_field (GVariant *errors, gsize i, guint32 row)
{
  guint32 error_row;
  const char *field, *message;

  g_variant_get_child (errors, i, "(u&s&s)", &error_row, &field, &message);
  g_assert_cmpuint (error_row, ==, row);
  g_assert_cmpstr (message, !=, "");
  return field;
}

static void
bad_rows (guint i, GVariantDict *d, gpointer data)
{
  if (i == 1000)
    {
      const char *phones[] = { "电话号码", NULL };
      g_variant_dict_insert (d, "phones", "^as", phones);
    }
  else if (i == 1500)
    g_variant_dict_insert (d, "postal_code", "s", "12ab");
}

static void
test_bad_row_middle (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(GVariant) errors = import_answered (manager, build_rows (2000, bad_rows, NULL), "zh_CN", 0, 2);

  g_assert_cmpstr (error_field (errors, 0, 1000), ==, "phones[0]");
  g_assert_cmpstr (error_field (errors, 1, 1500), ==, "postal_code");
  /* Nothing of the batch: no customer, no side row, no number used, no audit. */
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customer_owner_history"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customer_phone_tails"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT coalesce (sum (last), 0) FROM numbering_counters"),
                   ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE action = 'import'"),
                   ==, 0);

  /* The same rows corrected import whole, in row order, codes gap-free. */
  {
    g_autoptr(GVariant) no_errors = import_answered (manager, build_rows (2000, NULL, NULL), NULL, 2000, 0);
    g_autofree char *notes = NULL;

    g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 2000);
    g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers c1 JOIN customers c2"
                                            " ON c2.id > c1.id AND c2.code < c1.code"), ==, 0);
    g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers c1 JOIN customers c2"
                                            " ON c2.id > c1.id AND c2.name < c1.name"), ==, 0);
    g_assert_cmpint (crm_test_db_query_int ("SELECT last FROM numbering_counters"
                                            " WHERE entity = 'customer'"), ==, 2000);
    notes = crm_test_db_query_string ("SELECT notes FROM customers ORDER BY id DESC LIMIT 1");
    g_assert_cmpstr (notes, ==, "tab\there,\nnew line, backslash \\ and \"quotes\"");
    g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customer_owner_history"), ==, 2000);
  }
}

static void
test_resent_batch (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) rows = g_variant_ref_sink (build_rows (500, NULL, NULL));
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) again = NULL;

  first = crm_test_db_import (manager, rows, key, NULL, &error);
  g_assert_no_error (error);
  /* The connection dropped before the reply: the client sends the batch
   * again under the same key and gets the first reply, nothing more. */
  again = crm_test_db_import (manager, rows, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (first, again));
  {
    gint64 inserted;

    g_variant_get (again, "(x@a(uss))", &inserted, NULL);
    g_assert_cmpint (inserted, ==, 500);
  }
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 500);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE action = 'import'"),
                   ==, 1);
  /* One audit row for the batch, with the count and the ids. */
  {
    g_autofree char *count = crm_test_db_query_string (
      "SELECT after ->> 'count' FROM audit_log WHERE action = 'import'");
    g_autofree char *ids = crm_test_db_query_string (
      "SELECT after ->> 'ids' FROM audit_log WHERE action = 'import'");
    g_autofree char *expected = crm_test_db_query_string (
      "SELECT min (id) || '-' || max (id) FROM customers");

    g_assert_cmpstr (count, ==, "500");
    g_assert_cmpstr (ids, ==, expected);
  }
}

static void
test_twenty_thousand_searchable (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  const guint n = 20000;
  g_autoptr(GVariant) no_errors = import_answered (manager, build_rows (n, NULL, NULL), NULL, n, 0);

  g_assert_cmpint (crm_test_db_query_int ("SELECT count(DISTINCT code) FROM customers"), ==, n);
  /* Every row carries the search columns quick search reads, and the
   * phone tails that caller-ID lookup reads. */
  g_assert_cmpint (crm_test_db_query_int (
                     "SELECT count(*) FROM customers WHERE name_pinyin = '' OR name_initials = ''"
                     " OR phone_digits = '' OR cardinality (search_bigrams) < 10"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int (
                     "SELECT count(DISTINCT customer_id) FROM customer_phone_tails"), ==, n);
  /* Quick search finds rows all over the batch: by the whole phone, by
   * its last 8 digits, by the name. */
  for (guint i = 0; i < n; i += 401)
    {
      g_autofree char *phone = row_phone (i);
      g_autofree char *name = row_name (i);
      const char *queries[] = { phone, phone + 3, name };

      for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GVariant) rows = crm_test_db_search (manager, queries[q], 50, &error);
          gboolean found = FALSE;

          g_assert_no_error (error);
          for (gsize k = 0; k < g_variant_n_children (rows) && !found; k++)
            {
              g_autoptr(GVariant) row = g_variant_get_child_value (rows, k);
              const char *rname = NULL;

              if (g_variant_lookup (row, "name", "&s", &rname) && strcmp (rname, name) == 0)
                found = TRUE;
            }
          if (!found)
            g_error ("row %u not found by quick search for “%s”", i, queries[q]);
          g_assert_true (found);
        }
    }
}

static void
same_names (guint i, GVariantDict *d, gpointer data)
{
  if (i == 7)
    {
      g_autofree char *name = row_name (3);
      g_variant_dict_insert (d, "name", "s", name);
    }
  else if (i == 9)
    g_variant_dict_insert (d, "name", "s", "已有客户有限公司");
}

static void
test_duplicate_names (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(GVariant) errors = NULL;

  crm_test_db_create_customer (manager, "已有客户有限公司", NULL);
  crm_test_db_exec ("INSERT INTO entry_rules (entity, duplicate_name) VALUES ('customer', 'forbid')"
                    " ON CONFLICT (entity) DO UPDATE SET duplicate_name = 'forbid'");
  errors = import_answered (manager, build_rows (20, same_names, NULL), NULL, 0, 2);
  /* Row 7 repeats row 3 of the same batch; row 9 an existing customer. */
  g_assert_cmpstr (error_field (errors, 0, 7), ==, "name");
  g_assert_cmpstr (error_field (errors, 1, 9), ==, "name");
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 1);
}

static void
foreign_owner (guint i, GVariantDict *d, gpointer data)
{
  if (i == 2)
    g_variant_dict_insert (d, "owner_id", "x", *(gint64 *) data);
}

static void
test_owner_scope (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  gint64 sc = crm_test_db_user_id ("sc");   /* 其他部: outside the manager's department */
  gint64 sb = crm_test_db_user_id ("sb");   /* 二部: inside it */

  {
    g_autoptr(GVariant) errors = import_answered (manager, build_rows (5, foreign_owner, &sc), NULL, 0, 1);

    g_assert_cmpstr (error_field (errors, 0, 2), ==, "owner_id");
  }
  {
    g_autoptr(GVariant) no_errors = import_answered (manager, build_rows (5, foreign_owner, &sb), NULL, 5, 0);
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM customers WHERE owner_id = %"
                                            G_GINT64_FORMAT, sb);

    g_assert_cmpint (crm_test_db_query_int (sql), ==, 1);
  }
}

static void
custom_values (guint i, GVariantDict *d, gpointer data)
{
  gboolean skip_row_5 = GPOINTER_TO_INT (data);
  g_autofree char *level = g_strdup_printf ("甲级\t客户 %u", i);

  if (skip_row_5 && i == 5)
    return;
  g_variant_dict_insert (d, "cf.import_level", "s", level);
  g_variant_dict_insert (d, "cf.import_budget", "d", 1.5 * i);
}

/* Custom fields travel through the staging table as JSON: required ones
 * are enforced per row, values land in "custom" and its search column. */
static void
test_custom_fields (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");

  crm_test_db_exec ("DELETE FROM custom_fields WHERE key LIKE 'import_%'");
  crm_test_db_exec ("INSERT INTO custom_fields (entity, key, label, type, required) VALUES"
                    " ('customer', 'import_level', '客户等级', 'text', true),"
                    " ('customer', 'import_budget', '预算', 'number', false)");
  {
    g_autoptr(GVariant) errors =
      import_answered (manager, build_rows (10, custom_values, GINT_TO_POINTER (TRUE)), NULL, 0, 1);

    g_assert_nonnull (strstr (error_field (errors, 0, 5), "import_level"));
    g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 0);
  }
  {
    g_autoptr(GVariant) none =
      import_answered (manager, build_rows (10, custom_values, GINT_TO_POINTER (FALSE)), NULL, 10, 0);
    g_autofree char *level = NULL;
    g_autofree char *budget = NULL;

    level = crm_test_db_query_string ("SELECT custom ->> 'import_level' FROM customers"
                                      " ORDER BY id OFFSET 7 LIMIT 1");
    g_assert_cmpstr (level, ==, "甲级\t客户 7");
    budget = crm_test_db_query_string ("SELECT custom ->> 'import_budget' FROM customers"
                                       " ORDER BY id OFFSET 3 LIMIT 1");
    g_assert_cmpstr (budget, ==, "4.5");
  }
  crm_test_db_exec ("DELETE FROM custom_fields WHERE key LIKE 'import_%'");
}

static void
test_batch_limits (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = crm_test_db_import (manager, g_variant_new_array (G_VARIANT_TYPE_VARDICT, NULL, 0), NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "rows");
  g_clear_error (&error);
  /* A salesperson may not import. */
  reply = crm_test_db_import (sa, build_rows (1, NULL, NULL), NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 0);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  crm_test_db_start ();

  crm_test_db_add ("/db/import/bad-row-middle", test_bad_row_middle);
  crm_test_db_add ("/db/import/resent-batch", test_resent_batch);
  crm_test_db_add ("/db/import/twenty-thousand-searchable", test_twenty_thousand_searchable);
  crm_test_db_add ("/db/import/duplicate-names", test_duplicate_names);
  crm_test_db_add ("/db/import/owner-scope", test_owner_scope);
  crm_test_db_add ("/db/import/batch-limits", test_batch_limits);
  crm_test_db_add ("/db/import/custom-fields", test_custom_fields);

  rc = g_test_run ();
  crm_test_db_stop ();
  return rc;
}
