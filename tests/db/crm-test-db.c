/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-test-db"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm-test-db.h"
#include "crm-modules.h"

CrmTestDb *crm_test_db;
static char *password_hash;

static gboolean
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) e =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (e != NULL)
    {
      GFileInfo *info;
      while ((info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            remove_tree (child);
          else
            g_file_delete (child, NULL, NULL);
          g_object_unref (info);
        }
    }
  return g_file_delete (file, NULL, NULL);
}

/* A failed assertion aborts the test program before crm_test_db_stop: a
 * watchdog process, forked while the program is still single-threaded,
 * waits for it to exit (end of file on a pipe) and then shuts the cluster
 * down (SIGQUIT to the postmaster) and removes the directory. */
static void
start_watchdog (const char *data_dir)
{
  int fds[2];
  pid_t child;

  if (pipe (fds) != 0)
    return;
  child = fork ();
  if (child < 0)
    {
      close (fds[0]);
      close (fds[1]);
      return;
    }
  if (child == 0)
    {
      char c;
      g_autofree char *pidfile = g_build_filename (data_dir, "pg", "postmaster.pid", NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GFile) dir = g_file_new_for_path (data_dir);

      int null_fd = open ("/dev/null", O_RDWR);

      close (fds[1]);
      /* Do not hold the test's output open for the harness. */
      if (null_fd >= 0)
        {
          dup2 (null_fd, 0);
          dup2 (null_fd, 1);
          dup2 (null_fd, 2);
          close (null_fd);
        }
      setsid ();
      while (read (fds[0], &c, 1) != 0)
        ;
      if (g_file_get_contents (pidfile, &contents, NULL, NULL))
        {
          pid_t pg = (pid_t) strtol (contents, NULL, 10);
          if (pg > 1 && kill (pg, SIGQUIT) == 0)
            for (int i = 0; i < 100 && kill (pg, 0) == 0; i++)
              g_usleep (50000);
        }
      if (g_file_test (data_dir, G_FILE_TEST_IS_DIR))
        remove_tree (dir);
      _exit (0);
    }
  close (fds[0]);
  /* The write end stays open until this process ends, however it ends. */
}

void
crm_test_db_start (void)
{
  g_autoptr(GError) error = NULL;
  CrmTestDb *t = g_new0 (CrmTestDb, 1);

  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  t->data_dir = g_dir_make_tmp ("crm-test-db-XXXXXX", &error);
  g_assert_no_error (error);
  start_watchdog (t->data_dir);
  t->pg = crm_embedded_pg_start (t->data_dir, &t->conninfo, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t->pg);
  g_assert_true (crm_migrations_apply (t->conninfo, &error));
  g_assert_no_error (error);
  t->pool = crm_db_pool_new (t->conninfo, 8, &error);
  g_assert_no_error (error);
  t->sql = crm_db_connect (t->conninfo, &error);
  g_assert_no_error (error);
  PQclear (PQexec (t->sql, "SET client_min_messages = warning"));
  /* The role templates as the migrations left them: truncating users
   * cascades to roles since roles.deleted_by (migration 0092). */
  crm_test_db = t;
  crm_test_db_exec ("CREATE TABLE test_roles_snapshot AS SELECT * FROM roles");
  crm_test_db_exec ("CREATE TABLE test_role_permissions_snapshot AS SELECT * FROM role_permissions");
  password_hash = crm_password_hash (TEST_PASSWORD);
  g_assert_nonnull (password_hash);
  crm_test_db = t;
}

void
crm_test_db_stop (void)
{
  CrmTestDb *t = crm_test_db;
  g_autoptr(GFile) dir = NULL;

  if (t == NULL)
    return;
  crm_db_pool_free (t->pool);
  PQfinish (t->sql);
  crm_embedded_pg_stop (t->pg);
  dir = g_file_new_for_path (t->data_dir);
  remove_tree (dir);
  g_free (t->conninfo);
  g_free (t->data_dir);
  g_free (t);
  crm_test_db = NULL;
}

void
crm_test_db_exec (const char *sql)
{
  PGresult *res = PQexec (crm_test_db->sql, sql);
  ExecStatusType st = PQresultStatus (res);

  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
}

