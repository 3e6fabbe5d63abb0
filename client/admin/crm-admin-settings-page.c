/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-choice-editor.h"
#include "crm-admin-page.h"
#include "crm-admin-record.h"
#include "crm-admin-settings-page.h"
#include "crm-admin-util.h"
#include "crm-connection.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-numbering.h"

typedef struct
{
  const char *code;
  const char *label;
} Named;

static const Named field_types[] = {
  { "text", N_ ("Text") },     { "number", N_ ("Number") },
  { "money", N_ ("Money") },   { "date", N_ ("Date") },
  { "choice", N_ ("Choice") }, { "multi_choice", N_ ("Multiple choice") },
  { "phone", N_ ("Phone") },   { "email", N_ ("E-mail") },
};

static const Named date_patterns[] = {
  { "", N_ ("No date") }, { "yyyy", "yyyy" }, { "yy", "yy" },
  { "yyyyMM", "yyyyMM" }, { "yyMM", "yyMM" }, { "yyyyMMdd", "yyyyMMdd" },
  { "yyMMdd", "yyMMdd" },
};

static const Named separators[] = {
  { "", N_ ("None") }, { "-", "-" }, { "_", "_" }, { "/", "/" }, { ".", "." },
};

static const Named resets[] = {
  { "never", N_ ("Never") },
  { "daily", N_ ("Every day") },
  { "monthly", N_ ("Every month") },
  { "yearly", N_ ("Every year") },
};

/* Customer fields an entry rule may require. */
static const Named rule_fields[] = {
  { "name", N_ ("Company name") },
  { "short_name", N_ ("Short name") },
  { "category", N_ ("Category") },
  { "industry", N_ ("Industry") },
  { "source", N_ ("Source") },
  { "region", N_ ("Region") },
  { "value", N_ ("Value") },
  { "address", N_ ("Address") },
  { "postal_code", N_ ("Postal code") },
  { "phones", N_ ("Phone numbers") },
  { "notes", N_ ("Notes") },
};

static const Named duplicates[] = {
  { "allow", N_ ("Allow") },
  { "warn", N_ ("Warn") },
  { "forbid", N_ ("Forbid") },
};

static const Named switches[] = {
  { "points_enabled", N_ ("Customer points") },
  { "approval_enabled", N_ ("Approval of orders and expenses") },
};

struct _CrmAdminSettingsPage
{
  GtkBox parent_instance;

  CrmSession    *session;
  GCancellable  *cancellable;
  guint          busy;
  gboolean       loading; /* filling widgets from a reply */
  GtkNotebook   *notebook;
  GtkColumnView *field_view;
  GtkFlowBox    *required_box;
  GtkGrid       *switch_grid;

  CrmAdminChoiceEditor *choice_editor;

  /* custom fields */
  GListStore         *fields;
  GtkSingleSelection *field_selection;
  GtkEntry           *field_key;
  GtkEntry           *field_label;
  GtkDropDown        *field_type;
  GtkCheckButton     *field_required;
  GtkEntry           *field_choices;

  /* numbering */
  GtkEntry      *prefix;
  GtkDropDown   *date_pattern;
  GtkDropDown   *separator;
  GtkSpinButton *width;
  GtkDropDown   *reset;
  GtkLabel      *preview;
  GtkLabel      *next_number;

  /* entry rules */
  GHashTable     *required; /* field → GtkCheckButton */
  GtkDropDown    *phone_format;
  GtkCheckButton *postal_format;
  GtkDropDown    *duplicate;

  /* switches */
  GHashTable *switch_widgets; /* key → GtkSwitch */
};

static void crm_admin_settings_page_iface_init (CrmAdminPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAdminSettingsPage, crm_admin_settings_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_ADMIN_PAGE,
                                                      crm_admin_settings_page_iface_init))

static GtkStringList *
named_strings (const Named *named, gsize n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (gsize i = 0; i < n; i++)
    gtk_string_list_append (list, *named[i].label ? _ (named[i].label) : "");
  return list;
}

