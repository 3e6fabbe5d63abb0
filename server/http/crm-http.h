/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "crm-db.h"
#include "crm-server.h"

G_BEGIN_DECLS

/*
 * CrmHttp: the server's HTTPS side (libsoup 3), on its own port with the
 * same certificate as the protocol port.
 *   GET /health   JSON: status, version, database reachable, uptime
 *   GET /metrics  Prometheus text format
 *   GET /session  JSON: the user of "Authorization: Bearer <token>"
 *                 (401 without a valid one)
 * Later handlers (recordings, attachments, calendar feed) authenticate
 * with crm_http_authenticate_async(): "Authorization: Bearer <token>",
 * the session token a client got from auth.login.
 */
#define CRM_TYPE_HTTP (crm_http_get_type ())
G_DECLARE_FINAL_TYPE (CrmHttp, crm_http, CRM, HTTP, GObject)

/* `server` gives the pool and the metrics; `certificate` NULL = plain HTTP. */
CrmHttp  *crm_http_new      (CrmServer *server, GTlsCertificate *certificate);
gboolean  crm_http_listen   (CrmHttp *self, const char *address, guint16 port,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
guint16   crm_http_get_port (CrmHttp *self);
void      crm_http_stop     (CrmHttp *self);
SoupServer *crm_http_get_soup_server (CrmHttp *self);

/* Checks the bearer token of `msg` (auth.resume on the pool).  Fails with
 * CRM_ERROR_NOT_SIGNED_IN when there is none, CRM_ERROR_SESSION_EXPIRED
 * when it is unknown or expired.  Callers pause the message meanwhile
 * (soup_server_message_pause). */
void        crm_http_authenticate_async  (CrmHttp             *self,
                                          SoupServerMessage   *msg,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
CrmSession *crm_http_authenticate_finish (CrmHttp             *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* Maps a CRM_ERROR to an HTTP status (401, 403, 404, 409, 503, 500…). */
guint crm_http_status_for_error (const GError *error);

G_END_DECLS
