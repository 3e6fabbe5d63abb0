/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "crm-admin-audit-page.h"
#include "crm-admin-page.h"
#include "crm-admin-record.h"
#include "crm-admin-util.h"
#include "crm-error.h"
#include "crm-messages.h"

#define PAGE_ROWS 100

static const struct
{
  const char *code;
  const char *label;
} entities[] = {
  { "", N_ ("Any record") },
  { "customer", N_ ("Customer") },
  { "user", N_ ("User") },
  { "department", N_ ("Department") },
  { "role", N_ ("Role") },
  { "session", N_ ("Session") },
  { "device", N_ ("Device") },
  { "choice", N_ ("Choice list") },
  { "custom_field", N_ ("Custom field") },
  { "numbering", N_ ("Numbering rule") },
  { "entry_rule", N_ ("Entry rule") },
  { "setting", N_ ("Global switch") },
  { "call", N_ ("Call") },
  { "blacklist", N_ ("Blacklist entry") },
  { "call_settings", N_ ("Call settings") },
  { "contact", N_ ("Contact") },
  { "followup", N_ ("Follow-up") },
};

static const struct
{
  const char *code;
  const char *label;
} actions[] = {
  { "", NC_ ("audit action", "Any action") },
  { "create", NC_ ("audit action", "Created") },
  { "update", NC_ ("audit action", "Changed") },
  { "delete", NC_ ("audit action", "Deleted") },
  { "restore", NC_ ("audit action", "Restored") },
  { "purge", NC_ ("audit action", "Purged") },
  { "unlock", NC_ ("audit action", "Unlocked") },
  { "disable", NC_ ("audit action", "Disabled") },
  { "enable", NC_ ("audit action", "Enabled") },
  { "reset_password", NC_ ("audit action", "Password reset") },
  { "revoke", NC_ ("audit action", "Signed out by force") },
  { "approve", NC_ ("audit action", "Approved") },
  { "retire", NC_ ("audit action", "Retired") },
  { "login", NC_ ("audit action", "Signed in") },
  { "rename", NC_ ("audit action", "Renamed") },
  { "import", NC_ ("audit action", "Imported") },
  { "change_password", NC_ ("audit action", "Changed own password") },
  { "delete_recording", NC_ ("audit action", "Deleted recording") },
};

const char *
crm_admin_entity_label (const char *entity)
{
  for (gsize i = 1; i < G_N_ELEMENTS (entities); i++)
    if (g_str_equal (entities[i].code, entity))
      return _ (entities[i].label);
  return entity;
}

const char *
crm_admin_action_label (const char *action)
{
  for (gsize i = 1; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].code, action))
      return g_dpgettext2 (GETTEXT_PACKAGE, "audit action", actions[i].label);
  return action;
}

struct _CrmAdminAuditPage
{
  GtkBox parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  guint         busy;
  gint64        next; /* "before id" of the next page; 0 = end */

  GListStore         *rows;
  GListStore         *users;
  GtkSingleSelection *selection;
  GtkDropDown        *user_dropdown;
  GArray             *user_ids;
  GtkDropDown        *entity_dropdown;
  GtkDropDown        *action_dropdown;
  GtkEntry           *from_entry;
  GtkEntry           *to_entry;
  GtkGrid            *diff;
  GtkColumnView      *view;
  GtkLabel           *diff_title;
  guint               n_changes;
};

static void crm_admin_audit_page_iface_init (CrmAdminPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAdminAuditPage, crm_admin_audit_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_ADMIN_PAGE,
                                                      crm_admin_audit_page_iface_init))

static void
set_busy (CrmAdminAuditPage *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.more",
                                 self->busy == 0 && self->next > 0);
}

/* ---- the difference --------------------------------------------------------- */

static JsonObject *
parse_object (const char *text, JsonParser *parser)
{
  JsonNode *root;

  if (text == NULL || *text == '\0' || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static char *
node_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? _ ("Yes") : _ ("No"));
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr (GString) text = g_string_new (NULL);
      guint n = json_array_get_length (array);

      /* Lists (roles, permissions, choices) read as "甲、乙". */
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *item = node_text (json_array_get_element (array, i));

          if (i > 0)
            g_string_append (text, "、");
          g_string_append (text, item);
        }
      return n ? g_string_free (g_steal_pointer (&text), FALSE) : g_strdup ("—");
    }
  return json_to_string (node, FALSE);
}

static void
add_diff_cell (CrmAdminAuditPage *self, const char *text, const char *css, int column, int row)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  if (css)
    gtk_widget_add_css_class (label, css);
  gtk_grid_attach (self->diff, label, column, row, 1, 1);
}

