/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "test-net"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crm-raw-client.h"
#include "crm-test-server.h"

/*
 * The server over real TCP + TLS: every kind of malicious frame gets its
 * error frame and the connection closes, while the server keeps serving;
 * concurrent pipelined clients; silent sockets do not lock out a sign-in;
 * HTTPS health and metrics.  One server serves every test here.
 */

static CrmTestServer *
get_server (void)
{
  return crm_test_server_get_shared (NULL);
}

static RawClient *
raw_ready (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RawClient) raw = raw_client_connect (crm_test_server_get_port (get_server ()), TRUE, &error);

  g_assert_no_error (error);
  raw_client_hello (raw, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&raw);
}

/* The next frame is an error reply with `code` (and `request_id`), and
 * then the server closes. */
static void
assert_error_frame (RawClient *raw, guint32 request_id, CrmErrorCode code, gboolean then_closed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) carried = NULL;
  CrmFrameHeader h;

  g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h.flags, ==, CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_ERROR);
  g_assert_cmpuint (h.request_id, ==, request_id);
  value = crm_payload_decode (body, G_VARIANT_TYPE ("(uss)"), &error);
  g_assert_no_error (error);
  carried = crm_error_from_variant (value);
  g_assert_error (carried, CRM_ERROR, (int) code);
  g_assert_cmpstr (carried->message, !=, "");
  if (then_closed)
    g_assert_true (raw_client_at_eof (raw));
}

/* After any abuse, a real client still connects, signs in and is served. */
static void
assert_server_serves (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) conn =
    crm_test_server_connect (get_server (), "admin", crm_test_server_get_admin_password (get_server ()), &error);
  g_autoptr(GVariant) reply = NULL;

  g_assert_no_error (error);
  reply = crm_connection_call_sync (conn, CRM_MSG_AUTH_WHOAMI, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  crm_connection_close (conn);
}

static char *https_get (const char *path, guint *status);

/* Waits until the server has let go of the connections an abuse test left
 * behind (they close asynchronously, and the stalled handshakes only at
 * their deadline), so that the next test does not meet a server still busy
 * with them: under sanitizers and load that takes seconds. */
static void
wait_for_connections_below (guint limit)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (;;)
    {
      guint status = 0;
      g_autofree char *text = https_get ("/health", &status);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      gint64 open;

      g_assert_cmpuint (status, ==, 200);
      g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
      g_assert_no_error (error);
      open = json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                         "connections");
      if (open < (gint64) limit)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
    }
}

static void
put_header (guint8 *out, guint32 magic, guint16 version, guint16 type, guint32 flags,
            guint32 request_id, guint32 length)
{
  guint32 be32;
  guint16 be16;

  be32 = GUINT32_TO_BE (magic);      memcpy (out + 0, &be32, 4);
  be16 = GUINT16_TO_BE (version);    memcpy (out + 4, &be16, 2);
  be16 = GUINT16_TO_BE (type);       memcpy (out + 6, &be16, 2);
  be32 = GUINT32_TO_BE (flags);      memcpy (out + 8, &be32, 4);
  be32 = GUINT32_TO_BE (request_id); memcpy (out + 12, &be32, 4);
  be32 = GUINT32_TO_BE (length);     memcpy (out + 16, &be32, 4);
}

static void
test_bad_magic (void)
{
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;
  guint8 header[CRM_FRAME_HEADER_SIZE];

  put_header (header, 0x48545450u /* "HTTP" */, 1, CRM_MSG_PING, 0, 7, 0);
  raw_client_send (raw, header, sizeof header, &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 7, CRM_ERROR_BAD_FRAME, TRUE);
  assert_server_serves ();
}

static void
test_oversized_preauth (void)
{
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;
  guint8 header[CRM_FRAME_HEADER_SIZE];

  /* Just over the pre-auth cap, far under the signed-in one: no body is
   * sent, the header alone must be refused. */
  put_header (header, CRM_FRAME_MAGIC, 1, CRM_MSG_AUTH_LOGIN, 0, 8, CRM_FRAME_MAX_BODY_PREAUTH + 1);
  raw_client_send (raw, header, sizeof header, &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 8, CRM_ERROR_FRAME_TOO_LARGE, TRUE);
  assert_server_serves ();
}

static void
test_unknown_message (void)
{
  g_autoptr(GError) error = NULL;
  guint16 ids[] = { 999, 0, CRM_MSG_PUSH_RECORD_CHANGED, CRM_MSG_PUSH_SIGNED_OUT };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(RawClient) raw = raw_ready ();

      raw_client_send_frame (raw, ids[i], 0, 9, NULL, &error);
      g_assert_no_error (error);
      assert_error_frame (raw, 9, CRM_ERROR_UNKNOWN_MESSAGE, TRUE);
    }
  assert_server_serves ();
}

