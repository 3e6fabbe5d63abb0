/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-application.h"
#include "crm-customer-list-view.h"

G_BEGIN_DECLS

/*
 * CrmWindow: the main window: module sidebar, the signed-in user and the
 * connection state.  Window actions: win.search, win.new-customer, win.save,
 * win.refresh, win.close, win.sign-out (shortcuts set by CrmApplication).
 */
#define CRM_TYPE_WINDOW (crm_window_get_type ())
G_DECLARE_FINAL_TYPE (CrmWindow, crm_window, CRM, WINDOW, GtkApplicationWindow)

CrmWindow           *crm_window_new                (CrmApplication *app);
/* Called after a re-sign-in: refreshes what is shown, keeps open forms. */
void                 crm_window_session_restored   (CrmWindow *self);
CrmCustomerListView *crm_window_get_customer_view  (CrmWindow *self);
/* The connection state text shown in the header bar. */
const char          *crm_window_get_status_text    (CrmWindow *self);

G_END_DECLS
