/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-popup"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-call-popup.h"
#include "crm-contact-form.h"
#include "crm-error.h"
#include "crm-followup-form.h"
#include "crm-followup-timeline.h"
#include "crm-messages.h"
#include "crm-phone.h"

struct _CrmCallPopup {
  GtkWindow parent_instance;

  CrmSession *session;
  GCancellable *cancellable;
  GSimpleActionGroup *actions;
  GVariant *info;

  GtkLabel *number_label;
  GtkLabel *title_label;
  GtkLabel *detail_label;
  GtkLabel *followups_label;
  GtkLabel *status_label;
  GtkWidget *open_button;
  GtkWidget *add_button;
  GtkWidget *blacklist_button;
  GtkWidget *followup_button;
  GtkWidget *contact_button;
  GtkWindow *form;    /* weak: the follow-up or contact form opened last */
};

G_DEFINE_FINAL_TYPE (CrmCallPopup, crm_call_popup, GTK_TYPE_WINDOW)

enum { SIGNAL_OPEN_CUSTOMER, SIGNAL_QUICK_ADD, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
info_string (CrmCallPopup *self, const char *key)
{
  const char *value = NULL;

  if (self->info == NULL || !g_variant_lookup (self->info, key, "&s", &value))
    return "";
  return value;
}

static gint64
info_int64 (CrmCallPopup *self, const char *key)
{
  gint64 value = 0;

  if (self->info != NULL)
    g_variant_lookup (self->info, key, "x", &value);
  return value;
}

static gboolean
info_bool (CrmCallPopup *self, const char *key)
{
  gboolean value = FALSE;

  if (self->info != NULL)
    g_variant_lookup (self->info, key, "b", &value);
  return value;
}

static void
set_action_enabled (CrmCallPopup *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* The last follow-ups, one line each: when, how, what. */
static char *
format_followups (GVariant *list)
{
  g_autoptr(GString) out = g_string_new (NULL);
  GVariantIter iter;
  GVariant *item;

  g_variant_iter_init (&iter, list);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *text = "", *method = "";
      gint64 at = 0;
      g_autofree char *when = NULL;

      g_variant_lookup (item, "content", "&s", &text);
      g_variant_lookup (item, "method", "&s", &method);
      g_variant_lookup (item, "at", "x", &at);
      when = crm_followup_format_time (at);
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%s  %s  %s", when, crm_followup_method_label (method), text);
      g_variant_unref (item);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
crm_call_popup_set_info (CrmCallPopup *self, GVariant *info)
{
  const char *number = NULL;
  g_autofree char *display = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GVariant) followups = NULL;
  gint32 reason = 0;
  gint64 previous;

  g_return_if_fail (CRM_IS_CALL_POPUP (self));
  g_clear_pointer (&self->info, g_variant_unref);
  self->info = g_variant_ref_sink (info);

  number = info_string (self, "number");
  g_variant_lookup (info, "number_reason", "i", &reason);
  display = *number ? crm_phone_format (number) : NULL;
  if (*number == '\0')
    gtk_label_set_text (self->number_label, reason == 2 ? _("Number unavailable") : _("Number withheld"));
  else
    gtk_label_set_text (self->number_label, display ? display : number);

  if (info_int64 (self, "customer_id") != 0)
    {
      const char *caller = info_string (self, "contact_name");
      const char *primary = info_string (self, "primary_contact");
      const char *primary_phone = info_string (self, "primary_contact_phone");
      g_autoptr(GString) d = g_string_new (NULL);

      gtk_label_set_text (self->title_label, info_string (self, "customer_name"));
      g_string_append_printf (d, _("Owner: %s"), info_string (self, "owner_name"));
      /* The contact whose number rang, then the primary one if another. */
      if (*caller)
        {
          g_string_append_c (d, '\n');
          g_string_append_printf (d, _("Caller: %s"), caller);
        }
      if (*primary && g_strcmp0 (primary, caller) != 0)
        {
          g_string_append_c (d, '\n');
          if (*primary_phone)
            g_string_append_printf (d, _("Primary contact: %s (%s)"), primary, primary_phone);
          else
            g_string_append_printf (d, _("Primary contact: %s"), primary);
        }
      detail = g_string_free (g_steal_pointer (&d), FALSE);
    }
  else if (info_bool (self, "outside_scope"))
    {
      gtk_label_set_text (self->title_label, _("Another salesperson’s customer"));
      detail = g_strdup_printf (_("Owner: %s"), info_string (self, "owner_name"));
    }
  else
    {
      gtk_label_set_text (self->title_label, _("Unknown number"));
      detail = g_strdup (*number ? _("Add the caller as a new customer?") : "");
    }
  previous = info_int64 (self, "previous_calls");
  if (previous > 0)
    {
      g_autofree char *before = g_strdup (detail);
      g_free (detail);
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\nCalled %d time before", "%s\nCalled %d times before",
                                             previous), before, (int) previous);
    }
  gtk_label_set_text (self->detail_label, detail);

