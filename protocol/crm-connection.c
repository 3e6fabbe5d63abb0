/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-protocol"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "crm-connection.h"
#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"
#include "crm-trust-store-private.h"

/* Connect + TLS + hello must finish within this many seconds. */
#define HANDSHAKE_DEADLINE_SECONDS 15

#define CLIENT_NAME PACKAGE_NAME "/" PACKAGE_VERSION

/*
 * Life cycle.  Every asynchronous operation holds a reference on the
 * connection until its callback ran, so the object is never finalized
 * inside one of its own callbacks.  In particular the read loop keeps the
 * connection alive while it is open: owners call crm_connection_close()
 * before dropping their reference (closing cancels the loop).
 */

typedef struct
{
  CrmConnection *self; /* unowned */
  guint32        request_id;
  guint          message_id;
  GTask         *task; /* NULL once returned (e.g. cancelled) */
  GSource       *cancel_source;
  char          *resume_token; /* auth.resume: the token sent */
} PendingCall;

struct _CrmConnection
{
  GObject parent_instance;

  CrmConnectionState state;
  GMainContext      *context;
  GCancellable      *cancellable; /* cancelled by close */

  char          *host;
  guint16        port;
  char          *host_port;
  CrmTrustStore *trust;
  gboolean       trust_on_first_use;
  char          *locale;
  char          *client_key; /* device binding; NULL = none */

  /* Connect phase */
  GTask        *connect_task;
  GCancellable *connect_cancellable;
  gulong        connect_cancel_id;
  GCancellable *connect_user_cancellable;
  GSource      *deadline_source;
  gboolean      deadline_hit;
  GError       *pin_error;

  GIOStream     *stream;
  GInputStream  *input;
  GOutputStream *output;

  /* Reading: one outstanding read. */
  guint8         header_buf[CRM_FRAME_HEADER_SIZE];
  CrmFrameHeader header;
  guint8        *body_buf;

  /* Writing: one write in flight, the rest queued in order. */
  GQueue  write_queue; /* GBytes */
  GBytes *writing;

  guint32     last_request_id;
  GHashTable *pending; /* request id → PendingCall */

  /* Session */
  char      *token;
  gint64     user_id;
  GPtrArray *permissions; /* sorted strings */

  guint16 server_version;
  char   *server_name;

  gboolean closed_signal_queued;
};

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_PUSH,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CrmConnection, crm_connection, G_TYPE_OBJECT)

GType
crm_connection_state_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[]
          = { { CRM_CONNECTION_STATE_CONNECTING, "CRM_CONNECTION_STATE_CONNECTING", "connecting" },
              { CRM_CONNECTION_STATE_READY, "CRM_CONNECTION_STATE_READY", "ready" },
              { CRM_CONNECTION_STATE_SIGNED_IN, "CRM_CONNECTION_STATE_SIGNED_IN", "signed-in" },
              { CRM_CONNECTION_STATE_CLOSED, "CRM_CONNECTION_STATE_CLOSED", "closed" },
              { 0, NULL, NULL } };
      GType type = g_enum_register_static (g_intern_static_string ("CrmConnectionState"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static void
set_state (CrmConnection *self, CrmConnectionState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
crm_connection_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrmConnection *self = CRM_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void close_with_error (CrmConnection *self, GError *error);
static void read_header (CrmConnection *self);
static void connect_fail (CrmConnection *self, GError *error);

/* ---------------------------------------------------------------- */

static void
pending_call_free (PendingCall *call)
{
  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_source_unref (call->cancel_source);
    }
  g_clear_object (&call->task);
  g_free (call->resume_token);
  g_free (call);
}

static void
pending_return_error (PendingCall *call, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&call->task);

  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_clear_pointer (&call->cancel_source, g_source_unref);
    }
  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void
crm_connection_dispose (GObject *object)
{
  CrmConnection *self = CRM_CONNECTION (object);

  if (self->state != CRM_CONNECTION_STATE_CLOSED)
    close_with_error (
        self, g_error_new_literal (CRM_ERROR, CRM_ERROR_CLOSED, _ ("The connection was closed")));

  G_OBJECT_CLASS (crm_connection_parent_class)->dispose (object);
}

static void
crm_connection_finalize (GObject *object)
{
  CrmConnection *self = CRM_CONNECTION (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_queue_clear_full (&self->write_queue, (GDestroyNotify)g_bytes_unref);
  g_clear_pointer (&self->writing, g_bytes_unref);
  g_clear_pointer (&self->body_buf, g_free);
  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connect_cancellable);
  g_clear_object (&self->trust);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->host_port, g_free);
  g_clear_pointer (&self->locale, g_free);
  g_clear_pointer (&self->client_key, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->server_name, g_free);
  g_clear_pointer (&self->permissions, g_ptr_array_unref);
  g_clear_error (&self->pin_error);

  G_OBJECT_CLASS (crm_connection_parent_class)->finalize (object);
}

