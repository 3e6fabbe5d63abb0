/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin"
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "admin-test-util.h"

/*
 * Settings, audit and recycle bin through a real server: choice renames
 * that keep records, custom fields end to end, numbering under 32
 * concurrent creators, entry rules, switches, the audit viewer's filters
 * and paging, restore and purge.
 */

static GVariant *
empty_dict (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static gint64
create_customer (CrmConnection *conn, GVariant *fields)
{
  g_autofree char *key = admin_key ();
  g_autoptr (GVariant) reply
      = admin_call (conn, CRM_MSG_CUSTOMER_CREATE, g_variant_new ("(s@a{sv})", key, fields));
  gint64 id;

  g_variant_get (reply, "(xx)", &id, NULL);
  return id;
}

static GVariant *
get_customer (CrmConnection *conn, gint64 id)
{
  return admin_call (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id));
}

static gint64
choice_id (CrmConnection *admin, const char *list, const char *label)
{
  g_autoptr (GVariant) items = admin_call (admin, CRM_MSG_CHOICE_LIST, g_variant_new ("(s)", list));

  return admin_row_id (items, "label", label);
}

static void
save_choices (CrmConnection *admin, const char *list, GVariant *item, CrmErrorCode fails_with)
{
  g_autofree char *key = admin_key ();
  GVariant        *items = g_variant_new_array (G_VARIANT_TYPE ("a{sv}"), &item, 1);
  GVariant        *body = g_variant_new ("(ss@aa{sv})", key, list, items);

  g_free (admin_call_expect (admin, CRM_MSG_CHOICE_SAVE, body, fails_with));
}

static void
test_choices (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (CrmConnection) sales = admin_test_connect ("sales1", "demo1234");
  gint64 item = choice_id (admin, "industry", "能源环保");
  gint64 customer;
  g_autoptr (GVariant) row = NULL;
  const char *industry = NULL;

  g_assert_cmpint (item, >, 0);
  g_assert_cmpint (choice_id (admin, "source", "展会"), >, 0);
  customer
      = create_customer (admin, admin_dict_new ("name", g_variant_new_string ("绿能环保科技有限公司"),
                                                "industry", g_variant_new_string ("能源环保"), NULL));
  /* Renamed: the item keeps its id and records follow. */
  save_choices (admin, "industry",
                admin_dict_new ("id", g_variant_new_int64 (item), "label",
                                g_variant_new_string ("新能源与环保"), NULL),
                0);
  g_assert_cmpint (choice_id (admin, "industry", "新能源与环保"), ==, item);
  g_assert_cmpint (choice_id (admin, "industry", "能源环保"), ==, 0);
  row = get_customer (admin, customer);
  g_assert_true (g_variant_lookup (row, "industry", "&s", &industry));
  g_assert_cmpstr (industry, ==, "新能源与环保");

  /* New, duplicate, blank; read by anyone signed in, saved by admins only. */
  save_choices (
      admin, "industry",
      admin_dict_new ("label", g_variant_new_string ("航空航天"), "sort", g_variant_new_int32 (99), NULL),
      0);
  g_assert_cmpint (choice_id (sales, "industry", "航空航天"), >, 0);
  save_choices (admin, "industry", admin_dict_new ("label", g_variant_new_string ("航空航天"), NULL),
                CRM_ERROR_DUPLICATE);
  save_choices (admin, "industry", admin_dict_new ("label", g_variant_new_string ("  "), NULL),
                CRM_ERROR_INVALID_FIELD);
  save_choices (
      admin, "industry",
      admin_dict_new ("id", g_variant_new_int64 (item), "label", g_variant_new_string ("航空航天"), NULL),
      CRM_ERROR_DUPLICATE);
  save_choices (admin, "Bad List", admin_dict_new ("label", g_variant_new_string ("x"), NULL),
                CRM_ERROR_INVALID_FIELD);
  save_choices (sales, "industry", admin_dict_new ("label", g_variant_new_string ("x"), NULL),
                CRM_ERROR_PERMISSION_DENIED);
  /* Retired items stay listed, flagged. */
  save_choices (
      admin, "industry",
      admin_dict_new ("id", g_variant_new_int64 (item), "retired", g_variant_new_boolean (TRUE), NULL),
      0);
}

static gint64
save_field (CrmConnection *admin, GVariant *fields, CrmErrorCode fails_with, const char *field)
{
  g_autofree char *key = admin_key ();
  GVariant        *body = g_variant_new ("(s@a{sv})", key, fields);
  gint64           id = 0;

  if (fails_with == 0)
    {
      g_autoptr (GVariant) reply = admin_call (admin, CRM_MSG_CUSTOM_FIELD_SAVE, body);
      g_variant_get (reply, "(x)", &id);
    }
  else
    {
      g_autofree char *f = admin_call_fails (admin, CRM_MSG_CUSTOM_FIELD_SAVE, body, fails_with);
      g_assert_cmpstr (f, ==, field);
    }
  return id;
}

static void
create_fails (CrmConnection *conn, GVariant *fields, CrmErrorCode code, const char *field)
{
  g_autofree char *key = admin_key ();
  g_autofree char *f = admin_call_fails (conn, CRM_MSG_CUSTOMER_CREATE,
                                         g_variant_new ("(s@a{sv})", key, fields), code);

  g_assert_cmpstr (f, ==, field);
}

static gsize
count_rows_with (GVariant *rows, const char *key, const char *value)
{
  GVariantIter iter;
  GVariant    *row;
  gsize        n = 0;

  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *v = NULL;

      if (g_variant_lookup (row, key, "&s", &v) && g_strcmp0 (v, value) == 0)
        n++;
      g_variant_unref (row);
    }
  return n;
}