static void
named_select (GtkDropDown *dropdown, const Named *named, gsize n, const char *code)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (named[i].code, code))
      gtk_drop_down_set_selected (dropdown, i);
}

static const char *
named_code (GtkDropDown *dropdown, const Named *named, gsize n)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  return pos < n ? named[pos].code : named[0].code;
}

static void
set_busy (CrmAdminSettingsPage *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
}

static void reload_settings (CrmAdminSettingsPage *self);

/* A call of this page is over (crm_admin_call_finish). */
static void
call_over (gpointer page)
{
  set_busy (CRM_ADMIN_SETTINGS_PAGE (page), FALSE);
}

/* Every save ends here: report, then read back what the server kept. */
static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminSettingsPage *self;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply))
    return;
  self = CRM_ADMIN_SETTINGS_PAGE (user_data);
  if (reply != NULL)
    crm_admin_report_notice (GTK_WIDGET (self), _ ("Saved."));
  reload_settings (self);
}

static void
save (CrmAdminSettingsPage *self, guint message_id, GVariant *body)
{
  set_busy (self, TRUE);
  crm_session_call_async (self->session, message_id, body, self->cancellable, on_saved, self);
}

/* Calls `message_id` and hands the reply to `apply`. */
typedef void (*Apply) (CrmAdminSettingsPage *self, GVariant *reply);

typedef struct
{
  CrmAdminSettingsPage *self;
  Apply                 apply;
} Load;

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr (GVariant) reply = NULL;
  CrmAdminSettingsPage *self = load->self;
  Apply                 apply = load->apply;

  g_free (load);
  if (!crm_admin_call_finish (source, result, self, call_over, &reply) || reply == NULL)
    return;
  self->loading = TRUE;
  apply (self, reply);
  self->loading = FALSE;
}

static void
load (CrmAdminSettingsPage *self, guint message_id, GVariant *body, Apply apply)
{
  Load *l = g_new0 (Load, 1);

  l->self = self;
  l->apply = apply;
  set_busy (self, TRUE);
  crm_session_call_async (self->session, message_id, body, self->cancellable, on_loaded, l);
}

/* ---- custom fields -------------------------------------------------------------- */

static void
apply_fields (CrmAdminSettingsPage *self, GVariant *reply)
{
  crm_admin_store_set_records (self->fields, reply, FALSE);
}

static void
on_field_selected (CrmAdminSettingsPage *self)
{
  CrmAdminRecord *field = crm_admin_selection_get (self->field_selection);
  g_auto (GStrv) choices = NULL;
  g_autofree char *joined = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.save-field", field != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.retire-field", field != NULL);
  if (field == NULL)
    return;
  choices = crm_admin_record_dup_strv (field, "choices");
  joined = g_strjoinv ("，", choices);
  gtk_editable_set_text (GTK_EDITABLE (self->field_key),
                         crm_admin_record_get_string (field, "key"));
  gtk_editable_set_text (GTK_EDITABLE (self->field_label),
                         crm_admin_record_get_string (field, "label"));
  named_select (self->field_type, field_types, G_N_ELEMENTS (field_types),
                crm_admin_record_get_string (field, "type"));
  gtk_check_button_set_active (self->field_required,
                               crm_admin_record_get_boolean (field, "required"));
  gtk_editable_set_text (GTK_EDITABLE (self->field_choices), joined);
}

/* "甲，乙, 丙、丁" → items; empty parts dropped. */
static GStrv
split_choices (const char *text)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) parts = NULL;
  g_autoptr (GString) s = g_string_new (text);

  g_string_replace (s, "，", ",", 0);
  g_string_replace (s, "、", ",", 0);
  g_string_replace (s, "；", ",", 0);
  g_string_replace (s, ";", ",", 0);
  parts = g_strsplit (s->str, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i])
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

