/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-db-accounts"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "crm-test-db.h"
#include "crm-modules.h"

/* ---- migrations ---- */

static void
test_migrations_idempotent (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 before = crm_test_db_query_int ("SELECT count(*) FROM schema_migrations");
  gint64 roles = crm_test_db_query_int ("SELECT count(*) FROM roles");

  g_assert_cmpint (before, >=, 1);
  g_assert_true (crm_migrations_apply (crm_test_db->conninfo, &error));
  g_assert_no_error (error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM schema_migrations"), ==, before);
  /* The seed ran once: re-applying would have duplicated or failed. */
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM roles"), ==, roles);
  g_assert_cmpint (roles, ==, 7);
}

static void
test_migrations_newer_refused (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  crm_test_db_exec ("INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_from_the_future.sql')");
  g_assert_false (crm_migrations_apply (crm_test_db->conninfo, &error));
  crm_test_db_exec ("DELETE FROM schema_migrations WHERE version = 9999");
  g_assert_error (error, CRM_DB_ERROR, CRM_DB_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "9999_from_the_future.sql"));
}

static void
test_collation_available (CrmTestDbFixture *f, gconstpointer data)
{
  /* Pinyin order needs ICU: 北 (bei) before 安 (an)? No: 安 < 北 < 中. */
  g_autofree char *first = crm_test_db_query_string (
      "SELECT n FROM unnest (ARRAY['中国', '北京', '安徽']) n ORDER BY n COLLATE \"zh-x-icu\" LIMIT 1");
  g_assert_cmpstr (first, ==, "安徽");
}

static GError *login_error (const char *login, const char *password, const char *locale);

static gpointer
apply_thread (gpointer conninfo)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = crm_migrations_apply (conninfo, &error);

  if (!ok)
    g_printerr ("migration thread: %s\n", error->message);
  return GINT_TO_POINTER (ok);
}

static void
test_migrations_concurrent (CrmTestDbFixture *f, gconstpointer data)
{
  g_autofree char *conninfo = NULL;
  GThread *threads[3];
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;

  /* Three servers starting at once on an empty database. */
  crm_test_db_exec ("DROP DATABASE IF EXISTS crm_race");
  crm_test_db_exec ("CREATE DATABASE crm_race");
  conninfo = g_strdup_printf ("%s dbname=crm_race", crm_test_db->conninfo);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("migrate", apply_thread, conninfo);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
  conn = crm_db_connect (conninfo, &error);
  g_assert_no_error (error);
  res = PQexec (conn, "SELECT (SELECT count(*) FROM schema_migrations) = (SELECT count(DISTINCT version)"
                      " FROM schema_migrations), (SELECT count(*) FROM roles)");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "t");
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "7");
  g_clear_pointer (&conn, PQfinish);
  crm_test_db_exec ("DROP DATABASE crm_race");
}

static void
test_peer_throttled (CrmTestDbFixture *f, gconstpointer data)
{
  /* Many recent failures from one address (as login_history records
   * them): further attempts from there are refused before any password
   * check; another address is not affected. */
  crm_test_db_exec ("INSERT INTO login_history (login, peer, success, reason)"
                    " SELECT 'x' || i, '127.0.0.1', false, 'wrong password'"
                    " FROM generate_series (1, 30) i");
  {
    g_autoptr(GError) e = login_error ("sa", TEST_PASSWORD, NULL);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_RATE_LIMITED);
  }
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM sessions"), ==, 0);
  crm_test_db_exec ("UPDATE login_history SET peer = '10.9.8.7'");
  {
    g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
    g_assert_nonnull (sa);
  }
}

/* ---- sign-in ---- */

static GError *
login_error (const char *login, const char *password, const char *locale)
{
  GError *error = NULL;
  g_autoptr(GVariant) reply =
    crm_test_db_run (NULL, CRM_MSG_AUTH_LOGIN,
                     g_variant_new ("(ssss)", login, password, "test", "1"),
                     NULL, locale, NULL, &error);
  g_assert_null (reply);
  return error;
}

