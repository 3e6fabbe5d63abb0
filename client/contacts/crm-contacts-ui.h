/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * What the contacts section and the follow-up timeline (and their forms)
 * build and do alike: a section's heading, list and status line; flat row
 * buttons; a form's error line and Cancel/Save buttons; the delete
 * confirmation; the record-changed pushes.
 */

/* Sets all four margins of `widget`. */
void       crm_contacts_ui_set_margins  (GtkWidget *widget, int margin);
/* Shows `text` in `label`, hides it when NULL or empty. */
void       crm_contacts_ui_set_status   (GtkLabel *label, const char *text);
/* Removes every row of `list`. */
void       crm_contacts_ui_clear_list   (GtkListBox *list);
/* A flat icon button activating `action` with the record id `id` ("x"). */
GtkWidget *crm_contacts_ui_icon_button  (const char *icon,
                                         const char *tooltip,
                                         const char *action,
                                         gint64      id);
/* Appends to the vertical `self` a header (`heading`, then `button`), a
 * boxed list and a dim status line, and returns the list and the line. */
void       crm_contacts_ui_build_section (GtkBox     *self,
                                          const char *heading,
                                          GtkWidget  *button,
                                          GtkListBox **list,
                                          GtkLabel  **status);
/* Keeps the form above `owner`'s window, connects its "saved" signal to
 * `saved` (with `owner` as data), remembers it in the weak pointer at
 * `weak_slot` and presents it. */
void       crm_contacts_ui_present_form (GtkWidget *owner,
                                         GtkWindow *form,
                                         GCallback  saved,
                                         gpointer  *weak_slot);

/* Called when the user confirms the deletion of record `id` at `version`. */
typedef void (*CrmContactsUiDeleteFunc) (gpointer owner, gint64 id, gint64 version);
/* Asks (modal, above `owner`'s window) `question`, saying the record can be
 * restored from the recycle bin; `accept` runs on "Delete".  The dialog is
 * remembered in the weak pointer at `weak_slot`. */
void       crm_contacts_ui_confirm_delete (GtkWidget              *owner,
                                           GVariant               *record,
                                           const char             *question,
                                           CrmContactsUiDeleteFunc accept,
                                           gpointer               *weak_slot);

/* TRUE when the push is a record-changed one about an `entity` record:
 * sets `id` and whether it may be new to the list shown (created or
 * restored). */
gboolean   crm_contacts_ui_parse_push   (guint       message_id,
                                         GVariant   *body,
                                         const char *entity,
                                         gint64     *id,
                                         gboolean   *maybe_new);
/* Replaces the session at `slot`, moving `on_push` (with `owner` as data)
 * from the old session's "push" signal to the new one's. */
void       crm_contacts_ui_set_session  (gpointer     owner,
                                         CrmSession **slot,
                                         CrmSession  *session,
                                         GCallback    on_push);

/* A form's "saved" signal (gint64 id) and its actions "<prefix>.save"
 * (Ctrl+S) and "<prefix>.cancel" (Escape, closes the form); returns the
 * signal's id. */
guint      crm_contacts_ui_form_class_init (GtkWidgetClass *widget_class,
                                            const char     *prefix,
                                            GtkWidgetActionActivateFunc save);
/* The id of what a form saved: its `record`'s when it edited one, else the
 * new one's from the create `reply` "(xx)". */
gint64     crm_contacts_ui_saved_id     (GVariant *record, GVariant *reply);
/* Appends to a form's `box` its hidden error line and its Cancel and Save
 * buttons (activating "<prefix>.cancel" / "<prefix>.save"). */
void       crm_contacts_ui_form_finish  (GtkBox     *box,
                                         const char *prefix,
                                         GtkLabel  **error_label,
                                         GtkWidget **save_button);

G_END_DECLS
