/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-conn"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <string.h>

#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"
#include "crm-net-i18n.h"
#include "crm-server-private.h"

/*
 * One protocol connection, server side.
 *
 * Life cycle: accepted → (TLS: wait until the peer sends its first bytes,
 * then for a handshake slot, then handshake, each phase with a deadline) →
 * AWAIT_HELLO → READY → SIGNED_IN (↔ READY on sign-out) → closed.
 *
 * Reading and writing are non-blocking calls on the (pollable) stream from
 * one persistent source each, not GIO's asynchronous operations: those cost
 * a GTask, an idle source and a main-context wake-up per operation, several
 * per request.  Whatever is readable is read into a buffer (one TLS record
 * and often several frames at a time) and every complete frame in it is
 * handled; a header is checked as soon as it is complete, so the body cap
 * (the pre-auth one until a sign-in succeeds) applies before the body is
 * read.  Any protocol violation gets one error frame, then the connection
 * closes: the stream is never resynchronised.  Replies are written at once
 * when the socket takes them, else queued in order.  At most
 * CRM_SERVER_MAX_IN_FLIGHT requests run at once per connection; beyond
 * that reading stops until some finish, which pushes back on the peer
 * through TCP.
 *
 * Every asynchronous operation holds a reference, and the server drops its
 * own from an idle, so the object is never freed inside its own callback.
 */

struct _CrmServerConnection {
  GObject parent_instance;

  CrmServer *server; /* not owned; the server outlives its connections */
  guint64 id;
  CrmServerConnectionState state;
  GCancellable *cancellable;

  GSocketConnection *socket_connection;
  GTlsCertificate *certificate;
  GIOStream *stream; /* socket_connection, or the TLS connection over it */
  GSource *wait_source;
  guint deadline_id;
  gboolean handshake_pending; /* a glib-networking thread uses the socket */

  char *peer;
  char *locale;
  CrmSession *session;

  /* Reading */
  GSource *read_source;  /* while waiting for input */
  GByteArray *input;     /* read, not yet handled */
  gboolean pumping;      /* inside pump_input() */
  CrmFrameHeader header;

  /* Requests */
  guint in_flight;

  /* Writing */
  GQueue write_queue; /* GBytes */
  GBytes *writing;
  gsize written;      /* of `writing` */
  GSource *write_source; /* while the socket does not take more */
  gsize queued_bytes; /* in write_queue and writing */
  gboolean close_after_write;
};

G_DEFINE_FINAL_TYPE (CrmServerConnection, crm_server_connection, G_TYPE_OBJECT)

gboolean crm_server_request_logging = FALSE;

static void start_reading (CrmServerConnection *self);

/* A peer that sends requests but does not read the replies would make the
 * write queue grow without bound; above this, reading stops until the
 * peer has taken its replies. */
#define WRITE_QUEUE_HIGH (1024 * 1024)
static void flush_writes (CrmServerConnection *self);
static void maybe_finish_draining (CrmServerConnection *self);

/* Attaches a connection's read or write source.  GLib blocks a source
 * while it dispatches unless it may recurse; blocking and unblocking a
 * TLS stream's source (and its child, the socket's) each signal the main
 * context's wake-up: four eventfd writes and an extra poll round per
 * request, measured with strace.  Nothing a connection's callbacks do
 * iterates the main context, so they may be marked recursive. */
static void
attach_io_source (GSource *source, GSourceFunc callback, gpointer data)
{
  g_source_set_callback (source, callback, data, NULL);
  g_source_set_can_recurse (source, TRUE);
  g_source_attach (source, g_main_context_get_thread_default ());
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
crm_server_connection_dispose (GObject *object)
{
  CrmServerConnection *self = CRM_SERVER_CONNECTION (object);

  g_clear_handle_id (&self->deadline_id, g_source_remove);
  if (self->wait_source)
    {
      g_source_destroy (self->wait_source);
      g_clear_pointer (&self->wait_source, g_source_unref);
    }
  destroy_source (&self->read_source);
  destroy_source (&self->write_source);
  g_queue_clear_full (&self->write_queue, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&self->writing, g_bytes_unref);
  g_clear_pointer (&self->session, crm_session_unref);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket_connection);
  g_clear_object (&self->certificate);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (crm_server_connection_parent_class)->dispose (object);
}

static void
crm_server_connection_finalize (GObject *object)
{
  CrmServerConnection *self = CRM_SERVER_CONNECTION (object);

  g_clear_pointer (&self->input, g_byte_array_unref);
  g_free (self->peer);
  g_free (self->locale);

  G_OBJECT_CLASS (crm_server_connection_parent_class)->finalize (object);
}

static void
crm_server_connection_class_init (CrmServerConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_server_connection_dispose;
  object_class->finalize = crm_server_connection_finalize;
}

