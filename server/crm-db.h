/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * What the database side of the server offers the rest of it (main.c and
 * server/net/).  Implemented under server/db/ and server/modules/; libpq is
 * included only there.
 */

#include <gio/gio.h>

#include "crm-handler.h"

G_BEGIN_DECLS

#define CRM_DB_ERROR (crm_db_error_quark ())
GQuark crm_db_error_quark (void);

/* ---- Embedded PostgreSQL (server/db/crm-embedded-pg.c) ---- */
typedef struct _CrmEmbeddedPg CrmEmbeddedPg;

/* Creates (first time: initdb, UTF-8, C.UTF-8 collation/ctype) and starts a
 * private cluster under `data_dir`/pg, listening only on a Unix socket in
 * `data_dir`/pg-socket.  initdb/pg_ctl come from PATH or
 * /usr/lib/postgresql/ * /bin.  As root, the cluster runs as an unprivileged
 * user.  Returns a libpq conninfo string in `conninfo_out`. Blocking. */
CrmEmbeddedPg *crm_embedded_pg_start (const char *data_dir, char **conninfo_out, GError **error);
/* Stops the cluster (fast shutdown) and frees. NULL-safe. */
void           crm_embedded_pg_stop  (CrmEmbeddedPg *pg);

/* ---- Schema (server/db/crm-migrations.c) ---- */
/* Applies data/migrations/NNNN_name.sql (compiled into the server as a
 * GResource) in order, each in its own transaction, recording them; a
 * database newer than the server fails with a clear message. Blocking. */
gboolean crm_migrations_apply (const char *conninfo, GError **error);

/* Creates (or resets the password of) an administrator; returns the
 * generated password, printed once by `crm-server --create-admin`. */
char *crm_accounts_create_admin (const char *conninfo, const char *login, GError **error);

/* Loads demo data (data/ generator) when the database has no customers. */
gboolean crm_demo_load_if_empty (const char *conninfo, guint n_customers, GError **error);

/* ---- Request execution (server/db/crm-db-pool.c) ---- */
typedef struct _CrmDbPool CrmDbPool;

/* `n_connections` worker threads, each owning one PGconn (reconnecting with
 * backoff when PostgreSQL restarts). */
CrmDbPool *crm_db_pool_new   (const char *conninfo, guint n_connections, GError **error);
void       crm_db_pool_free  (CrmDbPool *pool); /* waits for queued work */

/* Runs the handler for ctx->message on a worker (see crm-handler.h for the
 * transaction, idempotency and retry rules).  Takes ownership of `ctx`;
 * `request` is the decoded, type-checked body.  The callback runs on the
 * caller's thread-default main context.  Frequent one-row reads
 * (CrmDbPipelinedRead in crm-db-private.h: customer.get) submitted without
 * a cancellable from the main context that submitted the first one run
 * pipelined on a connection driven by that context instead, with the same
 * reply; whatever they cannot answer goes to a worker. */
void      crm_db_pool_run_async  (CrmDbPool           *pool,
                                  CrmRequestContext   *ctx,
                                  GVariant            *request,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* Returns the reply body (of the message's reply type) or NULL with an error
 * in CRM_ERROR, already translated to ctx->locale.  `ctx_out` (may be NULL)
 * receives the context back (for new_session / signed_out). */
GVariant *crm_db_pool_run_finish (CrmDbPool           *pool,
                                  GAsyncResult        *result,
                                  CrmRequestContext  **ctx_out,
                                  GError             **error);

/* Pool statistics for /metrics. */
void crm_db_pool_get_stats (CrmDbPool *pool, guint *busy, guint *idle, guint *queued);

/* ---- Change notifications (server/db/crm-db-listener.c) ----
 * A dedicated connection LISTENing on "crm_changes" and "crm_sessions",
 * integrated in the main loop via PQsocket; reconnects by itself.
 * Emits, on the main context:
 *   "record-changed" (const char *entity, gint64 id, gint64 version,
 *                     const char *action, gint64 owner_id)
 *   "session-revoked" (const char *token_hash, const char *reason)
 *   "permissions-changed" (gint64 user_id)   (user_id 0 = everyone)
 */
#define CRM_TYPE_DB_LISTENER (crm_db_listener_get_type ())
G_DECLARE_FINAL_TYPE (CrmDbListener, crm_db_listener, CRM, DB_LISTENER, GObject)
CrmDbListener *crm_db_listener_new (const char *conninfo);

/* Loads a session by token for auth.resume-like checks done by net code is
 * NOT offered: sessions are created and checked only by handlers. */

G_END_DECLS