static void
test_custom_fields (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  const char *levels[] = { "金牌", "银牌", "铜牌", NULL };
  const char *tags[] = { "外贸", "政府", "上市", NULL };
  gint64      level, budget, tags_id, first, second;
  g_autoptr (GVariant) row = NULL;
  g_autoptr (GVariant) list = NULL;
  g_autoptr (GVariant) fields = NULL;
  const char      *s = NULL;
  gint64           fen = 0;
  g_autofree char *key = NULL;

  level = save_field (
      admin,
      admin_dict_new ("entity", g_variant_new_string ("customer"), "key", g_variant_new_string ("level"),
                      "label", g_variant_new_string ("客户等级"), "type", g_variant_new_string ("choice"),
                      "required", g_variant_new_boolean (TRUE), "choices",
                      g_variant_new_strv (levels, -1), NULL),
      0, NULL);
  budget = save_field (admin,
                       admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                                       g_variant_new_string ("budget"), "label",
                                       g_variant_new_string ("年度预算"), "type",
                                       g_variant_new_string ("money"), NULL),
                       0, NULL);
  tags_id
      = save_field (admin,
                    admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                                    g_variant_new_string ("tags"), "label", g_variant_new_string ("标签"),
                                    "type", g_variant_new_string ("multi_choice"), "choices",
                                    g_variant_new_strv (tags, -1), NULL),
                    0, NULL);
  save_field (admin,
              admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                              g_variant_new_string ("signed_on"), "label",
                              g_variant_new_string ("签约日期"), "type", g_variant_new_string ("date"),
                              NULL),
              0, NULL);
  g_assert_cmpint (level, >, 0);
  g_assert_cmpint (budget, >, 0);
  g_assert_cmpint (tags_id, >, 0);

  /* Definitions are checked. */
  save_field (admin,
              admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                              g_variant_new_string ("level"), "label", g_variant_new_string ("重复"),
                              "type", g_variant_new_string ("text"), NULL),
              CRM_ERROR_DUPLICATE, "key");
  save_field (admin,
              admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                              g_variant_new_string ("Bad-Key"), "label", g_variant_new_string ("x"),
                              "type", g_variant_new_string ("text"), NULL),
              CRM_ERROR_INVALID_FIELD, "key");
  save_field (admin,
              admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                              g_variant_new_string ("colour"), "label", g_variant_new_string ("x"),
                              "type", g_variant_new_string ("colour"), NULL),
              CRM_ERROR_INVALID_FIELD, "type");
  save_field (admin,
              admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                              g_variant_new_string ("pick"), "label", g_variant_new_string ("x"), "type",
                              g_variant_new_string ("choice"), NULL),
              CRM_ERROR_INVALID_FIELD, "choices");
  save_field (
      admin,
      admin_dict_new ("id", g_variant_new_int64 (budget), "type", g_variant_new_string ("text"), NULL),
      CRM_ERROR_INVALID_FIELD, "type");

  /* Filled, validated by type, required enforced. */
  create_fails (admin, admin_dict_new ("name", g_variant_new_string ("缺等级有限公司"), NULL),
                CRM_ERROR_INVALID_FIELD, "cf.level");
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("错等级有限公司"), "cf.level",
                                g_variant_new_string ("钻石"), NULL),
                CRM_ERROR_INVALID_FIELD, "cf.level");
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("错预算有限公司"), "cf.level",
                                g_variant_new_string ("金牌"), "cf.budget",
                                g_variant_new_string ("一百万"), NULL),
                CRM_ERROR_INVALID_FIELD, "cf.budget");
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("错日期有限公司"), "cf.level",
                                g_variant_new_string ("金牌"), "cf.signed_on",
                                g_variant_new_string ("2026-02-30"), NULL),
                CRM_ERROR_INVALID_FIELD, "cf.signed_on");
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("未知字段有限公司"), "cf.level",
                                g_variant_new_string ("金牌"), "cf.nothing", g_variant_new_string ("x"),
                                NULL),
                CRM_ERROR_INVALID_FIELD, "cf.nothing");
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("错类型有限公司"), "cf.level",
                                g_variant_new_int64 (1), NULL),
                CRM_ERROR_INVALID_FIELD, "cf.level");

  first = create_customer (admin,
                           admin_dict_new ("name", g_variant_new_string ("金牌自定义有限公司"),
                                           "cf.level", g_variant_new_string ("金牌"), "cf.budget",
                                           g_variant_new_string ("¥1,234.50"), "cf.tags",
                                           g_variant_new_strv ((const char *[]){ "外贸", "上市" }, 2),
                                           "cf.signed_on", g_variant_new_string ("2026-11-01"), NULL));
  second = create_customer (admin, admin_dict_new ("name", g_variant_new_string ("银牌自定义有限公司"),
                                                   "cf.level", g_variant_new_string ("银牌"), NULL));
  row = get_customer (admin, first);
  g_assert_true (g_variant_lookup (row, "cf.level", "&s", &s));
  g_assert_cmpstr (s, ==, "金牌");
  g_assert_true (g_variant_lookup (row, "cf.budget", "x", &fen));
  g_assert_cmpint (fen, ==, 123450);
  g_assert_true (g_variant_lookup (row, "cf.signed_on", "&s", &s));
  g_assert_cmpstr (s, ==, "2026-11-01");

  /* An update changes one value and keeps the others; "" clears. */
  {
    gint64 version = 0;
    g_autoptr (GVariant) again = NULL;

    g_variant_lookup (row, "version", "x", &version);
    key = admin_key ();
    g_variant_unref (
        admin_call (admin, CRM_MSG_CUSTOMER_UPDATE,
                    g_variant_new ("(sxx@a{sv})", key, first, version,
                                   admin_dict_new ("cf.budget", g_variant_new_int64 (500000),
                                                   "cf.signed_on", g_variant_new_string (""), NULL))));
    again = get_customer (admin, first);
    g_assert_true (g_variant_lookup (again, "cf.budget", "x", &fen));
    g_assert_cmpint (fen, ==, 500000);
    g_assert_true (g_variant_lookup (again, "cf.level", "&s", &s));
    g_assert_cmpstr (s, ==, "金牌");
    g_assert_false (g_variant_lookup (again, "cf.signed_on", "&s", &s));
  }

  /* Filters: list, count, export and search by a custom field. */
  {
    GVariant *filter = admin_dict_new ("cf.level", g_variant_new_string ("金牌"), NULL);
    g_autoptr (GVariant) reply
        = admin_call (admin, CRM_MSG_CUSTOMER_LIST,
                      g_variant_new ("(sb@a{sv}si)", "name", FALSE, filter, "", 100));
    g_autoptr (GVariant) rows = g_variant_get_child_value (reply, 0);
    g_autoptr (GVariant) count = NULL;
    g_autoptr (GVariant) exported = NULL;
    g_autoptr (GVariant) exported_rows = NULL;
    g_autoptr (GVariant) found = NULL;
    gint64 n = 0;

    g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
    g_assert_cmpuint (count_rows_with (rows, "name", "金牌自定义有限公司"), ==, 1);
    count = admin_call (
        admin, CRM_MSG_CUSTOMER_COUNT,
        g_variant_new ("(@a{sv})", admin_dict_new ("cf.level", g_variant_new_string ("银牌"), NULL)));
    g_variant_get (count, "(xb)", &n, NULL);
    g_assert_cmpint (n, ==, 1);
    exported = admin_call (
        admin, CRM_MSG_CUSTOMER_EXPORT,
        g_variant_new (
            "(@a{sv}xi)",
            admin_dict_new ("cf.tags", g_variant_new_strv ((const char *[]){ "上市" }, 1), NULL),
            (gint64)0, 100));
    exported_rows = g_variant_get_child_value (exported, 0);
    g_assert_cmpuint (g_variant_n_children (exported_rows), ==, 1);
    g_assert_cmpuint (count_rows_with (exported_rows, "cf.level", "金牌"), ==, 1);
    found = admin_call (admin, CRM_MSG_CUSTOMER_SEARCH,
                        g_variant_new ("(s@a{sv}i)", "自定义",
                                       admin_dict_new ("cf.level", g_variant_new_string ("银牌"), NULL),
                                       20));
    g_assert_cmpuint (g_variant_n_children (found), ==, 1);
    g_assert_cmpuint (count_rows_with (found, "name", "银牌自定义有限公司"), ==, 1);
    g_free (admin_call_fails (
        admin, CRM_MSG_CUSTOMER_COUNT,
        g_variant_new ("(@a{sv})", admin_dict_new ("cf.level", g_variant_new_boolean (TRUE), NULL)),
        CRM_ERROR_INVALID_FIELD));
  }

  /* Import takes custom fields too, all or nothing. */
  {
    GVariant *good = admin_dict_new ("name", g_variant_new_string ("导入自定义有限公司"),
                                     "cf.level", g_variant_new_string ("铜牌"),
                                     "cf.budget", g_variant_new_string ("88.80"), NULL);
    GVariant *bad = admin_dict_new ("name", g_variant_new_string ("导入错误有限公司"),
                                    "cf.level", g_variant_new_string ("铜牌"),
                                    "cf.budget", g_variant_new_string ("很多"), NULL);
    GVariant *rows[] = { g_variant_ref_sink (good), g_variant_ref_sink (bad) };
    g_autoptr (GVariant) reply = NULL;
    g_autoptr (GVariant) errors = NULL;
    g_autoptr (GVariant) count = NULL;
    gint64 inserted = -1, n = 0;
    guint32 row_index = 99;
    const char *field = NULL;

    g_free (key);
    key = admin_key ();
    reply = admin_call (admin, CRM_MSG_CUSTOMER_IMPORT,
                        g_variant_new ("(s@aa{sv})", key,
                                       g_variant_new_array (G_VARIANT_TYPE_VARDICT, rows, 2)));
    g_variant_get (reply, "(x@a(uss))", &inserted, &errors);
    g_assert_cmpint (inserted, ==, 0);
    g_assert_cmpuint (g_variant_n_children (errors), ==, 1);
    g_variant_get_child (errors, 0, "(u&s&s)", &row_index, &field, NULL);
    g_assert_cmpuint (row_index, ==, 1);
    g_assert_cmpstr (field, ==, "cf.budget");
    g_clear_pointer (&reply, g_variant_unref);
    g_free (key);
    key = admin_key ();
    reply = admin_call (admin, CRM_MSG_CUSTOMER_IMPORT,
                        g_variant_new ("(s@aa{sv})", key,
                                       g_variant_new_array (G_VARIANT_TYPE_VARDICT, rows, 1)));
    g_variant_get (reply, "(x@a(uss))", &inserted, NULL);
    g_assert_cmpint (inserted, ==, 1);
    count = admin_call (admin, CRM_MSG_CUSTOMER_COUNT,
                        g_variant_new ("(@a{sv})", admin_dict_new ("cf.budget", g_variant_new_int64 (8880), NULL)));
    g_variant_get (count, "(xb)", &n, NULL);
    g_assert_cmpint (n, ==, 1);
    g_variant_unref (rows[0]);
    g_variant_unref (rows[1]);
  }

  /* Renamed: the label changes, values stay. */
  save_field (admin,
              admin_dict_new ("id", g_variant_new_int64 (level), "label",
                              g_variant_new_string ("会员等级"), NULL),
              0, NULL);
  list = admin_call (admin, CRM_MSG_CUSTOM_FIELD_LIST, g_variant_new ("(s)", "customer"));
  g_assert_cmpuint (count_rows_with (list, "label", "会员等级"), ==, 1);
  g_clear_pointer (&row, g_variant_unref);
  row = get_customer (admin, second);
  g_assert_true (g_variant_lookup (row, "cf.level", "&s", &s));
  g_assert_cmpstr (s, ==, "银牌");

  /* Retired: hidden from forms (flagged), no longer required or accepted,
   * its data kept. */
  g_free (key);
  key = admin_key ();
  g_variant_unref (
      admin_call (admin, CRM_MSG_CUSTOM_FIELD_RETIRE, g_variant_new ("(sx)", key, level)));
  g_clear_pointer (&list, g_variant_unref);
  list = admin_call (admin, CRM_MSG_CUSTOM_FIELD_LIST, g_variant_new ("(s)", "customer"));
  {
    GVariantIter iter;
    GVariant    *f;
    gboolean     seen = FALSE;

    g_variant_iter_init (&iter, list);
    while ((f = g_variant_iter_next_value (&iter)) != NULL)
      {
        gint64   id = 0;
        gboolean retired = FALSE;

        g_variant_lookup (f, "id", "x", &id);
        g_variant_lookup (f, "retired", "b", &retired);
        if (id == level)
          {
            seen = TRUE;
            g_assert_true (retired);
          }
        g_variant_unref (f);
      }
    g_assert_true (seen);
  }
  create_customer (admin, admin_dict_new ("name", g_variant_new_string ("等级退役后有限公司"), NULL));
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("退役字段有限公司"), "cf.level",
                                g_variant_new_string ("金牌"), NULL),
                CRM_ERROR_INVALID_FIELD, "cf.level");
  g_clear_pointer (&row, g_variant_unref);
  row = get_customer (admin, second);
  g_assert_true (g_variant_lookup (row, "cf.level", "&s", &s));
  g_assert_cmpstr (s, ==, "银牌");
  (void)fields;
}

