/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-application.h"
#include "crm-customer-list-view.h"
#include "crm-session.h"
#include "crm-sign-in-window.h"
#include "crm-test-server.h"
#include "crm-window.h"

G_BEGIN_DECLS

typedef gboolean (*CrmUiTestCondition) (gpointer data);

gboolean crm_ui_test_wait_for            (CrmUiTestCondition cond,
                                          gpointer           data,
                                          guint              seconds);
void     crm_ui_test_settle              (guint              ms);
void     crm_ui_test_save_screenshot     (GtkWidget         *widget,
                                          const char        *file_name);
void     crm_ui_test_type_text           (GtkEditable       *editable,
                                          const char        *text);
gboolean crm_ui_test_sign_in_settled     (gpointer           app);
/* Types the server address, user and password into the sign-in window. */
void     crm_ui_test_fill_sign_in        (CrmSignInWindow   *window,
                                          const char        *address,
                                          const char        *user,
                                          const char        *password);
void     crm_ui_test_use_chinese         (const char        *tmp_dir);

/* Saves `widget` as "<prefix><NN>-<name>.png" (NN counts this program's
 * screenshots from 01) after letting it settle `settle_ms`; with
 * `after_paint`, right after its next frame is painted (the window's
 * render nodes are current then). */
void     crm_ui_test_screenshot          (GtkWidget         *widget,
                                          const char        *prefix,
                                          const char        *name,
                                          guint              settle_ms,
                                          gboolean           after_paint);

/* The windows of `app`, or NULL while it has none. */
CrmSignInWindow     *crm_ui_test_sign_in_window  (CrmApplication *app);
CrmWindow           *crm_ui_test_main_window     (CrmApplication *app);
CrmCustomerListView *crm_ui_test_customer_view   (CrmApplication *app);

/* The start of a UI test program: a private temporary directory (made
 * from `tmp_template`) as $XDG_CONFIG_HOME for the trust store and
 * settings, memory settings, no accessibility bus, the client's Chinese
 * (crm_ui_test_use_chinese), then g_test_init().  Returns the directory. */
char           *crm_ui_test_init             (int          *argc,
                                              char       ***argv,
                                              const char   *tmp_template);
/* Opens the display and starts a crm-server with `extra_args`; a fatal
 * signal (a failed assertion) then ends the server too.  NULL, the test
 * skipped, without a display or a server: return g_test_run () then. */
CrmTestServer  *crm_ui_test_start_server     (const char   *extra_args);
/* A connection signed in as "admin"; asserts it succeeded. */
CrmConnection  *crm_ui_test_connect_admin    (CrmTestServer *server);
/* A client session (its trust store in `trust_path`, `locale`) signed in
 * to `server` as "admin", trusting it; asserts it signed in. */
CrmSession     *crm_ui_test_sign_in_admin    (CrmTestServer *server,
                                              const char    *trust_path,
                                              const char    *locale);
/* A registered, non-unique client application. */
CrmApplication *crm_ui_test_new_application  (void);
/* Destroys the windows of `*app` and clears it (NULL-safe). */
void            crm_ui_test_clear_application (CrmApplication **app);
/* Closes `*connection` and clears it (NULL-safe). */
void            crm_ui_test_clear_connection  (CrmConnection  **connection);
/* Stops `server`, deletes and frees `tmp_dir`. */
void            crm_ui_test_finish           (CrmTestServer *server,
                                              char          *tmp_dir);

G_END_DECLS
