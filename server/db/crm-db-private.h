/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Internal API of the database side: what handlers under server/modules/
 * use to talk to PostgreSQL.  Only server/db/ and server/modules/ include
 * libpq.
 */

#include <libpq-fe.h>

#include "crm-db.h"
#include "crm-error.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

typedef enum {
  CRM_DB_ERROR_FAILED,
  CRM_DB_ERROR_NEWER_SCHEMA,
  CRM_DB_ERROR_NO_POSTGRES,
} CrmDbErrorCode;

/* One worker's connection, with its lazily prepared statements. */
typedef struct _CrmDb CrmDb;

CrmDb   *crm_db_new_for_conn (PGconn *conn);  /* takes ownership */
void     crm_db_free         (CrmDb *db);
PGconn  *crm_db_get_conn     (CrmDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmDb, crm_db_free)

/* Runs `sql` as the prepared statement `name` (prepared on first use on
 * this connection; the same name must always carry the same SQL).  Params
 * are text (NULL = SQL NULL).  On failure returns NULL with a CRM_ERROR
 * mapped from the SQLSTATE (see crm_db_error_from_result). */
PGresult *crm_db_exec (CrmDb              *db,
                       const char         *name,
                       const char         *sql,
                       int                 n_params,
                       const char * const *params,
                       GError            **error) G_GNUC_WARN_UNUSED_RESULT;
/* For the rest of one request: the named (read-only, request-invariant)
 * statements run once per distinct parameter list and later calls get a
 * copy of that result, e.g. the entry rules looked up for each row of an
 * import.  crm_db_memo_end() forgets them (also done by crm_db_free). */
