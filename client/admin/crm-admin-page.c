/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include "crm-admin-page.h"

G_DEFINE_INTERFACE (CrmAdminPage, crm_admin_page, GTK_TYPE_WIDGET)

static void
crm_admin_page_default_init (CrmAdminPageInterface *iface)
{
}

void
crm_admin_page_reload (CrmAdminPage *self)
{
  g_return_if_fail (CRM_IS_ADMIN_PAGE (self));

  if (CRM_ADMIN_PAGE_GET_IFACE (self)->reload)
    CRM_ADMIN_PAGE_GET_IFACE (self)->reload (self);
}

gboolean
crm_admin_page_watches_entity (CrmAdminPage *self, const char *entity)
{
  g_return_val_if_fail (CRM_IS_ADMIN_PAGE (self), FALSE);

  if (CRM_ADMIN_PAGE_GET_IFACE (self)->watches_entity == NULL)
    return FALSE;
  return CRM_ADMIN_PAGE_GET_IFACE (self)->watches_entity (self, entity);
}

gboolean
crm_admin_page_is_busy (CrmAdminPage *self)
{
  g_return_val_if_fail (CRM_IS_ADMIN_PAGE (self), FALSE);

  if (CRM_ADMIN_PAGE_GET_IFACE (self)->is_busy == NULL)
    return FALSE;
  return CRM_ADMIN_PAGE_GET_IFACE (self)->is_busy (self);
}
