/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-test-server"

#include <errno.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm-error.h"
#include "crm-test-server.h"

#ifndef CRM_SERVER_BINARY_DEFAULT
#define CRM_SERVER_BINARY_DEFAULT BUILD_ROOT "/server/crm-server"
#endif

#define START_TIMEOUT_US (180 * G_USEC_PER_SEC)
#define STOP_TIMEOUT_US  (30 * G_USEC_PER_SEC)

struct _CrmTestServer {
  char *binary;
  char *data_dir;
  char *port_file;
  GStrv extra_argv;
  GStrv env_argv;   /* $CRM_TEST_SERVER_ARGS, e.g. "--log-level debug" */
  GSubprocess *process;
  guint16 port;
  guint16 http_port;
  char *admin_password;
  int exit_status;
};

static const char *
server_binary (void)
{
  const char *env = g_getenv ("CRM_SERVER_BINARY");

  return env != NULL && *env != '\0' ? env : CRM_SERVER_BINARY_DEFAULT;
}

/* GSubprocess reaps its child on GLib's worker thread, so the identifier
 * turns NULL when the process ends even without a main loop here. */
static gboolean
is_running (CrmTestServer *self)
{
  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

static gboolean
wait_exit (CrmTestServer *self, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (is_running (self))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (20 * 1000);
    }
  return TRUE;
}

static void
reap (CrmTestServer *self)
{
  if (self->process == NULL)
    return;
  g_subprocess_wait (self->process, NULL, NULL);
  self->exit_status = g_subprocess_get_status (self->process);
  g_clear_object (&self->process);
}

static gboolean
read_ports (CrmTestServer *self)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 port, http_port;

  if (!g_file_get_contents (self->port_file, &text, NULL, NULL))
    return FALSE;
  lines = g_strsplit (text, "\n", 3);
  if (g_strv_length (lines) < 2 ||
      !g_ascii_string_to_unsigned (lines[0], 10, 1, 65535, &port, NULL) ||
      !g_ascii_string_to_unsigned (lines[1], 10, 1, 65535, &http_port, NULL))
    return FALSE;
  self->port = (guint16) port;
  self->http_port = (guint16) http_port;
  return TRUE;
}

/* In the child before exec: a test that dies on a failed assertion takes
 * its server with it (SIGTERM: the server stops its PostgreSQL too),
 * instead of leaving both running on the machine. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
launch (CrmTestServer *self, GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  gint64 deadline;

  g_unlink (self->port_file);
  self->port = self->http_port = 0;

  g_ptr_array_add (argv, self->binary);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1");
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  g_ptr_array_add (argv, (char *) "--http-port");
  g_ptr_array_add (argv, (char *) "0");
  g_ptr_array_add (argv, (char *) "--port-file");
  g_ptr_array_add (argv, self->port_file);
  for (guint i = 0; self->extra_argv && self->extra_argv[i]; i++)
    g_ptr_array_add (argv, self->extra_argv[i]);
  for (guint i = 0; self->env_argv && self->env_argv[i]; i++)
    g_ptr_array_add (argv, self->env_argv[i]);
  g_ptr_array_add (argv, NULL);

  /* stdout carries "ready …", which would confuse a TAP-reading harness;
   * stderr (the server log) stays visible for failures. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (self->process == NULL)
    return FALSE;

  deadline = g_get_monotonic_time () + START_TIMEOUT_US;
  while (!read_ports (self))
    {
      if (!is_running (self))
        {
          reap (self);
          g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                       "crm-server exited during start-up (status %d); see its log above",
                       self->exit_status);
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_send_signal (self->process, SIGKILL);
          reap (self);
          g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, "crm-server did not become ready in time");
          return FALSE;
        }
      g_usleep (50 * 1000);
    }
  return TRUE;
}

static gboolean
create_admin (CrmTestServer *self, GError **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *password = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                              self->binary, "--data-dir", self->data_dir,
                              "--create-admin", "admin", NULL);
  if (process == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, error))
    return FALSE;
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   "crm-server --create-admin failed; see its log above");
      return FALSE;
    }
  /* The password is the last line of stdout. */
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (*g_strstrip (lines[i]) != '\0')
      password = lines[i];
  if (password == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, "crm-server --create-admin printed no password");
      return FALSE;
    }
  self->admin_password = g_strdup (password);
  return TRUE;
}

