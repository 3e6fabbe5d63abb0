/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-application"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-admin-window.h"
#include "crm-application.h"
#include "crm-calls.h"
#include "crm-client-resources.h"
#include "crm-error.h"
#include "crm-sign-in-window.h"
#include "crm-window.h"

struct _CrmApplication
{
  GtkApplication  parent_instance;

  GSettings      *settings;
  CrmSession     *session;
  CrmWindow      *main_window;      /* weak */
  CrmSignInWindow *sign_in_window;  /* weak */
  char           *server_override;  /* --server */
  char           *phone_device;     /* --phone-device (call center) */
};

G_DEFINE_FINAL_TYPE (CrmApplication, crm_application, GTK_TYPE_APPLICATION)

char *
crm_application_dup_locale (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i]; i++)
    {
      const char *name = names[i];

      if (g_str_equal (name, "C") || g_str_equal (name, "POSIX"))
        continue;
      /* "zh_CN.UTF-8@variant" → "zh_CN" */
      return g_strndup (name, strcspn (name, ".@"));
    }
  return g_strdup ("en");
}

static void
on_sign_in_window_destroy (CrmApplication *self)
{
  self->sign_in_window = NULL;
}

static void
on_main_window_destroy (CrmApplication *self)
{
  self->main_window = NULL;
}

static void
on_signed_in (CrmSignInWindow *window,
              CrmApplication  *self)
{
  if (self->main_window == NULL)
    {
      self->main_window = crm_window_new (self);
      g_signal_connect_swapped (self->main_window, "destroy",
                                G_CALLBACK (on_main_window_destroy), self);
    }
  else
    crm_window_session_restored (self->main_window);
  gtk_window_present (GTK_WINDOW (self->main_window));
  gtk_window_destroy (GTK_WINDOW (window));
  crm_calls_attach_to_application (GTK_APPLICATION (self), self->session, self->settings,
                                   self->phone_device,
                                   crm_window_get_customer_view (self->main_window));
}

static CrmSignInWindow *
show_sign_in (CrmApplication *self,
              const GError   *reason)
{
  if (self->sign_in_window == NULL)
    {
      self->sign_in_window = crm_sign_in_window_new (self, self->server_override);
      g_signal_connect_swapped (self->sign_in_window, "destroy",
                                G_CALLBACK (on_sign_in_window_destroy), self);
      g_signal_connect (self->sign_in_window, "signed-in", G_CALLBACK (on_signed_in), self);
      if (self->main_window)
        {
          /* Re-sign-in over the open main window: nothing the user typed
           * there is lost. */
          gtk_window_set_transient_for (GTK_WINDOW (self->sign_in_window),
                                        GTK_WINDOW (self->main_window));
          gtk_window_set_modal (GTK_WINDOW (self->sign_in_window), TRUE);
        }
    }
  if (reason)
    crm_sign_in_window_show_error (self->sign_in_window, reason);
  gtk_window_present (GTK_WINDOW (self->sign_in_window));
  return self->sign_in_window;
}

static void
on_session_signed_out (CrmSession     *session,
                       const GError   *reason,
                       CrmApplication *self)
{
  show_sign_in (self, reason);
}

void
crm_application_present (CrmApplication *self)
{
  if (crm_session_get_state (self->session) != CRM_SESSION_STATE_OFFLINE &&
      self->main_window)
    gtk_window_present (GTK_WINDOW (self->main_window));
  else
    show_sign_in (self, NULL);
}

static void
crm_application_activate (GApplication *app)
{
  crm_application_present (CRM_APPLICATION (app));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  CrmApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_show_about_dialog (parent,
                         "program-name", _("Jinke CRM"),
                         "logo-icon-name", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Customer relationship management for sales offices"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
crm_application_startup (GApplication *app)
{
  CrmApplication *self = CRM_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr(CrmTrustStore) trust = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *locale = NULL;
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.close", { "<Control>w", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.new-customer", { "<Control>n", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.refresh", { "F5", "<Control>r", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (crm_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  gtk_css_provider_load_from_resource (css, "/cn/jinke/Crm/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (APPLICATION_ID);

  self->settings = g_settings_new (APPLICATION_ID);
  trust_path = crm_trust_store_default_path ();
  trust = crm_trust_store_new (trust_path);
  locale = crm_application_dup_locale ();
  self->session = crm_session_new (trust, locale);
  g_signal_connect (self->session, "signed-out", G_CALLBACK (on_session_signed_out), self);
  crm_admin_window_install_action (GTK_APPLICATION (self), self->session);
}

static void
crm_application_shutdown (GApplication *app)
{
  CrmApplication *self = CRM_APPLICATION (app);

  if (self->session)
    crm_session_sign_out (self->session);

  G_APPLICATION_CLASS (crm_application_parent_class)->shutdown (app);
}

static int
crm_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  CrmApplication *self = CRM_APPLICATION (app);
  const char *server = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("crm-client %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "phone-device", "&s", &server))
    {
      g_free (self->phone_device);
      self->phone_device = g_strdup (server);
    }
  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      g_free (self->server_override);
      self->server_override = g_strdup (server);
    }
  return -1;
}

static void
crm_application_dispose (GObject *object)
{
  CrmApplication *self = CRM_APPLICATION (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (crm_application_parent_class)->dispose (object);
}

static void
crm_application_finalize (GObject *object)
{
  g_free (CRM_APPLICATION (object)->server_override);
  g_free (CRM_APPLICATION (object)->phone_device);

  G_OBJECT_CLASS (crm_application_parent_class)->finalize (object);
}

static void
crm_application_class_init (CrmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* The resources live in a static library whose constructor the linker may
   * drop; referencing them keeps their auto-registration. */
  (void) crm_client_get_resource ();

  object_class->dispose = crm_application_dispose;
  object_class->finalize = crm_application_finalize;
  app_class->startup = crm_application_startup;
  app_class->shutdown = crm_application_shutdown;
  app_class->activate = crm_application_activate;
  app_class->handle_local_options = crm_application_handle_local_options;
}

static void
crm_application_init (CrmApplication *self)
{
  const GOptionEntry options[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
      N_("Server address to sign in to (host:port)"), N_("ADDRESS") },
    { "phone-device", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Caller-ID device: serial:/dev/ttyACM0, audio:auto or sim:SCRIPT"), N_("URI") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

CrmApplication *
crm_application_new (GApplicationFlags flags)
{
  return g_object_new (CRM_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", flags,
                       "resource-base-path", "/cn/jinke/Crm",
                       NULL);
}

CrmSession *
crm_application_get_session (CrmApplication *self)
{
  g_return_val_if_fail (CRM_IS_APPLICATION (self), NULL);
  return self->session;
}

GSettings *
crm_application_get_settings (CrmApplication *self)
{
  g_return_val_if_fail (CRM_IS_APPLICATION (self), NULL);
  return self->settings;
}

GtkWindow *
crm_application_get_main_window (CrmApplication *self)
{
  return self->main_window ? GTK_WINDOW (self->main_window) : NULL;
}

GtkWindow *
crm_application_get_sign_in_window (CrmApplication *self)
{
  return self->sign_in_window ? GTK_WINDOW (self->sign_in_window) : NULL;
}