static void
test_login_success (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  CrmRequestContext *ctx = NULL;
  g_autoptr(GVariant) reply =
    crm_test_db_run (NULL, CRM_MSG_AUTH_LOGIN,
                     g_variant_new ("(ssss)", "sa", TEST_PASSWORD, "test", "1"),
                     NULL, NULL, &ctx, &error);
  const char *token, *login, *name;
  g_autofree const char **perms = NULL;
  gint64 uid, expires;
  g_autofree char *hash = NULL;
  g_autofree char *stored = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(&sx&s&s^a&sx)", &token, &uid, &login, &name, &perms, &expires);
  g_assert_cmpuint (strlen (token), ==, 43);  /* 32 bytes, base64url without padding */
  g_assert_cmpint (uid, ==, crm_test_db_user_id ("sa"));
  g_assert_cmpstr (login, ==, "sa");
  g_assert_cmpstr (name, ==, "赵一");
  g_assert_true (g_strv_contains (perms, "customer.view"));
  g_assert_false (g_strv_contains (perms, "customer.import"));
  g_assert_cmpint (expires, >, g_get_real_time () + 11 * G_TIME_SPAN_HOUR);

  g_assert_nonnull (ctx->new_session);
  g_assert_true (crm_session_has_permission (ctx->new_session, "customer.add"));
  g_assert_false (crm_session_has_permission (ctx->new_session, "user.manage"));
  /* Only the hash of the token is stored. */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  g_assert_cmpstr (ctx->new_session->token_hash, ==, hash);
  stored = crm_test_db_query_string ("SELECT string_agg (token_hash, ',') FROM sessions");
  g_assert_cmpstr (stored, ==, hash);
  crm_request_context_free (ctx);

  /* auth.resume with the token gives the same user a session again. */
  {
    g_autoptr(GVariant) again =
      crm_test_db_run (NULL, CRM_MSG_AUTH_RESUME, g_variant_new ("(s)", token),
                       NULL, NULL, &ctx, &error);
    g_assert_no_error (error);
    g_assert_nonnull (ctx->new_session);
    g_assert_cmpint (ctx->new_session->user_id, ==, uid);
    crm_request_context_free (ctx);
  }
}

static void
test_login_wrong (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) wrong = login_error ("sa", "not-the-password", NULL);
  g_autoptr(GError) unknown = login_error ("nobody", "whatever-pass", NULL);

  g_assert_error (wrong, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  g_assert_error (unknown, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  /* Same answer whether the user exists or not. */
  g_assert_cmpstr (wrong->message, ==, unknown->message);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM login_history WHERE NOT success"), ==, 2);
  g_assert_cmpint (crm_test_db_query_int ("SELECT failed_logins FROM users WHERE login = 'sa'"), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM sessions"), ==, 0);
}

static void
test_lockout (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 4; i++)
    {
      g_autoptr(GError) e = login_error ("sb", "wrong-password", NULL);
      g_assert_error (e, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
    }
  {
    g_autoptr(GError) e = login_error ("sb", "wrong-password", NULL);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_ACCOUNT_LOCKED);
  }
  /* Locked: even the right password is refused, with the unlock time. */
  {
    g_autoptr(GError) e = login_error ("sb", TEST_PASSWORD, NULL);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_ACCOUNT_LOCKED);
  }
  g_assert_cmpint (crm_test_db_query_int (
      "SELECT extract (epoch FROM locked_until - now ())::int / 60 FROM users WHERE login = 'sb'"),
      >=, 14);

  /* The administrator unlocks; the right password works again. */
  {
    g_autofree char *key = crm_test_db_key ();
    g_autoptr(GVariant) r =
      crm_test_db_run (admin, CRM_MSG_USER_UNLOCK,
                       g_variant_new ("(sx)", key, crm_test_db_user_id ("sb")),
                       NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  {
    g_autoptr(CrmSession) sb = crm_test_db_login ("sb");
    g_assert_cmpint (sb->user_id, ==, crm_test_db_user_id ("sb"));
  }
}

static void
test_unlock_needs_permission (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) r =
    crm_test_db_run (sa, CRM_MSG_USER_UNLOCK, g_variant_new ("(sx)", key, sa->user_id),
                     NULL, NULL, NULL, &error);

  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
}

static void
test_logout (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  CrmRequestContext *ctx = NULL;
  g_autoptr(GVariant) reply =
    crm_test_db_run (NULL, CRM_MSG_AUTH_LOGIN,
                     g_variant_new ("(ssss)", "sa", TEST_PASSWORD, "test", "1"),
                     NULL, NULL, &ctx, &error);
  g_autoptr(CrmSession) session = crm_session_ref (ctx->new_session);
  g_autofree char *token = NULL;

  g_assert_no_error (error);
  g_variant_get_child (reply, 0, "s", &token);
  crm_request_context_free (ctx);

  {
    g_autoptr(GVariant) r = crm_test_db_run (session, CRM_MSG_AUTH_LOGOUT, g_variant_new ("()"),
                                             NULL, NULL, &ctx, &error);
    g_assert_no_error (error);
    g_assert_true (ctx->signed_out);
    crm_request_context_free (ctx);
  }
  {
    g_autoptr(GVariant) r = crm_test_db_run (NULL, CRM_MSG_AUTH_RESUME, g_variant_new ("(s)", token),
                                             NULL, NULL, NULL, &error);
    g_assert_null (r);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED);
    g_clear_error (&error);
  }
  /* The revoked session cannot be used for requests either once it slides. */
  {
    g_autoptr(GVariant) r = crm_test_db_run (NULL, CRM_MSG_AUTH_RESUME,
                                             g_variant_new ("(s)", "made-up-token"),
                                             NULL, NULL, NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED);
  }
}