CrmTestServer *
crm_test_server_start (const char *extra_args, GError **error)
{
  g_autoptr(CrmTestServer) self = g_new0 (CrmTestServer, 1);

  self->exit_status = -1;
  self->binary = g_strdup (server_binary ());
  if (!g_file_test (self->binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   "crm-server binary not found at %s (set CRM_SERVER_BINARY)", self->binary);
      return NULL;
    }
  if (extra_args != NULL && *extra_args != '\0' &&
      !g_shell_parse_argv (extra_args, NULL, &self->extra_argv, error))
    return NULL;

  if (g_getenv ("CRM_TEST_SERVER_ARGS") != NULL &&
      !g_shell_parse_argv (g_getenv ("CRM_TEST_SERVER_ARGS"), NULL, &self->env_argv, NULL))
    self->env_argv = NULL;

  self->data_dir = g_dir_make_tmp ("crm-test-XXXXXX", error);
  if (self->data_dir == NULL)
    return NULL;
  /* As root the embedded PostgreSQL runs as "postgres", which must be
   * able to reach its directories inside. */
  g_chmod (self->data_dir, 0711);
  self->port_file = g_build_filename (self->data_dir, "ports", NULL);

  if (!create_admin (self, error) || !launch (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

guint16
crm_test_server_get_port (CrmTestServer *self)
{
  return self->port;
}

guint16
crm_test_server_get_http_port (CrmTestServer *self)
{
  return self->http_port;
}

const char *
crm_test_server_get_admin_password (CrmTestServer *self)
{
  return self->admin_password;
}

const char *
crm_test_server_get_data_dir (CrmTestServer *self)
{
  return self->data_dir;
}

GPid
crm_test_server_get_pid (CrmTestServer *self)
{
  const char *id = is_running (self) ? g_subprocess_get_identifier (self->process) : NULL;

  return id ? (GPid) atoi (id) : 0;
}

int
crm_test_server_get_exit_status (CrmTestServer *self)
{
  return self->exit_status;
}

CrmConnection *
crm_test_server_connect (CrmTestServer *self,
                         const char    *user,
                         const char    *password,
                         GError       **error)
{
  g_autoptr(CrmTrustStore) trust = crm_trust_store_new (NULL);
  g_autoptr(CrmConnection) connection = NULL;

  connection = crm_connection_new_sync ("127.0.0.1", self->port, trust, TRUE, "en_US", NULL, error);
  if (connection == NULL)
    return NULL;
  if (user != NULL)
    {
      g_autoptr(GVariant) session = crm_connection_login_sync (connection, user, password, NULL, error);
      if (session == NULL)
        return NULL;
    }
  return g_steal_pointer (&connection);
}

void
crm_test_server_kill (CrmTestServer *self, int signum)
{
  if (!is_running (self))
    {
      reap (self);
      return;
    }
  g_subprocess_send_signal (self->process, signum);
  if (!wait_exit (self, STOP_TIMEOUT_US))
    {
      g_warning ("crm-server ignored signal %d for 30 s; killing it", signum);
      g_subprocess_send_signal (self->process, SIGKILL);
    }
  reap (self);
}

gboolean
crm_test_server_restart (CrmTestServer *self, GError **error)
{
  if (is_running (self))
    crm_test_server_kill (self, SIGTERM);
  reap (self);
  return launch (self, error);
}

static char *
find_pg_ctl (void)
{
  g_autofree char *on_path = g_find_program_in_path ("pg_ctl");
  g_autoptr(GDir) dir = NULL;
  const char *name;
  char *best = NULL;
  int best_version = 0;

  if (on_path != NULL)
    return g_steal_pointer (&on_path);
  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *candidate = g_build_filename ("/usr/lib/postgresql", name, "bin", "pg_ctl", NULL);
      int version = atoi (name);

      if (version > best_version && g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_free (best);
          best = g_steal_pointer (&candidate);
          best_version = version;
        }
    }
  return best;
}

static void
become_postgres (gpointer data)
{
  struct passwd *pw = data;

  if (setgid (pw->pw_gid) != 0 || setuid (pw->pw_uid) != 0)
    _exit (126);
}

static gboolean
run_pg_ctl (CrmTestServer *self, const char *action, GError **error)
{
  g_autofree char *pg_ctl = find_pg_ctl ();
  g_autofree char *pgdata = g_build_filename (self->data_dir, "pg", NULL);
  g_autofree char *logfile = g_build_filename (self->data_dir, "pg.log", NULL);
  g_autofree char *out = NULL, *err = NULL;
  struct passwd *pw = geteuid () == 0 ? getpwnam ("postgres") : NULL;
  /* -l: a new postmaster must not inherit our output pipes, or reading
   * them would wait for it to exit. */
  const char *argv[] = { pg_ctl, action, "-D", pgdata, "-m", "fast", "-w", "-t", "60",
                         "-l", logfile, NULL };
  int status = 0;

  if (pg_ctl == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, "pg_ctl not found");
      return FALSE;
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT,
                     pw ? become_postgres : NULL, pw, &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, "pg_ctl %s failed: %s%s", action, out, err);
      return FALSE;
    }
  return TRUE;
}

