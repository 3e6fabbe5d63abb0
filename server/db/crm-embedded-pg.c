/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-embedded-pg"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "crm-db-private.h"

/*
 * A private PostgreSQL cluster: data in <data_dir>/pg, its only socket in
 * <data_dir>/pg-socket (no TCP), trust authentication (the socket directory
 * is the access control), database "crm", superuser "crm".
 */

struct _CrmEmbeddedPg {
  char    *bindir;
  char    *pgdata;
  char    *sockdir;
  char    *logfile;
  gboolean run_as_other;
  uid_t    uid;
  gid_t    gid;
  gboolean started_here;
};

static char *
find_bindir (void)
{
  g_autofree char *pg_ctl = g_find_program_in_path ("pg_ctl");
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int best = -1;
  char *best_dir = NULL;

  if (pg_ctl != NULL)
    {
      g_autofree char *initdb = NULL;
      char *d = g_path_get_dirname (pg_ctl);

      initdb = g_build_filename (d, "initdb", NULL);
      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        return d;
      g_free (d);
    }
  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int v = atoi (name);
      g_autofree char *candidate = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
      g_autofree char *initdb = g_build_filename (candidate, "initdb", NULL);

      if (v > best && g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        {
          best = v;
          g_free (best_dir);
          best_dir = g_steal_pointer (&candidate);
        }
    }
  return best_dir;
}

static void
drop_privileges (gpointer user_data)
{
  CrmEmbeddedPg *pg = user_data;

  /* Runs in the child between fork and exec. */
  if (setgroups (0, NULL) != 0 || setgid (pg->gid) != 0 || setuid (pg->uid) != 0)
    _exit (126);
}

static gboolean
run_tool (CrmEmbeddedPg *pg, const char * const *argv, int *exit_status, GError **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT,
                     pg->run_as_other ? drop_privileges : NULL, pg,
                     &out, &err, &status, error))
    return FALSE;
  if (exit_status != NULL)
    {
      *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
      return TRUE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *tool = g_path_get_basename (argv[0]);

      g_strchomp (err);
      g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_FAILED,
                   _("%s failed: %s"), tool, err && *err ? err : out);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_dir_for_postgres (CrmEmbeddedPg *pg, const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("Cannot create %s: %s"), path, g_strerror (e));
      return FALSE;
    }
  if (pg->run_as_other && chown (path, pg->uid, pg->gid) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("Cannot give %s to the database user: %s"), path, g_strerror (e));
      return FALSE;
    }
  g_chmod (path, 0700);
  return TRUE;
}

/* A postmaster.pid whose process is gone (crash, power loss) would make
 * PostgreSQL refuse to start if its pid got reused; remove it when nothing
 * with that pid runs. */
static void
remove_stale_lock (const char *path)
{
  g_autofree char *contents = NULL;
  long pid;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  pid = strtol (contents, NULL, 10);
  if (pid > 0 && (kill ((pid_t) pid, 0) == 0 || errno == EPERM))
    {
      g_autofree char *cmdline_path = g_strdup_printf ("/proc/%ld/comm", pid);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (cmdline_path, &comm, NULL, NULL) &&
          g_str_has_prefix (comm, "postgres"))
        return;
    }
  g_message ("removing stale lock file %s (pid %ld)", path, pid);
  g_unlink (path);
}

void
crm_embedded_pg_stop (CrmEmbeddedPg *pg)
{
  if (pg == NULL)
    return;
  {
    g_autofree char *pg_ctl = g_build_filename (pg->bindir, "pg_ctl", NULL);
    const char *argv[] = { pg_ctl, "stop", "-D", pg->pgdata, "-m", "fast", "-w", "-t", "60", NULL };
    g_autoptr(GError) error = NULL;

    if (!run_tool (pg, argv, NULL, &error))
      g_warning ("stopping PostgreSQL: %s", error->message);
  }
  g_free (pg->bindir);
  g_free (pg->pgdata);
  g_free (pg->sockdir);
  g_free (pg->logfile);
  g_free (pg);
}

static gboolean
ensure_database (const char *sockdir, GError **error)
{
  g_autofree char *conninfo = g_strdup_printf ("host='%s' port=5432 dbname=postgres user=crm", sockdir);
  g_autoptr(PGconn) conn = crm_db_connect (conninfo, error);
  g_autoptr(PGresult) res = NULL;

  if (conn == NULL)
    return FALSE;
  res = PQexec (conn, "SELECT 1 FROM pg_database WHERE datname = 'crm'");
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      g_propagate_error (error, crm_db_error_from_result (conn, res));
      return FALSE;
    }
  if (PQntuples (res) == 1)
    return TRUE;
  g_clear_pointer (&res, PQclear);
  res = PQexec (conn, "CREATE DATABASE crm TEMPLATE template0 ENCODING 'UTF8'"
                      " LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'");
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      g_propagate_error (error, crm_db_error_from_result (conn, res));
      return FALSE;
    }
  return TRUE;
}

/* Every folder above the data directory must let the database user pass
 * (as root the data directory may well be under /root, which does not). */
static gboolean
ancestors_searchable (CrmEmbeddedPg *pg, const char *dir, GError **error)
{
  g_autofree char *path = g_path_get_dirname (dir);

  for (;;)
    {
      GStatBuf st;
      g_autofree char *parent = NULL;

      if (g_stat (path, &st) == 0 &&
          !((st.st_mode & 0001) ||
            (st.st_uid == pg->uid && (st.st_mode & 0100)) ||
            (st.st_gid == pg->gid && (st.st_mode & 0010))))
        {
          g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_FAILED,
                       _("The database runs as the system user “postgres”, which cannot enter %s; allow it (chmod o+x %s) or choose a data directory elsewhere"),
                       path, path);
          return FALSE;
        }
      parent = g_path_get_dirname (path);
      if (strcmp (parent, path) == 0)
        return TRUE;
      g_free (path);
      path = g_steal_pointer (&parent);
    }
}