static void
send_field (CrmAdminSettingsPage *self, gint64 id)
{
  g_autofree char *key = crm_new_idempotency_key ();
  g_autofree char *field_key
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->field_key))));
  g_autofree char *label
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->field_label))));
  g_auto (GStrv) choices
      = split_choices (gtk_editable_get_text (GTK_EDITABLE (self->field_choices)));
  const char  *type = named_code (self->field_type, field_types, G_N_ELEMENTS (field_types));
  GVariantDict d;

  if (*label == '\0' || (id == 0 && *field_key == '\0'))
    {
      g_autoptr (GError) error = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                                              _ ("Enter the field's code and label."));
      crm_admin_report_error (GTK_WIDGET (self), error);
      return;
    }
  if ((g_str_equal (type, "choice") || g_str_equal (type, "multi_choice")) && choices[0] == NULL)
    {
      g_autoptr (GError) error
          = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                         _ ("A choice field needs its choices, separated by commas."));
      crm_admin_report_error (GTK_WIDGET (self), error);
      return;
    }
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "id", "x", id);
  g_variant_dict_insert (&d, "entity", "s", "customer");
  if (id == 0)
    g_variant_dict_insert (&d, "key", "s", field_key);
  g_variant_dict_insert (&d, "label", "s", label);
  g_variant_dict_insert (&d, "type", "s", type);
  g_variant_dict_insert (&d, "required", "b", gtk_check_button_get_active (self->field_required));
  g_variant_dict_insert (&d, "choices", "^as", choices);
  save (self, CRM_MSG_CUSTOM_FIELD_SAVE, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
}

static void
add_field_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  send_field (CRM_ADMIN_SETTINGS_PAGE (widget), 0);
}

static void
save_field_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminSettingsPage *self = CRM_ADMIN_SETTINGS_PAGE (widget);
  CrmAdminRecord       *field = crm_admin_selection_get (self->field_selection);

  if (field)
    send_field (self, crm_admin_record_get_id (field));
}

static void
retire_confirmed (GtkWidget *widget, gpointer data)
{
  CrmAdminSettingsPage *self = CRM_ADMIN_SETTINGS_PAGE (widget);
  g_autofree char      *key = crm_new_idempotency_key ();

  save (self, CRM_MSG_CUSTOM_FIELD_RETIRE,
        g_variant_new ("(sx)", key, (gint64)GPOINTER_TO_SIZE (data)));
}

static void
retire_field_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminSettingsPage *self = CRM_ADMIN_SETTINGS_PAGE (widget);
  CrmAdminRecord       *field = crm_admin_selection_get (self->field_selection);
  g_autofree char      *question = NULL;

  if (field == NULL)
    return;
  question = g_strdup_printf (_ ("Retire the field “%s”?"),
                              crm_admin_record_get_string (field, "label"));
  crm_admin_confirm (widget, question,
                     _ ("Forms stop offering it; values already entered are kept."), _ ("_Retire"),
                     retire_confirmed, GSIZE_TO_POINTER ((gsize)crm_admin_record_get_id (field)));
}

static char *
format_type (CrmAdminRecord *record, const char *key, gpointer data)
{
  const char *type = crm_admin_record_get_string (record, key);

  for (gsize i = 0; i < G_N_ELEMENTS (field_types); i++)
    if (g_str_equal (field_types[i].code, type))
      return g_strdup (_ (field_types[i].label));
  return g_strdup (type);
}

/* ---- numbering ---------------------------------------------------------------- */

