/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-columns"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-customer-columns.h"
#include "crm-customer-row.h"

/*
 * Custom fields (issue 4) get one column each, hidden until the user shows
 * it from any column header's menu.  The remembered order lists the
 * columns; a "-" before a key hides that column ("-phones", "-cf.grade"),
 * and a custom column not listed at all is hidden.  Custom columns are not
 * sortable: the server sorts by indexed columns only.
 */
#define CUSTOM_WIDTH 120

typedef struct {
  const char *key;
  const char *title;  /* N_() */
  const char *sort;   /* server sort column, NULL = not sortable */
  int         width;  /* default width in pixels */
} Column;

/* A custom field's column; `base` points into the strings it owns. */
typedef struct {
  Column  base;
  char   *key;
  char   *title;
} CustomColumn;

static void
custom_column_free (gpointer data)
{
  CustomColumn *cc = data;

  g_free (cc->key);
  g_free (cc->title);
  g_free (cc);
}

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
      else if (g_str_has_prefix (column->key, "cf."))
        {
          GVariant *record = crm_customer_row_get_record (row);
          g_autoptr(GVariant) value = record ? g_variant_lookup_value (record, column->key, NULL) : NULL;

          text = crm_custom_field_format_value (value);
        }
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

static GtkColumnViewColumn *
new_column (GtkColumnView *view,
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
  return column;
}

static void
add_column (GtkColumnView *view,
            const Column  *def,
            GVariant      *widths,
            gboolean       visible)
{
  GtkColumnViewColumn *column = new_column (view, def, widths);

  gtk_column_view_column_set_visible (column, visible);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
}

/* ---- showing and hiding columns ---------------------------------------- */

static char *
action_name_for (const char *key)
{
  /* Action names take letters, digits, "-" and "."; keys have "_". */
  g_autofree char *name = g_strconcat ("show-", key, NULL);

  return g_strdelimit (g_steal_pointer (&name), "_", '-');
}

static GtkColumnViewColumn *
find_key (GtkColumnView *view,
          const char    *key)
{
  GListModel *list = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "crm-key"), key) == 0)
        return column;
    }
  return NULL;
}

static void
on_show_change_state (GSimpleAction *action,
                      GVariant      *state,
                      gpointer       user_data)
{
  GtkColumnView *view = user_data;
  const char *key = g_object_get_data (G_OBJECT (action), "crm-key");
  GtkColumnViewColumn *column = find_key (view, key);
  GSettings *settings = g_object_get_data (G_OBJECT (view), "crm-settings");

  if (column == NULL)
    return;
  gtk_column_view_column_set_visible (column, g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
  if (settings)
    crm_customer_columns_save (view, settings);
}

/* The header menu every column shares: one check item per column but the
 * name (always shown), custom ones after a separator. */
static void
update_menu (GtkColumnView *view)
{
  GMenu *menu = g_object_get_data (G_OBJECT (view), "crm-columns-menu");
  GSimpleActionGroup *group = g_object_get_data (G_OBJECT (view), "crm-columns-actions");
  GListModel *list = gtk_column_view_get_columns (view);
  g_autoptr(GMenu) builtin = g_menu_new ();
  g_autoptr(GMenu) custom = g_menu_new ();
  g_auto(GStrv) old = NULL;

  if (menu == NULL)
    {
      menu = g_menu_new ();
      g_object_set_data_full (G_OBJECT (view), "crm-columns-menu", menu, g_object_unref);
      group = g_simple_action_group_new ();
      g_object_set_data_full (G_OBJECT (view), "crm-columns-actions", group, g_object_unref);
      gtk_widget_insert_action_group (GTK_WIDGET (view), "columns", G_ACTION_GROUP (group));
    }
  old = g_action_group_list_actions (G_ACTION_GROUP (group));
  for (guint i = 0; old[i]; i++)
    g_action_map_remove_action (G_ACTION_MAP (group), old[i]);
  g_menu_remove_all (menu);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i);
      const char *key = g_object_get_data (G_OBJECT (column), "crm-key");
      g_autofree char *name = NULL;
      g_autofree char *detailed = NULL;
      g_autoptr(GSimpleAction) action = NULL;

      gtk_column_view_column_set_header_menu (column, G_MENU_MODEL (menu));
      if (key == NULL || g_str_equal (key, "name"))
        continue;
      name = action_name_for (key);
      action = g_simple_action_new_stateful (name, NULL,
                                             g_variant_new_boolean (gtk_column_view_column_get_visible (column)));
      g_object_set_data_full (G_OBJECT (action), "crm-key", g_strdup (key), g_free);
      g_signal_connect (action, "change-state", G_CALLBACK (on_show_change_state), view);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
      detailed = g_strconcat ("columns.", name, NULL);
      g_menu_append (g_str_has_prefix (key, "cf.") ? custom : builtin,
                     gtk_column_view_column_get_title (column), detailed);
    }
  g_menu_append_section (menu, _("Show columns"), G_MENU_MODEL (builtin));
  if (g_menu_model_get_n_items (G_MENU_MODEL (custom)) > 0)
    g_menu_append_section (menu, _("Custom fields"), G_MENU_MODEL (custom));
}

