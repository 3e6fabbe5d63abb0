/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-auth"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "crm-modules.h"
#include "team/crm-admin-util.h"

/*
 * Sign-in, sessions and passwords.  A session token is 32 random bytes
 * (base64url) handed to the client once; only its SHA-256 is stored.
 */

#define MAX_FAILURES 5
#define LOCK_MINUTES "15"
/* Failed sign-ins from one address in 10 minutes before it is throttled. */
#define PEER_FAILURE_LIMIT 30
#define MIN_PASSWORD_CHARS 8
#define MAX_PASSWORD_BYTES 256

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
token_new (void)
{
  guchar raw[32];
  g_autofree char *b64 = NULL;

  randombytes_buf (raw, sizeof raw);
  b64 = g_base64_encode (raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  /* Drop the padding: base64url without '='. */
  for (char *p = b64; *p; p++)
    if (*p == '=')
      {
        *p = '\0';
        break;
      }
  return g_steal_pointer (&b64);
}

/* "1.2.3.4:567" → "1.2.3.4"; "[::1]:567" → "::1". */
static char *
peer_host (const char *peer)
{
  const char *colon;

  if (peer == NULL)
    return g_strdup ("");
  if (peer[0] == '[')
    {
      const char *end = strchr (peer, ']');
      return end ? g_strndup (peer + 1, end - peer - 1) : g_strdup (peer);
    }
  colon = strrchr (peer, ':');
  if (colon != NULL && strchr (peer, ':') == colon)
    return g_strndup (peer, colon - peer);
  return g_strdup (peer);
}

GStrv crm_auth_load_permissions (CrmDb *db, gint64 user_id, GError **error);

GStrv
crm_auth_load_permissions (CrmDb *db, gint64 user_id, GError **error)
{
  g_autofree char *uid = crm_db_int64_to_string (user_id);
  const char *params[] = { uid };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "auth_permissions",
                 /* roles ∪ grants − denials (migration 0010) */
                 "SELECT permission FROM crm_user_permissions ($1) ORDER BY 1",
                 1, params, error);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (res == NULL)
    return NULL;
  for (int i = 0; i < PQntuples (res); i++)
    g_strv_builder_add (b, PQgetvalue (res, i, 0));
  return g_strv_builder_end (b);
}

static GVariant *
session_reply (const char *token, const CrmSession *s)
{
  return g_variant_new ("(sxss^asx)", token, s->user_id, s->login, s->display_name,
                        s->permissions, s->expires_us);
}

static void
record_attempt (CrmDb *db, const char *login, gint64 user_id, const char *peer,
                gboolean success, const char *reason)
{
  g_autofree char *uid = user_id ? crm_db_int64_to_string (user_id) : NULL;
  g_autofree char *host = peer_host (peer);
  const char *params[] = { login, uid, host, success ? "t" : "f", reason };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "auth_history",
                 "INSERT INTO login_history (login, user_id, peer, success, reason)"
                 " VALUES ($1, $2, $3, $4, $5)", 5, params, NULL);
}

static const char *
dummy_hash (void)
{
  static gsize hash = 0;

  if (g_once_init_enter (&hash))
    {
      char *h = crm_password_hash ("not a password of anyone");
      g_once_init_leave (&hash, (gsize) (h ? h : g_strdup ("-")));
    }
  return (const char *) hash;
}

static GError *
auth_failed (void)
{
  return g_error_new (CRM_ERROR, CRM_ERROR_AUTH_FAILED, _("Wrong user name or password"));
}

static GError *
locked_error (gint64 until_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (until_us / G_USEC_PER_SEC);
  g_autofree char *when = g_date_time_format (dt, "%Y-%m-%d %H:%M");

  return g_error_new (CRM_ERROR, CRM_ERROR_ACCOUNT_LOCKED,
                      _("Too many failed sign-ins: the account is locked until %s"), when);
}

