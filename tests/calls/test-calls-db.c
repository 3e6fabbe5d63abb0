/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-calls-db"
#include "config.h"

#include <string.h>

#include "crm-test-db.h"

/* The call center's handlers over the real worker pool and PostgreSQL
 * (see crm-test-db.h for the organisation every test starts from). */

typedef struct { int unused; } Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  crm_test_db_reset ();
  crm_test_db_exec ("TRUNCATE blacklist RESTART IDENTITY");
  crm_test_db_exec ("UPDATE call_settings SET retention_days = 365, local_area_code = ''");
}

static void
teardown (Fixture *f, gconstpointer data)
{
}

static GVariant *
lookup (CrmSession *s, const char *number)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = crm_test_db_run (s, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", number),
                                     NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);
  return reply;
}

static gint64
lookup_customer (CrmSession *s, const char *number)
{
  g_autoptr(GVariant) r = lookup (s, number);
  gint64 id = -1;

  g_assert_true (g_variant_lookup (r, "customer_id", "x", &id));
  return id;
}

static GVariant *
call_dict (const char *call_id, const char *direction, const char *status, const char *number,
           gint64 started, gint64 answered, gint64 ended, const char *sha)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&d, "client_call_id", "s", call_id);
  g_variant_dict_insert (&d, "direction", "s", direction);
  g_variant_dict_insert (&d, "status", "s", status);
  g_variant_dict_insert (&d, "number", "s", number);
  g_variant_dict_insert (&d, "started_at", "x", started);
  if (answered)
    g_variant_dict_insert (&d, "answered_at", "x", answered);
  if (ended)
    g_variant_dict_insert (&d, "ended_at", "x", ended);
  if (sha)
    g_variant_dict_insert (&d, "recording_sha256", "s", sha);
  g_variant_dict_insert (&d, "device", "s", "sim:test");
  return g_variant_dict_end (&d);
}

static gint64
log_call (CrmSession *s, GVariant *call, GError **error)
{
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) reply = crm_test_db_run (s, CRM_MSG_CALL_LOG,
                                               g_variant_new ("(s@a{sv})", key, call),
                                               NULL, NULL, NULL, error);
  gint64 id = 0;

  if (reply == NULL)
    return 0;
  g_variant_get (reply, "(x)", &id);
  return id;
}

static GVariant *
list_calls (CrmSession *s, GVariant *filters, gint64 before, gint32 limit, GError **error)
{
  return crm_test_db_run (s, CRM_MSG_CALL_LIST,
                          g_variant_new ("(@a{sv}xi)",
                                         filters ? filters : g_variant_new ("a{sv}", NULL), before, limit),
                          NULL, NULL, NULL, error);
}

static gsize
count_calls (CrmSession *s, GVariant *filters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = list_calls (s, filters, 0, 500, &error);
  g_autoptr(GVariant) rows = NULL;

  g_assert_no_error (error);
  rows = g_variant_get_child_value (reply, 0);
  return g_variant_n_children (rows);
}

static gint64
now_us (void)
{
  return g_get_real_time () - G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
}

