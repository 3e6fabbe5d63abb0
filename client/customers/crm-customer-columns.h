/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-custom-field-defs.h"

G_BEGIN_DECLS

/*
 * The columns of the customer table: one GtkSignalListItemFactory per
 * column over CrmCustomerRow items, widths and order remembered in
 * GSettings ("customer-columns", "customer-column-widths"), and sorting
 * done by the server: a header click only tells which column and direction.
 */

/* Appends the columns to `view` in the remembered order and widths. */
void                 crm_customer_columns_build     (GtkColumnView *view,
                                                     GSettings     *settings);
/* Remembers the current order and widths. */
void                 crm_customer_columns_save      (GtkColumnView *view,
                                                     GSettings     *settings);
/* The column that sorts by the server column `sort`, or NULL. */
GtkColumnViewColumn *crm_customer_columns_find_sort (GtkColumnView *view,
                                                     const char    *sort);
/* The server sort column and direction the user chose by clicking headers;
 * FALSE when the table is unsorted. */
gboolean             crm_customer_columns_get_sort  (GtkColumnView *view,
                                                     const char   **sort,
                                                     gboolean      *descending);

/* Adds one column per active custom field of `defs` (hidden unless the user
 * showed it), following the definitions live: renamed fields get the new
 * title, retired ones leave the table.  Every header's menu shows or hides
 * columns; the choice is remembered in `settings`. */
void                 crm_customer_columns_set_custom_fields (GtkColumnView      *view,
                                                             GSettings          *settings,
                                                             CrmCustomFieldDefs *defs);
/* Shows or hides the column of `key` ("phones", "cf.grade") as its menu
 * item does; FALSE when there is no such switchable column. */
gboolean             crm_customer_columns_set_visible (GtkColumnView *view,
                                                       const char    *key,
                                                       gboolean       visible);

G_END_DECLS
