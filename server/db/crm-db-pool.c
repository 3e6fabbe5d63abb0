/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-db-pool"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "crm-db-private.h"

/*
 * N worker threads, each owning one PostgreSQL connection.  Work arrives on
 * one queue as GTasks; the task's callback runs on the submitter's
 * thread-default main context.
 *
 * The most frequent reads (CrmDbPipelinedRead: customer.get) skip the
 * workers: they run on one more connection, in libpq pipeline mode, driven
 * by the submitter's main context itself ("fast" below).  A worker costs
 * two thread hand-overs per request (queue → worker, worker → main
 * context), each a wake-up and a context switch; the pipeline costs none,
 * and under load one wake-up of the main context collects many replies.
 */

void     crm_db_reset_prepared (CrmDb *db);
gboolean crm_db_take_commit_on_error (CrmDb *db);

#define MAX_ATTEMPTS 5
#define SESSION_LIFETIME_US (12 * G_TIME_SPAN_HOUR)
/* Slide the expiry at most once per this interval per session. */
#define SESSION_SLIDE_US (G_TIME_SPAN_HOUR)

typedef struct _Fast Fast;

struct _CrmDbPool {
  char        *conninfo;
  GAsyncQueue *queue;
  GPtrArray   *threads;
  guint        n_workers;
  gint         busy;  /* atomic */
  Fast        *fast;  /* pipelined reads; NULL until the first one */
};

typedef struct {
  CrmRequestContext *ctx;
  GVariant          *request;
} RunData;

static char stop_marker;

static void
run_data_free (RunData *d)
{
  g_clear_pointer (&d->ctx, crm_request_context_free);
  g_clear_pointer (&d->request, g_variant_unref);
  g_free (d);
}

typedef struct {
  CrmDbPool  *pool;
  CrmDb      *db;
  GHashTable *locales;  /* name → locale_t */
  guint       mutations;
} Worker;

/* ---- Locales ---- */

static gboolean
locale_name_is_sane (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 32)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '_' && name[i] != '-' &&
        name[i] != '.' && name[i] != '@')
      return FALSE;
  return TRUE;
}

/* Errors are produced with _() on the worker thread; uselocale() with the
 * request's LC_MESSAGES makes gettext pick the peer's language without
 * touching the process locale.  Needs the locale generated on the system
 * (Debian: `locales` with zh_CN.UTF-8 in /etc/locale.gen); without it the
 * messages stay English. */
static locale_t
worker_locale (Worker *w, const char *requested)
{
  g_autofree char *name = NULL;
  gpointer cached;
  locale_t base, loc = (locale_t) 0;

  if (requested == NULL || !locale_name_is_sane (requested))
    requested = "C";
  if (g_hash_table_lookup_extended (w->locales, requested, NULL, &cached))
    return (locale_t) cached;
  /* Peers choose the name: keep the cache small. */
  if (g_hash_table_size (w->locales) >= 16 && strcmp (requested, "C") != 0)
    return worker_locale (w, "C");

  name = g_strdup (requested);
  g_strdelimit (name, "-", '_');
  base = newlocale (LC_ALL_MASK, "C.UTF-8", (locale_t) 0);
  if (base == (locale_t) 0)
    base = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
  if (strchr (name, '.') == NULL && strcmp (name, "C") != 0)
    {
      g_autofree char *utf8 = g_strconcat (name, ".UTF-8", NULL);
      locale_t dup = duplocale (base);

      loc = newlocale (LC_MESSAGES_MASK, utf8, dup);
      if (loc == (locale_t) 0)
        freelocale (dup);
    }
  if (loc == (locale_t) 0)
    {
      locale_t dup = duplocale (base);

      loc = newlocale (LC_MESSAGES_MASK, name, dup);
      if (loc == (locale_t) 0)
        {
          freelocale (dup);
          if (strcmp (name, "C") != 0)
            g_message ("locale %s is not installed; replying in English", name);
          loc = duplocale (base);
        }
    }
  freelocale (base);
  g_hash_table_insert (w->locales, g_strdup (requested), loc);
  return loc;
}

static void
free_locale (gpointer p)
{
  freelocale ((locale_t) p);
}

/* ---- Connections ---- */

static gboolean
worker_ensure_connection (Worker *w, GError **error)
{
  static const guint backoff_ms[] = { 0, 100, 500, 2000 };
  g_autoptr(GError) local = NULL;

  if (w->db != NULL && PQstatus (crm_db_get_conn (w->db)) == CONNECTION_OK)
    return TRUE;
  g_clear_pointer (&w->db, crm_db_free);
  for (guint i = 0; i < G_N_ELEMENTS (backoff_ms); i++)
    {
      PGconn *conn;

      g_clear_error (&local);
      if (backoff_ms[i] > 0)
        g_usleep (backoff_ms[i] * 1000);
      conn = crm_db_connect (w->pool->conninfo, &local);
      if (conn != NULL)
        {
          /* A runaway statement must not hold a worker forever. */
          PQclear (PQexec (conn, "SET statement_timeout = '60s'"));
          w->db = crm_db_new_for_conn (conn);
          return TRUE;
        }
    }
  g_message ("database unreachable: %s", local->message);
  g_set_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE,
               _("The database is not available; please try again later"));
  return FALSE;
}

