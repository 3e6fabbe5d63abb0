/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-connection"
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "crm-connection.h"
#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"
#include "crm-trust-store.h"

/*
 * A tiny protocol server running in its own threads with blocking I/O
 * (real TCP, real TLS with a committed test certificate), so that the
 * client under test can run its asynchronous code on the main thread.
 */

typedef enum
{
  MODE_NORMAL,
  MODE_REVERSE,       /* collect 5 customer.get requests, answer them last first */
  MODE_VERSION_ERROR, /* refuse the hello */
} ServerMode;

typedef struct
{
  GSocketListener *listener;
  GCancellable    *cancellable;
  GTlsCertificate *certificate; /* NULL = plain TCP */
  ServerMode       mode;
  guint16          port;
  GThread         *accept_thread;
  gint             connections; /* atomic */
} TestServer;

static void
send_frame (GOutputStream *out, guint16 type, guint32 flags, guint32 request_id, GVariant *body)
{
  g_autoptr (GBytes) frame = crm_frame_encode (type, flags, request_id, body);

  /* The peer may have gone: ignore failures, the client test asserts. */
  g_output_stream_write_all (out, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), NULL,
                             NULL, NULL);
}

static void
send_error (GOutputStream *out, guint16 type, guint32 request_id, CrmErrorCode code,
            const char *message, const char *field)
{
  send_frame (out, type, CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_ERROR, request_id,
              g_variant_new ("(uss)", (guint32)code, message, field));
}

static GVariant *
customer_reply (gint64 id)
{
  g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&b, "{sv}", "id", g_variant_new_int64 (id));
  g_variant_builder_add (&b, "{sv}", "name", g_variant_new_string ("北京智邦科技有限公司"));
  return g_variant_builder_end (&b);
}

typedef struct
{
  guint32 request_id;
  gint64  id;
} Held;

