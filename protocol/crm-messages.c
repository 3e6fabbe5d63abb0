/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-protocol"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-messages.h"

/*
 * The single declaration of every message.  Server dispatch, permission
 * checks, audit, idempotency, crmctl and the permission catalogue read it;
 * README.md "Messages" documents each row.
 *
 * Records travel as "a{sv}" so that custom fields can be added without a
 * protocol change; the keys of each entity are listed in README.md.
 * Mutating requests begin with the idempotency key "s".
 */
#define SESSION_REPLY "(sxssasx)" /* token, user id, login, display name, permissions, expires (unix µs) */

static const CrmMessageInfo messages[] = {
  { CRM_MSG_HELLO, "hello", "(qqss)", "(qsx)", NULL, CRM_MSG_FLAG_PREAUTH,
    N_("Negotiate the protocol version") },
  { CRM_MSG_PING, "ping", "()", "()", NULL, CRM_MSG_FLAG_PREAUTH,
    N_("Check that the server answers") },

  { CRM_MSG_AUTH_LOGIN, "auth.login", "(ssss)", SESSION_REPLY, NULL, CRM_MSG_FLAG_PREAUTH,
    N_("Sign in") },
  { CRM_MSG_AUTH_RESUME, "auth.resume", "(s)", SESSION_REPLY, NULL, CRM_MSG_FLAG_PREAUTH,
    N_("Resume a session") },
  { CRM_MSG_AUTH_LOGOUT, "auth.logout", "()", "()", NULL, CRM_MSG_FLAG_NONE,
    N_("Sign out") },
  { CRM_MSG_AUTH_CHANGE_PASSWORD, "auth.change_password", "(sss)", "()", NULL, CRM_MSG_FLAG_MUTATES,
    N_("Change own password") },
  { CRM_MSG_AUTH_WHOAMI, "auth.whoami", "()", SESSION_REPLY, NULL, CRM_MSG_FLAG_NONE,
    N_("Describe the current session") },

  { CRM_MSG_HEALTH, "health", "()", "a{sv}", NULL, CRM_MSG_FLAG_NONE,
    N_("Server health") },
  { CRM_MSG_PERMISSION_CATALOGUE, "permission.catalogue", "()", "a(sss)", NULL, CRM_MSG_FLAG_NONE,
    N_("List every permission") },

  { CRM_MSG_CUSTOMER_GET, "customer.get", "(x)", "a{sv}", "customer.view", CRM_MSG_FLAG_NONE,
    N_("Read a customer") },
  /* sort column, descending, filters, cursor ("" = first page), limit (1–500)
   * → rows, next cursor ("" = end), estimated total */
  { CRM_MSG_CUSTOMER_LIST, "customer.list", "(sba{sv}si)", "(aa{sv}sx)", "customer.view", CRM_MSG_FLAG_NONE,
    N_("List customers") },
  /* query, filters, limit (1–200) → rows, best first */
  { CRM_MSG_CUSTOMER_SEARCH, "customer.search", "(sa{sv}i)", "aa{sv}", "customer.view", CRM_MSG_FLAG_NONE,
    N_("Search customers") },
  /* key, fields → id, version */
  { CRM_MSG_CUSTOMER_CREATE, "customer.create", "(sa{sv})", "(xx)", "customer.add", CRM_MSG_FLAG_MUTATES,
    N_("Add customers") },
  /* key, id, expected version, changed fields → new version */
  { CRM_MSG_CUSTOMER_UPDATE, "customer.update", "(sxxa{sv})", "(x)", "customer.edit", CRM_MSG_FLAG_MUTATES,
    N_("Edit customers") },
  /* key, id, expected version */
  { CRM_MSG_CUSTOMER_DELETE, "customer.delete", "(sxx)", "()", "customer.delete", CRM_MSG_FLAG_MUTATES,
    N_("Delete customers") },
  /* filters → count, estimated? */
  { CRM_MSG_CUSTOMER_COUNT, "customer.count", "(a{sv})", "(xb)", "customer.view", CRM_MSG_FLAG_NONE,
    N_("Count customers") },
  /* key, rows (≤ 5000 per request) → inserted, row errors (row index, field, message);
   * all or nothing: any row error inserts nothing */
  { CRM_MSG_CUSTOMER_IMPORT, "customer.import", "(saa{sv})", "(xa(uss))", "customer.import", CRM_MSG_FLAG_MUTATES,
    N_("Import customers") },
  /* filters, after id (0 = start), limit (1–5000) → rows in id order, last id (0 = end) */
  { CRM_MSG_CUSTOMER_EXPORT, "customer.export", "(a{sv}xi)", "(aa{sv}x)", "customer.export", CRM_MSG_FLAG_NONE,
    N_("Export customers") },

  /* key, fields (login, display_name, password, roles as, department_id, leader_id) → id */
  { CRM_MSG_USER_CREATE, "user.create", "(sa{sv})", "(x)", "user.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage user accounts") },
  { CRM_MSG_USER_LIST, "user.list", "()", "aa{sv}", "user.view", CRM_MSG_FLAG_NONE,
    N_("View user accounts") },
  { CRM_MSG_USER_UNLOCK, "user.unlock", "(sx)", "()", "user.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage user accounts") },
  { CRM_MSG_ROLE_LIST, "role.list", "()", "aa{sv}", "user.view", CRM_MSG_FLAG_NONE,
    N_("View roles") },
  { CRM_MSG_DEPARTMENT_LIST, "department.list", "()", "aa{sv}", NULL, CRM_MSG_FLAG_NONE,
    N_("View departments") },
  /* key, name, parent id (0 = top) → id */
  { CRM_MSG_DEPARTMENT_CREATE, "department.create", "(ssx)", "(x)", "team.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage departments") },

  /* entity, id, version, action ("create" | "update" | "delete" | "restore") */
  { CRM_MSG_PUSH_RECORD_CHANGED, "push.record_changed", NULL, "(sxxs)", NULL, CRM_MSG_FLAG_PUSH,
    N_("A record changed") },
  /* reason (translated) */
  { CRM_MSG_PUSH_SIGNED_OUT, "push.signed_out", NULL, "(s)", NULL, CRM_MSG_FLAG_PUSH,
    N_("The session was ended") },
  { CRM_MSG_PUSH_REMINDER, "push.reminder", NULL, "a{sv}", NULL, CRM_MSG_FLAG_PUSH,
    N_("A reminder is due") },
  /* the session's new permission list */
  { CRM_MSG_PUSH_PERMISSIONS, "push.permissions", NULL, "(as)", NULL, CRM_MSG_FLAG_PUSH,
    N_("Permissions changed") },
};

