/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-audit-page.h"
#include "crm-admin-page.h"
#include "crm-admin-record.h"
#include "crm-admin-recycle-page.h"
#include "crm-admin-util.h"
#include "crm-connection.h"
#include "crm-messages.h"

#define PAGE_ROWS 100

/* The kinds of record come from the server (recycle.kinds): each module
 * registers its own there, so the page knows none in advance. */

struct _CrmAdminRecyclePage
{
  GtkBox parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  guint         busy;
  gint64        next;

  GListStore         *rows;
  GtkSingleSelection *selection;
  GtkDropDown        *entity_dropdown;
  GtkStringList      *entity_labels; /* "All records", then each kind's label */
  GPtrArray          *kinds;         /* entity names, parallel to entity_labels[1…] */
  gboolean            kinds_asked;
  GtkColumnView      *view;
  CrmAdminRecord     *pending_purge;
};

static void crm_admin_recycle_page_iface_init (CrmAdminPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAdminRecyclePage, crm_admin_recycle_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_ADMIN_PAGE,
                                                      crm_admin_recycle_page_iface_init))

static void
update_actions (CrmAdminRecyclePage *self)
{
  gboolean selected = crm_admin_selection_get (self->selection) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recycle.restore", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recycle.purge", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recycle.more",
                                 self->next > 0 && self->busy == 0);
}

static void
set_busy (CrmAdminRecyclePage *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  update_actions (self);
}

static const char *
chosen_entity (CrmAdminRecyclePage *self)
{
  guint pos = gtk_drop_down_get_selected (self->entity_dropdown);

  return pos >= 1 && pos <= self->kinds->len ? self->kinds->pdata[pos - 1] : "";
}

static void
on_kinds (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  CrmAdminRecyclePage *self;
  GVariantIter         iter;
  const char          *entity, *label;

  if (crm_admin_error_is_cancelled (error))
    return;
  self = CRM_ADMIN_RECYCLE_PAGE (user_data);
  set_busy (self, FALSE);
  if (reply == NULL)
    {
      /* Asked again at the next reload. */
      self->kinds_asked = FALSE;
      crm_admin_report_error (GTK_WIDGET (self), error);
      return;
    }
  /* Keeps "All records" (selected) and replaces the kinds. */
  gtk_string_list_splice (self->entity_labels, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->entity_labels)) - 1, NULL);
  g_ptr_array_set_size (self->kinds, 0);
  g_variant_iter_init (&iter, reply);
  while (g_variant_iter_next (&iter, "(&s&s)", &entity, &label))
    {
      g_ptr_array_add (self->kinds, g_strdup (entity));
      gtk_string_list_append (self->entity_labels, label);
    }
}

static void
load_kinds (CrmAdminRecyclePage *self)
{
  if (self->kinds_asked)
    return;
  self->kinds_asked = TRUE;
  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_RECYCLE_KINDS, NULL, self->cancellable, on_kinds,
                          self);
}

static void
on_loaded (GtkWidget *page, const GError *error)
{
  CrmAdminRecyclePage *self = CRM_ADMIN_RECYCLE_PAGE (page);

  set_busy (self, FALSE);
  if (error != NULL)
    crm_admin_report_error (GTK_WIDGET (self), error);
}

static void
load_page (CrmAdminRecyclePage *self, gboolean append)
{
  set_busy (self, TRUE);
  crm_admin_list_load_page (
      self->session, CRM_MSG_RECYCLE_LIST,
      g_variant_new ("(sxi)", chosen_entity (self), append ? self->next : (gint64)0, PAGE_ROWS),
      self->cancellable, GTK_WIDGET (self), self->rows, append, &self->next, on_loaded);
}

static void
recycle_reload (CrmAdminPage *page)
{
  load_kinds (CRM_ADMIN_RECYCLE_PAGE (page));
  load_page (CRM_ADMIN_RECYCLE_PAGE (page), FALSE);
}

/* Deleting, restoring or purging any kind the bin holds changes it. */
static gboolean
recycle_watches_entity (CrmAdminPage *page, const char *entity)
{
  CrmAdminRecyclePage *self = CRM_ADMIN_RECYCLE_PAGE (page);

  for (guint i = 0; i < self->kinds->len; i++)
    if (g_str_equal (self->kinds->pdata[i], entity))
      return TRUE;
  return FALSE;
}

static gboolean
recycle_is_busy (CrmAdminPage *page)
{
  return CRM_ADMIN_RECYCLE_PAGE (page)->busy > 0;
}

static void
crm_admin_recycle_page_iface_init (CrmAdminPageInterface *iface)
{
  iface->reload = recycle_reload;
  iface->watches_entity = recycle_watches_entity;
  iface->is_busy = recycle_is_busy;
}

static void
on_changed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  CrmAdminRecyclePage *self;

  if (crm_admin_error_is_cancelled (error))
    return;
  self = CRM_ADMIN_RECYCLE_PAGE (user_data);
  set_busy (self, FALSE);
  if (reply == NULL)
    crm_admin_report_error (GTK_WIDGET (self), error);
  else
    crm_admin_report_notice (GTK_WIDGET (self), _ ("Done."));
  load_page (self, FALSE);
}

