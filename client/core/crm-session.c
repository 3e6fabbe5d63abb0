/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-session"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crm-session.h"

#define DEFAULT_PORT 7420
#define MAX_BACKOFF_S 30

struct _CrmSession
{
  GObject          parent_instance;

  CrmTrustStore   *trust;
  char            *locale;

  char            *address;
  char            *host;
  guint16          port;

  char            *token;
  char            *login;
  char            *display_name;
  gint64           user_id;
  GStrv            permissions;   /* sorted */

  CrmConnection   *connection;
  gulong           push_handler;
  gulong           closed_handler;

  CrmSessionState  state;
  GQueue           waiting;       /* GTask*: calls waiting for a connection */
  guint            retry_source;
  guint            attempt;
  guint            retry_in;
  GCancellable    *reconnect_cancellable;
};

G_DEFINE_FINAL_TYPE (CrmSession, crm_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_DISPLAY_NAME,
  PROP_RETRY_IN,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PUSH,
  SIGNAL_SIGNED_OUT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct {
  guint     message_id;
  GVariant *body;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_clear_pointer (&call->body, g_variant_unref);
  g_free (call);
}

static void reconnect_begin (CrmSession *self);

static void
set_state (CrmSession      *self,
           CrmSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_retry_in (CrmSession *self,
              guint       seconds)
{
  if (self->retry_in == seconds)
    return;
  self->retry_in = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_IN]);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adopts a "(sxssasx)" session reply. */
static void
adopt_session_reply (CrmSession *self,
                     GVariant   *reply)
{
  const char *token, *login, *display_name;
  g_autofree const char **perms = NULL;
  gint64 user_id, expires;
  gsize n_perms;

  g_variant_get (reply, "(&sx&s&s^a&sx)", &token, &user_id, &login,
                 &display_name, &perms, &expires);
  n_perms = perms ? g_strv_length ((char **) perms) : 0;

  g_free (self->token);
  self->token = g_strdup (token);
  g_free (self->login);
  self->login = g_strdup (login);
  self->user_id = user_id;
  g_strfreev (self->permissions);
  self->permissions = g_new0 (char *, n_perms + 1);
  for (gsize i = 0; i < n_perms; i++)
    self->permissions[i] = g_strdup (perms[i]);
  qsort (self->permissions, n_perms, sizeof (char *), compare_strings);

  if (g_strcmp0 (self->display_name, display_name) != 0)
    {
      g_free (self->display_name);
      self->display_name = g_strdup (display_name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
    }
}

static void
on_push (CrmConnection *connection,
         guint          message_id,
         GVariant      *body,
         CrmSession    *self)
{
  if (message_id == CRM_MSG_PUSH_PERMISSIONS &&
      g_variant_is_of_type (body, G_VARIANT_TYPE ("(as)")))
    {
      g_autofree const char **perms = NULL;
      gsize n;

      g_variant_get (body, "(^a&s)", &perms);
      n = g_strv_length ((char **) perms);
      g_strfreev (self->permissions);
      self->permissions = g_new0 (char *, n + 1);
      for (gsize i = 0; i < n; i++)
        self->permissions[i] = g_strdup (perms[i]);
      qsort (self->permissions, n, sizeof (char *), compare_strings);
    }

  g_signal_emit (self, signals[SIGNAL_PUSH], 0, message_id, body);

  if (message_id == CRM_MSG_PUSH_SIGNED_OUT)
    {
      const char *reason = NULL;
      g_autoptr(GError) error = NULL;

      if (g_variant_is_of_type (body, G_VARIANT_TYPE ("(s)")))
        g_variant_get (body, "(&s)", &reason);
      error = g_error_new (CRM_ERROR, CRM_ERROR_SESSION_EXPIRED, "%s",
                           reason && *reason ? reason : _("The server ended the session."));
      crm_session_sign_out (self);
      g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, error);
    }
}

static void
on_closed (CrmConnection *connection,
           const GError  *reason,
           CrmSession    *self)
{
  if (connection != self->connection)
    return;
  g_debug ("connection closed: %s", reason ? reason->message : "(no reason)");
  reconnect_begin (self);
}

static void
drop_connection (CrmSession *self)
{
  g_autoptr(CrmConnection) connection = g_steal_pointer (&self->connection);

  if (connection == NULL)
    return;
  g_clear_signal_handler (&self->push_handler, connection);
  g_clear_signal_handler (&self->closed_handler, connection);
  crm_connection_close (connection);
}

static void dispatch (CrmSession *self, GTask *task);

static void
adopt_connection (CrmSession    *self,
                  CrmConnection *connection)
{
  drop_connection (self);
  self->connection = g_object_ref (connection);
  self->push_handler = g_signal_connect (connection, "push", G_CALLBACK (on_push), self);
  self->closed_handler = g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  self->attempt = 0;
  set_retry_in (self, 0);
  set_state (self, CRM_SESSION_STATE_ONLINE);

  /* Replay in order; a call may fail again and requeue itself. */
  while (self->state == CRM_SESSION_STATE_ONLINE && !g_queue_is_empty (&self->waiting))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->waiting);
      dispatch (self, g_steal_pointer (&task));
    }
}

