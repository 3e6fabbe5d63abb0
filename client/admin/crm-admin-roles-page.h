/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminRolesPage: the roles and, for the selected one, a permission
 * matrix — one row per catalogue entry, grouped by module, each with a
 * "granted" toggle and its data scope (own, own and subordinates',
 * department, all).  A new role starts from the matrix shown.
 */
#define CRM_TYPE_ADMIN_ROLES_PAGE (crm_admin_roles_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminRolesPage, crm_admin_roles_page, CRM, ADMIN_ROLES_PAGE, GtkBox)

GtkWidget *crm_admin_roles_page_new (CrmSession *session);

/* For tests. */
gboolean crm_admin_roles_page_select (CrmAdminRolesPage *self, const char *role_name);
/* Whether the list shows `role_name` (the selection is left alone). */
gboolean crm_admin_roles_page_has_role (CrmAdminRolesPage *self, const char *role_name);
/* Sets one matrix row (scope 0–3); FALSE for an unknown permission. */
gboolean     crm_admin_roles_page_set_grant (CrmAdminRolesPage *self, const char *permission,
                                             gboolean granted, guint scope);
gboolean     crm_admin_roles_page_get_grant (CrmAdminRolesPage *self, const char *permission,
                                             guint *scope);
GtkEditable *crm_admin_roles_page_get_entry (CrmAdminRolesPage *self, const char *field);

G_END_DECLS
