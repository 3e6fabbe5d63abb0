/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-calls"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-calls.h"
#include "crm-calls-window.h"
#include "crm-customer-form.h"
#include "crm-phone.h"

struct _CrmCalls {
  GObject parent_instance;

  GtkApplication *app;             /* not owned */
  CrmSession *session;
  CrmPhoneDevice *device;
  CrmCallSpool *spool;
  CrmCallCenter *center;
  CrmCallPopup *popup;             /* owned reference while shown */
  GWeakRef customer_view;
  gulong event_handler;

  guint notify_watch;
  GSimpleAction *dial_action;
  gboolean can_notify;             /* a notification service is on the bus */

  gint64 event_time;
  gint64 drawn_time;
  gulong paint_handler;
  GdkFrameClock *paint_clock;
};

G_DEFINE_FINAL_TYPE (CrmCalls, crm_calls, G_TYPE_OBJECT)

static void
event_seen_cb (CrmPhoneDevice *device, const CrmCallEvent *event, gpointer data)
{
  CrmCalls *self = data;

  if (event->kind == CRM_CALL_EVENT_CALLER_ID)
    {
      self->event_time = g_get_monotonic_time ();
      self->drawn_time = 0;
    }
}

static void
disconnect_paint (CrmCalls *self)
{
  if (self->paint_clock != NULL)
    {
      /* A clock disposed with its window has dropped its handlers already. */
      if (self->paint_handler != 0 && g_signal_handler_is_connected (self->paint_clock, self->paint_handler))
        g_signal_handler_disconnect (self->paint_clock, self->paint_handler);
      self->paint_handler = 0;
      g_clear_object (&self->paint_clock);
    }
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer data)
{
  CrmCalls *self = data;

  if (self->drawn_time == 0)
    self->drawn_time = g_get_monotonic_time ();
  disconnect_paint (self);
}

/* The time the pop-up first reaches the screen: the end of its next paint. */
static void
watch_paint (CrmCalls *self)
{
  GdkFrameClock *clock;

  disconnect_paint (self);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->popup));
  if (clock == NULL)
    return;
  self->paint_clock = g_object_ref (clock);
  self->paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (self->popup));
}

static void
popup_realize_cb (GtkWidget *widget, gpointer data)
{
  watch_paint (data);
}

static void
open_customer_cb (CrmCallPopup *popup, gint64 id, gpointer data)
{
  CrmCalls *self = data;
  g_autoptr(CrmCustomerListView) view = g_weak_ref_get (&self->customer_view);

  if (view != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (view));
      crm_customer_list_view_open (view, id);
      if (GTK_IS_WINDOW (root))
        gtk_window_present (GTK_WINDOW (root));
    }
}

/* Unknown caller: the customer form, with the number filled in. */
static void
quick_add_cb (CrmCallPopup *popup, const char *number, gpointer data)
{
  CrmCalls *self = data;
  g_autoptr(CrmCustomerListView) view = g_weak_ref_get (&self->customer_view);
  GtkEditable *phones;
  GtkRoot *root;
  g_autofree char *display = NULL;

  if (view == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (view), "customer.new", NULL);
  phones = crm_customer_form_get_entry (crm_customer_list_view_get_form (view), "phones");
  display = crm_phone_format (number);
  if (phones != NULL)
    gtk_editable_set_text (phones, display ? display : number);
  root = gtk_widget_get_root (GTK_WIDGET (view));
  if (GTK_IS_WINDOW (root))
    gtk_window_present (GTK_WINDOW (root));
}

static void
popup_destroy_cb (GtkWidget *widget, gpointer data)
{
  CrmCalls *self = data;

  if ((GtkWidget *) self->popup == widget)
    {
      disconnect_paint (self);
      g_clear_object (&self->popup);
    }
}

static void
notifications_appeared_cb (GDBusConnection *connection, const char *name, const char *owner, gpointer data)
{
  CRM_CALLS (data)->can_notify = TRUE;
}

static void
notifications_vanished_cb (GDBusConnection *connection, const char *name, gpointer data)
{
  CRM_CALLS (data)->can_notify = FALSE;
}

