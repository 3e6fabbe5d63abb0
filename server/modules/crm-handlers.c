/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-handlers"
#include "config.h"

#include "crm-modules.h"
#include "settings/crm-sensitive.h"

void
crm_modules_init (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
#ifdef CRM_HAVE_CUSTOMERS
  crm_customers_module_init ();
#endif
#ifdef CRM_HAVE_TEAM
  crm_team_module_init ();
#endif
#ifdef CRM_HAVE_CONTACTS
  crm_contacts_module_init ();
#endif
#ifdef CRM_HAVE_CALLS
  crm_calls_module_init ();
#endif
  g_once_init_leave (&done, 1);
}

static CrmHandlerFunc handler_for (CrmMessageId id);

/* Runs the message's handler, then hides the sensitive members this
 * session may not read (settings/crm-sensitive.h). */
static GVariant *
filtered_handler (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  GVariant *reply = handler_for (ctx->message->id) (db, ctx, request, error);

  if (reply == NULL)
    return NULL;
  return crm_sensitive_filter (ctx->session, reply);
}

/* Message id → handler.  hello and ping are answered by the network side.
 * The first lookup starts the modules. */
CrmHandlerFunc
crm_handlers_lookup (CrmMessageId id)
{
  CrmHandlerFunc handler;

  crm_modules_init ();
  handler = handler_for (id);
  if (handler != NULL && crm_sensitive_any ())
    return filtered_handler;
  return handler;
}

