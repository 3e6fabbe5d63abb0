/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-columns"
#include "config.h"

#include "crm-call-columns.h"

#define PAGE_MARGIN 6

static void
label_setup (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  CrmCallColumnFlags flags = GPOINTER_TO_UINT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), (flags & CRM_CALL_COLUMN_NUMERIC) ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
label_bind (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  CrmCallCellFunc text = data;
  g_autofree char *value = text (gtk_list_item_get_item (item));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), value);
}

static void
label_unbind (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), "");
}

void
crm_call_columns_append (GtkColumnView      *view,
                         const char         *title,
                         CrmCallCellFunc     text,
                         CrmCallColumnFlags  flags)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (label_setup), GUINT_TO_POINTER (flags));
  g_signal_connect (factory, "bind", G_CALLBACK (label_bind), text);
  g_signal_connect (factory, "unbind", G_CALLBACK (label_unbind), NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, (flags & CRM_CALL_COLUMN_EXPAND) != 0);
  gtk_column_view_column_set_resizable (column, (flags & CRM_CALL_COLUMN_RESIZABLE) != 0);
  gtk_column_view_append_column (view, column);
}

GtkWidget *
crm_call_page_add_bar (GtkBox *page)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_set_margin_start (bar, PAGE_MARGIN);
  gtk_widget_set_margin_end (bar, PAGE_MARGIN);
  gtk_widget_set_margin_top (bar, PAGE_MARGIN);
  gtk_box_append (page, bar);
  return bar;
}

void
crm_call_page_add_list (GtkBox *page, GtkColumnView *view)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (view));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (page, scrolled);
}

GtkLabel *
crm_call_page_add_status (GtkBox *page)
{
  GtkLabel *status = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_xalign (status, 0);
  gtk_label_set_wrap (status, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (status), PAGE_MARGIN);
  gtk_widget_set_margin_end (GTK_WIDGET (status), PAGE_MARGIN);
  gtk_widget_set_margin_bottom (GTK_WIDGET (status), PAGE_MARGIN);
  gtk_box_append (page, GTK_WIDGET (status));
  return status;
}
