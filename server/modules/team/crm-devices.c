/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-team"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-admin-util.h"

/*
 * Device binding (设备绑定): a user with device_binding signs in only from
 * client installations an administrator approved.  An installation names
 * itself by a client key sent with auth.login: the "client" member is
 * "<name>" or "<name>#<key>", the key 16–128 characters of [A-Za-z0-9_-]
 * that the client generates once and keeps (older clients send no key and
 * are refused for bound users).  The first sign-in with a new key enrols
 * the installation, unapproved.
 */

#define MIN_KEY 16
#define MAX_KEY 128

void
crm_team_split_client (const char *client, char **name, char **key)
{
  const char *hash = strrchr (client, '#');
  gsize       len;

  *key = NULL;
  if (hash == NULL)
    {
      *name = g_strndup (client, 100);
      return;
    }
  len = strlen (hash + 1);
  *name = g_strndup (client, MIN ((gsize)(hash - client), 100));
  if (len >= MIN_KEY && len <= MAX_KEY
      && strspn (hash + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
             == len)
    *key = g_strdup (hash + 1);
}

gboolean
crm_team_device_check (CrmDb *db, gint64 user_id, const char *client, GError **error)
{
  g_autofree char *uid = crm_db_int64_to_string (user_id);
  g_autofree char *name = NULL, *key = NULL;
  g_autoptr (PGresult) bound = NULL;
  g_autoptr (PGresult) res = NULL;

  {
    const char *params[] = { uid };
    bound = crm_db_exec (db, "team_device_binding",
                         "SELECT device_binding FROM users WHERE id = $1", 1, params, error);
  }
  if (bound == NULL)
    return FALSE;
  if (PQntuples (bound) != 1 || !crm_db_get_bool (bound, 0, 0))
    return TRUE;
  crm_team_split_client (client, &name, &key);
  if (key == NULL)
    {
      g_propagate_error (
          error,
          crm_error_new_field (CRM_ERROR_PERMISSION_DENIED, "client",
                               _ ("This account may sign in only from approved computers, and this "
                                  "program does not identify its computer; update the program")));
      return FALSE;
    }
  {
    const char *params[] = { uid, key, g_utf8_validate (name, -1, NULL) ? name : "" };
    res = crm_db_exec (db, "team_device_enrol",
                       "INSERT INTO devices AS d (user_id, client_key, name) VALUES ($1, $2, $3)"
                       " ON CONFLICT (user_id, client_key) DO UPDATE SET last_seen = now (),"
                       " name = excluded.name RETURNING d.approved",
                       3, params, error);
  }
  if (res == NULL)
    return FALSE;
  if (!crm_db_get_bool (res, 0, 0))
    {
      g_propagate_error (error,
                         crm_error_new_field (CRM_ERROR_PERMISSION_DENIED, "client",
                                              _ ("This computer is not approved for this account "
                                                 "yet; ask your administrator to approve it")));
      return FALSE;
    }
  return TRUE;
}

gboolean
crm_team_session_set_client (CrmDb *db, const char *token_hash, const char *client,
                             const char *client_version, GError **error)
{
  g_autofree char *name = NULL, *key = NULL;
  g_autofree char *label = NULL;
  g_autoptr (PGresult) res = NULL;

  crm_team_split_client (client, &name, &key);
  label = g_strdup_printf ("%s %.40s", name, client_version);
  if (!g_utf8_validate (label, -1, NULL))
    g_clear_pointer (&label, g_free);
  {
    const char *params[] = { token_hash, label ? label : "" };
    res = crm_db_exec (db, "team_session_client",
                       "UPDATE sessions SET client = $2 WHERE token_hash = $1", 2, params, error);
  }
  return res != NULL;
}