static void
crm_connection_class_init (CrmConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_connection_dispose;
  object_class->finalize = crm_connection_finalize;
  object_class->get_property = crm_connection_get_property;

  properties[PROP_STATE] = g_param_spec_enum (
      "state", NULL, NULL, CRM_TYPE_CONNECTION_STATE, CRM_CONNECTION_STATE_CONNECTING,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmConnection::push:
   * @message_id: a push message id (CRM_MSG_PUSH_*)
   * @body: the decoded body, of the type declared in the message table
   */
  signals[SIGNAL_PUSH]
      = g_signal_new ("push", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_VARIANT);

  /**
   * CrmConnection::closed:
   * @reason: (nullable): why (a GError), emitted once from an idle
   */
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
crm_connection_init (CrmConnection *self)
{
  self->state = CRM_CONNECTION_STATE_CONNECTING;
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->pending = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                         (GDestroyNotify)pending_call_free);
  g_queue_init (&self->write_queue);
  self->permissions = g_ptr_array_new_with_free_func (g_free);
}

/* ---------------------------------------------------------------- */
/* Closing */

typedef struct
{
  CrmConnection *self;
  GError        *reason;
} ClosedIdle;

static gboolean
emit_closed_idle (gpointer data)
{
  ClosedIdle *idle = data;

  g_signal_emit (idle->self, signals[SIGNAL_CLOSED], 0, idle->reason);
  g_object_unref (idle->self);
  g_clear_error (&idle->reason);
  g_free (idle);
  return G_SOURCE_REMOVE;
}

static void
on_stream_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  /* The peer may already be gone; nothing useful to report. */
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  g_object_unref (user_data); /* the connection, held across the call */
}

/* Takes `error`.  Fails every pending call, stops I/O and queues the
 * "closed" signal.  Safe to call more than once. */
static void
close_with_error (CrmConnection *self, GError *error)
{
  g_autoptr (GHashTable) pending = NULL;
  GHashTableIter iter;
  gpointer       value;

  if (self->state == CRM_CONNECTION_STATE_CLOSED)
    {
      g_error_free (error);
      return;
    }

  /* Callbacks run from here may drop the caller's last reference. */
  g_object_ref (self);

  g_debug ("Connection to %s closed: %s", self->host_port ? self->host_port : "?", error->message);

  set_state (self, CRM_CONNECTION_STATE_CLOSED);
  g_cancellable_cancel (self->cancellable);
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);

  g_queue_clear_full (&self->write_queue, (GDestroyNotify)g_bytes_unref);

  if (self->stream != NULL && !g_io_stream_is_closed (self->stream))
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed,
                             g_object_ref (self));

  /* Steal the table first: a callback run from here may call back into
   * the connection. */
  pending = g_steal_pointer (&self->pending);
  self->pending = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                         (GDestroyNotify)pending_call_free);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    pending_return_error (value, g_error_copy (error));

  if (self->connect_task != NULL)
    connect_fail (self, g_error_copy (error));

  if (!self->closed_signal_queued)
    {
      ClosedIdle *idle = g_new0 (ClosedIdle, 1);
      GSource    *source = g_idle_source_new ();

      self->closed_signal_queued = TRUE;
      idle->self = g_object_ref (self);
      idle->reason = g_steal_pointer (&error);
      g_source_set_callback (source, emit_closed_idle, idle, NULL);
      g_source_set_static_name (source, "[crm] connection closed");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }

  g_clear_error (&error);
  g_object_unref (self);
}

void
crm_connection_close (CrmConnection *self)
{
  g_return_if_fail (CRM_IS_CONNECTION (self));

  close_with_error (
      self, g_error_new_literal (CRM_ERROR, CRM_ERROR_CLOSED, _ ("The connection was closed")));
}

/* ---------------------------------------------------------------- */
/* Writing */

static void write_next (CrmConnection *self);

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrmConnection) self = user_data;
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->writing, g_bytes_unref);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (self->state != CRM_CONNECTION_STATE_CLOSED)
        close_with_error (self, g_error_new (CRM_ERROR, CRM_ERROR_CLOSED,
                                             _ ("Lost the connection to the server: %s"),
                                             error->message));
      return;
    }
  write_next (self);
}

