/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-calls-http"
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <utime.h>

#include "crm-connection.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-test-server.h"

/* Recordings over HTTPS against a real crm-server process: resumable
 * upload with SHA-256 verification, idempotent retries, download with
 * Range, permissions and scope, and an upload interrupted by a server
 * restart. */

#define USER_PASSWORD "Secret-pass-2024"

static CrmTestServer *server;

typedef struct {
  guint status;
  GBytes *body;
  SoupMessageHeaders *headers;
} Response;

static void
response_clear (Response *r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

static gboolean
accept_any_cert (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

/* One request; `range` is a Content-Range (PUT) or Range (GET) value. */
static void
http (Response *out, const char *method, const char *sha, const char *token,
      GBytes *body, const char *range)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("https://127.0.0.1:%u/recordings/%s",
                                          crm_test_server_get_http_port (server), sha);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_cert), NULL);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (range != NULL)
    soup_message_headers_replace (headers, strcmp (method, "PUT") == 0 ? "Content-Range" : "Range", range);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "audio/ogg", body);
  out->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  out->status = soup_message_get_status (msg);
  out->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
}

static gint64
upload_offset (Response *r)
{
  const char *v = soup_message_headers_get_one (r->headers, "Upload-Offset");

  g_assert_nonnull (v);
  return g_ascii_strtoll (v, NULL, 10);
}

static CrmConnection *
connect_as (const char *login, const char *password)
{
  g_autoptr(GError) error = NULL;
  CrmConnection *conn = crm_test_server_connect (server, login, password, &error);

  g_assert_no_error (error);
  return conn;
}

static void
create_salesperson (CrmConnection *admin, const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char *roles[] = { "salesperson", NULL };
  g_autoptr(GVariant) reply = NULL;

  g_variant_dict_insert (&d, "login", "s", login);
  g_variant_dict_insert (&d, "display_name", "s", login);
  g_variant_dict_insert (&d, "password", "s", USER_PASSWORD);
  g_variant_dict_insert (&d, "must_change_password", "b", FALSE);
  g_variant_dict_insert (&d, "roles", "^as", roles);
  reply = crm_connection_call_sync (admin, CRM_MSG_USER_CREATE,
                                    g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)), NULL, &error);
  g_assert_no_error (error);
}

static gint64
log_call (CrmConnection *conn, const char *call_id, const char *sha)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) reply = NULL;
  gint64 t = g_get_real_time () - G_GINT64_CONSTANT (60) * G_USEC_PER_SEC, id = 0;

  g_variant_dict_insert (&d, "client_call_id", "s", call_id);
  g_variant_dict_insert (&d, "direction", "s", "in");
  g_variant_dict_insert (&d, "status", "s", "answered");
  g_variant_dict_insert (&d, "number", "s", "13812345678");
  g_variant_dict_insert (&d, "started_at", "x", t);
  g_variant_dict_insert (&d, "answered_at", "x", t + 1000000);
  g_variant_dict_insert (&d, "ended_at", "x", t + 30000000);
  g_variant_dict_insert (&d, "recording_sha256", "s", sha);
  reply = crm_connection_call_sync (conn, CRM_MSG_CALL_LOG,
                                    g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)), NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(x)", &id);
  return id;
}

static GBytes *
random_recording (gsize size, char **sha_out)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int ();
  memcpy (data, "OggS", 4);
  *sha_out = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  return g_bytes_new_take (data, size);
}

static char *
content_range (gsize start, gsize end, gsize total)
{
  return g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT, start, end, total);
}

static guint
count_stored_files (void)
{
  g_autofree char *cmd = g_strdup_printf ("find '%s/recordings' -name '*.ogg' -type f",
                                          crm_test_server_get_data_dir (server));
  g_autofree char *out = NULL;
  guint n = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, NULL, NULL));
  for (const char *p = out; *p; p++)
    n += *p == '\n';
  return n;
}

