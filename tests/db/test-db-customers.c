/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-db-customers"
#include "config.h"

#include <string.h>

#include "crm-test-db.h"

static GVariant *
empty_filters (void)
{
  return g_variant_new ("a{sv}", NULL);
}

static GVariant *
get_customer (CrmSession *s, gint64 id, GError **error)
{
  return crm_test_db_run (s, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id), NULL, NULL, NULL, error);
}

static GVariant *
update_customer (CrmSession *s, gint64 id, gint64 version, const char *key_name, const char *value,
                 GError **error)
{
  g_autofree char *key = crm_test_db_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&d, key_name, "s", value);
  return crm_test_db_run (s, CRM_MSG_CUSTOMER_UPDATE,
                          g_variant_new ("(sxx@a{sv})", key, id, version, g_variant_dict_end (&d)),
                          NULL, NULL, NULL, error);
}

static GVariant *
delete_customer (CrmSession *s, gint64 id, gint64 version, GError **error)
{
  g_autofree char *key = crm_test_db_key ();

  return crm_test_db_run (s, CRM_MSG_CUSTOMER_DELETE, g_variant_new ("(sxx)", key, id, version),
                          NULL, NULL, NULL, error);
}

static gboolean
rows_contain (GVariant *rows, gint64 id)
{
  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
      gint64 rid = 0;

      g_variant_lookup (row, "id", "x", &rid);
      if (rid == id)
        return TRUE;
    }
  return FALSE;
}

static GVariant *
list_all (CrmSession *s, const char *sort, gboolean desc, gint32 limit, guint *n_pages)
{
  GVariantBuilder b;
  g_autofree char *cursor = g_strdup ("");
  guint pages = 0;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply =
        crm_test_db_run (s, CRM_MSG_CUSTOMER_LIST,
                         g_variant_new ("(sb@a{sv}si)", sort, desc, empty_filters (), cursor, limit),
                         NULL, NULL, NULL, &error);
      g_autoptr(GVariant) rows = NULL;
      const char *next;
      gint64 total;

      g_assert_no_error (error);
      g_variant_get (reply, "(@aa{sv}&sx)", &rows, &next, &total);
      pages++;
      g_assert_cmpuint (g_variant_n_children (rows), <=, (guint) limit);
      for (gsize i = 0; i < g_variant_n_children (rows); i++)
        g_variant_builder_add_value (&b, g_variant_get_child_value (rows, i));
      if (*next == '\0')
        break;
      g_assert_cmpuint (g_variant_n_children (rows), ==, (guint) limit);
      g_free (cursor);
      cursor = g_strdup (next);
      g_assert_cmpuint (pages, <, 1000);
    }
  if (n_pages)
    *n_pages = pages;
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/* ---- create / get / update / delete ---- */

static void
test_crud (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) row = NULL;
  g_autoptr(GVariant) r = NULL;
  gint64 id, version = 0;
  const char *name = NULL, *code = NULL;
  g_autofree char *today = crm_test_db_query_string ("SELECT to_char (current_date, 'YYYYMMDD')");
  g_autofree char *expected_code = g_strdup_printf ("KH-%s-0001", today);

  id = crm_test_db_create_customer (sa, "北京智邦科技有限公司", "010-6212 3456");
  row = get_customer (sa, id, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (row, "name", "&s", &name));
  g_assert_cmpstr (name, ==, "北京智邦科技有限公司");
  g_assert_true (g_variant_lookup (row, "code", "&s", &code));
  g_assert_cmpstr (code, ==, expected_code);
  g_assert_true (g_variant_lookup (row, "version", "x", &version));
  g_assert_cmpint (version, ==, 1);

  r = update_customer (sa, id, 1, "short_name", "智邦", &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x)", &version);
  g_assert_cmpint (version, ==, 2);
  g_clear_pointer (&row, g_variant_unref);
  row = get_customer (sa, id, &error);
  g_assert_true (g_variant_lookup (row, "short_name", "&s", &name));
  g_assert_cmpstr (name, ==, "智邦");
  /* The untouched fields kept their values. */
  g_assert_true (g_variant_lookup (row, "name", "&s", &name));
  g_assert_cmpstr (name, ==, "北京智邦科技有限公司");

  g_clear_pointer (&r, g_variant_unref);
  r = delete_customer (sa, id, 2, &error);
  g_assert_no_error (error);
  g_clear_pointer (&row, g_variant_unref);
  row = get_customer (sa, id, &error);
  g_assert_null (row);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  /* Soft delete: the row is in the recycle bin, audited three times. */
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers WHERE deleted_at IS NOT NULL"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE entity = 'customer'"), ==, 3);
  g_assert_cmpint (crm_test_db_query_int (
      "SELECT count(*) FROM audit_log WHERE action = 'update' AND before->>'short_name' = ''"
      " AND after->>'short_name' = '智邦'"), ==, 1);
}