/* ---- Idempotency ---- */

static char *
hex_encode (GVariant *v)
{
  gsize n = g_variant_get_size (v);
  const guchar *data = g_variant_get_data (v);
  GString *s = g_string_sized_new (2 + 2 * n);

  g_string_append (s, "\\x");
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

static GVariant *
hex_decode (const char *text, const char *type)
{
  gsize len;
  guchar *buf;
  GBytes *bytes;
  GVariant *v;

  if (!g_str_has_prefix (text, "\\x"))
    return NULL;
  text += 2;
  len = strlen (text) / 2;
  buf = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    buf[i] = (guchar) ((g_ascii_xdigit_value (text[2 * i]) << 4) |
                       g_ascii_xdigit_value (text[2 * i + 1]));
  bytes = g_bytes_new_take (buf, len);
  v = g_variant_new_from_bytes (G_VARIANT_TYPE (type), bytes, FALSE);
  g_bytes_unref (bytes);
  if (!g_variant_is_normal_form (v))
    {
      g_variant_unref (g_variant_ref_sink (v));
      return NULL;
    }
  return g_variant_ref_sink (v);
}

/* Claims (user, key) for this request, or finds the reply of an earlier one.
 * The INSERT takes a row lock held until COMMIT, so a concurrent retry with
 * the same key waits for the first and then sees its reply. */
static gboolean
idempotency_claim (CrmDb *db, CrmRequestContext *ctx, GVariant **stored, GError **error)
{
  g_autofree char *uid = crm_db_int64_to_string (ctx->session->user_id);
  g_autofree char *mid = g_strdup_printf ("%u", (guint) ctx->message->id);
  const char *params[] = { uid, ctx->idempotency_key, mid };
  g_autoptr(PGresult) ins = NULL;
  g_autoptr(PGresult) sel = NULL;

  *stored = NULL;
  ins = crm_db_exec (db, "idem_claim",
                     "INSERT INTO idempotency (user_id, key, message) VALUES ($1, $2, $3)"
                     " ON CONFLICT DO NOTHING RETURNING 1", 3, params, error);
  if (ins == NULL)
    return FALSE;
  if (PQntuples (ins) == 1)
    return TRUE;
  sel = crm_db_exec (db, "idem_lookup",
                     "SELECT message, reply FROM idempotency WHERE user_id = $1 AND key = $2",
                     2, params, error);
  if (sel == NULL)
    return FALSE;
  if (PQntuples (sel) != 1 || crm_db_get_int64 (sel, 0, 0) != ctx->message->id ||
      PQgetisnull (sel, 0, 1))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                   _("This request key was already used for a different request"));
      return FALSE;
    }
  *stored = hex_decode (PQgetvalue (sel, 0, 1), ctx->message->reply_type);
  if (*stored == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("Internal server error"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
idempotency_store (CrmDb *db, CrmRequestContext *ctx, GVariant *reply, GError **error)
{
  g_autofree char *uid = crm_db_int64_to_string (ctx->session->user_id);
  g_autofree char *hex = hex_encode (reply);
  const char *params[] = { uid, ctx->idempotency_key, hex };
  g_autoptr(PGresult) res = crm_db_exec (db, "idem_store",
                                         "UPDATE idempotency SET reply = $3::bytea"
                                         " WHERE user_id = $1 AND key = $2",
                                         3, params, error);

  return res != NULL;
}

/* ---- Sessions: sliding expiry ---- */

static gboolean
session_touch (CrmDb *db, CrmRequestContext *ctx, GError **error)
{
  CrmSession *s = ctx->session;
  gint64 now = g_get_real_time ();
  g_autoptr(PGresult) res = NULL;
  const char *params[] = { s->token_hash };

  if (s->expires_us <= now)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED,
                   _("Your session has expired; please sign in again"));
      return FALSE;
    }
  if (s->expires_us - now > SESSION_LIFETIME_US - SESSION_SLIDE_US)
    return TRUE;
  res = crm_db_exec (db, "session_slide",
                     "UPDATE sessions SET last_seen = now (), expires = now () + interval '12 hours'"
                     " WHERE token_hash = $1 AND NOT revoked AND expires > now ()"
                     " RETURNING extract (epoch FROM expires)", 1, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED,
                   _("Your session has expired; please sign in again"));
      return FALSE;
    }
  if (ctx->new_session == NULL)
    ctx->new_session = crm_session_new (s->token_hash, s->user_id, s->department_id,
                                        s->login, s->display_name,
                                        g_strdupv (s->permissions),
                                        crm_db_get_epoch_us (res, 0, 0),
                                        s->must_change_password);
  return TRUE;
}

