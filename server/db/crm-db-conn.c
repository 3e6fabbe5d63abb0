/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-db"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <stdlib.h>

#include "crm-db-private.h"

G_DEFINE_QUARK (crm-db-error-quark, crm_db_error)

typedef struct {
  char *owners;       /* NULL = everyone */
  char *generation;
} ScopeEntry;

static void
scope_entry_free (ScopeEntry *e)
{
  g_free (e->owners);
  g_free (e->generation);
  g_free (e);
}

struct _CrmDb {
  PGconn     *conn;
  GHashTable *prepared;   /* statement name → SQL it was prepared with */
  GHashTable *scopes;     /* "user permission" → ScopeEntry */
  char        sqlstate[6];
  gboolean    commit_on_error;
  GStrv       memo_names; /* statements answered from `memo` (crm_db_memo_begin) */
  GHashTable *memo;       /* "name\x1eparams…" → PGresult */
};

CrmDb *
crm_db_new_for_conn (PGconn *conn)
{
  CrmDb *db = g_new0 (CrmDb, 1);

  db->conn = conn;
  db->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  db->scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) scope_entry_free);
  return db;
}

void
crm_db_free (CrmDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->conn, PQfinish);
  g_hash_table_unref (db->prepared);
  g_hash_table_unref (db->scopes);
  crm_db_memo_end (db);
  g_free (db);
}

PGconn *
crm_db_get_conn (CrmDb *db)
{
  return db->conn;
}

/* Internal to the pool: forget prepared statements after a reconnect and
 * reset per-transaction flags. */
void crm_db_reset_prepared (CrmDb *db);
gboolean crm_db_take_commit_on_error (CrmDb *db);

void
crm_db_reset_prepared (CrmDb *db)
{
  g_hash_table_remove_all (db->prepared);
}

void
crm_db_commit_on_error (CrmDb *db)
{
  db->commit_on_error = TRUE;
}

gboolean
crm_db_take_commit_on_error (CrmDb *db)
{
  gboolean v = db->commit_on_error;

  db->commit_on_error = FALSE;
  return v;
}

const char *
crm_db_last_sqlstate (CrmDb *db)
{
  return db->sqlstate;
}

GError *
crm_db_error_from_result (PGconn *conn, const PGresult *res)
{
  const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = res ? PQresultErrorMessage (res) : PQerrorMessage (conn);

  if (state == NULL && (conn == NULL || PQstatus (conn) != CONNECTION_OK))
    state = "08006";
  if (state == NULL)
    state = "XX000";

  if (strcmp (state, "23505") == 0)
    {
      g_debug ("duplicate: %s", msg);
      return g_error_new (CRM_ERROR, CRM_ERROR_DUPLICATE,
                          _("This value is already used by another record"));
    }
  if (strcmp (state, "40001") == 0 || strcmp (state, "40P01") == 0 ||
      strcmp (state, "57014") == 0 /* statement_timeout */)
    return g_error_new (CRM_ERROR, CRM_ERROR_UNAVAILABLE,
                        _("The database is busy; please try again"));
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))
    {
      g_message ("database unavailable (%s): %s", state, msg);
      return g_error_new (CRM_ERROR, CRM_ERROR_UNAVAILABLE,
                          _("The database is not available; please try again later"));
    }
  if (g_str_has_prefix (state, "22") || g_str_has_prefix (state, "23"))
    {
      g_message ("data rejected by the database (%s): %s", state, msg);
      return g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                          _("The database rejected a value"));
    }
  g_warning ("database error %s: %s", state, msg);
  return g_error_new (CRM_ERROR, CRM_ERROR_INTERNAL, _("Internal server error"));
}

static PGresult *
check_result (CrmDb *db, PGresult *res, GError **error)
{
  ExecStatusType st = res ? PQresultStatus (res) : PGRES_FATAL_ERROR;

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN)
    {
      db->sqlstate[0] = '\0';
      return res;
    }
  {
    const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
    if (state == NULL && PQstatus (db->conn) != CONNECTION_OK)
      state = "08006";
    g_strlcpy (db->sqlstate, state ? state : "XX000", sizeof db->sqlstate);
  }
  g_propagate_error (error, crm_db_error_from_result (db->conn, res));
  PQclear (res);
  return NULL;
}