static void
write_next (CrmConnection *self)
{
  if (self->writing != NULL || self->state == CRM_CONNECTION_STATE_CLOSED || self->output == NULL)
    return;

  self->writing = g_queue_pop_head (&self->write_queue);
  if (self->writing == NULL)
    return;

  g_output_stream_write_all_async (self->output, g_bytes_get_data (self->writing, NULL),
                                   g_bytes_get_size (self->writing), G_PRIORITY_DEFAULT,
                                   self->cancellable, on_written, g_object_ref (self));
}

static void
queue_frame (CrmConnection *self, GBytes *frame)
{
  g_queue_push_tail (&self->write_queue, frame);
  write_next (self);
}

/* ---------------------------------------------------------------- */
/* Session bookkeeping */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void
set_permissions (CrmConnection *self, GVariant *strv) /* "as" */
{
  GVariantIter iter;
  const char  *permission;

  g_ptr_array_set_size (self->permissions, 0);
  g_variant_iter_init (&iter, strv);
  while (g_variant_iter_next (&iter, "&s", &permission))
    g_ptr_array_add (self->permissions, g_strdup (permission));
  g_ptr_array_sort (self->permissions, compare_strings);
}

static void
adopt_session (CrmConnection *self, GVariant *reply, /* SESSION_REPLY "(sxssasx)" */
               const char *sent_token)
{
  g_autoptr (GVariant) perms = NULL;
  const char *token;

  g_variant_get_child (reply, 0, "&s", &token);
  g_variant_get_child (reply, 1, "x", &self->user_id);
  perms = g_variant_get_child_value (reply, 4);
  if (token[0] != '\0')
    {
      g_free (self->token);
      self->token = g_strdup (token);
    }
  else if (sent_token != NULL)
    {
      g_free (self->token);
      self->token = g_strdup (sent_token);
    }
  set_permissions (self, perms);
  set_state (self, CRM_CONNECTION_STATE_SIGNED_IN);
}

static void
drop_session (CrmConnection *self)
{
  g_clear_pointer (&self->token, g_free);
  self->user_id = 0;
  g_ptr_array_set_size (self->permissions, 0);
  if (self->state == CRM_CONNECTION_STATE_SIGNED_IN)
    set_state (self, CRM_CONNECTION_STATE_READY);
}

/* ---------------------------------------------------------------- */
/* Reading */

static void
protocol_violation (CrmConnection *self, GError *error)
{
  close_with_error (self,
                    g_error_new (CRM_ERROR, CRM_ERROR_CLOSED,
                                 _ ("The server sent an invalid message: %s"), error->message));
  g_error_free (error);
}

static void
dispatch_push (CrmConnection *self, GBytes *body)
{
  const CrmMessageInfo *info = crm_message_lookup (self->header.type);
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GError) error = NULL;

  if (info == NULL || !(info->flags & CRM_MSG_FLAG_PUSH))
    {
      /* A newer server may know pushes we do not: ignore them. */
      g_debug ("Ignoring unknown push message %u", self->header.type);
      return;
    }

  value = crm_payload_decode (body, G_VARIANT_TYPE (info->reply_type), &error);
  if (value == NULL)
    {
      protocol_violation (self, g_steal_pointer (&error));
      return;
    }

  if (info->id == CRM_MSG_PUSH_PERMISSIONS)
    {
      g_autoptr (GVariant) perms = g_variant_get_child_value (value, 0);
      set_permissions (self, perms);
    }
  else if (info->id == CRM_MSG_PUSH_SIGNED_OUT)
    drop_session (self);

  g_signal_emit (self, signals[SIGNAL_PUSH], g_quark_from_string (info->name), (guint)info->id,
                 value);
}