gboolean
crm_test_server_restart_database (CrmTestServer *self, GError **error)
{
  return run_pg_ctl (self, "restart", error);
}

gboolean
crm_test_server_stop_database (CrmTestServer *self, GError **error)
{
  return run_pg_ctl (self, "stop", error);
}

/* After a SIGKILL the postmaster outlives the server: stop it (fast
 * shutdown) so that the data directory can go. */
static void
stop_leftover_postgres (CrmTestServer *self)
{
  g_autofree char *pid_file = g_build_filename (self->data_dir, "pg", "postmaster.pid", NULL);
  g_autofree char *text = NULL;
  gint64 deadline;
  int pid;

  if (!g_file_get_contents (pid_file, &text, NULL, NULL))
    return;
  pid = atoi (text);
  if (pid <= 1 || kill (pid, SIGINT) != 0)
    return;
  deadline = g_get_monotonic_time () + STOP_TIMEOUT_US;
  while (kill (pid, 0) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (50 * 1000);
  if (kill (pid, 0) == 0)
    kill (pid, SIGKILL);
}

void
crm_test_server_stop (CrmTestServer *self)
{
  if (self == NULL)
    return;
  crm_test_server_kill (self, SIGTERM);
  if (self->data_dir != NULL)
    {
      const char *argv[] = { "rm", "-rf", self->data_dir, NULL };

      stop_leftover_postgres (self);
      if (g_getenv ("CRM_TEST_KEEP_DATA") == NULL)
        g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  g_free (self->binary);
  g_free (self->data_dir);
  g_free (self->port_file);
  g_strfreev (self->extra_argv);
  g_strfreev (self->env_argv);
  g_free (self->admin_password);
  g_free (self);
}

CrmConnection *
crm_test_server_connect_ok (CrmTestServer *self,
                            const char    *user,
                            const char    *password)
{
  g_autoptr(GError) error = NULL;
  CrmConnection *conn = crm_test_server_connect (self, user, password, &error);

  g_assert_no_error (error);
  g_assert_nonnull (conn);
  return conn;
}

GVariant *
crm_test_customer_create_body (const char *key, const char *name)
{
  GVariantBuilder fields;

  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&fields, "{sv}", "name", g_variant_new_string (name));
  return g_variant_new ("(sa{sv})", key, &fields);
}

static CrmTestServer *shared_server;

CrmTestServer *
crm_test_server_get_shared (const char *extra_args)
{
  g_autoptr(GError) error = NULL;

  if (shared_server == NULL)
    {
      shared_server = crm_test_server_start (extra_args, &error);
      g_assert_no_error (error);
      g_assert_nonnull (shared_server);
    }
  return shared_server;
}

void
crm_test_server_stop_shared (void)
{
  crm_test_server_stop (g_steal_pointer (&shared_server));
}

GVariant *
crm_test_call_ok (CrmConnection *connection,
                  guint          message_id,
                  GVariant      *body)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = crm_connection_call_sync (connection, message_id, body, NULL, &error);

  g_assert_no_error (error);
  return reply;
}
