/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-server"

#include <glib/gi18n-lib.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crm-net-i18n.h"
#include "crm-server-private.h"

struct _CrmServer {
  GObject parent_instance;

  CrmDbPool *pool; /* borrowed */
  GTlsCertificate *certificate;
  GSocketService *service;
  guint16 port;
  CrmServerMetrics *metrics;

  GHashTable *connections;  /* CrmServerConnection* → itself (owned) */
  GPtrArray *finished;      /* closed, dropped from an idle */
  guint finished_idle_id;
  guint64 next_id;
  guint max_connections;    /* 0 = no cap */
  gint64 last_cap_warning;

  CrmTlsGate *gate;         /* TLS handshake slots (crm-tls-gate.h) */

  CrmDbListener *listener;
  gulong listener_handlers[3];

  gboolean stopping;
  GTask *shutdown_task;
  guint shutdown_deadline_id;

  /* Violation log rate limit */
  gint64 violation_window_start;
  guint violations_in_window;
  guint violations_suppressed;
};

G_DEFINE_FINAL_TYPE (CrmServer, crm_server, G_TYPE_OBJECT)

#define VIOLATION_LOGS_PER_SECOND 5

/* The open connections, each with its own reference (closing one drops
 * it from self->connections). */
static GPtrArray *
snapshot_connections (CrmServer *self)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer conn;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &conn, NULL))
    g_ptr_array_add (all, g_object_ref (conn));
  return all;
}

static void
crm_server_dispose (GObject *object)
{
  CrmServer *self = CRM_SERVER (object);

  crm_server_set_db_listener (self, NULL);
  if (self->service)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  g_clear_object (&self->service);
  if (self->connections)
    {
      /* Closing calls back into finished(); collect first. */
      g_autoptr(GPtrArray) all = snapshot_connections (self);

      for (guint i = 0; i < all->len; i++)
        crm_server_connection_close (all->pdata[i]);
    }
  g_clear_handle_id (&self->finished_idle_id, g_source_remove);
  g_clear_handle_id (&self->shutdown_deadline_id, g_source_remove);
  g_clear_pointer (&self->finished, g_ptr_array_unref);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->gate, crm_tls_gate_free);
  g_clear_object (&self->certificate);
  g_clear_object (&self->shutdown_task);

  G_OBJECT_CLASS (crm_server_parent_class)->dispose (object);
}

static void
crm_server_finalize (GObject *object)
{
  CrmServer *self = CRM_SERVER (object);

  crm_server_metrics_free (self->metrics);
  G_OBJECT_CLASS (crm_server_parent_class)->finalize (object);
}

static void
crm_server_class_init (CrmServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_server_dispose;
  object_class->finalize = crm_server_finalize;
}

/* A connection waiting for a handshake slot got one. */
static gboolean
gate_start_cb (gpointer peer, gpointer data)
{
  CrmServerConnection *conn = peer;

  if (crm_server_connection_get_state (conn) != CRM_SERVER_CONNECTION_WAITING_SLOT)
    return FALSE;
  /* Gone while it waited (its peer hung up): skip it. */
  if (!crm_server_connection_peek_client_hello (conn))
    {
      crm_server_connection_close (conn);
      return FALSE;
    }
  crm_server_connection_start_handshake (conn);
  return TRUE;
}

static void
crm_server_init (CrmServer *self)
{
  self->metrics = crm_server_metrics_new ();
  self->connections = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->finished = g_ptr_array_new_with_free_func (g_object_unref);
  self->gate = crm_tls_gate_new (CRM_SERVER_MAX_HANDSHAKES, gate_start_cb, self,
                                 g_object_ref, g_object_unref);
}

CrmServer *
crm_server_new (CrmDbPool *pool, GTlsCertificate *certificate)
{
  CrmServer *self = g_object_new (CRM_TYPE_SERVER, NULL);

  self->pool = pool;
  self->certificate = certificate ? g_object_ref (certificate) : NULL;
  return self;
}

CrmDbPool *
crm_server_get_pool (CrmServer *self)
{
  return self->pool;
}

CrmServerMetrics *
crm_server_get_metrics (CrmServer *self)
{
  return self->metrics;
}

guint
crm_server_get_n_connections (CrmServer *self)
{
  return g_hash_table_size (self->connections);
}