static void
test_change_password (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(CrmSession) other = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) r = NULL;

  r = crm_test_db_run (sa, CRM_MSG_AUTH_CHANGE_PASSWORD,
                       g_variant_new ("(sss)", key, "wrong-old-pass", "new-password-1"),
                       NULL, NULL, NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_free (key);
  key = crm_test_db_key ();
  r = crm_test_db_run (sa, CRM_MSG_AUTH_CHANGE_PASSWORD,
                       g_variant_new ("(sss)", key, TEST_PASSWORD, "short"),
                       NULL, NULL, NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "new_password");
  g_clear_error (&error);
  g_free (key);
  key = crm_test_db_key ();
  r = crm_test_db_run (sa, CRM_MSG_AUTH_CHANGE_PASSWORD,
                       g_variant_new ("(sss)", key, TEST_PASSWORD, "new-password-1"),
                       NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, g_variant_unref);
  /* The other session of the same user was revoked. */
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM sessions WHERE revoked"), ==, 1);
  {
    g_autoptr(GError) e = login_error ("sa", TEST_PASSWORD, NULL);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  }
}

static void
test_must_change_password (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r = NULL;

  crm_test_db_exec ("UPDATE users SET must_change_password = true WHERE login = 'sa'");
  s = crm_test_db_login ("sa");
  g_assert_true (s->must_change_password);
  r = crm_test_db_run (s, CRM_MSG_CUSTOMER_COUNT, g_variant_new ("(@a{sv})",
                       g_variant_new ("a{sv}", NULL)), NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PASSWORD_CHANGE_REQUIRED);
}

/* ---- users, departments, roles ---- */

static void
test_user_create (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char *roles[] = { "salesperson", NULL };
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) r = NULL;
  gint64 id;

  g_variant_dict_insert (&d, "login", "s", "newbie");
  g_variant_dict_insert (&d, "display_name", "s", "新人");
  g_variant_dict_insert (&d, "password", "s", "first-password");
  g_variant_dict_insert (&d, "roles", "^as", roles);
  g_variant_dict_insert (&d, "department_id", "x",
                         crm_test_db_query_int ("SELECT id FROM departments WHERE name = '一部'"));
  g_variant_dict_insert (&d, "leader_id", "x", crm_test_db_user_id ("lead1"));
  g_variant_dict_insert (&d, "must_change_password", "b", FALSE);
  r = crm_test_db_run (admin, CRM_MSG_USER_CREATE,
                       g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                       NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x)", &id);
  g_assert_cmpint (id, ==, crm_test_db_user_id ("newbie"));
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM audit_log WHERE entity = 'user'"
                                          " AND action = 'create'"), ==, 1);

  /* Same login again: duplicate, nothing written. */
  {
    g_auto(GVariantDict) d2 = G_VARIANT_DICT_INIT (NULL);
    g_autofree char *key2 = crm_test_db_key ();
    g_autoptr(GVariant) r2 = NULL;

    g_variant_dict_insert (&d2, "login", "s", "newbie");
    g_variant_dict_insert (&d2, "display_name", "s", "新人二");
    g_variant_dict_insert (&d2, "password", "s", "first-password");
    r2 = crm_test_db_run (admin, CRM_MSG_USER_CREATE,
                          g_variant_new ("(s@a{sv})", key2, g_variant_dict_end (&d2)),
                          NULL, NULL, NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_DUPLICATE);
    g_assert_cmpstr (crm_error_get_field (error), ==, "login");
  }
}