  followups = g_variant_lookup_value (info, "recent_followups", G_VARIANT_TYPE ("aa{sv}"));
  if (followups != NULL && g_variant_n_children (followups) > 0)
    {
      g_autofree char *text = format_followups (followups);
      gtk_label_set_text (self->followups_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->followups_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->followups_label), FALSE);

  gtk_label_set_text (self->status_label, info_bool (self, "whitelisted") ? _("On the whitelist") : "");
  set_action_enabled (self, "open-customer", info_int64 (self, "customer_id") != 0);
  set_action_enabled (self, "quick-add", *number != '\0' && info_int64 (self, "customer_id") == 0
                                         && !info_bool (self, "outside_scope"));
  set_action_enabled (self, "blacklist", *number != '\0' &&
                      crm_session_has_permission (self->session, "blacklist.manage"));
  set_action_enabled (self, "write-followup", info_int64 (self, "customer_id") != 0 &&
                      crm_session_has_permission (self->session, "followup.add"));
  set_action_enabled (self, "add-contact", info_int64 (self, "customer_id") != 0 && *number != '\0' &&
                      info_int64 (self, "contact_id") == 0 &&
                      crm_session_has_permission (self->session, "contact.add"));
  gtk_widget_set_visible (self->followup_button, info_int64 (self, "customer_id") != 0);
  gtk_widget_set_visible (self->contact_button, info_int64 (self, "customer_id") != 0 &&
                          info_int64 (self, "contact_id") == 0);
  gtk_widget_set_visible (self->open_button, info_int64 (self, "customer_id") != 0);
  gtk_widget_set_visible (self->add_button, info_int64 (self, "customer_id") == 0);
}

static void
open_customer_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  CrmCallPopup *self = data;

  g_signal_emit (self, signals[SIGNAL_OPEN_CUSTOMER], 0, info_int64 (self, "customer_id"));
  gtk_window_close (GTK_WINDOW (self));
}

static void
quick_add_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  CrmCallPopup *self = data;
  g_autofree char *number = g_strdup (info_string (self, "number"));

  g_signal_emit (self, signals[SIGNAL_QUICK_ADD], 0, number);
  gtk_window_close (GTK_WINDOW (self));
}

/* The forms open beside the pop-up, which stays while the call goes on. */
static void
present_form (CrmCallPopup *self, GtkWindow *form)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent != NULL)
    gtk_window_set_transient_for (form, parent);
  g_set_weak_pointer (&self->form, form);
  gtk_window_present (form);
}

static void
write_followup_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  CrmCallPopup *self = data;
  CrmFollowupForm *form = crm_followup_form_new (self->session, info_int64 (self, "customer_id"),
                                                 info_string (self, "customer_name"));

  crm_followup_form_set_method (form, "phone");
  crm_followup_form_set_contact (form, info_int64 (self, "contact_id"), info_string (self, "contact_name"));
  present_form (self, GTK_WINDOW (form));
}

static void
contact_saved (CrmContactForm *form, gint64 id, gpointer data)
{
  CrmCallPopup *self = data;

  gtk_label_set_text (self->status_label, _("Contact added"));
  set_action_enabled (self, "add-contact", FALSE);
}

static void
add_contact_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  CrmCallPopup *self = data;
  CrmContactForm *form = crm_contact_form_new (self->session, info_int64 (self, "customer_id"),
                                               info_string (self, "customer_name"), NULL);

  crm_contact_form_set_phone (form, info_string (self, "number"));
  g_signal_connect_object (form, "saved", G_CALLBACK (contact_saved), self, 0);
  present_form (self, GTK_WINDOW (form));
}

static void
blacklisted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallPopup) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (reply == NULL)
    gtk_label_set_text (self->status_label, error->message);
  else
    {
      gtk_label_set_text (self->status_label, _("Added to the blacklist"));
      set_action_enabled (self, "blacklist", FALSE);
    }
}

static void
blacklist_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  CrmCallPopup *self = data;
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *key = g_uuid_string_random ();

  g_variant_dict_insert (&d, "pattern", "s", info_string (self, "number"));
  g_variant_dict_insert (&d, "kind", "s", "block");
  g_variant_dict_insert (&d, "reason", "s", _("Added from the call pop-up"));
  set_action_enabled (self, "blacklist", FALSE);
  crm_session_call_async (self->session, CRM_MSG_BLACKLIST_SAVE,
                          g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                          self->cancellable, blacklisted_cb, g_object_ref (self));
}

