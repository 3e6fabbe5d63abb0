/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminRecyclePage: deleted records (who deleted what, when), newest
 * first with "load more"; restore, or purge for good after a confirmation.
 */
#define CRM_TYPE_ADMIN_RECYCLE_PAGE (crm_admin_recycle_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminRecyclePage, crm_admin_recycle_page, CRM, ADMIN_RECYCLE_PAGE, GtkBox)

GtkWidget *crm_admin_recycle_page_new (CrmSession *session);

/* For tests. */
guint crm_admin_recycle_page_get_n_rows (CrmAdminRecyclePage *self);
/* Selects the deleted record titled `title`. */
gboolean crm_admin_recycle_page_select (CrmAdminRecyclePage *self, const char *title);
/* Filters by one kind ("" = every kind); FALSE when the server offers no
 * such kind (yet: the kinds arrive with the page's first load). */
gboolean crm_admin_recycle_page_show_kind (CrmAdminRecyclePage *self, const char *entity);

G_END_DECLS