static void
crm_server_connection_init (CrmServerConnection *self)
{
  self->cancellable = g_cancellable_new ();
  self->input = g_byte_array_new ();
  g_queue_init (&self->write_queue);
}

CrmServerConnection *
crm_server_connection_new (CrmServer         *server,
                           GSocketConnection *socket_connection,
                           GTlsCertificate   *certificate,
                           guint64            id)
{
  CrmServerConnection *self = g_object_new (CRM_TYPE_SERVER_CONNECTION, NULL);
  g_autoptr(GSocketAddress) address = NULL;

  self->server = server;
  self->id = id;
  self->socket_connection = g_object_ref (socket_connection);
  self->certificate = certificate ? g_object_ref (certificate) : NULL;
  self->state = certificate ? CRM_SERVER_CONNECTION_WAITING_DATA : CRM_SERVER_CONNECTION_AWAIT_HELLO;

  address = g_socket_connection_get_remote_address (socket_connection, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (address))
    {
      GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
      g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
      self->peer = g_strdup_printf (g_inet_address_get_family (g_inet_socket_address_get_address (inet)) == G_SOCKET_FAMILY_IPV6
                                    ? "[%s]:%u" : "%s:%u",
                                    ip, g_inet_socket_address_get_port (inet));
    }
  else
    self->peer = g_strdup ("unknown");

  /* Interactive request/reply traffic: don't wait to fill segments. */
  g_socket_set_option (g_socket_connection_get_socket (socket_connection),
                       IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  return self;
}

guint64
crm_server_connection_get_id (CrmServerConnection *self)
{
  return self->id;
}

CrmServerConnectionState
crm_server_connection_get_state (CrmServerConnection *self)
{
  return self->state;
}

CrmSession *
crm_server_connection_get_session (CrmServerConnection *self)
{
  return self->session;
}

const char *
crm_server_connection_get_locale (CrmServerConnection *self)
{
  return self->locale;
}

guint
crm_server_connection_get_in_flight (CrmServerConnection *self)
{
  return self->in_flight;
}

static gboolean
is_open (CrmServerConnection *self)
{
  return self->state != CRM_SERVER_CONNECTION_CLOSING &&
         self->state != CRM_SERVER_CONNECTION_CLOSED;
}

/* ---- Deadlines ---- */

static gboolean
deadline_cb (gpointer data)
{
  CrmServerConnection *self = data;

  self->deadline_id = 0;
  g_debug ("conn %" G_GUINT64_FORMAT ": deadline passed in state %d, closing", self->id, self->state);
  crm_server_connection_close (self);
  return G_SOURCE_REMOVE;
}

static void
set_deadline (CrmServerConnection *self, guint seconds)
{
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  if (seconds > 0)
    self->deadline_id = g_timeout_add_seconds (seconds, deadline_cb, self);
}

/* Pre-auth connections must keep talking; signed-in ones may idle. */
static void
refresh_idle_deadline (CrmServerConnection *self)
{
  if (self->state == CRM_SERVER_CONNECTION_AWAIT_HELLO || self->state == CRM_SERVER_CONNECTION_READY)
    set_deadline (self, CRM_SERVER_PREAUTH_IDLE_SECONDS);
  else
    set_deadline (self, 0);
}

/* ---- Closing ---- */

static void
stream_closed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmServerConnection) self = data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
}

void
crm_server_connection_close (CrmServerConnection *self)
{
  CrmServerConnectionState old = self->state;
  GIOStream *stream;

  if (old == CRM_SERVER_CONNECTION_CLOSED)
    return;
  self->state = CRM_SERVER_CONNECTION_CLOSED;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  if (self->wait_source)
    {
      g_source_destroy (self->wait_source);
      g_clear_pointer (&self->wait_source, g_source_unref);
    }
  if (old == CRM_SERVER_CONNECTION_HANDSHAKING || old == CRM_SERVER_CONNECTION_WAITING_SLOT)
    crm_server_release_handshake (self->server, self);
  destroy_source (&self->read_source);
  destroy_source (&self->write_source);
  g_queue_clear_full (&self->write_queue, (GDestroyNotify) g_bytes_unref);

  /* The socket itself is closed at once (not a TLS close_notify, which
   * could wait on a peer that stopped reading) -- unless a handshake
   * thread is still using it: closing would free the descriptor number
   * for the next accepted connection while that thread still polls and
   * reads it.  shutdown() wakes the thread instead; handshake_cb closes. */
  if (self->handshake_pending)
    g_socket_shutdown (g_socket_connection_get_socket (self->socket_connection), TRUE, TRUE, NULL);
  else
    {
      stream = G_IO_STREAM (self->socket_connection);
      g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, stream_closed_cb, g_object_ref (self));
    }

  g_debug ("conn %" G_GUINT64_FORMAT ": closed", self->id);
  crm_server_connection_finished (self->server, self);
}