static void
test_validation (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  struct { const char *key; const char *type; const char *value; const char *field; } cases[] = {
    { "short_name", "s", "无名", "name" },           /* name missing */
    { "name", "s", "", "name" },                     /* empty */
    { "name", "s", "   ", "name" },                  /* blank */
    { "postal_code", "s", "12345", "postal_code" },
    { "phones", "as", "not-a-phone", "phones[0]" },
    { "colour", "s", "red", "colour" },              /* unknown key */
    { "code", "s", "KH-1", "code" },                 /* read-only */
    { "notes", "x", NULL, "notes" },                 /* wrong type */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = crm_test_db_key ();
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_autoptr(GVariant) r = NULL;

      if (strcmp (cases[i].field, "name") != 0 || strcmp (cases[i].key, "name") != 0)
        if (strcmp (cases[i].key, "short_name") != 0)
          g_variant_dict_insert (&d, "name", "s", "有效名称公司");
      if (strcmp (cases[i].type, "s") == 0)
        g_variant_dict_insert (&d, cases[i].key, "s", cases[i].value);
      else if (strcmp (cases[i].type, "as") == 0)
        {
          const char *v[] = { cases[i].value, NULL };
          g_variant_dict_insert (&d, cases[i].key, "^as", v);
        }
      else
        g_variant_dict_insert (&d, cases[i].key, "x", (gint64) 5);
      r = crm_test_db_run (sa, CRM_MSG_CUSTOMER_CREATE,
                           g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                           NULL, NULL, NULL, &error);
      g_assert_null (r);
      g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
      g_assert_cmpstr (crm_error_get_field (error), ==, cases[i].field);
    }
  {
    /* 101 characters. */
    g_autoptr(GString) longname = g_string_new (NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *key = crm_test_db_key ();
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autoptr(GVariant) r = NULL;

    for (int i = 0; i < 101; i++)
      g_string_append (longname, "长");
    g_variant_dict_insert (&d, "name", "s", longname->str);
    r = crm_test_db_run (sa, CRM_MSG_CUSTOMER_CREATE,
                         g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                         NULL, NULL, NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "name");
  }
  /* Nothing half-written: no customer, no code consumed. */
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customer_code_counters"), ==, 0);
}

static void
test_update_partial (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 id = crm_test_db_create_customer (sa, "北京部分更新有限公司", "13800000000");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) row = NULL;
  g_autofree char *initials = NULL;

  /* Data stored under older, looser rules (or loaded in bulk) stays
   * editable: only the fields sent are checked. */
  crm_test_db_exec ("UPDATE customers SET phones = '{\"分机 8001\"}', postal_code = '1234'");
  r = update_customer (sa, id, 1, "notes", "只改备注", &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, g_variant_unref);
  {
    g_autofree char *phones = crm_test_db_query_string ("SELECT phones::text FROM customers");
    g_assert_cmpstr (phones, ==, "{\"分机 8001\"}");
  }
  /* A changed name re-derives the search columns. */
  r = update_customer (sa, id, 2, "name", "上海新名有限公司", &error);
  g_assert_no_error (error);
  initials = crm_test_db_query_string ("SELECT name_initials FROM customers");
  g_assert_true (g_str_has_prefix (initials, "shxm"));
  row = crm_test_db_search (sa, "新名", 200, &error);
  g_assert_no_error (error);
  g_assert_true (rows_contain (row, id));
  g_clear_pointer (&r, g_variant_unref);
  /* What is sent is still validated. */
  r = update_customer (sa, id, 3, "postal_code", "12", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "postal_code");
  g_clear_error (&error);
  r = update_customer (sa, id, 3, "name", "", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "name");
}

