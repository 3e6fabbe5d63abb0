/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crmctl-output.h"
#include "crmctl.h"

/*
 * The session file remembers one sign-in: the server it belongs to, the
 * login and the token.  It holds a credential, so it is written 0600 and
 * replaced atomically.
 */
#define SESSION_GROUP "session"

char *
crmctl_session_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "jinke-crm", "crmctl.session", NULL);
}

static GKeyFile *
session_load (void)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = crmctl_session_path ();

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_steal_pointer (&keys);
}

static gboolean
session_save (const char *server, const char *login, const char *token,
              gint64 expires_us, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *path = crmctl_session_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  gsize length;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  g_key_file_set_string (keys, SESSION_GROUP, "server", server);
  g_key_file_set_string (keys, SESSION_GROUP, "user", login);
  g_key_file_set_string (keys, SESSION_GROUP, "token", token);
  g_key_file_set_int64 (keys, SESSION_GROUP, "expires", expires_us);
  data = g_key_file_to_data (keys, &length, NULL);
  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static void
session_forget (void)
{
  g_autofree char *path = crmctl_session_path ();

  g_unlink (path);
}

static char *
server_label (CrmctlContext *ctx)
{
  if (strchr (ctx->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", ctx->host, ctx->port);
  return g_strdup_printf ("%s:%u", ctx->host, ctx->port);
}

gboolean
crmctl_resolve_server (CrmctlContext *ctx, GError **error)
{
  g_autoptr(GSocketConnectable) address = NULL;
  g_autofree char *remembered = NULL;
  const char *text = ctx->server;

  if (ctx->host != NULL)
    return TRUE;
  if (text == NULL)
    {
      g_autoptr(GKeyFile) session = session_load ();

      if (session != NULL)
        remembered = g_key_file_get_string (session, SESSION_GROUP, "server", NULL);
      text = remembered != NULL ? remembered : "localhost";
    }
  address = g_network_address_parse (text, CRMCTL_DEFAULT_PORT, NULL);
  if (address == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a server address; use HOST or HOST:PORT."), text);
      return FALSE;
    }
  ctx->host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (address)));
  ctx->port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
  if (ctx->port == 0)
    ctx->port = CRMCTL_DEFAULT_PORT;
  return TRUE;
}

gboolean
crmctl_connect (CrmctlContext *ctx, GError **error)
{
  g_autofree char *trust_path = crm_trust_store_default_path ();
  g_autoptr(CrmTrustStore) trust = crm_trust_store_new (trust_path);
  g_autofree char *locale = crmctl_context_dup_locale (ctx);
  g_autoptr(GError) local_error = NULL;

  if (ctx->connection != NULL)
    return TRUE;
  if (!crmctl_resolve_server (ctx, error))
    return FALSE;

  ctx->connection = crm_connection_new_sync (ctx->host, ctx->port, trust,
                                             ctx->trust_new_server, locale,
                                             NULL, &local_error);
  if (ctx->connection != NULL)
    return TRUE;

  if (g_error_matches (local_error, CRM_ERROR, CRM_ERROR_CERTIFICATE_UNKNOWN))
    {
      g_autofree char *label = server_label (ctx);
      const char *fingerprint = crm_trust_store_get_last_seen (trust, label);

      g_set_error (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_UNKNOWN,
                   _("The server %s is not known yet; its certificate fingerprint is\n  %s\n"
                     "Check it with the administrator, then run again with --trust-new-server."),
                   label, fingerprint != NULL ? fingerprint : local_error->message);
      return FALSE;
    }
  if (g_error_matches (local_error, CRM_ERROR, CRM_ERROR_CERTIFICATE_CHANGED))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_CHANGED,
                   _("%s\nIf the administrator replaced the certificate, remove the server "
                     "from %s and connect again."),
                   local_error->message, trust_path);
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void
set_not_signed_in (GError **error)
{
  g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN,
                       _("You are not signed in; run “crmctl login” first."));
}