/* ---- Writing ---- */

#define COALESCE_LIMIT (256 * 1024)

static gboolean
write_ready_cb (GObject *stream, gpointer data)
{
  CrmServerConnection *self = data;
  GSource *source = self->write_source;

  flush_writes (self);
  return self->write_source == source ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Pipelined replies finish close together; one write (one TLS record)
 * for several small frames saves a system call and a record each. */
static GBytes *
next_write (CrmServerConnection *self)
{
  GBytes *first = g_queue_pop_head (&self->write_queue);
  GByteArray *buffer;

  if (g_queue_is_empty (&self->write_queue) || g_bytes_get_size (first) >= COALESCE_LIMIT)
    return first;
  buffer = g_byte_array_sized_new (g_bytes_get_size (first) * 2);
  g_byte_array_append (buffer, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_bytes_unref (first);
  while (!g_queue_is_empty (&self->write_queue) &&
         buffer->len + g_bytes_get_size (g_queue_peek_head (&self->write_queue)) <= COALESCE_LIMIT)
    {
      GBytes *next = g_queue_pop_head (&self->write_queue);
      g_byte_array_append (buffer, g_bytes_get_data (next, NULL), g_bytes_get_size (next));
      g_bytes_unref (next);
    }
  return g_byte_array_free_to_bytes (buffer);
}

/* Writes what the socket takes now; the rest waits for it to be writable
 * (a TLS write that would block is retried with the same bytes). */
static void
flush_writes (CrmServerConnection *self)
{
  GPollableOutputStream *out;
  gboolean was_full = self->queued_bytes > WRITE_QUEUE_HIGH;

  if (self->state == CRM_SERVER_CONNECTION_CLOSED || self->stream == NULL)
    return;
  out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (self->stream));
  while (self->writing != NULL || !g_queue_is_empty (&self->write_queue))
    {
      g_autoptr(GError) error = NULL;
      gsize size;
      const guint8 *data;
      gssize n;

      if (self->writing == NULL)
        {
          self->writing = next_write (self);
          self->written = 0;
        }
      data = g_bytes_get_data (self->writing, &size);
      n = g_pollable_output_stream_write_nonblocking (out, data + self->written, size - self->written,
                                                      NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->write_source == NULL)
            {
              self->write_source = g_pollable_output_stream_create_source (out, NULL);
              attach_io_source (self->write_source, G_SOURCE_FUNC (write_ready_cb), self);
            }
          return;
        }
      if (n <= 0)
        {
          g_debug ("conn %" G_GUINT64_FORMAT ": write failed: %s", self->id,
                   error ? error->message : "nothing written");
          crm_server_connection_close (self);
          return;
        }
      self->written += n;
      if (self->written == size)
        {
          self->queued_bytes -= size;
          g_clear_pointer (&self->writing, g_bytes_unref);
        }
    }
  destroy_source (&self->write_source);
  self->queued_bytes = 0;
  if (self->close_after_write)
    crm_server_connection_close (self);
  else if (self->state == CRM_SERVER_CONNECTION_DRAINING)
    maybe_finish_draining (self);
  else if (was_full)
    start_reading (self);
}

static void
queue_frame (CrmServerConnection *self, GBytes *frame /* owned */)
{
  if (self->state == CRM_SERVER_CONNECTION_CLOSED || self->stream == NULL)
    {
      g_bytes_unref (frame);
      return;
    }
  self->queued_bytes += g_bytes_get_size (frame);
  g_queue_push_tail (&self->write_queue, frame);
  if (self->write_source == NULL)
    flush_writes (self);
}

static void
queue_error (CrmServerConnection *self, guint16 type, guint32 request_id, const GError *error)
{
  queue_frame (self, crm_frame_encode (type, CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_ERROR,
                                       request_id, crm_error_to_variant (error)));
}

/* Our own errors, in the peer's language. */
static GError *
new_error (CrmServerConnection *self, CrmErrorCode code, const char *field, const char *msgid)
{
  return crm_error_new_field (code, field, "%s", crm_net_translate (self->locale, msgid));
}

/* The frames queued get a few seconds to leave, then the connection
 * closes (at once when they already left). */
static void
close_after_writes (CrmServerConnection *self)
{
  if (self->state == CRM_SERVER_CONNECTION_CLOSED)
    return;
  self->state = CRM_SERVER_CONNECTION_CLOSING;
  self->close_after_write = TRUE;
  destroy_source (&self->read_source);
  set_deadline (self, 5);
  if (self->writing == NULL && g_queue_is_empty (&self->write_queue))
    crm_server_connection_close (self);
}