static gpointer
serve_connection (gpointer data)
{
  g_autoptr (GIOStream) stream = data;
  TestServer    *server = g_object_get_data (G_OBJECT (stream), "server");
  GInputStream  *in = g_io_stream_get_input_stream (stream);
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  g_autoptr (GArray) held = g_array_new (FALSE, FALSE, sizeof (Held));

  for (;;)
    {
      guint8             hbuf[CRM_FRAME_HEADER_SIZE];
      CrmFrameHeader     h;
      gsize              got = 0;
      g_autofree guint8 *body = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GVariant) request = NULL;
      const CrmMessageInfo *info;

      if (!g_input_stream_read_all (in, hbuf, sizeof hbuf, &got, NULL, NULL) || got < sizeof hbuf)
        break;
      if (!crm_frame_header_parse (hbuf, sizeof hbuf, CRM_FRAME_MAX_BODY, &h, NULL))
        break;
      body = g_malloc (h.body_length + 1);
      if (!g_input_stream_read_all (in, body, h.body_length, &got, NULL, NULL)
          || got < h.body_length)
        break;
      bytes = g_bytes_new (body, h.body_length);
      info = crm_message_lookup (h.type);
      if (info == NULL || info->request_type == NULL)
        {
          send_error (out, h.type, h.request_id, CRM_ERROR_UNKNOWN_MESSAGE, "unknown", "");
          continue;
        }
      request = crm_payload_decode (bytes, G_VARIANT_TYPE (info->request_type), NULL);
      if (request == NULL)
        {
          send_error (out, h.type, h.request_id, CRM_ERROR_BAD_PAYLOAD, "bad body", "");
          continue;
        }

      switch (h.type)
        {
        case CRM_MSG_HELLO:
          if (server->mode == MODE_VERSION_ERROR)
            {
              send_error (out, h.type, h.request_id, CRM_ERROR_VERSION,
                          "No common protocol version", "");
              goto done;
            }
          send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id,
                      g_variant_new ("(qsx)", (guint16)1, "test-server", g_get_real_time ()));
          break;

        case CRM_MSG_PING:
          /* a push the client knows, one it does not (ignored), then the reply */
          send_frame (out, CRM_MSG_PUSH_RECORD_CHANGED, CRM_FRAME_FLAG_PUSH, 0,
                      g_variant_new ("(sxxs)", "customer", (gint64)5, (gint64)2, "update"));
          send_frame (out, 999, CRM_FRAME_FLAG_PUSH, 0, g_variant_new ("(s)", "future"));
          send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id, NULL);
          break;

        case CRM_MSG_AUTH_LOGIN:
          {
            const char *user, *password;
            const char *perms[] = { "customer.view", "customer.edit", "customer.add", NULL };

            g_variant_get (request, "(&s&s&s&s)", &user, &password, NULL, NULL);
            if (g_strcmp0 (user, "admin") != 0 || g_strcmp0 (password, "secret") != 0)
              {
                send_error (out, h.type, h.request_id, CRM_ERROR_AUTH_FAILED, "用户名或密码错误",
                            "password");
                break;
              }
            send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id,
                        g_variant_new ("(sxss^asx)", "token-123", (gint64)7, "admin", "管理员",
                                       perms, g_get_real_time () + (gint64)G_USEC_PER_SEC * 3600));
          }
          break;

        case CRM_MSG_AUTH_RESUME:
          {
            const char *token;
            const char *perms[] = { "user.view", NULL };

            g_variant_get (request, "(&s)", &token);
            if (g_strcmp0 (token, "token-123") != 0)
              send_error (out, h.type, h.request_id, CRM_ERROR_SESSION_EXPIRED, "会话已过期", "");
            else
              /* an empty token in the reply: keep the one sent */
              send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id,
                          g_variant_new ("(sxss^asx)", "", (gint64)7, "admin", "管理员", perms,
                                         g_get_real_time ()));
          }
          break;

        case CRM_MSG_CUSTOMER_COUNT:
          {
            const char *perms[] = { "customer.view", NULL };

            send_frame (out, CRM_MSG_PUSH_PERMISSIONS, CRM_FRAME_FLAG_PUSH, 0,
                        g_variant_new ("(^as)", perms));
            send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id,
                        g_variant_new ("(xb)", (gint64)3, FALSE));
          }
          break;

        case CRM_MSG_CUSTOMER_GET:
          {
            gint64 id;

            g_variant_get (request, "(x)", &id);
            if (id == 404)
              send_error (out, h.type, h.request_id, CRM_ERROR_NOT_FOUND, "客户不存在", "id");
            else if (id == 666)
              {
                /* half a header, then hang up */
                g_output_stream_write_all (out, "CRMP\0\1\0", 7, NULL, NULL, NULL);
                goto done;
              }
            else if (id == 667)
              {
                /* a full header announcing 100 bytes, 10 of them, hang up */
                CrmFrameHeader rh
                    = { 1, CRM_MSG_CUSTOMER_GET, CRM_FRAME_FLAG_REPLY, h.request_id, 100 };
                guint8 raw[CRM_FRAME_HEADER_SIZE + 10] = {
                  0,
                };

                crm_frame_header_write (&rh, raw);
                g_output_stream_write_all (out, raw, sizeof raw, NULL, NULL, NULL);
                goto done;
              }
            else if (id == 777)
              send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id,
                          g_variant_new ("(s)", "not a record"));
            else if (id == 888)
              {
                /* a reply to a request that was never made: a violation */
                send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id + 1000,
                            customer_reply (1));
              }
            else if (server->mode == MODE_REVERSE)
              {
                Held entry = { h.request_id, id };

                g_array_append_val (held, entry);
                if (held->len == 5)
                  {
                    for (guint i = held->len; i > 0; i--)
                      {
                        Held *e = &g_array_index (held, Held, i - 1);
                        send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, e->request_id,
                                    customer_reply (e->id));
                      }
                    g_array_set_size (held, 0);
                  }
              }
            else
              send_frame (out, h.type, CRM_FRAME_FLAG_REPLY, h.request_id, customer_reply (id));
          }
          break;

        default:
          send_error (out, h.type, h.request_id, CRM_ERROR_INTERNAL, "not in this test", "");
          break;
        }
    }

done:
  g_io_stream_close (stream, NULL, NULL);
  return NULL;
}