static void
dispatch_reply (CrmConnection *self, GBytes *body)
{
  PendingCall *call;
  g_autoptr (GTask) task = NULL;
  const CrmMessageInfo *info;
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GError) error = NULL;
  guint32 request_id = self->header.request_id;

  call = g_hash_table_lookup (self->pending, GUINT_TO_POINTER (request_id));
  if (call == NULL)
    {
      /* An error frame with request id 0 reports a violation the server
       * could not tie to a request; it closes right after. */
      if (request_id == 0 && (self->header.flags & CRM_FRAME_FLAG_ERROR))
        {
          g_autoptr (GVariant) report = crm_payload_decode (body, G_VARIANT_TYPE ("(uss)"), NULL);
          if (report != NULL)
            {
              close_with_error (self, crm_error_from_variant (report));
              return;
            }
        }
      protocol_violation (self, g_error_new (CRM_ERROR, CRM_ERROR_BAD_FRAME,
                                             _ ("reply to unknown request %u"), request_id));
      return;
    }

  if (self->header.type != call->message_id)
    {
      protocol_violation (self, g_error_new (CRM_ERROR, CRM_ERROR_BAD_FRAME,
                                             _ ("reply of type %u to a request of type %u"),
                                             self->header.type, call->message_id));
      return;
    }

  task = call->task != NULL ? g_object_ref (call->task) : NULL;
  info = crm_message_lookup (call->message_id);

  if (self->header.flags & CRM_FRAME_FLAG_ERROR)
    {
      g_autoptr (GVariant) report = crm_payload_decode (body, G_VARIANT_TYPE ("(uss)"), &error);

      if (report != NULL)
        error = crm_error_from_variant (report);
    }
  else
    {
      value = crm_payload_decode (body, G_VARIANT_TYPE (info->reply_type), &error);
      if (value != NULL)
        {
          switch (info->id)
            {
            case CRM_MSG_AUTH_LOGIN:
            case CRM_MSG_AUTH_RESUME:
            case CRM_MSG_AUTH_WHOAMI:
              adopt_session (self, value, call->resume_token);
              break;
            case CRM_MSG_AUTH_LOGOUT:
              drop_session (self);
              break;
            default:
              break;
            }
        }
    }

  /* Remove before returning: the callback may issue new calls. */
  if (call->task != NULL)
    g_clear_object (&call->task);
  g_hash_table_remove (self->pending, GUINT_TO_POINTER (request_id));

  if (task == NULL)
    return; /* the caller cancelled; the reply is dropped */
  if (value != NULL)
    g_task_return_pointer (task, g_steal_pointer (&value), (GDestroyNotify)g_variant_unref);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
dispatch_frame (CrmConnection *self, GBytes *body)
{
  if (self->header.flags & CRM_FRAME_FLAG_PUSH)
    dispatch_push (self, body);
  else if (self->header.flags & CRM_FRAME_FLAG_REPLY)
    dispatch_reply (self, body);
  else
    protocol_violation (self,
                        g_error_new (CRM_ERROR, CRM_ERROR_BAD_FRAME,
                                     _ ("the server sent a request (type %u)"), self->header.type));
}

static void
read_failed (CrmConnection *self, GError *error, gsize got, gsize wanted, gboolean in_body)
{
  if (self->state == CRM_CONNECTION_STATE_CLOSED)
    return;

  if (error != NULL)
    close_with_error (self,
                      g_error_new (CRM_ERROR, CRM_ERROR_CLOSED,
                                   _ ("Lost the connection to the server: %s"), error->message));
  else if (got == 0 && !in_body)
    close_with_error (self, g_error_new_literal (CRM_ERROR, CRM_ERROR_CLOSED,
                                                 _ ("The server closed the connection")));
  else
    close_with_error (
        self,
        g_error_new (
            CRM_ERROR, CRM_ERROR_CLOSED,
            _ ("The server closed the connection in the middle of a message (%zu of %zu bytes)"),
            got, wanted));
}

static void
on_body_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrmConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &got, &error)
      || got < self->header.body_length)
    {
      g_clear_pointer (&self->body_buf, g_free);
      read_failed (self, error, got, self->header.body_length, TRUE);
      return;
    }

  body = g_bytes_new_take (g_steal_pointer (&self->body_buf), self->header.body_length);
  dispatch_frame (self, body);
  read_header (self);
}

static void
on_header_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrmConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &got, &error)
      || got < CRM_FRAME_HEADER_SIZE)
    {
      read_failed (self, error, got, CRM_FRAME_HEADER_SIZE, FALSE);
      return;
    }
  if (self->state == CRM_CONNECTION_STATE_CLOSED)
    return;

  if (!crm_frame_header_parse (self->header_buf, sizeof self->header_buf, CRM_FRAME_MAX_BODY,
                               &self->header, &error))
    {
      protocol_violation (self, g_steal_pointer (&error));
      return;
    }

  if (self->header.body_length == 0)
    {
      g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);

      dispatch_frame (self, empty);
      read_header (self);
      return;
    }

  self->body_buf = g_malloc (self->header.body_length);
  g_input_stream_read_all_async (self->input, self->body_buf, self->header.body_length,
                                 G_PRIORITY_DEFAULT, self->cancellable, on_body_read,
                                 g_object_ref (self));
}

static void
read_header (CrmConnection *self)
{
  if (self->state == CRM_CONNECTION_STATE_CLOSED)
    return;

  g_input_stream_read_all_async (self->input, self->header_buf, sizeof self->header_buf,
                                 G_PRIORITY_DEFAULT, self->cancellable, on_header_read,
                                 g_object_ref (self));
}

