/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/* Call statistics (call.stats) by person, day or hour of the day: calls,
 * answered, missed and talk time, within the user's call scope.
 * Actions (prefix "stats."): refresh. */
#define CRM_TYPE_CALL_STATS_PAGE (crm_call_stats_page_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallStatsPage, crm_call_stats_page, CRM, CALL_STATS_PAGE, GtkBox)

CrmCallStatsPage *crm_call_stats_page_new (CrmSession *session);
/* "user", "day" or "hour". */
void        crm_call_stats_page_set_group (CrmCallStatsPage *self, const char *group);
GListModel *crm_call_stats_page_get_model (CrmCallStatsPage *self);

G_END_DECLS