static gpointer
accept_loop (gpointer data)
{
  TestServer *server = data;

  for (;;)
    {
      g_autoptr (GSocketConnection) conn = NULL;
      g_autoptr (GIOStream) stream = NULL;
      g_autoptr (GError) error = NULL;

      conn = g_socket_listener_accept (server->listener, NULL, server->cancellable, &error);
      if (conn == NULL)
        break;
      g_atomic_int_inc (&server->connections);

      if (server->certificate != NULL)
        {
          stream = g_tls_server_connection_new (G_IO_STREAM (conn), server->certificate, &error);
          g_assert_no_error (error);
          /* a client refusing the certificate makes this fail: fine */
          if (!g_tls_connection_handshake (G_TLS_CONNECTION (stream), NULL, NULL))
            continue;
        }
      else
        stream = G_IO_STREAM (g_object_ref (conn));

      g_object_set_data (G_OBJECT (stream), "server", server);
      g_thread_unref (
          g_thread_new ("test-server-conn", serve_connection, g_steal_pointer (&stream)));
    }
  return NULL;
}

static TestServer *
test_server_start (const char *cert_name, ServerMode mode)
{
  TestServer *server = g_new0 (TestServer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;

  if (cert_name != NULL)
    {
      g_autofree char *cert
          = g_strdup_printf ("%s/tests/unit/test-cert%s.pem", SOURCE_ROOT, cert_name);
      g_autofree char *key
          = g_strdup_printf ("%s/tests/unit/test-key%s.pem", SOURCE_ROOT, cert_name);

      server->certificate = g_tls_certificate_new_from_files (cert, key, &error);
      g_assert_no_error (error);
    }
  server->mode = mode;
  server->cancellable = g_cancellable_new ();
  server->listener = g_socket_listener_new ();
  g_assert_true (g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error));
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  server->accept_thread = g_thread_new ("test-server", accept_loop, server);
  return server;
}

static void
test_server_stop (TestServer *server)
{
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->accept_thread);
  g_socket_listener_close (server->listener);
  g_clear_object (&server->listener);
  g_clear_object (&server->cancellable);
  g_clear_object (&server->certificate);
  g_free (server);
}

static char *
fingerprint_of (const char *cert_name)
{
  g_autofree char *path = g_strdup_printf ("%s/tests/unit/test-cert%s.pem", SOURCE_ROOT, cert_name);
  g_autoptr (GTlsCertificate) cert = g_tls_certificate_new_from_file (path, NULL);

  g_assert_nonnull (cert);
  return crm_certificate_fingerprint (cert);
}

static char *
host_port (TestServer *server)
{
  return g_strdup_printf ("127.0.0.1:%u", server->port);
}

/* Connected, TOFU-trusting client on a fresh in-memory store. */
static CrmConnection *
connect_client (TestServer *server)
{
  g_autoptr (CrmTrustStore) trust = crm_trust_store_new (NULL);
  g_autoptr (GError) error = NULL;
  CrmConnection *conn
      = crm_connection_new_sync ("127.0.0.1", server->port, trust, TRUE, "zh_CN", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_READY);
  return conn;
}

/* customer.get `id`, which must fail with `code`; the error. */
static GError *
get_fails (CrmConnection *conn, gint64 id, CrmErrorCode code)
{
  GError *error = NULL;
  g_autoptr (GVariant) reply
      = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", id), NULL, &error);

  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, (int)code);
  return error;
}

static void
spin_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

/* ---------------------------------------------------------------- */

static void
test_connection_tofu (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmTrustStore) trust = crm_trust_store_new (NULL);
  g_autofree char *hp = host_port (server);
  g_autofree char *fp1 = fingerprint_of ("1");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmConnection) refused = NULL;
  g_autoptr (CrmConnection) conn = NULL;
  g_autoptr (CrmConnection) again = NULL;

  /* first contact without TOFU: refused, fingerprint reported */
  refused
      = crm_connection_new_sync ("127.0.0.1", server->port, trust, FALSE, "zh_CN", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_UNKNOWN);
  g_assert_nonnull (strstr (error->message, fp1));
  g_assert_cmpstr (crm_trust_store_get_last_seen (trust, hp), ==, fp1);
  g_assert_null (crm_trust_store_lookup (trust, hp));
  g_clear_error (&error);

  /* with TOFU: accepted and remembered */
  conn = crm_connection_new_sync ("127.0.0.1", server->port, trust, TRUE, "zh_CN", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_READY);
  g_assert_cmpstr (crm_trust_store_lookup (trust, hp), ==, fp1);
  crm_connection_close (conn);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_CLOSED);

  /* known now: accepted without TOFU */
  again = crm_connection_new_sync ("127.0.0.1", server->port, trust, FALSE, "zh_CN", NULL, &error);
  g_assert_no_error (error);
  crm_connection_close (again);

  test_server_stop (server);
}