/* A violation: one error frame, then close (never resynchronise).  The
 * frame gets a few seconds to leave; a peer that does not read loses it. */
static void
violation (CrmServerConnection *self,
           const char          *kind,
           guint16              type,
           guint32              request_id,
           CrmErrorCode         code,
           const char          *msgid,
           const char          *detail)
{
  g_autoptr(GError) error = new_error (self, code, NULL, msgid);

  if (!is_open (self))
    return;
  crm_server_log_violation (self->server, self->id, kind, detail ? detail : msgid);
  queue_error (self, type, request_id, error);
  close_after_writes (self);
}

void
crm_server_connection_push (CrmServerConnection *self, guint16 message_id, GVariant *body)
{
  g_autoptr(GVariant) sunk = body ? g_variant_ref_sink (body) : NULL;

  if (self->state != CRM_SERVER_CONNECTION_READY && self->state != CRM_SERVER_CONNECTION_SIGNED_IN)
    return;
  queue_frame (self, crm_frame_encode (message_id, CRM_FRAME_FLAG_PUSH, 0, sunk));
}

void
crm_server_connection_set_session (CrmServerConnection *self, CrmSession *session)
{
  if (session == self->session)
    return;
  g_clear_pointer (&self->session, crm_session_unref);
  if (session)
    self->session = crm_session_ref (session);

  if (self->state == CRM_SERVER_CONNECTION_READY && session != NULL)
    self->state = CRM_SERVER_CONNECTION_SIGNED_IN;
  else if (self->state == CRM_SERVER_CONNECTION_SIGNED_IN && session == NULL)
    self->state = CRM_SERVER_CONNECTION_READY;
  refresh_idle_deadline (self);
}

/* ---- Requests ---- */

/* A debug line with the connection and request ids as structured fields
 * (journald can filter on CRM_CONNECTION / CRM_REQUEST). */
G_GNUC_PRINTF (3, 4)
static void
log_request (CrmServerConnection *self, guint32 request_id, const char *format, ...)
{
  char conn_id[24], req_id[16];
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_snprintf (conn_id, sizeof conn_id, "%" G_GUINT64_FORMAT, self->id);
  g_snprintf (req_id, sizeof req_id, "%u", request_id);
  message = g_strdup_printf ("conn %s req %s: %s", conn_id, req_id, text);
  {
    const GLogField fields[] = {
      { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
      { "PRIORITY", "7", -1 },
      { "CRM_CONNECTION", conn_id, -1 },
      { "CRM_REQUEST", req_id, -1 },
      { "MESSAGE", message, -1 },
    };
    g_log_structured_array (G_LOG_LEVEL_DEBUG, fields, G_N_ELEMENTS (fields));
  }
}

typedef struct {
  CrmServerConnection *conn; /* owned */
  const CrmMessageInfo *message;
  guint32 request_id;
  gint64 start_us;
} Pending;

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->conn);
  g_free (pending);
}

static void
record (CrmServerConnection *self, const CrmMessageInfo *message, const GError *error, gint64 start_us)
{
  const char *result = "ok";

  if (error != NULL)
    result = error->domain == CRM_ERROR ? crm_error_code_to_string (error->code) : "internal";
  crm_server_metrics_record_request (crm_server_get_metrics (self->server), message->name, result,
                                     g_get_monotonic_time () - start_us);
}

static void
reply (CrmServerConnection *self, const CrmMessageInfo *message, guint32 request_id,
       GVariant *body, const GError *error, gint64 start_us)
{
  record (self, message, error, start_us);
  if (error != NULL)
    queue_error (self, message->id, request_id, error);
  else
    queue_frame (self, crm_frame_encode (message->id, CRM_FRAME_FLAG_REPLY, request_id, body));
}