static void
notify (CrmCalls *self, const char *id, const char *title, const char *body)
{
  g_autoptr(GNotification) n = NULL;

  /* Without a notification daemon GLib only logs a warning per call. */
  if (!self->can_notify)
    return;
  n = g_notification_new (title);

  g_notification_set_body (n, body);
  g_notification_set_priority (n, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_category (n, "call.incoming");
  g_application_send_notification (G_APPLICATION (self->app), id, n);
}

static void
incoming_cb (CrmCallCenter *center, GVariant *info, gpointer data)
{
  CrmCalls *self = data;

  if (self->popup == NULL)
    {
      self->popup = g_object_ref_sink (crm_call_popup_new (self->session));
      gtk_window_set_application (GTK_WINDOW (self->popup), self->app);
      g_signal_connect (self->popup, "open-customer", G_CALLBACK (open_customer_cb), self);
      g_signal_connect (self->popup, "quick-add", G_CALLBACK (quick_add_cb), self);
      g_signal_connect (self->popup, "destroy", G_CALLBACK (popup_destroy_cb), self);
      g_signal_connect (self->popup, "realize", G_CALLBACK (popup_realize_cb), self);
    }
  else
    watch_paint (self);
  crm_call_popup_set_info (self->popup, info);
  gtk_window_present (GTK_WINDOW (self->popup));

  notify (self, "call", _("Incoming call"), crm_call_popup_get_title_text (self->popup));
}

static void
blocked_cb (CrmCallCenter *center, GVariant *info, gpointer data)
{
  CrmCalls *self = data;
  const char *number = "";
  g_autofree char *display = NULL;
  g_autofree char *body = NULL;

  g_variant_lookup (info, "number", "&s", &number);
  display = crm_phone_format (number);
  body = g_strdup_printf (_("A call from %s was rejected (blacklist)"), display ? display : number);
  notify (self, "call-blocked", _("Call blocked"), body);
}

/* app.dial (s): click-to-dial from anywhere in the client. */
static void
dial_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  CrmCalls *self = data;
  g_autoptr(GError) error = NULL;
  const char *number = g_variant_get_string (param, NULL);
  g_autofree char *digits = crm_phone_digits (number);

  if (!crm_call_center_dial (self->center, *digits ? digits : number, &error))
    notify (self, "dial", _("Cannot dial"), error->message);
}

/* Unplugging the box is shown, and so is its return. */
static void
device_changed_cb (CrmCallCenter *center, gpointer data)
{
  CrmCalls *self = data;

  if (crm_call_center_get_device_present (center))
    notify (self, "phone-device", _("Phone device connected"), _("Calls are shown again."));
  else
    notify (self, "phone-device", _("Phone device disconnected"),
            _("Incoming calls cannot be shown until the caller-ID device is plugged in again."));
}

static void
crm_calls_dispose (GObject *object)
{
  CrmCalls *self = CRM_CALLS (object);

  if (self->app != NULL && self->dial_action != NULL &&
      g_action_map_lookup_action (G_ACTION_MAP (self->app), "dial") == G_ACTION (self->dial_action))
    g_action_map_remove_action (G_ACTION_MAP (self->app), "dial");
  g_clear_object (&self->dial_action);

  disconnect_paint (self);
  g_clear_handle_id (&self->notify_watch, g_bus_unwatch_name);
  if (self->device != NULL)
    {
      g_clear_signal_handler (&self->event_handler, self->device);
      crm_phone_device_stop (self->device);
    }
  if (self->popup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->popup, self);
      gtk_window_destroy (GTK_WINDOW (self->popup));
      g_clear_object (&self->popup);
    }
  if (self->center != NULL)
    g_signal_handlers_disconnect_by_data (self->center, self);
  g_clear_object (&self->center);
  g_clear_object (&self->spool);
  g_clear_object (&self->device);
  g_clear_object (&self->session);
  g_weak_ref_clear (&self->customer_view);
  G_OBJECT_CLASS (crm_calls_parent_class)->dispose (object);
}

static void
crm_calls_class_init (CrmCallsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = crm_calls_dispose;
}

static void
crm_calls_init (CrmCalls *self)
{
  g_weak_ref_init (&self->customer_view, NULL);
}