/* Every written form of a number finds the customer; others do not. */
static void
test_lookup_forms (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 landline = crm_test_db_create_customer (sa, "北京华联商贸有限公司", "010-6212 3456");
  gint64 mobile = crm_test_db_create_customer (sa, "上海浦东贸易公司", "+86 138 1234 5678");
  gint64 ext = crm_test_db_create_customer (sa, "深圳科技有限公司", "0755-88888888 转 801");
  g_autoptr(GVariant) unknown = NULL;
  g_autoptr(GVariant) bad = NULL;
  const char *normalized = NULL;
  gboolean known = TRUE;

  g_assert_cmpint (lookup_customer (sa, "01062123456"), ==, landline);
  g_assert_cmpint (lookup_customer (sa, "+86 10 6212-3456"), ==, landline);
  g_assert_cmpint (lookup_customer (sa, "13812345678"), ==, mobile);
  g_assert_cmpint (lookup_customer (sa, "0086 13812345678"), ==, mobile);
  g_assert_cmpint (lookup_customer (sa, "075588888888"), ==, ext);
  /* Same last seven digits, another line. */
  g_assert_cmpint (lookup_customer (sa, "02162123456"), ==, 0);
  g_assert_cmpint (lookup_customer (sa, "13912345678"), ==, 0);

  /* A local number (as caller ID delivers local calls) needs the area code. */
  g_assert_cmpint (lookup_customer (sa, "62123456"), ==, 0);
  crm_test_db_exec ("UPDATE call_settings SET local_area_code = '010'");
  g_assert_cmpint (lookup_customer (sa, "62123456"), ==, landline);

  unknown = lookup (sa, "13700000000");
  g_assert_true (g_variant_lookup (unknown, "known", "b", &known));
  g_assert_false (known);
  g_assert_true (g_variant_lookup (unknown, "normalized", "&s", &normalized));
  g_assert_cmpstr (normalized, ==, "13700000000");

  /* Over-long input is refused, not matched. */
  {
    g_autofree char *huge = g_strnfill (200, '1');
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = crm_test_db_run (sa, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", huge),
                                                 NULL, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
  /* SQL and LIKE metacharacters are just text. */
  g_assert_cmpint (lookup_customer (sa, "1%' OR '1'='1"), ==, 0);
  bad = lookup (sa, "not a number");
  g_assert_true (g_variant_lookup (bad, "normalized", "&s", &normalized));
  g_assert_cmpstr (normalized, ==, "");
}

/* Changing a customer's numbers moves the lookup with them. */
static void
test_lookup_follows_updates (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 id = crm_test_db_create_customer (sa, "广州贸易公司", "020-81234567");

  g_assert_cmpint (lookup_customer (sa, "02081234567"), ==, id);
  crm_test_db_exec ("UPDATE customers SET phones = '{13698765432}' WHERE name = '广州贸易公司'");
  g_assert_cmpint (lookup_customer (sa, "02081234567"), ==, 0);
  g_assert_cmpint (lookup_customer (sa, "136-9876-5432"), ==, id);
  crm_test_db_exec ("UPDATE customers SET deleted_at = now() WHERE name = '广州贸易公司'");
  g_assert_cmpint (lookup_customer (sa, "13698765432"), ==, 0);
}

/* Another salesperson's customer: only the owner is told. */
static void
test_lookup_scope (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  gint64 id = crm_test_db_create_customer (sa, "杭州丝绸公司", "0571-87654321");
  g_autoptr(GVariant) r = lookup (sb, "057187654321");
  gboolean outside = FALSE;
  const char *owner = NULL, *name = NULL;

  g_assert_true (g_variant_lookup (r, "outside_scope", "b", &outside));
  g_assert_true (outside);
  g_assert_true (g_variant_lookup (r, "customer_name", "&s", &name));
  g_assert_cmpstr (name, ==, "");
  g_assert_true (g_variant_lookup (r, "owner_name", "&s", &owner));
  g_assert_cmpstr (owner, !=, "");
  g_assert_cmpint (lookup_customer (sb, "057187654321"), ==, 0);
  g_assert_cmpint (lookup_customer (manager, "057187654321"), ==, id);
}

static void
test_log_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  gint64 t = now_us ();
  gint64 cust = crm_test_db_create_customer (sa, "成都火锅店", "028-86543210");
  const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  gint64 id1, id2;
  g_autofree char *stored = NULL;

  id1 = log_call (sa, call_dict ("c-1", "in", "answered", "028 8654 3210", t, t + 2000000, t + 62000000, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id1, >, 0);
  /* The same call again, now with its recording's checksum. */
  id2 = log_call (sa, call_dict ("c-1", "in", "answered", "028 8654 3210", t, t + 2000000, t + 62000000, sha), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id2, ==, id1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM calls"), ==, 1);
  stored = crm_test_db_query_string ("SELECT recording_sha256 FROM calls");
  g_assert_cmpstr (stored, ==, sha);
  g_assert_cmpint (crm_test_db_query_int ("SELECT customer_id FROM calls"), ==, cust);

  {
    g_autoptr(GVariant) reply = list_calls (sa, NULL, 0, 10, &error);
    g_autoptr(GVariant) rows = NULL, row = NULL;
    gint64 duration = 0;
    const char *customer = NULL;

    g_assert_no_error (error);
    rows = g_variant_get_child_value (reply, 0);
    g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
    row = g_variant_get_child_value (rows, 0);
    g_assert_true (g_variant_lookup (row, "duration", "x", &duration));
    g_assert_cmpint (duration, ==, 60);
    g_assert_true (g_variant_lookup (row, "customer_name", "&s", &customer));
    g_assert_cmpstr (customer, ==, "成都火锅店");
  }
}

static void
expect_invalid (CrmSession *s, GVariant *call, const char *field)
{
  g_autoptr(GError) error = NULL;
  gint64 id = log_call (s, call, &error);

  g_assert_cmpint (id, ==, 0);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, field);
}

static void
test_log_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  gint64 t = now_us ();
  g_auto(GVariantDict) wrong = G_VARIANT_DICT_INIT (NULL);

  expect_invalid (sa, call_dict ("c-2", "sideways", "answered", "13812345678", t, 0, 0, NULL), "direction");
  expect_invalid (sa, call_dict ("c-2", "in", "ringing", "13812345678", t, 0, 0, NULL), "status");
  expect_invalid (sa, call_dict ("c 2; DROP", "in", "missed", "13812345678", t, 0, 0, NULL), "client_call_id");
  expect_invalid (sa, call_dict ("c-2", "in", "answered", "13812345678", t, 0, 0, "ABC"), "recording_sha256");
  expect_invalid (sa, call_dict ("c-2", "in", "answered", "13812345678", t, 0, t - 1, NULL), "ended_at");
  expect_invalid (sa, call_dict ("c-2", "in", "answered", "13812345678", 0, 0, 0, NULL), "started_at");
  expect_invalid (sa, call_dict ("c-2", "in", "answered", "13812345678",
                                 g_get_real_time () + G_GINT64_CONSTANT (10) * 86400 * G_USEC_PER_SEC, 0, 0, NULL), "started_at");
  g_variant_dict_insert (&wrong, "client_call_id", "s", "c-3");
  g_variant_dict_insert (&wrong, "direction", "s", "in");
  g_variant_dict_insert (&wrong, "status", "s", "missed");
  g_variant_dict_insert (&wrong, "started_at", "s", "yesterday");
  expect_invalid (sa, g_variant_dict_end (&wrong), "started_at");
  g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM calls"), ==, 0);
}

/* Own calls for a salesperson, the team for a lead, all with call.view_all;
 * pages by id. */
static void
test_list_scope_and_pages (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(CrmSession) lead = crm_test_db_login ("lead1");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  gint64 t = now_us ();
  gint64 before = 0;
  guint pages = 0, seen = 0;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *cid = g_strdup_printf ("sa-%d", i);

      log_call (sa, call_dict (cid, i % 2 ? "out" : "in", i == 4 ? "missed" : "answered",
                               "13812345678", t + i, 0, 0, NULL), &error);
      g_assert_no_error (error);
    }
  log_call (sb, call_dict ("sb-1", "in", "missed", "13900000000", t, 0, 0, NULL), &error);
  g_assert_no_error (error);

  g_assert_cmpuint (count_calls (sa, NULL), ==, 5);
  g_assert_cmpuint (count_calls (sb, NULL), ==, 1);
  g_assert_cmpuint (count_calls (lead, NULL), ==, 5);
  g_assert_cmpuint (count_calls (admin, NULL), ==, 6);
  /* Filters narrow, never widen, the scope. */
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_variant_dict_insert (&d, "user_id", "x", crm_test_db_user_id ("sb"));
    g_assert_cmpuint (count_calls (sa, g_variant_dict_end (&d)), ==, 0);
  }
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_variant_dict_insert (&d, "status", "s", "missed");
    g_assert_cmpuint (count_calls (admin, g_variant_dict_end (&d)), ==, 2);
  }
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_variant_dict_insert (&d, "direction", "s", "out");
    g_assert_cmpuint (count_calls (sa, g_variant_dict_end (&d)), ==, 2);
  }
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_variant_dict_insert (&d, "number", "s", "139");
    g_assert_cmpuint (count_calls (admin, g_variant_dict_end (&d)), ==, 1);
  }

  do
    {
      g_autoptr(GVariant) reply = list_calls (admin, NULL, before, 2, &error);
      g_autoptr(GVariant) rows = NULL;

      g_assert_no_error (error);
      g_variant_get (reply, "(@aa{sv}x)", &rows, &before);
      seen += g_variant_n_children (rows);
      pages++;
      g_assert_cmpuint (pages, <=, 4);
    }
  while (before != 0);
  g_assert_cmpuint (seen, ==, 6);
  g_assert_cmpuint (pages, ==, 3);
}