gboolean
crmctl_connect_resumed (CrmctlContext *ctx, GError **error)
{
  g_autoptr(GKeyFile) session = session_load ();
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!crmctl_resolve_server (ctx, error))
    return FALSE;
  label = server_label (ctx);
  if (session != NULL)
    {
      server = g_key_file_get_string (session, SESSION_GROUP, "server", NULL);
      token = g_key_file_get_string (session, SESSION_GROUP, "token", NULL);
    }
  if (token == NULL || server == NULL || *token == '\0')
    {
      set_not_signed_in (error);
      return FALSE;
    }
  if (ctx->server != NULL)
    {
      g_autoptr(GSocketConnectable) saved = g_network_address_parse (server, CRMCTL_DEFAULT_PORT, NULL);

      if (saved == NULL ||
          g_strcmp0 (g_network_address_get_hostname (G_NETWORK_ADDRESS (saved)), ctx->host) != 0 ||
          g_network_address_get_port (G_NETWORK_ADDRESS (saved)) != ctx->port)
        {
          g_set_error (error, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN,
                       _("You are not signed in to %s; run “crmctl login” first."), label);
          return FALSE;
        }
    }

  if (!crmctl_connect (ctx, error))
    return FALSE;
  reply = crm_connection_call_sync (ctx->connection, CRM_MSG_AUTH_RESUME,
                                    g_variant_new ("(s)", token), NULL, &local_error);
  if (reply != NULL)
    return TRUE;
  if (g_error_matches (local_error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED) ||
      g_error_matches (local_error, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN) ||
      g_error_matches (local_error, CRM_ERROR, CRM_ERROR_AUTH_FAILED))
    {
      session_forget ();
      g_set_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED,
                   _("Your session has expired or was ended; sign in again with “crmctl login”."));
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Reads one line without echo when stdin is a terminal. */
static char *
read_password (CrmctlContext *ctx, GError **error)
{
  g_autofree char *line = NULL;
  char buffer[1024];
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  gboolean echo_off = FALSE;

  if (ctx->password_file != NULL)
    {
      g_autofree char *contents = NULL;
      char *end;

      if (!g_file_get_contents (ctx->password_file, &contents, NULL, error))
        return NULL;
      end = strpbrk (contents, "\r\n");
      if (end != NULL)
        *end = '\0';
      return g_steal_pointer (&contents);
    }

  if (tty)
    {
      fprintf (stderr, _("Password: "));
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
  if (fgets (buffer, sizeof buffer, stdin) != NULL)
    line = g_strdup (buffer);
  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fputc ('\n', stderr);
    }
  memset (buffer, 0, sizeof buffer);
  if (line == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("No password given: use --password-file FILE or type it."));
      return NULL;
    }
  line[strcspn (line, "\r\n")] = '\0';
  return g_steal_pointer (&line);
}

int
crmctl_cmd_login (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *token, *login, *display_name;
  gint64 user_id, expires;

  if (argc > 1)
    return crmctl_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (ctx->user == NULL || *ctx->user == '\0')
    return crmctl_usage_error ("%s", _("login needs --user NAME."));
  if (!crmctl_connect (ctx, &error))
    return crmctl_report_error (ctx, error);
  password = read_password (ctx, &error);
  if (password == NULL)
    return crmctl_report_error (ctx, error);

  reply = crm_connection_login_sync (ctx->connection, ctx->user, password, NULL, &error);
  memset (password, 0, strlen (password));
  if (reply == NULL)
    return crmctl_report_error (ctx, error);

  g_variant_get (reply, "(&sx&s&s@asx)", &token, &user_id, &login, &display_name, NULL, &expires);
  label = server_label (ctx);
  if (!session_save (label, login, token, expires, &error))
    return crmctl_report_error (ctx, error);

  if (ctx->json)
    {
      g_autoptr(GVariantDict) dict = g_variant_dict_new (NULL);

      g_variant_dict_insert (dict, "server", "s", label);
      g_variant_dict_insert (dict, "user_id", "x", user_id);
      g_variant_dict_insert (dict, "login", "s", login);
      g_variant_dict_insert (dict, "display_name", "s", display_name);
      g_variant_dict_insert (dict, "expires", "x", expires);
      crmctl_print_json (g_variant_dict_end (dict), stdout);
    }
  else
    printf (_("Signed in to %s as %s (%s).\n"), label, login, display_name);
  return CRMCTL_EXIT_OK;
}

