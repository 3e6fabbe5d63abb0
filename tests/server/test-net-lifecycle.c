/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "test-net-lifecycle"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crm-test-server.h"

/*
 * The server's life under stress, with real processes: SIGTERM while
 * requests are in flight answers them; SIGKILL during a stream of writes
 * loses no acknowledged write and, with idempotent retries, duplicates
 * none; PostgreSQL restarted under load is survived.
 */

static CrmTestServer *
get_server (void)
{
  return crm_test_server_get_shared (NULL);
}

static CrmConnection *
connect_admin (void)
{
  return crm_test_server_connect_ok (get_server (), "admin",
                                     crm_test_server_get_admin_password (get_server ()));
}

typedef enum { OUTCOME_PENDING, OUTCOME_OK, OUTCOME_UNAVAILABLE, OUTCOME_CLOSED } Outcome;

typedef struct {
  char *key;
  char *name;
  Outcome outcome;
  gint64 id;
} Write;

typedef struct {
  Write *writes;
  guint n;
  guint pending;
  guint ok;
  guint unexpected;
} Stream;

typedef struct {
  Stream *stream;
  guint index;
} CallData;

static void
write_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  CallData *call = data;
  Stream *stream = call->stream;
  Write *w = &stream->writes[call->index];
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);

  stream->pending--;
  if (reply != NULL)
    {
      g_variant_get (reply, "(xx)", &w->id, NULL);
      w->outcome = OUTCOME_OK;
      stream->ok++;
    }
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE))
    w->outcome = OUTCOME_UNAVAILABLE;
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CLOSED))
    w->outcome = OUTCOME_CLOSED;
  else
    {
      g_test_message ("write %u: unexpected error %s", call->index, error->message);
      w->outcome = OUTCOME_CLOSED;
      stream->unexpected++;
    }
  g_free (call);
}

static void
stream_init (Stream *stream, guint n, const char *label)
{
  g_autofree char *run = g_uuid_string_random ();

  stream->writes = g_new0 (Write, n);
  stream->n = n;
  for (guint i = 0; i < n; i++)
    {
      stream->writes[i].key = crm_new_idempotency_key ();
      /* Unique per run, so counting by name is exact. */
      stream->writes[i].name = g_strdup_printf ("%s客户-%.8s-%04u", label, run, i);
    }
}

static void
stream_clear (Stream *stream)
{
  for (guint i = 0; i < stream->n; i++)
    {
      g_free (stream->writes[i].key);
      g_free (stream->writes[i].name);
    }
  g_free (stream->writes);
}

static void
send_write (CrmConnection *conn, Stream *stream, guint i)
{
  CallData *call = g_new0 (CallData, 1);

  call->stream = stream;
  call->index = i;
  stream->pending++;
  crm_connection_call_async (conn, CRM_MSG_CUSTOMER_CREATE,
                             crm_test_customer_create_body (stream->writes[i].key,
                                                            stream->writes[i].name),
                             NULL, write_done_cb, call);
}

/* Every customer whose name starts with `prefix`, counted through the
 * export pages (id order, the whole table). */
static GHashTable *
count_names (CrmConnection *conn, const char *prefix)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 after = 0;

  do
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) rows = NULL;
      GVariantBuilder filters;
      GVariantIter iter;
      GVariant *row;

      g_variant_builder_init (&filters, G_VARIANT_TYPE_VARDICT);
      reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_EXPORT,
                                        g_variant_new ("(a{sv}xi)", &filters, after, 5000), NULL, &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(@aa{sv}x)", &rows, &after);
      g_variant_iter_init (&iter, rows);
      while ((row = g_variant_iter_next_value (&iter)))
        {
          const char *name = NULL;

          if (g_variant_lookup (row, "name", "&s", &name) && g_str_has_prefix (name, prefix))
            {
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
              g_hash_table_replace (counts, g_strdup (name), GUINT_TO_POINTER (n + 1));
            }
          g_variant_unref (row);
        }
    }
  while (after != 0);
  return counts;
}

static void
test_sigterm_answers_in_flight (void)
{
  enum { N = 120 };
  g_autoptr(CrmConnection) conn = connect_admin ();
  g_autoptr(GError) error = NULL;
  Stream stream = { 0 };
  guint ok_before_signal;
  GPid pid;

  stream_init (&stream, N, "停机");
  for (guint i = 0; i < N; i++)
    send_write (conn, &stream, i);

  /* Once the first answers arrive, the rest are in the server's hands. */
  while (stream.ok == 0 && stream.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  ok_before_signal = stream.ok;
  pid = crm_test_server_get_pid (get_server ());
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGTERM), ==, 0);

  while (stream.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("%u acknowledged before SIGTERM, %u in all", ok_before_signal, stream.ok);
  g_assert_cmpuint (stream.unexpected, ==, 0);
  /* Requests in flight at the signal were still answered. */
  g_assert_cmpuint (stream.ok, >, ok_before_signal);

  crm_test_server_kill (get_server (), SIGTERM);
  g_assert_cmpint (crm_test_server_get_exit_status (get_server ()), ==, 0);

  /* Every acknowledged write is there after a restart. */
  crm_test_server_restart (get_server (), &error);
  g_assert_no_error (error);
  {
    g_autoptr(CrmConnection) again = connect_admin ();
    g_autofree char *prefix = g_strndup (stream.writes[0].name, strlen (stream.writes[0].name) - 4);
    g_autoptr(GHashTable) counts = count_names (again, prefix);

    for (guint i = 0; i < N; i++)
      if (stream.writes[i].outcome == OUTCOME_OK)
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, stream.writes[i].name)), ==, 1);
    crm_connection_close (again);
  }
  stream_clear (&stream);
}

