/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-calls-window"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-calls-window.h"

struct _CrmCallsWindow {
  GtkWindow parent_instance;

  GtkStack *stack;
  CrmCallHistoryPage *history;
  CrmBlacklistPage *blacklist;
  CrmCallStatsPage *stats;
  CrmCallSettingsPage *settings;   /* NULL without settings.manage */
};

G_DEFINE_FINAL_TYPE (CrmCallsWindow, crm_calls_window, GTK_TYPE_WINDOW)

static void
crm_calls_window_class_init (CrmCallsWindowClass *klass)
{
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
crm_calls_window_init (CrmCallsWindow *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *switcher = gtk_stack_switcher_new ();

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->stack);
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), switcher);
  gtk_window_set_titlebar (GTK_WINDOW (self), header);
  gtk_window_set_title (GTK_WINDOW (self), _("Call Center"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1000, 640);
  gtk_window_set_child (GTK_WINDOW (self), GTK_WIDGET (self->stack));
}

CrmCallsWindow *
crm_calls_window_new (GtkApplication *app, CrmSession *session, const char *http_base)
{
  CrmCallsWindow *self = g_object_new (CRM_TYPE_CALLS_WINDOW, "application", app, NULL);

  self->history = crm_call_history_page_new (session, http_base);
  self->blacklist = crm_blacklist_page_new (session);
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->history), "history", _("Call History"));
  self->stats = crm_call_stats_page_new (session);
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->stats), "stats", _("Statistics"));
  gtk_stack_add_titled (self->stack, GTK_WIDGET (self->blacklist), "blacklist", _("Blacklist"));
  if (crm_session_has_permission (session, "settings.manage"))
    {
      self->settings = crm_call_settings_page_new (session, http_base);
      gtk_stack_add_titled (self->stack, GTK_WIDGET (self->settings), "settings", _("Settings"));
    }
  return self;
}

CrmCallHistoryPage *
crm_calls_window_get_history (CrmCallsWindow *self)
{
  return self->history;
}

CrmCallStatsPage *
crm_calls_window_get_stats (CrmCallsWindow *self)
{
  return self->stats;
}

CrmBlacklistPage *
crm_calls_window_get_blacklist (CrmCallsWindow *self)
{
  return self->blacklist;
}

CrmCallSettingsPage *
crm_calls_window_get_settings (CrmCallsWindow *self)
{
  return self->settings;
}

void
crm_calls_window_show_page (CrmCallsWindow *self, const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
}