/* ---- One request ---- */

/* Reads made of independent statements skip BEGIN/COMMIT: two round trips
 * less per request.  Everything that writes runs in one transaction. */
static gboolean
runs_without_transaction (CrmMessageId id)
{
  switch (id)
    {
    case CRM_MSG_CUSTOMER_GET:
    case CRM_MSG_CUSTOMER_LIST:
    case CRM_MSG_CUSTOMER_COUNT:
    case CRM_MSG_CUSTOMER_EXPORT:
    case CRM_MSG_USER_LIST:
    case CRM_MSG_ROLE_LIST:
    case CRM_MSG_DEPARTMENT_LIST:
    case CRM_MSG_HEALTH:
    case CRM_MSG_PERMISSION_CATALOGUE:
    case CRM_MSG_AUTH_WHOAMI:
      return TRUE;
    default:
      return FALSE;
    }
}


/* `state_out` receives the SQLSTATE of the failure (before any ROLLBACK
 * clears it), "" when none. */
static GVariant *
run_once (Worker *w, CrmRequestContext *ctx, GVariant *request, CrmHandlerFunc handler,
          char state_out[6], GError **error)
{
  CrmDb *db = w->db;
  gboolean mutates = (ctx->message->flags & CRM_MSG_FLAG_MUTATES) != 0;
  gboolean in_transaction;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local = NULL;

  g_clear_pointer (&ctx->new_session, crm_session_unref);
  ctx->signed_out = FALSE;
  crm_db_take_commit_on_error (db);
  crm_db_memo_end (db);

  in_transaction = !runs_without_transaction (ctx->message->id);
  state_out[0] = '\0';
  if (in_transaction && !crm_db_command (db, "BEGIN", error))
    {
      g_strlcpy (state_out, crm_db_last_sqlstate (db), 6);
      return NULL;
    }
  if (ctx->session != NULL && !session_touch (db, ctx, &local))
    goto failed;
  if (mutates && ctx->session != NULL && ctx->idempotency_key != NULL)
    {
      GVariant *stored = NULL;

      if (!idempotency_claim (db, ctx, &stored, &local))
        goto failed;
      if (stored != NULL)
        {
          crm_db_command (db, "ROLLBACK", NULL);
          return stored;
        }
    }
  reply = handler (db, ctx, request, &local);
  if (reply == NULL)
    {
      if (local == NULL)
        local = g_error_new (CRM_ERROR, CRM_ERROR_INTERNAL, _("Internal server error"));
      goto failed;
    }
  g_variant_ref_sink (reply);
  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE (ctx->message->reply_type)))
    {
      g_critical ("handler for %s returned %s instead of %s", ctx->message->name,
                  g_variant_get_type_string (reply), ctx->message->reply_type);
      local = g_error_new (CRM_ERROR, CRM_ERROR_INTERNAL, _("Internal server error"));
      goto failed;
    }
  if (mutates && ctx->session != NULL && ctx->idempotency_key != NULL &&
      !idempotency_store (db, ctx, reply, &local))
    goto failed;
  if (in_transaction && !crm_db_command (db, "COMMIT", error))
    {
      g_strlcpy (state_out, crm_db_last_sqlstate (db), 6);
      return NULL;
    }
  return g_steal_pointer (&reply);

