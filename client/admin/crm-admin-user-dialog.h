/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-admin-record.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminUserDialog: creates a user or edits one — department, leader,
 * branch, status, roles, and per-user grants or denials on top of the
 * roles.  Sends user.create or user.update (only the changed fields) and
 * emits "saved" (gint64 id) before closing; a refused save stays open with
 * the server's message.
 */
#define CRM_TYPE_ADMIN_USER_DIALOG (crm_admin_user_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminUserDialog, crm_admin_user_dialog, CRM, ADMIN_USER_DIALOG, GtkWindow)

/* `user` NULL = a new user.  The models hold CrmAdminRecord rows of
 * user.list, department.list and role.list. */
CrmAdminUserDialog *crm_admin_user_dialog_new (GtkWindow *parent, CrmSession *session,
                                               CrmAdminRecord *user, GListModel *users,
                                               GListModel *departments, GListModel *roles);

/* For tests: "login", "display_name", "password", "branch". */
GtkEditable *crm_admin_user_dialog_get_entry (CrmAdminUserDialog *self, const char *field);
gboolean     crm_admin_user_dialog_set_department (CrmAdminUserDialog *self, gint64 department_id);
/* `role` is the role's name ("salesperson"). */
gboolean crm_admin_user_dialog_set_role (CrmAdminUserDialog *self, const char *role,
                                         gboolean granted);
/* 0 = as the roles say, 1 = grant, 2 = deny. */
gboolean    crm_admin_user_dialog_set_override (CrmAdminUserDialog *self, const char *permission,
                                                guint choice);
const char *crm_admin_user_dialog_get_error (CrmAdminUserDialog *self);
gboolean    crm_admin_user_dialog_is_busy (CrmAdminUserDialog *self);

G_END_DECLS
