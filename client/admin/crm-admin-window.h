/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-admin-page.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminWindow: the admin console — a sidebar of pages (team, accounts,
 * roles, settings, audit, recycle bin), each shown only with its
 * permission.  Pages reload on push.record_changed for their entities and
 * when the signed-in user's permissions change.
 */
#define CRM_TYPE_ADMIN_WINDOW (crm_admin_window_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminWindow, crm_admin_window, CRM, ADMIN_WINDOW, GtkWindow)

CrmAdminWindow *crm_admin_window_new (GtkApplication *application, CrmSession *session);
CrmSession     *crm_admin_window_get_session (CrmAdminWindow *self);

/* Page names: "team", "accounts", "roles", "settings", "audit", "recycle". */
CrmAdminPage *crm_admin_window_get_page (CrmAdminWindow *self, const char *name);
void          crm_admin_window_show_page (CrmAdminWindow *self, const char *name);
gboolean      crm_admin_window_is_busy (CrmAdminWindow *self);

void crm_admin_window_show_message (CrmAdminWindow *self, const char *text, gboolean is_error);
/* The banner's text, or NULL when hidden (for tests). */
const char *crm_admin_window_get_message (CrmAdminWindow *self);
gboolean    crm_admin_window_message_is_error (CrmAdminWindow *self);

/* TRUE when `session` may see at least one console page. */
gboolean crm_admin_window_session_allowed (CrmSession *session);

G_END_DECLS

G_BEGIN_DECLS
/* Adds the `app.admin-console` action to `application`: enabled while the
 * session has an admin permission (following push.permissions), it opens
 * or presents the console. */
void crm_admin_window_install_action (GtkApplication *application, CrmSession *session);
/* The open console of `application`, or NULL. */
CrmAdminWindow *crm_admin_window_find (GtkApplication *application);
G_END_DECLS