void
crm_db_memo_begin (CrmDb *db, const char * const *names)
{
  crm_db_memo_end (db);
  db->memo_names = g_strdupv ((char **) names);
  db->memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) PQclear);
}

void
crm_db_memo_end (CrmDb *db)
{
  g_clear_pointer (&db->memo_names, g_strfreev);
  g_clear_pointer (&db->memo, g_hash_table_unref);
}

static char *
memo_key (const char *name, int n_params, const char * const *params)
{
  GString *key = g_string_new (name);

  /* Each parameter as "\x1e<length>:<text>", SQL NULL as "\x1e\x1f":
   * unambiguous whatever the texts hold. */
  for (int i = 0; i < n_params; i++)
    {
      if (params[i] == NULL)
        g_string_append (key, "\x1e\x1f");
      else
        g_string_append_printf (key, "\x1e%zu:%s", strlen (params[i]), params[i]);
    }
  return g_string_free (key, FALSE);
}

static PGresult *crm_db_exec_real (CrmDb *, const char *, const char *, int,
                                   const char * const *, GError **);

PGresult *
crm_db_exec (CrmDb              *db,
             const char         *name,
             const char         *sql,
             int                 n_params,
             const char * const *params,
             GError            **error)
{
  g_autofree char *key = NULL;
  PGresult *cached, *res;

  if (db->memo == NULL || !g_strv_contains ((const char * const *) db->memo_names, name))
    return crm_db_exec_real (db, name, sql, n_params, params, error);
  key = memo_key (name, n_params, params);
  cached = g_hash_table_lookup (db->memo, key);
  if (cached != NULL)
    {
      res = PQcopyResult (cached, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
      if (res != NULL)
        return res;
    }
  res = crm_db_exec_real (db, name, sql, n_params, params, error);
  if (res != NULL && PQresultStatus (res) == PGRES_TUPLES_OK)
    {
      PGresult *copy = PQcopyResult (res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);

      if (copy != NULL)
        g_hash_table_replace (db->memo, g_steal_pointer (&key), copy);
    }
  return res;
}

static PGresult *
crm_db_exec_real (CrmDb              *db,
                  const char         *name,
                  const char         *sql,
                  int                 n_params,
                  const char * const *params,
                  GError            **error)
{
  if (!g_hash_table_contains (db->prepared, name))
    {
      PGresult *prep = PQprepare (db->conn, name, sql, n_params, NULL);

      prep = check_result (db, prep, error);
      if (prep == NULL)
        return NULL;
      PQclear (prep);
      g_hash_table_add (db->prepared, g_strdup (name));
    }
  return check_result (db, PQexecPrepared (db->conn, name, n_params, params,
                                           NULL, NULL, 0), error);
}

PGresult *
crm_db_exec_once (CrmDb              *db,
                  const char         *sql,
                  int                 n_params,
                  const char * const *params,
                  GError            **error)
{
  return check_result (db, PQexecParams (db->conn, sql, n_params, NULL, params,
                                         NULL, NULL, 0), error);
}

PGresult *
crm_db_exec_composed (CrmDb              *db,
                      const char         *sql,
                      int                 n_params,
                      const char * const *params,
                      GError            **error)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, sql, -1);
  g_autofree char *name = g_strdup_printf ("q_%.40s", digest);

  return crm_db_exec (db, name, sql, n_params, params, error);
}

gboolean
crm_db_command (CrmDb *db, const char *sql, GError **error)
{
  g_autoptr(PGresult) res = check_result (db, PQexec (db->conn, sql), error);

  return res != NULL;
}

char *
crm_db_int64_to_string (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

gint64
crm_db_get_int64 (const PGresult *res, int row, int col)
{
  if (PQgetisnull (res, row, col))
    return 0;
  return g_ascii_strtoll (PQgetvalue (res, row, col), NULL, 10);
}

const char *
crm_db_get_string (const PGresult *res, int row, int col)
{
  return PQgetisnull (res, row, col) ? "" : PQgetvalue (res, row, col);
}

gboolean
crm_db_get_bool (const PGresult *res, int row, int col)
{
  return !PQgetisnull (res, row, col) && PQgetvalue (res, row, col)[0] == 't';
}

void
crm_db_row_insert (GVariantDict *dict, const PGresult *res, int row,
                   const CrmDbColumn *columns, gsize n_columns)
{
  for (gsize i = 0; i < n_columns; i++)
    switch (columns[i].type)
      {
      case 'x':
        g_variant_dict_insert (dict, columns[i].key, "x", crm_db_get_int64 (res, row, (int) i));
        break;
      case 'b':
        g_variant_dict_insert (dict, columns[i].key, "b", crm_db_get_bool (res, row, (int) i));
        break;
      case 's':
        g_variant_dict_insert (dict, columns[i].key, "s", crm_db_get_string (res, row, (int) i));
        break;
      default:
        g_return_if_reached ();
      }
}

GVariant *
crm_db_rows_to_dicts (const PGresult *res, const CrmDbColumn *columns, gsize n_columns)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int r = 0; r < PQntuples (res); r++)
    {
      g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

      crm_db_row_insert (&d, res, r, columns, n_columns);
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
    }
  return g_variant_builder_end (&b);
}

