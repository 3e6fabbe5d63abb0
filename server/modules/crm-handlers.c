/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-handlers"
#include "config.h"

#include "crm-modules.h"

/* Message id → handler.  hello and ping are answered by the network side. */
CrmHandlerFunc
crm_handlers_lookup (CrmMessageId id)
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
#endif
#ifdef CRM_HAVE_USERS
    case CRM_MSG_USER_CREATE:          return crm_user_create;
    case CRM_MSG_USER_LIST:            return crm_user_list;
    case CRM_MSG_USER_UNLOCK:          return crm_user_unlock;
    case CRM_MSG_ROLE_LIST:            return crm_role_list;
    case CRM_MSG_DEPARTMENT_LIST:      return crm_department_list;
    case CRM_MSG_DEPARTMENT_CREATE:    return crm_department_create;
#endif
    default:
      return NULL;
    }
}
