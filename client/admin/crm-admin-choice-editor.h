/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmAdminChoiceEditor: one choice list at a time (industry, category,
 * source, region, value, urgency) — its items in order, each renamable and
 * retirable, moved up and down, new ones added; "save" sends the whole
 * list with choice.save (renames keep the records that use the label).
 */
#define CRM_TYPE_ADMIN_CHOICE_EDITOR (crm_admin_choice_editor_get_type ())
G_DECLARE_FINAL_TYPE (CrmAdminChoiceEditor, crm_admin_choice_editor, CRM, ADMIN_CHOICE_EDITOR,
                      GtkBox)

/* Must be called once before the first reload. */
void     crm_admin_choice_editor_set_session (CrmAdminChoiceEditor *self, CrmSession *session);
void     crm_admin_choice_editor_reload (CrmAdminChoiceEditor *self);
gboolean crm_admin_choice_editor_is_busy (CrmAdminChoiceEditor *self);

/* For tests. */
guint        crm_admin_choice_editor_get_n_choices (CrmAdminChoiceEditor *self);
GtkEditable *crm_admin_choice_editor_get_choice_entry (CrmAdminChoiceEditor *self, guint position);
GtkEditable *crm_admin_choice_editor_get_new_entry (CrmAdminChoiceEditor *self);

G_END_DECLS