static void
test_sigkill_during_writes (void)
{
  enum { N = 400, WINDOW = 16, KILL_AFTER = 120 };
  g_autoptr(CrmConnection) conn = connect_admin ();
  g_autoptr(CrmConnection) again = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;
  Stream stream = { 0 };
  guint next = 0, acknowledged = 0, retried = 0;

  stream_init (&stream, N, "断电");
  prefix = g_strndup (stream.writes[0].name, strlen (stream.writes[0].name) - 4);

  /* A steady stream with WINDOW writes in flight; the server is killed
   * mid-stream, as a power cut would. */
  while (next < N || stream.pending > 0)
    {
      while (next < N && stream.pending < WINDOW && crm_connection_get_state (conn) != CRM_CONNECTION_STATE_CLOSED)
        send_write (conn, &stream, next++);
      if (stream.ok >= KILL_AFTER && crm_test_server_get_pid (get_server ()) != 0)
        crm_test_server_kill (get_server (), SIGKILL);
      if (crm_connection_get_state (conn) == CRM_CONNECTION_STATE_CLOSED && stream.pending == 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  acknowledged = stream.ok;
  g_test_message ("%u of %u writes acknowledged before the kill", acknowledged, N);
  g_assert_cmpuint (acknowledged, >=, KILL_AFTER);
  g_assert_cmpuint (stream.unexpected, ==, 0);

  crm_test_server_restart (get_server (), &error);
  g_assert_no_error (error);
  again = connect_admin ();

  /* Acknowledged writes survived, exactly once. */
  counts = count_names (again, prefix);
  for (guint i = 0; i < N; i++)
    if (stream.writes[i].outcome == OUTCOME_OK)
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, stream.writes[i].name)), ==, 1);

  /* Retrying every write with its key: acknowledged ones answer with the
   * same id, the rest are applied now (or were, without the answer
   * reaching us), and nothing is duplicated. */
  for (guint i = 0; i < N; i++)
    {
      g_autoptr(GVariant) reply = crm_connection_call_sync (again, CRM_MSG_CUSTOMER_CREATE,
                                                            crm_test_customer_create_body (stream.writes[i].key,
                                                                                           stream.writes[i].name),
                                                            NULL, &error);
      gint64 id = 0;

      g_assert_no_error (error);
      g_variant_get (reply, "(xx)", &id, NULL);
      if (stream.writes[i].outcome == OUTCOME_OK)
        g_assert_cmpint (id, ==, stream.writes[i].id);
      else
        retried++;
    }
  g_test_message ("%u writes retried after the restart", retried);

  g_clear_pointer (&counts, g_hash_table_unref);
  counts = count_names (again, prefix);
  g_assert_cmpuint (g_hash_table_size (counts), ==, N);
  for (guint i = 0; i < N; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, stream.writes[i].name)), ==, 1);

  crm_connection_close (again);
  crm_connection_close (conn);
  stream_clear (&stream);
}

typedef struct {
  CrmConnection *conn;
  gint64 customer_id; /* non-zero: customer.get (pipelined reads), else health */
  guint ok;
  guint failed;
  gboolean busy;
  gboolean stop;
} Loader;

static void loader_next (Loader *loader);

static void
loader_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Loader *loader = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);

  loader->busy = FALSE;
  if (reply != NULL)
    loader->ok++;
  else
    {
      g_test_message ("during the database restart: %s", error->message);
      loader->failed++;
    }
  if (!loader->stop && crm_connection_get_state (loader->conn) != CRM_CONNECTION_STATE_CLOSED)
    loader_next (loader);
}

static void
loader_next (Loader *loader)
{
  loader->busy = TRUE;
  if (loader->customer_id != 0)
    crm_connection_call_async (loader->conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", loader->customer_id),
                               NULL, loader_done_cb, loader);
  else
    crm_connection_call_async (loader->conn, CRM_MSG_HEALTH, NULL, NULL, loader_done_cb, loader);
}

typedef struct {
  CrmTestServer *server;
  gint done;
  GError *error;
} Restart;

