/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-page.h"
#include "crm-admin-accounts-page.h"

struct _CrmAdminAccountsPage
{
  GtkBox parent_instance;
};

static void iface_init (CrmAdminPageInterface *iface) { }

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAdminAccountsPage, crm_admin_accounts_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_ADMIN_PAGE, iface_init))

static void crm_admin_accounts_page_class_init (CrmAdminAccountsPageClass *klass) { }
static void crm_admin_accounts_page_init (CrmAdminAccountsPage *self) { }

GtkWidget *
crm_admin_accounts_page_new (CrmSession *session)
{
  return g_object_new (CRM_TYPE_ADMIN_ACCOUNTS_PAGE, NULL);
}
