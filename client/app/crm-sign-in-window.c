/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-sign-in"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-application.h"
#include "crm-error.h"
#include "crm-sign-in-window.h"

typedef enum {
  TRUST_NONE,
  TRUST_FIRST_CONTACT,
  TRUST_CHANGED,
} TrustQuestion;

struct _CrmSignInWindow
{
  GtkApplicationWindow parent_instance;

  GtkEntry          *server_entry;
  GtkEntry          *user_entry;
  GtkPasswordEntry  *password_entry;
  GtkWidget         *error_box;
  GtkLabel          *error_label;
  GtkWidget         *trust_box;
  GtkLabel          *trust_label;
  GtkLabel          *fingerprint_label;
  GtkSpinner        *spinner;

  TrustQuestion      trust_question;
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (CrmSignInWindow, crm_sign_in_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static CrmApplication *
get_app (CrmSignInWindow *self)
{
  return CRM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
set_busy (CrmSignInWindow *self,
          gboolean         busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.submit", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.trust", !busy);
  /* The entries stay sensitive: taking the focus away from under the user's
   * caret only to give it back a moment later is jarring. */
  gtk_editable_set_editable (GTK_EDITABLE (self->server_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->user_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_entry), !busy);
}

static void
hide_messages (CrmSignInWindow *self)
{
  gtk_widget_set_visible (self->error_box, FALSE);
  gtk_widget_set_visible (self->trust_box, FALSE);
  self->trust_question = TRUST_NONE;
}

static void
show_error_text (CrmSignInWindow *self,
                 const char      *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (self->error_box, TRUE);
}

static const char *
current_host_port (CrmSignInWindow *self)
{
  return crm_session_get_address (crm_application_get_session (get_app (self)));
}

void
crm_sign_in_window_show_error (CrmSignInWindow *self,
                               const GError    *error)
{
  CrmSession *session = crm_application_get_session (get_app (self));
  CrmTrustStore *trust = crm_session_get_trust_store (session);
  const char *host_port = current_host_port (self);
  const char *seen = host_port && trust ? crm_trust_store_get_last_seen (trust, host_port) : NULL;
  g_autofree char *text = NULL;

  hide_messages (self);

  if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_UNKNOWN))
    {
      g_autofree char *question = g_strdup_printf (
        _("This is the first connection to %s. Make sure with your administrator that the "
          "server’s certificate fingerprint (SHA-256) is:"), host_port ? host_port : "");
      gtk_label_set_text (self->trust_label, question);
      gtk_label_set_text (self->fingerprint_label, seen ? seen : "");
      gtk_widget_set_visible (self->trust_box, TRUE);
      self->trust_question = TRUST_FIRST_CONTACT;
      return;
    }
  if (g_error_matches (error, CRM_ERROR, CRM_ERROR_CERTIFICATE_CHANGED))
    {
      const char *old = host_port && trust ? crm_trust_store_lookup (trust, host_port) : NULL;
      g_autofree char *question = g_strdup_printf (
        _("The certificate of %s has changed. Someone may be intercepting the connection: "
          "sign in only if your administrator confirms that the server’s certificate was "
          "replaced."), host_port ? host_port : "");
      g_autofree char *prints = g_strdup_printf (_("Old: %s\nNew: %s"),
                                                 old ? old : "?", seen ? seen : "?");

      show_error_text (self, question);
      gtk_label_set_text (self->trust_label, _("Trust the new certificate?"));
      gtk_label_set_text (self->fingerprint_label, prints);
      gtk_widget_set_visible (self->trust_box, TRUE);
      self->trust_question = TRUST_CHANGED;
      return;
    }

  if (g_error_matches (error, CRM_ERROR, CRM_ERROR_AUTH_FAILED))
    {
      text = g_strdup (_("Wrong user name or password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
    }
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_ACCOUNT_LOCKED))
    text = g_strdup_printf ("%s\n%s",
                            _("This account is locked after too many failed sign-ins. Try "
                              "again later or ask your administrator to unlock it."),
                            error->message);
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_ACCOUNT_DISABLED))
    text = g_strdup (_("This account is disabled. Ask your administrator."));
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_RATE_LIMITED))
    text = g_strdup (_("Too many sign-in attempts. Wait a minute and try again."));
  else if (g_error_matches (error, CRM_ERROR, CRM_ERROR_SESSION_EXPIRED))
    text = g_strdup_printf ("%s\n%s", _("Your session has ended. Sign in again; your open "
                                        "forms are kept."), error->message);
  else if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
           g_error_matches (error, CRM_ERROR, CRM_ERROR_CLOSED))
    text = g_strdup_printf (_("Cannot reach the server at %s. Check the address and the "
                              "network, or ask your administrator whether the server is "
                              "running."),
                            host_port ? host_port : gtk_editable_get_text (GTK_EDITABLE (self->server_entry)));
  else
    text = g_strdup (error->message);

  show_error_text (self, text);
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmSignInWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GSettings *settings;

  if (!crm_session_sign_in_finish (CRM_SESSION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("sign-in failed: %s", error->message);
      set_busy (self, FALSE);
      crm_sign_in_window_show_error (self, error);
      return;
    }
  set_busy (self, FALSE);
  settings = crm_application_get_settings (get_app (self));
  g_settings_set_string (settings, "server-address",
                         gtk_editable_get_text (GTK_EDITABLE (self->server_entry)));
  g_settings_set_string (settings, "last-user",
                         gtk_editable_get_text (GTK_EDITABLE (self->user_entry)));
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0);
}

