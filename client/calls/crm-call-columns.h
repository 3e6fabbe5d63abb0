/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-call-row.h"

G_BEGIN_DECLS

/*
 * What the call center's pages (history, statistics, blacklist) share: a
 * text column over CrmCallRow items (one factory per column, unbind
 * clears what bind set), the bar above a list and the scrolled list.
 */

/* The cell's text, newly allocated. */
typedef char *(*CrmCallCellFunc) (CrmCallRow *row);

typedef enum {
  CRM_CALL_COLUMN_EXPAND    = 1 << 0,  /* takes the spare width */
  CRM_CALL_COLUMN_NUMERIC   = 1 << 1,  /* right-aligned */
  CRM_CALL_COLUMN_RESIZABLE = 1 << 2,
} CrmCallColumnFlags;

void       crm_call_columns_append (GtkColumnView      *view,
                                    const char         *title,
                                    CrmCallCellFunc     text,
                                    CrmCallColumnFlags  flags);

/* A horizontal bar with the pages' margins, appended to `page`. */
GtkWidget *crm_call_page_add_bar    (GtkBox *page);
/* `view` in a scrolled window that takes the height, appended to `page`. */
void       crm_call_page_add_list   (GtkBox *page, GtkColumnView *view);
/* The status line under the list, appended to `page`. */
GtkLabel  *crm_call_page_add_status (GtkBox *page);

G_END_DECLS