static void
change (CrmAdminRecyclePage *self, guint message_id, CrmAdminRecord *record)
{
  g_autofree char *key = crm_new_idempotency_key ();

  set_busy (self, TRUE);
  crm_session_call_async (self->session, message_id,
                          g_variant_new ("(ssx)", key,
                                         crm_admin_record_get_string (record, "entity"),
                                         crm_admin_record_get_id (record)),
                          self->cancellable, on_changed, self);
}

static void
restore_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminRecyclePage *self = CRM_ADMIN_RECYCLE_PAGE (widget);
  CrmAdminRecord      *record = crm_admin_selection_get (self->selection);

  if (record)
    change (self, CRM_MSG_RECYCLE_RESTORE, record);
}

static void
purge_confirmed (GtkWidget *widget, gpointer data)
{
  CrmAdminRecyclePage *self = CRM_ADMIN_RECYCLE_PAGE (widget);

  if (self->pending_purge)
    change (self, CRM_MSG_RECYCLE_PURGE, self->pending_purge);
  g_clear_object (&self->pending_purge);
}

static void
purge_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminRecyclePage *self = CRM_ADMIN_RECYCLE_PAGE (widget);
  CrmAdminRecord      *record = crm_admin_selection_get (self->selection);
  g_autofree char     *question = NULL;

  if (record == NULL)
    return;
  question
      = g_strdup_printf (_ ("Purge “%s” for good?"), crm_admin_record_get_string (record, "title"));
  /* The row, not its position: a reload may happen while asking. */
  g_set_object (&self->pending_purge, record);
  crm_admin_confirm (widget, question,
                     _ ("A purged record cannot be restored. The purge is kept in the audit log."),
                     _ ("_Purge"), purge_confirmed, NULL);
}

static void
more_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminRecyclePage *self = CRM_ADMIN_RECYCLE_PAGE (widget);

  if (self->next > 0)
    load_page (self, TRUE);
}

static char *
format_entity (CrmAdminRecord *record, const char *key, gpointer data)
{
  const char *entity = crm_admin_record_get_string (record, key);
  const char *known = crm_admin_entity_label (entity);
  const char *label = crm_admin_record_get_string (record, "kind_label");

  /* The console's own name for kinds it knows (the audit log's); the
   * server's label for kinds registered by newer modules. */
  if (known != entity || label == NULL || *label == '\0')
    return g_strdup (known);
  return g_strdup (label);
}

static char *
format_deleted_by (CrmAdminRecord *record, const char *key, gpointer data)
{
  return g_strdup (crm_admin_record_get_string (record, "deleted_by_name"));
}

static void
crm_admin_recycle_page_dispose (GObject *object)
{
  CrmAdminRecyclePage *self = CRM_ADMIN_RECYCLE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->rows);
  g_clear_object (&self->pending_purge);
  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_RECYCLE_PAGE);

  G_OBJECT_CLASS (crm_admin_recycle_page_parent_class)->dispose (object);
}

static void
crm_admin_recycle_page_class_init (CrmAdminRecyclePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_recycle_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-recycle-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRecyclePage, entity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRecyclePage, entity_labels);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRecyclePage, view);
  gtk_widget_class_install_action (widget_class, "recycle.restore", NULL, restore_activated);
  gtk_widget_class_install_action (widget_class, "recycle.purge", NULL, purge_activated);
  gtk_widget_class_install_action (widget_class, "recycle.more", NULL, more_activated);
}

static void
crm_admin_recycle_page_init (CrmAdminRecyclePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->kinds = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_swapped (self->entity_dropdown, "notify::selected", G_CALLBACK (recycle_reload),
                            self);
  crm_admin_column_add (self->view, _ ("Kind"), "entity", format_entity, NULL);
  crm_admin_column_add (self->view, _ ("Record"), "title", NULL, NULL);
  crm_admin_column_add (self->view, _ ("Deleted by"), "deleted_by", format_deleted_by, NULL);
  crm_admin_column_add (self->view, _ ("Deleted at"), "deleted_at", NULL, NULL);
  self->selection = crm_admin_column_view_set_model (self->view, G_LIST_MODEL (self->rows));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (update_actions), self);
}

GtkWidget *
crm_admin_recycle_page_new (CrmSession *session)
{
  CrmAdminRecyclePage *self = g_object_new (CRM_TYPE_ADMIN_RECYCLE_PAGE, NULL);

  self->session = g_object_ref (session);
  load_kinds (self);
  load_page (self, FALSE);
  return GTK_WIDGET (self);
}

guint
crm_admin_recycle_page_get_n_rows (CrmAdminRecyclePage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

gboolean
crm_admin_recycle_page_show_kind (CrmAdminRecyclePage *self, const char *entity)
{
  if (*entity == '\0')
    {
      gtk_drop_down_set_selected (self->entity_dropdown, 0);
      return TRUE;
    }
  for (guint i = 0; i < self->kinds->len; i++)
    if (g_str_equal (self->kinds->pdata[i], entity))
      {
        gtk_drop_down_set_selected (self->entity_dropdown, i + 1);
        return TRUE;
      }
  return FALSE;
}

gboolean
crm_admin_recycle_page_select (CrmAdminRecyclePage *self, const char *title)
{
  return crm_admin_selection_select_string (self->selection, "title", title);
}