static void
test_upload_resume_download (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  g_autoptr(CrmConnection) ua = NULL, ub = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(GBytes) data = random_recording (300000, &sha);
  g_autoptr(GBytes) first = g_bytes_new_from_bytes (data, 0, 100000);
  g_autoptr(GBytes) rest = g_bytes_new_from_bytes (data, 100000, 200000);
  g_autofree char *r1 = content_range (0, 99999, 300000);
  g_autofree char *r2 = content_range (100000, 299999, 300000);
  g_autofree char *r_wrong = content_range (200000, 299999, 300000);
  gint64 call_id;

  create_salesperson (admin, "ua");
  create_salesperson (admin, "ub");
  ua = connect_as ("ua", USER_PASSWORD);
  ub = connect_as ("ub", USER_PASSWORD);
  call_id = log_call (ua, "rec-1", sha);

  {
    g_auto(Response) r = { 0, };
    http (&r, "PUT", sha, NULL, first, r1);
    g_assert_cmpuint (r.status, ==, 401);
  }
  {
    g_auto(Response) r = { 0, };
    http (&r, "PUT", "not-a-checksum", crm_connection_get_session_token (ua), first, r1);
    g_assert_cmpuint (r.status, ==, 404);
  }
  {
    g_auto(Response) r = { 0, };
    http (&r, "PUT", sha, crm_connection_get_session_token (ua), first, r1);
    g_assert_cmpuint (r.status, ==, 202);
    g_assert_cmpint (upload_offset (&r), ==, 100000);
  }
  {
    g_auto(Response) r = { 0, };
    http (&r, "HEAD", sha, crm_connection_get_session_token (ua), NULL, NULL);
    g_assert_cmpuint (r.status, ==, 404);
    g_assert_cmpint (upload_offset (&r), ==, 100000);
  }
  {
    /* A gap is refused with where to continue. */
    g_autoptr(GBytes) piece = g_bytes_new_from_bytes (data, 200000, 100000);
    g_auto(Response) r = { 0, };
    http (&r, "PUT", sha, crm_connection_get_session_token (ua), piece, r_wrong);
    g_assert_cmpuint (r.status, ==, 409);
    g_assert_cmpint (upload_offset (&r), ==, 100000);
  }
  {
    /* A Content-Range that does not match the body. */
    g_auto(Response) r = { 0, };
    http (&r, "PUT", sha, crm_connection_get_session_token (ua), first, r2);
    g_assert_cmpuint (r.status, ==, 400);
  }
  {
    g_auto(Response) r = { 0, };
    http (&r, "PUT", sha, crm_connection_get_session_token (ua), rest, r2);
    g_assert_cmpuint (r.status, ==, 201);
  }
  {
    /* Retrying the whole upload changes nothing. */
    g_auto(Response) r = { 0, };
    http (&r, "PUT", sha, crm_connection_get_session_token (ua), data, NULL);
    g_assert_cmpuint (r.status, ==, 200);
    g_assert_cmpuint (count_stored_files (), ==, 1);
  }
  {
    g_auto(Response) r = { 0, };
    g_autofree char *got = NULL;

    http (&r, "GET", sha, crm_connection_get_session_token (ua), NULL, NULL);
    g_assert_cmpuint (r.status, ==, 200);
    got = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, r.body);
    g_assert_cmpstr (got, ==, sha);
  }
  {
    g_auto(Response) r = { 0, };
    g_autoptr(GBytes) expected = g_bytes_new_from_bytes (data, 1000, 24);

    http (&r, "GET", sha, crm_connection_get_session_token (ua), NULL, "bytes=1000-1023");
    g_assert_cmpuint (r.status, ==, 206);
    g_assert_true (g_bytes_equal (r.body, expected));
  }
  {
    /* Another salesperson's call: as if it did not exist. */
    g_auto(Response) r = { 0, };
    http (&r, "GET", sha, crm_connection_get_session_token (ub), NULL, NULL);
    g_assert_cmpuint (r.status, ==, 404);
  }
  {
    g_auto(Response) r = { 0, };
    http (&r, "GET", sha, crm_connection_get_session_token (admin), NULL, NULL);
    g_assert_cmpuint (r.status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r.body), ==, 300000);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *key = g_uuid_string_random ();
    g_autoptr(GVariant) reply = crm_connection_call_sync (admin, CRM_MSG_CALL_DELETE_RECORDING,
                                                          g_variant_new ("(sx)", key, call_id), NULL, &error);
    g_auto(Response) r = { 0, };

    g_assert_no_error (error);
    http (&r, "GET", sha, crm_connection_get_session_token (ua), NULL, NULL);
    g_assert_cmpuint (r.status, ==, 404);
    /* The deleted recording's file is gone from the server's disk. */
    g_assert_cmpuint (count_stored_files (), ==, 0);
  }
}

