/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

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

G_END_DECLS
