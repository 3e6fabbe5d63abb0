/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-columns"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-customer-columns.h"
#include "crm-customer-row.h"

typedef struct {
  const char *key;
  const char *title;  /* N_() */
  const char *sort;   /* server sort column, NULL = not sortable */
  int         width;  /* default width in pixels */
} Column;

static const Column columns[] = {
  { "name",       N_("Name"),        "name",       240 },
  { "code",       N_("Code"),        "code",       150 },
  { "category",   N_("Category"),    "category",   90 },
  { "industry",   N_("Industry"),    "industry",   90 },
  { "region",     N_("Region"),      "region",     90 },
  { "value",      N_("Value level"), "value",      80 },
  { "phones",     N_("Phones"),      NULL,         130 },
  { "owner",      N_("Owner"),       "owner",      80 },
  { "updated_at", N_("Updated"),     "updated_at", 120 },
};

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  const Column *column = user_data;
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  CrmCustomerRow *row = gtk_list_item_get_item (item);

  if (crm_customer_row_is_placeholder (row))
    {
      gtk_label_set_text (label, column == &columns[0] ? "⋯" : "");
      gtk_widget_add_css_class (GTK_WIDGET (label), "placeholder-cell");
    }
  else
    {
      g_autofree char *text = NULL;

      /* A table cell has room for the date only; the page shows the time. */
      if (g_str_equal (column->key, "updated_at"))
        text = crm_format_date (crm_customer_row_get_int64 (row, column->key));
      else
        text = crm_customer_row_dup_display (row, column->key);
      gtk_label_set_text (label, text);
    }
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), "");
  gtk_widget_remove_css_class (label, "placeholder-cell");
}

/* GTK 4.8 has no API to ask a GtkColumnView which column sorts and in which
 * direction.  Every column's sorter is a probe that records its column and
 * answers "smaller"; comparing two rows with the view's sorter hits the
 * primary column first, and the sign of the result gives the direction. */
typedef struct {
  const char     *hit;
  CrmCustomerRow *a;
  CrmCustomerRow *b;
} ProbeState;

typedef struct {
  ProbeState *state;
  const char *sort;
} Probe;

static void
probe_state_free (gpointer data)
{
  ProbeState *state = data;

  g_clear_object (&state->a);
  g_clear_object (&state->b);
  g_free (state);
}

static ProbeState *
get_probe_state (GtkColumnView *view)
{
  ProbeState *state = g_object_get_data (G_OBJECT (view), "crm-probe-state");

  if (state == NULL)
    {
      state = g_new0 (ProbeState, 1);
      state->a = crm_customer_row_new_placeholder ();
      state->b = crm_customer_row_new_placeholder ();
      g_object_set_data_full (G_OBJECT (view), "crm-probe-state", state, probe_state_free);
    }
  return state;
}

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Probe *probe = user_data;

  if (probe->state->hit == NULL)
    probe->state->hit = probe->sort;
  return GTK_ORDERING_SMALLER;
}

gboolean
crm_customer_columns_get_sort (GtkColumnView *view,
                               const char   **sort,
                               gboolean      *descending)
{
  ProbeState *state = get_probe_state (view);
  GtkOrdering order;

  state->hit = NULL;
  order = gtk_sorter_compare (gtk_column_view_get_sorter (view), state->a, state->b);
  if (state->hit == NULL)
    return FALSE;
  *sort = state->hit;
  *descending = order == GTK_ORDERING_LARGER;
  return TRUE;
}

GtkColumnViewColumn *
crm_customer_columns_find_sort (GtkColumnView *view,
                                const char    *sort)
{
  GListModel *list = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i);
      const Column *def = g_object_get_data (G_OBJECT (column), "crm-column");

      if (def && g_strcmp0 (def->sort, sort) == 0)
        return column;
    }
  return NULL;
}

static void
add_column (GtkColumnView *view,
            const Column  *def,
            GVariant      *widths)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  gint32 width;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), (gpointer) def);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), (gpointer) def);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind), (gpointer) def);

  column = gtk_column_view_column_new (_(def->title), factory);
  g_object_set_data (G_OBJECT (column), "crm-key", (gpointer) def->key);
  g_object_set_data (G_OBJECT (column), "crm-column", (gpointer) def);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (!g_variant_lookup (widths, def->key, "i", &width) || width < 16 || width > 4000)
    width = def->width;
  gtk_column_view_column_set_fixed_width (column, width);
  if (def->sort)
    {
      Probe *probe = g_new0 (Probe, 1);
      g_autoptr(GtkSorter) sorter = NULL;

      probe->state = get_probe_state (view);
      probe->sort = def->sort;
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, probe, g_free));
      gtk_column_view_column_set_sorter (column, sorter);
    }
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
}

void
crm_customer_columns_build (GtkColumnView *view,
                            GSettings     *settings)
{
  g_auto(GStrv) order = g_settings_get_strv (settings, "customer-columns");
  g_autoptr(GVariant) widths = g_settings_get_value (settings, "customer-column-widths");
  gboolean added[G_N_ELEMENTS (columns)] = { FALSE, };

  for (guint i = 0; order[i]; i++)
    for (gsize c = 0; c < G_N_ELEMENTS (columns); c++)
      if (!added[c] && g_str_equal (order[i], columns[c].key))
        {
          add_column (view, &columns[c], widths);
          added[c] = TRUE;
        }
  /* Columns added by a newer version, or dropped from the setting. */
  for (gsize c = 0; c < G_N_ELEMENTS (columns); c++)
    if (!added[c])
      add_column (view, &columns[c], widths);
}

void
crm_customer_columns_save (GtkColumnView *view,
                           GSettings     *settings)
{
  GListModel *list = gtk_column_view_get_columns (view);
  g_autoptr(GStrvBuilder) order = g_strv_builder_new ();
  g_auto(GVariantBuilder) widths = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{si}"));
  g_auto(GStrv) keys = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i);
      const char *key = g_object_get_data (G_OBJECT (column), "crm-key");
      int width = gtk_column_view_column_get_fixed_width (column);

      g_strv_builder_add (order, key);
      if (width > 0)
        g_variant_builder_add (&widths, "{si}", key, width);
    }
  keys = g_strv_builder_end (order);
  g_settings_set_strv (settings, "customer-columns", (const char * const *) keys);
  g_settings_set_value (settings, "customer-column-widths", g_variant_builder_end (&widths));
}