static void
test_version_conflict (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  gint64 id = crm_test_db_create_customer (sa, "广州冲突测试有限公司", NULL);

  r = update_customer (sa, id, 1, "notes", "第一次", &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, g_variant_unref);
  /* A second editor still holding version 1. */
  r = update_customer (sa, id, 1, "notes", "第二次", &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CONFLICT);
  g_clear_error (&error);
  r = delete_customer (sa, id, 1, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT version FROM customers"), ==, 2);
  {
    g_autofree char *notes = crm_test_db_query_string ("SELECT notes FROM customers");
    g_assert_cmpstr (notes, ==, "第一次");
  }
  /* A missing id is not a conflict. */
  r = update_customer (sa, id + 1000, 1, "notes", "x", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
}

static void
test_idempotent_retry (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) second = NULL;
  g_autoptr(GVariant) other = NULL;
  GVariant *fields = g_variant_ref_sink (g_variant_new_parsed ("{'name': <'深圳重试科技有限公司'>}"));

  first = crm_test_db_run (sa, CRM_MSG_CUSTOMER_CREATE, g_variant_new ("(s@a{sv})", key, fields),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The reply was lost; the client sends the same request again. */
  second = crm_test_db_run (sa, CRM_MSG_CUSTOMER_CREATE, g_variant_new ("(s@a{sv})", key, fields),
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (first, second));
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log"), ==, 1);

  /* The same key for a different message is refused. */
  other = crm_test_db_run (sa, CRM_MSG_CUSTOMER_DELETE, g_variant_new ("(sxx)", key, (gint64) 1, (gint64) 1),
                           NULL, NULL, NULL, &error);
  g_assert_null (other);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers WHERE deleted_at IS NULL"), ==, 1);
  g_variant_unref (fields);
}

typedef struct {
  guint     pending;
  GVariant *replies[2];
} Pair;

static void
pair_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pair *p = user_data;
  g_autoptr(GError) error = NULL;
  GVariant *reply = crm_db_pool_run_finish (crm_test_db->pool, result, NULL, &error);

  g_assert_no_error (error);
  p->replies[p->replies[0] ? 1 : 0] = reply;
  p->pending--;
}

static void
test_idempotent_concurrent (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autofree char *key = crm_test_db_key ();
  Pair p = { 0 };

  /* Two copies of one request in flight at once (a client retrying over a
   * second connection): one applies, the other waits and gets its reply. */
  for (int i = 0; i < 2; i++)
    {
      CrmRequestContext *ctx = crm_test_db_context_new (sa, CRM_MSG_CUSTOMER_CREATE, key);

      p.pending++;
      crm_db_pool_run_async (crm_test_db->pool, ctx,
                             g_variant_new_parsed ("(%s, {'name': <'并发重试有限公司'>})", key),
                             NULL, pair_done, &p);
    }
  while (p.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_variant_equal (p.replies[0], p.replies[1]));
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log"), ==, 1);
  g_variant_unref (p.replies[0]);
  g_variant_unref (p.replies[1]);
}

static void
test_idempotency_purged (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  CrmDbPool *pool;

  crm_test_db_create_customer (sa, "清理测试有限公司", NULL);
  crm_test_db_create_customer (sa, "清理测试二有限公司", NULL);
  crm_test_db_exec ("UPDATE idempotency SET created_at = now () - interval '25 hours'"
                    " WHERE ctid = (SELECT min (ctid) FROM idempotency)");
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM idempotency"), ==, 2);
  /* A server starting (a new pool) drops keys older than 24 hours. */
  pool = crm_db_pool_new (crm_test_db->conninfo, 1, &error);
  g_assert_no_error (error);
  crm_db_pool_free (pool);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM idempotency"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM idempotency"
                                          " WHERE created_at < now () - interval '24 hours'"), ==, 0);
}

/* ---- data scope ---- */

