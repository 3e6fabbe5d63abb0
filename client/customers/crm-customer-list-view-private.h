/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-customer-filter-popover.h"
#include "crm-customer-list-view.h"

G_BEGIN_DECLS

/*
 * Shared between the list view (table, search, refresh, pushes:
 * crm-customer-list-view.c) and its editing commands (new, edit, save,
 * conflicts, delete: crm-customer-list-view-edit.c).
 */
struct _CrmCustomerListView
{
  GtkBox                parent_instance;

  /* template */
  GtkSearchEntry       *search_entry;
  GtkMenuButton        *filter_button;
  CrmCustomerFilterPopover *filter_popover;
  GtkLabel             *count_label;
  GtkSpinner           *spinner;
  GtkWidget            *error_box;
  GtkLabel             *error_label;
  GtkColumnView        *column_view;
  GtkStack             *detail_stack;
  CrmCustomerPage      *page;
  CrmCustomerForm      *form;

  CrmSession           *session;
  GSettings            *settings;
  CrmCustomerListModel *list_model;
  GListStore           *search_results;
  GtkSingleSelection   *selection;

  GCancellable         *search_cancellable;
  GCancellable         *get_cancellable;
  GCancellable         *save_cancellable;
  GCancellable         *delete_cancellable;
  GCancellable         *cancellable;      /* everything else; cancelled in dispose */
  /* Quick search timings (monotonic µs, for the benchmark). */
  gint64                search_sent_at;
  gint64                search_reply_at;
  gint64                search_shown_at;   /* results in the model */
  char                 *search_query;      /* of the request in flight or shown */
  guint                 search_limit;      /* rows asked for with it */
  gboolean              search_more;       /* the request in flight asks for more rows */
  gboolean              search_pending;    /* edited since the request in flight */
  gboolean              search_open_first; /* Enter pressed before the answer came */
  double                search_scrolled_to; /* the table's last scroll position */
  guint                 search_too_short;  /* the text's minimum length, when shorter */
  guint                 search_results_for_query; /* TRUE once a search reply arrived */
  gboolean              searching;
  gboolean              list_stale;       /* pushed creates/deletes not yet shown */
  guint                 push_reload_source;
  guint                 clear_search_source;
  guint                 spinner_source;

  CrmConflictDialog    *conflict_dialog;  /* weak */
  GtkWidget            *confirm_dialog;   /* weak */
};

static inline void
crm_replace_cancellable (GCancellable **slot)
{
  if (*slot)
    g_cancellable_cancel (*slot);
  g_clear_object (slot);
  *slot = g_cancellable_new ();
}

void  crm_customer_list_view_show_error     (CrmCustomerListView *self,
                                             const char          *text);
/* A message for an error the user can do nothing about at a field. */
char *crm_customer_list_view_describe_error (const GError        *error);
void  crm_customer_list_view_update_busy    (CrmCustomerListView *self);
/* Ends a call the view made with `*cancellable`: FALSE when it was
 * cancelled (superseded: leave everything as it is); else drops the
 * cancellable, updates the spinner and returns TRUE with `*reply`, which is
 * NULL when the call failed (`error` set). */
gboolean crm_customer_list_view_end_call    (CrmCustomerListView *self,
                                             GObject             *source,
                                             GAsyncResult        *result,
                                             GCancellable       **cancellable,
                                             GVariant           **reply,
                                             GError             **error);
/* Shows crm_customer_list_view_describe_error()'s text for `error`. */
void  crm_customer_list_view_show_failure   (CrmCustomerListView *self,
                                             const GError        *error);
void  crm_customer_list_view_update_count   (CrmCustomerListView *self);
void  crm_customer_list_view_run_search     (CrmCustomerListView *self);
/* `mode`: "empty", "page" or "form"; enables the matching actions. */
void  crm_customer_list_view_show_detail    (CrmCustomerListView *self,
                                             const char          *mode);
/* Shows `record` on the customer page and updates its row in the list. */
void  crm_customer_list_view_record_loaded  (CrmCustomerListView *self,
                                             GVariant            *record);

/* Puts `model` (the paged list or the search results) in the table. */
void  crm_customer_list_view_show_model     (CrmCustomerListView *self,
                                             GListModel          *model);

/* crm-customer-list-view-search.c: the quick search. */
gboolean crm_customer_list_view_search_has_more     (CrmCustomerListView *self);
/* The table's vertical adjustment moved (more rows at its end). */
void     crm_customer_list_view_on_scrolled         (CrmCustomerListView *self);
/* Template callbacks of the search entry. */
void     crm_customer_list_view_on_search_changed   (CrmCustomerListView *self);
void     crm_customer_list_view_on_search_activate  (CrmCustomerListView *self);

/* crm-customer-list-view-edit.c: customer.new, edit, save, cancel, delete. */
void  crm_customer_list_view_install_edit_actions (GtkWidgetClass *widget_class);

G_END_DECLS