/* ---------------------------------------------------------------- */
/* Calls */

static gboolean
on_call_cancelled (GCancellable *cancellable, gpointer user_data)
{
  PendingCall *call = user_data;
  GError      *error = NULL;

  /* The entry stays in the table so that the late reply is recognised
   * and dropped. */
  g_cancellable_set_error_if_cancelled (cancellable, &error);
  if (error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Operation was cancelled"));
  pending_return_error (call, error);
  return G_SOURCE_REMOVE;
}

static guint32
next_request_id (CrmConnection *self)
{
  do
    {
      self->last_request_id++;
      if (self->last_request_id == 0)
        self->last_request_id = 1;
    }
  while (g_hash_table_contains (self->pending, GUINT_TO_POINTER (self->last_request_id)));

  return self->last_request_id;
}

/* Shared by call_async and the internal hello. */
static void
start_call (CrmConnection *self, GTask *task, guint message_id, GVariant *body)
{
  const CrmMessageInfo *info = crm_message_lookup (message_id);
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GBytes) frame = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  PendingCall  *call;
  gsize         cap;

  if (body != NULL)
    value = g_variant_ref_sink (body);

  if (info == NULL || info->request_type == NULL)
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_UNKNOWN_MESSAGE,
                               _ ("Unknown request message %u"), message_id);
      return;
    }
  if (value == NULL)
    value = g_variant_ref_sink (g_variant_new ("()"));
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (info->request_type)))
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                               _ ("Request %s needs a body of type %s, not %s"), info->name,
                               info->request_type, g_variant_get_type_string (value));
      return;
    }
  if (self->state == CRM_CONNECTION_STATE_CLOSED)
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_CLOSED, _ ("The connection is closed"));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  cap = self->state == CRM_CONNECTION_STATE_SIGNED_IN ? CRM_FRAME_MAX_BODY
                                                      : CRM_FRAME_MAX_BODY_PREAUTH;
  if (g_variant_get_size (value) > cap)
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_FRAME_TOO_LARGE,
                               _ ("The request is too large (%zu bytes, at most %zu)"),
                               g_variant_get_size (value), cap);
      return;
    }

  call = g_new0 (PendingCall, 1);
  call->self = self;
  call->request_id = next_request_id (self);
  call->message_id = message_id;
  call->task = g_object_ref (task);
  if (message_id == CRM_MSG_AUTH_RESUME)
    g_variant_get_child (value, 0, "s", &call->resume_token);
  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (on_call_cancelled), call, NULL);
      g_source_set_static_name (call->cancel_source, "[crm] call cancelled");
      g_source_attach (call->cancel_source, self->context);
    }
  g_hash_table_insert (self->pending, GUINT_TO_POINTER (call->request_id), call);

  frame = crm_frame_encode ((guint16)message_id, CRM_FRAME_FLAG_NONE, call->request_id, value);
  queue_frame (self, g_steal_pointer (&frame));
}

void
crm_connection_call_async (CrmConnection *self, guint message_id, GVariant *body,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (CRM_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_connection_call_async);
  /* Replies may arrive after cancellation; our own source reports it. */
  g_task_set_check_cancellable (task, FALSE);
  start_call (self, task, message_id, body);
}

