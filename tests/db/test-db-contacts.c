/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-db-contacts"
#include "config.h"

#include <string.h>

#include "contacts/crm-contacts-private.h"
#include "crm-test-db.h"

/*
 * Contacts and follow-ups over the real pool and PostgreSQL: CRUD, the one
 * primary contact, the customer's data scope, stale versions, idempotency
 * keys, validation, the follow-up timeline's pages, the recycle bin, caller
 * matching on contacts' numbers and contact names in the quick search.
 */

static GVariant *
run (CrmSession *s, CrmMessageId id, GVariant *request, GError **error)
{
  return crm_test_db_run (s, id, request, NULL, NULL, NULL, error);
}

/* `id` with a new idempotency key and the fields in `d` is refused as
 * invalid, naming `field`. */
static void
assert_refused (CrmSession *s, CrmMessageId id, GVariantDict *d, const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) r = run (s, id, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (d)), &error);

  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, field);
}

/* followup.list with `cursor` and `limit` is refused as invalid. */
static void
assert_list_refused (CrmSession *s, gint64 customer, const char *cursor, int limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = run (s, CRM_MSG_FOLLOWUP_LIST, g_variant_new ("(xsi)", customer, cursor, limit),
                               &error);

  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
}

/* contact.create with a name, an optional mobile and primary flag. */
static GVariant *
create_contact (CrmSession *s, gint64 customer, const char *name, const char *mobile,
                gboolean primary, GError **error)
{
  g_autofree char *key = crm_test_db_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&d, "customer_id", "x", customer);
  g_variant_dict_insert (&d, "name", "s", name);
  if (mobile != NULL)
    g_variant_dict_insert (&d, "mobile", "s", mobile);
  if (primary)
    g_variant_dict_insert (&d, "is_primary", "b", TRUE);
  return run (s, CRM_MSG_CONTACT_CREATE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
              error);
}

static gint64
add_contact (CrmSession *s, gint64 customer, const char *name, const char *mobile, gboolean primary)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = create_contact (s, customer, name, mobile, primary, &error);
  gint64 id, version;

  g_assert_no_error (error);
  g_variant_get (r, "(xx)", &id, &version);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (version, ==, 1);
  return id;
}

static GVariant *
update_contact (CrmSession *s, gint64 id, gint64 version, GVariant *changes, GError **error)
{
  g_autofree char *key = crm_test_db_key ();

  return run (s, CRM_MSG_CONTACT_UPDATE, g_variant_new ("(sxx@a{sv})", key, id, version, changes),
              error);
}

static GVariant *
one_change (const char *field, GVariant *value)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert_value (&d, field, value);
  return g_variant_dict_end (&d);
}

static GVariant *
list_contacts (CrmSession *s, gint64 customer, GError **error)
{
  return run (s, CRM_MSG_CONTACT_LIST, g_variant_new ("(x)", customer), error);
}

static gint64
add_followup (CrmSession *s, gint64 customer, gint64 at, const char *content)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) r = NULL;
  gint64 id, version;

  g_variant_dict_insert (&d, "customer_id", "x", customer);
  g_variant_dict_insert (&d, "method", "s", "phone");
  g_variant_dict_insert (&d, "content", "s", content);
  if (at != 0)
    g_variant_dict_insert (&d, "at", "x", at);
  r = run (s, CRM_MSG_FOLLOWUP_CREATE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
           &error);
  g_assert_no_error (error);
  g_variant_get (r, "(xx)", &id, &version);
  return id;
}

/* ---- contacts ---- */