static void
test_connection_certificate_changed (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmTrustStore) trust = crm_trust_store_new (NULL);
  g_autofree char *hp = host_port (server);
  g_autofree char *fp1 = fingerprint_of ("1");
  g_autofree char *fp2 = fingerprint_of ("2");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmConnection) conn = NULL;

  g_assert_true (crm_trust_store_remember (trust, hp, fp2, NULL));
  /* even with TOFU a changed certificate is refused */
  conn = crm_connection_new_sync ("127.0.0.1", server->port, trust, TRUE, "zh_CN", NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_CHANGED);
  g_assert_nonnull (strstr (error->message, fp1));
  g_assert_nonnull (strstr (error->message, fp2));
  g_assert_cmpstr (crm_trust_store_lookup (trust, hp), ==, fp2);
  g_assert_cmpstr (crm_trust_store_get_last_seen (trust, hp), ==, fp1);

  test_server_stop (server);
}

static void
test_connection_refused (void)
{
  /* a port that was just free */
  TestServer *server = test_server_start (NULL, MODE_NORMAL);
  guint16     port = server->port;
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmConnection) conn = NULL;
  g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u", port);

  test_server_stop (server);
  conn = crm_connection_new_sync ("127.0.0.1", port, NULL, FALSE, NULL, NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, expected));
}

static void
test_connection_version_error (void)
{
  TestServer *server = test_server_start ("1", MODE_VERSION_ERROR);
  g_autoptr (CrmTrustStore) trust = crm_trust_store_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmConnection) conn = NULL;

  conn = crm_connection_new_sync ("127.0.0.1", server->port, trust, TRUE, "zh_CN", NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_VERSION);
  test_server_stop (server);
}

typedef struct
{
  guint      done;
  GPtrArray *order; /* ids in completion order */
} Collect;

static void
on_get_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Collect *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);
  gint64 id = -1;

  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (reply, "id", "x", &id));
  g_ptr_array_add (c->order, GINT_TO_POINTER ((int)id));
  c->done++;
}

static void
pipeline (ServerMode mode, guint n)
{
  TestServer *server = test_server_start ("1", mode);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  Collect c = { 0, order };

  for (guint i = 0; i < n; i++)
    crm_connection_call_async (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)(100 + i)),
                               NULL, on_get_done, &c);
  while (c.done < n)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (order->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      guint expected = mode == MODE_REVERSE ? 100 + (n - 1 - i) : 100 + i;
      g_assert_cmpint (GPOINTER_TO_INT (order->pdata[i]), ==, expected);
    }

  crm_connection_close (conn);
  test_server_stop (server);
}

static void
test_connection_pipelining (void)
{
  pipeline (MODE_NORMAL, 50);
}

static void
test_connection_out_of_order (void)
{
  /* each reply reaches the caller of its own request */
  pipeline (MODE_REVERSE, 5);
}

typedef struct
{
  guint     count;
  guint     last_id;
  GVariant *last_body;
} PushLog;

static void
on_push (CrmConnection *conn, guint message_id, GVariant *body, gpointer user_data)
{
  PushLog *log = user_data;

  log->count++;
  log->last_id = message_id;
  g_clear_pointer (&log->last_body, g_variant_unref);
  log->last_body = g_variant_ref (body);
}