static void
test_department_create_and_list (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_autoptr(GVariant) r = NULL;
  g_autoptr(GVariant) list = NULL;
  gint64 id;

  r = crm_test_db_run (admin, CRM_MSG_DEPARTMENT_CREATE,
                       g_variant_new ("(ssx)", key, "三部",
                                      crm_test_db_query_int ("SELECT id FROM departments WHERE name = '销售部'")),
                       NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (r, "(x)", &id);
  g_clear_pointer (&r, g_variant_unref);
  g_free (key);
  key = crm_test_db_key ();
  r = crm_test_db_run (admin, CRM_MSG_DEPARTMENT_CREATE,
                       g_variant_new ("(ssx)", key, "三部",
                                      crm_test_db_query_int ("SELECT id FROM departments WHERE name = '销售部'")),
                       NULL, NULL, NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_free (key);
  key = crm_test_db_key ();
  r = crm_test_db_run (admin, CRM_MSG_DEPARTMENT_CREATE,
                       g_variant_new ("(ssx)", key, "孤儿部", (gint64) 987654),
                       NULL, NULL, NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "parent_id");
  g_clear_error (&error);

  list = crm_test_db_run (admin, CRM_MSG_DEPARTMENT_LIST, g_variant_new ("()"), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (list), ==, 5);
}

static void
test_role_list (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) admin = crm_test_db_login ("admin");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) list =
    crm_test_db_run (admin, CRM_MSG_ROLE_LIST, g_variant_new ("()"), NULL, NULL, NULL, &error);
  gboolean found = FALSE;

  g_assert_no_error (error);
  for (gsize i = 0; i < g_variant_n_children (list); i++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (list, i);
      const char *name = NULL, *display = NULL;

      g_variant_lookup (row, "name", "&s", &name);
      g_variant_lookup (row, "display_name", "&s", &display);
      if (g_strcmp0 (name, "salesperson") == 0)
        {
          found = TRUE;
          g_assert_cmpstr (display, ==, "业务员");
        }
    }
  g_assert_true (found);
}

/* ---- errors in the peer's language ---- */

/* Binds the domain to a catalogue made of this area's fragment only, when
 * the merged po/zh_CN.po does not have these messages yet. */
static char *
bind_fragment_catalogue (void)
{
  const char *mo = g_getenv ("CRM_TEST_FRAGMENT_MO");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  char *dir;
  g_autofree char *sub = NULL;
  g_autofree char *target = NULL;

  if (mo == NULL || !g_file_get_contents (mo, &contents, &len, NULL))
    return NULL;
  dir = g_dir_make_tmp ("crm-test-locale-XXXXXX", &error);
  g_assert_no_error (error);
  sub = g_build_filename (dir, "zh_CN", "LC_MESSAGES", NULL);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  target = g_build_filename (sub, GETTEXT_PACKAGE ".mo", NULL);
  g_assert_true (g_file_set_contents (target, contents, len, &error));
  bindtextdomain (GETTEXT_PACKAGE, dir);
  return dir;
}

static const char *
translate_zh (locale_t loc, const char *msgid)
{
  locale_t old = uselocale (loc);
  const char *t = g_dgettext (GETTEXT_PACKAGE, msgid);

  uselocale (old);
  return t;
}