static void
fail_waiting (CrmSession   *self,
              const GError *error)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->waiting)))
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

static void
give_up (CrmSession   *self,
         const GError *error)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_retry_in (self, 0);
  drop_connection (self);
  set_state (self, CRM_SESSION_STATE_OFFLINE);
  fail_waiting (self, error);
  g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, error);
}

/* Errors after which retrying cannot help: the user must act. */
static gboolean
error_is_final (const GError *error)
{
  return g_error_matches (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED) ||
         g_error_matches (error, CRM_ERROR, CRM_ERROR_AUTH_FAILED) ||
         g_error_matches (error, CRM_ERROR, CRM_ERROR_ACCOUNT_LOCKED) ||
         g_error_matches (error, CRM_ERROR, CRM_ERROR_ACCOUNT_DISABLED) ||
         g_error_matches (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_CHANGED) ||
         g_error_matches (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_UNKNOWN) ||
         g_error_matches (error, CRM_ERROR, CRM_ERROR_VERSION);
}

static void schedule_retry (CrmSession *self);

/* A reconnection attempt failed: gives up when retrying cannot help, else
 * tries again later. */
static void
reconnect_failed (CrmSession   *self,
                  const GError *error)
{
  if (error_is_final (error))
    give_up (self, error);
  else
    schedule_retry (self);
}

static void
resume_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CrmSession) self = user_data;
  CrmConnection *connection = CRM_CONNECTION (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = crm_connection_call_finish (connection, result, &error);
  if (self->state != CRM_SESSION_STATE_RECONNECTING)
    return;
  if (reply == NULL)
    {
      crm_connection_close (connection);
      reconnect_failed (self, error);
      return;
    }
  adopt_session_reply (self, reply);
  g_debug ("session resumed after %u attempt(s)", self->attempt + 1);
  adopt_connection (self, connection);
}

static void
reconnect_connected_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(CrmSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) connection = NULL;

  connection = crm_connection_new_finish (result, &error);
  if (self->state != CRM_SESSION_STATE_RECONNECTING)
    {
      if (connection)
        crm_connection_close (connection);
      return;
    }
  if (connection == NULL)
    {
      reconnect_failed (self, error);
      return;
    }
  crm_connection_call_async (connection, CRM_MSG_AUTH_RESUME,
                             g_variant_new ("(s)", self->token ? self->token : ""),
                             self->reconnect_cancellable, resume_cb, g_object_ref (self));
}

static gboolean
retry_cb (gpointer user_data)
{
  CrmSession *self = user_data;

  self->retry_source = 0;
  set_retry_in (self, 0);
  crm_connection_new_async (self->host, self->port, self->trust, FALSE, self->locale,
                            self->reconnect_cancellable, reconnect_connected_cb,
                            g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CrmSession *self)
{
  guint delay_ms;

  /* 0.25 s, then 1, 2, 4 … 30 s: quick after a blip, gentle on a server
   * that is down. */
  if (self->attempt == 0)
    delay_ms = 250;
  else
    delay_ms = MIN (MAX_BACKOFF_S, 1u << MIN (self->attempt - 1, 5u)) * 1000;
  self->attempt++;
  set_retry_in (self, (delay_ms + 999) / 1000);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add (delay_ms, retry_cb, self);
}

static void
reconnect_begin (CrmSession *self)
{
  if (self->state != CRM_SESSION_STATE_ONLINE)
    return;
  drop_connection (self);
  set_state (self, CRM_SESSION_STATE_RECONNECTING);
  self->attempt = 0;
  schedule_retry (self);
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrmSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);
  if (reply != NULL)
    {
      g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
      return;
    }

  /* Lost with the connection: wait for the next one and replay (mutating
   * requests carry their idempotency key, so a replay cannot double-write). */
  if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CLOSED) &&
      !g_task_return_error_if_cancelled (task) &&
      (self->state == CRM_SESSION_STATE_ONLINE || self->state == CRM_SESSION_STATE_RECONNECTING))
    {
      if (self->connection == CRM_CONNECTION (source))
        reconnect_begin (self);
      if (self->state == CRM_SESSION_STATE_RECONNECTING)
        {
          g_queue_push_tail (&self->waiting, g_steal_pointer (&task));
          return;
        }
      dispatch (self, g_steal_pointer (&task));
      return;
    }
  if (task != NULL && !g_task_had_error (task))
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Takes ownership of `task`. */
static void
dispatch (CrmSession *self,
          GTask      *task)
{
  Call *call = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  crm_connection_call_async (self->connection, call->message_id,
                             g_variant_ref (call->body),
                             g_task_get_cancellable (task), call_done_cb, task);
}