failed:
  g_strlcpy (state_out, crm_db_last_sqlstate (db), 6);
  if (in_transaction && crm_db_take_commit_on_error (db))
    {
      g_autoptr(GError) commit_error = NULL;
      if (!crm_db_command (db, "COMMIT", &commit_error))
        {
          g_strlcpy (state_out, crm_db_last_sqlstate (db), 6);
          g_propagate_error (error, g_steal_pointer (&commit_error));
          return NULL;
        }
    }
  else if (in_transaction)
    {
      crm_db_command (db, "ROLLBACK", NULL);
      /* A sliding extension made in this transaction was undone too. */
      g_clear_pointer (&ctx->new_session, crm_session_unref);
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

static gboolean
password_change_allows (CrmMessageId id)
{
  return id == CRM_MSG_AUTH_CHANGE_PASSWORD || id == CRM_MSG_AUTH_LOGOUT ||
         id == CRM_MSG_AUTH_WHOAMI || id == CRM_MSG_HEALTH ||
         id == CRM_MSG_AUTH_LOGIN || id == CRM_MSG_AUTH_RESUME;
}

static GVariant *
worker_run (Worker *w, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  CrmHandlerFunc handler = crm_handlers_lookup (ctx->message->id);
  g_autoptr(GError) local = NULL;

  if (handler == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_UNKNOWN_MESSAGE,
                   _("The server does not handle this message"));
      return NULL;
    }
  if (ctx->session == NULL && (ctx->message->flags & CRM_MSG_FLAG_PREAUTH) == 0)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN, _("Please sign in first"));
      return NULL;
    }
  if (ctx->message->permission != NULL &&
      !crm_session_has_permission (ctx->session, ctx->message->permission))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED,
                   _("You do not have permission to do this"));
      return NULL;
    }
  if (ctx->session != NULL && ctx->session->must_change_password &&
      !password_change_allows (ctx->message->id))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_PASSWORD_CHANGE_REQUIRED,
                   _("Please change your password first"));
      return NULL;
    }

  for (guint attempt = 1; attempt <= MAX_ATTEMPTS; attempt++)
    {
      GVariant *reply;
      char state[6];

      g_clear_error (&local);
      if (!worker_ensure_connection (w, error))
        return NULL;
      reply = run_once (w, ctx, request, handler, state, &local);
      if (reply != NULL)
        return reply;
      if (strcmp (state, "40001") == 0 || strcmp (state, "40P01") == 0)
        {
          g_debug ("%s: retrying after %s (attempt %u)", ctx->message->name, state, attempt);
          crm_db_command (w->db, "ROLLBACK", NULL);
          continue;
        }
      if (PQstatus (crm_db_get_conn (w->db)) != CONNECTION_OK ||
          g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))
        {
          /* The connection died (PostgreSQL restarted).  Retrying is safe:
           * an unacknowledged mutation either rolled back or committed its
           * idempotency row, whose stored reply the retry returns. */
          g_clear_pointer (&w->db, crm_db_free);
          if (attempt < 3)
            continue;
        }
      break;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

static void
worker_purge (Worker *w)
{
  if (w->db == NULL)
    return;
  crm_db_command (w->db, "DELETE FROM idempotency WHERE created_at < now () - interval '24 hours'", NULL);
  crm_db_command (w->db, "DELETE FROM sessions WHERE expires < now () - interval '7 days'", NULL);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  for (;;)
    {
      gpointer item = g_async_queue_pop (w->pool->queue);
      GTask *task;
      RunData *d;
      GVariant *reply;
      g_autoptr(GError) error = NULL;
      locale_t saved;
      gboolean mutates;

      if (item == &stop_marker)
        break;
      task = item;
      d = g_task_get_task_data (task);
      mutates = (d->ctx->message->flags & CRM_MSG_FLAG_MUTATES) != 0;
      if (g_task_return_error_if_cancelled (task))
        {
          g_object_unref (task);
          continue;
        }
      g_atomic_int_inc (&w->pool->busy);
      saved = uselocale (worker_locale (w, d->ctx->locale));
      reply = worker_run (w, d->ctx, d->request, &error);
      uselocale (saved);
      g_atomic_int_dec_and_test (&w->pool->busy);
      /* Serialise here, on the worker: the network thread would otherwise
       * pay for it (and for freeing the tree) in crm_frame_encode.
       * (Added by servernet: about a fifth of the network thread's time.) */
      if (reply != NULL)
        g_variant_get_data (reply);
      if (reply != NULL)
        g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      if (mutates && ++w->mutations % 1000 == 0)
        worker_purge (w);
    }
  g_clear_pointer (&w->db, crm_db_free);
  g_hash_table_unref (w->locales);
  g_free (w);
  return NULL;
}

/* ---- Pipelined reads on the submitter's main context ---- */

/* Enough to keep PostgreSQL busy; beyond it requests go to the workers. */
#define FAST_MAX_PENDING 256
#define FAST_MAX_SCOPES 4096
#define SCOPE_STATEMENT "scope_owners_tagged"
#define SCOPE_SQL "SELECT crm_scope_owners ($1, $2), (SELECT n FROM scope_generation)"

static const CrmDbPipelinedRead *const pipelined_reads[] = {
  &crm_customer_get_pipelined,
};

typedef struct {
  GTask                    *task;  /* a read; NULL for a scope look-up */
  const CrmDbPipelinedRead *read;
  char                     *scope_key;
  PGresult                 *result; /* the statement's result */
} FastItem;

typedef struct {
  char *owners;     /* NULL = every owner */
  char *generation;
} FastScope;

struct _Fast {
  gatomicrefcount ref;
  CrmDbPool    *pool;      /* NULL once the pool is freed */
  char         *conninfo;
  GMainContext *context;
  PGconn       *conn;      /* pipeline mode, non-blocking; NULL while connecting */
  GSource      *source;
  gpointer      fd_tag;
  gboolean      want_write;  /* the socket is watched for G_IO_OUT too */
  gboolean      unsynced;    /* statements sent since the last sync point */
  const char   *failure;     /* set in prepare, handled in dispatch */
  guint         syncs;       /* sync points sent, their results not yet read */
  gboolean      connecting;
  GSource      *retry;
  guint         retry_ms;
  GQueue        items;     /* FastItem, in the order sent */
  GHashTable   *scopes;    /* "user permission" → FastScope */
  GHashTable   *fetching;  /* "user permission" being looked up */
};

