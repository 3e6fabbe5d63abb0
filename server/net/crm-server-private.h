/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-server.h"
#include "crm-server-connection.h"
#include "crm-tls-gate.h"

G_BEGIN_DECLS

/* Caps chosen so that a few hundred silent or slow peers cannot starve a
 * real user (see crm-server.c). */
#define CRM_SERVER_MAX_HANDSHAKES     8
#define CRM_SERVER_WAIT_DATA_SECONDS  10  /* accepted, no ClientHello yet */
#define CRM_SERVER_WAIT_SLOT_SECONDS  10  /* waiting for a handshake slot */
#define CRM_SERVER_HANDSHAKE_SECONDS  10
#define CRM_SERVER_PREAUTH_IDLE_SECONDS 30
#define CRM_SERVER_MAX_IN_FLIGHT      64

/* Per-request debug lines cost a formatted string each; only built when
 * the log level is debug (crm_server_set_request_logging). */
extern gboolean crm_server_request_logging;

/* Peeks at the socket: TRUE when a TLS handshake record is waiting. */
gboolean crm_server_connection_peek_client_hello (CrmServerConnection *conn);

/* Called by connections. */
gboolean crm_server_is_stopping            (CrmServer *self);
/* TRUE: start the handshake now; FALSE: queued, started later through
 * crm_server_connection_start_handshake(). */
gboolean crm_server_acquire_handshake      (CrmServer *self, CrmServerConnection *conn);
void     crm_server_release_handshake      (CrmServer *self, CrmServerConnection *conn);
void     crm_server_connection_finished    (CrmServer *self, CrmServerConnection *conn);
/* Protocol violations are logged at warning level, but not more than a few
 * per second, so a hostile peer cannot fill the disk. */
void     crm_server_log_violation          (CrmServer *self, guint64 conn_id,
                                            const char *kind, const char *detail);

G_END_DECLS
