/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

#define CRM_TYPE_APPLICATION (crm_application_get_type ())
G_DECLARE_FINAL_TYPE (CrmApplication, crm_application, CRM, APPLICATION, GtkApplication)

/* `flags` lets tests pass G_APPLICATION_NON_UNIQUE. */
CrmApplication *crm_application_new              (GApplicationFlags flags);
CrmSession     *crm_application_get_session      (CrmApplication *self);
GSettings      *crm_application_get_settings     (CrmApplication *self);
/* The main window once signed in, else NULL. */
GtkWindow      *crm_application_get_main_window  (CrmApplication *self);
/* The sign-in window while it is shown, else NULL. */
GtkWindow      *crm_application_get_sign_in_window (CrmApplication *self);
/* Presents the sign-in window, or the main window when signed in. */
void            crm_application_present          (CrmApplication *self);

/* The language for server messages, from the user's locale ("zh_CN"). */
char           *crm_application_dup_locale       (void);

G_END_DECLS