char *
crm_test_db_query_string (const char *sql)
{
  g_autoptr(PGresult) res = PQexec (crm_test_db->sql, sql);

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  if (PQntuples (res) == 0 || PQgetisnull (res, 0, 0))
    return NULL;
  return g_strdup (PQgetvalue (res, 0, 0));
}

gint64
crm_test_db_query_int (const char *sql)
{
  g_autofree char *s = crm_test_db_query_string (sql);

  return s ? g_ascii_strtoll (s, NULL, 10) : 0;
}

gint64
crm_test_db_user_id (const char *login)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM users WHERE login = '%s'", login);

  return crm_test_db_query_int (sql);
}

static void
add_user (const char *login, const char *name, const char *department, const char *leader,
          const char *role)
{
  const char *params[] = { login, name, password_hash, department, leader, role };
  PGresult *res = PQexecParams (crm_test_db->sql,
      "WITH u AS (INSERT INTO users (login, display_name, password_hash, department_id, leader_id)"
      " VALUES ($1, $2, $3, (SELECT id FROM departments WHERE name = $4),"
      " (SELECT id FROM users WHERE login = $5)) RETURNING id)"
      " INSERT INTO user_roles SELECT u.id, r.id FROM u, roles r WHERE r.name = $6",
      6, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("add_user %s: %s", login, PQresultErrorMessage (res));
  PQclear (res);
}

void
crm_test_db_restore_roles (void)
{
  crm_test_db_exec ("DELETE FROM role_permissions");
  crm_test_db_exec ("DELETE FROM roles");
  crm_test_db_exec ("INSERT INTO roles SELECT * FROM test_roles_snapshot");
  crm_test_db_exec ("INSERT INTO role_permissions SELECT * FROM test_role_permissions_snapshot");
  crm_test_db_exec ("SELECT setval ('roles_id_seq', (SELECT max (id) FROM roles))");
}

void
crm_test_db_fixture_reset (CrmTestDbFixture *f,
                           gconstpointer     data)
{
  crm_test_db_reset ();
}

void
crm_test_db_reset (void)
{
  static const char truncate_sql[] =
    "TRUNCATE customers, audit_log, idempotency, sessions, login_history,"
    " customer_code_counters, numbering_counters, user_roles, users, departments"
    " RESTART IDENTITY CASCADE";

  /* The previous test may have left a pool worker finishing a statement
   * (a session slide, a sign-in record); TRUNCATE ... CASCADE takes its
   * locks table by table and PostgreSQL may pick it as a deadlock's
   * victim (seen once under load).  That is the harness's race, not the
   * product's: wait and take the locks again. */
  for (int attempt = 0;; attempt++)
    {
      g_autoptr(PGresult) res = PQexec (crm_test_db->sql, truncate_sql);
      const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);

      if (PQresultStatus (res) == PGRES_COMMAND_OK)
        break;
      if (attempt >= 20 || state == NULL || strcmp (state, "40P01") != 0)
        g_error ("%s: %s", truncate_sql, PQresultErrorMessage (res));
      g_usleep (50 * 1000);
    }
  crm_test_db_restore_roles ();
  crm_test_db_exec ("INSERT INTO departments (name) VALUES ('销售部'), ('其他部')");
  crm_test_db_exec ("INSERT INTO departments (name, parent_id)"
                    " SELECT n, (SELECT id FROM departments WHERE name = '销售部')"
                    " FROM unnest (ARRAY['一部', '二部']) n");
  add_user ("admin", "管理员", NULL, NULL, "administrator");
  add_user ("manager", "张经理", "销售部", NULL, "department_manager");
  add_user ("lead1", "李组长", "一部", "manager", "team_lead");
  add_user ("sa", "赵一", "一部", "lead1", "salesperson");
  add_user ("sb", "钱二", "二部", "manager", "salesperson");
  add_user ("sc", "孙三", "其他部", NULL, "salesperson");
}

typedef struct {
  GVariant          *reply;
  GError            *error;
  CrmRequestContext *ctx;
  gboolean           done;
} RunResult;

static void
run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RunResult *r = user_data;

  r->reply = crm_db_pool_run_finish (crm_test_db->pool, result, &r->ctx, &r->error);
  r->done = TRUE;
}