static void
test_connection_push (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  PushLog log = {
    0,
  };
  PushLog detailed = {
    0,
  };
  const char *entity;
  gint64      id;

  g_signal_connect (conn, "push", G_CALLBACK (on_push), &log);
  g_signal_connect (conn, "push::push.record_changed", G_CALLBACK (on_push), &detailed);
  reply = crm_connection_call_sync (conn, CRM_MSG_PING, NULL, NULL, &error);
  g_assert_no_error (error);
  /* the push came before the reply; the unknown push id 999 was dropped */
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_cmpuint (detailed.count, ==, 1);
  g_assert_cmpuint (log.last_id, ==, CRM_MSG_PUSH_RECORD_CHANGED);
  g_variant_get (log.last_body, "(&sxxs)", &entity, &id, NULL, NULL);
  g_assert_cmpstr (entity, ==, "customer");
  g_assert_cmpint (id, ==, 5);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_READY);

  g_clear_pointer (&log.last_body, g_variant_unref);
  g_clear_pointer (&detailed.last_body, g_variant_unref);
  crm_connection_close (conn);
  test_server_stop (server);
}

static void
test_connection_error_frames (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  error = get_fails (conn, 404, CRM_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "客户不存在");
  g_assert_cmpstr (crm_error_get_field (error), ==, "id");
  g_clear_error (&error);

  /* a reply of the wrong type fails that call only */
  error = get_fails (conn, 777, CRM_ERROR_BAD_PAYLOAD);
  g_clear_error (&error);

  /* and the connection still works */
  reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)1),
                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);

  crm_connection_close (conn);
  test_server_stop (server);
}

static void
test_connection_local_checks (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *big = g_strnfill (CRM_FRAME_MAX_BODY_PREAUTH + 10, 'x');

  reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(s)", "1"), NULL,
                                    &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
  g_clear_error (&error);

  reply = crm_connection_call_sync (conn, 4242, NULL, NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_UNKNOWN_MESSAGE);
  g_clear_error (&error);

  reply = crm_connection_call_sync (conn, CRM_MSG_PUSH_REMINDER, NULL, NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_UNKNOWN_MESSAGE);
  g_clear_error (&error);

  /* before sign-in the small cap applies */
  reply = crm_connection_login_sync (conn, big, "x", NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_FRAME_TOO_LARGE);
  g_clear_error (&error);

  /* still usable */
  reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)2),
                                    NULL, &error);
  g_assert_no_error (error);

  crm_connection_close (conn);
  test_server_stop (server);
}

static void
on_closed (CrmConnection *conn, const GError *reason, gpointer user_data)
{
  guint *count = user_data;

  g_assert_nonnull (reason);
  (*count)++;
}

static void
on_expect_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  guint *failed = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);

  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CLOSED);
  (*failed)++;
}

static void
closed_mid_frame (gint64 trigger)
{
  TestServer *server = test_server_start ("1", MODE_REVERSE);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint closed = 0, failed = 0;

  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), &closed);
  /* two requests held by the server, then one that makes it hang up */
  crm_connection_call_async (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)1), NULL,
                             on_expect_closed, &failed);
  crm_connection_call_async (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)2), NULL,
                             on_expect_closed, &failed);
  error = get_fails (conn, trigger, CRM_ERROR_CLOSED);
  g_clear_error (&error);
  while (failed < 2 || closed < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_CLOSED);

  /* later calls fail at once; close is idempotent; "closed" came once */
  reply = crm_connection_call_sync (conn, CRM_MSG_PING, NULL, NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_CLOSED);
  crm_connection_close (conn);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (closed, ==, 1);

  test_server_stop (server);
}

static void
test_connection_closed_mid_header (void)
{
  closed_mid_frame (666);
}

static void
test_connection_closed_mid_body (void)
{
  closed_mid_frame (667);
}

static void
test_connection_unexpected_reply (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GError) error = get_fails (conn, 888, CRM_ERROR_CLOSED);

  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_CLOSED);
  test_server_stop (server);
}