static void
test_wrong_body_type (void)
{
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;

  /* auth.login wants "(ssss)"; an int64 is not that. */
  raw_client_send_frame (raw, CRM_MSG_AUTH_LOGIN, 0, 10, g_variant_new ("(x)", (gint64) 42), &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 10, CRM_ERROR_BAD_PAYLOAD, TRUE);
  assert_server_serves ();
}

static void
test_non_normal_body (void)
{
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;
  guint8 frame[CRM_FRAME_HEADER_SIZE + 3];

  /* auth.resume "(s)" with a string missing its terminating NUL: not in
   * normal form. */
  put_header (frame, CRM_FRAME_MAGIC, 1, CRM_MSG_AUTH_RESUME, 0, 11, 3);
  memcpy (frame + CRM_FRAME_HEADER_SIZE, "abc", 3);
  raw_client_send (raw, frame, sizeof frame, &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 11, CRM_ERROR_BAD_PAYLOAD, TRUE);
  assert_server_serves ();
}

static void
test_frame_before_hello (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RawClient) raw = raw_client_connect (crm_test_server_get_port (get_server ()), TRUE, &error);

  g_assert_no_error (error);
  raw_client_send_frame (raw, CRM_MSG_PING, 0, 12, NULL, &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 12, CRM_ERROR_BAD_FRAME, TRUE);
  assert_server_serves ();
}

static void
test_version_mismatch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RawClient) raw = raw_client_connect (crm_test_server_get_port (get_server ()), TRUE, &error);

  g_assert_no_error (error);
  raw_client_send_frame (raw, CRM_MSG_HELLO, 0, 13,
                         g_variant_new ("(qqss)", 90, 99, "future-client", "en_US"), &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 13, CRM_ERROR_VERSION, TRUE);
  assert_server_serves ();
}

static void
test_reply_flag_from_client (void)
{
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;

  /* Clients send requests only; a "reply" from a client is a violation. */
  raw_client_send_frame (raw, CRM_MSG_PING, CRM_FRAME_FLAG_REPLY, 14, NULL, &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 14, CRM_ERROR_BAD_FRAME, TRUE);
  assert_server_serves ();
}

static void
test_truncated_then_close (void)
{
  g_autoptr(GError) error = NULL;

  /* Half a header, half a body: the server must just let go. */
  {
    g_autoptr(RawClient) raw = raw_ready ();
    guint8 header[CRM_FRAME_HEADER_SIZE];

    put_header (header, CRM_FRAME_MAGIC, 1, CRM_MSG_PING, 0, 15, 0);
    raw_client_send (raw, header, 11, &error);
    g_assert_no_error (error);
  }
  {
    g_autoptr(RawClient) raw = raw_ready ();
    guint8 frame[CRM_FRAME_HEADER_SIZE + 4];

    put_header (frame, CRM_FRAME_MAGIC, 1, CRM_MSG_AUTH_RESUME, 0, 16, 100);
    memcpy (frame + CRM_FRAME_HEADER_SIZE, "tok", 4);
    raw_client_send (raw, frame, sizeof frame, &error);
    g_assert_no_error (error);
  }
  assert_server_serves ();
}

/* Many frames, one TLS record each, sent before any reply is read; then
 * one frame cut across three records that arrive apart.  The server waits
 * for input on the socket itself rather than on the TLS stream (so that
 * GLib does not signal its wake-up around every dispatch): this shows
 * that no record is ever left waiting inside GnuTLS while the socket is
 * empty, which would hang these replies. */
static void
test_records_batched_and_split (void)
{
  enum { N = 40 };
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) frame = crm_frame_encode (CRM_MSG_PING, 0, 5000, NULL);
  gboolean seen[N] = { FALSE };
  const guint8 *data;
  gsize size;
  CrmFrameHeader h;

  raw_client_set_timeout (raw, 10);
  for (guint i = 0; i < N; i++)
    {
      raw_client_send_frame (raw, CRM_MSG_PING, 0, 1000 + i, NULL, &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < N; i++)
    {
      g_autoptr(GBytes) body = NULL;

      g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (h.flags & CRM_FRAME_FLAG_ERROR, ==, 0);
      g_assert_cmpuint (h.request_id, >=, 1000);
      g_assert_cmpuint (h.request_id, <, 1000 + N);
      g_assert_false (seen[h.request_id - 1000]);
      seen[h.request_id - 1000] = TRUE;
    }

  data = g_bytes_get_data (frame, &size);
  g_assert_cmpuint (size, >, 17);
  raw_client_send (raw, data, 7, &error);
  g_assert_no_error (error);
  g_usleep (100 * 1000);
  raw_client_send (raw, data + 7, 10, &error);
  g_assert_no_error (error);
  g_usleep (100 * 1000);
  raw_client_send (raw, data + 17, size - 17, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) body = NULL;

    g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (h.request_id, ==, 5000);
    g_assert_cmpuint (h.flags & CRM_FRAME_FLAG_ERROR, ==, 0);
  }
}

