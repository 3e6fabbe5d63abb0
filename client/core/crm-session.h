/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-connection.h"
#include "crm-trust-store.h"

G_BEGIN_DECLS

/*
 * CrmSession: the client's signed-in session with one server.  It owns the
 * current CrmConnection and survives its loss: when the connection closes
 * unexpectedly it reconnects with exponential backoff and re-signs in with
 * auth.resume, then replays the calls that were queued or in flight (their
 * idempotency keys make the replay safe), so open forms never notice.
 */
#define CRM_TYPE_SESSION (crm_session_get_type ())
G_DECLARE_FINAL_TYPE (CrmSession, crm_session, CRM, SESSION, GObject)

typedef enum {
  CRM_SESSION_STATE_OFFLINE,      /* not signed in (or given up) */
  CRM_SESSION_STATE_CONNECTING,   /* first sign-in in progress */
  CRM_SESSION_STATE_ONLINE,
  CRM_SESSION_STATE_RECONNECTING, /* lost the connection; retrying */
} CrmSessionState;

CrmSession     *crm_session_new             (CrmTrustStore *trust,
                                             const char    *locale);

/* Parses "host", "host:port" or "[v6]:port"; the default port is 7420. */
gboolean        crm_session_parse_address   (const char  *address,
                                             char       **out_host,
                                             guint16     *out_port,
                                             GError     **error);

void            crm_session_sign_in_async   (CrmSession          *self,
                                             const char          *address,
                                             const char          *user,
                                             const char          *password,
                                             gboolean             trust_first_use,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        crm_session_sign_in_finish  (CrmSession          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Like crm_connection_call_async(); while reconnecting the call waits for
 * the new connection.  Fails with CRM_ERROR_CLOSED once the session is
 * offline. */
void            crm_session_call_async      (CrmSession          *self,
                                             guint                message_id,
                                             GVariant            *body,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GVariant       *crm_session_call_finish     (CrmSession          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

void            crm_session_sign_out        (CrmSession *self);

CrmSessionState crm_session_get_state       (CrmSession *self);
const char     *crm_session_get_address     (CrmSession *self);
const char     *crm_session_get_login       (CrmSession *self);
const char     *crm_session_get_display_name (CrmSession *self);
gint64          crm_session_get_user_id     (CrmSession *self);
gboolean        crm_session_has_permission  (CrmSession *self,
                                             const char *permission);
CrmTrustStore  *crm_session_get_trust_store (CrmSession *self);
/* The live connection, or NULL while reconnecting (for tests that cut it). */
CrmConnection  *crm_session_get_connection  (CrmSession *self);
/* Seconds until the next reconnection attempt (0 when not waiting). */
guint           crm_session_get_retry_in    (CrmSession *self);

/* Signals:
 *   "push"       (guint message_id, GVariant *body)
 *   "signed-out" (const GError *reason) -- the server ended the session or
 *                 re-sign-in failed for good; the user must sign in again.
 */

G_END_DECLS