/* Paths that are not exactly /recordings/<64 lower-case hex> never reach
 * the file system; other methods are refused. */
static void
test_bad_requests (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  const char *token = crm_connection_get_session_token (admin);
  const char *bad[] = {
    "..%2F..%2Fpg%2Fpostgresql.conf",
    "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/x",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Response) r = { 0, };
      http (&r, "GET", bad[i], token, NULL, NULL);
      /* libsoup itself answers 400 to an encoded "/" in the path. */
      if (r.status != 400)
        g_assert_cmpuint (r.status, ==, 404);
    }
  {
    g_auto(Response) r = { 0, };
    http (&r, "DELETE", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", token, NULL, NULL);
    g_assert_cmpuint (r.status, ==, 405);
  }
  {
    /* A bearer token that is no session. */
    g_auto(Response) r = { 0, };
    http (&r, "GET", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "forged-token", NULL, NULL);
    g_assert_cmpuint (r.status, ==, 401);
  }
}

static void
test_checksum_mismatch (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  g_autofree char *sha = NULL, *other_sha = NULL;
  g_autoptr(GBytes) data = random_recording (5000, &sha);
  g_autoptr(GBytes) other = random_recording (5000, &other_sha);
  g_auto(Response) r = { 0, };
  g_auto(Response) h = { 0, };

  http (&r, "PUT", sha, crm_connection_get_session_token (admin), other, NULL);
  g_assert_cmpuint (r.status, ==, 422);
  http (&h, "HEAD", sha, crm_connection_get_session_token (admin), NULL, NULL);
  g_assert_cmpuint (h.status, ==, 404);
  g_assert_cmpint (upload_offset (&h), ==, 0);
}

/* Pieces over the cap are refused before their body is read. */
static void
test_oversized_piece (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  g_autofree char *sha = NULL;
  g_autoptr(GBytes) data = random_recording (17 * 1024 * 1024, &sha);
  g_auto(Response) r = { 0, };
  guint before = count_stored_files ();

  http (&r, "PUT", sha, crm_connection_get_session_token (admin), data, NULL);
  g_assert_cmpuint (r.status, ==, 413);
  g_assert_cmpuint (count_stored_files (), ==, before);
}

/* The server stops in the middle of an upload; after it is back the
 * client asks where to continue and finishes. */
static void
test_resume_after_restart (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  g_autofree char *token = g_strdup (crm_connection_get_session_token (admin));
  g_autofree char *sha = NULL;
  g_autoptr(GBytes) data = random_recording (64000, &sha);
  g_autoptr(GBytes) first = g_bytes_new_from_bytes (data, 0, 20000);
  g_autofree char *r1 = content_range (0, 19999, 64000);
  g_autoptr(GError) error = NULL;
  gint64 offset;

  log_call (admin, "restart-1", sha);
  {
    g_auto(Response) r = { 0, };
    http (&r, "PUT", sha, token, first, r1);
    g_assert_cmpuint (r.status, ==, 202);
  }
  crm_connection_close (admin);
  crm_test_server_kill (server, SIGKILL);
  g_assert_true (crm_test_server_restart (server, &error));
  g_assert_no_error (error);
  {
    g_auto(Response) r = { 0, };
    http (&r, "HEAD", sha, token, NULL, NULL);
    g_assert_cmpuint (r.status, ==, 404);
    offset = upload_offset (&r);
    g_assert_cmpint (offset, ==, 20000);
  }
  {
    g_autoptr(GBytes) rest = g_bytes_new_from_bytes (data, offset, 64000 - offset);
    g_autofree char *r2 = content_range (offset, 63999, 64000);
    g_auto(Response) r = { 0, };
    g_auto(Response) g = { 0, };
    g_autofree char *got = NULL;

    http (&r, "PUT", sha, token, rest, r2);
    g_assert_cmpuint (r.status, ==, 201);
    http (&g, "GET", sha, token, NULL, NULL);
    g_assert_cmpuint (g.status, ==, 200);
    got = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, g.body);
    g_assert_cmpstr (got, ==, sha);
  }
}