static void
update_preview (CrmAdminSettingsPage *self)
{
  g_autofree char *prefix = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->prefix)));
  CrmNumberingRule rule = {
    .prefix = g_strstrip (prefix),
    .date_pattern = named_code (self->date_pattern, date_patterns, G_N_ELEMENTS (date_patterns)),
    .separator = named_code (self->separator, separators, G_N_ELEMENTS (separators)),
    .width = (guint)gtk_spin_button_get_value_as_int (self->width),
    .reset
    = (CrmNumberingReset)MIN (gtk_drop_down_get_selected (self->reset), G_N_ELEMENTS (resets) - 1),
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (!crm_numbering_rule_check (&rule, &error))
    {
      gtk_label_set_text (self->preview, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->preview), "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.save-numbering", FALSE);
      return;
    }
  {
    g_autofree char *first = crm_numbering_format (&rule, now, 1);
    g_autofree char *text = g_strdup_printf (_ ("First number of a period: %s"), first);

    gtk_label_set_text (self->preview, text);
  }
  gtk_widget_remove_css_class (GTK_WIDGET (self->preview), "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.save-numbering", TRUE);
}

static void
apply_numbering (CrmAdminSettingsPage *self, GVariant *reply)
{
  g_autoptr (CrmAdminRecord) rule = crm_admin_record_new (reply);
  g_autofree char *next = NULL;

  gtk_editable_set_text (GTK_EDITABLE (self->prefix), crm_admin_record_get_string (rule, "prefix"));
  named_select (self->date_pattern, date_patterns, G_N_ELEMENTS (date_patterns),
                crm_admin_record_get_string (rule, "date_pattern"));
  named_select (self->separator, separators, G_N_ELEMENTS (separators),
                crm_admin_record_get_string (rule, "separator"));
  gtk_spin_button_set_value (self->width, MAX (1, crm_admin_record_get_int (rule, "width")));
  named_select (self->reset, resets, G_N_ELEMENTS (resets),
                crm_admin_record_get_string (rule, "reset"));
  next = g_strdup_printf (_ ("Next number the server gives: %s"),
                          crm_admin_record_get_string (rule, "next"));
  gtk_label_set_text (self->next_number, next);
  update_preview (self);
}

static void
save_numbering_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminSettingsPage *self = CRM_ADMIN_SETTINGS_PAGE (widget);
  g_autofree char      *key = crm_new_idempotency_key ();
  g_autofree char      *prefix
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->prefix))));
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "prefix", "s", prefix);
  g_variant_dict_insert (
      &d, "date_pattern", "s",
      named_code (self->date_pattern, date_patterns, G_N_ELEMENTS (date_patterns)));
  g_variant_dict_insert (&d, "separator", "s",
                         named_code (self->separator, separators, G_N_ELEMENTS (separators)));
  g_variant_dict_insert (&d, "width", "i", (gint32)gtk_spin_button_get_value_as_int (self->width));
  g_variant_dict_insert (&d, "reset", "s", named_code (self->reset, resets, G_N_ELEMENTS (resets)));
  save (self, CRM_MSG_NUMBERING_SAVE,
        g_variant_new ("(ss@a{sv})", key, "customer", g_variant_dict_end (&d)));
}

/* ---- entry rules ---------------------------------------------------------------- */

static void
apply_entry_rule (CrmAdminSettingsPage *self, GVariant *reply)
{
  g_autoptr (CrmAdminRecord) rule = crm_admin_record_new (reply);
  g_auto (GStrv) required = crm_admin_record_dup_strv (rule, "required");
  g_autoptr (GVariant) formats
      = g_variant_lookup_value (reply, "formats", G_VARIANT_TYPE ("a{ss}"));
  const char    *phone = NULL, *postal = NULL;
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, self->required);
  while (g_hash_table_iter_next (&iter, &key, &value))
    gtk_check_button_set_active (value, g_strv_contains ((const char *const *)required, key));
  if (formats)
    {
      g_variant_lookup (formats, "phones", "&s", &phone);
      g_variant_lookup (formats, "postal_code", "&s", &postal);
    }
  gtk_drop_down_set_selected (self->phone_format, g_strcmp0 (phone, "mobile") == 0  ? 1
                                                  : g_strcmp0 (phone, "phone") == 0 ? 2
                                                                                    : 0);
  gtk_check_button_set_active (self->postal_format, g_strcmp0 (postal, "postal_code") == 0);
  named_select (self->duplicate, duplicates, G_N_ELEMENTS (duplicates),
                crm_admin_record_get_string (rule, "duplicate_name"));
}