/* Quick search finds customers by their custom text and phone fields
 * (migration 0095), after names and phones; the fragment is matched
 * literally, cleared values are no longer found, a frequent fragment still
 * fills the page, the recycle bin is searched by name only. */
static GVariant *
search (CrmConnection *admin, const char *text, GVariant *filters, gint32 limit)
{
  return admin_call (admin, CRM_MSG_CUSTOMER_SEARCH,
                     g_variant_new ("(s@a{sv}i)", text, filters ? filters : empty_dict (), limit));
}

static void
test_custom_field_search (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (GVariant) found = NULL;
  g_autoptr (GVariant) row = NULL;
  gint64 wechat, first, version = 0;
  g_autofree char *key = NULL;

  wechat = save_field (admin,
                       admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                                       g_variant_new_string ("wechat_id"), "label",
                                       g_variant_new_string ("微信号"), "type",
                                       g_variant_new_string ("text"), NULL),
                       0, NULL);
  save_field (admin,
              admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                              g_variant_new_string ("backup_phone"), "label",
                              g_variant_new_string ("备用电话"), "type", g_variant_new_string ("phone"),
                              NULL),
              0, NULL);
  first = create_customer (admin,
                           admin_dict_new ("name", g_variant_new_string ("搜索自定义字段有限公司"),
                                           "cf.wechat_id", g_variant_new_string ("WXID_q7z3m1"),
                                           "cf.backup_phone", g_variant_new_string ("021-6234 5678"),
                                           NULL));
  create_customer (admin, admin_dict_new ("name", g_variant_new_string ("搜索无自定义有限公司"), NULL));

  /* Letters and digits, case-insensitive; a phone by its digits. */
  found = search (admin, "Q7Z3M1", NULL, 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 1);
  g_assert_cmpuint (count_rows_with (found, "name", "搜索自定义字段有限公司"), ==, 1);
  g_clear_pointer (&found, g_variant_unref);
  found = search (admin, "62345678", NULL, 20);
  g_assert_cmpuint (count_rows_with (found, "name", "搜索自定义字段有限公司"), ==, 1);
  g_clear_pointer (&found, g_variant_unref);
  /* LIKE wildcards in the text are plain characters. */
  found = search (admin, "q7%m1", NULL, 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 0);
  g_clear_pointer (&found, g_variant_unref);
  found = search (admin, "wxid_q7", NULL, 20);
  g_assert_cmpuint (count_rows_with (found, "name", "搜索自定义字段有限公司"), ==, 1);
  g_clear_pointer (&found, g_variant_unref);
  /* Filters still apply. */
  found = search (admin, "q7z3m1", admin_dict_new ("owner_id", g_variant_new_int64 (G_MAXINT64), NULL), 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 0);
  g_clear_pointer (&found, g_variant_unref);
  /* The recycle bin: searched by name only, without an error. */
  found = search (admin, "q7z3m1", admin_dict_new ("deleted", g_variant_new_boolean (TRUE), NULL), 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 0);
  g_clear_pointer (&found, g_variant_unref);

  /* Renaming the field changes nothing for search (keys stay). */
  save_field (admin,
              admin_dict_new ("id", g_variant_new_int64 (wechat), "label",
                              g_variant_new_string ("企业微信"), NULL),
              0, NULL);
  found = search (admin, "q7z3m1", NULL, 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 1);
  g_clear_pointer (&found, g_variant_unref);

  /* A cleared value is no longer found. */
  row = get_customer (admin, first);
  g_variant_lookup (row, "version", "x", &version);
  key = admin_key ();
  g_variant_unref (admin_call (admin, CRM_MSG_CUSTOMER_UPDATE,
                               g_variant_new ("(sxx@a{sv})", key, first, version,
                                              admin_dict_new ("cf.wechat_id", g_variant_new_string (""),
                                                              NULL))));
  found = search (admin, "q7z3m1", NULL, 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 0);
  g_clear_pointer (&found, g_variant_unref);

  /* A fragment in many customers' custom text fills the page (the first
   * customers with custom text are looked through before the index). */
  for (int i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("批量自定义%02d有限公司", i);
      g_autofree char *text = g_strdup_printf ("对接报价单%02d", i);

      create_customer (admin, admin_dict_new ("name", g_variant_new_string (name), "cf.wechat_id",
                                              g_variant_new_string (text), NULL));
    }
  found = search (admin, "对接报价", NULL, 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 20);
  g_clear_pointer (&found, g_variant_unref);
  found = search (admin, "报价单17", NULL, 20);
  g_assert_cmpuint (g_variant_n_children (found), ==, 1);
  g_assert_cmpuint (count_rows_with (found, "name", "批量自定义17有限公司"), ==, 1);
}

