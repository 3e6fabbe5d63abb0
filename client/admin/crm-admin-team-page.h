/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminTeamPage: the department tree (departments and the groups in
 * them) with create, rename, move and delete, and the people of the
 * selected department with their leader and status.
 */
#define CRM_TYPE_ADMIN_TEAM_PAGE (crm_admin_team_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminTeamPage, crm_admin_team_page, CRM, ADMIN_TEAM_PAGE, GtkBox)

GtkWidget *crm_admin_team_page_new (CrmSession *session);

/* For tests and the accounts page. */
GtkEditable *crm_admin_team_page_get_name_entry (CrmAdminTeamPage *self);
/* 0 when none is selected. */
gint64   crm_admin_team_page_get_selected_id (CrmAdminTeamPage *self);
gboolean crm_admin_team_page_select (CrmAdminTeamPage *self, gint64 department_id);
/* The id of the department called `name`, or 0. */
gint64 crm_admin_team_page_find (CrmAdminTeamPage *self, const char *name);
/* Chooses the parent for "add" and "save" (0 = top level). */
gboolean crm_admin_team_page_set_parent (CrmAdminTeamPage *self, gint64 parent_id);
guint    crm_admin_team_page_get_n_people (CrmAdminTeamPage *self);

G_END_DECLS

G_BEGIN_DECLS
/* Chooses "group" (TRUE) or "department" for "add" and "save". */
void         crm_admin_team_page_set_group (CrmAdminTeamPage *self, gboolean group);
GtkEditable *crm_admin_team_page_get_branch_entry (CrmAdminTeamPage *self);
G_END_DECLS
