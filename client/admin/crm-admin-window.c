/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-accounts-page.h"
#include "crm-admin-audit-page.h"
#include "crm-admin-recycle-page.h"
#include "crm-admin-resources.h"
#include "crm-admin-roles-page.h"
#include "crm-admin-settings-page.h"
#include "crm-admin-team-page.h"
#include "crm-admin-window.h"
#include "crm-messages.h"

struct _CrmAdminWindow
{
  GtkWindow parent_instance;

  GtkStack    *stack;
  GtkRevealer *banner;
  GtkWidget   *banner_box;
  GtkLabel    *banner_label;
  GtkLabel    *user_label;

  CrmSession *session;
  gulong      push_handler;
  gulong      state_handler;
  gboolean    message_is_error;
  guint       hide_source;
};

G_DEFINE_FINAL_TYPE (CrmAdminWindow, crm_admin_window, GTK_TYPE_WINDOW)

typedef GtkWidget *(*PageNew) (CrmSession *session);

static const struct
{
  const char *name;
  const char *title;
  const char *permissions[3];
  PageNew     page_new;
} pages[] = {
  { "team", N_ ("Team"), { "team.manage", "user.view", NULL }, crm_admin_team_page_new },
  { "accounts",
    N_ ("Accounts"),
    { "user.manage", "user.view", NULL },
    crm_admin_accounts_page_new },
  { "roles", N_ ("Roles"), { "role.manage", NULL }, crm_admin_roles_page_new },
  { "settings", N_ ("Settings"), { "settings.manage", NULL }, crm_admin_settings_page_new },
  { "audit", N_ ("Audit Log"), { "audit.view", NULL }, crm_admin_audit_page_new },
  { "recycle", N_ ("Recycle Bin"), { "recycle.manage", NULL }, crm_admin_recycle_page_new },
};

static gboolean
page_allowed (CrmSession *session, guint i)
{
  for (guint p = 0; pages[i].permissions[p]; p++)
    if (crm_session_has_permission (session, pages[i].permissions[p]))
      return TRUE;
  return FALSE;
}

gboolean
crm_admin_window_session_allowed (CrmSession *session)
{
  static const char *admin_permissions[] = {
    "user.manage", "role.manage", "settings.manage", "team.manage", "audit.view", "recycle.manage",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (admin_permissions); i++)
    if (crm_session_has_permission (session, admin_permissions[i]))
      return TRUE;
  return FALSE;
}

/* Adds the pages the user may now see and removes the others. */
static void
sync_pages (CrmAdminWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = gtk_stack_get_child_by_name (self->stack, pages[i].name);
      gboolean   allowed = page_allowed (self->session, i);

      if (allowed && page == NULL)
        {
          page = pages[i].page_new (self->session);
          gtk_stack_add_titled (self->stack, page, pages[i].name, _ (pages[i].title));
          /* Keep the sidebar in table order. */
          for (guint j = i + 1; j < G_N_ELEMENTS (pages); j++)
            {
              GtkWidget *later = gtk_stack_get_child_by_name (self->stack, pages[j].name);

              if (later)
                {
                  g_object_ref (later);
                  gtk_stack_remove (self->stack, later);
                  gtk_stack_add_titled (self->stack, later, pages[j].name, _ (pages[j].title));
                  g_object_unref (later);
                }
            }
        }
      else if (!allowed && page)
        gtk_stack_remove (self->stack, page);
    }
}

static void
reload_all (CrmAdminWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); child;
       child = gtk_widget_get_next_sibling (child))
    if (CRM_IS_ADMIN_PAGE (child))
      crm_admin_page_reload (CRM_ADMIN_PAGE (child));
}

