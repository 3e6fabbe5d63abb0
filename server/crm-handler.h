/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The contract between the network side of the server (server/net/:
 * connections, frames, dispatch) and its database side (server/db/ and the
 * module handlers under server/modules/).
 *
 * Flow of one request, all driven by the message table (protocol/crm-messages.c):
 *   net:  frame → lookup message → PREAUTH / signed-in check → decode payload
 *         (crm_payload_decode) → permission check against ctx->session →
 *         idempotency-key shape check for MUTATES messages →
 *         crm_db_pool_run_async (pool, ctx, request, …)
 *   db:   on a pool worker thread, with one PostgreSQL connection:
 *         for MUTATES: BEGIN; look up (user, key) in the idempotency table and
 *         return the stored reply if present; else run the handler, store its
 *         reply, COMMIT (handlers write audit rows and NOTIFY in that same
 *         transaction); retry only on SQLSTATE 40001/40P01.
 *         Otherwise: run the handler (read-only transaction where it helps).
 *   net:  back on the main context: reply frame (or error frame) written.
 *
 * Handlers never touch sockets; net code never touches libpq.
 */

#include <glib.h>

#include "crm-messages.h"

G_BEGIN_DECLS

/* Data scope of a permission, strongest last. */
typedef enum {
  CRM_SCOPE_OWN = 0,
  CRM_SCOPE_SUBORDINATES = 1, /* own + everyone below in the leader tree */
  CRM_SCOPE_DEPARTMENT = 2,   /* own department and its sub-departments */
  CRM_SCOPE_ALL = 3,
} CrmDataScope;

/* A signed-in session, immutable once built (replace, don't mutate);
 * reference counted so in-flight requests keep theirs. */
typedef struct {
  gatomicrefcount ref;
  char   *token_hash;      /* hex SHA-256 of the token; the token itself is never stored */
  gint64  user_id;
  gint64  department_id;   /* 0 = none */
  char   *login;
  char   *display_name;
  GStrv   permissions;     /* sorted, for bsearch */
  gint64  expires_us;      /* unix µs */
  gboolean must_change_password;
} CrmSession;

CrmSession *crm_session_ref   (CrmSession *session);
void        crm_session_unref (CrmSession *session);
gboolean    crm_session_has_permission (const CrmSession *session, const char *permission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmSession, crm_session_unref)

/* One request as the handler sees it. */
typedef struct {
  const CrmMessageInfo *message;
  guint32      request_id;
  CrmSession  *session;        /* NULL before sign-in (PREAUTH messages) */
  char        *locale;         /* from hello, e.g. "zh_CN"; errors are translated into it */
  char        *peer_address;   /* "ip:port", for audit and throttling */
  char        *idempotency_key;/* MUTATES only */
  /* Out: set by auth.login / auth.resume / auth.logout handlers; the net side
   * adopts it for the connection when the reply is sent (NULL + signed_out
   * = the connection is signed out). */
  CrmSession  *new_session;
  gboolean     signed_out;
} CrmRequestContext;

void crm_request_context_free (CrmRequestContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmRequestContext, crm_request_context_free)

G_END_DECLS