/* ---- Numbering ---- */

static void
save_numbering (CrmConnection *admin, GVariant *rule, CrmErrorCode fails_with, const char *field)
{
  g_autofree char *key = admin_key ();
  GVariant        *body = g_variant_new ("(ss@a{sv})", key, "customer", rule);
  g_autofree char *f = admin_call_expect (admin, CRM_MSG_NUMBERING_SAVE, body, fails_with);

  if (fails_with != 0)
    g_assert_cmpstr (f, ==, field);
}

#define CREATORS 32
#define PER_CREATOR 4

typedef struct
{
  guint      pending;
  guint      failed;
  GPtrArray *ids;
} Creations;

static void
created_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Creations *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_test_message ("create failed: %s", error->message);
      c->failed++;
    }
  else
    {
      gint64 id;
      g_variant_get (reply, "(xx)", &id, NULL);
      g_ptr_array_add (c->ids, g_memdup2 (&id, sizeof id));
    }
  c->pending--;
}

static int
compare_int (gconstpointer a, gconstpointer b)
{
  return *(const int *)a - *(const int *)b;
}

static void
test_numbering_concurrent (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  CrmConnection *creators[CREATORS];
  Creations      c = { 0, 0, g_ptr_array_new_with_free_func (g_free) };
  g_autoptr (GVariant) preview = NULL;
  g_autoptr (GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int         numbers[CREATORS * PER_CREATOR];
  const char *next = NULL;
  gint64      started;

  /* Rules that would repeat numbers are refused. */
  save_numbering (admin,
                  admin_dict_new ("prefix", g_variant_new_string ("T"), "date_pattern",
                                  g_variant_new_string (""), "reset", g_variant_new_string ("daily"),
                                  NULL),
                  CRM_ERROR_INVALID_FIELD, "reset");
  save_numbering (admin, admin_dict_new ("width", g_variant_new_int32 (40), NULL),
                  CRM_ERROR_INVALID_FIELD, "width");
  save_numbering (admin,
                  admin_dict_new ("prefix", g_variant_new_string ("BINGF"), "date_pattern",
                                  g_variant_new_string (""), "separator", g_variant_new_string ("-"),
                                  "width", g_variant_new_int32 (5), "reset",
                                  g_variant_new_string ("never"), NULL),
                  0, NULL);
  preview = admin_call (admin, CRM_MSG_NUMBERING_GET, g_variant_new ("(s)", "customer"));
  g_assert_true (g_variant_lookup (preview, "next", "&s", &next));
  g_assert_cmpstr (next, ==, "BINGF-00001");

  for (guint i = 0; i < CREATORS; i++)
    creators[i] = admin_test_connect_admin ();
  started = g_get_monotonic_time ();
  for (guint r = 0; r < PER_CREATOR; r++)
    for (guint i = 0; i < CREATORS; i++)
      {
        g_autofree char *key = admin_key ();
        g_autofree char *name = g_strdup_printf ("并发编号%02u-%u有限公司", i, r);

        c.pending++;
        crm_connection_call_async (
            creators[i], CRM_MSG_CUSTOMER_CREATE,
            g_variant_new ("(s@a{sv})", key, admin_dict_new ("name", g_variant_new_string (name), NULL)),
            NULL, created_cb, &c);
      }
  {
    gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
    while (c.pending > 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  /* Informational only (no timing assertion): see the report. */
  g_test_message ("numbering: %u creates from %u connections in %.2f s", CREATORS * PER_CREATOR,
                  CREATORS, (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);
  g_assert_cmpuint (c.pending, ==, 0);
  g_assert_cmpuint (c.failed, ==, 0);
  g_assert_cmpuint (c.ids->len, ==, CREATORS * PER_CREATOR);

  /* Unique and without gaps: exactly 1 … 128. */
  for (guint i = 0; i < c.ids->len; i++)
    {
      g_autoptr (GVariant) row = get_customer (admin, *(gint64 *)c.ids->pdata[i]);
      const char *code = NULL;

      g_assert_true (g_variant_lookup (row, "code", "&s", &code));
      g_assert_true (g_str_has_prefix (code, "BINGF-"));
      g_assert_cmpuint (strlen (code), ==, strlen ("BINGF-00001"));
      g_assert_true (g_hash_table_add (codes, g_strdup (code)));
      numbers[i] = atoi (code + strlen ("BINGF-"));
    }
  qsort (numbers, G_N_ELEMENTS (numbers), sizeof numbers[0], compare_int);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    g_assert_cmpint (numbers[i], ==, (int)i + 1);

  for (guint i = 0; i < CREATORS; i++)
    g_object_unref (creators[i]);
  g_ptr_array_unref (c.ids);
  /* Back to the usual rule for the other tests. */
  save_numbering (admin,
                  admin_dict_new ("prefix", g_variant_new_string ("KH"), "date_pattern",
                                  g_variant_new_string ("yyyyMMdd"), "separator",
                                  g_variant_new_string ("-"), "width", g_variant_new_int32 (4), "reset",
                                  g_variant_new_string ("daily"), NULL),
                  0, NULL);
}

/* ---- Entry rules and switches ---- */

static void
save_entry_rule (CrmConnection *admin, GVariant *rule, CrmErrorCode fails_with)
{
  g_autofree char *key = admin_key ();
  GVariant        *body = g_variant_new ("(ss@a{sv})", key, "customer", rule);

  g_free (admin_call_expect (admin, CRM_MSG_ENTRY_RULE_SAVE, body, fails_with));
}

static void
test_entry_rules (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (GVariant) rule = NULL;
  const char     *dup = NULL;
  GVariantBuilder formats;

  create_customer (admin, admin_dict_new ("name", g_variant_new_string ("重名测试有限公司"), NULL));
  /* warn (the default) accepts a second one: the client warns. */
  create_customer (admin, admin_dict_new ("name", g_variant_new_string ("重名测试有限公司"), NULL));

  g_variant_builder_init (&formats, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&formats, "{ss}", "phones", "mobile");
  save_entry_rule (admin,
                   admin_dict_new ("duplicate_name", g_variant_new_string ("forbid"), "required",
                                   g_variant_new_strv ((const char *[]){ "source" }, 1), "formats",
                                   g_variant_builder_end (&formats), NULL),
                   0);
  rule = admin_call (admin, CRM_MSG_ENTRY_RULE_GET, g_variant_new ("(s)", "customer"));
  g_assert_true (g_variant_lookup (rule, "duplicate_name", "&s", &dup));
  g_assert_cmpstr (dup, ==, "forbid");

  create_fails (admin, admin_dict_new ("name", g_variant_new_string ("规则测试有限公司"), NULL),
                CRM_ERROR_INVALID_FIELD, "source");
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("重名测试有限公司"), "source",
                                g_variant_new_string ("展会"), NULL),
                CRM_ERROR_DUPLICATE, "name");
  create_fails (admin,
                admin_dict_new ("name", g_variant_new_string ("规则测试有限公司"), "source",
                                g_variant_new_string ("展会"), "phones",
                                g_variant_new_strv ((const char *[]){ "010-62345678" }, 1), NULL),
                CRM_ERROR_INVALID_FIELD, "phones");
  create_customer (admin,
                   admin_dict_new ("name", g_variant_new_string ("规则测试有限公司"), "source",
                                   g_variant_new_string ("展会"), "phones",
                                   g_variant_new_strv ((const char *[]){ "13812345678" }, 1), NULL));

  save_entry_rule (admin, admin_dict_new ("duplicate_name", g_variant_new_string ("sometimes"), NULL),
                   CRM_ERROR_INVALID_FIELD);
  save_entry_rule (
      admin, admin_dict_new ("required", g_variant_new_strv ((const char *[]){ "shoe_size" }, 1), NULL),
      CRM_ERROR_INVALID_FIELD);
  /* Back to the defaults. */
  g_variant_builder_init (&formats, G_VARIANT_TYPE ("a{ss}"));
  save_entry_rule (admin,
                   admin_dict_new ("duplicate_name", g_variant_new_string ("warn"), "required",
                                   g_variant_new_strv (NULL, 0), "formats",
                                   g_variant_builder_end (&formats), NULL),
                   0);
}

typedef struct
{
  guint settings;
  char *what;
} SettingsPush;

static void
settings_push_cb (CrmConnection *conn, guint id, GVariant *body, gpointer data)
{
  SettingsPush *p = data;
  const char   *entity = NULL, *action = NULL;

  if (id != CRM_MSG_PUSH_RECORD_CHANGED)
    return;
  g_variant_get (body, "(&sxx&s)", &entity, NULL, NULL, &action);
  if (g_strcmp0 (entity, "settings") != 0)
    return;
  g_free (p->what);
  p->what = g_strdup (action);
  p->settings++;
}

static void
test_switches (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (CrmConnection) sales = admin_test_connect ("sales2", "demo1234");
  g_autoptr (GVariant) before = admin_call (sales, CRM_MSG_SETTING_GET, NULL);
  g_autoptr (GVariant) after = NULL;
  g_autofree char *key = admin_key ();
  gboolean         points = TRUE;
  const char      *company = NULL;

  SettingsPush     pushed = { 0 };

  /* Every signed-in client hears that settings changed, to refresh its forms. */
  g_signal_connect (sales, "push", G_CALLBACK (settings_push_cb), &pushed);
  g_assert_true (g_variant_lookup (before, "points_enabled", "b", &points));
  g_assert_false (points);
  g_variant_unref (admin_call (
      admin, CRM_MSG_SETTING_SET,
      g_variant_new ("(s@a{sv})", key,
                     admin_dict_new ("points_enabled", g_variant_new_boolean (TRUE), "company_name",
                                     g_variant_new_string ("金客\"测试\"公司"), NULL))));
  admin_wait_for (&pushed.settings);
  g_assert_cmpuint (pushed.settings, >=, 1);
  g_assert_cmpstr (pushed.what, ==, "setting");
  g_signal_handlers_disconnect_by_data (sales, &pushed);
  g_free (pushed.what);
  after = admin_call (sales, CRM_MSG_SETTING_GET, NULL);
  g_assert_true (g_variant_lookup (after, "points_enabled", "b", &points));
  g_assert_true (points);
  g_assert_true (g_variant_lookup (after, "company_name", "&s", &company));
  g_assert_cmpstr (company, ==, "金客\"测试\"公司");
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (
      admin, CRM_MSG_SETTING_SET,
      g_variant_new ("(s@a{sv})", key, admin_dict_new ("Bad Key", g_variant_new_boolean (TRUE), NULL)),
      CRM_ERROR_INVALID_FIELD));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (sales, CRM_MSG_SETTING_SET,
                            g_variant_new ("(s@a{sv})", key, empty_dict ()),
                            CRM_ERROR_PERMISSION_DENIED));
}