static void
test_error_translated (CrmTestDbFixture *f, gconstpointer data)
{
  locale_t loc = newlocale (LC_MESSAGES_MASK, "zh_CN.UTF-8", (locale_t) 0);
  g_autofree char *fragment_dir = NULL;
  const char *msgid = "Wrong user name or password";

  if (loc == (locale_t) 0)
    {
      g_test_skip ("zh_CN.UTF-8 is not generated on this system (locale-gen)");
      return;
    }
  if (g_strcmp0 (translate_zh (loc, msgid), msgid) == 0)
    fragment_dir = bind_fragment_catalogue ();
  g_assert_cmpstr (translate_zh (loc, msgid), ==, "用户名或密码错误");

  {
    g_autoptr(GError) en = login_error ("sa", "not-the-password", "C");
    g_autoptr(GError) zh = login_error ("sa", "not-the-password", "zh_CN");
    g_autoptr(GError) zh_dash = login_error ("sa", "not-the-password", "zh-CN");
    g_autoptr(GError) junk = login_error ("sa", "not-the-password", "../../etc/passwd");

    g_assert_cmpstr (en->message, ==, msgid);
    g_assert_cmpstr (zh->message, ==, "用户名或密码错误");
    g_assert_cmpstr (zh_dash->message, ==, "用户名或密码错误");
    /* A malformed locale falls back to English. */
    g_assert_cmpstr (junk->message, ==, msgid);
  }
  if (fragment_dir != NULL)
    {
      g_autofree char *mo = g_build_filename (fragment_dir, "zh_CN", "LC_MESSAGES",
                                              GETTEXT_PACKAGE ".mo", NULL);
      g_autofree char *d1 = g_build_filename (fragment_dir, "zh_CN", "LC_MESSAGES", NULL);
      g_autofree char *d2 = g_build_filename (fragment_dir, "zh_CN", NULL);

      bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
      g_remove (mo);
      g_rmdir (d1);
      g_rmdir (d2);
      g_rmdir (fragment_dir);
    }
  freelocale (loc);
}

/* ---- change notifications ---- */

typedef struct {
  char  *entity;
  gint64 id;
  char  *action;
} Change;

static void
on_record_changed (CrmDbListener *l, const char *entity, gint64 id, gint64 version,
                   const char *action, gint64 owner, Change *c)
{
  g_free (c->entity);
  g_free (c->action);
  c->entity = g_strdup (entity);
  c->id = id;
  c->action = g_strdup (action);
}

static void
test_listener (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmDbListener) listener = crm_db_listener_new (crm_test_db->conninfo);
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  Change c = { 0 };
  gint64 id;

  g_signal_connect (listener, "record-changed", G_CALLBACK (on_record_changed), &c);
  id = crm_test_db_create_customer (sa, "上海通知测试有限公司", NULL);
  while (c.entity == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (c.entity, ==, "customer");
  g_assert_cmpint (c.id, ==, id);
  g_assert_cmpstr (c.action, ==, "create");
  g_free (c.entity);
  g_free (c.action);
}

/* ---- accounts and demo data ---- */

static GError *
login_with (const char *login, const char *password)
{
  GError *error = NULL;
  g_autoptr(GVariant) reply =
    crm_test_db_run (NULL, CRM_MSG_AUTH_LOGIN,
                     g_variant_new ("(ssss)", login, password, "test", "1"),
                     NULL, NULL, NULL, &error);
  return error;
}

static void
test_create_admin (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = crm_accounts_create_admin (crm_test_db->conninfo, "boss", &error);
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (first), >=, 12);
  g_assert_null (login_with ("boss", first));
  /* Again: the password is reset, the old one stops working. */
  second = crm_accounts_create_admin (crm_test_db->conninfo, "boss", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, !=, second);
  {
    g_autoptr(GError) e = login_with ("boss", first);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  }
  g_assert_null (login_with ("boss", second));
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM user_roles ur JOIN users u"
                                          " ON u.id = ur.user_id WHERE u.login = 'boss'"), ==, 1);
  {
    g_autofree char *none = crm_accounts_create_admin (crm_test_db->conninfo, "bad login'--", &error);
    g_assert_null (none);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
}

static gint64
count_for (CrmSession *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r =
    crm_test_db_run (s, CRM_MSG_CUSTOMER_COUNT,
                     g_variant_new ("(@a{sv})", g_variant_new ("a{sv}", NULL)),
                     NULL, NULL, NULL, &error);
  gint64 n = -1;
  gboolean estimated;

  g_assert_no_error (error);
  g_variant_get (r, "(xb)", &n, &estimated);
  return n;
}