static void
test_not_signed_in_keeps_connection (void)
{
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  CrmFrameHeader h;

  /* Asking before signing in is a mistake, not an attack: an error reply,
   * and the connection stays usable. */
  raw_client_send_frame (raw, CRM_MSG_CUSTOMER_GET, 0, 17, g_variant_new ("(x)", (gint64) 1), &error);
  g_assert_no_error (error);
  assert_error_frame (raw, 17, CRM_ERROR_NOT_SIGNED_IN, FALSE);

  raw_client_send_frame (raw, CRM_MSG_PING, 0, 18, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h.flags, ==, CRM_FRAME_FLAG_REPLY);
  g_assert_cmpuint (h.request_id, ==, 18);
}

static void
test_bad_idempotency_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) conn =
    crm_test_server_connect (get_server (), "admin", crm_test_server_get_admin_password (get_server ()), &error);
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder fields;

  g_assert_no_error (error);
  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&fields, "{sv}", "name", g_variant_new_string ("钥匙测试公司"));
  reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_CREATE,
                                    g_variant_new ("(sa{sv})", "short", &fields), NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "key");
  g_clear_error (&error);

  /* Still open and signed in. */
  reply = crm_connection_call_sync (conn, CRM_MSG_AUTH_WHOAMI, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  crm_connection_close (conn);
}


/* A peer that starts a TLS handshake and stalls is cut off at the
 * handshake deadline, freeing its slot (the socket timeout of 30 s is
 * only a guard: the server closes first). */
static void
test_stalled_handshake_closed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RawClient) raw = raw_client_connect (crm_test_server_get_port (get_server ()), FALSE, &error);
  static const guint8 fragment[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };

  g_assert_no_error (error);
  raw_client_send (raw, fragment, sizeof fragment, &error);
  g_assert_no_error (error);
  g_assert_true (raw_client_at_eof (raw));
  assert_server_serves ();
}


/* A client speaking plain frames to the TLS port is refused at once, before
 * any handshake work. */
static void
test_plain_frames_on_tls_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RawClient) raw = raw_client_connect (crm_test_server_get_port (get_server ()), FALSE, &error);

  g_assert_no_error (error);
  raw_client_send_frame (raw, CRM_MSG_HELLO, 0, 1,
                         g_variant_new ("(qqss)", CRM_PROTOCOL_VERSION_MIN, CRM_PROTOCOL_VERSION_MAX,
                                        "plain", "en_US"), &error);
  g_assert_no_error (error);
  g_assert_true (raw_client_at_eof (raw));
  assert_server_serves ();
}


static gsize
server_rss_kb (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) crm_test_server_get_pid (get_server ()));
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "VmRSS:");
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

/* A peer that sends requests but never reads the replies: the server
 * stops reading it once its replies pile up, so the peer's writes stall
 * instead of the server's memory growing. */
static void
test_unread_replies_backpressure (void)
{
  enum { CHUNK = 3200, LIMIT = 256 * 1024 * 1024 };
  g_autoptr(RawClient) raw = raw_ready ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pings = g_malloc (CHUNK * CRM_FRAME_HEADER_SIZE);
  gsize rss_before = server_rss_kb ();
  gsize sent = 0;

  for (guint i = 0; i < CHUNK; i++)
    put_header (pings + i * CRM_FRAME_HEADER_SIZE, CRM_FRAME_MAGIC, 1, CRM_MSG_PING, 0, 100 + i, 0);
  raw_client_set_timeout (raw, 3);
  while (sent < LIMIT)
    {
      if (!raw_client_send (raw, pings, CHUNK * CRM_FRAME_HEADER_SIZE, &error))
        break;
      sent += CHUNK * CRM_FRAME_HEADER_SIZE;
    }
  g_test_message ("the server stopped reading after %zu KiB of pings; RSS %zu -> %zu KiB",
                  sent / 1024, rss_before, server_rss_kb ());
  /* The writes stalled (timed out) long before the limit ... */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (sent, <, LIMIT);
  /* ... and what the server holds for this peer stays small.  Under
   * AddressSanitizer freed memory sits in its quarantine (256 MB), so RSS
   * says nothing there; the stalled writes above still prove the server
   * stopped reading. */
#if !defined(__SANITIZE_ADDRESS__)
  g_assert_cmpuint (server_rss_kb (), <, rss_before + 32 * 1024);
#endif
  assert_server_serves ();
}

/* ---- Concurrency ---- */

typedef struct {
  guint pending;
  guint ok;
  guint failed;
  GPtrArray *ids;   /* gint64* per create, in completion order */
} Tally;