static void fast_break (Fast *f, const char *why);
static void fast_connect (Fast *f);

static Fast *
fast_ref (Fast *f)
{
  g_atomic_ref_count_inc (&f->ref);
  return f;
}

static void
fast_unref (Fast *f)
{
  if (!g_atomic_ref_count_dec (&f->ref))
    return;
  g_hash_table_unref (f->scopes);
  g_hash_table_unref (f->fetching);
  g_main_context_unref (f->context);
  g_free (f->conninfo);
  g_free (f);
}

static void
fast_scope_free (FastScope *scope)
{
  g_free (scope->owners);
  g_free (scope->generation);
  g_free (scope);
}

static void
fast_item_free (FastItem *item)
{
  g_clear_pointer (&item->result, PQclear);
  g_free (item->scope_key);
  g_free (item);
}

static const CrmDbPipelinedRead *
pipelined_read_lookup (CrmMessageId id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pipelined_reads); i++)
    if (pipelined_reads[i]->message == id)
      return pipelined_reads[i];
  return NULL;
}

/* Hands a read to the workers, which run its handler as usual. */
static void
fast_fallback (CrmDbPool *pool, GTask *task)
{
  g_async_queue_push (pool->queue, task);
}

static void
fast_flush (Fast *f)
{
  int pending = PQflush (f->conn);

  if (pending < 0)
    {
      fast_break (f, PQerrorMessage (f->conn));
      return;
    }
  /* Changing the watched conditions wakes the context up: only when they
   * change. */
  if (f->want_write != (pending != 0))
    {
      f->want_write = pending != 0;
      g_source_modify_unix_fd (f->source, f->fd_tag, pending ? G_IO_IN | G_IO_OUT : G_IO_IN);
    }
}

/* The statements sent during one main-loop iteration (the requests read
 * from every connection that had some) leave together, with one sync point
 * after them, from the prepare step of the next iteration, just before it
 * polls: one write here, one read and one reply write for PostgreSQL.  A
 * failing statement aborts the others of its batch; they go to the workers
 * like any miss. */
static gboolean
fast_send (Fast *f, FastItem *item, const char *statement, int n_params, const char * const *params)
{
  if (!PQsendQueryPrepared (f->conn, statement, n_params, params, NULL, NULL, 0))
    return FALSE;
  g_queue_push_tail (&f->items, item);
  f->unsynced = TRUE;
  return TRUE;
}

static void
fast_fetch_scope (Fast *f, const char *key, gint64 user_id, const char *permission)
{
  g_autofree char *uid = crm_db_int64_to_string (user_id);
  const char *params[] = { uid, permission };
  FastItem *item;

  if (g_hash_table_contains (f->fetching, key))
    return;
  item = g_new0 (FastItem, 1);
  item->scope_key = g_strdup (key);
  if (!fast_send (f, item, SCOPE_STATEMENT, 2, params))
    {
      fast_item_free (item);
      fast_break (f, PQerrorMessage (f->conn));
      return;
    }
  g_hash_table_add (f->fetching, g_strdup (key));
}

static void
fast_complete (Fast *f, FastItem *item)
{
  PGresult *res = item->result;
  gboolean one_row = res != NULL && PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1;

  if (item->task == NULL)
    {
      g_hash_table_remove (f->fetching, item->scope_key);
      if (one_row)
        {
          FastScope *scope = g_new0 (FastScope, 1);

          scope->owners = PQgetisnull (res, 0, 0) ? NULL : g_strdup (PQgetvalue (res, 0, 0));
          scope->generation = g_strdup (crm_db_get_string (res, 0, 1));
          if (g_hash_table_size (f->scopes) >= FAST_MAX_SCOPES)
            g_hash_table_remove_all (f->scopes);
          g_hash_table_replace (f->scopes, g_strdup (item->scope_key), scope);
        }
    }
  else if (one_row)
    {
      GVariant *reply = g_variant_ref_sink (item->read->row_to_reply (res, 0, 0));

      g_task_return_pointer (item->task, reply, (GDestroyNotify) g_variant_unref);
      g_object_unref (item->task);
    }
  else
    {
      /* No row: missing, out of scope or a scope that changed (the
       * handler tells which).  An error: the worker retries or reports
       * it in the user's language. */
      if (res != NULL && PQresultStatus (res) == PGRES_TUPLES_OK)
        g_hash_table_remove (f->scopes, item->scope_key);
      fast_fallback (f->pool, item->task);
    }
  item->task = NULL;
  fast_item_free (item);
}

