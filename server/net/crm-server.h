/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-db.h"
#include "crm-server-metrics.h"

G_BEGIN_DECLS

/*
 * CrmServer: accepts protocol connections (TCP, TLS by default), owns them,
 * forwards database change notifications to them as push frames, and stops
 * gracefully.
 */
#define CRM_TYPE_SERVER (crm_server_get_type ())
G_DECLARE_FINAL_TYPE (CrmServer, crm_server, CRM, SERVER, GObject)

/* `pool` is borrowed and must outlive the server; `certificate` NULL =
 * plain TCP (--no-tls, for benchmarks). */
CrmServer *crm_server_new (CrmDbPool *pool, GTlsCertificate *certificate);

/* Listens on `address` ("0.0.0.0", "::", "127.0.0.1") and `port` (0 = any
 * free port; see crm_server_get_port()).  Accepting starts at once. */
gboolean crm_server_listen (CrmServer  *self,
                            const char *address,
                            guint16     port,
                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;
guint16  crm_server_get_port (CrmServer *self);

/* Forwards the listener's signals to connections as push frames. */
void crm_server_set_db_listener (CrmServer *self, CrmDbListener *listener);

CrmDbPool        *crm_server_get_pool    (CrmServer *self);
CrmServerMetrics *crm_server_get_metrics (CrmServer *self);
guint             crm_server_get_n_connections (CrmServer *self);
guint             crm_server_get_n_handshakes  (CrmServer *self);

/* Graceful stop: no new connections, requests in flight are answered (new
 * frames get UNAVAILABLE), then every connection closes.  After
 * `deadline_ms` the remaining connections are closed anyway. */
void     crm_server_shutdown_async  (CrmServer           *self,
                                     guint                deadline_ms,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean crm_server_shutdown_finish (CrmServer           *self,
                                     GAsyncResult        *result,
                                     GError             **error);

/* Connections beyond this are refused at once (0 = no cap); main.c
 * derives it from the file descriptor limit. */
void crm_server_set_max_connections (CrmServer *self, guint max_connections);

/* Logs every request (connection id, request id, message, result) at
 * debug level; off by default because each line costs formatting. */
void crm_server_set_request_logging (gboolean enabled);

G_END_DECLS