static void
test_connection_login (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) count = NULL;

  g_assert_false (crm_connection_has_permission (conn, "customer.view"));
  reply = crm_connection_login_sync (conn, "admin", "wrong", NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  g_assert_cmpstr (crm_error_get_field (error), ==, "password");
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_READY);
  g_clear_error (&error);

  reply = crm_connection_login_sync (conn, "admin", "secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (reply), ==, "(sxssasx)");
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_SIGNED_IN);
  g_assert_cmpstr (crm_connection_get_session_token (conn), ==, "token-123");
  g_assert_cmpint (crm_connection_get_user_id (conn), ==, 7);
  g_assert_true (crm_connection_has_permission (conn, "customer.view"));
  g_assert_true (crm_connection_has_permission (conn, "customer.add"));
  g_assert_true (crm_connection_has_permission (conn, "customer.edit"));
  g_assert_false (crm_connection_has_permission (conn, "customer.delete"));
  g_assert_false (crm_connection_has_permission (conn, "user.manage"));

  /* push.permissions replaces the list */
  count = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_COUNT,
                                    g_variant_new_parsed ("(@a{sv} {},)"), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (crm_connection_has_permission (conn, "customer.view"));
  g_assert_false (crm_connection_has_permission (conn, "customer.edit"));

  crm_connection_close (conn);
  test_server_stop (server);
}

static void
on_state_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_connection_resume (void)
{
  TestServer *server = test_server_start ("1", MODE_NORMAL);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint              notified = 0;
  CrmConnectionState state;

  g_signal_connect (conn, "notify::state", G_CALLBACK (on_state_notify), &notified);
  reply = crm_connection_resume_sync (conn, "stale", NULL, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_READY);
  g_assert_cmpuint (notified, ==, 0);
  g_clear_error (&error);

  reply = crm_connection_resume_sync (conn, "token-123", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crm_connection_get_session_token (conn), ==, "token-123");
  g_assert_true (crm_connection_has_permission (conn, "user.view"));
  g_assert_false (crm_connection_has_permission (conn, "customer.view"));
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (conn, "state", &state, NULL);
  g_assert_cmpint (state, ==, CRM_CONNECTION_STATE_SIGNED_IN);

  crm_connection_close (conn);
  g_assert_cmpuint (notified, ==, 2);
  test_server_stop (server);
}

typedef struct
{
  CrmConnection *conn; /* the only reference */
  gboolean       done;
  guint          failed;
} Owner;

static void
on_reply_drop_connection (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Owner *owner = user_data;
  g_autoptr (GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, NULL);

  g_assert_nonnull (reply);
  /* close and drop the last reference from inside the connection's own
   * callback, with other calls still pending */
  crm_connection_close (owner->conn);
  g_clear_object (&owner->conn);
  owner->done = TRUE;
}

static void
on_pending_failed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Owner *owner = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);

  g_assert_error (error, CRM_ERROR, CRM_ERROR_CLOSED);
  owner->failed++;
}

static void
on_push_drop_connection (CrmConnection *conn, guint message_id, GVariant *body, gpointer user_data)
{
  Owner *owner = user_data;

  crm_connection_close (owner->conn);
  g_clear_object (&owner->conn);
  owner->done = TRUE;
}

static void
test_connection_close_in_callback (void)
{
  TestServer *server = test_server_start ("1", MODE_REVERSE);
  Owner       owner = { connect_client (server), FALSE, 0 };
  Owner       pushed = { NULL, FALSE, 0 };
  gpointer    weak = owner.conn;

  g_object_add_weak_pointer (G_OBJECT (owner.conn), &weak);
  /* held by the server (reverse mode) until it has 5: they stay pending */
  for (guint i = 0; i < 3; i++)
    crm_connection_call_async (owner.conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)i),
                               NULL, on_pending_failed, &owner);
  crm_connection_call_async (owner.conn, CRM_MSG_PING, NULL, NULL, on_reply_drop_connection,
                             &owner);
  spin_until (&owner.done);
  while (owner.failed < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (owner.conn);
  /* once the pending I/O has unwound, the connection is freed */
  while (weak != NULL)
    g_main_context_iteration (NULL, TRUE);

  /* the same from a push handler */
  pushed.conn = connect_client (server);
  g_signal_connect (pushed.conn, "push", G_CALLBACK (on_push_drop_connection), &pushed);
  crm_connection_call_async (pushed.conn, CRM_MSG_PING, NULL, NULL, on_pending_failed, &pushed);
  spin_until (&pushed.done);
  while (pushed.failed < 1)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  test_server_stop (server);
}