static void
close_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
}

static const GActionEntry action_entries[] = {
  { .name = "open-customer", .activate = open_customer_activated },
  { .name = "quick-add", .activate = quick_add_activated },
  { .name = "blacklist", .activate = blacklist_activated },
  { .name = "write-followup", .activate = write_followup_activated },
  { .name = "add-contact", .activate = add_contact_activated },
  { .name = "close", .activate = close_activated },
};

static GtkLabel *
new_label (const char *css_class, gboolean wrap)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), wrap);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return GTK_LABEL (label);
}

static GtkWidget *
action_button (const char *label, const char *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  return button;
}

static void
crm_call_popup_dispose (GObject *object)
{
  CrmCallPopup *self = CRM_CALL_POPUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->info, g_variant_unref);
  g_clear_weak_pointer (&self->form);
  G_OBJECT_CLASS (crm_call_popup_parent_class)->dispose (object);
}

static void
crm_call_popup_finalize (GObject *object)
{
  CrmCallPopup *self = CRM_CALL_POPUP (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (crm_call_popup_parent_class)->finalize (object);
}

static void
crm_call_popup_class_init (CrmCallPopupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_call_popup_dispose;
  object_class->finalize = crm_call_popup_finalize;
  signals[SIGNAL_OPEN_CUSTOMER] = g_signal_new ("open-customer", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_QUICK_ADD] = g_signal_new ("quick-add", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "popup.close", NULL);
}

static void
crm_call_popup_init (CrmCallPopup *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *heading = gtk_label_new (_("Incoming call"));

  self->cancellable = g_cancellable_new ();
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "popup", G_ACTION_GROUP (self->actions));

  gtk_window_set_title (GTK_WINDOW (self), _("Incoming call"));
  gtk_window_set_default_size (GTK_WINDOW (self), 360, -1);
  gtk_window_set_resizable (GTK_WINDOW (self), FALSE);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "dim-label");
  gtk_box_append (GTK_BOX (box), heading);
  self->number_label = new_label ("title-2", FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->number_label));
  self->title_label = new_label ("title-1", TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title_label));
  self->detail_label = new_label (NULL, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->detail_label));
  self->followups_label = new_label ("dim-label", TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->followups_label));
  self->status_label = new_label ("dim-label", TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));

  {
    GtkWidget *more = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_widget_set_margin_top (more, 6);
    gtk_widget_set_halign (more, GTK_ALIGN_END);
    self->contact_button = action_button (_("Add _Contact"), "popup.add-contact");
    gtk_box_append (GTK_BOX (more), self->contact_button);
    self->followup_button = action_button (_("Write a _Follow-up"), "popup.write-followup");
    gtk_box_append (GTK_BOX (more), self->followup_button);
    gtk_box_append (GTK_BOX (box), more);
  }
  gtk_widget_set_margin_top (buttons, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  self->blacklist_button = action_button (_("Add to _Blacklist"), "popup.blacklist");
  gtk_widget_add_css_class (self->blacklist_button, "destructive-action");
  gtk_box_append (GTK_BOX (buttons), self->blacklist_button);
  self->add_button = action_button (_("_Add Customer"), "popup.quick-add");
  gtk_box_append (GTK_BOX (buttons), self->add_button);
  self->open_button = action_button (_("_Open Customer"), "popup.open-customer");
  gtk_widget_add_css_class (self->open_button, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), self->open_button);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_window_set_child (GTK_WINDOW (self), box);
}

CrmCallPopup *
crm_call_popup_new (CrmSession *session)
{
  CrmCallPopup *self = g_object_new (CRM_TYPE_CALL_POPUP, NULL);

  self->session = g_object_ref (session);
  return self;
}

const char *
crm_call_popup_get_title_text (CrmCallPopup *self)
{
  return gtk_label_get_text (self->title_label);
}

const char *
crm_call_popup_get_detail_text (CrmCallPopup *self)
{
  return gtk_label_get_text (self->detail_label);
}

gint64
crm_call_popup_get_customer_id (CrmCallPopup *self)
{
  return info_int64 (self, "customer_id");
}

const char *
crm_call_popup_get_status_text (CrmCallPopup *self)
{
  return gtk_label_get_text (self->status_label);
}

const char *
crm_call_popup_get_followups_text (CrmCallPopup *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->followups_label))
         ? gtk_label_get_text (self->followups_label) : "";
}

GtkWindow *
crm_call_popup_get_form (CrmCallPopup *self)
{
  return self->form;
}

GActionGroup *
crm_call_popup_get_actions (CrmCallPopup *self)
{
  return G_ACTION_GROUP (self->actions);
}