static void
create_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Tally *tally = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);

  tally->pending--;
  if (reply == NULL)
    {
      g_test_message ("create failed: %s", error->message);
      tally->failed++;
      return;
    }
  tally->ok++;
  {
    gint64 *id = g_new (gint64, 1);
    g_variant_get (reply, "(xx)", id, NULL);
    g_ptr_array_add (tally->ids, id);
  }
}

static void
test_concurrent_clients (void)
{
  enum { N_CONN = 16, PER_CONN = 12 };
  CrmConnection *conns[N_CONN];
  Tally tally = { 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *run = g_uuid_string_random ();

  for (guint c = 0; c < N_CONN; c++)
    {
      g_autoptr(GError) error = NULL;

      conns[c] = crm_test_server_connect (get_server (), "admin",
                                          crm_test_server_get_admin_password (get_server ()), &error);
      g_assert_no_error (error);
    }
  /* Every connection pipelines its creates: many in flight at once. */
  for (guint i = 0; i < PER_CONN; i++)
    for (guint c = 0; c < N_CONN; c++)
      {
        g_autofree char *key = crm_new_idempotency_key ();
        g_autofree char *name = g_strdup_printf ("并发客户%s-%02u-%02u", run, c, i);

        tally.pending++;
        crm_connection_call_async (conns[c], CRM_MSG_CUSTOMER_CREATE,
                                   crm_test_customer_create_body (key, name),
                                   NULL, create_done_cb, &tally);
      }
  while (tally.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (tally.failed, ==, 0);
  g_assert_cmpuint (tally.ok, ==, N_CONN * PER_CONN);

  /* Every reply was for its own request: all ids distinct, each readable. */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

    for (guint i = 0; i < tally.ids->len; i++)
      g_assert_true (g_hash_table_add (seen, tally.ids->pdata[i]));
  }
  for (guint i = 0; i < tally.ids->len; i += 17)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) rec = crm_connection_call_sync (conns[i % N_CONN], CRM_MSG_CUSTOMER_GET,
                                                          g_variant_new ("(x)", *(gint64 *) tally.ids->pdata[i]),
                                                          NULL, &error);
      const char *name = NULL;

      g_assert_no_error (error);
      g_assert_true (g_variant_lookup (rec, "name", "&s", &name));
      g_assert_true (g_str_has_prefix (name, "并发客户"));
    }

  for (guint c = 0; c < N_CONN; c++)
    {
      crm_connection_close (conns[c]);
      g_object_unref (conns[c]);
    }
  g_ptr_array_unref (tally.ids);
}

/* Adds to `silent` `n_silent` sockets connected to `port` that never send a
 * byte, then `n_stalled` that send the start of a TLS ClientHello and stall. */
static void
open_silent_sockets (GPtrArray *silent, guint16 port, guint n_silent, guint n_stalled)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  for (guint i = 0; i < n_silent + n_stalled; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocketConnection *c = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
      static const guint8 fragment[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };

      g_assert_no_error (error);
      if (i >= n_silent)
        {
          g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (c)), fragment,
                                     sizeof fragment, NULL, NULL, &error);
          g_assert_no_error (error);
        }
      g_ptr_array_add (silent, c);
    }
}

static void
test_silent_connections (void)
{
  enum { N_SILENT = 300 };
  g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = crm_test_server_get_port (get_server ());

  /* A few that start a handshake and stall (a ClientHello fragment) hold
   * handshake slots until their deadline, but fewer than the cap. */
  open_silent_sockets (silent, port, N_SILENT, 5);

  /* With all of those open, a real user still signs in and is served. */
  assert_server_serves ();

  for (guint i = 0; i < silent->len; i++)
    g_io_stream_close (g_ptr_array_index (silent, i), NULL, NULL);
  g_ptr_array_set_size (silent, 0);
  wait_for_connections_below (4);
}


/* Our own errors reach the client in its language (hello's locale); the
 * test points the server at a catalogue compiled from this area's
 * translations (CRM_LOCALEDIR, set by meson). */
static void
test_errors_in_client_language (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RawClient) raw = raw_client_connect (crm_test_server_get_port (get_server ()), TRUE, &error);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) carried = NULL;
  CrmFrameHeader h;

  if (g_getenv ("CRM_LOCALEDIR") == NULL)
    {
      g_test_skip ("CRM_LOCALEDIR not set");
      return;
    }
  g_assert_no_error (error);
  raw_client_send_frame (raw, CRM_MSG_HELLO, 0, 1,
                         g_variant_new ("(qqss)", CRM_PROTOCOL_VERSION_MIN, CRM_PROTOCOL_VERSION_MAX,
                                        "raw-test", "zh_CN.UTF-8"), &error);
  g_assert_no_error (error);
  g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
  g_assert_no_error (error);

  raw_client_send_frame (raw, CRM_MSG_CUSTOMER_GET, 0, 2, g_variant_new ("(x)", (gint64) 1), &error);
  g_assert_no_error (error);
  g_assert_true (raw_client_read_frame (raw, &h, &reply, &error));
  g_assert_no_error (error);
  value = crm_payload_decode (reply, G_VARIANT_TYPE ("(uss)"), &error);
  g_assert_no_error (error);
  carried = crm_error_from_variant (value);
  g_assert_error (carried, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN);
  g_assert_cmpstr (carried->message, ==, "请先登录");
}