static void
on_push (CrmSession *session, guint message_id, GVariant *body, CrmAdminWindow *self)
{
  if (message_id == CRM_MSG_PUSH_PERMISSIONS)
    {
      if (!crm_admin_window_session_allowed (session))
        {
          gtk_window_destroy (GTK_WINDOW (self));
          return;
        }
      sync_pages (self);
      reload_all (self);
    }
  else if (message_id == CRM_MSG_PUSH_RECORD_CHANGED
           && g_variant_is_of_type (body, G_VARIANT_TYPE ("(sxxs)")))
    {
      const char *entity;

      g_variant_get (body, "(&sxx&s)", &entity, NULL, NULL, NULL);
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); child;
           child = gtk_widget_get_next_sibling (child))
        if (CRM_IS_ADMIN_PAGE (child)
            && crm_admin_page_watches_entity (CRM_ADMIN_PAGE (child), entity))
          crm_admin_page_reload (CRM_ADMIN_PAGE (child));
    }
}

/* A page shown again reads the server again: other administrators (or
 * this one, on another page) may have changed what it lists. */
static void
on_visible_page_changed (CrmAdminWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);

  if (self->session && CRM_IS_ADMIN_PAGE (child) && gtk_widget_get_mapped (GTK_WIDGET (self)))
    crm_admin_page_reload (CRM_ADMIN_PAGE (child));
}

/* Signed out (by the user, the server or an administrator): the console
 * belongs to that session and closes with it. */
static void
on_session_state (CrmSession *session, GParamSpec *pspec, CrmAdminWindow *self)
{
  if (crm_session_get_state (session) == CRM_SESSION_STATE_OFFLINE)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
refresh_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminWindow *self = CRM_ADMIN_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->banner, FALSE);
  reload_all (self);
}

static void
dismiss_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_revealer_set_reveal_child (CRM_ADMIN_WINDOW (widget)->banner, FALSE);
}

static void
crm_admin_window_dispose (GObject *object)
{
  CrmAdminWindow *self = CRM_ADMIN_WINDOW (object);

  g_clear_handle_id (&self->hide_source, g_source_remove);
  if (self->session)
    {
      g_clear_signal_handler (&self->push_handler, self->session);
      g_clear_signal_handler (&self->state_handler, self->session);
    }
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_ADMIN_WINDOW);

  G_OBJECT_CLASS (crm_admin_window_parent_class)->dispose (object);
}

static void
crm_admin_window_class_init (CrmAdminWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* Keeps the resource object (and its constructor) in the link. */
  (void)crm_admin_get_resource ();

  object_class->dispose = crm_admin_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminWindow, banner_box);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminWindow, user_label);

  gtk_widget_class_install_action (widget_class, "admin.refresh", NULL, refresh_activated);
  gtk_widget_class_install_action (widget_class, "admin.dismiss", NULL, dismiss_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "admin.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
crm_admin_window_init (CrmAdminWindow *self)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->stack, "notify::visible-child",
                            G_CALLBACK (on_visible_page_changed), self);

  gtk_css_provider_load_from_resource (css, "/cn/jinke/Crm/admin/admin.css");
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

CrmAdminWindow *
crm_admin_window_new (GtkApplication *application, CrmSession *session)
{
  CrmAdminWindow  *self;
  g_autofree char *who = NULL;

  g_return_val_if_fail (CRM_IS_SESSION (session), NULL);

  self = g_object_new (CRM_TYPE_ADMIN_WINDOW, "application", application, NULL);
  self->session = g_object_ref (session);
  self->push_handler = g_signal_connect (session, "push", G_CALLBACK (on_push), self);
  self->state_handler
      = g_signal_connect (session, "notify::state", G_CALLBACK (on_session_state), self);
  who = g_strdup_printf (_ ("Signed in as %s"), crm_session_get_display_name (session));
  gtk_label_set_text (self->user_label, who);
  sync_pages (self);
  return self;
}

CrmSession *
crm_admin_window_get_session (CrmAdminWindow *self)
{
  return self->session;
}

CrmAdminPage *
crm_admin_window_get_page (CrmAdminWindow *self, const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, name);

  return page ? CRM_ADMIN_PAGE (page) : NULL;
}

