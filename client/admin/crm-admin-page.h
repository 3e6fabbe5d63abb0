/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * CrmAdminPage: what the console window asks of each of its pages —
 * reload from the server, and say whether a push.record_changed for an
 * entity concerns it.
 */
#define CRM_TYPE_ADMIN_PAGE (crm_admin_page_get_type ())
G_DECLARE_INTERFACE (CrmAdminPage, crm_admin_page, CRM, ADMIN_PAGE, GtkWidget)

struct _CrmAdminPageInterface
{
  GTypeInterface parent_iface;

  void (*reload) (CrmAdminPage *self);
  gboolean (*watches_entity) (CrmAdminPage *self, const char *entity);
  gboolean (*is_busy) (CrmAdminPage *self);
};

void     crm_admin_page_reload (CrmAdminPage *self);
gboolean crm_admin_page_watches_entity (CrmAdminPage *self, const char *entity);
/* TRUE while a request of the page is in flight (tests wait on it). */
gboolean crm_admin_page_is_busy (CrmAdminPage *self);

G_END_DECLS