static void
save_entry_rule_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminSettingsPage *self = CRM_ADMIN_SETTINGS_PAGE (widget);
  g_autofree char      *key = crm_new_idempotency_key ();
  g_autoptr (GStrvBuilder) required = g_strv_builder_new ();
  g_auto (GStrv) fields = NULL;
  GVariantBuilder formats;
  GVariantDict    d;
  guint           phone = gtk_drop_down_get_selected (self->phone_format);

  for (gsize i = 0; i < G_N_ELEMENTS (rule_fields); i++)
    if (gtk_check_button_get_active (g_hash_table_lookup (self->required, rule_fields[i].code)))
      g_strv_builder_add (required, rule_fields[i].code);
  fields = g_strv_builder_end (required);
  g_variant_builder_init (&formats, G_VARIANT_TYPE ("a{ss}"));
  if (phone == 1 || phone == 2)
    g_variant_builder_add (&formats, "{ss}", "phones", phone == 1 ? "mobile" : "phone");
  if (gtk_check_button_get_active (self->postal_format))
    g_variant_builder_add (&formats, "{ss}", "postal_code", "postal_code");
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "required", "^as", fields);
  g_variant_dict_insert_value (&d, "formats", g_variant_builder_end (&formats));
  g_variant_dict_insert (&d, "duplicate_name", "s",
                         named_code (self->duplicate, duplicates, G_N_ELEMENTS (duplicates)));
  save (self, CRM_MSG_ENTRY_RULE_SAVE,
        g_variant_new ("(ss@a{sv})", key, "customer", g_variant_dict_end (&d)));
}

/* ---- switches ------------------------------------------------------------------ */

static void
apply_switches (CrmAdminSettingsPage *self, GVariant *reply)
{
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, self->switch_widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean on = FALSE;

      g_variant_lookup (reply, key, "b", &on);
      gtk_switch_set_active (value, on);
    }
}

static gboolean
on_switch_set (GtkSwitch *widget, gboolean state, CrmAdminSettingsPage *self)
{
  g_autofree char *key = NULL;
  GVariantDict     d;

  if (self->loading)
    return FALSE;
  key = crm_new_idempotency_key ();
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, g_object_get_data (G_OBJECT (widget), "crm-key"), "b", state);
  save (self, CRM_MSG_SETTING_SET, g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
  return FALSE;
}

/* ---- page ------------------------------------------------------------------------ */

/* Everything but the choice lists, which reload on their own saves:
 * saving another tab keeps unsaved edits of a list. */
static void
reload_settings (CrmAdminSettingsPage *self)
{
  load (self, CRM_MSG_CUSTOM_FIELD_LIST, g_variant_new ("(s)", "customer"), apply_fields);
  load (self, CRM_MSG_NUMBERING_GET, g_variant_new ("(s)", "customer"), apply_numbering);
  load (self, CRM_MSG_ENTRY_RULE_GET, g_variant_new ("(s)", "customer"), apply_entry_rule);
  load (self, CRM_MSG_SETTING_GET, g_variant_new ("()"), apply_switches);
}

static void
reload_all (CrmAdminSettingsPage *self)
{
  crm_admin_choice_editor_reload (self->choice_editor);
  reload_settings (self);
}

static void
settings_reload (CrmAdminPage *page)
{
  reload_all (CRM_ADMIN_SETTINGS_PAGE (page));
}

static gboolean
settings_watches_entity (CrmAdminPage *page, const char *entity)
{
  /* The server announces every settings change as entity "settings". */
  return g_str_equal (entity, "settings") || g_str_equal (entity, "choice")
         || g_str_equal (entity, "custom_field") || g_str_equal (entity, "setting");
}

