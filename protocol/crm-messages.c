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
  /* key, rows (≤ 20000 per request) → inserted, row errors (row index, field, message);
   * all or nothing: any row error inserts nothing */
  { CRM_MSG_CUSTOMER_IMPORT, "customer.import", "(saa{sv})", "(xa(uss))", "customer.import", CRM_MSG_FLAG_MUTATES,
    N_("Import customers") },
  /* filters, after id (0 = start), limit (1–5000) → rows in id order, last id (0 = end) */
  { CRM_MSG_CUSTOMER_EXPORT, "customer.export", "(a{sv}xi)", "(aa{sv}x)", "customer.export", CRM_MSG_FLAG_NONE,
    N_("Export customers") },
  /* sort column, descending, filters, fraction (0.0–1.0) → a customer.list
   * cursor positioned about that far through the sorted list (from the
   * planner's statistics, not a count), and the estimated row number there;
   * lets a scrolled list jump without paging through everything before */
  { CRM_MSG_CUSTOMER_SEEK, "customer.seek", "(sba{sv}d)", "(sx)", "customer.view", CRM_MSG_FLAG_NONE,
    N_("List customers") },

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

  /* key, id, changed fields (display_name, department_id, leader_id, branch,
   * status, roles as, grants as, denials as, device_binding b) */
  { CRM_MSG_USER_UPDATE, "user.update", "(sxa{sv})", "()", "user.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage user accounts") },
  /* key, id, disabled */
  { CRM_MSG_USER_SET_DISABLED, "user.set_disabled", "(sxb)", "()", "user.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage user accounts") },
  /* key, id → temporary password (must be changed at next sign-in) */
  { CRM_MSG_USER_RESET_PASSWORD, "user.reset_password", "(sx)", "(s)", "user.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage user accounts") },
  /* user id (0 = everyone), limit → entries (user_id, login, at, peer, success, reason) */
  { CRM_MSG_USER_LOGIN_HISTORY, "user.login_history", "(xi)", "aa{sv}", "user.view", CRM_MSG_FLAG_NONE,
    N_("View user accounts") },
  /* user id (0 = everyone) → sessions (id, user_id, login, created_at, last_seen, peer, client) */
  { CRM_MSG_SESSION_LIST, "session.list", "(x)", "aa{sv}", "user.view", CRM_MSG_FLAG_NONE,
    N_("View user accounts") },
  /* key, session id → (); the session's clients get push.signed_out */
  { CRM_MSG_SESSION_REVOKE, "session.revoke", "(ss)", "()", "user.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage user accounts") },
  /* → enrolled client installations (id, user_id, login, client_key, name, approved, first_seen, last_seen) */
  { CRM_MSG_DEVICE_LIST, "device.list", "()", "aa{sv}", "user.view", CRM_MSG_FLAG_NONE,
    N_("View user accounts") },
  /* key, device id, approved */
  { CRM_MSG_DEVICE_APPROVE, "device.approve", "(sxb)", "()", "user.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage user accounts") },
  /* key, fields (name, display_name, grants a(su): permission, scope 0–3) → id */
  { CRM_MSG_ROLE_CREATE, "role.create", "(sa{sv})", "(x)", "role.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage roles and permissions") },
  { CRM_MSG_ROLE_UPDATE, "role.update", "(sxa{sv})", "()", "role.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage roles and permissions") },
  { CRM_MSG_ROLE_DELETE, "role.delete", "(sx)", "()", "role.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage roles and permissions") },
  /* key, id, changed fields (name, parent_id, kind "department"|"group", leader_id, branch, sort) */
  { CRM_MSG_DEPARTMENT_UPDATE, "department.update", "(sxa{sv})", "()", "team.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage departments") },
  /* key, id: refused while it has people or sub-departments */
  { CRM_MSG_DEPARTMENT_DELETE, "department.delete", "(sx)", "()", "team.manage", CRM_MSG_FLAG_MUTATES,
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

  /* caller number → match (customer_id, customer_name, owner_name,
   * contact_id, contact_name (the contact whose number it is),
   * primary_contact, primary_contact_phone, recent_followups aa{sv} (last
   * 3), blacklisted b, whitelisted b, normalized s); empty dict fields when
   * unknown */
  { CRM_MSG_CALL_LOOKUP, "call.lookup", "(s)", "a{sv}", "call.view", CRM_MSG_FLAG_NONE,
    N_("View call history") },
  /* key, call (direction in|out, status answered|missed|rejected|blocked|fax,
   * number, started_at, answered_at, ended_at x, device s, recording_sha256 s,
   * client_call_id s) → id */
  { CRM_MSG_CALL_LOG, "call.log", "(sa{sv})", "(x)", "call.log", CRM_MSG_FLAG_MUTATES,
    N_("Log calls") },
  /* filters (direction, status, user_id, customer_id, number, from, to), before id (0 = newest), limit → rows, next before id */
  { CRM_MSG_CALL_LIST, "call.list", "(a{sv}xi)", "(aa{sv}x)", "call.view", CRM_MSG_FLAG_NONE,
    N_("View call history") },
  /* filters, group by ("user"|"day"|"hour") → (label, calls, answered, missed, seconds) */
  { CRM_MSG_CALL_STATS, "call.stats", "(a{sv}s)", "a(sxxxx)", "call.view", CRM_MSG_FLAG_NONE,
    N_("View call history") },
  { CRM_MSG_CALL_DELETE_RECORDING, "call.delete_recording", "(sx)", "()", "call.recording.delete", CRM_MSG_FLAG_MUTATES,
    N_("Delete call recordings") },
  { CRM_MSG_BLACKLIST_LIST, "blacklist.list", "()", "aa{sv}", "call.view", CRM_MSG_FLAG_NONE,
    N_("View call history") },
  /* key, entry (id x: 0 = new, pattern s: number or prefix "0755*", kind "block"|"allow", reason s) → id */
  { CRM_MSG_BLACKLIST_SAVE, "blacklist.save", "(sa{sv})", "(x)", "blacklist.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage the blacklist") },
  { CRM_MSG_BLACKLIST_DELETE, "blacklist.delete", "(sx)", "()", "blacklist.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage the blacklist") },
  /* number → blocked?, reason */
  { CRM_MSG_BLACKLIST_CHECK, "blacklist.check", "(s)", "(bs)", "call.view", CRM_MSG_FLAG_NONE,
    N_("View call history") },
  { CRM_MSG_CALL_SETTINGS_GET, "call.settings_get", "()", "a{sv}", "call.view", CRM_MSG_FLAG_NONE,
    N_("View call history") },
  /* key, settings (retention_days i, …) */
  { CRM_MSG_CALL_SETTINGS_SET, "call.settings_set", "(sa{sv})", "()", "settings.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage settings") },
  /* key, files on disk (sha256, mtime µs) → expired x (recordings that just
   * passed the retention period), purge as (those files no call serves) */
  { CRM_MSG_CALL_PURGE_RECORDINGS, "call.purge_recordings", "(sa(sx))", "a{sv}", "settings.manage",
    CRM_MSG_FLAG_MUTATES, N_("Manage settings") },

  /* list name ("industry", "category", "source", "region", "value", "urgency", …)
   * → items (id, label, sort, retired) */
  { CRM_MSG_CHOICE_LIST, "choice.list", "(s)", "aa{sv}", NULL, CRM_MSG_FLAG_NONE,
    N_("Read choice lists") },
  /* key, list name, items (id 0 = new, label, sort, retired): renames keep records */
  { CRM_MSG_CHOICE_SAVE, "choice.save", "(ssaa{sv})", "()", "settings.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage settings") },
  /* entity → fields (id, key, label, type, required, choices as, retired, sort) */
  { CRM_MSG_CUSTOM_FIELD_LIST, "custom_field.list", "(s)", "aa{sv}", NULL, CRM_MSG_FLAG_NONE,
    N_("Read custom fields") },
  /* key, field (id 0 = new, entity, key, label, type, required, choices) → id */
  { CRM_MSG_CUSTOM_FIELD_SAVE, "custom_field.save", "(sa{sv})", "(x)", "settings.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage settings") },
  { CRM_MSG_CUSTOM_FIELD_RETIRE, "custom_field.retire", "(sx)", "()", "settings.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage settings") },
  /* entity → rule (prefix, date_pattern, width, reset "never"|"daily"|"monthly"|"yearly", next preview) */
  { CRM_MSG_NUMBERING_GET, "numbering.get", "(s)", "a{sv}", "settings.manage", CRM_MSG_FLAG_NONE,
    N_("Manage settings") },
  { CRM_MSG_NUMBERING_SAVE, "numbering.save", "(ssa{sv})", "()", "settings.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage settings") },
  /* entity → rules (required as, formats a{ss}, duplicate_name "allow"|"warn"|"forbid") */
  { CRM_MSG_ENTRY_RULE_GET, "entry_rule.get", "(s)", "a{sv}", NULL, CRM_MSG_FLAG_NONE,
    N_("Read entry rules") },
  { CRM_MSG_ENTRY_RULE_SAVE, "entry_rule.save", "(ssa{sv})", "()", "settings.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage settings") },
  /* → global switches (points_enabled b, …) */
  { CRM_MSG_SETTING_GET, "setting.get", "()", "a{sv}", NULL, CRM_MSG_FLAG_NONE,
    N_("Read settings") },
  { CRM_MSG_SETTING_SET, "setting.set", "(sa{sv})", "()", "settings.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage settings") },
  /* filters (user_id, entity, action, from, to), before id (0 = newest), limit → rows (with before/after JSON), next */
  { CRM_MSG_AUDIT_LIST, "audit.list", "(a{sv}xi)", "(aa{sv}x)", "audit.view", CRM_MSG_FLAG_NONE,
    N_("View the audit log") },
  /* entity ("" = all), before id, limit → deleted records (entity, id, title, deleted_by, deleted_at), next */
  { CRM_MSG_RECYCLE_LIST, "recycle.list", "(sxi)", "(aa{sv}x)", "recycle.manage", CRM_MSG_FLAG_NONE,
    N_("Manage the recycle bin") },
  { CRM_MSG_RECYCLE_RESTORE, "recycle.restore", "(ssx)", "()", "recycle.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage the recycle bin") },
  { CRM_MSG_RECYCLE_PURGE, "recycle.purge", "(ssx)", "()", "recycle.manage", CRM_MSG_FLAG_MUTATES,
    N_("Manage the recycle bin") },

  /* customer id → its live contacts (primary first), at most 500 */
  { CRM_MSG_CONTACT_LIST, "contact.list", "(x)", "aa{sv}", "contact.view", CRM_MSG_FLAG_NONE,
    N_("View contacts") },
  { CRM_MSG_CONTACT_GET, "contact.get", "(x)", "a{sv}", "contact.view", CRM_MSG_FLAG_NONE,
    N_("View contacts") },
  /* key, fields (customer_id x required, name, title, gender, phones as,
   * mobile, email, qq, wechat, birthday "YYYY-MM-DD", is_primary b, notes) → id, version */
  { CRM_MSG_CONTACT_CREATE, "contact.create", "(sa{sv})", "(xx)", "contact.add", CRM_MSG_FLAG_MUTATES,
    N_("Add contacts") },
  /* key, id, expected version, changed fields → new version */
  { CRM_MSG_CONTACT_UPDATE, "contact.update", "(sxxa{sv})", "(x)", "contact.edit", CRM_MSG_FLAG_MUTATES,
    N_("Edit contacts") },
  /* key, id, expected version (soft delete: recycle bin) */
  { CRM_MSG_CONTACT_DELETE, "contact.delete", "(sxx)", "()", "contact.delete", CRM_MSG_FLAG_MUTATES,
    N_("Delete contacts") },
  /* customer id, cursor ("" = newest), limit (1–200) → rows newest first, next cursor ("" = end) */
  { CRM_MSG_FOLLOWUP_LIST, "followup.list", "(xsi)", "(aa{sv}s)", "followup.view", CRM_MSG_FLAG_NONE,
    N_("View follow-ups") },
  { CRM_MSG_FOLLOWUP_GET, "followup.get", "(x)", "a{sv}", "followup.view", CRM_MSG_FLAG_NONE,
    N_("View follow-ups") },
  /* key, fields (customer_id x required, contact_id x, at x µs, method
   * "phone"|"visit"|"wechat"|"email"|"other", content, next_date "YYYY-MM-DD") → id, version */
  { CRM_MSG_FOLLOWUP_CREATE, "followup.create", "(sa{sv})", "(xx)", "followup.add", CRM_MSG_FLAG_MUTATES,
    N_("Write follow-ups") },
  { CRM_MSG_FOLLOWUP_UPDATE, "followup.update", "(sxxa{sv})", "(x)", "followup.edit", CRM_MSG_FLAG_MUTATES,
    N_("Edit follow-ups") },
  { CRM_MSG_FOLLOWUP_DELETE, "followup.delete", "(sxx)", "()", "followup.delete", CRM_MSG_FLAG_MUTATES,
    N_("Delete follow-ups") },

  /* → the kinds of record in the recycle bin this session sees (entity, translated label) */
  { CRM_MSG_RECYCLE_KINDS, "recycle.kinds", "()", "a(ss)", "recycle.manage", CRM_MSG_FLAG_NONE,
    N_("Manage the recycle bin") },
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
  { "role.manage",     "role",     N_("Manage roles and permissions") },
  { "settings.manage", "settings", N_("Manage settings") },
  { "audit.view",      "audit",    N_("View the audit log") },
  { "recycle.manage",  "recycle",  N_("Manage the recycle bin") },
  { "call.view",       "call",     N_("View call history") },
  { "call.view_all",   "call",     N_("View everyone's call history") },
  { "call.log",        "call",     N_("Log calls") },
  { "call.recording.listen", "call", N_("Listen to call recordings") },
  { "call.recording.delete", "call", N_("Delete call recordings") },
  { "blacklist.manage", "blacklist", N_("Manage the blacklist") },
  { "contact.view",    "contact",  N_("View contacts") },
  { "contact.add",     "contact",  N_("Add contacts") },
  { "contact.edit",    "contact",  N_("Edit contacts") },
  { "contact.delete",  "contact",  N_("Delete contacts") },
  { "followup.view",   "followup", N_("View follow-ups") },
  { "followup.add",    "followup", N_("Write follow-ups") },
  { "followup.edit",   "followup", N_("Edit follow-ups") },
  { "followup.delete", "followup", N_("Delete follow-ups") },
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