static void
test_crud (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) row = NULL;
  g_autoptr(GVariant) rows = NULL;
  g_autoptr(GVariant) r = NULL;
  gint64 customer = crm_test_db_create_customer (sa, "上海鼎新贸易有限公司", "021-5566 7788");
  gint64 id, version = 0;
  const char *s = NULL;
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char *phones[] = { "021-5566 7789 转 801", NULL };

  g_variant_dict_insert (&d, "customer_id", "x", customer);
  g_variant_dict_insert (&d, "name", "s", "  王海燕 ");
  g_variant_dict_insert (&d, "title", "s", "采购经理");
  g_variant_dict_insert (&d, "gender", "s", "female");
  g_variant_dict_insert (&d, "mobile", "s", "13912345678");
  g_variant_dict_insert (&d, "phones", "^as", phones);
  g_variant_dict_insert (&d, "email", "s", "wang.haiyan@dingxin.cn");
  g_variant_dict_insert (&d, "qq", "s", "12345678");
  g_variant_dict_insert (&d, "birthday", "s", "1985-03-08");
  {
    g_autofree char *key = crm_test_db_key ();
    r = run (sa, CRM_MSG_CONTACT_CREATE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
             &error);
  }
  g_assert_no_error (error);
  g_variant_get (r, "(xx)", &id, &version);

  row = run (sa, CRM_MSG_CONTACT_GET, g_variant_new ("(x)", id), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (row, "name", "&s", &s));
  g_assert_cmpstr (s, ==, "王海燕");
  g_assert_true (g_variant_lookup (row, "customer_name", "&s", &s));
  g_assert_cmpstr (s, ==, "上海鼎新贸易有限公司");
  g_assert_true (g_variant_lookup (row, "birthday", "&s", &s));
  g_assert_cmpstr (s, ==, "1985-03-08");
  {
    g_autofree const char **got = NULL;
    g_assert_true (g_variant_lookup (row, "phones", "^a&s", &got));
    g_assert_cmpuint (g_strv_length ((char **) got), ==, 1);
    g_assert_cmpstr (got[0], ==, "021-5566 7789 转 801");
  }

  /* Update one field: the others stay; birthday "" clears it. */
  g_clear_pointer (&r, g_variant_unref);
  r = update_contact (sa, id, 1, one_change ("title", g_variant_new_string ("总经理")), &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x)", &version);
  g_assert_cmpint (version, ==, 2);
  g_clear_pointer (&r, g_variant_unref);
  r = update_contact (sa, id, 2, one_change ("birthday", g_variant_new_string ("")), &error);
  g_assert_no_error (error);
  g_clear_pointer (&row, g_variant_unref);
  row = run (sa, CRM_MSG_CONTACT_GET, g_variant_new ("(x)", id), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (row, "title", "&s", &s));
  g_assert_cmpstr (s, ==, "总经理");
  g_assert_true (g_variant_lookup (row, "email", "&s", &s));
  g_assert_cmpstr (s, ==, "wang.haiyan@dingxin.cn");
  g_assert_true (g_variant_lookup (row, "birthday", "&s", &s));
  g_assert_cmpstr (s, ==, "");

  rows = list_contacts (sa, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (rows), ==, 1);

  /* Soft delete: gone from the list, in the recycle bin, audited. */
  g_clear_pointer (&r, g_variant_unref);
  {
    g_autofree char *key = crm_test_db_key ();
    r = run (sa, CRM_MSG_CONTACT_DELETE, g_variant_new ("(sxx)", key, id, (gint64) 3), &error);
  }
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_variant_unref);
  rows = list_contacts (sa, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (rows), ==, 0);
  g_clear_pointer (&row, g_variant_unref);
  row = run (sa, CRM_MSG_CONTACT_GET, g_variant_new ("(x)", id), &error);
  g_assert_null (row);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts WHERE deleted_at IS NOT NULL"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE entity = 'contact'"), ==, 4);

  /* The administrator restores it from the recycle bin. */
  {
    g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
    g_autoptr(GVariant) bin = NULL;
    g_autoptr(GVariant) bin_rows = NULL;
    g_autofree char *key = crm_test_db_key ();
    gint64 next;

    bin = run (admin, CRM_MSG_RECYCLE_LIST, g_variant_new ("(sxi)", "contact", (gint64) 0, 50), &error);
    g_assert_no_error (error);
    g_variant_get (bin, "(@aa{sv}x)", &bin_rows, &next);
    g_assert_cmpuint (g_variant_n_children (bin_rows), ==, 1);
    g_clear_pointer (&r, g_variant_unref);
    r = run (admin, CRM_MSG_RECYCLE_RESTORE, g_variant_new ("(ssx)", key, "contact", id), &error);
    g_assert_no_error (error);
    g_clear_pointer (&rows, g_variant_unref);
    rows = list_contacts (sa, customer, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  }
}

static void
test_primary (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rows = NULL;
  g_autoptr(GVariant) r = NULL;
  gint64 customer = crm_test_db_create_customer (sa, "杭州远景科技有限公司", NULL);
  gint64 first = add_contact (sa, customer, "陈立", NULL, TRUE);
  gint64 second = add_contact (sa, customer, "刘敏", NULL, FALSE);
  gint64 id = 0;
  gboolean primary = FALSE;

  /* Marking the second primary unmarks the first (new version). */
  r = update_contact (sa, second, 1, one_change ("is_primary", g_variant_new_boolean (TRUE)), &error);
  g_assert_no_error (error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts WHERE is_primary"), ==, 1);
  rows = list_contacts (sa, customer, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) row = g_variant_get_child_value (rows, 0);
    g_assert_true (g_variant_lookup (row, "id", "x", &id));
    g_assert_true (g_variant_lookup (row, "is_primary", "b", &primary));
  }
  g_assert_cmpint (id, ==, second);
  g_assert_true (primary);
  g_assert_cmpint (crm_test_db_query_int ("SELECT version FROM contacts WHERE id = 1"), ==, 2);
  g_assert_cmpint (first, ==, 1);

  /* A new primary contact takes over too. */
  add_contact (sa, customer, "周杰", NULL, TRUE);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts WHERE is_primary"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT id FROM contacts WHERE is_primary"), ==, 3);
}

