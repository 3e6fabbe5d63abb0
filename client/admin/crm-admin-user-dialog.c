/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-user-dialog.h"
#include "crm-admin-util.h"
#include "crm-connection.h"
#include "crm-error.h"
#include "crm-messages.h"

struct _CrmAdminUserDialog
{
  GtkWindow parent_instance;

  CrmSession     *session;
  CrmAdminRecord *user; /* NULL when creating */
  GCancellable   *cancellable;
  gboolean        busy;

  GtkEntry         *login;
  GtkEntry         *display_name;
  GtkPasswordEntry *password;
  GtkEntry         *branch;
  GtkDropDown      *department;
  GArray           *department_ids;
  GtkDropDown      *leader;
  GArray           *leader_ids;
  GtkDropDown      *status;
  GtkCheckButton   *device_binding;
  GHashTable       *role_checks; /* role name → GtkCheckButton */
  GHashTable       *overrides;   /* permission → GtkDropDown */
  GtkLabel         *error_label;
  GtkFlowBox       *roles_box;
  GtkGrid          *perm_grid;
  GtkWidget        *save_button;
};

G_DEFINE_FINAL_TYPE (CrmAdminUserDialog, crm_admin_user_dialog, GTK_TYPE_WINDOW)

enum
{
  SIGNAL_SAVED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static const char *const statuses[] = { "active", "probation", "on_leave", "resigned" };

static void
show_error (CrmAdminUserDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static GStrv
chosen_roles (CrmAdminUserDialog *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer       key, value;

  g_hash_table_iter_init (&iter, self->role_checks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (gtk_check_button_get_active (value))
      g_strv_builder_add (builder, key);
  return g_strv_builder_end (builder);
}

static GStrv
chosen_overrides (CrmAdminUserDialog *self, guint choice)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gsize                    n;
  const CrmPermissionInfo *perms = crm_permissions_all (&n);

  for (gsize i = 0; i < n; i++)
    {
      GtkDropDown *dropdown = g_hash_table_lookup (self->overrides, perms[i].permission);

      if (dropdown && gtk_drop_down_get_selected (dropdown) == choice)
        g_strv_builder_add (builder, perms[i].permission);
    }
  return g_strv_builder_end (builder);
}

static gboolean
strv_same_set (GStrv a, GStrv b)
{
  if (g_strv_length (a) != g_strv_length (b))
    return FALSE;
  for (guint i = 0; a[i]; i++)
    if (!g_strv_contains ((const char *const *)b, a[i]))
      return FALSE;
  return TRUE;
}

static void
on_saved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  CrmAdminUserDialog *self;
  gint64              id = 0;

  if (crm_admin_error_is_cancelled (error))
    return;
  self = CRM_ADMIN_USER_DIALOG (user_data);
  self->busy = FALSE;
  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (reply == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(x)")))
    g_variant_get (reply, "(x)", &id);
  else if (self->user)
    id = crm_admin_record_get_id (self->user);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminUserDialog *self = CRM_ADMIN_USER_DIALOG (widget);
  g_autofree char    *key = crm_new_idempotency_key ();
  g_autofree char    *display_name
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->display_name))));
  g_autofree char *branch
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->branch))));
  g_auto (GStrv) roles = chosen_roles (self);
  g_auto (GStrv) grants = chosen_overrides (self, 1);
  g_auto (GStrv) denials = chosen_overrides (self, 2);
  gint64      department = crm_admin_dropdown_get_id (self->department, self->department_ids);
  gint64      leader = crm_admin_dropdown_get_id (self->leader, self->leader_ids);
  const char *status
      = statuses[MIN (gtk_drop_down_get_selected (self->status), G_N_ELEMENTS (statuses) - 1)];
  GVariantDict fields;

  if (self->busy)
    return;
  if (*display_name == '\0')
    {
      show_error (self, _ ("Enter the person's name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->display_name));
      return;
    }
  g_variant_dict_init (&fields, NULL);
  if (self->user == NULL)
    {
      g_autofree char *login
          = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->login))));
      const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password));

      if (*login == '\0')
        {
          show_error (self, _ ("Enter a sign-in name."));
          gtk_widget_grab_focus (GTK_WIDGET (self->login));
          g_variant_dict_clear (&fields);
          return;
        }
      if (*password == '\0')
        {
          show_error (self, _ ("Enter a first password; the user changes it at first sign-in."));
          gtk_widget_grab_focus (GTK_WIDGET (self->password));
          g_variant_dict_clear (&fields);
          return;
        }
      g_variant_dict_insert (&fields, "login", "s", login);
      g_variant_dict_insert (&fields, "display_name", "s", display_name);
      g_variant_dict_insert (&fields, "password", "s", password);
      g_variant_dict_insert (&fields, "must_change_password", "b", TRUE);
      g_variant_dict_insert (&fields, "department_id", "x", department);
      g_variant_dict_insert (&fields, "leader_id", "x", leader);
      g_variant_dict_insert (&fields, "roles", "^as", roles);
      show_error (self, NULL);
      self->busy = TRUE;
      gtk_widget_set_sensitive (self->save_button, FALSE);
      crm_session_call_async (self->session, CRM_MSG_USER_CREATE,
                              g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&fields)),
                              self->cancellable, on_saved, self);
      return;
    }

  {
    g_auto (GStrv) old_roles = crm_admin_record_dup_strv (self->user, "roles");
    g_auto (GStrv) old_grants = crm_admin_record_dup_strv (self->user, "grants");
    g_auto (GStrv) old_denials = crm_admin_record_dup_strv (self->user, "denials");
    const char *old_status = crm_admin_record_get_string (self->user, "status");

    if (!g_str_equal (display_name, crm_admin_record_get_string (self->user, "display_name")))
      g_variant_dict_insert (&fields, "display_name", "s", display_name);
    if (department != crm_admin_record_get_int (self->user, "department_id"))
      g_variant_dict_insert (&fields, "department_id", "x", department);
    if (leader != crm_admin_record_get_int (self->user, "leader_id"))
      g_variant_dict_insert (&fields, "leader_id", "x", leader);
    if (!g_str_equal (branch, crm_admin_record_get_string (self->user, "branch")))
      g_variant_dict_insert (&fields, "branch", "s", branch);
    if (!g_str_equal (status, *old_status ? old_status : "active"))
      g_variant_dict_insert (&fields, "status", "s", status);
    if (!strv_same_set (roles, old_roles))
      g_variant_dict_insert (&fields, "roles", "^as", roles);
    if (!strv_same_set (grants, old_grants))
      g_variant_dict_insert (&fields, "grants", "^as", grants);
    if (!strv_same_set (denials, old_denials))
      g_variant_dict_insert (&fields, "denials", "^as", denials);
    if (gtk_check_button_get_active (self->device_binding)
        != crm_admin_record_get_boolean (self->user, "device_binding"))
      g_variant_dict_insert (&fields, "device_binding", "b",
                             gtk_check_button_get_active (self->device_binding));
  }
  show_error (self, NULL);
  self->busy = TRUE;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  crm_session_call_async (self->session, CRM_MSG_USER_UPDATE,
                          g_variant_new ("(sx@a{sv})", key, crm_admin_record_get_id (self->user),
                                         g_variant_dict_end (&fields)),
                          self->cancellable, on_saved, self);
}

