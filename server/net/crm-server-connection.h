/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-handler.h"

G_BEGIN_DECLS

typedef struct _CrmServer CrmServer;

/* The server side of one protocol connection. */
#define CRM_TYPE_SERVER_CONNECTION (crm_server_connection_get_type ())
G_DECLARE_FINAL_TYPE (CrmServerConnection, crm_server_connection, CRM, SERVER_CONNECTION, GObject)

typedef enum {
  CRM_SERVER_CONNECTION_WAITING_DATA,  /* TLS: accepted, no bytes yet */
  CRM_SERVER_CONNECTION_WAITING_SLOT,  /* TLS: queued for a handshake slot */
  CRM_SERVER_CONNECTION_HANDSHAKING,
  CRM_SERVER_CONNECTION_AWAIT_HELLO,   /* the first frame must be hello */
  CRM_SERVER_CONNECTION_READY,         /* hello done, not signed in */
  CRM_SERVER_CONNECTION_SIGNED_IN,
  CRM_SERVER_CONNECTION_DRAINING,      /* server stopping: answer what is in flight */
  CRM_SERVER_CONNECTION_CLOSING,       /* sending a last error frame */
  CRM_SERVER_CONNECTION_CLOSED,
} CrmServerConnectionState;

/* `certificate` NULL = plain TCP. */
CrmServerConnection *crm_server_connection_new (CrmServer         *server,
                                                GSocketConnection *socket_connection,
                                                GTlsCertificate   *certificate,
                                                guint64            id);
void crm_server_connection_start           (CrmServerConnection *self);
void crm_server_connection_start_handshake (CrmServerConnection *self);
/* Stops reading; closes once in-flight requests are answered. */
void crm_server_connection_drain           (CrmServerConnection *self);
void crm_server_connection_close           (CrmServerConnection *self);

guint64                  crm_server_connection_get_id      (CrmServerConnection *self);
CrmServerConnectionState crm_server_connection_get_state   (CrmServerConnection *self);
CrmSession              *crm_server_connection_get_session (CrmServerConnection *self);
const char              *crm_server_connection_get_locale  (CrmServerConnection *self);
guint                    crm_server_connection_get_in_flight (CrmServerConnection *self);

/* Push frames; dropped when the connection is closing.  `body` is sunk. */
void crm_server_connection_push (CrmServerConnection *self, guint16 message_id, GVariant *body);
/* Replaces the session (NULL = signed out: back to the pre-auth caps). */
void crm_server_connection_set_session (CrmServerConnection *self, CrmSession *session);

G_END_DECLS