void
crm_session_call_async (CrmSession          *self,
                        guint                message_id,
                        GVariant            *body,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (CRM_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_session_call_async);
  call = g_new0 (Call, 1);
  call->message_id = message_id;
  call->body = g_variant_ref_sink (body ? body : g_variant_new ("()"));
  g_task_set_task_data (task, call, call_free);

  switch (self->state)
    {
    case CRM_SESSION_STATE_ONLINE:
      dispatch (self, g_steal_pointer (&task));
      break;
    case CRM_SESSION_STATE_RECONNECTING:
      g_queue_push_tail (&self->waiting, g_steal_pointer (&task));
      break;
    case CRM_SESSION_STATE_OFFLINE:
    case CRM_SESSION_STATE_CONNECTING:
    default:
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_CLOSED, "%s",
                               _("You are not signed in."));
      break;
    }
}

GVariant *
crm_session_call_finish (CrmSession    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
crm_session_parse_address (const char  *address,
                           char       **out_host,
                           guint16     *out_port,
                           GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (address ? address : ""));
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GError) local_error = NULL;

  if (*trimmed == '\0')
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                   _("Enter the server address, for example crm.example.com:7420."));
      return FALSE;
    }
  connectable = g_network_address_parse (trimmed, DEFAULT_PORT, &local_error);
  if (connectable == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                   _("“%s” is not a valid server address."), trimmed);
      return FALSE;
    }
  *out_host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)));
  *out_port = g_network_address_get_port (G_NETWORK_ADDRESS (connectable));
  if (*out_port == 0)
    *out_port = DEFAULT_PORT;
  return TRUE;
}

typedef struct {
  char          *user;
  char          *password;
  CrmConnection *connection;
} SignIn;

static void
sign_in_free (gpointer data)
{
  SignIn *s = data;

  g_free (s->user);
  if (s->password)
    memset (s->password, 0, strlen (s->password));
  g_free (s->password);
  if (s->connection)
    crm_connection_close (s->connection);
  g_clear_object (&s->connection);
  g_free (s);
}

static void
sign_in_login_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrmSession *self = g_task_get_source_object (task);
  SignIn *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = crm_connection_login_finish (CRM_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      set_state (self, CRM_SESSION_STATE_OFFLINE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  adopt_session_reply (self, reply);
  adopt_connection (self, s->connection);
  g_clear_object (&s->connection);
  g_task_return_boolean (task, TRUE);
}


/* The key naming this installation for device binding (账号绑定电脑):
 * generated once, kept in the user's configuration, sent with every
 * sign-in.  NULL when it can be neither read nor written; the server then
 * treats the client as unenrolled. */
static const char *
installation_key (void)
{
  static char *key;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  if (key != NULL)
    return key;
  path = g_build_filename (g_get_user_config_dir (), "jinke-crm", "installation-key", NULL);
  if (g_file_get_contents (path, &contents, NULL, NULL))
    {
      g_strstrip (contents);
      if (strlen (contents) >= 16 && strlen (contents) <= 128
          && strspn (contents, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
             == strlen (contents))
        return key = g_steal_pointer (&contents);
    }
  contents = g_uuid_string_random ();
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                    &error))
    {
      g_warning ("Cannot keep the installation key in %s: %s", path,
                 error ? error->message : g_strerror (errno));
      return NULL;
    }
  return key = g_steal_pointer (&contents);
}

