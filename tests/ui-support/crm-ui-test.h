/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-application.h"

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
void     crm_ui_test_use_chinese         (const char        *tmp_dir);

G_END_DECLS