guint
crm_server_get_n_handshakes (CrmServer *self)
{
  return self->gate != NULL ? crm_tls_gate_get_n_handshakes (self->gate) : 0;
}

guint16
crm_server_get_port (CrmServer *self)
{
  return self->port;
}

void
crm_server_set_max_connections (CrmServer *self, guint max_connections)
{
  self->max_connections = max_connections;
}

void
crm_server_set_request_logging (gboolean enabled)
{
  crm_server_request_logging = enabled;
}

gboolean
crm_server_is_stopping (CrmServer *self)
{
  return self->stopping;
}

/* ---- Accepting ---- */

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *socket_connection,
             GObject           *source_object,
             gpointer           data)
{
  CrmServer *self = data;
  CrmServerConnection *conn;

  if (self->stopping)
    return FALSE;
  if (self->max_connections > 0 && g_hash_table_size (self->connections) >= self->max_connections)
    {
      gint64 now = g_get_monotonic_time ();

      /* Refused (closed by the service) rather than accepted into a file
       * descriptor table that is full. */
      if (now - self->last_cap_warning > 10 * G_USEC_PER_SEC)
        {
          g_warning ("%u connections open: refusing new ones", self->max_connections);
          self->last_cap_warning = now;
        }
      crm_server_metrics_record_violation (self->metrics, "over-connection-cap");
      return FALSE;
    }
  conn = crm_server_connection_new (self, socket_connection, self->certificate, ++self->next_id);
  g_hash_table_add (self->connections, conn);
  crm_server_metrics_connection_opened (self->metrics);
  g_debug ("conn %" G_GUINT64_FORMAT ": accepted (%u open)", self->next_id,
           g_hash_table_size (self->connections));
  crm_server_connection_start (conn);
  return TRUE;
}

gboolean
crm_server_listen (CrmServer  *self,
                   const char *address,
                   guint16     port,
                   GError    **error)
{
  g_return_val_if_fail (self->service == NULL, FALSE);

  self->service = crm_tls_gate_listen (address, port, FALSE, &self->port, error);
  if (self->service == NULL)
    return FALSE;
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  g_message ("Listening on %s port %u (%s)", address, self->port,
             self->certificate ? "TLS" : "plain TCP, no TLS");
  return TRUE;
}

/* ---- Handshake slots ---- */

gboolean
crm_server_acquire_handshake (CrmServer *self, CrmServerConnection *conn)
{
  return crm_tls_gate_enter (self->gate, conn);
}

void
crm_server_release_handshake (CrmServer *self, CrmServerConnection *conn)
{
  if (self->gate != NULL) /* NULL while disposing */
    crm_tls_gate_leave (self->gate, conn);
}

/* ---- Connection bookkeeping ---- */

static void maybe_complete_shutdown (CrmServer *self);

static gboolean
drop_finished_cb (gpointer data)
{
  CrmServer *self = data;

  self->finished_idle_id = 0;
  for (guint i = 0; i < self->finished->len; i++)
    g_hash_table_remove (self->connections, self->finished->pdata[i]);
  g_ptr_array_set_size (self->finished, 0);
  maybe_complete_shutdown (self);
  return G_SOURCE_REMOVE;
}

void
crm_server_connection_finished (CrmServer *self, CrmServerConnection *conn)
{
  if (self->finished == NULL)
    return; /* disposing: the table is being torn down */
  /* Dropped from an idle: the caller may be the connection's own callback,
   * or an iteration over the table. */
  g_ptr_array_add (self->finished, g_object_ref (conn));
  if (self->finished_idle_id == 0)
    self->finished_idle_id = g_idle_add (drop_finished_cb, self);
}

void
crm_server_log_violation (CrmServer *self, guint64 conn_id, const char *kind, const char *detail)
{
  gint64 now = g_get_monotonic_time ();

  crm_server_metrics_record_violation (self->metrics, kind);
  if (now - self->violation_window_start >= G_USEC_PER_SEC)
    {
      if (self->violations_suppressed > 0)
        g_warning ("%u more protocol violations not logged", self->violations_suppressed);
      self->violation_window_start = now;
      self->violations_in_window = 0;
      self->violations_suppressed = 0;
    }
  if (self->violations_in_window++ < VIOLATION_LOGS_PER_SECOND)
    g_warning ("conn %" G_GUINT64_FORMAT ": protocol violation (%s): %s", conn_id, kind, detail);
  else
    self->violations_suppressed++;
}