/* Creates the session row and ctx->new_session. */
static CrmSession *
open_session (CrmDb *db, CrmRequestContext *ctx, gint64 user_id, char **token_out,
              GError **error)
{
  g_autofree char *token = token_new ();
  g_autofree char *hash = token_hash (token);
  g_autofree char *uid = crm_db_int64_to_string (user_id);
  const char *params[] = { hash, uid, ctx->peer_address };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "auth_open_session",
                 "WITH s AS (INSERT INTO sessions (token_hash, user_id, expires, peer)"
                 "  VALUES ($1, $2, now () + interval '12 hours', $3) RETURNING expires)"
                 " SELECT extract (epoch FROM s.expires), u.login, u.display_name,"
                 "  u.department_id, u.must_change_password"
                 " FROM s, users u WHERE u.id = $2", 3, params, error);
  GStrv perms;
  CrmSession *session;

  if (res == NULL)
    return NULL;
  perms = crm_auth_load_permissions (db, user_id, error);
  if (perms == NULL)
    return NULL;
  session = crm_session_new (hash, user_id, crm_db_get_int64 (res, 0, 3),
                             crm_db_get_string (res, 0, 1), crm_db_get_string (res, 0, 2),
                             perms, crm_db_get_epoch_us (res, 0, 0),
                             crm_db_get_bool (res, 0, 4));
  *token_out = g_steal_pointer (&token);
  return session;
}

