/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-http"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "crm-error.h"
#include "crm-http.h"
#include "crm-messages.h"
#include "crm-tls-gate.h"

/* Like the protocol port, the HTTPS port does its own TLS handshakes, so
 * that silent or stalled peers cannot hold GLib's few handshake threads
 * (libsoup would start a handshake on every accepted socket at once): a
 * handshake starts only once the peer has sent its first bytes, with a
 * cap on handshakes in progress and deadlines on every phase.  The
 * finished TLS stream is then handed to libsoup. */
#define HTTP_MAX_HANDSHAKES     4
#define HTTP_PHASE_SECONDS      10

typedef struct {
  CrmHttp *http;               /* owned */
  GSocketConnection *socket;   /* owned */
  GIOStream *tls;
  GSource *wait_source;
  GCancellable *cancellable;
  guint deadline_id;
  gboolean handshaking;
} Incoming;

struct _CrmHttp {
  GObject parent_instance;

  CrmServer *server; /* owned */
  GTlsCertificate *certificate;
  SoupServer *soup;
  GSocketService *service;
  guint16 port;
  gint64 started_us;

  GPtrArray *incoming;      /* Incoming*, not yet handed to libsoup */
  CrmTlsGate *gate;         /* handshake slots (crm-tls-gate.h) */
};

G_DEFINE_FINAL_TYPE (CrmHttp, crm_http, G_TYPE_OBJECT)

static void incoming_finish (Incoming *in);
static gboolean gate_start_cb (gpointer peer, gpointer data);

static void
crm_http_dispose (GObject *object)
{
  CrmHttp *self = CRM_HTTP (object);

  crm_http_stop (self);
  g_clear_object (&self->service);
  g_clear_object (&self->soup);
  g_clear_object (&self->certificate);
  g_clear_object (&self->server);
  G_OBJECT_CLASS (crm_http_parent_class)->dispose (object);
}

static void
crm_http_finalize (GObject *object)
{
  CrmHttp *self = CRM_HTTP (object);

  g_ptr_array_unref (self->incoming);
  crm_tls_gate_free (self->gate);
  G_OBJECT_CLASS (crm_http_parent_class)->finalize (object);
}

static void
crm_http_class_init (CrmHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = crm_http_dispose;
  G_OBJECT_CLASS (klass)->finalize = crm_http_finalize;
}

static void
crm_http_init (CrmHttp *self)
{
  self->started_us = g_get_monotonic_time ();
  self->incoming = g_ptr_array_new ();
  self->gate = crm_tls_gate_new (HTTP_MAX_HANDSHAKES, gate_start_cb, self, NULL, NULL);
}

guint
crm_http_status_for_error (const GError *error)
{
  if (error->domain != CRM_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;
  switch (error->code)
    {
    case CRM_ERROR_NOT_SIGNED_IN:
    case CRM_ERROR_SESSION_EXPIRED:
    case CRM_ERROR_AUTH_FAILED:
      return SOUP_STATUS_UNAUTHORIZED;
    case CRM_ERROR_PERMISSION_DENIED:
    case CRM_ERROR_ACCOUNT_DISABLED:
    case CRM_ERROR_ACCOUNT_LOCKED:
    case CRM_ERROR_PASSWORD_CHANGE_REQUIRED:
      return SOUP_STATUS_FORBIDDEN;
    case CRM_ERROR_NOT_FOUND:
      return SOUP_STATUS_NOT_FOUND;
    case CRM_ERROR_CONFLICT:
    case CRM_ERROR_DUPLICATE:
      return SOUP_STATUS_CONFLICT;
    case CRM_ERROR_BAD_PAYLOAD:
    case CRM_ERROR_INVALID_FIELD:
    case CRM_ERROR_BAD_FRAME:
      return SOUP_STATUS_BAD_REQUEST;
    case CRM_ERROR_FRAME_TOO_LARGE:
      return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    case CRM_ERROR_RATE_LIMITED:
      return 429; /* Too Many Requests; libsoup 3.2 has no name for it */
    case CRM_ERROR_UNAVAILABLE:
      return SOUP_STATUS_SERVICE_UNAVAILABLE;
    default:
      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
    }
}

static void
respond (SoupServerMessage *msg, guint status, const char *content_type, char *body /* owned */)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, body, strlen (body));
}

/* A request held paused while its answer is worked out on the side
 * (/health, /session). */
typedef struct {
  CrmHttp *http;
  SoupServerMessage *msg;
} PausedCheck;

static PausedCheck *
paused_check_new (CrmHttp *self, SoupServerMessage *msg)
{
  PausedCheck *check = g_new0 (PausedCheck, 1);

  check->http = g_object_ref (self);
  check->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  return check;
}

