/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  CRM_CONFLICT_CANCEL,
  CRM_CONFLICT_KEEP_MINE,
  CRM_CONFLICT_TAKE_THEIRS,
} CrmConflictChoice;

/*
 * CrmConflictDialog: someone else saved the customer first.  Shows, for
 * every field the user changed, the saved value next to the user's, and
 * asks which to keep.  Emits "resolved" (CrmConflictChoice) once, then
 * closes.  Actions: conflict.keep-mine, conflict.take-theirs, conflict.cancel.
 */
#define CRM_TYPE_CONFLICT_DIALOG (crm_conflict_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CrmConflictDialog, crm_conflict_dialog, CRM, CONFLICT_DIALOG, GtkWindow)

/* `theirs` is the saved record, `mine` the user's changed fields (a{sv}). */
CrmConflictDialog *crm_conflict_dialog_new (GtkWindow *parent,
                                            GVariant  *theirs,
                                            GVariant  *mine);

G_END_DECLS