/* Record keys as a reader knows them; unknown keys show as they are. */
static const char *
field_label (const char *key)
{
  static const struct
  {
    const char *key;
    const char *label;
  } labels[] = {
    { "name", NC_ ("record field", "Name") },
    { "display_name", NC_ ("record field", "Full name") },
    { "login", NC_ ("record field", "Sign-in name") },
    { "department_id", NC_ ("record field", "Department") },
    { "leader_id", NC_ ("record field", "Leader") },
    { "branch", NC_ ("record field", "Branch") },
    { "status", NC_ ("record field", "Status") },
    { "roles", NC_ ("record field", "Roles") },
    { "grants", NC_ ("record field", "Extra permissions") },
    { "denials", NC_ ("record field", "Denied permissions") },
    { "disabled", NC_ ("record field", "Disabled") },
    { "parent_id", NC_ ("record field", "Parent") },
    { "kind", NC_ ("record field", "Kind") },
    { "permissions", NC_ ("record field", "Permissions") },
    { "label", NC_ ("record field", "Label") },
    { "retired", NC_ ("record field", "Retired") },
    { "required", NC_ ("record field", "Required") },
    { "choices", NC_ ("record field", "Choices") },
    { "type", NC_ ("record field", "Type") },
    { "prefix", NC_ ("record field", "Prefix") },
    { "owner_id", NC_ ("record field", "Owner") },
    { "phones", NC_ ("record field", "Phone numbers") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].key, key))
      return g_dpgettext2 (GETTEXT_PACKAGE, "record field", labels[i].label);
  return key;
}

static void
show_diff (CrmAdminAuditPage *self)
{
  CrmAdminRecord *entry = crm_admin_selection_get (self->selection);
  g_autoptr (JsonParser) before_parser = json_parser_new ();
  g_autoptr (JsonParser) after_parser = json_parser_new ();
  JsonObject *before, *after;
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *child;
  int        row = 1;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->diff))))
    gtk_grid_remove (self->diff, child);
  self->n_changes = 0;
  if (entry == NULL)
    {
      gtk_label_set_text (self->diff_title, _ ("Select an entry to see what changed"));
      return;
    }
  {
    g_autofree char *number
        = g_strdup_printf ("%" G_GINT64_FORMAT, crm_admin_record_get_int (entry, "entity_id"));
    /* Translators: "<action> <kind of record> no. <number> by <person>" */
    g_autofree char *title
        = g_strdup_printf (_ ("%s %s no. %s by %s"),
                           crm_admin_action_label (crm_admin_record_get_string (entry, "action")),
                           crm_admin_entity_label (crm_admin_record_get_string (entry, "entity")),
                           number, crm_admin_record_get_string (entry, "user_name"));

    gtk_label_set_text (self->diff_title, title);
  }
  add_diff_cell (self, _ ("Field"), "dim-label", 0, 0);
  add_diff_cell (self, _ ("Before"), "dim-label", 1, 0);
  add_diff_cell (self, _ ("After"), "dim-label", 2, 0);

  before = parse_object (crm_admin_record_get_string (entry, "before"), before_parser);
  after = parse_object (crm_admin_record_get_string (entry, "after"), after_parser);
  if (before)
    {
      g_autoptr (GList) members = json_object_get_members (before);

      for (GList *l = members; l; l = l->next)
        g_ptr_array_add (keys, g_strdup (l->data));
    }
  if (after)
    {
      g_autoptr (GList) members = json_object_get_members (after);

      for (GList *l = members; l; l = l->next)
        if (!before || !json_object_has_member (before, l->data))
          g_ptr_array_add (keys, g_strdup (l->data));
    }
  for (guint i = 0; i < keys->len; i++)
    {
      const char      *key = keys->pdata[i];
      JsonNode        *b = before ? json_object_get_member (before, key) : NULL;
      JsonNode        *a = after ? json_object_get_member (after, key) : NULL;
      g_autofree char *bt = node_text (b);
      g_autofree char *at = node_text (a);

      /* Unchanged fields of an update are noise. */
      if (before && after && g_str_equal (bt, at))
        continue;
      add_diff_cell (self, field_label (key), NULL, 0, row);
      add_diff_cell (self, bt, before ? "admin-diff-before" : NULL, 1, row);
      add_diff_cell (self, at, after ? "admin-diff-after" : NULL, 2, row++);
      self->n_changes++;
    }
  if (self->n_changes == 0)
    add_diff_cell (self, _ ("No field values were recorded for this entry."), "dim-label", 0, 1);
}

