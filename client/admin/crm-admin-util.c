/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-util.h"
#include "crm-collate.h"
#include "crm-admin-window.h"

typedef struct
{
  char              *key;
  CrmAdminCellFormat format;
  gpointer           data;
} Column;

static void
column_free (gpointer data)
{
  Column *column = data;

  g_free (column->key);
  g_free (column);
}

static char *
column_text (Column *column, CrmAdminRecord *record)
{
  if (column->format)
    return column->format (record, column->key, column->data);
  return crm_admin_record_dup_text (record, column->key);
}

static void
setup_cell (GtkSignalListItemFactory *factory, GtkListItem *item, Column *column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, Column *column)
{
  CrmAdminRecord  *record = gtk_list_item_get_item (item);
  g_autofree char *text = column_text (column, record);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), text);
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *item, Column *column)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), "");
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), NULL);
}

static int
compare_cells (gconstpointer a, gconstpointer b, gpointer data)
{
  g_autofree char *ta = column_text (data, CRM_ADMIN_RECORD ((gpointer)a));
  g_autofree char *tb = column_text (data, CRM_ADMIN_RECORD ((gpointer)b));

  /* Names sort by pinyin, as the server's lists do. */
  return crm_collate_compare (ta, tb);
}

GtkColumnViewColumn *
crm_admin_column_add (GtkColumnView *view, const char *title, const char *key,
                      CrmAdminCellFormat format, gpointer data)
{
  GtkListItemFactory  *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter           *sorter;
  Column              *c = g_new0 (Column, 1);

  c->key = g_strdup (key);
  c->format = format;
  c->data = data;
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), c);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), c);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), c);
  column = gtk_column_view_column_new (title, factory);
  g_object_set_data_full (G_OBJECT (column), "crm-admin-column", c, column_free);
  g_object_set_data_full (G_OBJECT (column), "crm-key", g_strdup (key), g_free);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cells, c, NULL));
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_unref (sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  /* The admin tables are few columns wide: share the window's width. */
  gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return column;
}

GtkSingleSelection *
crm_admin_column_view_set_model (GtkColumnView *view, GListModel *model)
{
  GtkSorter          *sorter = gtk_column_view_get_sorter (view);
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;

  sorted = gtk_sort_list_model_new (g_object_ref (model), sorter ? g_object_ref (sorter) : NULL);
  selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  return selection;
}

CrmAdminRecord *
crm_admin_selection_get (GtkSingleSelection *selection)
{
  gpointer item = selection ? gtk_single_selection_get_selected_item (selection) : NULL;

  return item ? CRM_ADMIN_RECORD (item) : NULL;
}

CrmAdminRecord *
crm_admin_records_find (GListModel *model, gint64 id)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) record = g_list_model_get_item (model, i);

      if (crm_admin_record_get_id (record) == id)
        return record; /* the model keeps it alive */
    }
  return NULL;
}

char *
crm_admin_records_dup_string (GListModel *model, gint64 id, const char *key)
{
  CrmAdminRecord *record = crm_admin_records_find (model, id);

  return g_strdup (record ? crm_admin_record_get_string (record, key) : "");
}

void
crm_admin_report_error (GtkWidget *widget, const GError *error)
{
  GtkWidget *window = gtk_widget_get_ancestor (widget, CRM_TYPE_ADMIN_WINDOW);

  if (error == NULL || crm_admin_error_is_cancelled (error))
    return;
  g_debug ("admin: %s", error->message);
  if (window)
    crm_admin_window_show_message (CRM_ADMIN_WINDOW (window), error->message, TRUE);
}

void
crm_admin_report_notice (GtkWidget *widget, const char *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (widget, CRM_TYPE_ADMIN_WINDOW);

  if (window)
    crm_admin_window_show_message (CRM_ADMIN_WINDOW (window), message, FALSE);
}