typedef struct {
  guint     pending;
  guint     ok;
  guint     conflicts;
  GPtrArray *others;   /* unexpected error messages */
} Concurrent;

static void
concurrent_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Concurrent *c = data;
  g_autoptr(GError) error = NULL;
  CrmRequestContext *ctx = NULL;
  g_autoptr(GVariant) reply = crm_db_pool_run_finish (crm_test_db->pool, result, &ctx, &error);

  crm_request_context_free (ctx);
  if (reply != NULL)
    c->ok++;
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CONFLICT))
    c->conflicts++;
  else
    g_ptr_array_add (c->others, g_strdup (error->message));
  c->pending--;
}

/* Eight contacts of one customer made primary at the same moment on eight
 * database connections: every request answers (no deadlock, no unique
 * violation) and exactly one primary contact is left. */
static void
test_primary_concurrent (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 customer = crm_test_db_create_customer (sa, "天津滨海重工有限公司", NULL);
  gint64 ids[8];
  Concurrent c = { 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("联系人%u", i);
      ids[i] = add_contact (sa, customer, name, NULL, FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      CrmRequestContext *ctx = crm_test_db_context_new (sa, CRM_MSG_CONTACT_UPDATE, NULL);
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      GVariant *request;

      g_variant_dict_insert (&d, "is_primary", "b", TRUE);
      request = g_variant_ref_sink (g_variant_new ("(sxx@a{sv})", ctx->idempotency_key, ids[i],
                                                   (gint64) 1, g_variant_dict_end (&d)));
      c.pending++;
      crm_db_pool_run_async (crm_test_db->pool, ctx, request, NULL, concurrent_done, &c);
      g_variant_unref (request);
    }
  while (c.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < c.others->len; i++)
    g_test_message ("unexpected: %s", (char *) g_ptr_array_index (c.others, i));
  g_assert_cmpuint (c.others->len, ==, 0);
  g_assert_cmpuint (c.ok + c.conflicts, ==, G_N_ELEMENTS (ids));
  g_assert_cmpuint (c.ok, >=, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts WHERE is_primary AND deleted_at IS NULL"), ==, 1);
  g_ptr_array_unref (c.others);
}

static void
test_scope (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(CrmSession) lead1 = crm_test_db_login ("lead1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  gint64 customer = crm_test_db_create_customer (sa, "深圳华强电子有限公司", NULL);
  gint64 contact = add_contact (sa, customer, "黄伟", "13800138000", FALSE);

  /* sb (another team) neither lists, reads, adds, edits nor deletes. */
  r = list_contacts (sb, customer, &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  r = run (sb, CRM_MSG_CONTACT_GET, g_variant_new ("(x)", contact), &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  r = create_contact (sb, customer, "冒名", NULL, FALSE, &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  r = update_contact (sb, contact, 1, one_change ("name", g_variant_new_string ("改名")), &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autofree char *key = crm_test_db_key ();
    r = run (sb, CRM_MSG_CONTACT_DELETE, g_variant_new ("(sxx)", key, contact, (gint64) 1), &error);
  }
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autofree char *key = crm_test_db_key ();
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

    g_variant_dict_insert (&d, "customer_id", "x", customer);
    g_variant_dict_insert (&d, "method", "s", "visit");
    g_variant_dict_insert (&d, "content", "s", "上门拜访");
    r = run (sb, CRM_MSG_FOLLOWUP_CREATE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
             &error);
  }
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  r = run (sb, CRM_MSG_FOLLOWUP_LIST, g_variant_new ("(xsi)", customer, "", 20), &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM followups"), ==, 0);

  /* sa's team lead sees and edits. */
  r = list_contacts (lead1, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (r), ==, 1);
  g_clear_pointer (&r, g_variant_unref);
  r = update_contact (lead1, contact, 1, one_change ("name", g_variant_new_string ("黄伟明")), &error);
  g_assert_no_error (error);
}

static void
test_conflict_idempotency (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) again = NULL;
  gint64 customer = crm_test_db_create_customer (sa, "广州白云制药厂", NULL);
  gint64 contact = add_contact (sa, customer, "林芳", NULL, FALSE);
  g_autofree char *key = crm_test_db_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) request = NULL;
  gint64 id1, id2, v;

  r = update_contact (sa, contact, 1, one_change ("title", g_variant_new_string ("会计")), &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, g_variant_unref);
  /* Someone still holding version 1. */
  r = update_contact (sa, contact, 1, one_change ("title", g_variant_new_string ("出纳")), &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CONFLICT);
  g_clear_error (&error);
  {
    g_autofree char *k = crm_test_db_key ();
    r = run (sa, CRM_MSG_CONTACT_DELETE, g_variant_new ("(sxx)", k, contact, (gint64) 1), &error);
  }
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CONFLICT);
  g_clear_error (&error);

  /* The same key twice (a lost reply): one contact, the same answer. */
  g_variant_dict_insert (&d, "customer_id", "x", customer);
  g_variant_dict_insert (&d, "name", "s", "重发");
  request = g_variant_ref_sink (g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
  r = crm_test_db_run (sa, CRM_MSG_CONTACT_CREATE, g_variant_ref (request), key, NULL, NULL, &error);
  g_assert_no_error (error);
  again = crm_test_db_run (sa, CRM_MSG_CONTACT_CREATE, g_variant_ref (request), key, NULL, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(xx)", &id1, &v);
  g_variant_get (again, "(xx)", &id2, &v);
  g_assert_cmpint (id1, ==, id2);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts WHERE name = '重发'"), ==, 1);
}

static void
test_validation (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 customer = crm_test_db_create_customer (sa, "成都天府软件园", NULL);
  struct { const char *key; const char *value; const char *field; } cases[] = {
    { "gender", "unknown", "gender" },
    { "email", "not an address", "email" },
    { "birthday", "1985-02-30", "birthday" },
    { "birthday", "3000-01-01", "birthday" },
    { "birthday", "85-1-1", "birthday" },
    { "qq", "12ab", "qq" },
    { "mobile", "hello", "mobile" },
    { "name", "  ", "name" },
    { "colour", "red", "colour" },
    { "version", "7", "version" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

      g_variant_dict_insert (&d, "customer_id", "x", customer);
      if (strcmp (cases[i].key, "name") != 0)
        g_variant_dict_insert (&d, "name", "s", "有效姓名");
      g_variant_dict_insert (&d, cases[i].key, "s", cases[i].value);
      assert_refused (sa, CRM_MSG_CONTACT_CREATE, &d, cases[i].field);
    }
  /* Wrong type, and a customer that does not exist. */
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

    g_variant_dict_insert (&d, "customer_id", "x", customer);
    g_variant_dict_insert (&d, "name", "s", "有效姓名");
    g_variant_dict_insert (&d, "is_primary", "s", "yes");
    assert_refused (sa, CRM_MSG_CONTACT_CREATE, &d, "is_primary");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) r = create_contact (sa, 999999, "无主", NULL, FALSE, &error);

    g_assert_null (r);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  }
  /* Follow-ups: unknown method, empty content, a contact of another customer. */
  {
    gint64 other = crm_test_db_create_customer (sa, "另一家公司", NULL);
    gint64 stranger = add_contact (sa, other, "外人", NULL, FALSE);
    struct { const char *method; const char *content; gint64 contact; const char *field; } fc[] = {
      { "fax", "内容", 0, "method" },
      { "phone", "   ", 0, "content" },
      { "phone", "内容", stranger, "contact_id" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (fc); i++)
      {
        g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

        g_variant_dict_insert (&d, "customer_id", "x", customer);
        g_variant_dict_insert (&d, "method", "s", fc[i].method);
        g_variant_dict_insert (&d, "content", "s", fc[i].content);
        if (fc[i].contact)
          g_variant_dict_insert (&d, "contact_id", "x", fc[i].contact);
        assert_refused (sa, CRM_MSG_FOLLOWUP_CREATE, &d, fc[i].field);
      }
  }
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM followups"), ==, 0);
}

/* Over-long, oversized and hostile values: refused with the field named,
 * nothing written. */
static void
test_hostile (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 customer = crm_test_db_create_customer (sa, "青岛海纳电器有限公司", NULL);
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autoptr(GString) long_notes = g_string_new (NULL);
  g_autoptr(GString) long_content = g_string_new (NULL);
  const char *many[12];

  for (guint i = 0; i < 51; i++)
    g_string_append (long_name, "张");
  for (guint i = 0; i < 2001; i++)
    g_string_append_c (long_notes, 'x');
  for (guint i = 0; i < 4001; i++)
    g_string_append (long_content, "话");
  for (guint i = 0; i < 11; i++)
    many[i] = "010-62123456";
  many[11] = NULL;

  {
    struct { const char *key; GVariant *value; const char *field; } cases[] = {
      { "name", g_variant_new_string (long_name->str), "name" },
      { "notes", g_variant_new_string (long_notes->str), "notes" },
      { "phones", g_variant_new_strv (many, 11), "phones" },
      { "mobile", g_variant_new_string ("13800138000'); DROP TABLE contacts; --"), "mobile" },
      { "customer_id", g_variant_new_int64 (-5), "customer_id" },
      { "birthday", g_variant_new_string ("1985-03-08'::date; --"), "birthday" },
      { "title", g_variant_new_int32 (3), "title" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

        if (strcmp (cases[i].key, "customer_id") != 0)
          g_variant_dict_insert (&d, "customer_id", "x", customer);
        if (strcmp (cases[i].key, "name") != 0)
          g_variant_dict_insert (&d, "name", "s", "有效姓名");
        g_variant_dict_insert_value (&d, cases[i].key, cases[i].value);
        assert_refused (sa, CRM_MSG_CONTACT_CREATE, &d, cases[i].field);
      }
  }
  /* A follow-up's content over 4,000 characters, a time far in the future,
   * list limits out of range. */
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

    g_variant_dict_insert (&d, "customer_id", "x", customer);
    g_variant_dict_insert (&d, "method", "s", "phone");
    g_variant_dict_insert (&d, "content", "s", long_content->str);
    assert_refused (sa, CRM_MSG_FOLLOWUP_CREATE, &d, "content");
  }
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

    g_variant_dict_insert (&d, "customer_id", "x", customer);
    g_variant_dict_insert (&d, "method", "s", "phone");
    g_variant_dict_insert (&d, "content", "s", "未来");
    g_variant_dict_insert (&d, "at", "x", G_MAXINT64);
    assert_refused (sa, CRM_MSG_FOLLOWUP_CREATE, &d, "at");
  }
  for (int limit = -1; limit <= 201; limit += 202)
    assert_list_refused (sa, customer, "", limit);
  assert_list_refused (sa, customer, "9223372036854775807:-1", 10);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM contacts"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM followups"), ==, 0);
}

/* A contact or follow-up whose customer is in the recycle bin too comes
 * back only after its customer. */
static void
test_recycle_order (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  gint64 customer = crm_test_db_create_customer (sa, "长沙湘江建材有限公司", NULL);
  gint64 contact = add_contact (sa, customer, "罗斌", NULL, FALSE);
  gint64 followup = add_followup (sa, customer, 0, "报价已发");

  {
    g_autofree char *k1 = crm_test_db_key ();
    g_autofree char *k2 = crm_test_db_key ();
    g_autofree char *k3 = crm_test_db_key ();
    g_autoptr(GVariant) r1 = run (sa, CRM_MSG_CONTACT_DELETE, g_variant_new ("(sxx)", k1, contact, (gint64) 1), &error);
    g_assert_no_error (error);
    {
      g_autoptr(GVariant) r2 = run (sa, CRM_MSG_FOLLOWUP_DELETE, g_variant_new ("(sxx)", k2, followup, (gint64) 1), &error);
      g_assert_no_error (error);
    }
    {
      g_autoptr(GVariant) r3 = run (sa, CRM_MSG_CUSTOMER_DELETE, g_variant_new ("(sxx)", k3, customer, (gint64) 1), &error);
      g_assert_no_error (error);
    }
  }
  /* Their customer is deleted: a contact's follow-ups cannot be listed. */
  r = run (sa, CRM_MSG_FOLLOWUP_LIST, g_variant_new ("(xsi)", customer, "", 10), &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autofree char *key = crm_test_db_key ();
    r = run (admin, CRM_MSG_RECYCLE_RESTORE, g_variant_new ("(ssx)", key, "contact", contact), &error);
  }
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CONFLICT);
  g_clear_error (&error);
  {
    g_autofree char *key = crm_test_db_key ();
    r = run (admin, CRM_MSG_RECYCLE_RESTORE, g_variant_new ("(ssx)", key, "customer", customer), &error);
    g_assert_no_error (error);
    g_clear_pointer (&r, g_variant_unref);
  }
  {
    g_autofree char *k1 = crm_test_db_key ();
    g_autofree char *k2 = crm_test_db_key ();
    r = run (admin, CRM_MSG_RECYCLE_RESTORE, g_variant_new ("(ssx)", k1, "contact", contact), &error);
    g_assert_no_error (error);
    g_clear_pointer (&r, g_variant_unref);
    r = run (admin, CRM_MSG_RECYCLE_RESTORE, g_variant_new ("(ssx)", k2, "followup", followup), &error);
    g_assert_no_error (error);
    g_clear_pointer (&r, g_variant_unref);
  }
  r = list_contacts (sa, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (r), ==, 1);
  g_clear_pointer (&r, g_variant_unref);
  /* Purged for good: gone from the table, audited. */
  {
    g_autofree char *k1 = crm_test_db_key ();
    g_autofree char *k2 = crm_test_db_key ();
    g_autoptr(GVariant) d1 = run (sa, CRM_MSG_FOLLOWUP_DELETE, g_variant_new ("(sxx)", k1, followup, (gint64) 3), &error);
    g_assert_no_error (error);
    r = run (admin, CRM_MSG_RECYCLE_PURGE, g_variant_new ("(ssx)", k2, "followup", followup), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM followups"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE entity = 'followup' AND action = 'purge'"), ==, 1);
}

/* Random dictionaries of known and unknown keys with values of random
 * types: the parser accepts or refuses with the field named, never
 * anything else (a fuzz-style sweep of the parser alone, no database). */
static void
test_fields_random (CrmTestDbFixture *f, gconstpointer data)
{
  static const char * const keys[] = {
    "name", "title", "gender", "mobile", "email", "qq", "wechat", "birthday", "notes",
    "phones", "is_primary", "customer_id", "id", "version", "owner_id",
    "名字", "name\x01",
  };
  static const char * const texts[] = {
    "", " ", "王", "male", "13912345678", "010-62123456 转 801", "a@b.cn", "12345",
    "1985-02-28", "2000-02-29", "1900-02-29", "9999-99-99", "'; DROP TABLE contacts; --",
    "\xe2\x80\xae", "a\nb",
  };
  GRand *rand = g_rand_new_with_seed (20261127);
  guint accepted = 0, refused = 0;

  for (guint round = 0; round < 3000; round++)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_autoptr(GVariant) dict = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(CrmContactFields) fields = { 0 };
      guint n = g_rand_int_range (rand, 0, 6);
      gboolean create = g_rand_boolean (rand);

      for (guint i = 0; i < n; i++)
        {
          const char *key = keys[g_rand_int_range (rand, 0, G_N_ELEMENTS (keys))];
          GVariant *value;

          switch (g_rand_int_range (rand, 0, 5))
            {
            case 0:
              value = g_variant_new_int64 ((gint64) g_rand_int_range (rand, -3, 5) * (g_rand_boolean (rand) ? 1 : G_MAXINT32));
              break;
            case 1:
              value = g_variant_new_boolean (g_rand_boolean (rand));
              break;
            case 2:
              {
                const char *v[4] = { NULL };
                guint m = g_rand_int_range (rand, 0, 4);
                for (guint j = 0; j < m; j++)
                  v[j] = texts[g_rand_int_range (rand, 0, G_N_ELEMENTS (texts))];
                value = g_variant_new_strv (v, m);
              }
              break;
            case 3:
              value = g_variant_new_int32 (7);
              break;
            default:
              value = g_variant_new_string (texts[g_rand_int_range (rand, 0, G_N_ELEMENTS (texts))]);
              break;
            }
          g_variant_dict_insert_value (&d, key, value);
        }
      dict = g_variant_ref_sink (g_variant_dict_end (&d));
      if (crm_contact_fields_parse (dict, create, &fields, &error))
        {
          g_assert_no_error (error);
          if (create)
            {
              g_assert_nonnull (fields.text[CT_NAME]);
              g_assert_cmpint (fields.customer_id, >, 0);
            }
          accepted++;
        }
      else
        {
          g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
          g_assert_nonnull (crm_error_get_field (error));
          g_assert_cmpuint (fields.present, ==, 0);
          refused++;
        }
    }
  /* An empty key is refused too. */
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autoptr(GVariant) dict = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(CrmContactFields) fields = { 0 };

    g_variant_dict_insert (&d, "", "s", "x");
    dict = g_variant_ref_sink (g_variant_dict_end (&d));
    g_assert_false (crm_contact_fields_parse (dict, FALSE, &fields, &error));
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
  g_test_message ("accepted %u, refused %u", accepted, refused);
  g_assert_cmpuint (accepted, >, 0);
  g_assert_cmpuint (refused, >, 0);
  g_rand_free (rand);
}