static const CrmPermissionInfo permissions[] = {
  { "customer.view",   "customer", N_("View customers") },
  { "customer.add",    "customer", N_("Add customers") },
  { "customer.edit",   "customer", N_("Edit customers") },
  { "customer.delete", "customer", N_("Delete customers") },
  { "customer.import", "customer", N_("Import customers") },
  { "customer.export", "customer", N_("Export customers") },
  { "user.view",       "user",     N_("View user accounts") },
  { "user.manage",     "user",     N_("Manage user accounts") },
  { "team.manage",     "team",     N_("Manage departments") },
};

const CrmMessageInfo *
crm_message_lookup (guint id)
{
  /* The table is small and sorted by id; a binary search keeps lookups
   * cheap as modules add messages. */
  gsize lo = 0, hi = G_N_ELEMENTS (messages);

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (messages[mid].id == id)
        return &messages[mid];
      if (messages[mid].id < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

const CrmMessageInfo *
crm_message_lookup_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (messages); i++)
    if (strcmp (messages[i].name, name) == 0)
      return &messages[i];
  return NULL;
}

const CrmMessageInfo *
crm_messages_all (gsize *n_messages)
{
  if (n_messages)
    *n_messages = G_N_ELEMENTS (messages);
  return messages;
}

const CrmPermissionInfo *
crm_permissions_all (gsize *n_permissions)
{
  if (n_permissions)
    *n_permissions = G_N_ELEMENTS (permissions);
  return permissions;
}

gboolean
crm_idempotency_key_is_valid (const char *key)
{
  gsize len;

  if (key == NULL)
    return FALSE;
  len = strlen (key);
  if (len < 16 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '-')
      return FALSE;
  return TRUE;
}