static void
request_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Pending *pending = data;
  CrmServerConnection *self = pending->conn;
  g_autoptr(CrmRequestContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) body = NULL;
  gboolean was_paused;

  body = crm_db_pool_run_finish (crm_server_get_pool (self->server), result, &ctx, &error);
  was_paused = self->in_flight >= CRM_SERVER_MAX_IN_FLIGHT;
  self->in_flight--;

  if (crm_server_request_logging)
    log_request (self, pending->request_id, "%s → %s (%" G_GINT64_FORMAT " µs)", pending->message->name,
                 error ? error->message : "ok", g_get_monotonic_time () - pending->start_us);

  if (self->state == CRM_SERVER_CONNECTION_CLOSED || self->state == CRM_SERVER_CONNECTION_CLOSING)
    {
      record (self, pending->message, error, pending->start_us);
      pending_free (pending);
      return;
    }

  if (body != NULL && ctx != NULL)
    {
      /* Adopt a sign-in / sign-out before the reply leaves, so the next
       * frame the peer sends is read under the new state. */
      if (ctx->new_session != NULL)
        crm_server_connection_set_session (self, ctx->new_session);
      else if (ctx->signed_out)
        crm_server_connection_set_session (self, NULL);
    }
  else if (self->session != NULL && pending->message->id != CRM_MSG_AUTH_LOGIN &&
           pending->message->id != CRM_MSG_AUTH_RESUME &&
           (g_error_matches (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED) ||
            g_error_matches (error, CRM_ERROR, CRM_ERROR_ACCOUNT_DISABLED)))
    {
      /* The database no longer honours this session: the connection is
       * back to pre-auth (and its caps) until the user signs in again. */
      crm_server_connection_set_session (self, NULL);
    }

  reply (self, pending->message, pending->request_id, body, error, pending->start_us);

  if (self->state == CRM_SERVER_CONNECTION_DRAINING)
    maybe_finish_draining (self);
  else if (was_paused)
    start_reading (self);
  pending_free (pending);
}

static void
handle_hello (CrmServerConnection *self, guint32 request_id, GVariant *request)
{
  guint16 client_min, client_max, chosen;
  const char *client_name, *locale;

  g_variant_get (request, "(qq&s&s)", &client_min, &client_max, &client_name, &locale);
  if (locale[0] != '\0' && strlen (locale) <= 64)
    {
      g_free (self->locale);
      self->locale = g_strdup (locale);
    }

  chosen = MIN (client_max, CRM_PROTOCOL_VERSION_MAX);
  if (client_min > client_max || chosen < MAX (client_min, CRM_PROTOCOL_VERSION_MIN))
    {
      g_autofree char *detail = g_strdup_printf ("client %u–%u", client_min, client_max);
      g_autoptr(GError) error = NULL;
      g_autofree char *message =
        crm_net_translate_printf (self->locale,
                                  N_("This server speaks protocol versions %u to %u; the client speaks %u to %u. Update the client or the server."),
                                  CRM_PROTOCOL_VERSION_MIN, CRM_PROTOCOL_VERSION_MAX,
                                  client_min, client_max);

      crm_server_log_violation (self->server, self->id, "version", detail);
      error = crm_error_new_field (CRM_ERROR_VERSION, NULL, "%s", message);
      queue_error (self, CRM_MSG_HELLO, request_id, error);
      close_after_writes (self);
      return;
    }

  g_debug ("conn %" G_GUINT64_FORMAT ": hello from %s (%s), version %u",
           self->id, client_name, self->locale ? self->locale : "-", chosen);
  self->state = CRM_SERVER_CONNECTION_READY;
  refresh_idle_deadline (self);
  queue_frame (self, crm_frame_encode (CRM_MSG_HELLO, CRM_FRAME_FLAG_REPLY, request_id,
                                       g_variant_new ("(qsx)", chosen, PACKAGE_NAME " " PACKAGE_VERSION,
                                                      g_get_real_time ())));
}