static void
test_demo_load (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmSession) sales1 = NULL;
  g_autoptr(CrmSession) manager = NULL;
  g_autoptr(CrmSession) lead1 = NULL;

  crm_test_db_exec ("TRUNCATE user_roles, users, departments RESTART IDENTITY CASCADE");
  crm_test_db_restore_roles ();
  g_assert_true (crm_demo_load_if_empty (crm_test_db->conninfo, 120, &error));
  g_assert_no_error (error);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 120);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(DISTINCT owner_id) FROM customers"), ==, 6);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers WHERE code !~ '^KH-[0-9]{8}-[0-9]{4}$'"), ==, 0);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers WHERE name_initials = '' OR cardinality (search_bigrams) = 0"), ==, 0);
  /* Not empty any more: a second call changes nothing. */
  g_assert_true (crm_demo_load_if_empty (crm_test_db->conninfo, 50, &error));
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 120);

  sales1 = crm_test_db_login_password ("sales1", "demo1234");
  manager = crm_test_db_login_password ("manager", "demo1234");
  lead1 = crm_test_db_login_password ("lead1", "demo1234");

  g_assert_cmpint (count_for (sales1), ==, 20);
  g_assert_cmpint (count_for (lead1), ==, 60);
  g_assert_cmpint (count_for (manager), ==, 120);
}

static void
test_expired_session (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) live = crm_test_db_login ("sa");
  g_autoptr(CrmSession) old = crm_session_new (live->token_hash, live->user_id, live->department_id,
                                               live->login, live->display_name,
                                               g_strdupv (live->permissions),
                                               g_get_real_time () - G_USEC_PER_SEC, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) r =
    crm_test_db_run (old, CRM_MSG_AUTH_WHOAMI, g_variant_new ("()"), NULL, NULL, NULL, &error);

  g_assert_null (r);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED);
  g_clear_error (&error);
  /* A session due for sliding whose row was revoked is refused too. */
  {
    g_autoptr(CrmSession) due = crm_session_new (live->token_hash, live->user_id, live->department_id,
                                                 live->login, live->display_name,
                                                 g_strdupv (live->permissions),
                                                 g_get_real_time () + G_TIME_SPAN_HOUR, FALSE);
    g_autoptr(GVariant) r2 = NULL;
    CrmRequestContext *ctx = NULL;

    r2 = crm_test_db_run (due, CRM_MSG_AUTH_WHOAMI, g_variant_new ("()"), NULL, NULL, &ctx, &error);
    g_assert_no_error (error);
    /* Slid: the new expiry is about 12 hours away. */
    g_assert_nonnull (ctx->new_session);
    g_assert_cmpint (ctx->new_session->expires_us, >, g_get_real_time () + 11 * G_TIME_SPAN_HOUR);
    crm_request_context_free (ctx);
    g_clear_pointer (&r2, g_variant_unref);
    crm_test_db_exec ("UPDATE sessions SET revoked = true");
    r2 = crm_test_db_run (due, CRM_MSG_AUTH_WHOAMI, g_variant_new ("()"), NULL, NULL, NULL, &error);
    g_assert_null (r2);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED);
  }
}

/* ---- PostgreSQL restarts under the pool ---- */

static gboolean
give_up (gpointer data)
{
  g_error ("no change notification 60 s after the restart");
  return G_SOURCE_REMOVE;
}