static void
assert_hidden (CrmSession *s, gint64 id, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GVariant) count = NULL;
  g_autoptr(GVariant) found = NULL;
  g_autoptr(GError) missing_error = NULL;
  g_autoptr(GVariant) missing = NULL;

  r = get_customer (s, id, &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  /* Exactly the answer for an id that does not exist. */
  missing = get_customer (s, id + 100000, &missing_error);
  g_assert_cmpstr (error->message, ==, missing_error->message);
  g_clear_error (&error);

  all = list_all (s, "name", FALSE, 50, NULL);
  g_assert_false (rows_contain (all, id));
  found = crm_test_db_search (s, name, 200, &error);
  g_assert_no_error (error);
  g_assert_false (rows_contain (found, id));

  r = update_customer (s, id, 1, "notes", "偷改", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  r = delete_customer (s, id, 1, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers WHERE version > 1"), ==, 0);
}

static void
assert_visible (CrmSession *s, gint64 id, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = get_customer (s, id, &error);
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GVariant) found = NULL;

  g_assert_no_error (error);
  all = list_all (s, "name", FALSE, 50, NULL);
  g_assert_true (rows_contain (all, id));
  found = crm_test_db_search (s, name, 200, &error);
  g_assert_no_error (error);
  g_assert_true (rows_contain (found, id));
}

static gint64
count_visible (CrmSession *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r =
    crm_test_db_run (s, CRM_MSG_CUSTOMER_COUNT, g_variant_new ("(@a{sv})", empty_filters ()),
                     NULL, NULL, NULL, &error);
  gint64 n;
  gboolean estimated;

  g_assert_no_error (error);
  g_variant_get (r, "(xb)", &n, &estimated);
  g_assert_false (estimated);
  return n;
}

static gint64
export_count (CrmSession *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r =
    crm_test_db_run (s, CRM_MSG_CUSTOMER_EXPORT,
                     g_variant_new ("(@a{sv}xi)", empty_filters (), (gint64) 0, 5000),
                     NULL, NULL, NULL, &error);
  g_autoptr(GVariant) rows = NULL;
  gint64 last;

  g_assert_no_error (error);
  g_variant_get (r, "(@aa{sv}x)", &rows, &last);
  g_assert_cmpint (last, ==, 0);
  return g_variant_n_children (rows);
}

static void
test_scope (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(CrmSession) sc = crm_test_db_login ("sc");
  g_autoptr(CrmSession) lead1 = crm_test_db_login ("lead1");
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  gint64 a = crm_test_db_create_customer (sa, "甲方一号科技有限公司", "13800138001");
  gint64 b = crm_test_db_create_customer (sb, "乙方二号贸易有限公司", "13800138002");
  gint64 c = crm_test_db_create_customer (sc, "丙方三号实业有限公司", "13800138003");

  /* Salesperson: own only, through every message. */
  assert_visible (sa, a, "甲方");
  assert_hidden (sa, b, "乙方");
  assert_hidden (sb, a, "甲方");
  assert_hidden (sa, c, "丙方");
  g_assert_cmpint (count_visible (sa), ==, 1);
  g_assert_cmpint (count_visible (sb), ==, 1);

  /* Team lead: own and subordinates'. */
  assert_visible (lead1, a, "甲方");
  assert_hidden (lead1, b, "乙方");
  g_assert_cmpint (count_visible (lead1), ==, 1);
  g_assert_cmpint (export_count (lead1), ==, 1);

  /* Department manager: the department and its sub-departments. */
  assert_visible (manager, a, "甲方");
  assert_visible (manager, b, "乙方");
  assert_hidden (manager, c, "丙方");
  g_assert_cmpint (count_visible (manager), ==, 2);
  g_assert_cmpint (export_count (manager), ==, 2);

  /* Administrator: everything. */
  assert_visible (admin, c, "丙方");
  g_assert_cmpint (count_visible (admin), ==, 3);
  g_assert_cmpint (export_count (admin), ==, 3);

  /* A salesperson has no export permission at all. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) r =
      crm_test_db_run (sa, CRM_MSG_CUSTOMER_EXPORT,
                       g_variant_new ("(@a{sv}xi)", empty_filters (), (gint64) 0, 10),
                       NULL, NULL, NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
  }
  /* Nor can a salesperson give a customer to someone outside the scope. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *key = crm_test_db_key ();
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autoptr(GVariant) r = NULL;

    g_variant_dict_insert (&d, "owner_id", "x", sb->user_id);
    r = crm_test_db_run (sa, CRM_MSG_CUSTOMER_UPDATE,
                         g_variant_new ("(sxx@a{sv})", key, a, (gint64) 1, g_variant_dict_end (&d)),
                         NULL, NULL, NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "owner_id");
  }
}

static void
test_scope_change (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(CrmSession) lead1 = crm_test_db_login ("lead1");
  gint64 a = crm_test_db_create_customer (sa, "甲方变动测试有限公司", NULL);
  gint64 b = crm_test_db_create_customer (sb, "乙方变动测试有限公司", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;

  /* Warm the cached scopes of every worker. */
  for (int i = 0; i < 16; i++)
    {
      g_autoptr(GVariant) ok = get_customer (lead1, a, &error);
      g_assert_no_error (error);
      g_autoptr(GVariant) hidden = get_customer (lead1, b, &error);
      g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
  /* sa moves to another team, sb joins lead1's: the next reads follow. */
  crm_test_db_exec ("UPDATE users SET leader_id = (SELECT id FROM users WHERE login = 'manager')"
                    " WHERE login = 'sa'");
  crm_test_db_exec ("UPDATE users SET leader_id = (SELECT id FROM users WHERE login = 'lead1')"
                    " WHERE login = 'sb'");
  for (int i = 0; i < 16; i++)
    {
      g_autoptr(GVariant) gone = get_customer (lead1, a, &error);
      g_assert_null (gone);
      g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
      g_clear_error (&error);
      r = get_customer (lead1, b, &error);
      g_assert_no_error (error);
      g_clear_pointer (&r, g_variant_unref);
    }
}

/* ---- retry after a deadlock ---- */

typedef struct {
  GVariant *reply;
  GError   *error;
  gboolean  done;
} One;

static void
one_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  One *o = user_data;

  o->reply = crm_db_pool_run_finish (crm_test_db->pool, result, NULL, &o->error);
  o->done = TRUE;
}

static gboolean
flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_deadlock_retried (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 a = crm_test_db_create_customer (sa, "死锁重试有限公司", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) other = crm_db_connect (crm_test_db->conninfo, &error);
  g_autofree char *key = crm_test_db_key ();
  g_autofree char *sql = NULL;
  CrmRequestContext *ctx = crm_test_db_context_new (sa, CRM_MSG_CUSTOMER_UPDATE, key);
  One o = { 0 };
  gboolean waited = FALSE, other_done = FALSE;
  gint64 version;

  g_assert_no_error (error);
  PQclear (PQexec (other, "SET deadlock_timeout = '10s'"));
  PQclear (PQexec (other, "BEGIN"));
  sql = g_strdup_printf ("SELECT 1 FROM customers WHERE id = %" G_GINT64_FORMAT " FOR UPDATE", a);
  PQclear (PQexec (other, sql));

  /* The update claims its idempotency key, then waits for the row lock. */
  crm_db_pool_run_async (crm_test_db->pool, ctx,
                         g_variant_new_parsed ("(%s, %x, int64 1, {'notes': <'改过'>})", key, a),
                         NULL, one_done, &o);
  g_timeout_add (300, flag_cb, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);

  /* The other transaction now wants the same key: a deadlock, which
   * PostgreSQL breaks by aborting the update (its timeout is shorter);
   * the pool retries it. */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO idempotency (user_id, key, message) VALUES"
                         " (%" G_GINT64_FORMAT ", '%s', 34)", sa->user_id, key);
  g_assert_cmpint (PQsendQuery (other, sql), ==, 1);
  while (!o.done)
    {
      g_main_context_iteration (NULL, FALSE);
      if (!other_done)
        {
          PQconsumeInput (other);
          if (!PQisBusy (other))
            {
              PGresult *res;
              while ((res = PQgetResult (other)) != NULL)
                PQclear (res);
              PQclear (PQexec (other, "ROLLBACK"));
              other_done = TRUE;
            }
        }
      g_usleep (2000);
    }
  g_assert_no_error (o.error);
  g_variant_get (o.reply, "(x)", &version);
  g_assert_cmpint (version, ==, 2);
  g_variant_unref (o.reply);
  g_assert_true (other_done);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE action = 'update'"), ==, 1);
}