static void
dispatch (CrmServerConnection *self, GBytes *body_bytes)
{
  const CrmFrameHeader *h = &self->header;
  const CrmMessageInfo *message = crm_message_lookup (h->type);
  g_autoptr(GVariant) request = NULL;
  g_autoptr(GError) error = NULL;
  CrmRequestContext *ctx;
  Pending *pending;
  gint64 start_us = g_get_monotonic_time ();

  if (message == NULL || (message->flags & CRM_MSG_FLAG_PUSH) != 0 || message->request_type == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("message id %u", h->type);
      violation (self, "unknown-message", h->type, h->request_id, CRM_ERROR_UNKNOWN_MESSAGE,
                 N_("Unknown message"), detail);
      return;
    }

  if (self->state == CRM_SERVER_CONNECTION_AWAIT_HELLO && message->id != CRM_MSG_HELLO)
    {
      violation (self, "no-hello", h->type, h->request_id, CRM_ERROR_BAD_FRAME,
                 N_("The first message must be hello"), NULL);
      return;
    }
  if (self->state != CRM_SERVER_CONNECTION_AWAIT_HELLO && message->id == CRM_MSG_HELLO)
    {
      violation (self, "second-hello", h->type, h->request_id, CRM_ERROR_BAD_FRAME,
                 N_("Hello was already sent on this connection"), NULL);
      return;
    }

  request = crm_payload_decode (body_bytes, G_VARIANT_TYPE (message->request_type), &error);
  if (request == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("%s: %s", message->name, error->message);
      violation (self, "bad-payload", h->type, h->request_id, CRM_ERROR_BAD_PAYLOAD,
                 N_("The request body is malformed"), detail);
      return;
    }

  if (message->id == CRM_MSG_HELLO)
    {
      handle_hello (self, h->request_id, request);
      return;
    }

  if (self->state == CRM_SERVER_CONNECTION_DRAINING)
    {
      g_autoptr(GError) stopping = new_error (self, CRM_ERROR_UNAVAILABLE, NULL,
                                              N_("The server is stopping; try again in a moment"));
      reply (self, message, h->request_id, NULL, stopping, start_us);
      return;
    }

  if (message->id == CRM_MSG_PING)
    {
      reply (self, message, h->request_id, NULL, NULL, start_us);
      return;
    }

  if ((message->flags & CRM_MSG_FLAG_PREAUTH) == 0 && self->session == NULL)
    {
      g_autoptr(GError) denied = new_error (self, CRM_ERROR_NOT_SIGNED_IN, NULL,
                                            N_("Sign in first"));
      reply (self, message, h->request_id, NULL, denied, start_us);
      return;
    }
  if (message->permission != NULL &&
      (self->session == NULL || !crm_session_has_permission (self->session, message->permission)))
    {
      g_autoptr(GError) denied = new_error (self, CRM_ERROR_PERMISSION_DENIED, NULL,
                                            N_("You do not have permission to do this"));
      reply (self, message, h->request_id, NULL, denied, start_us);
      return;
    }

  ctx = g_new0 (CrmRequestContext, 1);
  if (message->flags & CRM_MSG_FLAG_MUTATES)
    {
      const char *key = NULL;

      g_variant_get_child (request, 0, "&s", &key);
      if (!crm_idempotency_key_is_valid (key))
        {
          g_autoptr(GError) bad = new_error (self, CRM_ERROR_BAD_PAYLOAD, "key",
                                             N_("The request key must be 16 to 64 letters, digits or dashes"));
          g_free (ctx);
          reply (self, message, h->request_id, NULL, bad, start_us);
          return;
        }
      ctx->idempotency_key = g_strdup (key);
    }
  ctx->message = message;
  ctx->request_id = h->request_id;
  ctx->session = self->session ? crm_session_ref (self->session) : NULL;
  ctx->locale = g_strdup (self->locale);
  ctx->peer_address = g_strdup (self->peer);

  pending = g_new0 (Pending, 1);
  pending->conn = g_object_ref (self);
  pending->message = message;
  pending->request_id = h->request_id;
  pending->start_us = start_us;
  self->in_flight++;

  if (crm_server_request_logging)
    log_request (self, h->request_id, "%s", message->name);
  /* No cancellable: a write that reached the database finishes even if the
   * peer went away, so its idempotency record is complete for the retry. */
  crm_db_pool_run_async (crm_server_get_pool (self->server), ctx, request, NULL,
                         request_done_cb, pending);
}

/* Reading more is allowed: past the handshake, not closing, and the peer
 * is not too far ahead (requests in flight, replies it has not taken).
 * While draining, frames still get read and answered UNAVAILABLE until
 * the last reply left. */
static gboolean
may_read (CrmServerConnection *self)
{
  return (self->state == CRM_SERVER_CONNECTION_AWAIT_HELLO ||
          self->state == CRM_SERVER_CONNECTION_READY ||
          self->state == CRM_SERVER_CONNECTION_SIGNED_IN ||
          self->state == CRM_SERVER_CONNECTION_DRAINING) &&
         self->in_flight < CRM_SERVER_MAX_IN_FLIGHT && /* resumed by request_done_cb */
         self->queued_bytes <= WRITE_QUEUE_HIGH;       /* resumed by flush_writes */
}

/* Handles the first frame of the input buffer if it is complete.
 * Returns 1 when one was handled, 0 when more bytes are needed, -1 when
 * the connection is no longer read (violation, closed). */