int
crmctl_cmd_logout (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  if (argc > 1)
    return crmctl_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (!crmctl_connect_resumed (ctx, &error))
    {
      /* Nothing to end: say so, but a script's "logout" should not fail. */
      if (g_error_matches (error, CRM_ERROR, CRM_ERROR_NOT_SIGNED_IN) ||
          g_error_matches (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED))
        {
          session_forget ();
          if (!ctx->json)
            printf ("%s\n", _("Not signed in."));
          return CRMCTL_EXIT_OK;
        }
      return crmctl_report_error (ctx, error);
    }
  reply = crm_connection_call_sync (ctx->connection, CRM_MSG_AUTH_LOGOUT, NULL, NULL, &error);
  session_forget ();
  if (reply == NULL)
    return crmctl_report_error (ctx, error);
  if (ctx->json)
    crmctl_print_json (reply, stdout);
  else
    printf ("%s\n", _("Signed out."));
  return CRMCTL_EXIT_OK;
}

int
crmctl_cmd_whoami (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantDict) dict = g_variant_dict_new (NULL);
  g_autoptr(GVariant) permissions = NULL;
  g_autoptr(GDateTime) expires_at = NULL;
  g_autofree char *expires_text = NULL;
  g_autofree char *label = NULL;
  const char *login, *display_name;
  gint64 user_id, expires;

  if (argc > 1)
    return crmctl_usage_error (_("Unexpected argument “%s”."), argv[1]);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);
  reply = crm_connection_call_sync (ctx->connection, CRM_MSG_AUTH_WHOAMI, NULL, NULL, &error);
  if (reply == NULL)
    return crmctl_report_error (ctx, error);

  /* The token is a credential: never print it. */
  g_variant_get (reply, "(sx&s&s@asx)", NULL, &user_id, &login, &display_name, &permissions, &expires);
  label = server_label (ctx);
  if (ctx->json)
    {
      g_variant_dict_insert (dict, "server", "s", label);
      g_variant_dict_insert (dict, "user_id", "x", user_id);
      g_variant_dict_insert (dict, "login", "s", login);
      g_variant_dict_insert (dict, "display_name", "s", display_name);
      g_variant_dict_insert_value (dict, "permissions", permissions);
      g_variant_dict_insert (dict, "expires", "x", expires);
      crmctl_print_json (g_variant_dict_end (dict), stdout);
      return CRMCTL_EXIT_OK;
    }

  expires_at = g_date_time_new_from_unix_local (expires / G_USEC_PER_SEC);
  expires_text = expires_at != NULL ? g_date_time_format (expires_at, "%Y-%m-%d %H:%M") : g_strdup ("?");
  {
    g_autofree const char **strv = g_variant_get_strv (permissions, NULL);
    g_autofree char *joined = g_strjoinv (" ", (char **) strv);
    g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
    const char *headers[] = { _("Server"), label };
    g_autoptr(CrmctlTable) table = crmctl_table_new (2, headers);
    const char *r1[] = { _("Login"), login };
    const char *r2[] = { C_("person", "Name"), display_name };
    const char *r3[] = { _("User ID"), id_text };
    const char *r4[] = { _("Session expires"), expires_text };
    const char *r5[] = { _("Permissions"), joined };

    crmctl_table_add_row (table, r1);
    crmctl_table_add_row (table, r2);
    crmctl_table_add_row (table, r3);
    crmctl_table_add_row (table, r4);
    crmctl_table_add_row (table, r5);
    crmctl_table_print (table, stdout);
  }
  return CRMCTL_EXIT_OK;
}
