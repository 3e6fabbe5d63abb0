/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-admin-record.h"
#include "crm-session.h"

G_BEGIN_DECLS

/* Formats one cell; returns a new string. */
typedef char *(*CrmAdminCellFormat) (CrmAdminRecord *record, const char *key, gpointer data);

/*
 * Appends a text column showing `key` of each CrmAdminRecord row, with its
 * own factory and a sorter on the shown text (so sorting matches what the
 * user reads).  `format` may be NULL (crm_admin_record_dup_text).
 */
GtkColumnViewColumn *crm_admin_column_add (GtkColumnView *view, const char *title, const char *key,
                                           CrmAdminCellFormat format, gpointer data);

/* Wraps `model` in a sort model driven by the view's column headers and a
 * single selection; sets it on the view. */
GtkSingleSelection *crm_admin_column_view_set_model (GtkColumnView *view, GListModel *model);

/* Puts the records of `rows` ("aa{sv}") into `store` in one
 * items-changed: replacing what it held, or after it with `append`. */
void crm_admin_store_set_records (GListStore *store, GVariant *rows, gboolean append);

/* One page of a keyset-paged list reply "(aa{sv}x)" (rows, next cursor;
 * 0 = no more) into `store` (see crm_admin_store_set_records); `*next`
 * receives the cursor for the following page. */
void crm_admin_store_take_page (GListStore *store, GVariant *reply, gboolean append, gint64 *next);

/* Called when one page of a list asked with crm_admin_list_load_page() is
 * in the store (`error` NULL) or failed; never when cancelled (`page` may
 * be gone then). */
typedef void (*CrmAdminPageLoaded) (GtkWidget *page, const GError *error);

/* Calls `message_id` with `body` (a keyset-paged list, reply "(aa{sv}x)"),
 * takes the reply into `store` (crm_admin_store_take_page() with `append`
 * and `next`, both the page's), then calls `loaded` with `page`. */
void crm_admin_list_load_page (CrmSession *session, guint message_id, GVariant *body,
                               GCancellable *cancellable, GtkWidget *page, GListStore *store,
                               gboolean append, gint64 *next, CrmAdminPageLoaded loaded);

/* A drop-down of records: `first_label` ("(None)", "Anyone") then the
 * `label_key` of each record of `records` (may be NULL), except the one
 * with id `skip_id` (0 = none); `ids` is reset to the parallel ids (0 for
 * the first item).  The selection stays on the record that was selected,
 * else goes to the first item. */
void     crm_admin_dropdown_fill_records (GtkDropDown *dropdown, GListModel *records,
                                          const char *label_key, const char *first_label,
                                          GArray *ids, gint64 skip_id);
/* The id of the selected item (0 for the first item or none). */
gint64   crm_admin_dropdown_get_id (GtkDropDown *dropdown, GArray *ids);
/* Selects the item of `id`; FALSE (selection unchanged) when absent. */
gboolean crm_admin_dropdown_select_id (GtkDropDown *dropdown, GArray *ids, gint64 id);

/* The selected record or NULL (no reference). */
CrmAdminRecord *crm_admin_selection_get (GtkSingleSelection *selection);

/* The record of `model` (CrmAdminRecord items) whose id is `id`, or NULL;
 * no reference: the model keeps it alive. */
CrmAdminRecord *crm_admin_records_find (GListModel *model, gint64 id);
/* The string member `key` of that record as a new string; "" when there
 * is no record of `id`. */
char *crm_admin_records_dup_string (GListModel *model, gint64 id, const char *key);

/* Shows an error, or a plain notice, in the console window's banner. */
void crm_admin_report_error (GtkWidget *widget, const GError *error);
void crm_admin_report_notice (GtkWidget *widget, const char *message);

gboolean crm_admin_error_is_cancelled (const GError *error);

/* What a page does once one of its calls is over (and not cancelled),
 * before the reply is used: typically, no longer being busy with it. */
typedef void (*CrmAdminCallOver) (gpointer page);

/* Finishes a call a page made with itself as `page` (its user_data): FALSE
 * when it was cancelled (the page may be gone and is not touched); else
 * TRUE, having called `over`, with `*reply` the reply, or NULL when the
 * call failed (the error is shown on the page). */
gboolean crm_admin_call_finish (GObject *source, GAsyncResult *result, gpointer page,
                                CrmAdminCallOver over, GVariant **reply);

/* A modal yes/no question; `callback` runs with TRUE when confirmed. */
typedef void (*CrmAdminConfirmed) (GtkWidget *widget, gpointer data);
void crm_admin_confirm (GtkWidget *widget, const char *question, const char *detail,
                        const char *accept_label, CrmAdminConfirmed callback, gpointer data);

/* The confirmation dialog currently shown by crm_admin_confirm(), if any
 * (for tests). */
GtkWindow *crm_admin_get_confirm_dialog (void);

G_END_DECLS

G_BEGIN_DECLS
/* Role codes ("salesperson") as their display names (业务员), joined with
 * "、"; `roles` holds role.list rows. */
char *crm_admin_role_names (GListModel *roles, const char *const *names);

/* The translated title of a permission catalogue module. */
const char *crm_admin_module_title (const char *module);

/* Selects the first record (CrmAdminRecord) of `selection` whose string
 * member `key` equals `value`; FALSE when none does. */
gboolean crm_admin_selection_select_string (GtkSingleSelection *selection, const char *key,
                                            const char *value);
G_END_DECLS