static gpointer
restart_thread (gpointer data)
{
  Restart *restart = data;

  crm_test_server_restart_database (restart->server, &restart->error);
  g_atomic_int_set (&restart->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_database_restart_under_load (void)
{
  enum { N_LOADERS = 4 };
  Loader loaders[N_LOADERS] = { { 0 } };
  Restart restart = { get_server (), 0, NULL };
  GThread *thread;
  gint64 deadline;
  gboolean recovered = FALSE;

  gint64 customer_id = 0;

  for (guint i = 0; i < N_LOADERS; i++)
    loaders[i].conn = connect_admin ();
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *key = crm_new_idempotency_key ();
    g_autoptr(GVariant) reply = crm_connection_call_sync (loaders[0].conn, CRM_MSG_CUSTOMER_CREATE,
                                                          crm_test_customer_create_body (key, "重启期间读取的客户"),
                                                          NULL, &error);

    g_assert_no_error (error);
    g_variant_get (reply, "(xx)", &customer_id, NULL);
  }
  /* Half read a customer (pipelined on the server's network thread, so
   * its own database connection is lost too), half ask for health. */
  for (guint i = 0; i < N_LOADERS; i++)
    {
      loaders[i].customer_id = i % 2 == 0 ? customer_id : 0;
      loader_next (&loaders[i]);
    }

  /* Served before the restart (so the pipelined connection is up). */
  for (gboolean warm = FALSE; !warm;)
    {
      g_main_context_iteration (NULL, TRUE);
      warm = TRUE;
      for (guint i = 0; i < N_LOADERS; i++)
        if (loaders[i].ok < 20)
          warm = FALSE;
    }
  g_assert_cmpuint (loaders[0].failed + loaders[1].failed + loaders[2].failed + loaders[3].failed, ==, 0);

  /* pg_ctl blocks: it runs in a thread while the main loop keeps the
   * load on. */
  thread = g_thread_new ("pg-restart", restart_thread, &restart);
  while (!g_atomic_int_get (&restart.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_assert_no_error (restart.error);

  /* Within a reasonable time every loader is served again, on the same
   * connection (the server reconnected to PostgreSQL by itself). */
  for (guint i = 0; i < N_LOADERS; i++)
    loaders[i].ok = 0;
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!recovered && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      recovered = TRUE;
      for (guint i = 0; i < N_LOADERS; i++)
        if (loaders[i].ok < 3)
          recovered = FALSE;
    }
  for (guint i = 0; i < N_LOADERS; i++)
    {
      g_assert_cmpint (crm_connection_get_state (loaders[i].conn), ==, CRM_CONNECTION_STATE_SIGNED_IN);
      g_assert_cmpuint (loaders[i].ok, >=, 3);
    }
  g_assert_true (recovered);

  for (guint i = 0; i < N_LOADERS; i++)
    loaders[i].stop = TRUE;
  while (TRUE)
    {
      gboolean any = FALSE;
      for (guint i = 0; i < N_LOADERS; i++)
        any |= loaders[i].busy;
      if (!any)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  for (guint i = 0; i < N_LOADERS; i++)
    {
      crm_connection_close (loaders[i].conn);
      g_object_unref (loaders[i].conn);
    }
}


static gboolean
accept_any_cert (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

/* GET /health: the status code, and whether the database was reached. */
static guint
health (gboolean *reachable)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("https://127.0.0.1:%u/health",
                                          crm_test_server_get_http_port (get_server ()));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_cert), NULL);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  *reachable = json_object_get_boolean_member (json_node_get_object (json_parser_get_root (parser)),
                                               "database_reachable");
  return soup_message_get_status (msg);
}

/* With PostgreSQL down the server stays up: requests fail with
 * UNAVAILABLE on connections that stay open, /health says so; once the
 * database is back, everything works again. */
static void
test_database_down (void)
{
  g_autoptr(CrmConnection) conn = connect_admin ();
  g_autoptr(GError) error = NULL;
  gboolean reachable = TRUE;
  gint64 deadline;

  crm_test_server_stop_database (get_server (), &error);
  g_assert_no_error (error);

  /* The pool may retry a little before giving up; it must give up. */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_GET,
                                                            g_variant_new ("(x)", (gint64) 1), NULL, &error);
      if (reply == NULL && g_error_matches (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE))
        break;
      g_clear_error (&error);
    }
  g_assert_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_SIGNED_IN);

  g_assert_cmpuint (health (&reachable), ==, 503);
  g_assert_false (reachable);
  crm_connection_close (conn);

  /* A restart brings the embedded database back with it. */
  crm_test_server_restart (get_server (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (health (&reachable), ==, 200);
  g_assert_true (reachable);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/lifecycle/database-restart-under-load", test_database_restart_under_load);
  g_test_add_func ("/server/lifecycle/sigterm-answers-in-flight", test_sigterm_answers_in_flight);
  g_test_add_func ("/server/lifecycle/sigkill-during-writes", test_sigkill_during_writes);
  g_test_add_func ("/server/lifecycle/database-down", test_database_down);

  status = g_test_run ();
  crm_test_server_stop_shared ();
  return status;
}