GVariant *
crm_connection_call_finish (CrmConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (CRM_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (*result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
}

GVariant *
crm_connection_call_sync (CrmConnection *self, guint message_id, GVariant *body,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  g_return_val_if_fail (CRM_IS_CONNECTION (self), NULL);

  crm_connection_call_async (self, message_id, body, cancellable, sync_done, &result);
  wait_for (&result);
  return crm_connection_call_finish (self, result, error);
}

/* ---------------------------------------------------------------- */
/* Login */

static GVariant *
login_body (CrmConnection *self, const char *user, const char *password)
{
  g_autofree char *client = NULL;

  /* Device binding: "<program>#<key>" (README §4). */
  if (self->client_key != NULL)
    client = g_strconcat (PACKAGE_NAME, "#", self->client_key, NULL);
  return g_variant_new ("(ssss)", user, password, client ? client : PACKAGE_NAME, PACKAGE_VERSION);
}

void
crm_connection_set_client_key (CrmConnection *self, const char *key)
{
  g_return_if_fail (CRM_IS_CONNECTION (self));

  g_free (self->client_key);
  self->client_key = g_strdup (key);
}

void
crm_connection_login_async (CrmConnection *self, const char *user, const char *password,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (CRM_IS_CONNECTION (self));
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  if (!g_utf8_validate (user, -1, NULL) || !g_utf8_validate (password, -1, NULL))
    {
      g_task_report_new_error (self, callback, user_data, crm_connection_call_async, CRM_ERROR,
                               CRM_ERROR_INVALID_FIELD,
                               _ ("The user name or password is not valid text"));
      return;
    }
  crm_connection_call_async (self, CRM_MSG_AUTH_LOGIN, login_body (self, user, password),
                             cancellable, callback, user_data);
}

GVariant *
crm_connection_login_finish (CrmConnection *self, GAsyncResult *result, GError **error)
{
  return crm_connection_call_finish (self, result, error);
}

GVariant *
crm_connection_login_sync (CrmConnection *self, const char *user, const char *password,
                           GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  g_return_val_if_fail (CRM_IS_CONNECTION (self), NULL);

  crm_connection_login_async (self, user, password, cancellable, sync_done, &result);
  wait_for (&result);
  return crm_connection_login_finish (self, result, error);
}

void
crm_connection_resume_async (CrmConnection *self, const char *token, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (CRM_IS_CONNECTION (self));
  g_return_if_fail (token != NULL);

  if (!g_utf8_validate (token, -1, NULL))
    {
      g_task_report_new_error (self, callback, user_data, crm_connection_call_async, CRM_ERROR,
                               CRM_ERROR_SESSION_EXPIRED,
                               _ ("The saved session is not valid; please sign in again"));
      return;
    }
  crm_connection_call_async (self, CRM_MSG_AUTH_RESUME, g_variant_new ("(s)", token), cancellable,
                             callback, user_data);
}

GVariant *
crm_connection_resume_finish (CrmConnection *self, GAsyncResult *result, GError **error)
{
  return crm_connection_call_finish (self, result, error);
}

GVariant *
crm_connection_resume_sync (CrmConnection *self, const char *token, GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  g_return_val_if_fail (CRM_IS_CONNECTION (self), NULL);

  crm_connection_resume_async (self, token, cancellable, sync_done, &result);
  wait_for (&result);
  return crm_connection_resume_finish (self, result, error);
}

/* ---------------------------------------------------------------- */
/* Connecting */

static void
connect_cleanup (CrmConnection *self)
{
  if (self->deadline_source != NULL)
    {
      g_source_destroy (self->deadline_source);
      g_clear_pointer (&self->deadline_source, g_source_unref);
    }
  if (self->connect_cancel_id != 0)
    {
      g_cancellable_disconnect (self->connect_user_cancellable, self->connect_cancel_id);
      self->connect_cancel_id = 0;
    }
  g_clear_object (&self->connect_user_cancellable);
}

/* Takes `error`.  Maps what went wrong during the connect phase to the
 * message a user should see. */
static void
connect_fail (CrmConnection *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->connect_task);
  g_autoptr (GError) reason = error;
  GError *report;

  connect_cleanup (self);
  if (task == NULL)
    return;

  if (self->pin_error != NULL)
    report = g_error_copy (self->pin_error);
  else if (self->deadline_hit)
    report = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED,
                          _ ("The server at %s did not answer in time"), self->host_port);
  else if (g_error_matches (reason, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report = g_error_copy (reason);
  else if (reason->domain == CRM_ERROR && reason->code != CRM_ERROR_CLOSED)
    report = g_error_copy (reason); /* e.g. VERSION from the hello */
  else if (reason->domain == G_IO_ERROR
           && (reason->code == G_IO_ERROR_CONNECTION_REFUSED
               || reason->code == G_IO_ERROR_HOST_UNREACHABLE
               || reason->code == G_IO_ERROR_NETWORK_UNREACHABLE
               || reason->code == G_IO_ERROR_TIMED_OUT))
    report = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED, _ ("Cannot reach the server at %s:%u"),
                          self->host, self->port);
  else if (reason->domain == G_RESOLVER_ERROR)
    report = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED, _ ("Cannot find the server %s: %s"),
                          self->host, reason->message);
  else if (reason->domain == G_TLS_ERROR)
    report = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED, _ ("Secure connection to %s failed: %s"),
                          self->host_port, reason->message);
  else
    report = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED, _ ("Cannot connect to %s: %s"),
                          self->host_port, reason->message);

  if (self->state != CRM_CONNECTION_STATE_CLOSED)
    close_with_error (self, g_error_copy (report));
  g_task_return_error (task, report);
}

