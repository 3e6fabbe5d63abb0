/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-main"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "crm-i18n.h"
#include "crm-db.h"
#include "crm-error.h"
#include "crm-http.h"
#include "crm-http-recordings.h"
#include "crm-server.h"
#include "crm-tls-cert.h"

#define DEFAULT_PORT      7420
#define DEFAULT_HTTP_PORT 7421
#define STOP_DEADLINE_MS  15000
#define PORT_UNSET        G_MININT

typedef struct {
  char *config_file;
  char *listen;
  int port;
  int http_port;
  char *data_dir;
  char *database;
  char *tls_cert;
  char *tls_key;
  gboolean no_tls;
  char *log_level;
  char *port_file;
  char *create_admin;
  int demo_data;
  gboolean version;
} Options;

static GLogLevelFlags log_threshold = G_LOG_LEVEL_MESSAGE;

static GLogWriterOutput
log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  g_autofree char *line = NULL;

  /* Lower bits are more severe; anything above the threshold is dropped. */
  if ((log_level & G_LOG_LEVEL_MASK) > log_threshold)
    return G_LOG_WRITER_HANDLED;
  if (g_log_writer_is_journald (fileno (stderr)))
    return g_log_writer_journald (log_level, fields, n_fields, user_data);
  /* Everything to stderr: stdout carries only "ready" and the password of
   * --create-admin, for scripts. */
  line = g_log_writer_format_fields (log_level, fields, n_fields, g_log_writer_supports_color (fileno (stderr)));
  fprintf (stderr, "%s\n", line);
  fflush (stderr);
  return G_LOG_WRITER_HANDLED;
}