/* ---- follow-ups ---- */

static void
test_followup_timeline (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 customer = crm_test_db_create_customer (sa, "南京金陵饭店", NULL);
  gint64 base = g_get_real_time () - G_GINT64_CONSTANT (10) * 86400 * G_USEC_PER_SEC;
  g_autofree char *cursor = g_strdup ("");
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  gint64 ids[7];
  guint pages = 0;

  /* Written out of order; two at the same moment. */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *content = g_strdup_printf ("第%u次跟进", i);
      gint64 at = base + (gint64) ((i * 3) % 7) * 3600 * G_USEC_PER_SEC;

      if (i == 6)
        at = base + (gint64) 3 * 3600 * G_USEC_PER_SEC;   /* same as i == 1 */
      ids[i] = add_followup (sa, customer, at, content);
    }
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) r = run (sa, CRM_MSG_FOLLOWUP_LIST, g_variant_new ("(xsi)", customer, cursor, 3),
                                   &error);
      g_autoptr(GVariant) rows = NULL;
      const char *next;

      g_assert_no_error (error);
      g_variant_get (r, "(@aa{sv}&s)", &rows, &next);
      g_assert_cmpuint (g_variant_n_children (rows), <=, 3);
      for (gsize i = 0; i < g_variant_n_children (rows); i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
          gint64 at = 0, id = 0;

          g_assert_true (g_variant_lookup (row, "at", "x", &at));
          g_assert_true (g_variant_lookup (row, "id", "x", &id));
          g_ptr_array_add (seen, g_strdup_printf ("%020" G_GINT64_FORMAT ":%06" G_GINT64_FORMAT, at, id));
        }
      pages++;
      if (*next == '\0')
        break;
      g_free (cursor);
      cursor = g_strdup (next);
      g_assert_cmpuint (pages, <, 10);
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (seen->len, ==, G_N_ELEMENTS (ids));
  /* Strictly newest first (time, then id), none twice. */
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpstr (g_ptr_array_index (seen, i - 1), >, g_ptr_array_index (seen, i));
  g_ptr_array_unref (seen);

  /* A malformed cursor is refused with a clear error. */
  assert_list_refused (sa, customer, "1'; DROP TABLE followups", 3);
  /* Update with a stale version conflicts; delete removes it from the list. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *k1 = crm_test_db_key ();
    g_autofree char *k2 = crm_test_db_key ();
    g_autofree char *k3 = crm_test_db_key ();
    g_autoptr(GVariant) r1 = run (sa, CRM_MSG_FOLLOWUP_UPDATE,
                                  g_variant_new ("(sxx@a{sv})", k1, ids[0], (gint64) 1,
                                                 one_change ("next_date", g_variant_new_string ("2030-01-02"))),
                                  &error);
    g_autoptr(GVariant) r2 = NULL;
    g_autoptr(GVariant) r3 = NULL;

    g_assert_no_error (error);
    r2 = run (sa, CRM_MSG_FOLLOWUP_UPDATE,
              g_variant_new ("(sxx@a{sv})", k2, ids[0], (gint64) 1,
                             one_change ("content", g_variant_new_string ("旧版本"))), &error);
    g_assert_null (r2);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_CONFLICT);
    g_clear_error (&error);
    r3 = run (sa, CRM_MSG_FOLLOWUP_DELETE, g_variant_new ("(sxx)", k3, ids[0], (gint64) 2), &error);
    g_assert_no_error (error);
    g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM followups WHERE deleted_at IS NULL"), ==, 6);
    g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE entity = 'followup'"), ==, 9);
  }
}

/* ---- caller matching and search ---- */