/* ---- search ---- */

static void
test_search (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  gint64 zb = crm_test_db_create_customer (admin, "北京智邦科技有限公司", "010-6212 3456");
  gint64 hx = crm_test_db_create_customer (admin, "上海华信网络有限公司", "138 0013 8000");
  gint64 other = crm_test_db_create_customer (admin, "广州天河贸易公司", "020-87654321");
  struct { const char *query; gint64 expect; gint64 not_expect; } cases[] = {
    { "智邦", zb, hx },          /* 2-character Chinese fragment */
    { "邦科技", zb, hx },
    { "网络", hx, zb },
    { "beijingzhibang", zb, hx },/* pinyin */
    { "zhibang", zb, other },
    { "bjzb", zb, hx },          /* initials */
    { "BJZB", zb, hx },
    { "62123456", zb, hx },      /* phone digits */
    { "6212-3456", zb, hx },     /* with separators */
    { "0138000", hx, zb },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) rows = crm_test_db_search (admin, cases[i].query, 200, &error);

      g_assert_no_error (error);
      if (!rows_contain (rows, cases[i].expect))
        g_error ("search “%s” did not find %" G_GINT64_FORMAT, cases[i].query, cases[i].expect);
      g_assert_false (rows_contain (rows, cases[i].not_expect));
    }
  /* Too short to search. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) rows = crm_test_db_search (admin, "智", 200, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "query");
  }
  /* Deleted customers are not found. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) r = delete_customer (admin, zb, 1, &error);
    g_autoptr(GVariant) rows = NULL;
    g_assert_no_error (error);
    rows = crm_test_db_search (admin, "智邦", 200, &error);
    g_assert_false (rows_contain (rows, zb));
  }
}

/* ---- keyset pages ---- */

