/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-migrations"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "crm-db-private.h"
#include "crm-migrations-resources.h"

#define MIGRATIONS_PATH "/cn/jinke/Crm/migrations"
/* Any constant shared by every server version: serialises migrations of
 * several servers starting on one database. */
#define MIGRATION_LOCK "7151960263"

GResource *
crm_migrations_get_resource (void)
{
  return crm_migrations_res_get_resource ();
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
exec_ok (PGconn *conn, PGresult *res, GError **error)
{
  ExecStatusType st = PQresultStatus (res);

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    {
      PQclear (res);
      return TRUE;
    }
  g_propagate_error (error, crm_db_error_from_result (conn, res));
  PQclear (res);
  return FALSE;
}

static void
rollback (PGconn *conn)
{
  PQclear (PQexec (conn, "ROLLBACK"));
}

gboolean
crm_migrations_apply (const char *conninfo, GError **error)
{
  g_autoptr(PGconn) conn = crm_db_connect (conninfo, error);
  g_auto(GStrv) names = NULL;
  g_autoptr(GHashTable) known = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(PGresult) applied = NULL;
  guint n;

  if (conn == NULL)
    return FALSE;

  names = g_resource_enumerate_children (crm_migrations_get_resource (), MIGRATIONS_PATH,
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (names == NULL)
    return FALSE;
  n = g_strv_length (names);
  qsort (names, n, sizeof (char *), compare_names);
  for (guint i = 0; i < n; i++)
    g_hash_table_add (known, GINT_TO_POINTER (atoi (names[i])));

  if (!exec_ok (conn, PQexec (conn, "SET client_min_messages = warning"), error) ||
      !exec_ok (conn, PQexec (conn, "BEGIN"), error) ||
      !exec_ok (conn, PQexec (conn, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK ")"), error) ||
      !exec_ok (conn, PQexec (conn, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                    " version integer PRIMARY KEY, name text NOT NULL,"
                                    " applied_at timestamptz NOT NULL DEFAULT now())"), error) ||
      !exec_ok (conn, PQexec (conn, "COMMIT"), error))
    {
      rollback (conn);
      return FALSE;
    }

  /* A database migrated by a newer server has versions we don't know:
   * running against it could corrupt data, so refuse. */
  applied = PQexec (conn, "SELECT version, name FROM schema_migrations ORDER BY version");
  if (PQresultStatus (applied) != PGRES_TUPLES_OK)
    {
      g_propagate_error (error, crm_db_error_from_result (conn, applied));
      return FALSE;
    }
  for (int r = 0; r < PQntuples (applied); r++)
    {
      int v = atoi (PQgetvalue (applied, r, 0));
      if (!g_hash_table_contains (known, GINT_TO_POINTER (v)))
        {
          g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_NEWER_SCHEMA,
                       _("The database was upgraded by a newer server (migration %s is unknown to this version); install the newer server"),
                       PQgetvalue (applied, r, 1));
          return FALSE;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_path ("/", MIGRATIONS_PATH, names[i], NULL);
      g_autoptr(GBytes) sql = g_resource_lookup_data (crm_migrations_get_resource (), path,
                                                      G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      g_autofree char *version = g_strdup_printf ("%d", atoi (names[i]));
      g_autofree char *text = NULL;
      const char *params[] = { version, names[i] };
      PGresult *res;
      gboolean done;

      if (sql == NULL)
        return FALSE;
      if (!exec_ok (conn, PQexec (conn, "BEGIN"), error) ||
          !exec_ok (conn, PQexec (conn, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK ")"), error))
        {
          rollback (conn);
          return FALSE;
        }
      res = PQexecParams (conn, "SELECT 1 FROM schema_migrations WHERE version = $1",
                          1, NULL, params, NULL, NULL, 0);
      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        {
          g_propagate_error (error, crm_db_error_from_result (conn, res));
          PQclear (res);
          rollback (conn);
          return FALSE;
        }
      done = PQntuples (res) > 0;
      PQclear (res);
      if (done)
        {
          rollback (conn);
          continue;
        }
      g_message ("applying migration %s", names[i]);
      text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      res = PQexec (conn, text);
      if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
        {
          g_autofree char *detail = g_strdup (PQresultErrorMessage (res));

          PQclear (res);
          rollback (conn);
          g_strchomp (detail);
          g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_FAILED,
                       _("Migration %s failed: %s"), names[i], detail);
          return FALSE;
        }
      PQclear (res);
      if (!exec_ok (conn, PQexecParams (conn, "INSERT INTO schema_migrations (version, name)"
                                              " VALUES ($1, $2)", 2, NULL, params, NULL, NULL, 0),
                    error) ||
          !exec_ok (conn, PQexec (conn, "COMMIT"), error))
        {
          rollback (conn);
          return FALSE;
        }
    }
  return TRUE;
}
