/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-followup-form.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmFollowupTimeline: a customer's follow-ups (跟进记录), newest first, a
 * page at a time ("Show older" reads the next keyset page).  Actions
 * (prefix "followups."): write, older, edit (x id), delete (x id).  Reloads on push.record_changed for
 * follow-ups.
 */
#define CRM_TYPE_FOLLOWUP_TIMELINE (crm_followup_timeline_get_type ())
G_DECLARE_FINAL_TYPE (CrmFollowupTimeline, crm_followup_timeline, CRM, FOLLOWUP_TIMELINE, GtkBox)

void crm_followup_timeline_set_session  (CrmFollowupTimeline *self, CrmSession *session);
void crm_followup_timeline_set_customer (CrmFollowupTimeline *self,
                                         gint64               customer_id,
                                         const char          *customer_name);
void crm_followup_timeline_reload       (CrmFollowupTimeline *self);

/* Formats "at" (unix µs) as local "YYYY-MM-DD HH:MM". */
char *crm_followup_format_time (gint64 at_us);

/* For the tests. */
gboolean         crm_followup_timeline_is_busy     (CrmFollowupTimeline *self);
guint            crm_followup_timeline_get_n_items (CrmFollowupTimeline *self);
/* Follow-up `i` as shown, or NULL. */
GVariant        *crm_followup_timeline_get_item    (CrmFollowupTimeline *self, guint i);
CrmFollowupForm *crm_followup_timeline_get_form    (CrmFollowupTimeline *self);
gboolean         crm_followup_timeline_has_older   (CrmFollowupTimeline *self);
/* The open delete confirmation, or NULL. */
GtkDialog       *crm_followup_timeline_get_confirm_dialog (CrmFollowupTimeline *self);

G_END_DECLS
