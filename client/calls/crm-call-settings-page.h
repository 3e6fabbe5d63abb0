/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCallSettingsPage: the administrator's call-center settings
 * (call.settings_get / call.settings_set): how long recordings are kept,
 * how long a deleted recording's file waits, the office's area code; and
 * the retention pass run now (POST /recordings/purge).  Shown to users
 * with "settings.manage".
 * Actions (prefix "callsettings."): save, purge.
 */
#define CRM_TYPE_CALL_SETTINGS_PAGE (crm_call_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallSettingsPage, crm_call_settings_page, CRM, CALL_SETTINGS_PAGE, GtkBox)

CrmCallSettingsPage *crm_call_settings_page_new (CrmSession *session, const char *http_base);

/* For the tests. */
GtkSpinButton *crm_call_settings_page_get_retention  (CrmCallSettingsPage *self);
GtkSpinButton *crm_call_settings_page_get_grace      (CrmCallSettingsPage *self);
GtkEditable   *crm_call_settings_page_get_area_code  (CrmCallSettingsPage *self);
const char    *crm_call_settings_page_get_status     (CrmCallSettingsPage *self);
/* TRUE once the settings were read from the server. */
gboolean       crm_call_settings_page_is_loaded      (CrmCallSettingsPage *self);

G_END_DECLS
