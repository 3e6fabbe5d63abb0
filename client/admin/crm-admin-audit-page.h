/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminAuditPage: the audit log, newest first, filtered by user,
 * entity, action and a date range, with "load more" paging; the selected
 * entry's before/after difference is listed field by field.
 */
#define CRM_TYPE_ADMIN_AUDIT_PAGE (crm_admin_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminAuditPage, crm_admin_audit_page, CRM, ADMIN_AUDIT_PAGE, GtkBox)

GtkWidget *crm_admin_audit_page_new (CrmSession *session);

/* For tests. */
guint    crm_admin_audit_page_get_n_rows (CrmAdminAuditPage *self);
gboolean crm_admin_audit_page_select_row (CrmAdminAuditPage *self, guint position);
/* Number of changed fields shown for the selected entry. */
guint crm_admin_audit_page_get_n_changes (CrmAdminAuditPage *self);
/* Filters: entity code ("" = any), action code ("" = any). */
gboolean     crm_admin_audit_page_set_filter (CrmAdminAuditPage *self, const char *entity,
                                              const char *action);
GtkEditable *crm_admin_audit_page_get_date_entry (CrmAdminAuditPage *self, gboolean to);

/* Shared with the recycle bin. */
const char *crm_admin_entity_label (const char *entity);
const char *crm_admin_action_label (const char *action);

G_END_DECLS