void
crm_admin_window_show_page (CrmAdminWindow *self, const char *name)
{
  if (gtk_stack_get_child_by_name (self->stack, name))
    gtk_stack_set_visible_child_name (self->stack, name);
}

gboolean
crm_admin_window_is_busy (CrmAdminWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); child;
       child = gtk_widget_get_next_sibling (child))
    if (CRM_IS_ADMIN_PAGE (child) && crm_admin_page_is_busy (CRM_ADMIN_PAGE (child)))
      return TRUE;
  return FALSE;
}

static gboolean
hide_notice_cb (gpointer data)
{
  CrmAdminWindow *self = data;

  self->hide_source = 0;
  gtk_revealer_set_reveal_child (self->banner, FALSE);
  return G_SOURCE_REMOVE;
}

/* Errors stay until dismissed; notices go after a few seconds. */
void
crm_admin_window_show_message (CrmAdminWindow *self, const char *text, gboolean is_error)
{
  g_clear_handle_id (&self->hide_source, g_source_remove);
  if (!is_error)
    self->hide_source = g_timeout_add_seconds (6, hide_notice_cb, self);
  self->message_is_error = is_error;
  gtk_label_set_text (self->banner_label, text);
  if (is_error)
    {
      gtk_widget_add_css_class (self->banner_box, "error");
      gtk_widget_remove_css_class (self->banner_box, "notice");
    }
  else
    {
      gtk_widget_add_css_class (self->banner_box, "notice");
      gtk_widget_remove_css_class (self->banner_box, "error");
    }
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

const char *
crm_admin_window_get_message (CrmAdminWindow *self)
{
  if (!gtk_revealer_get_reveal_child (self->banner))
    return NULL;
  return gtk_label_get_text (self->banner_label);
}

gboolean
crm_admin_window_message_is_error (CrmAdminWindow *self)
{
  return gtk_revealer_get_reveal_child (self->banner) && self->message_is_error;
}

CrmAdminWindow *
crm_admin_window_find (GtkApplication *application)
{
  for (GList *l = gtk_application_get_windows (application); l; l = l->next)
    if (CRM_IS_ADMIN_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
sync_action (CrmSession *session, GSimpleAction *action)
{
  g_simple_action_set_enabled (action, crm_session_get_state (session) != CRM_SESSION_STATE_OFFLINE
                                           && crm_admin_window_session_allowed (session));
}

/* "notify::state" handlers receive the GParamSpec before the user data. */
static void
on_session_state_for_action (CrmSession *session, GParamSpec *pspec, GSimpleAction *action)
{
  sync_action (session, action);
}

static void
on_session_push_for_action (CrmSession *session, guint message_id, GVariant *body,
                            GSimpleAction *action)
{
  if (message_id == CRM_MSG_PUSH_PERMISSIONS)
    sync_action (session, action);
}

static void
admin_console_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *application = user_data;
  CrmSession     *session = g_object_get_data (G_OBJECT (action), "crm-session");
  CrmAdminWindow *window = crm_admin_window_find (application);

  if (!crm_admin_window_session_allowed (session))
    return;
  if (window == NULL)
    window = crm_admin_window_new (application, session);
  gtk_window_present (GTK_WINDOW (window));
}

void
crm_admin_window_install_action (GtkApplication *application, CrmSession *session)
{
  g_autoptr (GSimpleAction) action = g_simple_action_new ("admin-console", NULL);

  g_return_if_fail (GTK_IS_APPLICATION (application));
  g_return_if_fail (CRM_IS_SESSION (session));

  g_object_set_data_full (G_OBJECT (action), "crm-session", g_object_ref (session), g_object_unref);
  g_signal_connect (action, "activate", G_CALLBACK (admin_console_activated), application);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state_for_action),
                           action, 0);
  g_signal_connect_object (session, "push", G_CALLBACK (on_session_push_for_action), action, 0);
  sync_action (session, action);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (action));
  gtk_application_set_accels_for_action (application, "app.admin-console",
                                         (const char *[]){ "<Control><Shift>a", NULL });
}
