/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-admin-choice-editor.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminSettingsPage: the settings every module reads — choice lists
 * (ordered, renamed, retired), custom fields per entity, numbering rules
 * with a live preview, entry rules and global switches.
 */
#define CRM_TYPE_ADMIN_SETTINGS_PAGE (crm_admin_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminSettingsPage, crm_admin_settings_page, CRM, ADMIN_SETTINGS_PAGE,
                      GtkBox)

GtkWidget *crm_admin_settings_page_new (CrmSession *session);

/* For tests.  Tabs: "choices", "fields", "numbering", "entry", "switches". */
void  crm_admin_settings_page_show_tab (CrmAdminSettingsPage *self, const char *tab);
guint crm_admin_settings_page_get_n_choices (CrmAdminSettingsPage *self);
/* The label entry of choice item `position` in the shown order. */
GtkEditable *crm_admin_settings_page_get_choice_entry (CrmAdminSettingsPage *self, guint position);
GtkEditable *crm_admin_settings_page_get_entry (CrmAdminSettingsPage *self, const char *field);
CrmAdminChoiceEditor *crm_admin_settings_page_get_choice_editor (CrmAdminSettingsPage *self);
const char           *crm_admin_settings_page_get_preview (CrmAdminSettingsPage *self);

G_END_DECLS

G_BEGIN_DECLS
/* For tests: the custom field with code `key`; a required-field check of
 * the entry rules; a global switch. */
gboolean   crm_admin_settings_page_select_field (CrmAdminSettingsPage *self, const char *key);
gboolean   crm_admin_settings_page_set_required (CrmAdminSettingsPage *self, const char *field,
                                                 gboolean required);
GtkSwitch *crm_admin_settings_page_get_switch (CrmAdminSettingsPage *self, const char *key);
G_END_DECLS