static gboolean
set_log_level (const char *name, GError **error)
{
  static const struct { const char *name; GLogLevelFlags level; } levels[] = {
    { "error", G_LOG_LEVEL_CRITICAL }, { "warning", G_LOG_LEVEL_WARNING },
    { "message", G_LOG_LEVEL_MESSAGE }, { "info", G_LOG_LEVEL_INFO },
    { "debug", G_LOG_LEVEL_DEBUG },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strcasecmp (name, levels[i].name) == 0)
      {
        log_threshold = levels[i].level;
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Unknown log level “%s” (use error, warning, message, info or debug)"), name);
  return FALSE;
}

/* Values from the [server] group of the key file fill what the command line
 * left unset. */
static gboolean
load_config (Options *o, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  static const struct { const char *key; gsize offset; } strings[] = {
    { "listen", G_STRUCT_OFFSET (Options, listen) },
    { "data-dir", G_STRUCT_OFFSET (Options, data_dir) },
    { "database", G_STRUCT_OFFSET (Options, database) },
    { "tls-cert", G_STRUCT_OFFSET (Options, tls_cert) },
    { "tls-key", G_STRUCT_OFFSET (Options, tls_key) },
    { "log-level", G_STRUCT_OFFSET (Options, log_level) },
  };
  static const struct { const char *key; gsize offset; } ints[] = {
    { "port", G_STRUCT_OFFSET (Options, port) },
    { "http-port", G_STRUCT_OFFSET (Options, http_port) },
  };

  if (!g_key_file_load_from_file (kf, o->config_file, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("Cannot read the configuration file “%s”: %s"), o->config_file, local_error->message);
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      char **field = G_STRUCT_MEMBER_P (o, strings[i].offset);

      if (*field == NULL && g_key_file_has_key (kf, "server", strings[i].key, NULL))
        *field = g_key_file_get_string (kf, "server", strings[i].key, NULL);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      int *field = G_STRUCT_MEMBER_P (o, ints[i].offset);

      if (*field == PORT_UNSET && g_key_file_has_key (kf, "server", ints[i].key, NULL))
        {
          *field = g_key_file_get_integer (kf, "server", ints[i].key, &local_error);
          if (local_error != NULL)
            {
              g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                           _("Configuration file “%s”, key “%s”: %s"), o->config_file,
                           ints[i].key, local_error->message);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
check_port (const char *what, int port, GError **error)
{
  if (port < 0 || port > 65535)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s must be between 0 and 65535"), what);
      return FALSE;
    }
  return TRUE;
}

/* ---- Running ---- */

typedef struct {
  GMainLoop *loop;
  CrmServer *server;
  CrmHttp *http;
  gboolean stopping;
} App;

static void
shutdown_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  App *app = data;

  crm_server_shutdown_finish (CRM_SERVER (source), result, NULL);
  g_message ("Every connection closed");
  g_main_loop_quit (app->loop);
}

static gboolean
signal_cb (gpointer data)
{
  App *app = data;

  if (app->stopping)
    {
      g_message ("Second signal: stopping now");
      g_main_loop_quit (app->loop);
      return G_SOURCE_CONTINUE;
    }
  app->stopping = TRUE;
  g_message ("Stopping: finishing requests in flight");
  crm_http_stop (app->http);
  crm_server_shutdown_async (app->server, STOP_DEADLINE_MS, shutdown_done_cb, app);
  return G_SOURCE_CONTINUE;
}

/* Every connection is a file descriptor: raise the soft limit to the hard
 * one (Debian's default soft limit of 1024 would cap an office at a few
 * hundred clients), and return how many connections fit, keeping room for
 * the database pool, the HTTPS side and log files. */
static guint
raise_fd_limit (void)
{
  struct rlimit rl;
  const rlim_t reserve = 128;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return 0;
  if (rl.rlim_cur < rl.rlim_max)
    {
      rlim_t wanted = rl.rlim_max == RLIM_INFINITY ? 65536 : rl.rlim_max;
      struct rlimit raised = { wanted, rl.rlim_max };

      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        rl.rlim_cur = wanted;
    }
  if (rl.rlim_cur == RLIM_INFINITY)
    return 0;
  return rl.rlim_cur > reserve * 2 ? (guint) MIN (rl.rlim_cur - reserve, G_MAXUINT) : (guint) (rl.rlim_cur / 2);
}

static gboolean
write_port_file (const char *path, guint16 port, guint16 http_port, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%u\n%u\n", port, http_port);

  /* g_file_set_contents renames into place: a reader never sees half. */
  return g_file_set_contents (path, text, -1, error);
}

static int
run (Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(CrmDbListener) listener = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  CrmEmbeddedPg *pg = NULL;
  CrmDbPool *pool = NULL;
  App app = { 0 };
  guint n_pool;
  int status = EXIT_FAILURE;

  if (g_mkdir_with_parents (o->data_dir, 0700) != 0)
    {
      int errsv = errno;
      g_printerr (_("Cannot create the data directory “%s”: %s\n"), o->data_dir, g_strerror (errsv));
      return EXIT_FAILURE;
    }

  if (o->database != NULL)
    conninfo = g_strdup (o->database);
  else
    {
      pg = crm_embedded_pg_start (o->data_dir, &conninfo, &error);
      if (pg == NULL)
        goto fail;
    }

  if (!crm_migrations_apply (conninfo, &error))
    goto fail;

  if (o->create_admin != NULL)
    {
      g_autofree char *password = crm_accounts_create_admin (conninfo, o->create_admin, &error);

      if (password == NULL)
        goto fail;
      /* The explanation to stderr, the password alone on stdout, so that
       * scripts can capture it. */
      g_printerr (_("Administrator “%s” is ready. Their password (shown only this once) is:\n"),
                  o->create_admin);
      g_print ("%s\n", password);
      status = EXIT_SUCCESS;
      goto out;
    }

  if (o->demo_data > 0 && !crm_demo_load_if_empty (conninfo, (guint) o->demo_data, &error))
    goto fail;

  if (!o->no_tls)
    {
      certificate = crm_tls_certificate_load_or_create (o->data_dir, o->tls_cert, o->tls_key, &error);
      if (certificate == NULL)
        goto fail;
    }

  /* Workers wait on PostgreSQL most of the time: with 4 on 2 CPUs,
   * customer.get at 32 connections did 2,900-4,700/s, with 16 6,600/s
   * (tests/bench, perf). */
  n_pool = MAX (16, 4 * g_get_num_processors ());
  pool = crm_db_pool_new (conninfo, n_pool, &error);
  if (pool == NULL)
    goto fail;
  listener = crm_db_listener_new (conninfo);

  app.server = crm_server_new (pool, certificate);
  crm_server_set_max_connections (app.server, raise_fd_limit ());
  crm_server_set_request_logging (log_threshold >= G_LOG_LEVEL_DEBUG);
  crm_server_set_db_listener (app.server, listener);
  if (!crm_server_listen (app.server, o->listen, (guint16) o->port, &error))
    goto fail;
  app.http = crm_http_new (app.server, certificate);
  crm_http_recordings_register (app.http, pool, o->data_dir);
  if (!crm_http_listen (app.http, o->listen, (guint16) o->http_port, &error))
    goto fail;

  if (o->port_file != NULL &&
      !write_port_file (o->port_file, crm_server_get_port (app.server), crm_http_get_port (app.http), &error))
    goto fail;

  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  g_unix_signal_add (SIGTERM, signal_cb, &app);
  g_unix_signal_add (SIGINT, signal_cb, &app);

  g_print ("ready port=%u http-port=%u\n", crm_server_get_port (app.server), crm_http_get_port (app.http));
  fflush (stdout);
  g_main_loop_run (loop);

  status = EXIT_SUCCESS;
  goto out;

fail:
  g_printerr ("crm-server: %s\n", error->message);
out:
  if (app.http)
    crm_http_stop (app.http);
  g_clear_object (&app.http);
  if (app.server)
    crm_server_set_db_listener (app.server, NULL);
  g_clear_object (&app.server);
  g_clear_object (&listener);
  g_clear_pointer (&pool, crm_db_pool_free);
  if (pg != NULL)
    {
      g_message ("Stopping the embedded PostgreSQL");
      crm_embedded_pg_stop (pg);
    }
  if (o->port_file != NULL && status == EXIT_SUCCESS && o->create_admin == NULL)
    g_unlink (o->port_file);
  return status;
}

int
main (int argc, char **argv)
{
  Options o = { .port = PORT_UNSET, .http_port = PORT_UNSET };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config_file,
      N_("Read settings from the [server] group of FILE; flags override it"), N_("FILE") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &o.listen,
      N_("IP address to listen on (default 0.0.0.0: every interface)"), N_("ADDRESS") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &o.port,
      N_("Protocol port (default 7420; 0 picks a free one)"), N_("PORT") },
    { "http-port", 0, 0, G_OPTION_ARG_INT, &o.http_port,
      N_("HTTPS port for health, metrics and files (default 7421; 0 picks a free one)"), N_("PORT") },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &o.data_dir,
      N_("Directory for the embedded database, certificate and key (default $XDG_DATA_HOME/jinke-crm/server)"),
      N_("DIR") },
    { "database", 0, 0, G_OPTION_ARG_STRING, &o.database,
      N_("Use this external PostgreSQL (libpq connection string) instead of the embedded one"),
      N_("CONNINFO") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_cert,
      N_("TLS certificate (PEM); default: a self-signed one generated in the data directory"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_key,
      N_("Private key (PEM) of the TLS certificate"), N_("FILE") },
    { "no-tls", 0, 0, G_OPTION_ARG_NONE, &o.no_tls,
      N_("Serve plain TCP and HTTP without TLS (only for benchmarks on a trusted network)"), NULL },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &o.log_level,
      N_("Least severe messages to log: error, warning, message (default), info or debug"), N_("LEVEL") },
    { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &o.port_file,
      N_("When ready, write the protocol port and the HTTPS port (one per line) to FILE"), N_("FILE") },
    { "create-admin", 0, 0, G_OPTION_ARG_STRING, &o.create_admin,
      N_("Create administrator NAME (or reset their password), print the password and exit"), N_("NAME") },
    { "demo-data", 0, 0, G_OPTION_ARG_INT, &o.demo_data,
      N_("Load N demo customers when the database has none"), N_("N") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o.version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };
  int status;

  setlocale (LC_ALL, "");
  crm_i18n_init ();
  textdomain (GETTEXT_PACKAGE);
  g_log_set_writer_func (log_writer, NULL, NULL);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Jinke CRM server: the protocol port, HTTPS, and the database behind them."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("crm-server: %s\n", error->message);
      status = 2;
      goto out;
    }
  if (o.version)
    {
      g_print ("crm-server %s\n", PACKAGE_VERSION);
      status = EXIT_SUCCESS;
      goto out;
    }
  if (g_strv_length (args) > 1)
    {
      g_printerr (_("crm-server: unexpected argument “%s” (see --help)\n"), args[1]);
      status = 2;
      goto out;
    }
  if (o.config_file != NULL && !load_config (&o, &error))
    {
      g_printerr ("crm-server: %s\n", error->message);
      status = 2;
      goto out;
    }
  if (o.listen == NULL)
    o.listen = g_strdup ("0.0.0.0");
  if (o.port == PORT_UNSET)
    o.port = DEFAULT_PORT;
  if (o.http_port == PORT_UNSET)
    o.http_port = DEFAULT_HTTP_PORT;
  if (o.data_dir == NULL)
    o.data_dir = g_build_filename (g_get_user_data_dir (), "jinke-crm", "server", NULL);
  if (!check_port ("--port", o.port, &error) || !check_port ("--http-port", o.http_port, &error) ||
      (o.log_level != NULL && !set_log_level (o.log_level, &error)))
    {
      g_printerr ("crm-server: %s\n", error->message);
      status = 2;
      goto out;
    }
  if (o.demo_data < 0)
    {
      g_printerr (_("crm-server: --demo-data needs a number of customers, 0 or more\n"));
      status = 2;
      goto out;
    }
  if (o.create_admin != NULL && o.create_admin[0] == '\0')
    {
      g_printerr (_("crm-server: --create-admin needs a user name\n"));
      status = 2;
      goto out;
    }

  status = run (&o);

out:
  g_free (o.config_file);
  g_free (o.listen);
  g_free (o.data_dir);
  g_free (o.database);
  g_free (o.tls_cert);
  g_free (o.tls_key);
  g_free (o.log_level);
  g_free (o.port_file);
  g_free (o.create_admin);
  return status;
}
