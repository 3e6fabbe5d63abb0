/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-stats"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-call-columns.h"
#include "crm-call-row.h"
#include "crm-call-stats-page.h"
#include "crm-messages.h"

struct _CrmCallStatsPage {
  GtkBox parent_instance;

  CrmSession *session;
  GCancellable *cancellable;
  GListStore *store;
  GtkDropDown *group;
  GtkColumnView *view;
  GtkLabel *status;
};

G_DEFINE_FINAL_TYPE (CrmCallStatsPage, crm_call_stats_page, GTK_TYPE_BOX)

static const char * const groups[] = { "user", "day", "hour", NULL };

static void
stats_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallStatsPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_autoptr(GPtrArray) items = NULL;
  GVariantIter iter;
  const char *label;
  gint64 calls, answered, missed, seconds;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      gtk_label_set_text (self->status, error->message);
      return;
    }
  items = g_ptr_array_new_with_free_func (g_object_unref);
  g_variant_iter_init (&iter, reply);
  while (g_variant_iter_next (&iter, "(&sxxxx)", &label, &calls, &answered, &missed, &seconds))
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

      g_variant_dict_insert (&d, "label", "s", label);
      g_variant_dict_insert (&d, "calls", "x", calls);
      g_variant_dict_insert (&d, "answered", "x", answered);
      g_variant_dict_insert (&d, "missed", "x", missed);
      g_variant_dict_insert (&d, "seconds", "x", seconds);
      g_ptr_array_add (items, crm_call_row_new (g_variant_dict_end (&d)));
    }
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  gtk_label_set_text (self->status, "");
}

static void
load (CrmCallStatsPage *self)
{
  guint i = gtk_drop_down_get_selected (self->group);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  crm_session_call_async (self->session, CRM_MSG_CALL_STATS,
                          g_variant_new ("(@a{sv}s)", g_variant_new ("a{sv}", NULL), groups[MIN (i, 2)]),
                          self->cancellable, stats_done_cb, g_object_ref (self));
}

static void
refresh_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  load (CRM_CALL_STATS_PAGE (widget));
}

static char *text_label (CrmCallRow *r) { return g_strdup (crm_call_row_get_string (r, "label")); }
static char *text_calls (CrmCallRow *r) { return g_strdup_printf ("%" G_GINT64_FORMAT, crm_call_row_get_int64 (r, "calls")); }
static char *text_answered (CrmCallRow *r) { return g_strdup_printf ("%" G_GINT64_FORMAT, crm_call_row_get_int64 (r, "answered")); }
static char *text_missed (CrmCallRow *r) { return g_strdup_printf ("%" G_GINT64_FORMAT, crm_call_row_get_int64 (r, "missed")); }
static char *
text_talk (CrmCallRow *r)
{
  gint64 s = crm_call_row_get_int64 (r, "seconds");

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60), (int) (s % 60));
}

static void
crm_call_stats_page_dispose (GObject *object)
{
  CrmCallStatsPage *self = CRM_CALL_STATS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (crm_call_stats_page_parent_class)->dispose (object);
}

static void
crm_call_stats_page_finalize (GObject *object)
{
  g_clear_object (&CRM_CALL_STATS_PAGE (object)->cancellable);
  G_OBJECT_CLASS (crm_call_stats_page_parent_class)->finalize (object);
}

static void
crm_call_stats_page_class_init (CrmCallStatsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_call_stats_page_dispose;
  object_class->finalize = crm_call_stats_page_finalize;
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "stats.refresh", NULL, refresh_activated);
}

static void
crm_call_stats_page_init (CrmCallStatsPage *self)
{
  const char *labels[] = { _("By person"), _("By day"), _("By hour of the day"), NULL };
  GtkWidget *bar;
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->cancellable = g_cancellable_new ();
  self->store = g_list_store_new (CRM_TYPE_CALL_ROW);

  bar = crm_call_page_add_bar (GTK_BOX (self));
  self->group = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (labels));
  gtk_widget_set_tooltip_text (refresh, _("Refresh"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "stats.refresh");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->group));
  gtk_box_append (GTK_BOX (bar), refresh);
  g_signal_connect_swapped (self->group, "notify::selected", G_CALLBACK (load), self);

  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (
      GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->store))))));
  crm_call_columns_append (self->view, _("Person / period"), text_label, CRM_CALL_COLUMN_EXPAND);
  crm_call_columns_append (self->view, _("Calls"), text_calls, CRM_CALL_COLUMN_NUMERIC);
  crm_call_columns_append (self->view, _("Answered"), text_answered, CRM_CALL_COLUMN_NUMERIC);
  crm_call_columns_append (self->view, _("Missed"), text_missed, CRM_CALL_COLUMN_NUMERIC);
  crm_call_columns_append (self->view, _("Talk time"), text_talk, CRM_CALL_COLUMN_NUMERIC);
  crm_call_page_add_list (GTK_BOX (self), self->view);
  self->status = crm_call_page_add_status (GTK_BOX (self));
}

CrmCallStatsPage *
crm_call_stats_page_new (CrmSession *session)
{
  CrmCallStatsPage *self = g_object_new (CRM_TYPE_CALL_STATS_PAGE, NULL);

  self->session = g_object_ref (session);
  load (self);
  return self;
}

void
crm_call_stats_page_set_group (CrmCallStatsPage *self, const char *group)
{
  for (guint i = 0; groups[i] != NULL; i++)
    if (strcmp (groups[i], group) == 0)
      gtk_drop_down_set_selected (self->group, i);
}

GListModel *
crm_call_stats_page_get_model (CrmCallStatsPage *self)
{
  return G_LIST_MODEL (self->store);
}