CrmCalls *
crm_calls_new (GtkApplication *app,
               CrmSession     *session,
               const char     *device_uri,
               const char     *spool_dir,
               const char     *recorder_source,
               GError        **error)
{
  g_autoptr(CrmCalls) self = g_object_new (CRM_TYPE_CALLS, NULL);

  self->app = app;
  self->session = g_object_ref (session);
  if (g_application_get_is_registered (G_APPLICATION (app)) &&
      g_application_get_dbus_connection (G_APPLICATION (app)) != NULL)
    self->notify_watch = g_bus_watch_name_on_connection (g_application_get_dbus_connection (G_APPLICATION (app)),
                                                         "org.freedesktop.Notifications",
                                                         G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                         notifications_appeared_cb, notifications_vanished_cb,
                                                         self, NULL);
  self->device = crm_phone_device_new_for_uri (device_uri, error);
  if (self->device == NULL)
    return NULL;
  self->spool = crm_call_spool_new (session, spool_dir);
  /* Connected first: sees the caller ID before the call center acts on it. */
  self->event_handler = g_signal_connect (self->device, "event", G_CALLBACK (event_seen_cb), self);
  self->center = crm_call_center_new (session, self->device, self->spool, recorder_source);
  crm_call_center_set_device_label (self->center, device_uri);
  g_signal_connect (self->center, "incoming", G_CALLBACK (incoming_cb), self);
  g_signal_connect (self->center, "blocked", G_CALLBACK (blocked_cb), self);
  g_signal_connect (self->center, "device-changed", G_CALLBACK (device_changed_cb), self);
  if (!crm_phone_device_start (self->device, error))
    return NULL;
  self->dial_action = g_simple_action_new ("dial", G_VARIANT_TYPE_STRING);
  g_signal_connect (self->dial_action, "activate", G_CALLBACK (dial_activated), self);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (self->dial_action));
  /* Calls left from an earlier run. */
  crm_call_spool_kick (self->spool);
  return g_steal_pointer (&self);
}

void
crm_calls_set_customer_view (CrmCalls *self, CrmCustomerListView *view)
{
  g_weak_ref_set (&self->customer_view, view);
}

CrmCallCenter *
crm_calls_get_center (CrmCalls *self)
{
  return self->center;
}

CrmCallPopup *
crm_calls_get_popup (CrmCalls *self)
{
  return self->popup;
}

gint64
crm_calls_get_event_time (CrmCalls *self)
{
  return self->event_time;
}

gint64
crm_calls_get_drawn_time (CrmCalls *self)
{
  return self->drawn_time;
}

static void
call_history_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkApplication *app = data;
  CrmSession *session = g_object_get_data (G_OBJECT (action), "session");
  const char *http_base = g_object_get_data (G_OBJECT (action), "http-base");
  CrmCallsWindow *window = NULL;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (CRM_IS_CALLS_WINDOW (l->data))
      window = l->data;
  if (window == NULL)
    window = crm_calls_window_new (app, session, http_base);
  else
    crm_call_history_page_refresh (crm_calls_window_get_history (window));
  gtk_window_present (GTK_WINDOW (window));
}

void
crm_calls_install_actions (GtkApplication *app, CrmSession *session, const char *http_base)
{
  g_autoptr(GSimpleAction) action = NULL;

  if (g_action_map_lookup_action (G_ACTION_MAP (app), "call-history") != NULL)
    return;
  action = g_simple_action_new ("call-history", NULL);
  g_object_set_data_full (G_OBJECT (action), "session", g_object_ref (session), g_object_unref);
  g_object_set_data_full (G_OBJECT (action), "http-base", g_strdup (http_base), g_free);
  g_signal_connect (action, "activate", G_CALLBACK (call_history_activated), app);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
  gtk_application_set_accels_for_action (app, "app.call-history", (const char *[]) { "<Control><Shift>h", NULL });
}

void
crm_calls_attach_to_application (GtkApplication      *app,
                                 CrmSession          *session,
                                 GSettings           *settings,
                                 const char          *uri_override,
                                 CrmCustomerListView *view)
{
  CrmCalls *calls = g_object_get_data (G_OBJECT (app), "crm-calls");
  g_autofree char *uri = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  crm_calls_install_actions (app, session, NULL);
  if (calls != NULL)
    {
      crm_calls_set_customer_view (calls, view);
      return;
    }
  if (settings != NULL)
    g_object_get (settings, "settings-schema", &schema, NULL);
  if (uri_override != NULL && *uri_override != '\0')
    uri = g_strdup (uri_override);
  else if (schema != NULL && g_settings_schema_has_key (schema, "phone-device"))
    uri = g_settings_get_string (settings, "phone-device");
  if (uri == NULL || *uri == '\0')
    return;
  if (schema != NULL && g_settings_schema_has_key (schema, "call-recorder-source"))
    source = g_settings_get_string (settings, "call-recorder-source");
  /* The simulator has no sound card: record a test tone instead. */
  if ((source == NULL || *source == '\0') && g_str_has_prefix (uri, "sim:"))
    {
      g_free (source);
      source = g_strdup ("audiotestsrc is-live=true wave=ticks");
    }
  calls = crm_calls_new (app, session, uri, NULL, source, &error);
  if (calls == NULL)
    {
      g_warning ("the phone device %s cannot be used: %s", uri, error->message);
      return;
    }
  crm_calls_set_customer_view (calls, view);
  g_object_set_data_full (G_OBJECT (app), "crm-calls", calls, g_object_unref);
}