static void
test_keyset_pages (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  static const char * const names[] = {
    "中信", "安徽", "北京", "重庆", "长沙", "大连", "鄂尔多斯", "佛山", "广州", "海口",
    "济南", "昆明", "兰州", "绵阳", "南京", "盘锦", "青岛", "日照", "上海", "天津",
    "乌鲁木齐", "厦门", "烟台", "郑州", "北京",  /* a duplicate name: the id breaks the tie */
  };
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) got = g_string_new (NULL);
  g_autoptr(GVariant) all = NULL;
  guint pages = 0;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s测试公司", names[i]);
      crm_test_db_create_customer (admin, name, NULL);
    }
  {
    g_autofree char *s = crm_test_db_query_string (
        "SELECT string_agg (id::text, ',' ORDER BY name COLLATE \"zh-x-icu\", id) FROM customers");
    g_string_assign (expected, s);
  }
  all = list_all (admin, "name", FALSE, 7, &pages);
  g_assert_cmpuint (pages, ==, 4);
  g_assert_cmpuint (g_variant_n_children (all), ==, G_N_ELEMENTS (names));
  for (gsize i = 0; i < g_variant_n_children (all); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (all, i);
      gint64 id = 0;

      g_variant_lookup (row, "id", "x", &id);
      g_assert_false (g_hash_table_contains (seen, &id));
      g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
      g_string_append_printf (got, "%s%" G_GINT64_FORMAT, i ? "," : "", id);
    }
  g_assert_cmpstr (got->str, ==, expected->str);
  /* Pinyin order: 安徽 first, 郑州 / 中信 last. */
  {
    g_autoptr(GVariant) first = g_variant_get_child_value (all, 0);
    const char *name;
    g_variant_lookup (first, "name", "&s", &name);
    g_assert_cmpstr (name, ==, "安徽测试公司");
  }

  /* Descending by code: the reverse of the creation order. */
  {
    g_autoptr(GVariant) desc = list_all (admin, "code", TRUE, 4, NULL);
    g_autofree char *s = crm_test_db_query_string (
        "SELECT string_agg (id::text, ',' ORDER BY code DESC, id DESC) FROM customers");
    g_autoptr(GString) ids = g_string_new (NULL);

    for (gsize i = 0; i < g_variant_n_children (desc); i++)
      {
        g_autoptr(GVariant) row = g_variant_get_child_value (desc, i);
        gint64 id = 0;
        g_variant_lookup (row, "id", "x", &id);
        g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i ? "," : "", id);
      }
    g_assert_cmpstr (ids->str, ==, s);
  }
  /* A forged cursor is refused, not crashed on. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) r =
      crm_test_db_run (admin, CRM_MSG_CUSTOMER_LIST,
                       g_variant_new ("(sb@a{sv}si)", "name", FALSE, empty_filters (), "AAAA!!", 5),
                       NULL, NULL, NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "cursor");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) r =
      crm_test_db_run (admin, CRM_MSG_CUSTOMER_LIST,
                       g_variant_new ("(sb@a{sv}si)", "password_hash", FALSE, empty_filters (), "", 5),
                       NULL, NULL, NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "sort");
  }
}

/* ---- hostile input ---- */

static GError *
list_error (CrmSession *s, const char *sort, GVariant *filters, const char *cursor, gint32 limit)
{
  GError *error = NULL;
  g_autoptr(GVariant) r =
    crm_test_db_run (s, CRM_MSG_CUSTOMER_LIST,
                     g_variant_new ("(sb@a{sv}si)", sort, FALSE, filters, cursor, limit),
                     NULL, NULL, NULL, &error);
  return error;
}