/* ---- Push ---- */

typedef struct {
  guint count;
  gint64 id;
  char *action;
} PushSeen;

static void
push_cb (CrmConnection *conn, guint message_id, GVariant *body, gpointer data)
{
  PushSeen *seen = data;
  const char *entity = NULL, *action = NULL;
  gint64 id = 0, version = 0;

  if (message_id != CRM_MSG_PUSH_RECORD_CHANGED)
    return;
  g_variant_get (body, "(&sxx&s)", &entity, &id, &version, &action);
  if (g_strcmp0 (entity, "customer") != 0)
    return;
  seen->count++;
  seen->id = id;
  g_free (seen->action);
  seen->action = g_strdup (action);
}

static void
test_push_record_changed (void)
{
  g_autoptr(GError) error = NULL;
  const char *password = crm_test_server_get_admin_password (get_server ());
  g_autoptr(CrmConnection) watcher = crm_test_server_connect (get_server (), "admin", password, &error);
  g_autoptr(CrmConnection) writer = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  PushSeen seen = { 0 };
  gint64 id = 0;
  gint64 deadline;

  g_assert_no_error (error);
  writer = crm_test_server_connect (get_server (), "admin", password, &error);
  g_assert_no_error (error);
  g_signal_connect (watcher, "push", G_CALLBACK (push_cb), &seen);

  reply = crm_connection_call_sync (writer, CRM_MSG_CUSTOMER_CREATE,
                                    crm_test_customer_create_body (key, "推送测试有限公司"),
                                    NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(xx)", &id, NULL);

  /* The change travels through PostgreSQL NOTIFY to every signed-in
   * connection allowed to view customers. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (seen.id != id && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (seen.id, ==, id);
  g_assert_cmpstr (seen.action, ==, "create");

  g_signal_handlers_disconnect_by_data (watcher, &seen);
  g_free (seen.action);
  crm_connection_close (watcher);
  crm_connection_close (writer);
}


typedef struct {
  guint count;
  char *reason;
} SignedOutSeen;

static void
signed_out_cb (CrmConnection *conn, guint message_id, GVariant *body, gpointer data)
{
  SignedOutSeen *seen = data;

  if (message_id != CRM_MSG_PUSH_SIGNED_OUT)
    return;
  seen->count++;
  g_free (seen->reason);
  g_variant_get (body, "(s)", &seen->reason);
}

static void
test_push_signed_out (void)
{
  g_autoptr(GError) error = NULL;
  const char *password = crm_test_server_get_admin_password (get_server ());
  g_autoptr(CrmConnection) first = crm_test_server_connect (get_server (), "admin", password, &error);
  g_autoptr(CrmConnection) second = NULL;
  g_autoptr(GVariant) reply = NULL;
  SignedOutSeen seen = { 0 };
  gint64 deadline;

  g_assert_no_error (error);
  /* A second connection on the same session (as a client that
   * reconnected with its token). */
  second = crm_test_server_connect (get_server (), NULL, NULL, &error);
  g_assert_no_error (error);
  reply = crm_connection_resume_sync (second, crm_connection_get_session_token (first), NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  g_signal_connect (second, "push", G_CALLBACK (signed_out_cb), &seen);

  reply = crm_connection_call_sync (first, CRM_MSG_AUTH_LOGOUT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (seen.count == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (seen.count, ==, 1);
  g_assert_cmpstr (seen.reason, ==, "You signed out of this session elsewhere");

  /* The server dropped that connection's session: back to pre-auth. */
  reply = crm_connection_call_sync (second, CRM_MSG_AUTH_WHOAMI, NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN);

  g_signal_handlers_disconnect_by_data (second, &seen);
  g_free (seen.reason);
  crm_connection_close (first);
  crm_connection_close (second);
}

/* ---- HTTPS ---- */

static gboolean
accept_any_cert (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

static char *
https_get_with (const char *path, const char *bearer, guint *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("https://127.0.0.1:%u%s",
                                          crm_test_server_get_http_port (get_server ()), path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_cert), NULL);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static char *
https_get (const char *path, guint *status)
{
  return https_get_with (path, NULL, status);
}

static void
test_https_health (void)
{
  guint status = 0;
  g_autofree char *text = https_get ("/health", &status);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *obj;

  g_assert_cmpuint (status, ==, 200);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "ok");
  g_assert_true (json_object_get_boolean_member (obj, "database_reachable"));
  g_assert_cmpstr (json_object_get_string_member (obj, "version"), ==, PACKAGE_VERSION);
  g_assert_true (json_object_has_member (obj, "uptime_seconds"));
}

static void
test_https_metrics (void)
{
  guint status = 0;
  g_autofree char *text = NULL;

  /* At least one request of a known kind has been answered. */
  assert_server_serves ();
  text = https_get ("/metrics", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (text, "crm_requests_total{message=\"auth.whoami\",result=\"ok\"}"));
  g_assert_nonnull (strstr (text, "crm_request_duration_seconds_bucket{le=\"+Inf\"}"));
  g_assert_nonnull (strstr (text, "\ncrm_connections_open "));
  g_assert_nonnull (strstr (text, "\ncrm_tls_handshakes_in_progress "));
  g_assert_nonnull (strstr (text, "crm_db_pool_connections{state=\"idle\"}"));
  g_assert_nonnull (strstr (text, "\ncrm_db_pool_queued "));

  g_free (text);
  text = https_get ("/no-such-page", &status);
  g_assert_cmpuint (status, ==, 404);
}


/* Later file transfers authenticate with the session token over HTTPS. */
static void
test_https_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) conn =
    crm_test_server_connect (get_server (), "admin", crm_test_server_get_admin_password (get_server ()), &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  guint status = 0;
  JsonObject *obj;

  g_assert_no_error (error);
  g_free (text);
  text = https_get_with ("/session", NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_free (text);
  text = https_get_with ("/session", "not-a-real-token", &status);
  g_assert_cmpuint (status, ==, 401);

  g_free (text);
  text = https_get_with ("/session", crm_connection_get_session_token (conn), &status);
  g_assert_cmpuint (status, ==, 200);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "login"), ==, "admin");
  g_assert_cmpint (json_object_get_int_member (obj, "user_id"), ==, crm_connection_get_user_id (conn));
  crm_connection_close (conn);
}

/* Silent and stalled sockets on the HTTPS port do not starve it, nor the
 * protocol port (both share GLib's handshake threads). */
static void
test_https_silent_connections (void)
{
  g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = crm_test_server_get_http_port (get_server ());
  g_autofree char *text = NULL;
  guint status = 0;

  open_silent_sockets (silent, port, 300, 3);

  text = https_get ("/health", &status);
  g_assert_cmpuint (status, ==, 200);
  assert_server_serves ();
}


/* Requests with bodies to endpoints that take none are answered from the
 * headers, without the body being read into memory. */
static void
test_https_bodies_refused (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("https://127.0.0.1:%u/health",
                                          crm_test_server_get_http_port (get_server ()));
  const char *methods[] = { "POST", "GET" };
  const guint expected[] = { 405, 413 };
  guint answered = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new (methods[i], uri);
      g_autoptr(GBytes) payload = g_bytes_new_take (g_malloc0 (4 * 1024 * 1024), 4 * 1024 * 1024);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = NULL;

      g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_cert), NULL);
      soup_message_set_request_body_from_bytes (msg, "application/octet-stream", payload);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      /* The server may close before the whole body is sent; what matters
       * is the answer when one arrives, and that it did not take it. */
      if (error == NULL)
        {
          g_assert_cmpuint (soup_message_get_status (msg), ==, expected[i]);
          answered++;
        }
      else
        g_test_message ("%s with a body: %s", methods[i], error->message);
    }
  g_assert_cmpuint (answered, >, 0);
  assert_server_serves ();
}

