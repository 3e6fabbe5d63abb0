/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmBlacklistPage: 骚扰电话: the blacklist and the whitelist that
 * overrides it; numbers or prefixes ("0755*") with a reason.  Adding and
 * deleting need blacklist.manage.
 * Actions (prefix "blacklist."): add, delete, refresh.
 */
#define CRM_TYPE_BLACKLIST_PAGE (crm_blacklist_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmBlacklistPage, crm_blacklist_page, CRM, BLACKLIST_PAGE, GtkBox)

CrmBlacklistPage *crm_blacklist_page_new (CrmSession *session);

/* For the tests. */
GListModel  *crm_blacklist_page_get_model      (CrmBlacklistPage *self);
GtkEditable *crm_blacklist_page_get_pattern_entry (CrmBlacklistPage *self);
GtkEditable *crm_blacklist_page_get_reason_entry  (CrmBlacklistPage *self);
const char  *crm_blacklist_page_get_status     (CrmBlacklistPage *self);

G_END_DECLS