static gboolean
settings_is_busy (CrmAdminPage *page)
{
  CrmAdminSettingsPage *self = CRM_ADMIN_SETTINGS_PAGE (page);

  return self->busy > 0 || crm_admin_choice_editor_is_busy (self->choice_editor);
}

static void
crm_admin_settings_page_iface_init (CrmAdminPageInterface *iface)
{
  iface->reload = settings_reload;
  iface->watches_entity = settings_watches_entity;
  iface->is_busy = settings_is_busy;
}

static void
crm_admin_settings_page_dispose (GObject *object)
{
  CrmAdminSettingsPage *self = CRM_ADMIN_SETTINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->required, g_hash_table_unref);
  g_clear_pointer (&self->switch_widgets, g_hash_table_unref);
  g_clear_object (&self->fields);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_SETTINGS_PAGE);

  G_OBJECT_CLASS (crm_admin_settings_page_parent_class)->dispose (object);
}

static void
crm_admin_settings_page_class_init (CrmAdminSettingsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_settings_page_dispose;
  g_type_ensure (CRM_TYPE_ADMIN_CHOICE_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, notebook);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, choice_editor);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, field_view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, field_key);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, field_label);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, field_type);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, field_required);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, field_choices);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, prefix);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, date_pattern);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, separator);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, width);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, reset);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, preview);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, next_number);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, required_box);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, phone_format);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, postal_format);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, duplicate);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminSettingsPage, switch_grid);
  gtk_widget_class_install_action (widget_class, "settings.add-field", NULL, add_field_activated);
  gtk_widget_class_install_action (widget_class, "settings.save-field", NULL, save_field_activated);
  gtk_widget_class_install_action (widget_class, "settings.retire-field", NULL,
                                   retire_field_activated);
  gtk_widget_class_install_action (widget_class, "settings.save-numbering", NULL,
                                   save_numbering_activated);
  gtk_widget_class_install_action (widget_class, "settings.save-entry-rule", NULL,
                                   save_entry_rule_activated);
}