static int
take_frame (CrmServerConnection *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize cap;

  if (self->input->len < CRM_FRAME_HEADER_SIZE)
    return 0;
  cap = self->state == CRM_SERVER_CONNECTION_SIGNED_IN ? CRM_FRAME_MAX_BODY : CRM_FRAME_MAX_BODY_PREAUTH;
  if (!crm_frame_header_parse (self->input->data, CRM_FRAME_HEADER_SIZE, cap, &self->header, &error))
    {
      /* The request id is echoed when the header got that far, so a client
       * can tell which request broke the connection. */
      guint32 request_id;
      guint16 type;
      gboolean too_large;

      memcpy (&request_id, self->input->data + 12, sizeof request_id);
      memcpy (&type, self->input->data + 6, sizeof type);
      request_id = GUINT32_FROM_BE (request_id);
      type = GUINT16_FROM_BE (type);
      too_large = g_error_matches (error, CRM_ERROR, CRM_ERROR_FRAME_TOO_LARGE);
      violation (self, too_large ? "too-large" : "bad-header", type, request_id,
                 too_large ? CRM_ERROR_FRAME_TOO_LARGE : CRM_ERROR_BAD_FRAME,
                 too_large ? (cap == CRM_FRAME_MAX_BODY_PREAUTH
                              ? N_("The message is too large; sign in first")
                              : N_("The message is too large"))
                           : N_("Malformed frame"),
                 error->message);
      return -1;
    }
  if (self->header.flags != CRM_FRAME_FLAG_NONE)
    {
      violation (self, "bad-flags", self->header.type, self->header.request_id, CRM_ERROR_BAD_FRAME,
                 N_("Only requests may be sent to the server"), NULL);
      return -1;
    }
  if (self->input->len - CRM_FRAME_HEADER_SIZE < self->header.body_length)
    return 0;

  body = g_bytes_new (self->input->data + CRM_FRAME_HEADER_SIZE, self->header.body_length);
  g_byte_array_remove_range (self->input, 0, CRM_FRAME_HEADER_SIZE + self->header.body_length);
  if (self->input->len == 0 && self->header.body_length > 65536)
    {
      /* Give back the room a large frame took. */
      g_byte_array_unref (self->input);
      self->input = g_byte_array_new ();
    }
  refresh_idle_deadline (self);
  dispatch (self, body);
  if (self->state == CRM_SERVER_CONNECTION_DRAINING)
    maybe_finish_draining (self);
  return is_open (self) ? 1 : -1;
}

static gboolean read_ready_cb (GSocket *socket, GIOCondition condition, gpointer data);

/* Handles the complete frames buffered, reading what the socket has, until
 * it has nothing more (then waits for it) or reading must pause. */
static void
pump_input (CrmServerConnection *self)
{
  g_autoptr(CrmServerConnection) hold = g_object_ref (self); /* dispatch may close */
  GPollableInputStream *in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (self->stream));
  guint8 chunk[16384];

  self->pumping = TRUE;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n;
      int taken;

      if (!may_read (self))
        {
          destroy_source (&self->read_source);
          break;
        }
      taken = take_frame (self);
      if (taken < 0)
        break;
      if (taken > 0)
        continue;

      /* A TLS record at a time; the buffer keeps only what is not yet
       * handled, so 1,000 idle connections do not each hold 16 KiB. */
      n = g_pollable_input_stream_read_nonblocking (in, chunk, sizeof chunk, self->cancellable, &error);
      if (n > 0)
        g_byte_array_append (self->input, chunk, n);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->read_source == NULL)
            {
              /* The socket itself, not the TLS stream's source: GnuTLS
               * takes exactly one record's bytes per read and this loop
               * reads until it would block, so nothing waits inside
               * GnuTLS when the socket has nothing; and the TLS source
               * swaps child sources around every dispatch, each swap an
               * eventfd write. */
              self->read_source = g_socket_create_source (
                g_socket_connection_get_socket (self->socket_connection), G_IO_IN, NULL);
              attach_io_source (self->read_source, G_SOURCE_FUNC (read_ready_cb), self);
            }
          break;
        }
      if (n <= 0)
        {
          /* End of stream or error: inside a frame it is a violation. */
          if (self->input->len > 0 && self->state != CRM_SERVER_CONNECTION_CLOSED)
            crm_server_log_violation (self->server, self->id, "truncated",
                                      error ? error->message : "connection closed inside a frame");
          crm_server_connection_close (self);
          break;
        }
    }
  self->pumping = FALSE;
}