char *
crm_test_db_key (void)
{
  return g_uuid_string_random ();
}

CrmRequestContext *
crm_test_db_context_new (CrmSession  *session,
                         CrmMessageId id,
                         const char  *key)
{
  CrmRequestContext *ctx = g_new0 (CrmRequestContext, 1);
  static guint32 request_id;

  ctx->message = crm_message_lookup (id);
  g_assert_nonnull (ctx->message);
  ctx->request_id = ++request_id;
  ctx->session = session ? crm_session_ref (session) : NULL;
  ctx->locale = g_strdup ("C");
  ctx->peer_address = g_strdup ("127.0.0.1:40000");
  if (ctx->message->flags & CRM_MSG_FLAG_MUTATES)
    ctx->idempotency_key = key != NULL ? g_strdup (key) : crm_test_db_key ();
  return ctx;
}

GVariant *
crm_test_db_run (CrmSession  *session,
                 CrmMessageId id,
                 GVariant    *request,
                 const char  *key,
                 const char  *locale,
                 CrmRequestContext **ctx_out,
                 GError     **error)
{
  const CrmMessageInfo *message = crm_message_lookup (id);
  g_autofree char *request_key = NULL;
  CrmRequestContext *ctx;
  RunResult r = { 0 };

  g_assert_nonnull (message);
  if ((message->flags & CRM_MSG_FLAG_MUTATES) && key == NULL)
    g_variant_get_child (request, 0, "s", &request_key);
  ctx = crm_test_db_context_new (session, id, key != NULL ? key : request_key);
  if (locale != NULL)
    {
      g_free (ctx->locale);
      ctx->locale = g_strdup (locale);
    }
  g_assert_true (g_variant_is_of_type (request, G_VARIANT_TYPE (ctx->message->request_type)));
  crm_db_pool_run_async (crm_test_db->pool, ctx, request, NULL, run_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  if (ctx_out != NULL)
    *ctx_out = r.ctx;
  else
    crm_request_context_free (r.ctx);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.reply;
}

CrmSession *
crm_test_db_login (const char *login)
{
  return crm_test_db_login_password (login, TEST_PASSWORD);
}

CrmSession *
crm_test_db_login_password (const char *login, const char *password)
{
  g_autoptr(GError) error = NULL;
  CrmRequestContext *ctx = NULL;
  g_autoptr(GVariant) reply =
    crm_test_db_run (NULL, CRM_MSG_AUTH_LOGIN,
                     g_variant_new ("(ssss)", login, password, "test", "1"),
                     NULL, NULL, &ctx, &error);
  CrmSession *session;

  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_assert_nonnull (ctx->new_session);
  session = crm_session_ref (ctx->new_session);
  crm_request_context_free (ctx);
  return session;
}

gint64
crm_test_db_create_customer (CrmSession *session, const char *name, const char *phone)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_test_db_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) reply = NULL;
  gint64 id, version;

  g_variant_dict_insert (&d, "name", "s", name);
  if (phone != NULL)
    {
      const char *phones[] = { phone, NULL };
      g_variant_dict_insert (&d, "phones", "^as", phones);
    }
  reply = crm_test_db_run (session, CRM_MSG_CUSTOMER_CREATE,
                           g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(xx)", &id, &version);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (version, ==, 1);
  return id;
}

GVariant *
crm_test_db_search (CrmSession *session, const char *query, gint32 limit, GError **error)
{
  return crm_test_db_run (session, CRM_MSG_CUSTOMER_SEARCH,
                          g_variant_new ("(s@a{sv}i)", query, g_variant_new ("a{sv}", NULL), limit),
                          NULL, NULL, NULL, error);
}

GVariant *
crm_test_db_import (CrmSession *session, GVariant *rows, const char *key, const char *locale,
                    GError **error)
{
  g_autofree char *fresh = key == NULL ? crm_test_db_key () : NULL;
  const char *k = key != NULL ? key : fresh;

  return crm_test_db_run (session, CRM_MSG_CUSTOMER_IMPORT, g_variant_new ("(s@aa{sv})", k, rows),
                          k, locale, NULL, error);
}