static void
test_stats (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  gint64 t = now_us ();
  g_autoptr(GVariant) by_user = NULL, by_day = NULL, bad = NULL;

  log_call (sa, call_dict ("a", "in", "answered", "13812345678", t, t + 1000000, t + 31000000, NULL), &error);
  log_call (sa, call_dict ("b", "in", "missed", "13812345678", t, 0, 0, NULL), &error);
  log_call (admin, call_dict ("c", "out", "answered", "13812345678", t, t, t + 10000000, NULL), &error);
  g_assert_no_error (error);

  by_user = crm_test_db_run (admin, CRM_MSG_CALL_STATS, g_variant_new ("(@a{sv}s)", g_variant_new ("a{sv}", NULL), "user"),
                             NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (by_user), ==, 2);
  {
    const char *label;
    gint64 calls, answered, missed, seconds;

    g_variant_get_child (by_user, 0, "(&sxxxx)", &label, &calls, &answered, &missed, &seconds);
    g_assert_cmpint (calls, ==, 2);
    g_assert_cmpint (answered, ==, 1);
    g_assert_cmpint (missed, ==, 1);
    g_assert_cmpint (seconds, ==, 30);
  }
  by_day = crm_test_db_run (sa, CRM_MSG_CALL_STATS, g_variant_new ("(@a{sv}s)", g_variant_new ("a{sv}", NULL), "day"),
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (by_day), >=, 1);
  bad = crm_test_db_run (sa, CRM_MSG_CALL_STATS, g_variant_new ("(@a{sv}s)", g_variant_new ("a{sv}", NULL), "weekday"),
                         NULL, NULL, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
}

static gint64
save_entry (CrmSession *s, const char *pattern, const char *kind, const char *reason, GError **error)
{
  g_autofree char *key = crm_test_db_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) reply = NULL;
  gint64 id = 0;

  g_variant_dict_insert (&d, "pattern", "s", pattern);
  g_variant_dict_insert (&d, "kind", "s", kind);
  g_variant_dict_insert (&d, "reason", "s", reason);
  reply = crm_test_db_run (s, CRM_MSG_BLACKLIST_SAVE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                           NULL, NULL, NULL, error);
  if (reply != NULL)
    g_variant_get (reply, "(x)", &id);
  return id;
}

