/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_ACCOUNTS_PAGE (crm_admin_accounts_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminAccountsPage, crm_admin_accounts_page, CRM, ADMIN_ACCOUNTS_PAGE, GtkBox)

GtkWidget *crm_admin_accounts_page_new (CrmSession *session);

G_END_DECLS