/* ---- Push frames from database notifications ---- */

static void
record_changed_cb (CrmDbListener *listener,
                   const char    *entity,
                   gint64         id,
                   gint64         version,
                   const char    *action,
                   gint64         owner_id,
                   gpointer       data)
{
  CrmServer *self = data;
  g_autoptr(GPtrArray) all = snapshot_connections (self);
  g_autoptr(GVariant) body = g_variant_ref_sink (g_variant_new ("(sxxs)", entity, id, version, action));
  g_autofree char *permission = NULL;
  /* Settings (choice lists, custom fields, entry and numbering rules,
   * switches) shape every form, and every signed-in user reads the
   * department tree (department.list): every session hears of them.
   * Roles are read with user.view (role.list); others with <entity>.view. */
  gboolean everyone = g_strcmp0 (entity, "settings") == 0 || g_strcmp0 (entity, "department") == 0;

  if (g_strcmp0 (entity, "role") == 0)
    permission = g_strdup ("user.view");
  else
    permission = g_strconcat (entity, ".view", NULL);

  for (guint i = 0; i < all->len; i++)
    {
      CrmServerConnection *conn = all->pdata[i];
      CrmSession *session = crm_server_connection_get_session (conn);

      if (session != NULL && (everyone || crm_session_has_permission (session, permission)))
        crm_server_connection_push (conn, CRM_MSG_PUSH_RECORD_CHANGED, body);
    }
}

/* Reasons arrive as codes from the database (NOTIFY crm_sessions); each
 * reader gets the explanation in its own language. */
static const char *
revoke_reason_message (const char *reason)
{
  if (g_strcmp0 (reason, "signed-out") == 0)
    return N_("You signed out of this session elsewhere");
  if (g_strcmp0 (reason, "password-changed") == 0)
    return N_("Your password was changed; sign in again with the new one");
  if (g_strcmp0 (reason, "disabled") == 0)
    return N_("Your account was disabled");
  if (g_strcmp0 (reason, "expired") == 0)
    return N_("Your session expired; sign in again");
  return N_("Your session was ended");
}

static void
session_revoked_cb (CrmDbListener *listener,
                    const char    *token_hash,
                    const char    *reason,
                    gpointer       data)
{
  CrmServer *self = data;
  g_autoptr(GPtrArray) all = snapshot_connections (self);

  for (guint i = 0; i < all->len; i++)
    {
      CrmServerConnection *conn = all->pdata[i];
      CrmSession *session = crm_server_connection_get_session (conn);
      const char *locale = crm_server_connection_get_locale (conn);

      if (session == NULL || g_strcmp0 (session->token_hash, token_hash) != 0)
        continue;
      g_debug ("conn %" G_GUINT64_FORMAT ": session revoked (%s)", crm_server_connection_get_id (conn), reason);
      crm_server_connection_push (conn, CRM_MSG_PUSH_SIGNED_OUT,
                                  g_variant_new ("(s)", crm_net_translate (locale, revoke_reason_message (reason))));
      crm_server_connection_set_session (conn, NULL);
    }
}

typedef struct {
  CrmServer *server;         /* owned */
  CrmServerConnection *conn; /* owned */
  CrmSession *asked_for;     /* the session whose permissions are re-read */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_object_unref (refresh->server);
  g_object_unref (refresh->conn);
  crm_session_unref (refresh->asked_for);
  g_free (refresh);
}

static void
refresh_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Refresh *refresh = data;
  g_autoptr(CrmRequestContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_db_pool_run_finish (refresh->server->pool, result, &ctx, &error);
  CrmServerConnection *conn = refresh->conn;

  /* Signed out or re-signed in meanwhile: this answer is stale. */
  if (crm_server_connection_get_session (conn) != refresh->asked_for)
    {
      refresh_free (refresh);
      return;
    }
  if (reply == NULL)
    {
      if (g_error_matches (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED) ||
          g_error_matches (error, CRM_ERROR, CRM_ERROR_ACCOUNT_DISABLED))
        {
          crm_server_connection_push (conn, CRM_MSG_PUSH_SIGNED_OUT, g_variant_new ("(s)", error->message));
          crm_server_connection_set_session (conn, NULL);
        }
      else
        g_warning ("conn %" G_GUINT64_FORMAT ": cannot re-read permissions: %s",
                   crm_server_connection_get_id (conn), error->message);
      refresh_free (refresh);
      return;
    }
  if (ctx != NULL && ctx->new_session != NULL)
    crm_server_connection_set_session (conn, ctx->new_session);
  {
    g_autoptr(GVariant) permissions = g_variant_get_child_value (reply, 4);
    crm_server_connection_push (conn, CRM_MSG_PUSH_PERMISSIONS,
                                g_variant_new ("(@as)", permissions));
  }
  refresh_free (refresh);
}