gint64
crm_db_get_epoch_us (const PGresult *res, int row, int col)
{
  if (PQgetisnull (res, row, col))
    return 0;
  return (gint64) (g_ascii_strtod (PQgetvalue (res, row, col), NULL) * G_USEC_PER_SEC);
}

char *
crm_db_text_array (const char * const *items, gssize n)
{
  GString *s = g_string_new ("{");

  if (items != NULL)
    {
      if (n < 0)
        n = g_strv_length ((GStrv) items);
      for (gssize i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (s, ',');
          g_string_append_c (s, '"');
          for (const char *p = items[i]; *p; p++)
            {
              if (*p == '"' || *p == '\\')
                g_string_append_c (s, '\\');
              g_string_append_c (s, *p);
            }
          g_string_append_c (s, '"');
        }
    }
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

GStrv
crm_db_parse_array (const char *literal)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  const char *p = literal;

  if (p == NULL || *p != '{')
    return g_strv_builder_end (b);
  p++;
  while (*p && *p != '}')
    {
      g_autoptr(GString) item = g_string_new (NULL);

      if (*p == '"')
        {
          p++;
          while (*p && *p != '"')
            {
              if (*p == '\\' && p[1])
                p++;
              g_string_append_c (item, *p++);
            }
          if (*p == '"')
            p++;
        }
      else
        {
          while (*p && *p != ',' && *p != '}')
            g_string_append_c (item, *p++);
        }
      g_strv_builder_add (b, item->str);
      if (*p == ',')
        p++;
    }
  return g_strv_builder_end (b);
}

gboolean
crm_db_scope_owners (CrmDb       *db,
                     gint64       user_id,
                     const char  *permission,
                     char       **owners_literal,
                     GError     **error)
{
  g_autofree char *uid = crm_db_int64_to_string (user_id);
  const char *params[] = { uid, permission };
  g_autoptr(PGresult) res = crm_db_exec (db, "scope_owners",
                                         "SELECT crm_scope_owners ($1, $2)",
                                         2, params, error);

  if (res == NULL)
    return FALSE;
  *owners_literal = PQgetisnull (res, 0, 0) ? NULL : g_strdup (PQgetvalue (res, 0, 0));
  return TRUE;
}

gboolean
crm_db_scope_owners_cached (CrmDb       *db,
                            gint64       user_id,
                            const char  *permission,
                            gboolean     refresh,
                            const char **owners_literal,
                            const char **generation,
                            GError     **error)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT " %s", user_id, permission);
  ScopeEntry *e = refresh ? NULL : g_hash_table_lookup (db->scopes, key);

  if (e == NULL)
    {
      g_autofree char *uid = crm_db_int64_to_string (user_id);
      const char *params[] = { uid, permission };
      g_autoptr(PGresult) res =
        crm_db_exec (db, "scope_owners_tagged",
                     "SELECT crm_scope_owners ($1, $2), (SELECT n FROM scope_generation)",
                     2, params, error);

      if (res == NULL)
        return FALSE;
      if (g_hash_table_size (db->scopes) > 4096)
        g_hash_table_remove_all (db->scopes);
      e = g_new0 (ScopeEntry, 1);
      e->owners = PQgetisnull (res, 0, 0) ? NULL : g_strdup (PQgetvalue (res, 0, 0));
      e->generation = g_strdup (crm_db_get_string (res, 0, 1));
      g_hash_table_replace (db->scopes, g_steal_pointer (&key), e);
    }
  *owners_literal = e->owners;
  *generation = e->generation;
  return TRUE;
}