static gboolean
is_blocked (CrmSession *s, const char *number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = crm_test_db_run (s, CRM_MSG_BLACKLIST_CHECK, g_variant_new ("(s)", number),
                                           NULL, NULL, NULL, &error);
  gboolean blocked = FALSE;

  g_assert_no_error (error);
  g_variant_get (r, "(bs)", &blocked, NULL);
  return blocked;
}

static void
test_blacklist (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) manager = crm_test_db_login ("manager");
  g_autoptr(GError) error = NULL;
  gint64 prefix, number, allow;

  /* The role templates (migration 0093): everyone keeps the blacklist,
   * each within the scope of "blacklist.manage" (see /calls/blacklist/own-entries). */
  g_assert_true (crm_session_has_permission (sa, "blacklist.manage"));
  g_assert_true (crm_session_has_permission (sa, "call.log"));
  g_assert_true (crm_session_has_permission (manager, "blacklist.manage"));

  prefix = save_entry (manager, "0755*", "block", "推销电话", &error);
  g_assert_no_error (error);
  number = save_entry (manager, "+86 170-0000-1111", "block", "骚扰", &error);
  g_assert_no_error (error);
  g_assert_cmpint (number, >, prefix);
  g_assert_true (is_blocked (sa, "0755-23456789"));
  g_assert_true (is_blocked (sa, "17000001111"));
  g_assert_false (is_blocked (sa, "010-22345678"));

  /* The whitelist wins over a prefix. */
  allow = save_entry (manager, "0755 2345 6789", "allow", "", &error);
  g_assert_no_error (error);
  g_assert_false (is_blocked (sa, "075523456789"));
  g_assert_true (is_blocked (sa, "075587654321"));
  {
    g_autoptr(GVariant) r = lookup (sa, "075523456789");
    gboolean white = FALSE, black = TRUE;

    g_assert_true (g_variant_lookup (r, "whitelisted", "b", &white));
    g_assert_true (g_variant_lookup (r, "blacklisted", "b", &black));
    g_assert_true (white);
    g_assert_false (black);
  }

  /* The same number twice, garbage, too long a reason. */
  save_entry (manager, "17000001111", "block", "", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_DUPLICATE);
  g_clear_error (&error);
  save_entry (manager, "hello", "block", "", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "pattern");
  g_clear_error (&error);
  save_entry (manager, "12a*", "block", "", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  save_entry (manager, "010*", "maybe", "", &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "kind");
  g_clear_error (&error);
  {
    g_autofree char *long_reason = g_strnfill (201, 'x');

    save_entry (manager, "010*", "block", long_reason, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_clear_error (&error);
  }
  g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM blacklist"), ==, 3);

  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) reply = crm_test_db_run (manager, CRM_MSG_BLACKLIST_DELETE,
                                                 g_variant_new ("(sx)", key, allow), NULL, NULL, NULL, &error);
    g_autoptr(GVariant) list = NULL;

    g_assert_no_error (error);
    g_assert_true (is_blocked (sa, "075523456789"));
    list = crm_test_db_run (sa, CRM_MSG_BLACKLIST_LIST, g_variant_new ("()"), NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (list), ==, 2);
  }
}