static void
sign_in_connected_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CrmSession *self = g_task_get_source_object (task);
  SignIn *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  s->connection = crm_connection_new_finish (result, &error);
  if (s->connection == NULL)
    {
      set_state (self, CRM_SESSION_STATE_OFFLINE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  crm_connection_set_client_key (s->connection, installation_key ());
  crm_connection_login_async (s->connection, s->user, s->password,
                              g_task_get_cancellable (task), sign_in_login_cb,
                              g_object_ref (task));
}

void
crm_session_sign_in_async (CrmSession          *self,
                           const char          *address,
                           const char          *user,
                           const char          *password,
                           gboolean             trust_first_use,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;
  SignIn *s;

  g_return_if_fail (CRM_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, crm_session_sign_in_async);

  if (!crm_session_parse_address (address, &host, &port, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (user == NULL || *user == '\0')
    {
      g_task_return_error (task, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "user", "%s",
                                                      _("Enter your user name.")));
      return;
    }
  if (password == NULL || *password == '\0')
    {
      g_task_return_error (task, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "password", "%s",
                                                      _("Enter your password.")));
      return;
    }

  crm_session_sign_out (self);
  g_free (self->address);
  self->address = g_strdup_printf ("%s:%u", host, port);
  g_free (self->host);
  self->host = g_steal_pointer (&host);
  self->port = port;

  s = g_new0 (SignIn, 1);
  s->user = g_strdup (user);
  s->password = g_strdup (password);
  g_task_set_task_data (task, s, sign_in_free);

  set_state (self, CRM_SESSION_STATE_CONNECTING);
  crm_connection_new_async (self->host, self->port, self->trust, trust_first_use,
                            self->locale, cancellable, sign_in_connected_cb,
                            g_steal_pointer (&task));
}

gboolean
crm_session_sign_in_finish (CrmSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
crm_session_sign_out (CrmSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CRM_IS_SESSION (self));

  g_cancellable_cancel (self->reconnect_cancellable);
  g_clear_object (&self->reconnect_cancellable);
  self->reconnect_cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->retry_source, g_source_remove);
  set_retry_in (self, 0);

  if (self->connection && self->state == CRM_SESSION_STATE_ONLINE)
    crm_connection_call_async (self->connection, CRM_MSG_AUTH_LOGOUT, NULL, NULL, NULL, NULL);
  drop_connection (self);
  g_clear_pointer (&self->token, g_free);
  if (self->state != CRM_SESSION_STATE_CONNECTING)
    set_state (self, CRM_SESSION_STATE_OFFLINE);

  error = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED, "%s", _("You signed out."));
  fail_waiting (self, error);
}

CrmSessionState
crm_session_get_state (CrmSession *self)
{
  g_return_val_if_fail (CRM_IS_SESSION (self), CRM_SESSION_STATE_OFFLINE);
  return self->state;
}

const char *
crm_session_get_address (CrmSession *self)
{
  return self->address;
}

const char *
crm_session_get_login (CrmSession *self)
{
  return self->login;
}

const char *
crm_session_get_display_name (CrmSession *self)
{
  return self->display_name;
}

gint64
crm_session_get_user_id (CrmSession *self)
{
  return self->user_id;
}

gboolean
crm_session_has_permission (CrmSession *self,
                            const char *permission)
{
  g_return_val_if_fail (CRM_IS_SESSION (self), FALSE);

  if (self->permissions == NULL || permission == NULL)
    return FALSE;
  return bsearch (&permission, self->permissions, g_strv_length (self->permissions),
                  sizeof (char *), compare_strings) != NULL;
}

CrmTrustStore *
crm_session_get_trust_store (CrmSession *self)
{
  return self->trust;
}

CrmConnection *
crm_session_get_connection (CrmSession *self)
{
  return self->connection;
}

guint
crm_session_get_retry_in (CrmSession *self)
{
  return self->retry_in;
}

CrmSession *
crm_session_new (CrmTrustStore *trust,
                 const char    *locale)
{
  CrmSession *self = g_object_new (CRM_TYPE_SESSION, NULL);

  self->trust = trust ? g_object_ref (trust) : NULL;
  self->locale = g_strdup (locale ? locale : "");
  return self;
}

static void
crm_session_dispose (GObject *object)
{
  CrmSession *self = CRM_SESSION (object);
  g_autoptr(GError) error = g_error_new (CRM_ERROR, CRM_ERROR_CLOSED, "%s",
                                         _("The connection was closed."));

  g_cancellable_cancel (self->reconnect_cancellable);
  g_clear_object (&self->reconnect_cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_connection (self);
  fail_waiting (self, error);
  g_clear_object (&self->trust);

  G_OBJECT_CLASS (crm_session_parent_class)->dispose (object);
}

static void
crm_session_finalize (GObject *object)
{
  CrmSession *self = CRM_SESSION (object);

  g_free (self->locale);
  g_free (self->address);
  g_free (self->host);
  g_free (self->token);
  g_free (self->login);
  g_free (self->display_name);
  g_strfreev (self->permissions);

  G_OBJECT_CLASS (crm_session_parent_class)->finalize (object);
}

static void
crm_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CrmSession *self = CRM_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_RETRY_IN:
      g_value_set_uint (value, self->retry_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_session_class_init (CrmSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_session_dispose;
  object_class->finalize = crm_session_finalize;
  object_class->get_property = crm_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, CRM_SESSION_STATE_RECONNECTING,
                       CRM_SESSION_STATE_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_IN] =
    g_param_spec_uint ("retry-in", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PUSH] =
    g_signal_new ("push", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_VARIANT);
  signals[SIGNAL_SIGNED_OUT] =
    g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
crm_session_init (CrmSession *self)
{
  g_queue_init (&self->waiting);
  self->reconnect_cancellable = g_cancellable_new ();
}