GVariant *
crm_auth_login (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *login, *password, *client, *client_version;
  g_autofree char *host = peer_host (ctx->peer_address);
  g_autoptr(PGresult) throttle = NULL;
  g_autoptr(PGresult) user = NULL;
  g_autofree char *token = NULL;
  CrmSession *session;
  gint64 user_id;
  gboolean ok;

  g_variant_get (request, "(&s&s&s&s)", &login, &password, &client, &client_version);
  if (*login == '\0' || strlen (login) > 64 || strlen (password) > MAX_PASSWORD_BYTES)
    {
      g_propagate_error (error, auth_failed ());
      return NULL;
    }

  {
    const char *params[] = { host };
    throttle = crm_db_exec (db, "auth_throttle",
                            "SELECT count(*) FROM login_history WHERE peer = $1 AND NOT success"
                            " AND at > now () - interval '10 minutes'", 1, params, error);
    if (throttle == NULL)
      return NULL;
    if (crm_db_get_int64 (throttle, 0, 0) >= PEER_FAILURE_LIMIT)
      {
        g_set_error (error, CRM_ERROR, CRM_ERROR_RATE_LIMITED,
                     _("Too many failed sign-ins from this computer; please wait a few minutes"));
        return NULL;
      }
  }

  {
    const char *params[] = { login };
    user = crm_db_exec (db, "auth_user",
                        "SELECT id, password_hash, disabled, locked_until > now (),"
                        " extract (epoch FROM locked_until), failed_logins"
                        " FROM users WHERE login = $1 FOR UPDATE", 1, params, error);
    if (user == NULL)
      return NULL;
  }
  crm_db_commit_on_error (db);
  if (PQntuples (user) != 1)
    {
      /* Same cost as a real check, so timing does not reveal logins. */
      crm_password_verify (dummy_hash (), password);
      record_attempt (db, login, 0, ctx->peer_address, FALSE, "unknown user");
      g_propagate_error (error, auth_failed ());
      return NULL;
    }
  user_id = crm_db_get_int64 (user, 0, 0);
  if (crm_db_get_bool (user, 0, 3))
    {
      record_attempt (db, login, user_id, ctx->peer_address, FALSE, "locked");
      g_propagate_error (error, locked_error (crm_db_get_epoch_us (user, 0, 4)));
      return NULL;
    }

  ok = crm_password_verify (crm_db_get_string (user, 0, 1), password);
  if (!ok)
    {
      g_autofree char *uid = crm_db_int64_to_string (user_id);
      const char *params[] = { uid };
      g_autoptr(PGresult) upd =
        crm_db_exec (db, "auth_fail",
                     "UPDATE users SET"
                     " failed_logins = CASE WHEN failed_logins + 1 >= " G_STRINGIFY (MAX_FAILURES)
                     "   THEN 0 ELSE failed_logins + 1 END,"
                     " locked_until = CASE WHEN failed_logins + 1 >= " G_STRINGIFY (MAX_FAILURES)
                     "   THEN now () + interval '" LOCK_MINUTES " minutes' ELSE NULL END"
                     " WHERE id = $1 RETURNING extract (epoch FROM locked_until)",
                     1, params, error);
      if (upd == NULL)
        return NULL;
      record_attempt (db, login, user_id, ctx->peer_address, FALSE, "wrong password");
      if (!PQgetisnull (upd, 0, 0))
        g_propagate_error (error, locked_error (crm_db_get_epoch_us (upd, 0, 0)));
      else
        g_propagate_error (error, auth_failed ());
      return NULL;
    }
  if (crm_db_get_bool (user, 0, 2))
    {
      record_attempt (db, login, user_id, ctx->peer_address, FALSE, "disabled");
      g_set_error (error, CRM_ERROR, CRM_ERROR_ACCOUNT_DISABLED,
                   _("This account is disabled; ask your administrator"));
      return NULL;
    }

#ifdef CRM_HAVE_TEAM
  /* Device binding (team/crm-devices.c): enrols the installation, refuses
   * it until an administrator approves. */
  if (!crm_team_device_check (db, user_id, client, error))
    {
      record_attempt (db, login, user_id, ctx->peer_address, FALSE, "device not approved");
      return NULL;
    }
#endif
  {
    g_autofree char *uid = crm_db_int64_to_string (user_id);
    const char *params[] = { uid };
    g_autoptr(PGresult) upd =
      crm_db_exec (db, "auth_success",
                   "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                   1, params, error);
    if (upd == NULL)
      return NULL;
  }
  session = open_session (db, ctx, user_id, &token, error);
  if (session == NULL)
    return NULL;
#ifdef CRM_HAVE_TEAM
  if (!crm_team_session_set_client (db, session->token_hash, client, client_version, error))
    {
      crm_session_unref (session);
      return NULL;
    }
#endif
#ifdef CRM_HAVE_TEAM
  {
    /* The history names the program, not its device key. */
    g_autofree char *program = NULL, *device_key = NULL;

    crm_team_split_client (client, &program, &device_key);
    record_attempt (db, login, user_id, ctx->peer_address, TRUE, program);
  }
#else
  record_attempt (db, login, user_id, ctx->peer_address, TRUE, client);
#endif
  g_clear_pointer (&ctx->new_session, crm_session_unref);
  ctx->new_session = session;
  return session_reply (token, session);
}

GVariant *
crm_auth_resume (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *token;
  g_autofree char *hash = NULL;
  g_autoptr(PGresult) res = NULL;
  GStrv perms;
  gint64 user_id;

  g_variant_get (request, "(&s)", &token);
  if (*token == '\0' || strlen (token) > 128)
    goto expired;
  hash = token_hash (token);
  {
    const char *params[] = { hash };
    res = crm_db_exec (db, "auth_resume",
                       "UPDATE sessions s SET last_seen = now (),"
                       " expires = now () + interval '12 hours'"
                       " FROM users u WHERE s.token_hash = $1 AND u.id = s.user_id"
                       " AND NOT s.revoked AND s.expires > now () AND NOT u.disabled"
                       " RETURNING s.user_id, extract (epoch FROM s.expires), u.login,"
                       " u.display_name, u.department_id, u.must_change_password",
                       1, params, error);
    if (res == NULL)
      return NULL;
  }
  if (PQntuples (res) != 1)
    goto expired;
  user_id = crm_db_get_int64 (res, 0, 0);
  perms = crm_auth_load_permissions (db, user_id, error);
  if (perms == NULL)
    return NULL;
  g_clear_pointer (&ctx->new_session, crm_session_unref);
  ctx->new_session = crm_session_new (hash, user_id, crm_db_get_int64 (res, 0, 4),
                                      crm_db_get_string (res, 0, 2),
                                      crm_db_get_string (res, 0, 3), perms,
                                      crm_db_get_epoch_us (res, 0, 1),
                                      crm_db_get_bool (res, 0, 5));
  return session_reply (token, ctx->new_session);

expired:
  g_set_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED,
               _("Your session has expired; please sign in again"));
  return NULL;
}

GVariant *
crm_auth_logout (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  if (!crm_admin_revoke_sessions (db, ctx->session->user_id, NULL, ctx->session->token_hash,
                                  "signed-out", error))
    return NULL;
  g_clear_pointer (&ctx->new_session, crm_session_unref);
  ctx->signed_out = TRUE;
  return g_variant_new ("()");
}

/* Re-reads the session's user and permissions, so that whoami (and the
 * server's push.permissions refresh, which runs it) reflect role, grant
 * and account changes made since sign-in. */