static void
fast_read (Fast *f)
{
  guint nulls = 0;

  if (!PQconsumeInput (f->conn))
    {
      fast_break (f, PQerrorMessage (f->conn));
      return;
    }
  /* Per statement its result (or PIPELINE_ABORTED) then NULL; per batch
   * the sync point's result. */
  while ((!g_queue_is_empty (&f->items) || f->syncs > 0) && !PQisBusy (f->conn))
    {
      FastItem *item = g_queue_peek_head (&f->items);
      PGresult *res = PQgetResult (f->conn);

      if (res == NULL)
        {
          if (item != NULL && item->result != NULL)
            {
              nulls = 0;
              g_queue_pop_head (&f->items);
              fast_complete (f, item);
            }
          else if (++nulls > 1)
            break;
          continue;
        }
      nulls = 0;
      if (PQresultStatus (res) == PGRES_PIPELINE_SYNC)
        {
          PQclear (res);
          if (f->syncs > 0)
            f->syncs--;
        }
      else if (item != NULL && item->result == NULL)
        item->result = res;
      else
        PQclear (res);
    }
  if (PQstatus (f->conn) != CONNECTION_OK)
    fast_break (f, PQerrorMessage (f->conn));
}

static gboolean
fast_io_cb (gpointer data)
{
  Fast *f = data;
  GIOCondition condition = g_source_query_unix_fd (f->source, f->fd_tag);

  if (f->failure != NULL)
    {
      fast_break (f, f->failure);
      return G_SOURCE_REMOVE;
    }
  if (condition & G_IO_OUT)
    fast_flush (f);
  if (f->conn != NULL && (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
    fast_read (f);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  GSource source;
  Fast   *f;
} FastSource;

/* Runs before the context polls: the batch gets its sync point and leaves.
 * A failure is only noted here (the source cannot be destroyed from its
 * own prepare) and handled by dispatch. */
static gboolean
fast_prepare (GSource *source, gint *timeout)
{
  Fast *f = ((FastSource *) source)->f;
  int pending;

  *timeout = -1;
  if (!f->unsynced || f->conn == NULL || f->failure != NULL)
    return f->failure != NULL;
  f->unsynced = FALSE;
  if (!PQpipelineSync (f->conn) || (pending = PQflush (f->conn)) < 0)
    {
      f->failure = PQerrorMessage (f->conn);
      return TRUE;
    }
  f->syncs++;
  if (f->want_write != (pending != 0))
    {
      f->want_write = pending != 0;
      g_source_modify_unix_fd (source, f->fd_tag, pending ? G_IO_IN | G_IO_OUT : G_IO_IN);
    }
  return FALSE;
}

static gboolean
fast_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

static GSourceFuncs fast_source_funcs = { .prepare = fast_prepare, .dispatch = fast_dispatch };

static gboolean
fast_retry_cb (gpointer data)
{
  Fast *f = data;

  g_clear_pointer (&f->retry, g_source_unref);
  fast_connect (f);
  return G_SOURCE_REMOVE;
}

/* The connection failed (PostgreSQL restarted, …): what was in flight goes
 * to the workers, which reconnect and retry; a new connection is tried a
 * little later. */
static void
fast_break (Fast *f, const char *why)
{
  g_autofree char *reason = g_strdup (why != NULL ? why : "?");
  FastItem *item;

  if (f->conn == NULL)
    return;
  g_strdelimit (g_strstrip (reason), "\n\t", ' ');
  g_message ("pipelined reads: connection lost (%s); using the workers meanwhile", reason);
  g_source_destroy (f->source);
  g_clear_pointer (&f->source, g_source_unref);
  f->syncs = 0;
  f->unsynced = FALSE;
  f->want_write = FALSE;
  f->failure = NULL;
  g_clear_pointer (&f->conn, PQfinish);
  while ((item = g_queue_pop_head (&f->items)) != NULL)
    {
      if (item->task != NULL)
        fast_fallback (f->pool, g_steal_pointer (&item->task));
      fast_item_free (item);
    }
  g_hash_table_remove_all (f->scopes);
  g_hash_table_remove_all (f->fetching);
  f->retry_ms = CLAMP (f->retry_ms * 2, 250, 5000);
  f->retry = g_timeout_source_new (f->retry_ms);
  g_source_set_callback (f->retry, fast_retry_cb, f, NULL);
  g_source_attach (f->retry, f->context);
}

static void
fast_connect_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Fast *f = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = crm_db_connect (f->conninfo, &error);

  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  PQclear (PQexec (conn, "SET statement_timeout = '60s'"));
  for (gsize i = 0; i <= G_N_ELEMENTS (pipelined_reads); i++)
    {
      const char *name = i < G_N_ELEMENTS (pipelined_reads) ? pipelined_reads[i]->statement : SCOPE_STATEMENT;
      const char *sql = i < G_N_ELEMENTS (pipelined_reads) ? pipelined_reads[i]->sql : SCOPE_SQL;
      g_autoptr(PGresult) res = PQprepare (conn, name, sql, 0, NULL);

      if (PQresultStatus (res) != PGRES_COMMAND_OK)
        {
          g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_INTERNAL, "prepare %s: %s",
                                   name, PQresultErrorMessage (res));
          return;
        }
    }
  if (PQsetnonblocking (conn, 1) != 0 || !PQenterPipelineMode (conn))
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_INTERNAL, "pipeline mode: %s",
                               PQerrorMessage (conn));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&conn), (GDestroyNotify) PQfinish);
}