static gboolean
read_ready_cb (GSocket *socket, GIOCondition condition, gpointer data)
{
  CrmServerConnection *self = data;
  GSource *source = self->read_source;

  pump_input (self);
  return self->read_source == source ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
start_reading (CrmServerConnection *self)
{
  /* Inside pump_input() the loop itself sees that it may go on. */
  if (self->pumping || self->read_source != NULL || self->stream == NULL || !may_read (self))
    return;
  pump_input (self);
}

/* ---- Draining (graceful stop) ---- */

static void
maybe_finish_draining (CrmServerConnection *self)
{
  if (self->state != CRM_SERVER_CONNECTION_DRAINING)
    return;
  if (self->in_flight == 0 && self->writing == NULL && g_queue_is_empty (&self->write_queue))
    crm_server_connection_close (self);
}

void
crm_server_connection_drain (CrmServerConnection *self)
{
  switch (self->state)
    {
    case CRM_SERVER_CONNECTION_AWAIT_HELLO:
    case CRM_SERVER_CONNECTION_READY:
    case CRM_SERVER_CONNECTION_SIGNED_IN:
      self->state = CRM_SERVER_CONNECTION_DRAINING;
      set_deadline (self, 0);
      maybe_finish_draining (self);
      break;
    case CRM_SERVER_CONNECTION_DRAINING:
    case CRM_SERVER_CONNECTION_CLOSING:
    case CRM_SERVER_CONNECTION_CLOSED:
      break;
    default:
      crm_server_connection_close (self);
      break;
    }
}

/* ---- TLS ---- */

static void
handshake_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmServerConnection) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);

  self->handshake_pending = FALSE;
  if (self->state != CRM_SERVER_CONNECTION_HANDSHAKING)
    {
      /* Closed meanwhile (deadline or shutdown): the socket waited for
       * the handshake thread to let go of it. */
      g_io_stream_close_async (G_IO_STREAM (self->socket_connection), G_PRIORITY_DEFAULT, NULL,
                               stream_closed_cb, g_object_ref (self));
      return;
    }
  crm_server_release_handshake (self->server, self);
  if (!ok)
    {
      g_debug ("conn %" G_GUINT64_FORMAT ": TLS handshake failed: %s", self->id, error->message);
      crm_server_metrics_record_violation (crm_server_get_metrics (self->server), "tls-handshake");
      self->state = CRM_SERVER_CONNECTION_CLOSING;
      crm_server_connection_close (self);
      return;
    }
  self->state = CRM_SERVER_CONNECTION_AWAIT_HELLO;
  refresh_idle_deadline (self);
  start_reading (self);
}

void
crm_server_connection_start_handshake (CrmServerConnection *self)
{
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  if (self->state == CRM_SERVER_CONNECTION_CLOSED)
    return;
  tls = g_tls_server_connection_new (G_IO_STREAM (self->socket_connection), self->certificate, &error);
  if (tls == NULL)
    {
      g_warning ("Cannot start TLS: %s", error->message);
      self->state = CRM_SERVER_CONNECTION_HANDSHAKING; /* so close() frees the slot */
      crm_server_connection_close (self);
      return;
    }
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  /* No client certificates are asked for, so no CA list is needed; the
   * default (system) database would otherwise be copied into every
   * connection's credentials, megabytes per connection. */
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), NULL);
  g_clear_object (&self->stream);
  self->stream = tls;
  self->state = CRM_SERVER_CONNECTION_HANDSHAKING;
  set_deadline (self, CRM_SERVER_HANDSHAKE_SECONDS);
  self->handshake_pending = TRUE;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, self->cancellable,
                                    handshake_cb, g_object_ref (self));
}

/* TRUE when a TLS handshake record waits on the socket (crm-tls-gate.h). */
gboolean
crm_server_connection_peek_client_hello (CrmServerConnection *self)
{
  if (self->state == CRM_SERVER_CONNECTION_CLOSED)
    return FALSE;
  return crm_tls_gate_peek_client_hello (self->socket_connection);
}

/* The first bytes (the ClientHello) arrived: only now does the connection
 * compete for a handshake slot, so silent sockets never hold one, nor one
 * of the few threads glib-networking runs handshakes on. */
static gboolean
readable_cb (GSocket *socket, GIOCondition condition, gpointer data)
{
  CrmServerConnection *self = data;

  g_clear_pointer (&self->wait_source, g_source_unref);
  if (self->state != CRM_SERVER_CONNECTION_WAITING_DATA)
    return G_SOURCE_REMOVE;
  if (!crm_server_connection_peek_client_hello (self))
    {
      if (condition & G_IO_IN)
        g_debug ("conn %" G_GUINT64_FORMAT ": closed before or instead of a TLS handshake", self->id);
      crm_server_connection_close (self);
      return G_SOURCE_REMOVE;
    }
  self->state = CRM_SERVER_CONNECTION_WAITING_SLOT;
  set_deadline (self, CRM_SERVER_WAIT_SLOT_SECONDS);
  if (crm_server_acquire_handshake (self->server, self))
    crm_server_connection_start_handshake (self);
  return G_SOURCE_REMOVE;
}

void
crm_server_connection_start (CrmServerConnection *self)
{
  self->stream = G_IO_STREAM (g_object_ref (self->socket_connection));

  if (self->certificate == NULL)
    {
      self->state = CRM_SERVER_CONNECTION_AWAIT_HELLO;
      refresh_idle_deadline (self);
      start_reading (self);
      return;
    }

  self->state = CRM_SERVER_CONNECTION_WAITING_DATA;
  set_deadline (self, CRM_SERVER_WAIT_DATA_SECONDS);
  self->wait_source = g_socket_create_source (g_socket_connection_get_socket (self->socket_connection),
                                              G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  /* The source holds no reference: close() and dispose() destroy it. */
  g_source_set_callback (self->wait_source, G_SOURCE_FUNC (readable_cb), self, NULL);
  g_source_attach (self->wait_source, g_main_context_get_thread_default ());
}