/* Answers with @root as JSON and frees @check. */
static void
paused_check_answer (PausedCheck *check, guint status, JsonNode *root)
{
  respond (check->msg, status, "application/json", json_to_string (root, FALSE));
  soup_server_message_unpause (check->msg);
  g_object_unref (check->msg);
  g_object_unref (check->http);
  g_free (check);
}

/* ---- /health ---- */

static void
health_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  PausedCheck *check = data;
  CrmHttp *self = check->http;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_db_pool_run_finish (crm_server_get_pool (self->server), result, NULL, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gint64 uptime = (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC;
  /* The probe token matches no session: "expired" is the answer of a
   * database that was reached. */
  gboolean db_ok = reply != NULL || g_error_matches (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, db_ok ? "ok" : "degraded");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "database_reachable");
  json_builder_add_boolean_value (b, db_ok);
  if (!db_ok && error != NULL)
    {
      json_builder_set_member_name (b, "database_error");
      json_builder_add_string_value (b, error->message);
    }
  json_builder_set_member_name (b, "uptime_seconds");
  json_builder_add_int_value (b, uptime);
  json_builder_set_member_name (b, "connections");
  json_builder_add_int_value (b, crm_server_get_n_connections (self->server));
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  paused_check_answer (check, db_ok ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, root);
}

/* Reachability is proven by a real query that changes nothing: resuming
 * a session with a random token no session has.  (The health message
 * itself needs a signed-in session.) */
static void
handle_health (CrmHttp *self, SoupServerMessage *msg)
{
  CrmRequestContext *ctx = g_new0 (CrmRequestContext, 1);
  PausedCheck *check;
  g_autofree char *probe = g_uuid_string_random ();

  ctx->message = crm_message_lookup (CRM_MSG_AUTH_RESUME);
  ctx->peer_address = g_strdup ("health-check");
  check = paused_check_new (self, msg);
  crm_db_pool_run_async (crm_server_get_pool (self->server), ctx,
                         g_variant_new ("(s)", probe), NULL, health_done_cb, check);
}

/* ---- /metrics ---- */

static void
handle_metrics (CrmHttp *self, SoupServerMessage *msg)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint busy = 0, idle = 0, queued = 0;

  crm_server_metrics_write (crm_server_get_metrics (self->server), out);
  crm_db_pool_get_stats (crm_server_get_pool (self->server), &busy, &idle, &queued);
  g_string_append_printf (out,
                          "# HELP crm_connections_open Protocol connections open now.\n"
                          "# TYPE crm_connections_open gauge\n"
                          "crm_connections_open %u\n"
                          "# HELP crm_tls_handshakes_in_progress TLS handshakes running now.\n"
                          "# TYPE crm_tls_handshakes_in_progress gauge\n"
                          "crm_tls_handshakes_in_progress %u\n"
                          "# HELP crm_db_pool_connections Database pool connections by state.\n"
                          "# TYPE crm_db_pool_connections gauge\n"
                          "crm_db_pool_connections{state=\"busy\"} %u\n"
                          "crm_db_pool_connections{state=\"idle\"} %u\n"
                          "# HELP crm_db_pool_queued Requests waiting for a database connection.\n"
                          "# TYPE crm_db_pool_queued gauge\n"
                          "crm_db_pool_queued %u\n"
                          "# HELP crm_uptime_seconds Seconds since the server started.\n"
                          "# TYPE crm_uptime_seconds gauge\n"
                          "crm_uptime_seconds %" G_GINT64_FORMAT "\n",
                          crm_server_get_n_connections (self->server),
                          crm_server_get_n_handshakes (self->server),
                          busy, idle, queued,
                          (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC);
  respond (msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
           g_string_free (g_steal_pointer (&out), FALSE));
}

/* ---- /session: who the bearer token belongs to ---- */

static void
session_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  PausedCheck *check = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmSession) session = crm_http_authenticate_finish (check->http, result, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  if (session == NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->domain == CRM_ERROR ? crm_error_code_to_string (error->code) : "internal");
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, error->message);
    }
  else
    {
      json_builder_set_member_name (b, "user_id");
      json_builder_add_int_value (b, session->user_id);
      json_builder_set_member_name (b, "login");
      json_builder_add_string_value (b, session->login);
      json_builder_set_member_name (b, "display_name");
      json_builder_add_string_value (b, session->display_name ? session->display_name : "");
      json_builder_set_member_name (b, "permissions");
      json_builder_begin_array (b);
      for (guint i = 0; session->permissions && session->permissions[i]; i++)
        json_builder_add_string_value (b, session->permissions[i]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  if (session == NULL && crm_http_status_for_error (error) == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (check->msg),
                                  "WWW-Authenticate", "Bearer realm=\"jinke-crm\"");
  paused_check_answer (check, session ? SOUP_STATUS_OK : crm_http_status_for_error (error), root);
}

static void
handle_session (CrmHttp *self, SoupServerMessage *msg)
{
  PausedCheck *check = paused_check_new (self, msg);

  crm_http_authenticate_async (self, msg, NULL, session_done_cb, check);
}

static void
request_cb (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  CrmHttp *self = data;
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      respond (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
               g_strdup ("method not allowed\n"));
      return;
    }
  if (strcmp (path, "/health") == 0)
    handle_health (self, msg);
  else if (strcmp (path, "/metrics") == 0)
    handle_metrics (self, msg);
  else if (strcmp (path, "/session") == 0)
    handle_session (self, msg);
  else
    respond (msg, SOUP_STATUS_NOT_FOUND, "text/plain; charset=utf-8", g_strdup ("not found\n"));
}