static void
test_pool_survives_restart (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmDbListener) listener = crm_db_listener_new (crm_test_db->conninfo);
  Change c = { 0 };
  gint64 after;
  guint timeout;

  crm_test_db_create_customer (sa, "重启前有限公司", NULL);
  crm_embedded_pg_stop (crm_test_db->pg);
  g_clear_pointer (&crm_test_db->conninfo, g_free);
  crm_test_db->pg = crm_embedded_pg_start (crm_test_db->data_dir, &crm_test_db->conninfo, &error);
  g_assert_no_error (error);
  PQreset (crm_test_db->sql);
  g_assert_cmpint (PQstatus (crm_test_db->sql), ==, CONNECTION_OK);

  /* Every worker had a dead connection; each request still succeeds. */
  for (int i = 0; i < 24; i++)
    g_assert_cmpint (count_for (sa), ==, 1);
  g_assert_cmpint (crm_test_db_query_int ("SELECT count(*) FROM customers"), ==, 1);

  /* The listener reconnects by itself and hears changes made after. */
  g_signal_connect (listener, "record-changed", G_CALLBACK (on_record_changed), &c);
  timeout = g_timeout_add_seconds (60, give_up, NULL);
  for (;;)
    {
      g_autofree char *name = g_strdup_printf ("重启后%d有限公司", g_random_int_range (0, 1000000));

      after = crm_test_db_create_customer (sa, name, NULL);
      /* Wait a little for the notification, then try again: the listener
       * may still be reconnecting (backoff). */
      for (int i = 0; i < 50 && c.id != after; i++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10000);
        }
      if (c.id == after)
        break;
      g_clear_pointer (&c.entity, g_free);
      g_clear_pointer (&c.action, g_free);
    }
  g_source_remove (timeout);
  g_assert_cmpstr (c.entity, ==, "customer");
  g_free (c.entity);
  g_free (c.action);
}

static void
test_stale_pid_file (CrmTestDbFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pidfile = g_build_filename (crm_test_db->data_dir, "pg", "postmaster.pid", NULL);
  g_autofree char *fake = NULL;

  /* As after a power cut: the lock file names a pid that is alive but is
   * not PostgreSQL (here: this test program). */
  crm_embedded_pg_stop (crm_test_db->pg);
  crm_test_db->pg = NULL;
  fake = g_strdup_printf ("%d\n%s\n", (int) getpid (), crm_test_db->data_dir);
  g_assert_true (g_file_set_contents (pidfile, fake, -1, &error));
  g_clear_pointer (&crm_test_db->conninfo, g_free);
  crm_test_db->pg = crm_embedded_pg_start (crm_test_db->data_dir, &crm_test_db->conninfo, &error);
  g_assert_no_error (error);
  g_assert_nonnull (crm_test_db->pg);
  PQreset (crm_test_db->sql);
  g_assert_cmpint (PQstatus (crm_test_db->sql), ==, CONNECTION_OK);
  {
    g_autoptr(CrmSession) sa = crm_test_db_login ("sa");
    g_assert_cmpint (count_for (sa), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  crm_test_db_start ();

  crm_test_db_add ("/db/migrations/idempotent", test_migrations_idempotent);
  crm_test_db_add ("/db/migrations/newer-refused", test_migrations_newer_refused);
  crm_test_db_add ("/db/migrations/pinyin-collation", test_collation_available);
  crm_test_db_add ("/db/migrations/concurrent", test_migrations_concurrent);
  crm_test_db_add ("/db/auth/login/success", test_login_success);
  crm_test_db_add ("/db/auth/login/wrong", test_login_wrong);
  crm_test_db_add ("/db/auth/lockout", test_lockout);
  crm_test_db_add ("/db/auth/peer-throttled", test_peer_throttled);
  crm_test_db_add ("/db/auth/unlock-needs-permission", test_unlock_needs_permission);
  crm_test_db_add ("/db/auth/logout", test_logout);
  crm_test_db_add ("/db/auth/change-password", test_change_password);
  crm_test_db_add ("/db/auth/must-change-password", test_must_change_password);
  crm_test_db_add ("/db/users/create", test_user_create);
  crm_test_db_add ("/db/departments/create-list", test_department_create_and_list);
  crm_test_db_add ("/db/roles/list", test_role_list);
  crm_test_db_add ("/db/i18n/error-translated", test_error_translated);
  crm_test_db_add ("/db/listener/record-changed", test_listener);
  crm_test_db_add ("/db/accounts/create-admin", test_create_admin);
  crm_test_db_add ("/db/accounts/demo-load", test_demo_load);
  crm_test_db_add ("/db/auth/session-expiry", test_expired_session);
  crm_test_db_add ("/db/pool/survives-postgres-restart", test_pool_survives_restart);
  crm_test_db_add ("/db/embedded/stale-pid-file", test_stale_pid_file);

  rc = g_test_run ();
  crm_test_db_stop ();
  return rc;
}