gboolean
crm_customer_columns_set_visible (GtkColumnView *view,
                                  const char    *key,
                                  gboolean       visible)
{
  GSimpleActionGroup *group = g_object_get_data (G_OBJECT (view), "crm-columns-actions");
  g_autofree char *name = action_name_for (key);

  if (group == NULL || !g_action_group_has_action (G_ACTION_GROUP (group), name))
    return FALSE;
  g_action_group_change_action_state (G_ACTION_GROUP (group), name, g_variant_new_boolean (visible));
  return TRUE;
}

/* Where the remembered order puts `key` (-1: not listed); `*hidden` tells
 * a "-key" entry. */
static int
saved_position (char * const *order,
                const char    *key,
                gboolean      *hidden)
{
  for (int i = 0; order[i]; i++)
    {
      const char *entry = order[i][0] == '-' ? order[i] + 1 : order[i];

      if (g_str_equal (entry, key))
        {
          *hidden = order[i][0] == '-';
          return i;
        }
    }
  *hidden = FALSE;
  return -1;
}

static void
on_defs_changed (GtkColumnView      *view,
                 CrmCustomFieldDefs *defs)
{
  GSettings *settings = g_object_get_data (G_OBJECT (view), "crm-settings");
  g_auto(GStrv) order = g_settings_get_strv (settings, "customer-columns");
  g_autoptr(GVariant) widths = g_settings_get_value (settings, "customer-column-widths");
  GListModel *list = gtk_column_view_get_columns (view);

  /* Retired (or deleted) fields leave the table. */
  for (guint i = g_list_model_get_n_items (list); i > 0; i--)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i - 1);
      const char *key = g_object_get_data (G_OBJECT (column), "crm-key");
      const CrmCustomFieldDef *def;

      if (key == NULL || !g_str_has_prefix (key, "cf."))
        continue;
      def = crm_custom_field_defs_lookup (defs, key);
      if (def == NULL || def->retired)
        gtk_column_view_remove_column (view, column);
    }

  for (guint d = 0; d < crm_custom_field_defs_get_n (defs); d++)
    {
      const CrmCustomFieldDef *def = crm_custom_field_defs_get (defs, d);
      GtkColumnViewColumn *existing;
      CustomColumn *cc;
      GtkColumnViewColumn *column;
      gboolean hidden;
      int pos;
      guint insert_at;

      if (def->retired)
        continue;
      existing = find_key (view, def->record_key);
      if (existing)
        {
          /* Renamed: the new label; the key, width and place stay. */
          gtk_column_view_column_set_title (existing, def->label);
          continue;
        }
      cc = g_new0 (CustomColumn, 1);
      cc->key = g_strdup (def->record_key);
      cc->title = g_strdup (def->label);
      cc->base.key = cc->key;
      cc->base.title = cc->title;
      cc->base.sort = NULL;
      cc->base.width = CUSTOM_WIDTH;
      column = new_column (view, &cc->base, widths);
      /* new_column() translates the title of built-in columns. */
      gtk_column_view_column_set_title (column, def->label);
      g_object_set_data_full (G_OBJECT (column), "crm-custom-column", cc, custom_column_free);
      pos = saved_position (order, def->record_key, &hidden);
      gtk_column_view_column_set_visible (column, pos >= 0 && !hidden);
      insert_at = g_list_model_get_n_items (list);
      if (pos >= 0)
        for (guint i = 0; i < g_list_model_get_n_items (list); i++)
          {
            g_autoptr(GtkColumnViewColumn) other = g_list_model_get_item (list, i);
            gboolean other_hidden;
            int other_pos = saved_position (order, g_object_get_data (G_OBJECT (other), "crm-key"),
                                            &other_hidden);

            if (other_pos > pos)
              {
                insert_at = i;
                break;
              }
          }
      gtk_column_view_insert_column (view, insert_at, column);
      g_object_unref (column);
    }
  update_menu (view);
}