/* Runs once the headers are in, before any body is read: the handlers of
 * this file take no body, so a request carrying one (a 10 GB POST to
 * /health) is answered at once instead of being buffered in memory.
 * Handlers that take bodies register their own early handler for their
 * path, which libsoup prefers to this catch-all one. */
static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      respond (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
               g_strdup ("method not allowed\n"));
      return;
    }
  if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF ||
      (encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (headers) > 0))
    respond (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "text/plain; charset=utf-8",
             g_strdup ("this request takes no body\n"));
}

CrmHttp *
crm_http_new (CrmServer *server, GTlsCertificate *certificate)
{
  CrmHttp *self = g_object_new (CRM_TYPE_HTTP, NULL);

  self->server = g_object_ref (server);
  self->certificate = certificate ? g_object_ref (certificate) : NULL;
  self->soup = soup_server_new ("server-header", PACKAGE_NAME "/" PACKAGE_VERSION, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, request_cb, self, NULL);
  return self;
}

/* ---- Accepting, with the handshake gate ---- */

static void start_handshake (Incoming *in);

/* Ends the gate's part: hands the stream to libsoup (`stream` non-NULL)
 * or drops the connection. */
static void
incoming_finish_with (Incoming *in, GIOStream *stream)
{
  CrmHttp *self = in->http;

  g_clear_handle_id (&in->deadline_id, g_source_remove);
  if (in->wait_source)
    {
      g_source_destroy (in->wait_source);
      g_clear_pointer (&in->wait_source, g_source_unref);
    }
  g_ptr_array_remove_fast (self->incoming, in);
  in->handshaking = FALSE;
  /* Its slot (or place in the queue) goes to the next readable peer. */
  if (self->gate != NULL)
    crm_tls_gate_leave (self->gate, in);

  if (stream != NULL && self->soup != NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (in->socket, NULL);
      g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (in->socket, NULL);
      g_autoptr(GError) error = NULL;

      if (!soup_server_accept_iostream (self->soup, stream, local, remote, &error))
        g_debug ("HTTP connection not accepted: %s", error->message);
    }
  else
    g_io_stream_close (G_IO_STREAM (in->socket), NULL, NULL);

  g_clear_object (&in->tls);
  g_clear_object (&in->cancellable);
  g_clear_object (&in->socket);
  g_clear_object (&in->http);
  g_free (in);
}

static void
incoming_finish (Incoming *in)
{
  incoming_finish_with (in, NULL);
}

static gboolean
incoming_deadline_cb (gpointer data)
{
  Incoming *in = data;

  in->deadline_id = 0;
  if (in->handshaking)
    {
      /* The handshake callback ends it once the cancellation lands. */
      g_cancellable_cancel (in->cancellable);
      return G_SOURCE_REMOVE;
    }
  incoming_finish (in);
  return G_SOURCE_REMOVE;
}

static void
handshake_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Incoming *in = data;
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_debug ("HTTPS handshake failed: %s", error->message);
      incoming_finish (in);
      return;
    }
  incoming_finish_with (in, in->tls);
}

static void
start_handshake (Incoming *in)
{
  g_autoptr(GError) error = NULL;

  in->tls = g_tls_server_connection_new (G_IO_STREAM (in->socket), in->http->certificate, &error);
  if (in->tls == NULL)
    {
      g_warning ("Cannot start TLS: %s", error->message);
      incoming_finish (in);
      return;
    }
  /* No client certificates: no CA list (see crm-server-connection.c). */
  g_tls_connection_set_database (G_TLS_CONNECTION (in->tls), NULL);
  in->handshaking = TRUE;
  g_clear_handle_id (&in->deadline_id, g_source_remove);
  in->deadline_id = g_timeout_add_seconds (HTTP_PHASE_SECONDS, incoming_deadline_cb, in);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (in->tls), G_PRIORITY_DEFAULT, in->cancellable,
                                    handshake_done_cb, in);
}

/* A waiting peer got a handshake slot. */
static gboolean
gate_start_cb (gpointer peer, gpointer data)
{
  Incoming *in = peer;

  if (!crm_tls_gate_peek_client_hello (in->socket))
    {
      incoming_finish (in); /* hung up while it waited */
      return FALSE;
    }
  start_handshake (in);
  return TRUE;
}