static void
test_call_lookup (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) followups = NULL;
  gint64 customer = crm_test_db_create_customer (sa, "武汉长江物流有限公司", "027-8888 1234");
  gint64 contact, id = 0;
  const char *s = NULL;
  gint64 base = g_get_real_time () - G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;

  add_contact (sa, customer, "郑总", "13700001111", TRUE);
  contact = add_contact (sa, customer, "吴会计", "+86 139-0000-2222", FALSE);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *content = g_strdup_printf ("电话沟通 %u", i);
      add_followup (sa, customer, base + (gint64) i * G_USEC_PER_SEC, content);
    }

  /* The contact's mobile, dialled without +86: the customer and contact. */
  reply = run (sa, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", "13900002222"), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (reply, "customer_id", "x", &id));
  g_assert_cmpint (id, ==, customer);
  g_assert_true (g_variant_lookup (reply, "contact_id", "x", &id));
  g_assert_cmpint (id, ==, contact);
  g_assert_true (g_variant_lookup (reply, "contact_name", "&s", &s));
  g_assert_cmpstr (s, ==, "吴会计");
  g_assert_true (g_variant_lookup (reply, "primary_contact", "&s", &s));
  g_assert_cmpstr (s, ==, "郑总");
  followups = g_variant_lookup_value (reply, "recent_followups", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (followups);
  g_assert_cmpuint (g_variant_n_children (followups), ==, 3);
  {
    g_autoptr(GVariant) first = g_variant_get_child_value (followups, 0);
    g_assert_true (g_variant_lookup (first, "content", "&s", &s));
    g_assert_cmpstr (s, ==, "电话沟通 4");
  }

  /* The customer's own number: no contact named, the primary still shown. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = run (sa, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", "02788881234"), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (reply, "customer_id", "x", &id));
  g_assert_cmpint (id, ==, customer);
  g_assert_true (g_variant_lookup (reply, "contact_name", "&s", &s));
  g_assert_cmpstr (s, ==, "");
  g_assert_true (g_variant_lookup (reply, "primary_contact", "&s", &s));
  g_assert_cmpstr (s, ==, "郑总");

  /* Another salesperson learns only whose customer it is. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = run (sb, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", "13900002222"), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (reply, "customer_id", "x", &id));
  g_assert_cmpint (id, ==, 0);
  g_assert_true (g_variant_lookup (reply, "contact_name", "&s", &s));
  g_assert_cmpstr (s, ==, "");
  {
    gboolean outside = FALSE;
    g_assert_true (g_variant_lookup (reply, "outside_scope", "b", &outside));
    g_assert_true (outside);
  }

  /* A deleted contact no longer matches. */
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) r = run (sa, CRM_MSG_CONTACT_DELETE, g_variant_new ("(sxx)", key, contact, (gint64) 1),
                                 &error);
    g_assert_no_error (error);
  }
  g_clear_pointer (&reply, g_variant_unref);
  reply = run (sa, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", "13900002222"), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (reply, "customer_id", "x", &id));
  g_assert_cmpint (id, ==, 0);
}

