/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-blacklist-page.h"
#include "crm-call-history-page.h"
#include "crm-call-settings-page.h"
#include "crm-call-stats-page.h"

G_BEGIN_DECLS

/* The call center's window: call history, statistics, blacklist (and the
 * administrator's settings) in a
 * stack.  Opened by the "app.call-history" action. */
#define CRM_TYPE_CALLS_WINDOW (crm_calls_window_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallsWindow, crm_calls_window, CRM, CALLS_WINDOW, GtkWindow)

CrmCallsWindow     *crm_calls_window_new (GtkApplication *app, CrmSession *session, const char *http_base);
CrmCallHistoryPage *crm_calls_window_get_history   (CrmCallsWindow *self);
CrmBlacklistPage   *crm_calls_window_get_blacklist (CrmCallsWindow *self);
CrmCallStatsPage   *crm_calls_window_get_stats     (CrmCallsWindow *self);
/* NULL unless the user has "settings.manage". */
CrmCallSettingsPage *crm_calls_window_get_settings  (CrmCallsWindow *self);
/* "history", "stats", "blacklist" or "settings". */
void                crm_calls_window_show_page (CrmCallsWindow *self, const char *name);

G_END_DECLS