/* ---- customer.get: pipelined on the network thread, misses by the handler ---- */

typedef struct {
  guint pending;
  guint ok;
  guint not_found;
  guint other;
  char *name;
  char *message;
} GetTally;

static void
get_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GetTally *tally = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);

  tally->pending--;
  if (reply != NULL)
    {
      tally->ok++;
      g_free (tally->name);
      g_assert_true (g_variant_lookup (reply, "name", "s", &tally->name));
    }
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_NOT_FOUND))
    {
      tally->not_found++;
      g_free (tally->message);
      tally->message = g_strdup (error->message);
    }
  else
    {
      g_test_message ("customer.get: %s", error->message);
      tally->other++;
    }
}

/* `n` gets of `id` in flight at once on `conn`. */
static void
get_many (CrmConnection *conn, gint64 id, guint n, GetTally *tally)
{
  memset (tally, 0, sizeof *tally);
  for (guint i = 0; i < n; i++)
    {
      tally->pending++;
      crm_connection_call_async (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id), NULL,
                                 get_done_cb, tally);
    }
  while (tally->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
get_tally_clear (GetTally *tally)
{
  g_clear_pointer (&tally->name, g_free);
  g_clear_pointer (&tally->message, g_free);
}

static gint64
create_customer (CrmConnection *conn, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  g_autoptr(GVariant) reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_CREATE,
                                                        crm_test_customer_create_body (key, name),
                                                        NULL, &error);
  gint64 id = 0;

  g_assert_no_error (error);
  g_variant_get (reply, "(xx)", &id, NULL);
  return id;
}