static GError *
delete_entry (CrmSession *s, gint64 id)
{
  g_autofree char *key = crm_test_db_key ();
  GError *error = NULL;
  g_autoptr(GVariant) reply = crm_test_db_run (s, CRM_MSG_BLACKLIST_DELETE, g_variant_new ("(sx)", key, id),
                                               NULL, NULL, NULL, &error);

  return error;
}

static gboolean
entry_editable (CrmSession *s, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) list = crm_test_db_run (s, CRM_MSG_BLACKLIST_LIST, g_variant_new ("()"),
                                              NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < g_variant_n_children (list); i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (list, i);
      gint64 entry_id = 0;
      gboolean editable = TRUE;

      g_assert_true (g_variant_lookup (entry, "id", "x", &entry_id));
      g_assert_true (g_variant_lookup (entry, "editable", "b", &editable));
      if (entry_id == id)
        return editable;
    }
  g_assert_not_reached ();
  return FALSE;
}

/* A salesperson keeps their own entries; a team lead their team's; an
 * administrator every entry. */
static void
test_blacklist_own_entries (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(CrmSession) lead1 = crm_test_db_login ("lead1");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  gint64 mine, theirs, other;

  mine = save_entry (sa, "13900001111", "block", "推销", &error);
  g_assert_no_error (error);
  theirs = save_entry (sb, "13900002222", "block", "骚扰", &error);
  g_assert_no_error (error);
  other = save_entry (sb, "13900003333", "block", "", &error);
  g_assert_no_error (error);
  g_assert_true (is_blocked (sa, "139 0000 2222"));

  g_assert_true (entry_editable (sa, mine));
  g_assert_false (entry_editable (sa, theirs));
  g_assert_true (entry_editable (admin, theirs));

  /* Someone else's entry: neither changed nor deleted. */
  {
    g_autofree char *key = crm_test_db_key ();
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autoptr(GVariant) reply = NULL;

    g_variant_dict_insert (&d, "id", "x", theirs);
    g_variant_dict_insert (&d, "pattern", "s", "13900002222");
    g_variant_dict_insert (&d, "kind", "s", "allow");
    reply = crm_test_db_run (sa, CRM_MSG_BLACKLIST_SAVE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                             NULL, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
  }
  error = delete_entry (sa, theirs);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (is_blocked (sa, "13900002222"));
  error = delete_entry (sa, 999999);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The team lead's scope holds sa, not sb (another team). */
  error = delete_entry (lead1, theirs);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  error = delete_entry (lead1, mine);
  g_assert_no_error (error);

  error = delete_entry (sb, other);
  g_assert_no_error (error);
  error = delete_entry (admin, theirs);
  g_assert_no_error (error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM blacklist WHERE deleted_at IS NULL"), ==, 0);
  g_assert_false (is_blocked (sa, "13900002222"));
}

static GVariant *
bin_entries (CrmSession *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_test_db_run (s, CRM_MSG_RECYCLE_LIST, g_variant_new ("(sxi)", "blacklist", (gint64) 0, 50),
                                               NULL, NULL, NULL, &error);
  GVariant *rows = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(@aa{sv}x)", &rows, NULL);
  return rows;
}

static GError *
bin_action (CrmSession *s, CrmMessageId id, gint64 entry)
{
  g_autofree char *key = crm_test_db_key ();
  GError *error = NULL;
  g_autoptr(GVariant) reply = crm_test_db_run (s, id, g_variant_new ("(ssx)", key, "blacklist", entry),
                                               NULL, NULL, NULL, &error);

  return error;
}

/* A deleted entry waits in the recycle bin: not blocking, listed there,
 * restored (refused while the same number is listed again), purged. */
static void
test_blacklist_recycle (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) rows = NULL;
  gint64 id, again;
  const char *title = NULL;

  id = save_entry (sa, "13900004444", "block", "推销", &error);
  g_assert_no_error (error);
  error = delete_entry (sa, id);
  g_assert_no_error (error);
  g_assert_false (is_blocked (sa, "13900004444"));
  g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM blacklist WHERE deleted_at IS NOT NULL"), ==, 1);
  /* Gone from the list, in the bin. */
  {
    g_autoptr(GVariant) list = crm_test_db_run (sa, CRM_MSG_BLACKLIST_LIST, g_variant_new ("()"), NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (list), ==, 0);
  }
  error = delete_entry (sa, id);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  rows = bin_entries (admin);
  g_assert_cmpuint (g_variant_n_children (rows), ==, 1);
  {
    g_autoptr(GVariant) row = g_variant_get_child_value (rows, 0);
    g_assert_true (g_variant_lookup (row, "title", "&s", &title));
    g_assert_cmpstr (title, ==, "13900004444 (推销)");
  }

  /* Listed again meanwhile: the old entry cannot come back. */
  again = save_entry (sa, "139 0000 4444", "block", "", &error);
  g_assert_no_error (error);
  error = bin_action (admin, CRM_MSG_RECYCLE_RESTORE, id);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "This number or prefix is listed again meanwhile; delete that entry first");
  g_clear_error (&error);
  error = delete_entry (sa, again);
  g_assert_no_error (error);

  error = bin_action (admin, CRM_MSG_RECYCLE_RESTORE, id);
  g_assert_no_error (error);
  g_assert_true (is_blocked (sa, "13900004444"));

  error = delete_entry (admin, id);
  g_assert_no_error (error);
  error = bin_action (admin, CRM_MSG_RECYCLE_PURGE, id);
  g_assert_no_error (error);
  {
    g_autofree char *q = g_strdup_printf ("SELECT count (*) FROM blacklist WHERE id = %" G_GINT64_FORMAT, id);
    g_assert_cmpint (crm_test_db_query_int (q), ==, 0);
  }
  g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM audit_log WHERE entity = 'blacklist'"
                                          " AND action IN ('delete', 'restore', 'purge')"), >=, 4);
}