/* ---- Audit and recycle bin ---- */

static void
test_audit_list (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 first = admin_create_department (admin, "审计一部", 0);
  gint64 second = admin_create_department (admin, "审计二部", 0);
  g_autoptr (GVariant) page1 = NULL, page2 = NULL, rows = NULL, row = NULL;
  gint64      next = 0, entity_id = 0, user_id = 0;
  const char *after = NULL;
  GVariant   *filter = admin_dict_new ("entity", g_variant_new_string ("department"), "action",
                                       g_variant_new_string ("create"), "user_id",
                                       g_variant_new_int64 (crm_connection_get_user_id (admin)), NULL);

  page1
      = admin_call (admin, CRM_MSG_AUDIT_LIST, g_variant_new ("(@a{sv}xi)", filter, (gint64)0, 1));
  g_variant_get (page1, "(@aa{sv}x)", &rows, &next);
  g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  g_assert_cmpint (next, >, 0);
  row = g_variant_get_child_value (rows, 0);
  g_assert_true (g_variant_lookup (row, "entity_id", "x", &entity_id));
  g_assert_cmpint (entity_id, ==, second);
  g_assert_true (g_variant_lookup (row, "user_id", "x", &user_id));
  g_assert_cmpint (user_id, ==, crm_connection_get_user_id (admin));
  g_assert_true (g_variant_lookup (row, "after", "&s", &after));
  g_assert_nonnull (strstr (after, "审计二部"));
  g_clear_pointer (&rows, g_variant_unref);
  g_clear_pointer (&row, g_variant_unref);

  filter = admin_dict_new ("entity", g_variant_new_string ("department"), "action",
                           g_variant_new_string ("create"), NULL);
  page2 = admin_call (admin, CRM_MSG_AUDIT_LIST, g_variant_new ("(@a{sv}xi)", filter, next, 1));
  g_variant_get (page2, "(@aa{sv}x)", &rows, &next);
  row = g_variant_get_child_value (rows, 0);
  g_assert_true (g_variant_lookup (row, "entity_id", "x", &entity_id));
  g_assert_cmpint (entity_id, ==, first);

  /* Time window in the future: nothing.  Bad filters: refused. */
  {
    g_autoptr (GVariant) none = NULL;
    g_autoptr (GVariant) none_rows = NULL;
    gint64 now = g_get_real_time ();

    none = admin_call (
        admin, CRM_MSG_AUDIT_LIST,
        g_variant_new (
            "(@a{sv}xi)",
            admin_dict_new ("from", g_variant_new_int64 (now + (gint64)3600 * G_USEC_PER_SEC), NULL),
            (gint64)0, 10));
    none_rows = g_variant_get_child_value (none, 0);
    g_assert_cmpuint (g_variant_n_children (none_rows), ==, 0);
    g_free (admin_call_fails (admin, CRM_MSG_AUDIT_LIST,
                              g_variant_new ("(@a{sv}xi)",
                                             admin_dict_new ("who", g_variant_new_string ("x"), NULL),
                                             (gint64)0, 10),
                              CRM_ERROR_INVALID_FIELD));
  }
}