static gboolean
on_deadline (gpointer user_data)
{
  CrmConnection *self = user_data;

  self->deadline_hit = TRUE;
  g_clear_pointer (&self->deadline_source, g_source_unref);
  g_cancellable_cancel (self->connect_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_user_cancelled (GCancellable *cancellable, gpointer user_data)
{
  /* May run in another thread: only cancel, which is thread-safe. */
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Decides whether the presented certificate is the pinned one.  Records it
 * as last seen; sets self->pin_error when refusing. */
static gboolean
check_pin (CrmConnection *self, GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = crm_certificate_fingerprint (certificate);
  const char      *known;

  if (fingerprint == NULL)
    {
      g_clear_error (&self->pin_error);
      self->pin_error
          = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED,
                         _ ("The server at %s sent no usable certificate"), self->host_port);
      return FALSE;
    }

  crm_trust_store_set_last_seen (self->trust, self->host_port, fingerprint);
  known = crm_trust_store_lookup (self->trust, self->host_port);

  if (known != NULL)
    {
      if (g_ascii_strcasecmp (known, fingerprint) == 0)
        return TRUE;
      g_clear_error (&self->pin_error);
      self->pin_error = g_error_new (CRM_ERROR, CRM_ERROR_CERTIFICATE_CHANGED,
                                     _ ("The certificate of the server at %s has changed. "
                                        "This may mean someone is intercepting the connection. "
                                        "Previously trusted fingerprint: %s; "
                                        "fingerprint now: %s"),
                                     self->host_port, known, fingerprint);
      return FALSE;
    }

  if (self->trust_on_first_use)
    return TRUE;

  g_clear_error (&self->pin_error);
  self->pin_error = g_error_new (CRM_ERROR, CRM_ERROR_CERTIFICATE_UNKNOWN,
                                 _ ("The server at %s is not known yet. "
                                    "Its certificate fingerprint is %s; trust it only if it "
                                    "matches the one your administrator gave you."),
                                 self->host_port, fingerprint);
  return FALSE;
}

static gboolean
on_accept_certificate (GTlsConnection *tls, GTlsCertificate *certificate,
                       GTlsCertificateFlags errors, gpointer user_data)
{
  /* Self-signed certificates are normal here: pinning replaces CA
   * validation. */
  return check_pin (CRM_CONNECTION (user_data), certificate);
}

static void
on_hello_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrmConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GTask) task = NULL;
  guint16     version;
  const char *server_name;
  gint64      server_time;

  reply = crm_connection_call_finish (self, result, &error);
  if (self->connect_task == NULL)
    return; /* already failed (deadline, cancel) */
  if (reply == NULL)
    {
      connect_fail (self, g_steal_pointer (&error));
      return;
    }

  g_variant_get (reply, "(q&sx)", &version, &server_name, &server_time);
  if (version < CRM_PROTOCOL_VERSION_MIN || version > CRM_PROTOCOL_VERSION_MAX)
    {
      connect_fail (
          self, g_error_new (
                    CRM_ERROR, CRM_ERROR_VERSION,
                    _ ("The server chose protocol version %u, which this program does not support"),
                    version));
      return;
    }
  self->server_version = version;
  self->server_name = g_strdup (server_name);
  set_state (self, CRM_CONNECTION_STATE_READY);

  connect_cleanup (self);
  task = g_steal_pointer (&self->connect_task);
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
start_session (CrmConnection *self, GIOStream *stream)
{
  g_autoptr (GTask) hello = NULL;

  g_set_object (&self->stream, stream);
  self->input = g_io_stream_get_input_stream (stream);
  self->output = g_io_stream_get_output_stream (stream);

  read_header (self);

  hello = g_task_new (self, self->connect_cancellable, on_hello_reply, g_object_ref (self));
  g_task_set_check_cancellable (hello, FALSE);
  start_call (self, hello, CRM_MSG_HELLO,
              g_variant_new ("(qqss)", (guint16)CRM_PROTOCOL_VERSION_MIN,
                             (guint16)CRM_PROTOCOL_VERSION_MAX, CLIENT_NAME,
                             self->locale != NULL ? self->locale : ""));
}

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrmConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  GTlsConnection  *tls = G_TLS_CONNECTION (source);
  GTlsCertificate *peer;

  if (!g_tls_connection_handshake_finish (tls, result, &error))
    {
      connect_fail (self, g_steal_pointer (&error));
      return;
    }
  if (self->connect_task == NULL)
    return;

  /* accept-certificate only runs when CA validation failed; a certificate
   * that validates must match the pin too. */
  peer = g_tls_connection_get_peer_certificate (tls);
  if (peer == NULL || !check_pin (self, peer))
    {
      if (self->pin_error == NULL)
        self->pin_error
            = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED,
                           _ ("The server at %s sent no usable certificate"), self->host_port);
      connect_fail (self, g_error_copy (self->pin_error));
      return;
    }

  if (crm_trust_store_lookup (self->trust, self->host_port) == NULL)
    {
      g_autofree char *fingerprint = crm_certificate_fingerprint (peer);

      if (!crm_trust_store_remember (self->trust, self->host_port, fingerprint, &error))
        {
          connect_fail (self, g_steal_pointer (&error));
          return;
        }
    }

  start_session (self, G_IO_STREAM (tls));
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CrmConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GIOStream) tls = NULL;
  g_autoptr (GSocketConnectable) identity = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection == NULL)
    {
      connect_fail (self, g_steal_pointer (&error));
      return;
    }
  if (self->connect_task == NULL)
    return;

  g_socket_set_keepalive (g_socket_connection_get_socket (connection), TRUE);

  if (self->trust == NULL)
    {
      start_session (self, G_IO_STREAM (connection));
      return;
    }

  identity = g_network_address_new (self->host, self->port);
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, &error);
  if (tls == NULL)
    {
      connect_fail (self, g_steal_pointer (&error));
      return;
    }
  /* Trust comes from the pin alone, so the system CA list (about 1.8 MB per
   * connection once loaded) is not needed: every certificate goes through
   * accept-certificate and check_pin. */
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), NULL);
  g_signal_connect_object (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  self->stream = g_object_ref (tls);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    self->connect_cancellable, on_handshake, g_object_ref (self));
}