typedef struct
{
  gboolean done;
  GError  *error;
} Cancelled;

static void
on_cancelled_call (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cancelled *c = user_data;
  g_autoptr (GVariant) reply
      = crm_connection_call_finish (CRM_CONNECTION (source), result, &c->error);

  g_assert_null (reply);
  c->done = TRUE;
}

static void
test_connection_cancel (void)
{
  TestServer *server = test_server_start ("1", MODE_REVERSE);
  g_autoptr (CrmConnection) conn = connect_client (server);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  Cancelled c = { FALSE, NULL };
  Collect   rest = { 0, order };

  /* the server holds this request until 4 more arrive */
  crm_connection_call_async (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)50),
                             cancellable, on_cancelled_call, &c);
  g_cancellable_cancel (cancellable);
  spin_until (&c.done);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&c.error);

  /* its late reply is dropped; the others are delivered */
  for (guint i = 0; i < 4; i++)
    crm_connection_call_async (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)(60 + i)),
                               NULL, on_get_done, &rest);
  while (rest.done < 4)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (GPOINTER_TO_INT (order->pdata[0]), ==, 63);
  g_assert_cmpint (crm_connection_get_state (conn), ==, CRM_CONNECTION_STATE_READY);

  crm_connection_close (conn);
  test_server_stop (server);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_connection_cancel_handshake (void)
{
  /* a listener nobody accepts from: TCP connects (backlog), TLS never
   * answers; the caller's cancellable ends the attempt */
  g_autoptr (GSocketListener) silent = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (CrmTrustStore) trust = crm_trust_store_new (NULL);
  g_autoptr (CrmConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port;

  g_assert_true (g_socket_listener_add_address (silent, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_timeout_add (200, cancel_later, cancellable);
  conn = crm_connection_new_sync ("127.0.0.1", port, trust, TRUE, NULL, cancellable, &error);
  g_assert_null (conn);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (crm_trust_store_lookup (trust, "127.0.0.1"));
  g_socket_listener_close (silent);
}

static void
test_connection_plain_tcp (void)
{
  TestServer *server = test_server_start (NULL, MODE_NORMAL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmConnection) conn
      = crm_connection_new_sync ("127.0.0.1", server->port, NULL, FALSE, NULL, NULL, &error);
  g_autoptr (GVariant) reply = NULL;

  g_assert_no_error (error);
  reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", (gint64)9),
                                    NULL, &error);
  g_assert_no_error (error);
  crm_connection_close (conn);
  test_server_stop (server);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/connection/tofu", test_connection_tofu);
  g_test_add_func ("/protocol/connection/certificate-changed", test_connection_certificate_changed);
  g_test_add_func ("/protocol/connection/refused", test_connection_refused);
  g_test_add_func ("/protocol/connection/version-error", test_connection_version_error);
  g_test_add_func ("/protocol/connection/pipelining", test_connection_pipelining);
  g_test_add_func ("/protocol/connection/out-of-order", test_connection_out_of_order);
  g_test_add_func ("/protocol/connection/push", test_connection_push);
  g_test_add_func ("/protocol/connection/error-frames", test_connection_error_frames);
  g_test_add_func ("/protocol/connection/local-checks", test_connection_local_checks);
  g_test_add_func ("/protocol/connection/closed-mid-header", test_connection_closed_mid_header);
  g_test_add_func ("/protocol/connection/closed-mid-body", test_connection_closed_mid_body);
  g_test_add_func ("/protocol/connection/unexpected-reply", test_connection_unexpected_reply);
  g_test_add_func ("/protocol/connection/login", test_connection_login);
  g_test_add_func ("/protocol/connection/resume", test_connection_resume);
  g_test_add_func ("/protocol/connection/cancel", test_connection_cancel);
  g_test_add_func ("/protocol/connection/close-in-callback", test_connection_close_in_callback);
  g_test_add_func ("/protocol/connection/cancel-handshake", test_connection_cancel_handshake);
  g_test_add_func ("/protocol/connection/plain-tcp", test_connection_plain_tcp);

  return g_test_run ();
}
