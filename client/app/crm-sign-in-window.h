/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _CrmApplication CrmApplication;

/*
 * CrmSignInWindow: server address, user and password; explains every way
 * signing in can fail, and asks before trusting a server's certificate.
 * Emits "signed-in" once the application's session is online.
 * Actions: sign-in.submit, sign-in.trust, sign-in.cancel-trust.
 */
#define CRM_TYPE_SIGN_IN_WINDOW (crm_sign_in_window_get_type ())
G_DECLARE_FINAL_TYPE (CrmSignInWindow, crm_sign_in_window, CRM, SIGN_IN_WINDOW, GtkApplicationWindow)

/* `server` (may be NULL) overrides the remembered address. */
CrmSignInWindow *crm_sign_in_window_new        (CrmApplication  *app,
                                                const char      *server);
void             crm_sign_in_window_show_error (CrmSignInWindow *self,
                                                const GError    *error);

/* For the UI tests, which type and click like a user. */
GtkEditable *crm_sign_in_window_get_server_entry   (CrmSignInWindow *self);
GtkEditable *crm_sign_in_window_get_user_entry     (CrmSignInWindow *self);
GtkEditable *crm_sign_in_window_get_password_entry (CrmSignInWindow *self);
/* The error text shown, or NULL when none is visible. */
const char  *crm_sign_in_window_get_error_text     (CrmSignInWindow *self);
/* TRUE while the "trust this certificate?" question is shown. */
gboolean     crm_sign_in_window_is_asking_trust    (CrmSignInWindow *self);
gboolean     crm_sign_in_window_is_busy            (CrmSignInWindow *self);

G_END_DECLS