static void
fast_connected_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Fast *f = data;
  g_autoptr(GError) error = NULL;
  PGconn *conn = g_task_propagate_pointer (G_TASK (result), &error);

  f->connecting = FALSE;
  if (f->pool == NULL)
    g_clear_pointer (&conn, PQfinish);
  else if (conn == NULL)
    {
      g_debug ("pipelined reads: %s", error->message);
      f->retry_ms = CLAMP (f->retry_ms * 2, 250, 5000);
      f->retry = g_timeout_source_new (f->retry_ms);
      g_source_set_callback (f->retry, fast_retry_cb, f, NULL);
      g_source_attach (f->retry, f->context);
    }
  else
    {
      f->conn = conn;
      f->retry_ms = 0;
      f->source = g_source_new (&fast_source_funcs, sizeof (FastSource));
      ((FastSource *) f->source)->f = f;
      g_source_set_name (f->source, "crm pipelined reads");
      f->fd_tag = g_source_add_unix_fd (f->source, PQsocket (conn), G_IO_IN);
      g_source_set_callback (f->source, fast_io_cb, f, NULL);
      /* GLib blocks a source around its dispatch unless it may recurse,
       * and blocking and unblocking each signal the context's wake-up
       * (an eventfd write, then an extra poll round): two system calls
       * per round for nothing, since nothing in fast_io_cb iterates this
       * context. */
      g_source_set_can_recurse (f->source, TRUE);
      g_source_attach (f->source, f->context);
    }
  fast_unref (f);
}

static void
fast_connect (Fast *f)
{
  g_autoptr(GTask) task = NULL;

  if (f->connecting || f->conn != NULL || f->pool == NULL)
    return;
  f->connecting = TRUE;
  g_main_context_push_thread_default (f->context);
  task = g_task_new (NULL, NULL, fast_connected_cb, fast_ref (f));
  g_main_context_pop_thread_default (f->context);
  g_task_set_task_data (task, fast_ref (f), (GDestroyNotify) fast_unref);
  g_task_run_in_thread (task, fast_connect_thread);
}

static Fast *
fast_new (CrmDbPool *pool, GMainContext *context)
{
  Fast *f = g_new0 (Fast, 1);

  g_atomic_ref_count_init (&f->ref);
  f->pool = pool;
  f->conninfo = g_strdup (pool->conninfo);
  f->context = g_main_context_ref (context);
  g_queue_init (&f->items);
  f->scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) fast_scope_free);
  f->fetching = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fast_connect (f);
  return f;
}

/* Called by crm_db_pool_free, on the pipeline's context, after the
 * network side drained: whatever is left goes to the workers, which are
 * stopped next and answer it first. */
static void
fast_free (Fast *f)
{
  FastItem *item;

  while ((item = g_queue_pop_head (&f->items)) != NULL)
    {
      if (item->task != NULL)
        fast_fallback (f->pool, g_steal_pointer (&item->task));
      fast_item_free (item);
    }
  if (f->source != NULL)
    {
      g_source_destroy (f->source);
      g_clear_pointer (&f->source, g_source_unref);
    }
  if (f->retry != NULL)
    {
      g_source_destroy (f->retry);
      g_clear_pointer (&f->retry, g_source_unref);
    }
  g_clear_pointer (&f->conn, PQfinish);
  f->pool = NULL;
  fast_unref (f);
}

/* The reasons a read cannot be answered from the statement alone are the
 * worker's: a session to slide or expired, a password to change. */
static gboolean
fast_session_allows (const CrmRequestContext *ctx)
{
  const CrmSession *s = ctx->session;
  gint64 now;

  if (s == NULL || s->must_change_password)
    return FALSE;
  if (ctx->message->permission != NULL && !crm_session_has_permission (s, ctx->message->permission))
    return FALSE;
  now = g_get_real_time ();
  return s->expires_us > now && s->expires_us - now > SESSION_LIFETIME_US - SESSION_SLIDE_US;
}