static void
cancel_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
crm_admin_user_dialog_dispose (GObject *object)
{
  CrmAdminUserDialog *self = CRM_ADMIN_USER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->user);
  g_clear_pointer (&self->department_ids, g_array_unref);
  g_clear_pointer (&self->leader_ids, g_array_unref);
  g_clear_pointer (&self->role_checks, g_hash_table_unref);
  g_clear_pointer (&self->overrides, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_USER_DIALOG);

  G_OBJECT_CLASS (crm_admin_user_dialog_parent_class)->dispose (object);
}

static void
crm_admin_user_dialog_class_init (CrmAdminUserDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_user_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-user-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, login);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, display_name);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, password);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, department);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, leader);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, branch);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, status);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, device_binding);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, roles_box);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminUserDialog, perm_grid);
  gtk_widget_class_install_action (widget_class, "user.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "user.cancel", NULL, cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "user.save",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "user.cancel", NULL);

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
crm_admin_user_dialog_init (CrmAdminUserDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->department_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->leader_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->role_checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->overrides = g_hash_table_new (g_str_hash, g_str_equal);
}


CrmAdminUserDialog *
crm_admin_user_dialog_new (GtkWindow *parent, CrmSession *session, CrmAdminRecord *user,
                           GListModel *users, GListModel *departments, GListModel *roles)
{
  CrmAdminUserDialog *self
      = g_object_new (CRM_TYPE_ADMIN_USER_DIALOG, "transient-for", parent, NULL);
  GtkWidget  *roles_box = GTK_WIDGET (self->roles_box);
  GtkGrid    *perm_grid = self->perm_grid;
  const char *override_labels[] = { _ ("As the roles say"), _ ("Grant"), _ ("Deny"), NULL };
  gsize       n_perms;
  const CrmPermissionInfo *perms = crm_permissions_all (&n_perms);
  g_auto (GStrv) user_roles = NULL;
  g_auto (GStrv) user_grants = NULL;
  g_auto (GStrv) user_denials = NULL;
  const char *last_module = NULL;
  int         row = 0;

  self->session = g_object_ref (session);
  self->user = user ? g_object_ref (user) : NULL;
  gtk_window_set_title (GTK_WINDOW (self), user ? _ ("Edit User") : _ ("New User"));
  crm_admin_dropdown_fill_records (self->department, departments, "name", _ ("(None)"), self->department_ids,
                         0);
  crm_admin_dropdown_fill_records (self->leader, users, "display_name", _ ("(None)"), self->leader_ids,
                         user ? crm_admin_record_get_id (user) : 0);

  user_roles = user ? crm_admin_record_dup_strv (user, "roles") : g_new0 (char *, 1);
  for (guint i = 0; roles && i < g_list_model_get_n_items (roles); i++)
    {
      g_autoptr (CrmAdminRecord) role = g_list_model_get_item (roles, i);
      const char *name = crm_admin_record_get_string (role, "name");
      const char *label = crm_admin_record_get_string (role, "display_name");
      GtkWidget  *check = gtk_check_button_new_with_label (*label ? label : name);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_strv_contains ((const char *const *)user_roles, name));
      g_hash_table_insert (self->role_checks, g_strdup (name), check);
      gtk_flow_box_append (GTK_FLOW_BOX (roles_box), check);
    }

  user_grants = user ? crm_admin_record_dup_strv (user, "grants") : g_new0 (char *, 1);
  user_denials = user ? crm_admin_record_dup_strv (user, "denials") : g_new0 (char *, 1);
  row = 0;
  for (gsize i = 0; i < n_perms; i++)
    {
      GtkWidget *label = gtk_label_new (_ (perms[i].label));
      GtkWidget *dropdown = gtk_drop_down_new_from_strings (override_labels);

      if (g_strcmp0 (last_module, perms[i].module) != 0)
        {
          GtkWidget *module = gtk_label_new (crm_admin_module_title (perms[i].module));

          gtk_label_set_xalign (GTK_LABEL (module), 0);
          gtk_widget_add_css_class (module, "dim-label");
          gtk_grid_attach (perm_grid, module, 0, row++, 2, 1);
          last_module = perms[i].module;
        }
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_hexpand (label, TRUE);
      if (g_strv_contains ((const char *const *)user_grants, perms[i].permission))
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1);
      else if (g_strv_contains ((const char *const *)user_denials, perms[i].permission))
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);
      g_hash_table_insert (self->overrides, (gpointer)perms[i].permission, dropdown);
      gtk_grid_attach (perm_grid, label, 0, row, 1, 1);
      gtk_grid_attach (perm_grid, dropdown, 1, row++, 1, 1);
    }

  /* user.create takes no binding: it is set when editing. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_binding), user != NULL);
  if (user)
    {
      const char *status = crm_admin_record_get_string (user, "status");

      gtk_editable_set_text (GTK_EDITABLE (self->login),
                             crm_admin_record_get_string (user, "login"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->login), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->password), FALSE);
      gtk_check_button_set_active (self->device_binding,
                                   crm_admin_record_get_boolean (user, "device_binding"));
      gtk_editable_set_text (GTK_EDITABLE (self->display_name),
                             crm_admin_record_get_string (user, "display_name"));
      gtk_editable_set_text (GTK_EDITABLE (self->branch),
                             crm_admin_record_get_string (user, "branch"));
      crm_admin_dropdown_select_id (self->department, self->department_ids,
                          crm_admin_record_get_int (user, "department_id"));
      crm_admin_dropdown_select_id (self->leader, self->leader_ids,
                          crm_admin_record_get_int (user, "leader_id"));
      for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
        if (g_str_equal (status, statuses[i]))
          gtk_drop_down_set_selected (self->status, i);
    }
  return self;
}

GtkEditable *
crm_admin_user_dialog_get_entry (CrmAdminUserDialog *self, const char *field)
{
  if (g_str_equal (field, "login"))
    return GTK_EDITABLE (self->login);
  if (g_str_equal (field, "display_name"))
    return GTK_EDITABLE (self->display_name);
  if (g_str_equal (field, "password"))
    return GTK_EDITABLE (self->password);
  if (g_str_equal (field, "branch"))
    return GTK_EDITABLE (self->branch);
  return NULL;
}

gboolean
crm_admin_user_dialog_set_department (CrmAdminUserDialog *self, gint64 department_id)
{
  return crm_admin_dropdown_select_id (self->department, self->department_ids, department_id);
}

gboolean
crm_admin_user_dialog_set_role (CrmAdminUserDialog *self, const char *role, gboolean granted)
{
  GtkCheckButton *check = g_hash_table_lookup (self->role_checks, role);

  if (check == NULL)
    return FALSE;
  gtk_check_button_set_active (check, granted);
  return TRUE;
}

gboolean
crm_admin_user_dialog_set_override (CrmAdminUserDialog *self, const char *permission, guint choice)
{
  GtkDropDown *dropdown = g_hash_table_lookup (self->overrides, permission);

  if (dropdown == NULL || choice > 2)
    return FALSE;
  gtk_drop_down_set_selected (dropdown, choice);
  return TRUE;
}

const char *
crm_admin_user_dialog_get_error (CrmAdminUserDialog *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
crm_admin_user_dialog_is_busy (CrmAdminUserDialog *self)
{
  return self->busy;
}