static CrmHandlerFunc
handler_for (CrmMessageId id)
{
  switch (id)
    {
#ifdef CRM_HAVE_AUTH
    case CRM_MSG_AUTH_LOGIN:           return crm_auth_login;
    case CRM_MSG_AUTH_RESUME:          return crm_auth_resume;
    case CRM_MSG_AUTH_LOGOUT:          return crm_auth_logout;
    case CRM_MSG_AUTH_CHANGE_PASSWORD: return crm_auth_change_password;
    case CRM_MSG_AUTH_WHOAMI:          return crm_auth_whoami;
#endif
    case CRM_MSG_HEALTH:               return crm_health;
    case CRM_MSG_PERMISSION_CATALOGUE: return crm_permission_catalogue;
#ifdef CRM_HAVE_CUSTOMERS
    case CRM_MSG_CUSTOMER_GET:         return crm_customer_get;
    case CRM_MSG_CUSTOMER_LIST:        return crm_customer_list;
    case CRM_MSG_CUSTOMER_SEARCH:      return crm_customer_search;
    case CRM_MSG_CUSTOMER_CREATE:      return crm_customer_create;
    case CRM_MSG_CUSTOMER_UPDATE:      return crm_customer_update;
    case CRM_MSG_CUSTOMER_DELETE:      return crm_customer_delete;
    case CRM_MSG_CUSTOMER_COUNT:       return crm_customer_count;
    case CRM_MSG_CUSTOMER_IMPORT:      return crm_customer_import;
    case CRM_MSG_CUSTOMER_EXPORT:      return crm_customer_export;
    case CRM_MSG_CUSTOMER_SEEK:        return crm_customer_seek;
#endif
#ifdef CRM_HAVE_USERS
    case CRM_MSG_USER_CREATE:          return crm_user_create;
    case CRM_MSG_USER_LIST:            return crm_user_list;
    case CRM_MSG_USER_UNLOCK:          return crm_user_unlock;
    case CRM_MSG_ROLE_LIST:            return crm_role_list;
    case CRM_MSG_DEPARTMENT_LIST:      return crm_department_list;
    case CRM_MSG_DEPARTMENT_CREATE:    return crm_department_create;
#endif
#ifdef CRM_HAVE_TEAM
    case CRM_MSG_DEPARTMENT_UPDATE:    return crm_department_update;
    case CRM_MSG_DEPARTMENT_DELETE:    return crm_department_delete;
    case CRM_MSG_USER_UPDATE:          return crm_user_update;
    case CRM_MSG_USER_SET_DISABLED:    return crm_user_set_disabled;
    case CRM_MSG_USER_RESET_PASSWORD:  return crm_user_reset_password;
    case CRM_MSG_USER_LOGIN_HISTORY:   return crm_user_login_history;
    case CRM_MSG_SESSION_LIST:         return crm_session_list;
    case CRM_MSG_SESSION_REVOKE:       return crm_session_revoke;
    case CRM_MSG_DEVICE_LIST:          return crm_device_list;
    case CRM_MSG_DEVICE_APPROVE:       return crm_device_approve;
    case CRM_MSG_ROLE_CREATE:          return crm_role_create;
    case CRM_MSG_ROLE_UPDATE:          return crm_role_update;
    case CRM_MSG_ROLE_DELETE:          return crm_role_delete;
#endif
#ifdef CRM_HAVE_SETTINGS
    case CRM_MSG_CHOICE_LIST:          return crm_choice_list;
    case CRM_MSG_CHOICE_SAVE:          return crm_choice_save;
    case CRM_MSG_CUSTOM_FIELD_LIST:    return crm_custom_field_list;
    case CRM_MSG_CUSTOM_FIELD_SAVE:    return crm_custom_field_save;
    case CRM_MSG_CUSTOM_FIELD_RETIRE:  return crm_custom_field_retire;
    case CRM_MSG_NUMBERING_GET:        return crm_numbering_get;
    case CRM_MSG_NUMBERING_SAVE:       return crm_numbering_save;
    case CRM_MSG_ENTRY_RULE_GET:       return crm_entry_rule_get;
    case CRM_MSG_ENTRY_RULE_SAVE:      return crm_entry_rule_save;
    case CRM_MSG_SETTING_GET:          return crm_setting_get;
    case CRM_MSG_SETTING_SET:          return crm_setting_set;
#endif
#ifdef CRM_HAVE_AUDIT
    case CRM_MSG_AUDIT_LIST:           return crm_audit_list;
    case CRM_MSG_RECYCLE_LIST:         return crm_recycle_list;
    case CRM_MSG_RECYCLE_RESTORE:      return crm_recycle_restore;
    case CRM_MSG_RECYCLE_PURGE:        return crm_recycle_purge;
    case CRM_MSG_RECYCLE_KINDS:        return crm_recycle_kinds;
#endif
#ifdef CRM_HAVE_CALLS
    case CRM_MSG_CALL_LOOKUP:           return crm_call_lookup;
    case CRM_MSG_CALL_LOG:              return crm_call_log;
    case CRM_MSG_CALL_LIST:             return crm_call_list;
    case CRM_MSG_CALL_STATS:            return crm_call_stats;
    case CRM_MSG_CALL_DELETE_RECORDING: return crm_call_delete_recording;
    case CRM_MSG_CALL_SETTINGS_GET:     return crm_call_settings_get;
    case CRM_MSG_CALL_SETTINGS_SET:     return crm_call_settings_set;
    case CRM_MSG_CALL_PURGE_RECORDINGS: return crm_call_purge_recordings;
    case CRM_MSG_BLACKLIST_LIST:        return crm_blacklist_list;
    case CRM_MSG_BLACKLIST_SAVE:        return crm_blacklist_save;
    case CRM_MSG_BLACKLIST_DELETE:      return crm_blacklist_delete;
    case CRM_MSG_BLACKLIST_CHECK:       return crm_blacklist_check;
#endif
#ifdef CRM_HAVE_CONTACTS
    case CRM_MSG_CONTACT_LIST:          return crm_contact_list;
    case CRM_MSG_CONTACT_GET:           return crm_contact_get;
    case CRM_MSG_CONTACT_CREATE:        return crm_contact_create;
    case CRM_MSG_CONTACT_UPDATE:        return crm_contact_update;
    case CRM_MSG_CONTACT_DELETE:        return crm_contact_delete;
    case CRM_MSG_FOLLOWUP_LIST:         return crm_followup_list;
    case CRM_MSG_FOLLOWUP_GET:          return crm_followup_get;
    case CRM_MSG_FOLLOWUP_CREATE:       return crm_followup_create;
    case CRM_MSG_FOLLOWUP_UPDATE:       return crm_followup_update;
    case CRM_MSG_FOLLOWUP_DELETE:       return crm_followup_delete;
#endif
    default:
      return NULL;
    }
}