GVariant *
crm_auth_whoami (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  CrmSession *s = ctx->new_session ? ctx->new_session : ctx->session;
  g_autofree char *uid = crm_db_int64_to_string (s->user_id);
  const char *params[] = { s->token_hash, uid };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "auth_whoami",
                 "SELECT u.disabled, u.must_change_password, coalesce (u.department_id, 0),"
                 " u.display_name, EXISTS (SELECT 1 FROM sessions WHERE token_hash = $1"
                 "  AND NOT revoked AND expires > now ())"
                 " FROM users u WHERE u.id = $2", 2, params, error);
  GStrv perms;

  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1 || !crm_db_get_bool (res, 0, 4))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED,
                   _("Your session has expired; please sign in again"));
      return NULL;
    }
  if (crm_db_get_bool (res, 0, 0))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_ACCOUNT_DISABLED,
                   _("This account is disabled; ask your administrator"));
      return NULL;
    }
  perms = crm_auth_load_permissions (db, s->user_id, error);
  if (perms == NULL)
    return NULL;
  {
    CrmSession *fresh = crm_session_new (s->token_hash, s->user_id, crm_db_get_int64 (res, 0, 2),
                                         s->login, crm_db_get_string (res, 0, 3), perms,
                                         s->expires_us, crm_db_get_bool (res, 0, 1));
    g_clear_pointer (&ctx->new_session, crm_session_unref);
    ctx->new_session = fresh;
  }
  return session_reply ("", ctx->new_session);
}

/* Shared with user.create. */
gboolean crm_auth_check_new_password (const char *password, const char *field, GError **error);

gboolean
crm_auth_check_new_password (const char *password, const char *field, GError **error)
{
  if (!g_utf8_validate (password, -1, NULL) ||
      g_utf8_strlen (password, -1) < MIN_PASSWORD_CHARS || strlen (password) > MAX_PASSWORD_BYTES)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, field,
                         _("The password must have at least %d characters"), MIN_PASSWORD_CHARS));
      return FALSE;
    }
  return TRUE;
}

GVariant *
crm_auth_change_password (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *old_password, *new_password;
  g_autofree char *uid = crm_db_int64_to_string (ctx->session->user_id);
  g_autofree char *hash = NULL;
  g_autoptr(PGresult) res = NULL;
  CrmSession *s = ctx->session;

  g_variant_get (request, "(&s&s&s)", &key, &old_password, &new_password);
  {
    const char *params[] = { uid };
    res = crm_db_exec (db, "auth_pw_current",
                       "SELECT password_hash FROM users WHERE id = $1 FOR UPDATE",
                       1, params, error);
    if (res == NULL)
      return NULL;
  }
  if (PQntuples (res) != 1 || strlen (old_password) > MAX_PASSWORD_BYTES ||
      !crm_password_verify (crm_db_get_string (res, 0, 0), old_password))
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_AUTH_FAILED, "old_password",
                                                     _("The current password is wrong")));
      return NULL;
    }
  if (!crm_auth_check_new_password (new_password, "new_password", error))
    return NULL;
  if (strcmp (old_password, new_password) == 0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "new_password",
                         _("The new password must differ from the current one")));
      return NULL;
    }
  hash = crm_password_hash (new_password);
  if (hash == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("Internal server error"));
      return NULL;
    }
  {
    const char *params[] = { uid, hash };
    g_autoptr(PGresult) upd =
      crm_db_exec (db, "auth_pw_set",
                   "UPDATE users SET password_hash = $2, must_change_password = false"
                   " WHERE id = $1", 2, params, error);
    if (upd == NULL)
      return NULL;
  }
  /* Other devices signed in with the old password are signed out. */
  if (!crm_admin_revoke_sessions (db, s->user_id, s->token_hash, NULL, "password-changed", error) ||
      !crm_db_audit (db, ctx, "change_password", "user", s->user_id, NULL, NULL, error))
    return NULL;
  g_clear_pointer (&ctx->new_session, crm_session_unref);
  ctx->new_session = crm_session_new (s->token_hash, s->user_id, s->department_id, s->login,
                                      s->display_name, g_strdupv (s->permissions),
                                      s->expires_us, FALSE);
  return g_variant_new ("()");
}