static void
set_named_model (GtkDropDown *dropdown, const Named *named, gsize n)
{
  g_autoptr (GtkStringList) list = named_strings (named, n);

  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

static void
crm_admin_settings_page_init (CrmAdminSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->required = g_hash_table_new (g_str_hash, g_str_equal);
  self->switch_widgets = g_hash_table_new (g_str_hash, g_str_equal);
  self->fields = g_list_store_new (CRM_TYPE_ADMIN_RECORD);

  /* The code tables above are the single source of the codes; the
   * dropdowns show their labels in the same order. */
  set_named_model (self->field_type, field_types, G_N_ELEMENTS (field_types));
  set_named_model (self->date_pattern, date_patterns, G_N_ELEMENTS (date_patterns));
  set_named_model (self->separator, separators, G_N_ELEMENTS (separators));
  set_named_model (self->reset, resets, G_N_ELEMENTS (resets));
  set_named_model (self->duplicate, duplicates, G_N_ELEMENTS (duplicates));

  g_signal_connect_swapped (self->prefix, "changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->date_pattern, "notify::selected", G_CALLBACK (update_preview),
                            self);
  g_signal_connect_swapped (self->separator, "notify::selected", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->width, "value-changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->reset, "notify::selected", G_CALLBACK (update_preview), self);

  crm_admin_column_add (self->field_view, _ ("Label"), "label", NULL, NULL);
  crm_admin_column_add (self->field_view, C_ ("custom field", "Code"), "key", NULL, NULL);
  crm_admin_column_add (self->field_view, _ ("Type"), "type", format_type, NULL);
  crm_admin_column_add (self->field_view, _ ("Required"), "required", NULL, NULL);
  crm_admin_column_add (self->field_view, _ ("Choices"), "choices", NULL, NULL);
  crm_admin_column_add (self->field_view, _ ("Retired"), "retired", NULL, NULL);
  self->field_selection
      = crm_admin_column_view_set_model (self->field_view, G_LIST_MODEL (self->fields));
  g_signal_connect_swapped (self->field_selection, "notify::selected",
                            G_CALLBACK (on_field_selected), self);

  for (gsize i = 0; i < G_N_ELEMENTS (rule_fields); i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (_ (rule_fields[i].label));

      g_hash_table_insert (self->required, (gpointer)rule_fields[i].code, check);
      gtk_flow_box_append (self->required_box, check);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (switches); i++)
    {
      GtkWidget *label = gtk_label_new (_ (switches[i].label));
      GtkWidget *widget = gtk_switch_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_size_request (label, 140, -1);
      gtk_widget_set_halign (widget, GTK_ALIGN_START);
      g_object_set_data (G_OBJECT (widget), "crm-key", (gpointer)switches[i].code);
      g_signal_connect (widget, "state-set", G_CALLBACK (on_switch_set), self);
      g_hash_table_insert (self->switch_widgets, (gpointer)switches[i].code, widget);
      gtk_grid_attach (self->switch_grid, label, 0, (int)i, 1, 1);
      gtk_grid_attach (self->switch_grid, widget, 1, (int)i, 1, 1);
    }
  on_field_selected (self);
}

GtkWidget *
crm_admin_settings_page_new (CrmSession *session)
{
  CrmAdminSettingsPage *self = g_object_new (CRM_TYPE_ADMIN_SETTINGS_PAGE, NULL);

  self->session = g_object_ref (session);
  crm_admin_choice_editor_set_session (self->choice_editor, session);
  reload_all (self);
  return GTK_WIDGET (self);
}

void
crm_admin_settings_page_show_tab (CrmAdminSettingsPage *self, const char *tab)
{
  static const char *tabs[] = { "choices", "fields", "numbering", "entry", "switches" };

  for (guint i = 0; i < G_N_ELEMENTS (tabs); i++)
    if (g_str_equal (tabs[i], tab))
      gtk_notebook_set_current_page (self->notebook, i);
}

guint
crm_admin_settings_page_get_n_choices (CrmAdminSettingsPage *self)
{
  return crm_admin_choice_editor_get_n_choices (self->choice_editor);
}

GtkEditable *
crm_admin_settings_page_get_choice_entry (CrmAdminSettingsPage *self, guint position)
{
  return crm_admin_choice_editor_get_choice_entry (self->choice_editor, position);
}

CrmAdminChoiceEditor *
crm_admin_settings_page_get_choice_editor (CrmAdminSettingsPage *self)
{
  return self->choice_editor;
}

GtkEditable *
crm_admin_settings_page_get_entry (CrmAdminSettingsPage *self, const char *field)
{
  if (g_str_equal (field, "prefix"))
    return GTK_EDITABLE (self->prefix);
  if (g_str_equal (field, "new_choice"))
    return crm_admin_choice_editor_get_new_entry (self->choice_editor);
  if (g_str_equal (field, "field_key"))
    return GTK_EDITABLE (self->field_key);
  if (g_str_equal (field, "field_label"))
    return GTK_EDITABLE (self->field_label);
  if (g_str_equal (field, "field_choices"))
    return GTK_EDITABLE (self->field_choices);
  return NULL;
}

const char *
crm_admin_settings_page_get_preview (CrmAdminSettingsPage *self)
{
  return gtk_label_get_text (self->preview);
}

gboolean
crm_admin_settings_page_select_field (CrmAdminSettingsPage *self, const char *key)
{
  return crm_admin_selection_select_string (self->field_selection, "key", key);
}

gboolean
crm_admin_settings_page_set_required (CrmAdminSettingsPage *self, const char *field,
                                      gboolean required)
{
  GtkCheckButton *check = g_hash_table_lookup (self->required, field);

  if (check == NULL)
    return FALSE;
  gtk_check_button_set_active (check, required);
  return TRUE;
}

GtkSwitch *
crm_admin_settings_page_get_switch (CrmAdminSettingsPage *self, const char *key)
{
  return g_hash_table_lookup (self->switch_widgets, key);
}