void
crm_customer_columns_set_custom_fields (GtkColumnView      *view,
                                        GSettings          *settings,
                                        CrmCustomFieldDefs *defs)
{
  g_object_set_data_full (G_OBJECT (view), "crm-settings", g_object_ref (settings), g_object_unref);
  g_object_set_data_full (G_OBJECT (view), "crm-custom-defs", g_object_ref (defs), g_object_unref);
  g_signal_connect_object (defs, "changed", G_CALLBACK (on_defs_changed), view, G_CONNECT_SWAPPED);
  if (crm_custom_field_defs_is_loaded (defs))
    on_defs_changed (view, defs);
}

void
crm_customer_columns_build (GtkColumnView *view,
                            GSettings     *settings)
{
  g_auto(GStrv) order = g_settings_get_strv (settings, "customer-columns");
  g_autoptr(GVariant) widths = g_settings_get_value (settings, "customer-column-widths");
  gboolean added[G_N_ELEMENTS (columns)] = { FALSE, };

  for (guint i = 0; order[i]; i++)
    {
      gboolean hidden = order[i][0] == '-';
      const char *key = hidden ? order[i] + 1 : order[i];

      for (gsize c = 0; c < G_N_ELEMENTS (columns); c++)
        if (!added[c] && g_str_equal (key, columns[c].key))
          {
            /* The name column always shows: it opens the customer. */
            add_column (view, &columns[c], widths, !hidden || c == 0);
            added[c] = TRUE;
          }
    }
  /* Columns added by a newer version, or dropped from the setting. */
  for (gsize c = 0; c < G_N_ELEMENTS (columns); c++)
    if (!added[c])
      add_column (view, &columns[c], widths, TRUE);
  g_object_set_data_full (G_OBJECT (view), "crm-settings", g_object_ref (settings), g_object_unref);
  update_menu (view);
}

void
crm_customer_columns_save (GtkColumnView *view,
                           GSettings     *settings)
{
  GListModel *list = gtk_column_view_get_columns (view);
  g_autoptr(GStrvBuilder) order = g_strv_builder_new ();
  g_auto(GVariantBuilder) widths = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{si}"));
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) before = g_settings_get_strv (settings, "customer-columns");
  g_autoptr(GVariant) old_widths = g_settings_get_value (settings, "customer-column-widths");

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (list, i);
      const char *key = g_object_get_data (G_OBJECT (column), "crm-key");
      int width = gtk_column_view_column_get_fixed_width (column);

      if (gtk_column_view_column_get_visible (column))
        g_strv_builder_add (order, key);
      else
        {
          g_autofree char *hidden = g_strconcat ("-", key, NULL);
          g_strv_builder_add (order, hidden);
        }
      if (width > 0)
        g_variant_builder_add (&widths, "{si}", key, width);
    }
  /* Custom columns not in the table now (definitions not loaded yet, or
   * the field retired) keep their place and width for later. */
  for (guint i = 0; before[i]; i++)
    {
      const char *key = before[i][0] == '-' ? before[i] + 1 : before[i];
      gint32 width;

      if (!g_str_has_prefix (key, "cf.") || find_key (view, key) != NULL)
        continue;
      g_strv_builder_add (order, before[i]);
      if (g_variant_lookup (old_widths, key, "i", &width))
        g_variant_builder_add (&widths, "{si}", key, width);
    }
  keys = g_strv_builder_end (order);
  g_settings_set_strv (settings, "customer-columns", (const char * const *) keys);
  g_settings_set_value (settings, "customer-column-widths", g_variant_builder_end (&widths));
}