static void
test_settings_and_recording_delete (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  const char *sha = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  gint64 t = now_us ();
  gint64 id = log_call (sa, call_dict ("r-1", "in", "answered", "13812345678", t, t, t + 5000000, sha), &error);

  g_assert_no_error (error);
  {
    g_autofree char *key = crm_test_db_key ();
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autoptr(GVariant) reply = NULL, got = NULL;
    gint32 days = 0;

    g_variant_dict_insert (&d, "retention_days", "i", 30);
    g_variant_dict_insert (&d, "local_area_code", "s", "0755");
    reply = crm_test_db_run (admin, CRM_MSG_CALL_SETTINGS_SET, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                             NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    got = crm_test_db_run (sa, CRM_MSG_CALL_SETTINGS_GET, g_variant_new ("()"), NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_variant_lookup (got, "retention_days", "i", &days));
    g_assert_cmpint (days, ==, 30);
  }
  {
    g_autofree char *key = crm_test_db_key ();
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autoptr(GVariant) reply = NULL;

    g_variant_dict_insert (&d, "local_area_code", "s", "755");
    reply = crm_test_db_run (admin, CRM_MSG_CALL_SETTINGS_SET, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                             NULL, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_clear_error (&error);
  }

  /* Deleting recordings is the administrator's. */
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) reply = crm_test_db_run (sb, CRM_MSG_CALL_DELETE_RECORDING, g_variant_new ("(sx)", key, id),
                                                 NULL, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
  }
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) reply = crm_test_db_run (admin, CRM_MSG_CALL_DELETE_RECORDING, g_variant_new ("(sx)", key, id),
                                                 NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM calls WHERE recording_deleted_at IS NOT NULL"), ==, 1);
  }
  /* Retention: an old call's recording stops being served at the next log. */
  crm_test_db_exec ("UPDATE calls SET recording_deleted_at = NULL, started_at = now() - interval '40 days'");
  log_call (sa, call_dict ("r-2", "in", "missed", "13812345678", t, 0, 0, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count (*) FROM calls WHERE recording_deleted_at IS NOT NULL"), ==, 1);
}

/* call.purge_recordings refuses what is not a list of checksums, too many
 * at once, and anyone without settings.manage; it answers only for files
 * no call serves. */
static void
test_purge_input (Fixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  const char *live = "1111111111111111111111111111111111111111111111111111111111111111";
  const char *unknown = "2222222222222222222222222222222222222222222222222222222222222222";
  gint64 t = now_us ();

  log_call (sa, call_dict ("p-1", "in", "answered", "13812345678", t, t, t + 5000000, live), &error);
  g_assert_no_error (error);
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) reply = crm_test_db_run (sa, CRM_MSG_CALL_PURGE_RECORDINGS,
                                                 g_variant_new_parsed ("(%s, @a(sx) [])", key),
                                                 NULL, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
    g_clear_error (&error);
  }
  {
    const char *bad[] = { "", "ABCD", "../../etc/passwd", "1111111111111111111111111111111111111111111111111111111111111111x",
                          "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg",
                          "111111111111111111111111111111111111111111111111111111111111111'" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *key = crm_test_db_key ();
        g_autoptr(GVariant) reply = crm_test_db_run (admin, CRM_MSG_CALL_PURGE_RECORDINGS,
                                                     g_variant_new_parsed ("(%s, [(%s, int64 0)])", key, bad[i]),
                                                     NULL, NULL, NULL, &error);
        g_assert_null (reply);
        g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
        g_clear_error (&error);
      }
  }
  {
    g_autofree char *key = crm_test_db_key ();
    GVariantBuilder b;
    g_autoptr(GVariant) reply = NULL;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("a(sx)"));
    for (guint i = 0; i < 1001; i++)
      g_variant_builder_add (&b, "(sx)", unknown, (gint64) 0);
    reply = crm_test_db_run (admin, CRM_MSG_CALL_PURGE_RECORDINGS,
                             g_variant_new ("(s@a(sx))", key, g_variant_builder_end (&b)), NULL, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_clear_error (&error);
  }
  /* A served recording stays; an old file nobody references goes; a young one stays. */
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) reply = crm_test_db_run (admin, CRM_MSG_CALL_PURGE_RECORDINGS,
                                                 g_variant_new_parsed ("(%s, [(%s, %x), (%s, %x)])", key,
                                                                       live, (gint64) 0, unknown, (gint64) 0),
                                                 NULL, NULL, NULL, &error);
    g_autoptr(GVariant) purge = NULL;

    g_assert_no_error (error);
    purge = g_variant_lookup_value (reply, "purge", G_VARIANT_TYPE ("as"));
    g_assert_cmpuint (g_variant_n_children (purge), ==, 1);
    {
      g_autoptr(GVariant) first = g_variant_get_child_value (purge, 0);
      g_assert_cmpstr (g_variant_get_string (first, NULL), ==, unknown);
    }
  }
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) reply = crm_test_db_run (admin, CRM_MSG_CALL_PURGE_RECORDINGS,
                                                 g_variant_new_parsed ("(%s, [(%s, %x)])", key, unknown, t),
                                                 NULL, NULL, NULL, &error);
    g_autoptr(GVariant) purge = NULL;

    g_assert_no_error (error);
    purge = g_variant_lookup_value (reply, "purge", G_VARIANT_TYPE ("as"));
    g_assert_cmpuint (g_variant_n_children (purge), ==, 0);
  }
  /* The grace period is a setting with bounds. */
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) reply = crm_test_db_run (admin, CRM_MSG_CALL_SETTINGS_SET,
                                                 g_variant_new_parsed ("(%s, {'deleted_grace_days': <int32 366>})", key),
                                                 NULL, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "deleted_grace_days");
    g_clear_error (&error);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  crm_test_db_start ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/calls/lookup/forms", test_lookup_forms);
  ADD ("/calls/lookup/follows-updates", test_lookup_follows_updates);
  ADD ("/calls/lookup/scope", test_lookup_scope);
  ADD ("/calls/log/idempotent", test_log_idempotent);
  ADD ("/calls/log/invalid", test_log_invalid);
  ADD ("/calls/list/scope-and-pages", test_list_scope_and_pages);
  ADD ("/calls/stats", test_stats);
  ADD ("/calls/blacklist/block-allow", test_blacklist);
  ADD ("/calls/blacklist/own-entries", test_blacklist_own_entries);
  ADD ("/calls/blacklist/recycle", test_blacklist_recycle);
  ADD ("/calls/settings-and-recording-delete", test_settings_and_recording_delete);
  ADD ("/calls/purge/input", test_purge_input);
  return g_test_run ();
}