static gboolean
fast_try (CrmDbPool *pool, GTask *task, RunData *d)
{
  const CrmDbPipelinedRead *read = pipelined_read_lookup (d->ctx->message->id);
  GMainContext *context;
  Fast *f;
  char key[96];
  FastScope *scope;
  gint64 id;
  char sid[24];
  FastItem *item;

  if (read == NULL || !fast_session_allows (d->ctx) ||
      !g_variant_is_of_type (d->request, G_VARIANT_TYPE ("(x)")))
    return FALSE;
  context = g_main_context_get_thread_default ();
  if (context == NULL)
    context = g_main_context_default ();
  if (pool->fast == NULL)
    {
      if (g_getenv ("CRM_DB_NO_PIPELINE") != NULL)
        return FALSE;
      pool->fast = fast_new (pool, context);
    }
  f = pool->fast;
  if (f->context != context || f->conn == NULL || g_queue_get_length (&f->items) >= FAST_MAX_PENDING)
    return FALSE;

  g_snprintf (key, sizeof key, "%" G_GINT64_FORMAT " %s", d->ctx->session->user_id, read->scope_permission);
  scope = g_hash_table_lookup (f->scopes, key);
  if (scope == NULL)
    {
      fast_fetch_scope (f, key, d->ctx->session->user_id, read->scope_permission);
      return FALSE;
    }

  g_variant_get (d->request, "(x)", &id);
  g_snprintf (sid, sizeof sid, "%" G_GINT64_FORMAT, id);
  {
    const char *params[] = { sid, scope->owners, scope->generation };

    item = g_new0 (FastItem, 1);
    item->read = read;
    item->scope_key = g_strdup (key);
    item->task = task;
    if (!fast_send (f, item, read->statement, 3, params))
      {
        item->task = NULL;
        fast_item_free (item);
        fast_break (f, PQerrorMessage (f->conn));
        return FALSE;
      }
  }
  return TRUE;
}

CrmDbPool *
crm_db_pool_new (const char *conninfo, guint n_connections, GError **error)
{
  CrmDbPool *pool;
  g_autoptr(PGconn) probe = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (n_connections > 0, NULL);

  /* Fail early and clearly if the database is unreachable at start. */
  probe = crm_db_connect (conninfo, error);
  if (probe == NULL)
    return NULL;

  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  pool = g_new0 (CrmDbPool, 1);
  pool->conninfo = g_strdup (conninfo);
  pool->queue = g_async_queue_new ();
  pool->threads = g_ptr_array_new ();
  pool->n_workers = n_connections;
  for (guint i = 0; i < n_connections; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      g_autofree char *name = g_strdup_printf ("crm-db-%u", i);

      w->pool = pool;
      w->locales = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_locale);
      if (i == 0)
        {
          PQclear (PQexec (probe, "SET statement_timeout = '60s'"));
          w->db = crm_db_new_for_conn (g_steal_pointer (&probe));
          /* Old idempotency keys and sessions go at start, then every
           * 1000 writes of each worker. */
          worker_purge (w);
        }
      g_ptr_array_add (pool->threads, g_thread_new (name, worker_thread, w));
    }
  return pool;
}

void
crm_db_pool_free (CrmDbPool *pool)
{
  if (pool == NULL)
    return;
  g_clear_pointer (&pool->fast, fast_free);
  for (guint i = 0; i < pool->threads->len; i++)
    g_async_queue_push (pool->queue, &stop_marker);
  for (guint i = 0; i < pool->threads->len; i++)
    g_thread_join (g_ptr_array_index (pool->threads, i));
  g_ptr_array_unref (pool->threads);
  g_async_queue_unref (pool->queue);
  g_free (pool->conninfo);
  g_free (pool);
}

void
crm_db_pool_run_async (CrmDbPool           *pool,
                       CrmRequestContext   *ctx,
                       GVariant            *request,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  RunData *d = g_new0 (RunData, 1);

  g_task_set_source_tag (task, crm_db_pool_run_async);
  d->ctx = ctx;
  d->request = g_variant_ref_sink (request);
  g_task_set_task_data (task, d, (GDestroyNotify) run_data_free);
  if (cancellable == NULL && fast_try (pool, task, d))
    return;
  g_async_queue_push (pool->queue, task);
}

GVariant *
crm_db_pool_run_finish (CrmDbPool           *pool,
                        GAsyncResult        *result,
                        CrmRequestContext  **ctx_out,
                        GError             **error)
{
  RunData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  d = g_task_get_task_data (G_TASK (result));
  if (ctx_out != NULL)
    *ctx_out = g_steal_pointer (&d->ctx);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
crm_db_pool_get_stats (CrmDbPool *pool, guint *busy, guint *idle, guint *queued)
{
  gint b = g_atomic_int_get (&pool->busy);
  gint q = g_async_queue_length (pool->queue);

  if (busy)
    *busy = (guint) b;
  if (idle)
    *idle = pool->n_workers > (guint) b ? pool->n_workers - (guint) b : 0;
  if (queued)
    *queued = q > 0 ? (guint) q : 0;
}
