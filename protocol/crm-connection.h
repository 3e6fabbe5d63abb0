/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-trust-store.h"

G_BEGIN_DECLS

/*
 * CrmConnection: the client side of one protocol connection (TCP + TLS),
 * shared by the GTK client, crmctl, tests and benchmarks.
 *
 * Many requests may be in flight at once; replies are matched by request
 * id.  Push frames are emitted as the "push" signal.  All I/O runs on the
 * thread-default main context of the thread that created the connection;
 * callbacks and signals are delivered there.
 *
 * While open, the connection's own pending read holds a reference: call
 * crm_connection_close() when done (it is safe to close and drop the last
 * reference from inside any of the connection's callbacks or signals).
 */
#define CRM_TYPE_CONNECTION (crm_connection_get_type ())
G_DECLARE_FINAL_TYPE (CrmConnection, crm_connection, CRM, CONNECTION, GObject)

typedef enum {
  CRM_CONNECTION_STATE_CONNECTING,
  CRM_CONNECTION_STATE_READY,      /* handshake done, not signed in */
  CRM_CONNECTION_STATE_SIGNED_IN,
  CRM_CONNECTION_STATE_CLOSED,
} CrmConnectionState;

#define CRM_TYPE_CONNECTION_STATE (crm_connection_state_get_type ())
GType crm_connection_state_get_type (void);

/* Connects to host:port, performs TLS (pinning the server certificate in
 * `trust`, which may be NULL to skip TLS entirely: tests of plain TCP only)
 * and the hello handshake.  `locale` (e.g. "zh_CN") selects the language of
 * server error messages.
 *
 * On a server seen for the first time the connection fails with
 * CRM_ERROR_CERTIFICATE_UNKNOWN unless `trust_on_first_use` is TRUE; the
 * error message carries the fingerprint, also available from
 * crm_trust_store_get_last_seen().  A changed certificate always fails with
 * CRM_ERROR_CERTIFICATE_CHANGED. */
void           crm_connection_new_async   (const char          *host,
                                           guint16              port,
                                           CrmTrustStore       *trust,
                                           gboolean             trust_on_first_use,
                                           const char          *locale,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
CrmConnection *crm_connection_new_finish  (GAsyncResult        *result,
                                           GError             **error);
/* Blocking variant for command-line tools and tests: iterates the
 * thread-default main context until done. */
CrmConnection *crm_connection_new_sync    (const char          *host,
                                           guint16              port,
                                           CrmTrustStore       *trust,
                                           gboolean             trust_on_first_use,
                                           const char          *locale,
                                           GCancellable        *cancellable,
                                           GError             **error);

/* Sends a request.  `body` (sunk if floating; NULL = "()") must be of the
 * message's declared request type: that is checked here too, so a client bug
 * fails locally.  The reply body is checked against the declared reply type.
 * Error frames become GErrors in CRM_ERROR (with crm_error_get_field()). */
void      crm_connection_call_async  (CrmConnection       *self,
                                      guint                message_id,
                                      GVariant            *body,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GVariant *crm_connection_call_finish (CrmConnection       *self,
                                      GAsyncResult        *result,
                                      GError             **error);
GVariant *crm_connection_call_sync   (CrmConnection       *self,
                                      guint                message_id,
                                      GVariant            *body,
                                      GCancellable        *cancellable,
                                      GError             **error);

/* Signs in (auth.login) and records the session; returns the reply
 * "(sxssasx)".  crm_connection_resume_sync() uses a token instead. */
GVariant *crm_connection_login_sync  (CrmConnection  *self,
                                      const char     *user,
                                      const char     *password,
                                      GCancellable   *cancellable,
                                      GError        **error);
void      crm_connection_login_async (CrmConnection       *self,
                                      const char          *user,
                                      const char          *password,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GVariant *crm_connection_login_finish (CrmConnection  *self,
                                       GAsyncResult   *result,
                                       GError        **error);

/* Device binding: the key naming this client installation (16–128
 * characters of [A-Za-z0-9_-], generated once and kept by the program),
 * sent with every later sign-in.  NULL = none. */
void      crm_connection_set_client_key (CrmConnection *self,
                                         const char    *key);

/* Resumes a session with a token from an earlier sign-in (auth.resume);
 * returns the reply "(sxssasx)" and records the session like login. */
GVariant *crm_connection_resume_sync   (CrmConnection  *self,
                                        const char     *token,
                                        GCancellable   *cancellable,
                                        GError        **error);
void      crm_connection_resume_async  (CrmConnection       *self,
                                        const char          *token,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GVariant *crm_connection_resume_finish (CrmConnection  *self,
                                        GAsyncResult   *result,
                                        GError        **error);

/* Also the read-only property "state" (CRM_TYPE_CONNECTION_STATE), notified
 * on every change. */
CrmConnectionState crm_connection_get_state       (CrmConnection *self);
const char        *crm_connection_get_session_token (CrmConnection *self);
gint64             crm_connection_get_user_id     (CrmConnection *self);
/* TRUE when the signed-in session holds `permission`. */
gboolean           crm_connection_has_permission  (CrmConnection *self,
                                                   const char    *permission);
/* Closes; pending calls fail with CRM_ERROR_CLOSED. Idempotent. */
void               crm_connection_close           (CrmConnection *self);

/* A fresh random idempotency key (UUID v4 text) for mutating requests. */
char *crm_new_idempotency_key (void);

/* Signals:
 *   "push"   (guint message_id, GVariant *body)
 *   "closed" (const GError *reason)  -- emitted once, from an idle
 */

G_END_DECLS