/* customer.update of the owner (or name); returns the new version. */
static gint64
update_customer (CrmConnection *conn, gint64 id, gint64 version, const char *key_name, GVariant *value)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  GVariantBuilder fields;
  g_autoptr(GVariant) reply = NULL;
  gint64 new_version = 0;

  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&fields, "{sv}", key_name, value);
  reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_UPDATE,
                                    g_variant_new ("(sxxa{sv})", key, id, version, &fields), NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(x)", &new_version);
  return new_version;
}

static void
test_customer_get_scope (void)
{
  g_autoptr(GError) error = NULL;
  const char *password = crm_test_server_get_admin_password (get_server ());
  g_autoptr(CrmConnection) admin = crm_test_server_connect (get_server (), "admin", password, &error);
  g_autoptr(CrmConnection) sales = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *login = g_strdup_printf ("pipe%08x", g_random_int ());
  g_autofree char *key = crm_new_idempotency_key ();
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char *roles[] = { "salesperson", NULL };
  GetTally tally;
  gint64 theirs, mine, version, sales_id;

  g_assert_no_error (error);
  g_variant_dict_insert (&d, "login", "s", login);
  g_variant_dict_insert (&d, "display_name", "s", login);
  g_variant_dict_insert (&d, "password", "s", "Secret-pass-2024");
  g_variant_dict_insert (&d, "must_change_password", "b", FALSE);
  g_variant_dict_insert (&d, "roles", "^as", roles);
  reply = crm_connection_call_sync (admin, CRM_MSG_USER_CREATE,
                                    g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)), NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(x)", &sales_id);

  theirs = create_customer (admin, "流水线范围甲公司");
  sales = crm_test_server_connect (get_server (), login, "Secret-pass-2024", &error);
  g_assert_no_error (error);
  mine = create_customer (sales, "流水线范围乙公司");

  /* Own customer: every one of many gets in flight at once is answered,
   * the first ones while the scope is still being looked up. */
  get_many (sales, mine, 40, &tally);
  g_assert_cmpuint (tally.other, ==, 0);
  g_assert_cmpuint (tally.ok, ==, 40);
  g_assert_cmpstr (tally.name, ==, "流水线范围乙公司");
  get_tally_clear (&tally);

  /* Someone else's customer answers exactly like a missing one, also once
   * the scope is known on the fast path. */
  for (guint round = 0; round < 2; round++)
    {
      get_many (sales, theirs, 10, &tally);
      g_assert_cmpuint (tally.not_found, ==, 10);
      g_assert_cmpuint (tally.ok, ==, 0);
      get_tally_clear (&tally);
    }
  get_many (sales, G_MAXINT64, 3, &tally);
  g_assert_cmpuint (tally.not_found, ==, 3);
  get_tally_clear (&tally);

  /* Handed over to the salesperson: visible at once; a rename is read
   * fresh; handed back: gone again. */
  version = update_customer (admin, theirs, 1, "owner_id", g_variant_new_int64 (sales_id));
  get_many (sales, theirs, 10, &tally);
  g_assert_cmpuint (tally.ok, ==, 10);
  g_assert_cmpstr (tally.name, ==, "流水线范围甲公司");
  get_tally_clear (&tally);
  version = update_customer (admin, theirs, version, "name", g_variant_new_string ("流水线范围丙公司"));
  get_many (sales, theirs, 5, &tally);
  g_assert_cmpuint (tally.ok, ==, 5);
  g_assert_cmpstr (tally.name, ==, "流水线范围丙公司");
  get_tally_clear (&tally);
  update_customer (admin, theirs, version, "owner_id",
                   g_variant_new_int64 (crm_connection_get_user_id (admin)));
  get_many (sales, theirs, 5, &tally);
  g_assert_cmpuint (tally.not_found, ==, 5);
  g_assert_cmpuint (tally.ok, ==, 0);
  get_tally_clear (&tally);

  /* Deleted (in the recycle bin): not found any more. */
  {
    g_autofree char *del_key = crm_new_idempotency_key ();
    g_autoptr(GVariant) deleted =
      crm_connection_call_sync (admin, CRM_MSG_CUSTOMER_DELETE, g_variant_new ("(sxx)", del_key, mine, (gint64) 1),
                                NULL, &error);
    g_assert_no_error (error);
  }
  get_many (sales, mine, 5, &tally);
  g_assert_cmpuint (tally.not_found, ==, 5);
  get_tally_clear (&tally);

  crm_connection_close (sales);
  crm_connection_close (admin);
}