static void
submit (CrmSignInWindow *self,
        gboolean         trust_first_use)
{
  CrmSession *session = crm_application_get_session (get_app (self));

  hide_messages (self);
  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  crm_session_sign_in_async (session,
                             gtk_editable_get_text (GTK_EDITABLE (self->server_entry)),
                             gtk_editable_get_text (GTK_EDITABLE (self->user_entry)),
                             gtk_editable_get_text (GTK_EDITABLE (self->password_entry)),
                             trust_first_use, self->cancellable, sign_in_cb,
                             g_object_ref (self));
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  submit (CRM_SIGN_IN_WINDOW (widget), FALSE);
}

static void
trust_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CrmSignInWindow *self = CRM_SIGN_IN_WINDOW (widget);
  CrmSession *session = crm_application_get_session (get_app (self));
  const char *host_port = current_host_port (self);
  g_autoptr(GError) error = NULL;

  if (self->trust_question == TRUST_NONE)
    return;
  if (self->trust_question == TRUST_CHANGED && host_port &&
      !crm_trust_store_forget (crm_session_get_trust_store (session), host_port, &error))
    {
      show_error_text (self, error->message);
      return;
    }
  submit (self, TRUE);
}

static void
cancel_trust_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  hide_messages (CRM_SIGN_IN_WINDOW (widget));
}

static void
on_entry_activate (CrmSignInWindow *self)
{
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_entry));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  /* Enter moves on to the next empty field, then signs in. */
  if (*user == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->user_entry));
  else if (*password == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
}

GtkEditable *
crm_sign_in_window_get_server_entry (CrmSignInWindow *self)
{
  return GTK_EDITABLE (self->server_entry);
}

GtkEditable *
crm_sign_in_window_get_user_entry (CrmSignInWindow *self)
{
  return GTK_EDITABLE (self->user_entry);
}

GtkEditable *
crm_sign_in_window_get_password_entry (CrmSignInWindow *self)
{
  return GTK_EDITABLE (self->password_entry);
}

const char *
crm_sign_in_window_get_error_text (CrmSignInWindow *self)
{
  if (!gtk_widget_get_visible (self->error_box))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
crm_sign_in_window_is_asking_trust (CrmSignInWindow *self)
{
  return gtk_widget_get_visible (self->trust_box);
}

gboolean
crm_sign_in_window_is_busy (CrmSignInWindow *self)
{
  return gtk_spinner_get_spinning (self->spinner);
}

static void
crm_sign_in_window_dispose (GObject *object)
{
  CrmSignInWindow *self = CRM_SIGN_IN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (crm_sign_in_window_parent_class)->dispose (object);
}

static void
crm_sign_in_window_class_init (CrmSignInWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_sign_in_window_dispose;

  signals[SIGNAL_SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/jinke/Crm/crm-sign-in-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, server_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, user_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, password_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, error_box);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, trust_box);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, trust_label);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInWindow, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "sign-in.trust", NULL, trust_action);
  gtk_widget_class_install_action (widget_class, "sign-in.cancel-trust", NULL, cancel_trust_action);
}

static void
crm_sign_in_window_init (CrmSignInWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CrmSignInWindow *
crm_sign_in_window_new (CrmApplication *app,
                        const char     *server)
{
  CrmSignInWindow *self = g_object_new (CRM_TYPE_SIGN_IN_WINDOW, "application", app, NULL);
  GSettings *settings = crm_application_get_settings (app);
  g_autofree char *address = g_settings_get_string (settings, "server-address");
  g_autofree char *user = g_settings_get_string (settings, "last-user");

  gtk_editable_set_text (GTK_EDITABLE (self->server_entry), server && *server ? server : address);
  gtk_editable_set_text (GTK_EDITABLE (self->user_entry), user);
  gtk_widget_grab_focus (*user ? GTK_WIDGET (self->password_entry) : GTK_WIDGET (self->user_entry));
  return self;
}