/* ---- Retention ---- */

static void
sql (const char *command)
{
  g_autofree char *conninfo = g_strdup_printf ("host='%s/pg-socket' port=5432 dbname=crm user=crm",
                                               crm_test_server_get_data_dir (server));
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *res;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, command);
  if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", command, PQerrorMessage (conn));
  PQclear (res);
  PQfinish (conn);
}

static gint64
sql_int (const char *query)
{
  g_autofree char *conninfo = g_strdup_printf ("host='%s/pg-socket' port=5432 dbname=crm user=crm",
                                               crm_test_server_get_data_dir (server));
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *res = PQexec (conn, query);
  gint64 value;

  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (res), ==, 1);
  value = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  PQfinish (conn);
  return value;
}

static char *
stored_path (const char *sha)
{
  char dir[3] = { sha[0], sha[1], 0 };
  g_autofree char *name = g_strconcat (sha, ".ogg", NULL);

  return g_build_filename (crm_test_server_get_data_dir (server), "recordings", dir, name, NULL);
}

static gboolean
stored (const char *sha)
{
  g_autofree char *path = stored_path (sha);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Logs a call with a recording of its own and uploads it. */
static char *
recorded_call (CrmConnection *conn, const char *call_id, gint64 *id_out)
{
  g_autofree char *sha = NULL;
  g_autoptr(GBytes) data = random_recording (4000, &sha);
  g_auto(Response) r = { 0, };

  *id_out = log_call (conn, call_id, sha);
  http (&r, "PUT", sha, crm_connection_get_session_token (conn), data, NULL);
  g_assert_cmpuint (r.status, ==, 201);
  g_assert_true (stored (sha));
  return g_steal_pointer (&sha);
}

static void
call_sync (CrmConnection *conn, CrmMessageId id, GVariant *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_connection_call_sync (conn, id, request, NULL, &error);

  g_assert_no_error (error);
}

static JsonObject *
purge_now (const char *token, guint expect_status)
{
  g_auto(Response) r = { 0, };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  http (&r, "POST", "purge", token, NULL, NULL);
  g_assert_cmpuint (r.status, ==, expect_status);
  if (expect_status != 200)
    return NULL;
  json_parser_load_from_data (parser, g_bytes_get_data (r.body, NULL), g_bytes_get_size (r.body), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The retention pass on a real server: a recording past the retention
 * period and one a user deleted before the grace period are removed, an
 * old orphan file too; recent ones and one still in its grace period stay.
 * One audit event per pass. */
static void
test_retention_purge (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  g_autoptr(CrmConnection) seller = NULL;
  const char *token = crm_connection_get_session_token (admin);
  g_autofree char *old = NULL, *recent = NULL, *grace = NULL, *deleted = NULL;
  g_autofree char *orphan = NULL, *young_orphan = NULL;
  g_autofree char *orphan_path = NULL, *young_path = NULL, *dir = NULL, *q = NULL;
  gint64 id_old, id_recent, id_grace, id_deleted;
  g_autoptr(JsonObject) result = NULL;

  create_salesperson (admin, "retention-seller");
  seller = connect_as ("retention-seller", USER_PASSWORD);
  {
    g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autofree char *key = g_uuid_string_random ();

    g_variant_dict_insert (&d, "retention_days", "i", 30);
    g_variant_dict_insert (&d, "deleted_grace_days", "i", 7);
    call_sync (admin, CRM_MSG_CALL_SETTINGS_SET, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
  }
  old = recorded_call (seller, "retention-old", &id_old);
  recent = recorded_call (seller, "retention-recent", &id_recent);
  grace = recorded_call (seller, "retention-grace", &id_grace);
  deleted = recorded_call (seller, "retention-deleted", &id_deleted);
  {
    g_autofree char *key1 = g_uuid_string_random (), *key2 = g_uuid_string_random ();

    call_sync (admin, CRM_MSG_CALL_DELETE_RECORDING, g_variant_new ("(sx)", key1, id_grace));
    call_sync (admin, CRM_MSG_CALL_DELETE_RECORDING, g_variant_new ("(sx)", key2, id_deleted));
  }
  q = g_strdup_printf ("UPDATE calls SET started_at = now () - interval '40 days',"
                       " answered_at = NULL, ended_at = NULL WHERE id = %" G_GINT64_FORMAT, id_old);
  sql (q);
  g_free (q);
  q = g_strdup_printf ("UPDATE calls SET recording_deleted_at = now () - interval '10 days'"
                       " WHERE id = %" G_GINT64_FORMAT, id_deleted);
  sql (q);

  /* Files no call references: an old one goes, a young one stays. */
  g_bytes_unref (random_recording (100, &orphan));
  g_bytes_unref (random_recording (100, &young_orphan));
  orphan_path = stored_path (orphan);
  young_path = stored_path (young_orphan);
  dir = g_path_get_dirname (orphan_path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_free (dir);
  dir = g_path_get_dirname (young_path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (orphan_path, "OggS", 4, NULL));
  g_assert_true (g_file_set_contents (young_path, "OggS", 4, NULL));
  {
    struct utimbuf times = { .actime = time (NULL) - 3 * 86400, .modtime = time (NULL) - 3 * 86400 };
    g_assert_cmpint (g_utime (orphan_path, &times), ==, 0);
  }

  /* The purge-now path is the administrator's. */
  g_assert_null (purge_now (crm_connection_get_session_token (seller), 403));
  g_assert_null (purge_now (NULL, 401));
  {
    g_auto(Response) r = { 0, };
    http (&r, "GET", "purge", token, NULL, NULL);
    g_assert_cmpuint (r.status, ==, 405);
  }
  {
    g_auto(Response) r = { 0, };
    g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

    /* A body is refused before it is read. */
    http (&r, "POST", "purge", token, body, NULL);
    g_assert_cmpuint (r.status, ==, 413);
  }

  result = purge_now (token, 200);
  g_assert_cmpint (json_object_get_int_member (result, "expired"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (result, "files"), ==, 3);
  g_assert_false (stored (old));
  g_assert_false (stored (deleted));
  g_assert_false (g_file_test (orphan_path, G_FILE_TEST_EXISTS));
  g_assert_true (stored (recent));
  g_assert_true (stored (grace));
  g_assert_true (g_file_test (young_path, G_FILE_TEST_EXISTS));

  /* The rows keep the call, not the recording. */
  g_free (q);
  q = g_strdup_printf ("SELECT count (*) FROM calls WHERE id = %" G_GINT64_FORMAT
                       " AND recording_expired AND recording_deleted_at IS NOT NULL", id_old);
  g_assert_cmpint (sql_int (q), ==, 1);
  g_free (q);
  q = g_strdup_printf ("SELECT count (*) FROM calls WHERE id = %" G_GINT64_FORMAT
                       " AND recording_deleted_at IS NULL", id_recent);
  g_assert_cmpint (sql_int (q), ==, 1);
  {
    g_auto(Response) gone = { 0, };
    g_auto(Response) kept = { 0, };

    http (&gone, "GET", old, token, NULL, NULL);
    g_assert_cmpuint (gone.status, ==, 404);
    http (&kept, "GET", recent, token, NULL, NULL);
    g_assert_cmpuint (kept.status, ==, 200);
  }
  g_assert_cmpint (sql_int ("SELECT count (*) FROM audit_log WHERE action = 'purge' AND entity = 'call_recording'"
                            " AND (after->>'expired')::int = 1 AND (after->>'files')::int = 3"), ==, 1);

  /* A second pass finds nothing and writes no event. */
  g_clear_pointer (&result, json_object_unref);
  result = purge_now (token, 200);
  g_assert_cmpint (json_object_get_int_member (result, "expired"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (result, "files"), ==, 0);
  g_assert_cmpint (sql_int ("SELECT count (*) FROM audit_log WHERE action = 'purge'"), ==, 1);

  /* Once the grace period is over the deleted one goes too. */
  g_free (q);
  q = g_strdup_printf ("UPDATE calls SET recording_deleted_at = now () - interval '8 days'"
                       " WHERE id = %" G_GINT64_FORMAT, id_grace);
  sql (q);
  g_clear_pointer (&result, json_object_unref);
  result = purge_now (token, 200);
  g_assert_cmpint (json_object_get_int_member (result, "files"), ==, 1);
  g_assert_false (stored (grace));
  g_assert_true (stored (recent));
}

/* ---- crmctl call export ---- */

static int
crmctl (const char *home, char **out, const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_ptr_array_add (argv, (gpointer) g_getenv ("CRMCTL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* The history from the command line, filtered, as .xlsx and CSV. */
static void
test_crmctl_export (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  g_autofree char *home = g_dir_make_tmp ("crm-calls-crmctl-XXXXXX", NULL);
  g_autofree char *password = g_build_filename (home, "password", NULL);
  g_autofree char *xlsx = g_build_filename (home, "answered.xlsx", NULL);
  g_autofree char *csv = g_build_filename (home, "all.csv", NULL);
  g_autofree char *server_arg = g_strdup_printf ("127.0.0.1:%u", crm_test_server_get_port (server));
  g_autofree char *out = NULL, *sheet = NULL, *text = NULL, *cmd = NULL;
  gint64 answered;
  guint rows = 0;

  g_assert_true (g_file_set_contents (password, crm_test_server_get_admin_password (server), -1, NULL));
  /* Calls of its own number, so that the filter sees only them. */
  log_call (admin, "crmctl-1", "aaaa000000000000000000000000000000000000000000000000000000000001");
  log_call (admin, "crmctl-2", "aaaa000000000000000000000000000000000000000000000000000000000002");
  {
    const char *args[] = { "--server", server_arg, "--trust-new-server", "--user", "admin",
                           "--password-file", password, "login", NULL };
    g_assert_cmpint (crmctl (home, &out, args), ==, 0);
    g_clear_pointer (&out, g_free);
  }
  {
    const char *args[] = { "call", "export", "--format", "xlsx", "--status", "answered", "--number", "12345678",
                           "--from", "2000-01-01", xlsx, NULL };
    g_assert_cmpint (crmctl (home, &out, args), ==, 0);
    answered = g_ascii_strtoll (out + strlen ("Exported "), NULL, 10);
    g_assert_true (g_str_has_prefix (out, "Exported "));
    g_assert_cmpint (answered, >=, 2);
    g_clear_pointer (&out, g_free);
  }
  cmd = g_strdup_printf ("unzip -p '%s' xl/worksheets/sheet1.xml", xlsx);
  g_assert_true (g_spawn_command_line_sync (cmd, &sheet, NULL, NULL, NULL));
  for (const char *p = sheet; (p = strstr (p, "<row ")) != NULL; p++)
    rows++;
  g_assert_cmpuint (rows, ==, 1 + answered);
  g_assert_nonnull (strstr (sheet, "<t>Answered</t>"));
  g_assert_null (strstr (sheet, "<t>Missed</t>"));
  g_assert_nonnull (strstr (sheet, "<t>138 1234 5678</t>"));

  /* The format from the name; no call is that old. */
  {
    const char *args[] = { "call", "export", "--to", "2000-01-02", csv, NULL };
    g_assert_cmpint (crmctl (home, &out, args), ==, 0);
    g_assert_cmpstr (out, ==, "Exported 0 calls\n");
    g_clear_pointer (&out, g_free);
    g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF\"Time\","));
  }
  /* Bad input: a clear usage error, no file. */
  {
    const char *bad_format[] = { "call", "export", "--format", "pdf", xlsx, NULL };
    const char *bad_day[] = { "call", "export", "--from", "2024-13-45", xlsx, NULL };
    const char *no_file[] = { "call", "export", NULL };
    const char *bad_status[] = { "call", "export", "--status", "maybe", csv, NULL };
    g_autofree char *missing = g_build_filename (home, "nope", "x.xlsx", NULL);
    const char *bad_dir[] = { "call", "export", missing, NULL };

    g_assert_cmpint (crmctl (home, &out, bad_format), ==, 2);
    g_assert_nonnull (strstr (out, "use xlsx or csv"));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (crmctl (home, &out, bad_day), ==, 2);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (crmctl (home, &out, no_file), ==, 2);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (crmctl (home, &out, bad_status), ==, 8);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (crmctl (home, &out, bad_dir), !=, 0);
    g_assert_nonnull (strstr (out, "nope"));
    g_clear_pointer (&out, g_free);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", home);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

/* The server's own hourly pass (its first run moved to 1 s after start):
 * an expired recording's file goes with no request at all, audited as
 * the system (no user). */
static gboolean
purge_audited (void)
{
  return sql_int ("SELECT count (*) FROM audit_log WHERE action = 'purge' AND entity = 'call_recording'"
                  " AND user_id IS NULL") > 0;
}

static void
test_retention_timer (void)
{
  g_autoptr(CrmConnection) admin = connect_as ("admin", crm_test_server_get_admin_password (server));
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL, *recent = NULL, *q = NULL;
  gint64 id_old, id_recent, deadline;

  old = recorded_call (admin, "timer-old", &id_old);
  recent = recorded_call (admin, "timer-recent", &id_recent);
  q = g_strdup_printf ("UPDATE calls SET started_at = now () - interval '400 days', answered_at = NULL,"
                       " ended_at = NULL WHERE id = %" G_GINT64_FORMAT, id_old);
  sql (q);
  sql ("UPDATE call_settings SET retention_days = 365");
  g_assert_false (purge_audited ());
  crm_connection_close (admin);

  g_setenv ("CRM_RECORDINGS_PURGE_FIRST_SECONDS", "1", TRUE);
  g_assert_true (crm_test_server_restart (server, &error));
  g_assert_no_error (error);
  g_unsetenv ("CRM_RECORDINGS_PURGE_FIRST_SECONDS");
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (stored (old) && g_get_monotonic_time () < deadline)
    g_usleep (100000);
  g_assert_false (stored (old));
  g_assert_true (stored (recent));
  g_assert_true (purge_audited ());
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  server = crm_test_server_start (NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/calls/http/upload-resume-download", test_upload_resume_download);
  g_test_add_func ("/calls/http/bad-requests", test_bad_requests);
  g_test_add_func ("/calls/http/checksum-mismatch", test_checksum_mismatch);
  g_test_add_func ("/calls/http/oversized-piece", test_oversized_piece);
  g_test_add_func ("/calls/http/resume-after-restart", test_resume_after_restart);
  g_test_add_func ("/calls/http/retention-purge", test_retention_purge);
  if (g_getenv ("CRMCTL") != NULL)
    g_test_add_func ("/calls/http/crmctl-export", test_crmctl_export);
  g_test_add_func ("/calls/http/retention-timer", test_retention_timer);
  status = g_test_run ();
  crm_test_server_stop (server);
  return status;
}