static gboolean
in_recycle_bin (CrmConnection *conn, gint64 id)
{
  g_autoptr (GVariant) reply
      = admin_call (conn, CRM_MSG_RECYCLE_LIST, g_variant_new ("(sxi)", "", (gint64)0, 500));
  g_autoptr (GVariant) rows = g_variant_get_child_value (reply, 0);
  GVariantIter iter;
  GVariant    *row;
  gboolean     found = FALSE;

  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      gint64 v = 0;

      g_variant_lookup (row, "id", "x", &v);
      if (v == id)
        {
          gint64 by = 0;
          g_assert_true (g_variant_lookup (row, "deleted_by", "x", &by));
          g_assert_cmpint (by, ==, crm_connection_get_user_id (conn));
          found = TRUE;
        }
      g_variant_unref (row);
    }
  return found;
}

static void
delete_customer (CrmConnection *conn, gint64 id)
{
  g_autoptr (GVariant) row = get_customer (conn, id);
  g_autofree char *key = admin_key ();
  gint64           version = 0;

  g_variant_lookup (row, "version", "x", &version);
  g_variant_unref (
      admin_call (conn, CRM_MSG_CUSTOMER_DELETE, g_variant_new ("(sxx)", key, id, version)));
}

static void
test_recycle (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (CrmConnection) sales = admin_test_connect ("sales3", "demo1234");
  gint64 id = create_customer (
      admin, admin_dict_new ("name", g_variant_new_string ("回收站测试有限公司"), NULL));
  g_autofree char *key = NULL;

  delete_customer (admin, id);
  g_free (admin_call_fails (admin, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id),
                            CRM_ERROR_NOT_FOUND));
  g_assert_true (in_recycle_bin (admin, id));
  g_free (admin_call_fails (sales, CRM_MSG_RECYCLE_LIST, g_variant_new ("(sxi)", "", (gint64)0, 10),
                            CRM_ERROR_PERMISSION_DENIED));

  key = admin_key ();
  g_variant_unref (
      admin_call (admin, CRM_MSG_RECYCLE_RESTORE, g_variant_new ("(ssx)", key, "customer", id)));
  g_variant_unref (get_customer (admin, id));
  g_assert_false (in_recycle_bin (admin, id));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_RECYCLE_RESTORE,
                            g_variant_new ("(ssx)", key, "customer", id), CRM_ERROR_NOT_FOUND));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_RECYCLE_PURGE,
                            g_variant_new ("(ssx)", key, "customer", id), CRM_ERROR_NOT_FOUND));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_RECYCLE_PURGE,
                            g_variant_new ("(ssx)", key, "spaceship", id),
                            CRM_ERROR_INVALID_FIELD));

  /* Purged: gone for good, and the purge is in the audit log. */
  delete_customer (admin, id);
  g_free (key);
  key = admin_key ();
  g_variant_unref (
      admin_call (admin, CRM_MSG_RECYCLE_PURGE, g_variant_new ("(ssx)", key, "customer", id)));
  g_assert_false (in_recycle_bin (admin, id));
  {
    g_autoptr (GVariant) audit
        = admin_call (admin, CRM_MSG_AUDIT_LIST,
                      g_variant_new ("(@a{sv}xi)",
                                     admin_dict_new ("entity", g_variant_new_string ("customer"),
                                                     "entity_id", g_variant_new_int64 (id), "action",
                                                     g_variant_new_string ("purge"), NULL),
                                     (gint64)0, 10));
    g_autoptr (GVariant) rows = g_variant_get_child_value (audit, 0);
    g_autoptr (GVariant) row = NULL;
    const char *before = NULL;

    g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
    row = g_variant_get_child_value (rows, 0);
    g_assert_true (g_variant_lookup (row, "before", "&s", &before));
    g_assert_nonnull (strstr (before, "回收站测试有限公司"));
  }
}