gboolean
crm_admin_error_is_cancelled (const GError *error)
{
  return error && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

gboolean
crm_admin_call_finish (GObject *source, GAsyncResult *result, gpointer page,
                       CrmAdminCallOver over, GVariant **reply)
{
  g_autoptr (GError) error = NULL;

  *reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  if (crm_admin_error_is_cancelled (error))
    return FALSE;
  over (page);
  if (*reply == NULL)
    crm_admin_report_error (GTK_WIDGET (page), error);
  return TRUE;
}

typedef struct
{
  GtkWidget        *widget;
  CrmAdminConfirmed callback;
  gpointer          data;
} Confirm;

static GtkWindow *confirm_dialog; /* weak */

static void
confirm_free (gpointer data)
{
  Confirm *confirm = data;

  g_object_unref (confirm->widget);
  g_free (confirm);
}

/* Also when the dialog goes with its parent, unanswered. */
static void
on_confirm_destroy (GtkWidget *dialog)
{
  if (confirm_dialog == GTK_WINDOW (dialog))
    confirm_dialog = NULL;
}

static void
on_confirm_response (GtkDialog *dialog, int response, gpointer data)
{
  Confirm *confirm = g_object_get_data (G_OBJECT (dialog), "crm-confirm");

  gtk_widget_set_visible (GTK_WIDGET (dialog), FALSE);
  if (response == GTK_RESPONSE_ACCEPT && confirm)
    confirm->callback (confirm->widget, confirm->data);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

void
crm_admin_confirm (GtkWidget *widget, const char *question, const char *detail,
                   const char *accept_label, CrmAdminConfirmed callback, gpointer data)
{
  GtkWidget *dialog;
  GtkWidget *accept;
  GtkRoot   *root = gtk_widget_get_root (widget);
  Confirm   *confirm = g_new0 (Confirm, 1);

  confirm->widget = g_object_ref (widget);
  confirm->callback = callback;
  confirm->data = data;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", question);
  if (detail)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _ ("_Cancel"), GTK_RESPONSE_CANCEL);
  accept = gtk_dialog_add_button (GTK_DIALOG (dialog), accept_label, GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (accept, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_object_set_data_full (G_OBJECT (dialog), "crm-confirm", confirm, confirm_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), NULL);
  g_signal_connect (dialog, "destroy", G_CALLBACK (on_confirm_destroy), NULL);
  confirm_dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWindow *
crm_admin_get_confirm_dialog (void)
{
  return confirm_dialog;
}

char *
crm_admin_role_names (GListModel *roles, const char *const *names)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint n = roles ? g_list_model_get_n_items (roles) : 0;

  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *label = g_strdup (names[i]);

      for (guint r = 0; r < n; r++)
        {
          g_autoptr (CrmAdminRecord) role = g_list_model_get_item (roles, r);

          if (g_str_equal (crm_admin_record_get_string (role, "name"), names[i]))
            {
              g_free (label);
              label = g_strdup (crm_admin_record_get_string (role, "display_name"));
            }
        }
      if (text->len)
        g_string_append (text, "、");
      g_string_append (text, label);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
crm_admin_store_set_records (GListStore *store, GVariant *rows, gboolean append)
{
  g_autoptr (GListStore) fresh = crm_admin_records_from_variant (rows);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint m = g_list_model_get_n_items (G_LIST_MODEL (fresh));
  g_autoptr (GPtrArray) items = g_ptr_array_new_full (m, g_object_unref);

  for (guint i = 0; i < m; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (fresh), i));
  g_list_store_splice (store, append ? n : 0, append ? 0 : n, items->pdata, items->len);
}

void
crm_admin_store_take_page (GListStore *store, GVariant *reply, gboolean append, gint64 *next)
{
  g_autoptr (GVariant) rows = NULL;

  *next = 0;
  if (reply == NULL || !g_variant_is_of_type (reply, G_VARIANT_TYPE ("(aa{sv}x)")))
    return;
  g_variant_get (reply, "(@aa{sv}x)", &rows, next);
  crm_admin_store_set_records (store, rows, append);
}

typedef struct
{
  GtkWidget         *page;
  GListStore        *store;
  gboolean           append;
  gint64            *next;
  CrmAdminPageLoaded loaded;
} ListLoad;

static void
on_list_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ListLoad *load = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  ListLoad copy = *load;

  g_free (load);
  if (crm_admin_error_is_cancelled (error))
    return;
  if (reply != NULL)
    crm_admin_store_take_page (copy.store, reply, copy.append, copy.next);
  copy.loaded (copy.page, error);
}

void
crm_admin_list_load_page (CrmSession *session, guint message_id, GVariant *body,
                          GCancellable *cancellable, GtkWidget *page, GListStore *store,
                          gboolean append, gint64 *next, CrmAdminPageLoaded loaded)
{
  ListLoad *load = g_new0 (ListLoad, 1);

  load->page = page;
  load->store = store;
  load->append = append;
  load->next = next;
  load->loaded = loaded;
  crm_session_call_async (session, message_id, body, cancellable, on_list_loaded, load);
}

gint64
crm_admin_dropdown_get_id (GtkDropDown *dropdown, GArray *ids)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  return pos < ids->len ? g_array_index (ids, gint64, pos) : 0;
}

gboolean
crm_admin_dropdown_select_id (GtkDropDown *dropdown, GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return TRUE;
      }
  return FALSE;
}

void
crm_admin_dropdown_fill_records (GtkDropDown *dropdown, GListModel *records,
                                 const char *label_key, const char *first_label, GArray *ids,
                                 gint64 skip_id)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  guint  n = records ? g_list_model_get_n_items (records) : 0;
  gint64 keep = crm_admin_dropdown_get_id (dropdown, ids), zero = 0;

  g_array_set_size (ids, 0);
  gtk_string_list_append (names, first_label);
  g_array_append_val (ids, zero);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) record = g_list_model_get_item (records, i);
      gint64 id = crm_admin_record_get_id (record);

      if (skip_id != 0 && id == skip_id)
        continue;
      gtk_string_list_append (names, crm_admin_record_get_string (record, label_key));
      g_array_append_val (ids, id);
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (names));
  if (!crm_admin_dropdown_select_id (dropdown, ids, keep))
    gtk_drop_down_set_selected (dropdown, 0);
}

/* The translated title of a permission catalogue module ("customer" →
 * Customers); an unknown module is shown by its name. */
const char *
crm_admin_module_title (const char *module)
{
  static const struct
  {
    const char *module;
    const char *title;
  } titles[] = {
    { "customer", N_ ("Customers") },  { "user", N_ ("Accounts") },
    { "team", N_ ("Team") },           { "role", N_ ("Roles") },
    { "settings", N_ ("Settings") },   { "audit", N_ ("Audit Log") },
    { "recycle", N_ ("Recycle Bin") }, { "call", N_ ("Call Center") },
    { "blacklist", N_ ("Blacklist") },
    { "contact", N_ ("Contacts") },    { "followup", N_ ("Follow-ups") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (titles[i].module, module))
      return _ (titles[i].title);
  return module;
}

gboolean
crm_admin_selection_select_string (GtkSingleSelection *selection, const char *key,
                                   const char *value)
{
  GListModel *model = G_LIST_MODEL (selection);
  guint       n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) record = g_list_model_get_item (model, i);

      if (g_strcmp0 (crm_admin_record_get_string (record, key), value) == 0)
        {
          gtk_single_selection_set_selected (selection, i);
          return TRUE;
        }
    }
  return FALSE;
}