static gboolean
incoming_readable_cb (GSocket *socket, GIOCondition condition, gpointer data)
{
  Incoming *in = data;

  g_clear_pointer (&in->wait_source, g_source_unref);
  if (!(condition & G_IO_IN) || !crm_tls_gate_peek_client_hello (in->socket))
    {
      incoming_finish (in);
      return G_SOURCE_REMOVE;
    }
  g_clear_handle_id (&in->deadline_id, g_source_remove);
  in->deadline_id = g_timeout_add_seconds (HTTP_PHASE_SECONDS, incoming_deadline_cb, in);
  if (crm_tls_gate_enter (in->http->gate, in))
    start_handshake (in);
  return G_SOURCE_REMOVE;
}

static gboolean
http_incoming_cb (GSocketService    *service,
                  GSocketConnection *socket,
                  GObject           *source_object,
                  gpointer           data)
{
  CrmHttp *self = data;
  Incoming *in;

  if (self->certificate == NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (socket, NULL);
      g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (socket, NULL);

      soup_server_accept_iostream (self->soup, G_IO_STREAM (socket), local, remote, NULL);
      return TRUE;
    }

  in = g_new0 (Incoming, 1);
  in->http = g_object_ref (self);
  in->socket = g_object_ref (socket);
  in->cancellable = g_cancellable_new ();
  g_ptr_array_add (self->incoming, in);
  in->deadline_id = g_timeout_add_seconds (HTTP_PHASE_SECONDS, incoming_deadline_cb, in);
  in->wait_source = g_socket_create_source (g_socket_connection_get_socket (socket),
                                            G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (in->wait_source, G_SOURCE_FUNC (incoming_readable_cb), in, NULL);
  g_source_attach (in->wait_source, g_main_context_get_thread_default ());
  return TRUE;
}

gboolean
crm_http_listen (CrmHttp *self, const char *address, guint16 port, GError **error)
{
  g_return_val_if_fail (self->service == NULL, FALSE);

  self->service = crm_tls_gate_listen (address, port, TRUE, &self->port, error);
  if (self->service == NULL)
    return FALSE;
  g_signal_connect (self->service, "incoming", G_CALLBACK (http_incoming_cb), self);
  g_socket_service_start (self->service);
  g_message ("HTTP%s on %s port %u", self->certificate ? "S" : "", address, self->port);
  return TRUE;
}

guint16
crm_http_get_port (CrmHttp *self)
{
  return self->port;
}

SoupServer *
crm_http_get_soup_server (CrmHttp *self)
{
  return self->soup;
}

void
crm_http_stop (CrmHttp *self)
{
  if (self->service)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  /* Handshakes in flight end through their cancelled callbacks. */
  while (self->incoming != NULL && self->incoming->len > 0)
    {
      Incoming *in = self->incoming->pdata[self->incoming->len - 1];

      if (in->handshaking)
        {
          g_ptr_array_remove_index_fast (self->incoming, self->incoming->len - 1);
          g_cancellable_cancel (in->cancellable);
        }
      else
        incoming_finish (in);
    }
  if (self->soup)
    soup_server_disconnect (self->soup);
}

/* ---- Bearer authentication ---- */

static void
resume_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  CrmHttp *self = g_task_get_source_object (task);
  g_autoptr(CrmRequestContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_db_pool_run_finish (crm_server_get_pool (self->server), result, &ctx, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (ctx == NULL || ctx->new_session == NULL)
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED,
                               _("The session has expired; sign in again"));
      return;
    }
  g_task_return_pointer (task, crm_session_ref (ctx->new_session), (GDestroyNotify) crm_session_unref);
}

void
crm_http_authenticate_async (CrmHttp             *self,
                             SoupServerMessage   *msg,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  const char *token;
  CrmRequestContext *ctx;

  g_task_set_source_tag (task, crm_http_authenticate_async);
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN, _("Sign in first"));
      return;
    }
  token = header + 7;
  while (*token == ' ')
    token++;
  if (*token == '\0' || strlen (token) > 256 || !g_utf8_validate (token, -1, NULL))
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED,
                               _("The session has expired; sign in again"));
      return;
    }

  ctx = g_new0 (CrmRequestContext, 1);
  ctx->message = crm_message_lookup (CRM_MSG_AUTH_RESUME);
  ctx->peer_address = g_strdup (soup_server_message_get_remote_host (msg));
  crm_db_pool_run_async (crm_server_get_pool (self->server), ctx, g_variant_new ("(s)", token),
                         cancellable, resume_done_cb, g_steal_pointer (&task));
}

CrmSession *
crm_http_authenticate_finish (CrmHttp *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
