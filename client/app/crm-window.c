/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-window"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-window.h"

struct _CrmWindow
{
  GtkApplicationWindow  parent_instance;

  GtkLabel             *user_label;
  GtkLabel             *status_label;
  GtkRevealer          *banner;
  GtkLabel             *banner_label;
  GtkSpinner           *banner_spinner;
  GtkStack             *stack;

  CrmSession           *session;
  GSettings            *settings;
  CrmCustomerListView  *customers;
};

G_DEFINE_FINAL_TYPE (CrmWindow, crm_window, GTK_TYPE_APPLICATION_WINDOW)

static void
update_status (CrmWindow *self)
{
  CrmSessionState state = crm_session_get_state (self->session);
  guint retry_in = crm_session_get_retry_in (self->session);
  const char *display_name = crm_session_get_display_name (self->session);
  g_autofree char *banner = NULL;

  gtk_label_set_text (self->user_label, display_name ? display_name : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "status-online");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "status-offline");

  switch (state)
    {
    case CRM_SESSION_STATE_ONLINE:
      gtk_label_set_text (self->status_label, _("● Connected"));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "status-online");
      break;
    case CRM_SESSION_STATE_RECONNECTING:
      gtk_label_set_text (self->status_label, _("● Reconnecting…"));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "status-offline");
      if (retry_in > 0)
        banner = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "Connection to the server lost. Retrying in %u second; your work is kept.",
                                               "Connection to the server lost. Retrying in %u seconds; your work is kept.",
                                               retry_in), retry_in);
      else
        banner = g_strdup (_("Connection to the server lost. Reconnecting; your work is kept."));
      break;
    case CRM_SESSION_STATE_CONNECTING:
      gtk_label_set_text (self->status_label, _("● Connecting…"));
      break;
    case CRM_SESSION_STATE_OFFLINE:
    default:
      gtk_label_set_text (self->status_label, _("● Signed out"));
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "status-offline");
      break;
    }

  gtk_revealer_set_reveal_child (self->banner, banner != NULL);
  gtk_spinner_set_spinning (self->banner_spinner, banner != NULL);
  if (banner)
    gtk_label_set_text (self->banner_label, banner);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->stack, "customers");
  crm_customer_list_view_focus_search (self->customers);
}

static void
new_customer_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->stack, "customers");
  gtk_widget_activate_action (GTK_WIDGET (self->customers), "customer.new", NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->customers), "customer.save", NULL);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->customers), "customer.refresh", NULL);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  crm_session_sign_out (self->session);
  gtk_window_destroy (GTK_WINDOW (self));
  crm_application_present (CRM_APPLICATION (app));
}

static gboolean
crm_window_close_request (GtkWindow *window)
{
  CrmWindow *self = CRM_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  crm_customer_list_view_save_state (self->customers);

  return GTK_WINDOW_CLASS (crm_window_parent_class)->close_request (window);
}

void
crm_window_session_restored (CrmWindow *self)
{
  update_status (self);
  crm_customer_list_view_refresh (self->customers);
}

CrmCustomerListView *
crm_window_get_customer_view (CrmWindow *self)
{
  return self->customers;
}

const char *
crm_window_get_status_text (CrmWindow *self)
{
  return gtk_label_get_text (self->status_label);
}

static void
crm_window_dispose (GObject *object)
{
  CrmWindow *self = CRM_WINDOW (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (crm_window_parent_class)->dispose (object);
}

static void
crm_window_class_init (CrmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = crm_window_dispose;
  window_class->close_request = crm_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/jinke/Crm/crm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, banner_spinner);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, stack);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.new-customer", NULL, new_customer_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
}

static void
crm_window_init (CrmWindow *self)
{
  g_type_ensure (CRM_TYPE_CUSTOMER_LIST_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));
}

CrmWindow *
crm_window_new (CrmApplication *app)
{
  CrmWindow *self = g_object_new (CRM_TYPE_WINDOW, "application", app, NULL);
  GtkStackPage *page;

  self->session = g_object_ref (crm_application_get_session (app));
  self->settings = g_object_ref (crm_application_get_settings (app));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  self->customers = crm_customer_list_view_new (self->session, self->settings);
  page = gtk_stack_add_named (self->stack, GTK_WIDGET (self->customers), "customers");
  gtk_stack_page_set_title (page, _("Customers"));
  gtk_stack_page_set_icon_name (page, "system-users-symbolic");

  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (update_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::retry-in", G_CALLBACK (update_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::display-name", G_CALLBACK (update_status),
                           self, G_CONNECT_SWAPPED);
  update_status (self);
  return self;
}