/* ---- loading --------------------------------------------------------------- */

static char *
format_user (CrmAdminRecord *record, const char *key, gpointer data)
{
  const char *name = crm_admin_record_get_string (record, "user_name");

  return g_strdup (*name ? name : crm_admin_record_get_string (record, "login"));
}

static char *
format_action (CrmAdminRecord *record, const char *key, gpointer data)
{
  return g_strdup (crm_admin_action_label (crm_admin_record_get_string (record, key)));
}

static char *
format_entity (CrmAdminRecord *record, const char *key, gpointer data)
{
  return g_strdup (crm_admin_entity_label (crm_admin_record_get_string (record, key)));
}

/* "2026-11-27" as local midnight in unix µs; `end` moves to the next day. */
static gboolean
parse_day (const char *text, gboolean end, gint64 *out)
{
  int  y, m, d;
  char extra;
  g_autoptr (GDateTime) day = NULL;

  if (sscanf (text, "%d-%d-%d%c", &y, &m, &d, &extra) != 3)
    return FALSE;
  day = g_date_time_new_local (y, m, d, 0, 0, 0);
  if (day == NULL)
    return FALSE;
  if (end)
    {
      GDateTime *next = g_date_time_add_days (day, 1);

      g_date_time_unref (day);
      day = next;
    }
  *out = g_date_time_to_unix (day) * G_USEC_PER_SEC;
  return TRUE;
}

static gboolean
build_filters (CrmAdminAuditPage *self, GVariant **out)
{
  GVariantDict filters;
  guint        user_pos = gtk_drop_down_get_selected (self->user_dropdown);
  guint        entity_pos = gtk_drop_down_get_selected (self->entity_dropdown);
  guint        action_pos = gtk_drop_down_get_selected (self->action_dropdown);
  const char  *from = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
  const char  *to = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));
  gint64       t;

  g_variant_dict_init (&filters, NULL);
  if (user_pos > 0 && user_pos < self->user_ids->len)
    g_variant_dict_insert (&filters, "user_id", "x",
                           g_array_index (self->user_ids, gint64, user_pos));
  if (entity_pos > 0 && entity_pos < G_N_ELEMENTS (entities))
    g_variant_dict_insert (&filters, "entity", "s", entities[entity_pos].code);
  if (action_pos > 0 && action_pos < G_N_ELEMENTS (actions))
    g_variant_dict_insert (&filters, "action", "s", actions[action_pos].code);
  if (*from)
    {
      if (!parse_day (from, FALSE, &t))
        goto bad_date;
      g_variant_dict_insert (&filters, "from", "x", t);
    }
  if (*to)
    {
      if (!parse_day (to, TRUE, &t))
        goto bad_date;
      g_variant_dict_insert (&filters, "to", "x", t);
    }
  *out = g_variant_dict_end (&filters);
  return TRUE;

bad_date:
  g_variant_dict_clear (&filters);
  {
    g_autoptr (GError) error
        = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s", _ ("Write dates as 2026-11-27."));
    crm_admin_report_error (GTK_WIDGET (self), error);
  }
  return FALSE;
}

static void
on_audit_loaded (GtkWidget *page, const GError *error)
{
  CrmAdminAuditPage *self = CRM_ADMIN_AUDIT_PAGE (page);

  set_busy (self, FALSE);
  if (error != NULL)
    {
      crm_admin_report_error (GTK_WIDGET (self), error);
      return;
    }
  show_diff (self);
}

static void
load_page (CrmAdminAuditPage *self, gboolean append)
{
  GVariant *filters;

  if (!build_filters (self, &filters))
    return;
  set_busy (self, TRUE);
  crm_admin_list_load_page (
      self->session, CRM_MSG_AUDIT_LIST,
      g_variant_new ("(@a{sv}xi)", filters, append ? self->next : (gint64)0, PAGE_ROWS),
      self->cancellable, GTK_WIDGET (self), self->rows, append, &self->next, on_audit_loaded);
}

static void
on_users_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  CrmAdminAuditPage *self;

  if (crm_admin_error_is_cancelled (error))
    return;
  self = CRM_ADMIN_AUDIT_PAGE (user_data);
  set_busy (self, FALSE);
  if (reply == NULL)
    return; /* without user.view the filter offers "anyone" only */
  g_clear_object (&self->users);
  self->users = crm_admin_records_from_variant (reply);
  crm_admin_dropdown_fill_records (self->user_dropdown, G_LIST_MODEL (self->users),
                                   "display_name", _ ("Anyone"), self->user_ids, 0);
}