gboolean
crm_db_audit (CrmDb             *db,
              CrmRequestContext *ctx,
              const char        *action,
              const char        *entity,
              gint64             entity_id,
              const char        *before_json,
              const char        *after_json,
              GError           **error)
{
  g_autofree char *uid = ctx->session ? crm_db_int64_to_string (ctx->session->user_id) : NULL;
  g_autofree char *eid = crm_db_int64_to_string (entity_id);
  g_autofree char *rid = g_strdup_printf ("%u", ctx->request_id);
  const char *params[] = { uid, action, entity, eid, before_json, after_json, rid,
                           ctx->peer_address };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "audit_insert",
                 "INSERT INTO audit_log (user_id, action, entity, entity_id, before, after,"
                 " request_id, peer) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)",
                 8, params, error);

  return res != NULL;
}

gboolean
crm_db_notify_change (CrmDb      *db,
                      const char *entity,
                      gint64      id,
                      gint64      version,
                      const char *action,
                      gint64      owner_id,
                      GError    **error)
{
  g_autofree char *payload = g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                                              " %s %" G_GINT64_FORMAT,
                                              entity, id, version, action, owner_id);
  const char *params[] = { payload };
  g_autoptr(PGresult) res = crm_db_exec (db, "notify_change",
                                         "SELECT pg_notify ('crm_changes', $1)",
                                         1, params, error);

  return res != NULL;
}

static void
notice_cb (void *data, const char *message)
{
  g_debug ("postgres: %s", message);
}

PGconn *
crm_db_connect (const char *conninfo, GError **error)
{
  const char *keys[] = { "dbname", "connect_timeout", "application_name",
                         "client_encoding", NULL };
  const char *values[] = { conninfo, "5", "crm-server", "UTF8", NULL };
  PGconn *conn = PQconnectdbParams (keys, values, TRUE);

  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *detail = g_strdup (conn ? PQerrorMessage (conn) : "out of memory");

      g_strchomp (detail);
      g_set_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE,
                   _("Cannot connect to the database: %s"), detail);
      g_clear_pointer (&conn, PQfinish);
      return NULL;
    }
  PQsetNoticeProcessor (conn, notice_cb, NULL);
  return conn;
}

/* ---- Sessions and request contexts (declared in crm-handler.h) ---- */

static int
compare_strp (const void *a, const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

CrmSession *
crm_session_new (const char *token_hash,
                 gint64      user_id,
                 gint64      department_id,
                 const char *login,
                 const char *display_name,
                 GStrv       permissions,
                 gint64      expires_us,
                 gboolean    must_change_password)
{
  CrmSession *s = g_new0 (CrmSession, 1);
  guint n = permissions ? g_strv_length (permissions) : 0;

  g_atomic_ref_count_init (&s->ref);
  s->token_hash = g_strdup (token_hash);
  s->user_id = user_id;
  s->department_id = department_id;
  s->login = g_strdup (login);
  s->display_name = g_strdup (display_name);
  s->permissions = permissions ? permissions : g_new0 (char *, 1);
  qsort (s->permissions, n, sizeof (char *), compare_strp);
  s->expires_us = expires_us;
  s->must_change_password = must_change_password;
  return s;
}

CrmSession *
crm_session_ref (CrmSession *session)
{
  g_return_val_if_fail (session != NULL, NULL);
  g_atomic_ref_count_inc (&session->ref);
  return session;
}

void
crm_session_unref (CrmSession *session)
{
  if (session == NULL)
    return;
  if (!g_atomic_ref_count_dec (&session->ref))
    return;
  g_free (session->token_hash);
  g_free (session->login);
  g_free (session->display_name);
  g_strfreev (session->permissions);
  g_free (session);
}

gboolean
crm_session_has_permission (const CrmSession *session, const char *permission)
{
  if (session == NULL || permission == NULL)
    return FALSE;
  return bsearch (&permission, session->permissions, g_strv_length (session->permissions),
                  sizeof (char *), compare_strp) != NULL;
}

void
crm_request_context_free (CrmRequestContext *ctx)
{
  if (ctx == NULL)
    return;
  g_clear_pointer (&ctx->session, crm_session_unref);
  g_clear_pointer (&ctx->new_session, crm_session_unref);
  g_free (ctx->locale);
  g_free (ctx->peer_address);
  g_free (ctx->idempotency_key);
  g_free (ctx);
}
