/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-settings"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "crm-call-columns.h"
#include "crm-call-settings-page.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-recording-http.h"

struct _CrmCallSettingsPage {
  GtkBox parent_instance;

  CrmSession *session;
  char *http_base;
  GCancellable *cancellable;   /* cancelled in dispose */
  SoupSession *soup;
  gboolean loaded;

  GtkSpinButton *retention;
  GtkSpinButton *grace;
  GtkEntry *area_code;
  GtkLabel *status;
};

G_DEFINE_FINAL_TYPE (CrmCallSettingsPage, crm_call_settings_page, GTK_TYPE_BOX)

static void
set_status (CrmCallSettingsPage *self, const char *text)
{
  gtk_label_set_text (self->status, text);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallSettingsPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  gint32 days = 0, grace = 0;
  const char *area = "";

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_variant_lookup (reply, "retention_days", "i", &days);
  g_variant_lookup (reply, "deleted_grace_days", "i", &grace);
  g_variant_lookup (reply, "local_area_code", "&s", &area);
  gtk_spin_button_set_value (self->retention, days);
  gtk_spin_button_set_value (self->grace, grace);
  gtk_editable_set_text (GTK_EDITABLE (self->area_code), area);
  self->loaded = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "callsettings.save", TRUE);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallSettingsPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_status (self, reply != NULL ? _("Saved") : error->message);
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  CrmCallSettingsPage *self = CRM_CALL_SETTINGS_PAGE (widget);
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *key = g_uuid_string_random ();

  gtk_spin_button_update (self->retention);
  gtk_spin_button_update (self->grace);
  g_variant_dict_insert (&d, "retention_days", "i", gtk_spin_button_get_value_as_int (self->retention));
  g_variant_dict_insert (&d, "deleted_grace_days", "i", gtk_spin_button_get_value_as_int (self->grace));
  g_variant_dict_insert (&d, "local_area_code", "s", gtk_editable_get_text (GTK_EDITABLE (self->area_code)));
  set_status (self, _("Saving…"));
  crm_session_call_async (self->session, CRM_MSG_CALL_SETTINGS_SET,
                          g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)),
                          self->cancellable, saved_cb, g_object_ref (self));
}

static void
purged_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallSettingsPage) self = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body == NULL)
    {
      set_status (self, error->message);
      return;
    }
  if (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));
  if (soup_message_get_status (msg) == SOUP_STATUS_OK && object != NULL)
    {
      gint64 expired = json_object_get_int_member_with_default (object, "expired", 0);
      gint64 files = json_object_get_int_member_with_default (object, "files", 0);
      g_autofree char *text = g_strdup_printf (_("Purged: %u recordings past the retention period, %u files removed"),
                                               (guint) CLAMP (expired, 0, G_MAXUINT), (guint) CLAMP (files, 0, G_MAXUINT));
      set_status (self, text);
    }
  else if (object != NULL && json_object_has_member (object, "message"))
    set_status (self, json_object_get_string_member (object, "message"));
  else
    set_status (self, _("The recordings could not be purged"));
}

static void
purge_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  CrmCallSettingsPage *self = CRM_CALL_SETTINGS_PAGE (widget);
  g_autofree char *base = crm_recording_http_base (self->session, self->http_base);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = crm_recording_http_message (self->session, base, "POST", "purge", &error);

  if (msg == NULL)
    {
      set_status (self, error->message);
      return;
    }
  set_status (self, _("Purging…"));
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, self->cancellable, purged_cb,
                                    g_object_ref (self));
}

static void
crm_call_settings_page_dispose (GObject *object)
{
  CrmCallSettingsPage *self = CRM_CALL_SETTINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->soup);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (crm_call_settings_page_parent_class)->dispose (object);
}

static void
crm_call_settings_page_finalize (GObject *object)
{
  CrmCallSettingsPage *self = CRM_CALL_SETTINGS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->http_base);
  G_OBJECT_CLASS (crm_call_settings_page_parent_class)->finalize (object);
}

static void
crm_call_settings_page_class_init (CrmCallSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_call_settings_page_dispose;
  object_class->finalize = crm_call_settings_page_finalize;
  gtk_widget_class_install_action (widget_class, "callsettings.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "callsettings.purge", NULL, purge_activated);
}

static GtkWidget *
field_label (const char *text, GtkWidget *target)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), target);
  return label;
}

static GtkWidget *
hint (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
crm_call_settings_page_init (CrmCallSettingsPage *self)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));
  GtkWidget *purge = gtk_button_new_with_mnemonic (_("_Purge Now"));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);
  self->cancellable = g_cancellable_new ();
  self->soup = soup_session_new_with_options ("timeout", 120, NULL);

  self->retention = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 3650, 1));
  self->grace = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 365, 1));
  self->area_code = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_max_length (self->area_code, 4);
  gtk_entry_set_placeholder_text (self->area_code, _("e.g. 0755"));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->area_code), 6);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_start (grid, 18);
  gtk_widget_set_margin_end (grid, 18);
  gtk_widget_set_margin_top (grid, 18);
  gtk_grid_attach (GTK_GRID (grid), field_label (_("Keep _recordings (days)"), GTK_WIDGET (self->retention)), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->retention), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), hint (_("0 keeps them for ever. Older recordings are removed every hour.")), 2, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), field_label (_("Keep _deleted recordings (days)"), GTK_WIDGET (self->grace)), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->grace), 1, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), hint (_("A recording a user deleted keeps its file this long.")), 2, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), field_label (_("Local _area code"), GTK_WIDGET (self->area_code)), 0, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (self->area_code), 1, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), hint (_("Local callers (7–8 digits) are matched with this area code.")), 2, 2, 1, 1);
  gtk_box_append (GTK_BOX (self), grid);

  gtk_widget_set_margin_start (buttons, 18);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "callsettings.save");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (purge), "callsettings.purge");
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), save);
  gtk_box_append (GTK_BOX (buttons), purge);
  gtk_box_append (GTK_BOX (self), buttons);

  gtk_widget_set_vexpand (grid, FALSE);
  {
    GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
    gtk_widget_set_vexpand (spacer, TRUE);
    gtk_box_append (GTK_BOX (self), spacer);
  }
  self->status = crm_call_page_add_status (GTK_BOX (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "callsettings.save", FALSE);
}

CrmCallSettingsPage *
crm_call_settings_page_new (CrmSession *session, const char *http_base)
{
  CrmCallSettingsPage *self = g_object_new (CRM_TYPE_CALL_SETTINGS_PAGE, NULL);

  self->session = g_object_ref (session);
  self->http_base = g_strdup (http_base);
  crm_session_call_async (session, CRM_MSG_CALL_SETTINGS_GET, g_variant_new ("()"),
                          self->cancellable, loaded_cb, g_object_ref (self));
  return self;
}

GtkSpinButton *
crm_call_settings_page_get_retention (CrmCallSettingsPage *self)
{
  return self->retention;
}

GtkSpinButton *
crm_call_settings_page_get_grace (CrmCallSettingsPage *self)
{
  return self->grace;
}

GtkEditable *
crm_call_settings_page_get_area_code (CrmCallSettingsPage *self)
{
  return GTK_EDITABLE (self->area_code);
}

const char *
crm_call_settings_page_get_status (CrmCallSettingsPage *self)
{
  return gtk_label_get_text (self->status);
}

gboolean
crm_call_settings_page_is_loaded (CrmCallSettingsPage *self)
{
  return self->loaded;
}