static void
test_hostile_input (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 id = crm_test_db_create_customer (admin, "百分号_测试%公司", "13912345678");

  /* Random cursors: refused or harmless, never a crash or a SQL error. */
  for (int i = 0; i < 200; i++)
    {
      guchar raw[40];
      gsize n = g_rand_int_range (rand, 0, sizeof raw);
      g_autofree char *b64 = NULL;
      g_autoptr(GError) e = NULL;

      for (gsize k = 0; k < n; k++)
        raw[k] = (guchar) g_rand_int_range (rand, 0, 256);
      b64 = g_base64_encode (raw, n);
      g_strdelimit (b64, "+", '-');
      g_strdelimit (b64, "/", '_');
      e = list_error (admin, i % 2 ? "created_at" : "name", empty_filters (), b64, 10);
      if (e != NULL)
        {
          g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
          g_assert_true (g_strcmp0 (crm_error_get_field (e), "cursor") == 0 ||
                         crm_error_get_field (e) == NULL);
        }
    }
  {
    g_autoptr(GError) e = list_error (admin, "name; DROP TABLE customers", empty_filters (), "", 10);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
  {
    g_autoptr(GError) e = list_error (admin, "name", empty_filters (), "", 0);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (e), ==, "limit");
  }
  {
    g_autoptr(GError) e = list_error (admin, "name", empty_filters (), "", 100000);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
  {
    g_autoptr(GError) e = list_error (admin, "name", g_variant_new_parsed ("{'owner_id': <'1 OR 1=1'>}"), "", 10);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (e), ==, "filters.owner_id");
  }
  {
    g_autoptr(GError) e = list_error (admin, "name", g_variant_new_parsed ("{'password_hash': <'x'>}"), "", 10);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
  /* LIKE wildcards are data, not patterns. */
  {
    g_autoptr(GError) e = NULL;
    g_autoptr(GVariant) rows = crm_test_db_search (admin, "%_", 200, &e);
    g_assert_no_error (e);
    g_assert_cmpuint (g_variant_n_children (rows), ==, 0);
    g_clear_pointer (&rows, g_variant_unref);
    rows = crm_test_db_search (admin, "号_", 200, &e);
    g_assert_no_error (e);
    g_assert_true (rows_contain (rows, id));
  }
  {
    g_autoptr(GString) longq = g_string_new (NULL);
    g_autoptr(GError) e = NULL;
    g_autoptr(GVariant) rows = NULL;

    for (int i = 0; i < 300; i++)
      g_string_append (longq, "长");
    rows = crm_test_db_search (admin, longq->str, 200, &e);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (e), ==, "query");
  }
  /* Imports of no rows or too many rows. */
  {
    g_autoptr(GError) e = NULL;
    g_autoptr(GVariant) r =
      crm_test_db_import (admin, g_variant_new_array (G_VARIANT_TYPE ("a{sv}"), NULL, 0), NULL, NULL, &e);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (e), ==, "rows");
  }
  {
    GVariantBuilder b;
    g_autoptr(GError) e = NULL;
    g_autoptr(GVariant) r = NULL;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
    for (int i = 0; i < 20001; i++)  /* one more than a batch may hold */
      g_variant_builder_add_value (&b, g_variant_new_parsed ("{'name': <'多余'>}"));
    r = crm_test_db_import (admin, g_variant_builder_end (&b), NULL, NULL, &e);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 1);
}

/* ---- import ---- */

static GVariant *
import_rows (CrmSession *s, guint n, gint bad_row, GError **error)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < n; i++)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_autofree char *name = g_strdup_printf ("导入测试%u号有限公司", i);
      g_autofree char *phone = g_strdup_printf ("1390000%04u", i);
      const char *phones[] = { (gint) i == bad_row ? "电话号码" : phone, NULL };

      g_variant_dict_insert (&d, "name", "s", name);
      g_variant_dict_insert (&d, "phones", "^as", phones);
      g_variant_dict_insert (&d, "notes", "s", "tab\there, quote \" and backslash \\");
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
    }
  return crm_test_db_import (s, g_variant_builder_end (&b), NULL, NULL, error);
}

