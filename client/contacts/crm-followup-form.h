/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmFollowupForm: a window that records a follow-up (跟进) of a customer:
 * how (phone, visit, WeChat, e-mail, other), what was said or done, with
 * which contact, and when to follow up next (followup.create, or
 * followup.update for one set with crm_followup_form_set_record()).  Actions
 * (prefix "followup-form."): save (Ctrl+Enter, Ctrl+S), cancel (Escape).
 * Signal "saved" (gint64 follow-up id); the window then closes.
 */
#define CRM_TYPE_FOLLOWUP_FORM (crm_followup_form_get_type ())
G_DECLARE_FINAL_TYPE (CrmFollowupForm, crm_followup_form, CRM, FOLLOWUP_FORM, GtkWindow)

CrmFollowupForm *crm_followup_form_new (CrmSession *session,
                                        gint64      customer_id,
                                        const char *customer_name);
/* Edits `record` (a followup.list row) with followup.update instead. */
void        crm_followup_form_set_record  (CrmFollowupForm *self, GVariant *record);
/* "phone", "visit", "wechat", "email" or "other". */
void        crm_followup_form_set_method  (CrmFollowupForm *self, const char *method);
const char *crm_followup_form_get_method  (CrmFollowupForm *self);
/* The contact the follow-up was with (0 = none) and its name. */
void        crm_followup_form_set_contact (CrmFollowupForm *self, gint64 contact_id, const char *name);
/* Offers the customer's contacts (contact.list rows) to choose from. */
void        crm_followup_form_set_contacts (CrmFollowupForm *self, GVariant *contacts);
/* How many contacts the drop-down offers; chooses one by id (FALSE when
 * it is not offered). */
guint       crm_followup_form_get_n_contacts (CrmFollowupForm *self);
gboolean    crm_followup_form_choose_contact (CrmFollowupForm *self, gint64 contact_id);
gint64      crm_followup_form_get_contact (CrmFollowupForm *self);
void        crm_followup_form_set_content (CrmFollowupForm *self, const char *text);
GtkEditable *crm_followup_form_get_next_date_entry (CrmFollowupForm *self);
const char *crm_followup_form_get_error_text (CrmFollowupForm *self);
gboolean    crm_followup_form_is_busy (CrmFollowupForm *self);

/* Translated name of a follow-up method code ("phone" → "Phone"). */
const char *crm_followup_method_label (const char *method);

G_END_DECLS