void
crm_connection_new_async (const char *host, guint16 port, CrmTrustStore *trust,
                          gboolean trust_on_first_use, const char *locale,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (CrmConnection) self = NULL;
  g_autoptr (GSocketClient) client = NULL;

  g_return_if_fail (host != NULL);
  g_return_if_fail (trust == NULL || CRM_IS_TRUST_STORE (trust));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  self = g_object_new (CRM_TYPE_CONNECTION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->host_port = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                               : g_strdup_printf ("%s:%u", host, port);
  self->trust = trust != NULL ? g_object_ref (trust) : NULL;
  self->trust_on_first_use = trust_on_first_use;
  self->locale = g_strdup (locale);

  /* The task's source object is NULL: the connection is its result, and a
   * source reference would keep a failed connection alive. */
  self->connect_task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (self->connect_task, crm_connection_new_async);
  g_task_set_check_cancellable (self->connect_task, FALSE);

  self->connect_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->connect_user_cancellable = g_object_ref (cancellable);
      self->connect_cancel_id
          = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                                   g_object_ref (self->connect_cancellable), g_object_unref);
    }

  self->deadline_source = g_timeout_source_new_seconds (HANDSHAKE_DEADLINE_SECONDS);
  g_source_set_callback (self->deadline_source, on_deadline, self, NULL);
  g_source_set_static_name (self->deadline_source, "[crm] handshake deadline");
  g_source_attach (self->deadline_source, self->context);

  client = g_socket_client_new ();
  g_socket_client_connect_to_host_async (client, host, port, self->connect_cancellable,
                                         on_connected, g_object_ref (self));
}

CrmConnection *
crm_connection_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

CrmConnection *
crm_connection_new_sync (const char *host, guint16 port, CrmTrustStore *trust,
                         gboolean trust_on_first_use, const char *locale, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  crm_connection_new_async (host, port, trust, trust_on_first_use, locale, cancellable, sync_done,
                            &result);
  wait_for (&result);
  return crm_connection_new_finish (result, error);
}

/* ---------------------------------------------------------------- */
/* Accessors */

CrmConnectionState
crm_connection_get_state (CrmConnection *self)
{
  g_return_val_if_fail (CRM_IS_CONNECTION (self), CRM_CONNECTION_STATE_CLOSED);

  return self->state;
}

const char *
crm_connection_get_session_token (CrmConnection *self)
{
  g_return_val_if_fail (CRM_IS_CONNECTION (self), NULL);

  return self->token;
}

gint64
crm_connection_get_user_id (CrmConnection *self)
{
  g_return_val_if_fail (CRM_IS_CONNECTION (self), 0);

  return self->user_id;
}

gboolean
crm_connection_has_permission (CrmConnection *self, const char *permission)
{
  g_return_val_if_fail (CRM_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (permission != NULL, FALSE);

  if (self->state != CRM_CONNECTION_STATE_SIGNED_IN || self->permissions->len == 0)
    return FALSE;
  return bsearch (&permission, self->permissions->pdata, self->permissions->len, sizeof (gpointer),
                  compare_strings)
         != NULL;
}

char *
crm_new_idempotency_key (void)
{
  return g_uuid_string_random ();
}