/* Misses pipelined on one connection are answered by the handler, each
 * once under its own request id (in any order: replies are matched by
 * id). */
static void
test_customer_get_misses_pipelined (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RawClient) raw = raw_client_connect (crm_test_server_get_port (get_server ()), TRUE, &error);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) carried = NULL;
  CrmFrameHeader h;
  const char *password = crm_test_server_get_admin_password (get_server ());
  guint seen = 0;

  g_assert_no_error (error);
  raw_client_send_frame (raw, CRM_MSG_HELLO, 0, 1,
                         g_variant_new ("(qqss)", CRM_PROTOCOL_VERSION_MIN, CRM_PROTOCOL_VERSION_MAX,
                                        "raw-test", "en_US"), &error);
  g_assert_no_error (error);
  g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
  g_clear_pointer (&body, g_bytes_unref);
  raw_client_send_frame (raw, CRM_MSG_AUTH_LOGIN, 0, 2,
                         g_variant_new ("(ssss)", "admin", password, "raw-test", "1"), &error);
  g_assert_no_error (error);
  g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
  g_assert_cmpuint (h.flags, ==, CRM_FRAME_FLAG_REPLY);
  g_clear_pointer (&body, g_bytes_unref);

  for (guint32 i = 0; i < 3; i++)
    {
      raw_client_send_frame (raw, CRM_MSG_CUSTOMER_GET, 0, 10 + i, g_variant_new ("(x)", G_MAXINT64 - i), &error);
      g_assert_no_error (error);
    }
  for (guint32 i = 0; i < 3; i++)
    {
      g_assert_true (raw_client_read_frame (raw, &h, &body, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (h.flags, ==, CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_ERROR);
      g_assert_cmpuint (h.request_id, >=, 10);
      g_assert_cmpuint (h.request_id, <, 13);
      g_assert_false (seen & (1u << (h.request_id - 10)));
      seen |= 1u << (h.request_id - 10);
      value = crm_payload_decode (body, G_VARIANT_TYPE ("(uss)"), &error);
      g_assert_no_error (error);
      carried = crm_error_from_variant (value);
      g_assert_error (carried, CRM_ERROR, CRM_ERROR_NOT_FOUND);
      g_assert_cmpstr (carried->message, !=, "");
      g_clear_pointer (&body, g_bytes_unref);
      g_clear_pointer (&value, g_variant_unref);
      g_clear_error (&carried);
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/net/bad-magic", test_bad_magic);
  g_test_add_func ("/server/net/oversized-preauth", test_oversized_preauth);
  g_test_add_func ("/server/net/unknown-message", test_unknown_message);
  g_test_add_func ("/server/net/wrong-body-type", test_wrong_body_type);
  g_test_add_func ("/server/net/non-normal-body", test_non_normal_body);
  g_test_add_func ("/server/net/frame-before-hello", test_frame_before_hello);
  g_test_add_func ("/server/net/version-mismatch", test_version_mismatch);
  g_test_add_func ("/server/net/reply-flag-from-client", test_reply_flag_from_client);
  g_test_add_func ("/server/net/truncated-then-close", test_truncated_then_close);
  g_test_add_func ("/server/net/records-batched-and-split", test_records_batched_and_split);
  g_test_add_func ("/server/net/not-signed-in", test_not_signed_in_keeps_connection);
  g_test_add_func ("/server/net/bad-idempotency-key", test_bad_idempotency_key);
  g_test_add_func ("/server/net/stalled-handshake-closed", test_stalled_handshake_closed);
  g_test_add_func ("/server/net/plain-frames-on-tls-port", test_plain_frames_on_tls_port);
  g_test_add_func ("/server/net/unread-replies-backpressure", test_unread_replies_backpressure);
  g_test_add_func ("/server/net/concurrent-clients", test_concurrent_clients);
  g_test_add_func ("/server/net/silent-connections", test_silent_connections);
  g_test_add_func ("/server/net/errors-in-client-language", test_errors_in_client_language);
  g_test_add_func ("/server/net/customer-get/scope", test_customer_get_scope);
  g_test_add_func ("/server/net/customer-get/misses-pipelined", test_customer_get_misses_pipelined);
  g_test_add_func ("/server/push/record-changed", test_push_record_changed);
  g_test_add_func ("/server/push/signed-out", test_push_signed_out);
  g_test_add_func ("/server/https/health", test_https_health);
  g_test_add_func ("/server/https/metrics", test_https_metrics);
  g_test_add_func ("/server/https/session", test_https_session);
  g_test_add_func ("/server/https/bodies-refused", test_https_bodies_refused);
  g_test_add_func ("/server/https/silent-connections", test_https_silent_connections);

  status = g_test_run ();
  crm_test_server_stop_shared ();
  return status;
}