/* ---- Hostile input ---- */

static void
expect_refused (CrmConnection *conn, guint id, GVariant *body)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_connection_call_sync (conn, id, body, NULL, &error);

  if (reply != NULL || !g_error_matches (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD))
    g_test_message ("%s: %s", crm_message_lookup (id)->name, error ? error->message : "accepted");
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_hostile_input (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autofree char *huge = g_strnfill (10000, 'x');
  g_autofree char *k = NULL;
  gint64           self = crm_connection_get_user_id (admin);
  GVariantBuilder  many;

#define KEY() (g_free (k), k = admin_key ())
  expect_refused (admin, CRM_MSG_USER_UPDATE,
                  g_variant_new ("(sx@a{sv})", KEY (), self,
                                 admin_dict_new ("display_name", g_variant_new_string (huge), NULL)));
  expect_refused (
      admin, CRM_MSG_USER_UPDATE,
      g_variant_new ("(sx@a{sv})", KEY (), self,
                     admin_dict_new ("display_name", g_variant_new_string ("坏\x01名字"), NULL)));
  expect_refused (admin, CRM_MSG_USER_UPDATE,
                  g_variant_new ("(sx@a{sv})", KEY (), self,
                                 admin_dict_new ("department_id", g_variant_new_int64 (-5), NULL)));
  expect_refused (
      admin, CRM_MSG_USER_UPDATE,
      g_variant_new (
          "(sx@a{sv})", KEY (), self,
          admin_dict_new ("roles", g_variant_new_strv ((const char *[]){ "a'b\"c);--" }, 1), NULL)));
  expect_refused (admin, CRM_MSG_USER_UPDATE,
                  g_variant_new ("(sx@a{sv})", KEY (), self,
                                 admin_dict_new ("device_binding", g_variant_new_string ("yes"), NULL)));
  expect_refused (admin, CRM_MSG_DEPARTMENT_UPDATE,
                  g_variant_new ("(sx@a{sv})", KEY (), (gint64)1,
                                 admin_dict_new ("name", g_variant_new_string ("销售\u202e部"), NULL)));
  expect_refused (
      admin, CRM_MSG_DEPARTMENT_UPDATE,
      g_variant_new ("(sx@a{sv})", KEY (), (gint64)1,
                     admin_dict_new ("sort", g_variant_new_int64 (G_GINT64_CONSTANT (1) << 40), NULL)));
  expect_refused (admin, CRM_MSG_ROLE_CREATE,
                  g_variant_new ("(s@a{sv})", KEY (),
                                 admin_dict_new ("name", g_variant_new_string (huge), "display_name",
                                                 g_variant_new_string ("x"), NULL)));
  expect_refused (
      admin, CRM_MSG_ROLE_CREATE,
      g_variant_new ("(s@a{sv})", KEY (),
                     admin_dict_new ("name", g_variant_new_string ("ok_name"), "display_name",
                                     g_variant_new_string ("x"), "grants",
                                     g_variant_new_strv ((const char *[]){ "customer.view" }, 1), NULL)));
  g_variant_builder_init (&many, G_VARIANT_TYPE_STRING_ARRAY);
  for (int i = 0; i < 300; i++)
    g_variant_builder_add (&many, "s", "选项");
  expect_refused (
      admin, CRM_MSG_CUSTOM_FIELD_SAVE,
      g_variant_new ("(s@a{sv})", KEY (),
                     admin_dict_new ("entity", g_variant_new_string ("customer"), "key",
                                     g_variant_new_string ("many"), "label", g_variant_new_string ("多"),
                                     "type", g_variant_new_string ("choice"), "choices",
                                     g_variant_builder_end (&many), NULL)));
  expect_refused (
      admin, CRM_MSG_CUSTOM_FIELD_SAVE,
      g_variant_new ("(s@a{sv})", KEY (),
                     admin_dict_new ("entity", g_variant_new_string ("customer; drop"), "key",
                                     g_variant_new_string ("k"), "label", g_variant_new_string ("k"),
                                     "type", g_variant_new_string ("text"), NULL)));
  expect_refused (
      admin, CRM_MSG_SETTING_SET,
      g_variant_new ("(s@a{sv})", KEY (), admin_dict_new ("ratio", g_variant_new_double (0.5), NULL)));
  expect_refused (admin, CRM_MSG_SETTING_SET,
                  g_variant_new ("(s@a{sv})", KEY (),
                                 admin_dict_new ("company_name", g_variant_new_string (huge), NULL)));
  expect_refused (admin, CRM_MSG_AUDIT_LIST,
                  g_variant_new ("(@a{sv}xi)",
                                 admin_dict_new ("entity", g_variant_new_string (huge), NULL), (gint64)0,
                                 10));
  expect_refused (admin, CRM_MSG_AUDIT_LIST,
                  g_variant_new ("(@a{sv}xi)",
                                 admin_dict_new ("from", g_variant_new_int64 (2000), "to",
                                                 g_variant_new_int64 (1000), NULL),
                                 (gint64)0, 10));
  expect_refused (admin, CRM_MSG_RECYCLE_RESTORE,
                  g_variant_new ("(ssx)", KEY (), "customers; DROP TABLE users", (gint64)1));
  expect_refused (admin, CRM_MSG_RECYCLE_LIST, g_variant_new ("(sxi)", huge, (gint64)0, 10));
  expect_refused (admin, CRM_MSG_NUMBERING_SAVE,
                  g_variant_new ("(ss@a{sv})", KEY (), "customer",
                                 admin_dict_new ("prefix", g_variant_new_string ("../../"), NULL)));
  expect_refused (admin, CRM_MSG_NUMBERING_SAVE,
                  g_variant_new ("(ss@a{sv})", KEY (), "customer",
                                 admin_dict_new ("date_pattern", g_variant_new_string ("yyyy%n"), NULL)));
  {
    GVariantBuilder f;

    g_variant_builder_init (&f, G_VARIANT_TYPE ("a{ss}"));
    g_variant_builder_add (&f, "{ss}", "name", "regex(.*)");
    expect_refused (admin, CRM_MSG_ENTRY_RULE_SAVE,
                    g_variant_new ("(ss@a{sv})", KEY (), "customer",
                                   admin_dict_new ("formats", g_variant_builder_end (&f), NULL)));
  }
  expect_refused (
      admin, CRM_MSG_CUSTOMER_COUNT,
      g_variant_new ("(@a{sv})", admin_dict_new ("cf.Bad Key", g_variant_new_string ("x"), NULL)));
  expect_refused (
      admin, CRM_MSG_CUSTOMER_COUNT,
      g_variant_new ("(@a{sv})", admin_dict_new ("cf.level", g_variant_new_string (huge), NULL)));
  expect_refused (
      admin, CRM_MSG_CHOICE_SAVE,
      g_variant_new ("(ss@aa{sv})", KEY (), "industry",
                     g_variant_new_array (
                         G_VARIANT_TYPE_VARDICT,
                         (GVariant *[]){ admin_dict_new ("label", g_variant_new_string (huge), NULL) },
                         1)));
#undef KEY

  /* Still serving. */
  g_variant_unref (admin_call (admin, CRM_MSG_USER_LIST, NULL));
}

void
admin_add_settings_tests (void)
{
  g_test_add_func ("/admin/hostile-input", test_hostile_input);
  g_test_add_func ("/admin/settings/choices", test_choices);
  g_test_add_func ("/admin/settings/custom-fields", test_custom_fields);
  g_test_add_func ("/admin/settings/custom-fields/search", test_custom_field_search);
  g_test_add_func ("/admin/settings/numbering-concurrent", test_numbering_concurrent);
  g_test_add_func ("/admin/settings/entry-rules", test_entry_rules);
  g_test_add_func ("/admin/settings/switches", test_switches);
  g_test_add_func ("/admin/audit/list", test_audit_list);
  g_test_add_func ("/admin/recycle/restore-purge", test_recycle);
}