CrmEmbeddedPg *
crm_embedded_pg_start (const char *data_dir, char **conninfo_out, GError **error)
{
  g_autoptr(GFile) dir_file = g_file_new_for_path (data_dir);
  g_autofree char *abs_dir = g_file_get_path (dir_file);
  CrmEmbeddedPg *pg = g_new0 (CrmEmbeddedPg, 1);
  g_autofree char *version_file = NULL;
  g_autofree char *pg_ctl = NULL;
  g_autofree char *lock = NULL;
  g_autofree char *sock_lock = NULL;
  g_autofree char *options = NULL;
  int status = 0;

  pg->bindir = find_bindir ();
  if (pg->bindir == NULL)
    {
      g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_NO_POSTGRES,
                   _("PostgreSQL was not found (initdb and pg_ctl on PATH or under /usr/lib/postgresql); install the postgresql package"));
      goto fail;
    }
  pg->pgdata = g_build_filename (abs_dir, "pg", NULL);
  pg->sockdir = g_build_filename (abs_dir, "pg-socket", NULL);
  pg->logfile = g_build_filename (abs_dir, "pg.log", NULL);
  if (strchr (pg->sockdir, '\'') != NULL || strchr (pg->sockdir, '\\') != NULL ||
      strlen (pg->sockdir) > 90)
    {
      g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_FAILED,
                   _("The data directory path %s is too long or contains quotes"), abs_dir);
      goto fail;
    }

  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam ("postgres");

      if (pw == NULL)
        {
          g_set_error (error, CRM_DB_ERROR, CRM_DB_ERROR_NO_POSTGRES,
                       _("Running as root, but there is no “postgres” system user to run the database as; install the postgresql package or run as an ordinary user"));
          goto fail;
        }
      pg->run_as_other = TRUE;
      pg->uid = pw->pw_uid;
      pg->gid = pw->pw_gid;
    }

  if (g_mkdir_with_parents (abs_dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("Cannot create %s: %s"), abs_dir, g_strerror (e));
      goto fail;
    }
  /* The database user must be able to reach its directories (search only). */
  if (pg->run_as_other && !ancestors_searchable (pg, abs_dir, error))
    goto fail;
  if (pg->run_as_other)
    {
      GStatBuf st;
      if (g_stat (abs_dir, &st) == 0 && (st.st_mode & 0001) == 0)
        g_chmod (abs_dir, (st.st_mode & 07777) | 0711);
    }
  if (!make_dir_for_postgres (pg, pg->pgdata, error) ||
      !make_dir_for_postgres (pg, pg->sockdir, error))
    goto fail;
  if (pg->run_as_other)
    {
      int fd = g_open (pg->logfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0)
        {
          if (fchown (fd, pg->uid, pg->gid) != 0)
            g_warning ("cannot chown %s: %s", pg->logfile, g_strerror (errno));
          close (fd);
        }
    }

  version_file = g_build_filename (pg->pgdata, "PG_VERSION", NULL);
  if (!g_file_test (version_file, G_FILE_TEST_EXISTS))
    {
      g_autofree char *initdb = g_build_filename (pg->bindir, "initdb", NULL);
      const char *argv[] = { initdb, "-D", pg->pgdata, "-E", "UTF8", "--locale=C.UTF-8",
                             "-U", "crm", "--auth=trust", "--no-instructions", NULL };

      g_message ("creating the database cluster in %s", pg->pgdata);
      if (!run_tool (pg, argv, NULL, error))
        goto fail;
    }

  pg_ctl = g_build_filename (pg->bindir, "pg_ctl", NULL);
  {
    const char *argv[] = { pg_ctl, "status", "-D", pg->pgdata, NULL };
    if (!run_tool (pg, argv, &status, error))
      goto fail;
  }
  if (status != 0)
    {
      lock = g_build_filename (pg->pgdata, "postmaster.pid", NULL);
      sock_lock = g_build_filename (pg->sockdir, ".s.PGSQL.5432.lock", NULL);
      remove_stale_lock (lock);
      remove_stale_lock (sock_lock);
      options = g_strdup_printf ("-c listen_addresses='' -c unix_socket_directories='%s'"
                                 " -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on"
                                 " -c full_page_writes=on -c max_connections=200"
                                 " -c effective_cache_size=1GB -c work_mem=16MB"
                                 " -c maintenance_work_mem=128MB",
                                 pg->sockdir);
      {
        const char *argv[] = { pg_ctl, "start", "-D", pg->pgdata, "-l", pg->logfile,
                               "-w", "-t", "120", "-o", options, NULL };
        if (!run_tool (pg, argv, NULL, error))
          {
            g_prefix_error (error, _("Cannot start PostgreSQL (see %s): "), pg->logfile);
            goto fail;
          }
      }
      pg->started_here = TRUE;
    }
  else
    g_message ("PostgreSQL in %s is already running; using it", pg->pgdata);

  if (!ensure_database (pg->sockdir, error))
    {
      crm_embedded_pg_stop (pg);
      return NULL;
    }
  if (conninfo_out != NULL)
    *conninfo_out = g_strdup_printf ("host='%s' port=5432 dbname=crm user=crm", pg->sockdir);
  return pg;

fail:
  g_free (pg->bindir);
  g_free (pg->pgdata);
  g_free (pg->sockdir);
  g_free (pg->logfile);
  g_free (pg);
  return NULL;
}