static void
audit_reload (CrmAdminPage *page)
{
  CrmAdminAuditPage *self = CRM_ADMIN_AUDIT_PAGE (page);

  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_USER_LIST, g_variant_new ("()"), self->cancellable,
                          on_users_loaded, self);
  load_page (self, FALSE);
}

static gboolean
audit_is_busy (CrmAdminPage *page)
{
  return CRM_ADMIN_AUDIT_PAGE (page)->busy > 0;
}

static void
crm_admin_audit_page_iface_init (CrmAdminPageInterface *iface)
{
  iface->reload = audit_reload;
  iface->is_busy = audit_is_busy;
}

static void
search_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  load_page (CRM_ADMIN_AUDIT_PAGE (widget), FALSE);
}

static void
more_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminAuditPage *self = CRM_ADMIN_AUDIT_PAGE (widget);

  if (self->next > 0)
    load_page (self, TRUE);
}

/* ---- construction -------------------------------------------------------------- */

static void
crm_admin_audit_page_dispose (GObject *object)
{
  CrmAdminAuditPage *self = CRM_ADMIN_AUDIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->rows);
  g_clear_object (&self->users);
  g_clear_object (&self->session);
  g_clear_pointer (&self->user_ids, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_AUDIT_PAGE);

  G_OBJECT_CLASS (crm_admin_audit_page_parent_class)->dispose (object);
}

static void
on_date_activate (CrmAdminAuditPage *self)
{
  load_page (self, FALSE);
}

static void
crm_admin_audit_page_class_init (CrmAdminAuditPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_audit_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, user_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, entity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, diff_title);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAuditPage, diff);
  gtk_widget_class_bind_template_callback (widget_class, on_date_activate);
  gtk_widget_class_install_action (widget_class, "audit.search", NULL, search_activated);
  gtk_widget_class_install_action (widget_class, "audit.more", NULL, more_activated);
}

static void
crm_admin_audit_page_init (CrmAdminAuditPage *self)
{
  g_autoptr (GtkStringList) entity_names = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) action_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->rows = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->user_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_array_set_size (self->user_ids, 1);

  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    gtk_string_list_append (entity_names, _ (entities[i].label));
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_string_list_append (action_names,
                            g_dpgettext2 (GETTEXT_PACKAGE, "audit action", actions[i].label));
  gtk_drop_down_set_model (self->entity_dropdown, G_LIST_MODEL (entity_names));
  gtk_drop_down_set_model (self->action_dropdown, G_LIST_MODEL (action_names));

  crm_admin_column_add (self->view, _ ("Time"), "at", NULL, NULL);
  crm_admin_column_add (self->view, _ ("User"), "user_name", format_user, NULL);
  crm_admin_column_add (self->view, _ ("Action"), "action", format_action, NULL);
  crm_admin_column_add (self->view, _ ("Record"), "entity", format_entity, NULL);
  crm_admin_column_add (self->view, _ ("Record no."), "entity_id", NULL, NULL);
  crm_admin_column_add (self->view, _ ("Address"), "peer", NULL, NULL);
  self->selection = crm_admin_column_view_set_model (self->view, G_LIST_MODEL (self->rows));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (show_diff), self);
  show_diff (self);
}

GtkWidget *
crm_admin_audit_page_new (CrmSession *session)
{
  CrmAdminAuditPage *self = g_object_new (CRM_TYPE_ADMIN_AUDIT_PAGE, NULL);

  self->session = g_object_ref (session);
  set_busy (self, FALSE);
  audit_reload (CRM_ADMIN_PAGE (self));
  return GTK_WIDGET (self);
}

guint
crm_admin_audit_page_get_n_rows (CrmAdminAuditPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

gboolean
crm_admin_audit_page_select_row (CrmAdminAuditPage *self, guint position)
{
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  return TRUE;
}

guint
crm_admin_audit_page_get_n_changes (CrmAdminAuditPage *self)
{
  return self->n_changes;
}

gboolean
crm_admin_audit_page_set_filter (CrmAdminAuditPage *self, const char *entity, const char *action)
{
  gboolean found_entity = FALSE, found_action = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_equal (entities[i].code, entity))
      {
        gtk_drop_down_set_selected (self->entity_dropdown, i);
        found_entity = TRUE;
      }
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].code, action))
      {
        gtk_drop_down_set_selected (self->action_dropdown, i);
        found_action = TRUE;
      }
  return found_entity && found_action;
}

GtkEditable *
crm_admin_audit_page_get_date_entry (CrmAdminAuditPage *self, gboolean to)
{
  return GTK_EDITABLE (to ? self->to_entry : self->from_entry);
}
