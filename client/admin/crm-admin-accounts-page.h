/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-admin-user-dialog.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminAccountsPage: the user list with create, edit, disable, reset
 * password (the temporary password is shown once), unlock; below it the
 * selected user's sign-in history and active sessions (with forced
 * sign-out), and the client installations awaiting approval.
 */
#define CRM_TYPE_ADMIN_ACCOUNTS_PAGE (crm_admin_accounts_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminAccountsPage, crm_admin_accounts_page, CRM, ADMIN_ACCOUNTS_PAGE,
                      GtkBox)

GtkWidget *crm_admin_accounts_page_new (CrmSession *session);

/* For tests. */
gboolean crm_admin_accounts_page_select_login (CrmAdminAccountsPage *self, const char *login);
gint64   crm_admin_accounts_page_find_login (CrmAdminAccountsPage *self, const char *login);
/* The open create/edit dialog, or NULL. */
CrmAdminUserDialog *crm_admin_accounts_page_get_dialog (CrmAdminAccountsPage *self);
/* The last temporary password shown (NULL before any reset). */
const char *crm_admin_accounts_page_get_temporary_password (CrmAdminAccountsPage *self);
GtkWindow  *crm_admin_accounts_page_get_password_dialog (CrmAdminAccountsPage *self);
guint       crm_admin_accounts_page_get_n_sessions (CrmAdminAccountsPage *self);
guint       crm_admin_accounts_page_get_n_history (CrmAdminAccountsPage *self);
/* "history", "sessions" or "devices". */
void crm_admin_accounts_page_show_tab (CrmAdminAccountsPage *self, const char *tab);

G_END_DECLS

G_BEGIN_DECLS
/* Selects row `position` of the sessions list (for tests). */
gboolean crm_admin_accounts_page_select_session (CrmAdminAccountsPage *self, guint position);
G_END_DECLS