void      crm_db_memo_begin (CrmDb *db, const char * const *names);
void      crm_db_memo_end   (CrmDb *db);
/* Same without preparing (for statements whose shape varies rarely). */
PGresult *crm_db_exec_once (CrmDb              *db,
                            const char         *sql,
                            int                 n_params,
                            const char * const *params,
                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  crm_db_command (CrmDb *db, const char *sql, GError **error);
/* Prepared under a name derived from the SQL text: for statements composed
 * from a whitelist of fragments (sort column, filters). */
PGresult *crm_db_exec_composed (CrmDb              *db,
                                const char         *sql,
                                int                 n_params,
                                const char * const *params,
                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;

/* SQLSTATE of the last failure on this connection ("" if none). */
const char *crm_db_last_sqlstate (CrmDb *db);

/* Maps a failed result to CRM_ERROR: 23505 → DUPLICATE, 40001/40P01 →
 * UNAVAILABLE (the pool retries those), 08xxx/57Pxx → UNAVAILABLE,
 * 22xxx/23xxx → INVALID_FIELD, others → INTERNAL (details logged). */
GError *crm_db_error_from_result (PGconn *conn, const PGresult *res);

/* Handler for one message.  Runs inside a transaction that the pool opened;
 * `request` is the type-checked body.  Returns the reply (floating or full
 * reference) or NULL with a CRM_ERROR whose message is already translated
 * (the pool switched the thread's LC_MESSAGES to ctx->locale). */
typedef GVariant *(*CrmHandlerFunc) (CrmDb              *db,
                                     CrmRequestContext  *ctx,
                                     GVariant           *request,
                                     GError            **error);

CrmHandlerFunc crm_handlers_lookup (CrmMessageId id);

/* A read that crm_db_pool_run_async() may run pipelined (libpq pipeline
 * mode) on one connection owned by the calling thread's main context,
 * instead of handing it to a worker thread: for frequent reads of one row
 * whose request body is "(x)".  The statement takes $1 = that id as text,
 * $2 = the user's scope owners for `scope_permission` (bigint[] literal,
 * NULL = all) and $3 = the scope generation they were read at (see
 * crm_db_scope_owners_cached), and must return no row for a changed scope.
 * One row becomes the reply through `row_to_reply`; anything else (no row,
 * an error, a session near its sliding expiry) sends the request to a
 * worker and its handler, which decides between a stale scope, NOT_FOUND
 * and a translated error, so the handler stays the only authority. */
typedef struct {
  CrmMessageId message;
  const char  *statement;        /* prepared statement name */
  const char  *sql;
  const char  *scope_permission;
  GVariant  *(*row_to_reply) (const PGresult *res, int row, int first_col);
} CrmDbPipelinedRead;

/* server/modules/customers/crm-customers.c: customer.get */
extern const CrmDbPipelinedRead crm_customer_get_pipelined;

/* A handler that must keep its writes even though it returns an error
 * (failed sign-in counters) calls this. */
void crm_db_commit_on_error (CrmDb *db);

/* Convenience. */
char   *crm_db_int64_to_string (gint64 v);
gint64  crm_db_get_int64 (const PGresult *res, int row, int col);
const char *crm_db_get_string (const PGresult *res, int row, int col); /* "" for NULL */
gboolean crm_db_get_bool (const PGresult *res, int row, int col);
/* "{a,b}" text array literal with proper quoting; NULL-safe (→ "{}"). */
char   *crm_db_text_array (const char * const *items, gssize n);
/* Parses a text[] or bigint[] output literal into a strv. */
GStrv   crm_db_parse_array (const char *literal);
/* One result column as a record key: column i of the result becomes
 * `key` with GVariant type 'x' (bigint), 's' (text, "" for NULL) or 'b'. */
typedef struct {
  const char *key;
  char        type;
} CrmDbColumn;

/* Inserts row `row`'s columns 0…n-1 into `dict` under their keys. */
void      crm_db_row_insert    (GVariantDict *dict, const PGresult *res, int row,
                                const CrmDbColumn *columns, gsize n_columns);
/* Every row as a record: "aa{sv}". */
GVariant *crm_db_rows_to_dicts (const PGresult *res, const CrmDbColumn *columns,
                                gsize n_columns);
/* Unix µs from a timestamptz rendered by `extract(epoch …)` as text. */
gint64  crm_db_get_epoch_us (const PGresult *res, int row, int col);

/* Owners a user reaches with a permission, as a bigint[] literal for a
 * parameter; NULL = everyone (scope all). */
gboolean crm_db_scope_owners (CrmDb       *db,
                              gint64       user_id,
                              const char  *permission,
                              char       **owners_literal,
                              GError     **error);

/* The same, cached on this connection and tagged with the scope generation
 * (migration 0003); `refresh` forces a lookup.  A read that passes the tag
 * as "$n::bigint = (SELECT n FROM scope_generation)" matches nothing when
 * the scope changed meanwhile, and is then retried with refresh = TRUE. */
gboolean crm_db_scope_owners_cached (CrmDb       *db,
                                     gint64       user_id,
                                     const char  *permission,
                                     gboolean     refresh,
                                     const char **owners_literal,
                                     const char **generation,
                                     GError     **error);

/* Writes an audit row (before/after as JSON text, may be NULL). */
gboolean crm_db_audit (CrmDb             *db,
                       CrmRequestContext *ctx,
                       const char        *action,
                       const char        *entity,
                       gint64             entity_id,
                       const char        *before_json,
                       const char        *after_json,
                       GError           **error);
/* NOTIFY crm_changes with "entity id version action owner". */
gboolean crm_db_notify_change (CrmDb      *db,
                               const char *entity,
                               gint64      id,
                               gint64      version,
                               const char *action,
                               gint64      owner_id,
                               GError    **error);

/* Session construction shared by auth and the pool. */
CrmSession *crm_session_new (const char *token_hash,
                             gint64      user_id,
                             gint64      department_id,
                             const char *login,
                             const char *display_name,
                             GStrv       permissions,   /* taken */
                             gint64      expires_us,
                             gboolean    must_change_password);

/* Connects with a short timeout; NULL + error when unreachable. */
PGconn *crm_db_connect (const char *conninfo, GError **error);

/* The embedded migrations resource. */
GResource *crm_migrations_get_resource (void);

/* Bounds Argon2id work to 2 hashes at once (memory-hard). */
void crm_auth_hash_enter (void);
void crm_auth_hash_leave (void);

G_END_DECLS