static void
test_search_by_contact (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;
  gint64 customer = crm_test_db_create_customer (sa, "西安秦风文化传媒", NULL);
  gint64 contact = add_contact (sa, customer, "欧阳明月", NULL, FALSE);
  g_autofree char *sql = NULL;

  /* The contact's name is on the customer, its bigrams in the search set. */
  sql = g_strdup_printf ("SELECT contact_names FROM customers WHERE id = %" G_GINT64_FORMAT, customer);
  {
    g_autofree char *names = crm_test_db_query_string (sql);
    g_assert_cmpstr (names, ==, "欧阳明月");
  }
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM customers WHERE id = %" G_GINT64_FORMAT
                         " AND search_bigrams @> ARRAY['欧阳', '明月', '秦风']", customer);
  g_assert_cmpint (crm_test_db_query_int (sql), ==, 1);
  /* customer.search finds the customer by its contact's name (issue 2 §6). */
  {
    g_autoptr(GVariant) found = crm_test_db_search (sa, "欧阳明月", 20, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (found), ==, 1);
    g_autoptr(GVariant) row = g_variant_get_child_value (found, 0);
    gint64 found_id = 0;
    g_assert_true (g_variant_lookup (row, "id", "x", &found_id));
    g_assert_cmpint (found_id, ==, customer);
  }

  /* Editing the customer keeps them (the server rewrites its own bigrams). */
  {
    g_autofree char *key = crm_test_db_key ();
    r = run (sa, CRM_MSG_CUSTOMER_UPDATE,
             g_variant_new ("(sxx@a{sv})", key, customer, (gint64) 1,
                            one_change ("name", g_variant_new_string ("西安秦风文化传媒集团"))), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (crm_test_db_query_int (sql), ==, 1);

  /* Renaming the contact replaces them; deleting removes them. */
  g_clear_pointer (&r, g_variant_unref);
  r = update_contact (sa, contact, 1, one_change ("name", g_variant_new_string ("司马青")), &error);
  g_assert_no_error (error);
  g_assert_cmpint (crm_test_db_query_int (sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM customers WHERE id = %" G_GINT64_FORMAT
                         " AND search_bigrams @> ARRAY['司马', '马青', '集团']", customer);
  g_assert_cmpint (crm_test_db_query_int (sql), ==, 1);
  g_clear_pointer (&r, g_variant_unref);
  {
    g_autofree char *key = crm_test_db_key ();
    r = run (sa, CRM_MSG_CONTACT_DELETE, g_variant_new ("(sxx)", key, contact, (gint64) 2), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (crm_test_db_query_int (sql), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT contact_names FROM customers WHERE id = %" G_GINT64_FORMAT, customer);
  {
    g_autofree char *names = crm_test_db_query_string (sql);
    g_assert_cmpstr (names, ==, "");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  crm_test_db_start ();

  crm_test_db_add ("/db/contacts/crud", test_crud);
  crm_test_db_add ("/db/contacts/primary", test_primary);
  crm_test_db_add ("/db/contacts/primary-concurrent", test_primary_concurrent);
  crm_test_db_add ("/db/contacts/scope", test_scope);
  crm_test_db_add ("/db/contacts/conflict-idempotency", test_conflict_idempotency);
  crm_test_db_add ("/db/contacts/validation", test_validation);
  crm_test_db_add ("/db/contacts/recycle-order", test_recycle_order);
  g_test_add ("/db/contacts/fields-random", CrmTestDbFixture, NULL, NULL, test_fields_random, NULL);
  crm_test_db_add ("/db/contacts/hostile", test_hostile);
  crm_test_db_add ("/db/followups/timeline", test_followup_timeline);
  crm_test_db_add ("/db/contacts/call-lookup", test_call_lookup);
  crm_test_db_add ("/db/contacts/search-bigrams", test_search_by_contact);
  return g_test_run ();
}