static void
test_import (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) errors = NULL;
  gint64 inserted;
  guint32 row;
  const char *field, *message;

  /* One bad row: nothing is inserted, the row error names row and field. */
  r = import_rows (manager, 50, 17, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x@a(uss))", &inserted, &errors);
  g_assert_cmpint (inserted, ==, 0);
  g_assert_cmpuint (g_variant_n_children (errors), ==, 1);
  g_variant_get_child (errors, 0, "(u&s&s)", &row, &field, &message);
  g_assert_cmpuint (row, ==, 17);
  g_assert_cmpstr (field, ==, "phones[0]");
  g_assert_cmpstr (message, !=, "");
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customer_code_counters"), ==, 0);

  g_clear_pointer (&r, g_variant_unref);
  g_clear_pointer (&errors, g_variant_unref);
  r = import_rows (manager, 300, -1, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x@a(uss))", &inserted, &errors);
  g_assert_cmpint (inserted, ==, 300);
  g_assert_cmpuint (g_variant_n_children (errors), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 300);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(DISTINCT code) FROM customers"), ==, 300);
  {
    g_autofree char *notes = crm_test_db_query_string ("SELECT notes FROM customers LIMIT 1");
    g_assert_cmpstr (notes, ==, "tab\there, quote \" and backslash \\");
  }
  /* Imported rows are searchable like created ones. */
  {
    g_autoptr(GVariant) rows = crm_test_db_search (manager, "13900000042", 200, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  }
  /* A salesperson may not import. */
  g_clear_pointer (&r, g_variant_unref);
  r = import_rows (sa, 1, -1, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
}

/* ---- numbering under concurrency ---- */

typedef struct {
  guint pending;
  guint failed;
} Batch;

static void
create_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Batch *b = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_db_pool_run_finish (crm_test_db->pool, result, NULL, &error);

  if (reply == NULL)
    {
      g_printerr ("create failed: %s\n", error->message);
      b->failed++;
    }
  b->pending--;
}

static void
test_numbering_concurrent (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  Batch batch = { 0 };
  const guint n = 80;
  g_autofree char *today = crm_test_db_query_string ("SELECT to_char (current_date, 'YYYYMMDD')");
  g_autofree char *expected_last = g_strdup_printf ("KH-%s-%04u", today, n);

  /* All queued at once: the pool's 8 workers create concurrently. */
  for (guint i = 0; i < n; i++)
    {
      CrmRequestContext *ctx = crm_test_db_context_new (admin, CRM_MSG_CUSTOMER_CREATE, NULL);
      g_autofree char *name = g_strdup_printf ("并发编号%u公司", i);

      batch.pending++;
      crm_db_pool_run_async (crm_test_db->pool, ctx,
                             g_variant_new ("(s@a{sv})", ctx->idempotency_key,
                                            g_variant_new_parsed ("{'name': <%s>}", name)),
                             NULL, create_done, &batch);
    }
  while (batch.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (batch.failed, ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(DISTINCT code) FROM customers"), ==, n);
  {
    g_autofree char *max = crm_test_db_query_string ("SELECT max (code) FROM customers");
    g_assert_cmpstr (max, ==, expected_last);
  }
  /* Codes come from the numbering rule's counter (settings, issue 4). */
  g_assert_cmpint (crm_test_db_query_int ("SELECT last FROM numbering_counters WHERE entity = 'customer'"), ==, n);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  crm_test_db_start ();

  crm_test_db_add ("/db/customers/crud", test_crud);
  crm_test_db_add ("/db/customers/validation", test_validation);
  crm_test_db_add ("/db/customers/version-conflict", test_version_conflict);
  crm_test_db_add ("/db/customers/update-partial", test_update_partial);
  crm_test_db_add ("/db/customers/idempotent-retry", test_idempotent_retry);
  crm_test_db_add ("/db/customers/idempotent-concurrent", test_idempotent_concurrent);
  crm_test_db_add ("/db/customers/idempotency-purged", test_idempotency_purged);
  crm_test_db_add ("/db/customers/scope", test_scope);
  crm_test_db_add ("/db/customers/scope-change", test_scope_change);
  crm_test_db_add ("/db/customers/deadlock-retried", test_deadlock_retried);
  crm_test_db_add ("/db/customers/search", test_search);
  crm_test_db_add ("/db/customers/keyset-pages", test_keyset_pages);
  crm_test_db_add ("/db/customers/import", test_import);
  crm_test_db_add ("/db/customers/hostile-input", test_hostile_input);
  crm_test_db_add ("/db/customers/numbering-concurrent", test_numbering_concurrent);

  rc = g_test_run ();
  crm_test_db_stop ();
  return rc;
}
