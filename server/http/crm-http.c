/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-http"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-http.h"
#include "crm-messages.h"

struct _CrmHttp {
  GObject parent_instance;

  CrmServer *server; /* owned */
  GTlsCertificate *certificate;
  SoupServer *soup;
  guint16 port;
  gint64 started_us;
};

G_DEFINE_FINAL_TYPE (CrmHttp, crm_http, G_TYPE_OBJECT)

static void
crm_http_dispose (GObject *object)
{
  CrmHttp *self = CRM_HTTP (object);

  crm_http_stop (self);
  g_clear_object (&self->soup);
  g_clear_object (&self->certificate);
  g_clear_object (&self->server);
  G_OBJECT_CLASS (crm_http_parent_class)->dispose (object);
}

static void
crm_http_class_init (CrmHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = crm_http_dispose;
}

static void
crm_http_init (CrmHttp *self)
{
  self->started_us = g_get_monotonic_time ();
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

/* ---- /health ---- */

typedef struct {
  CrmHttp *http;
  SoupServerMessage *msg;
} HealthCheck;

static void
health_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  HealthCheck *check = data;
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
  respond (check->msg, db_ok ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE,
           "application/json", json_to_string (root, FALSE));
  soup_server_message_unpause (check->msg);
  g_object_unref (check->msg);
  g_object_unref (check->http);
  g_free (check);
}

/* Reachability is proven by a real query that changes nothing: resuming
 * a session with a random token no session has.  (The health message
 * itself needs a signed-in session.) */
static void
handle_health (CrmHttp *self, SoupServerMessage *msg)
{
  CrmRequestContext *ctx = g_new0 (CrmRequestContext, 1);
  HealthCheck *check = g_new0 (HealthCheck, 1);
  g_autofree char *probe = g_uuid_string_random ();

  ctx->message = crm_message_lookup (CRM_MSG_AUTH_RESUME);
  ctx->peer_address = g_strdup ("health-check");
  check->http = g_object_ref (self);
  check->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
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
  else
    respond (msg, SOUP_STATUS_NOT_FOUND, "text/plain; charset=utf-8", g_strdup ("not found\n"));
}

CrmHttp *
crm_http_new (CrmServer *server, GTlsCertificate *certificate)
{
  CrmHttp *self = g_object_new (CRM_TYPE_HTTP, NULL);

  self->server = g_object_ref (server);
  self->certificate = certificate ? g_object_ref (certificate) : NULL;
  self->soup = soup_server_new ("server-header", PACKAGE_NAME "/" PACKAGE_VERSION,
                                "tls-certificate", certificate, NULL);
  soup_server_add_handler (self->soup, NULL, request_cb, self, NULL);
  return self;
}

gboolean
crm_http_listen (CrmHttp *self, const char *address, guint16 port, GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;

  if (inet == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("“%s” is not an IP address to listen on"), address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (self->soup, socket_address,
                           self->certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, &local_error))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("Cannot listen for HTTPS on %s port %u: %s"), address, port, local_error->message);
      return FALSE;
    }
  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
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