static void
permissions_changed_cb (CrmDbListener *listener, gint64 user_id, gpointer data)
{
  CrmServer *self = data;
  g_autoptr(GPtrArray) all = snapshot_connections (self);

  for (guint i = 0; i < all->len; i++)
    {
      CrmServerConnection *conn = all->pdata[i];
      CrmSession *session = crm_server_connection_get_session (conn);
      CrmRequestContext *ctx;
      Refresh *refresh;

      if (session == NULL || (user_id != 0 && session->user_id != user_id))
        continue;
      ctx = g_new0 (CrmRequestContext, 1);
      ctx->message = crm_message_lookup (CRM_MSG_AUTH_WHOAMI);
      ctx->session = crm_session_ref (session);
      ctx->locale = g_strdup (crm_server_connection_get_locale (conn));
      ctx->peer_address = g_strdup ("push");
      refresh = g_new0 (Refresh, 1);
      refresh->server = g_object_ref (self);
      refresh->conn = g_object_ref (conn);
      refresh->asked_for = crm_session_ref (session);
      crm_db_pool_run_async (self->pool, ctx, g_variant_new ("()"), NULL, refresh_done_cb, refresh);
    }
}

void
crm_server_set_db_listener (CrmServer *self, CrmDbListener *listener)
{
  if (self->listener == listener)
    return;
  if (self->listener != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->listener_handlers); i++)
        g_clear_signal_handler (&self->listener_handlers[i], self->listener);
      g_clear_object (&self->listener);
    }
  if (listener == NULL)
    return;
  self->listener = g_object_ref (listener);
  self->listener_handlers[0] = g_signal_connect (listener, "record-changed",
                                                 G_CALLBACK (record_changed_cb), self);
  self->listener_handlers[1] = g_signal_connect (listener, "session-revoked",
                                                 G_CALLBACK (session_revoked_cb), self);
  self->listener_handlers[2] = g_signal_connect (listener, "permissions-changed",
                                                 G_CALLBACK (permissions_changed_cb), self);
}

/* ---- Graceful stop ---- */

static void
maybe_complete_shutdown (CrmServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->shutdown_task == NULL || g_hash_table_size (self->connections) > 0)
    return;
  g_clear_handle_id (&self->shutdown_deadline_id, g_source_remove);
  task = g_steal_pointer (&self->shutdown_task);
  g_task_return_boolean (task, TRUE);
}

static gboolean
shutdown_deadline_cb (gpointer data)
{
  CrmServer *self = data;
  g_autoptr(GPtrArray) all = snapshot_connections (self);

  self->shutdown_deadline_id = 0;
  g_warning ("Stopping: %u connections still busy at the deadline, closing them", all->len);
  for (guint i = 0; i < all->len; i++)
    crm_server_connection_close (all->pdata[i]);
  return G_SOURCE_REMOVE;
}

void
crm_server_shutdown_async (CrmServer           *self,
                           guint                deadline_ms,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) all = NULL;

  g_return_if_fail (self->shutdown_task == NULL);

  self->stopping = TRUE;
  self->shutdown_task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->shutdown_task, crm_server_shutdown_async);
  if (self->service)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }

  all = snapshot_connections (self);
  g_message ("Stopping: %u connections open", all->len);
  for (guint i = 0; i < all->len; i++)
    crm_server_connection_drain (all->pdata[i]);
  self->shutdown_deadline_id = g_timeout_add (deadline_ms, shutdown_deadline_cb, self);
  maybe_complete_shutdown (self);
}

gboolean
crm_server_shutdown_finish (CrmServer *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
