/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-page.h"
#include "crm-admin-record.h"
#include "crm-admin-roles-page.h"
#include "crm-admin-util.h"
#include "crm-connection.h"
#include "crm-error.h"
#include "crm-messages.h"

typedef struct
{
  GtkCheckButton *granted;
  GtkDropDown    *scope;
} MatrixRow;

struct _CrmAdminRolesPage
{
  GtkBox parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  guint         busy;

  GListStore *roles;
  GtkListBox *role_list;
  GtkLabel   *matrix_title;
  GtkEntry   *display_name;
  GtkEntry   *new_display_name;
  GtkEntry   *new_name;
  GtkGrid    *matrix_grid;
  GHashTable *matrix; /* permission → MatrixRow */
  gint64      selected_id;
};

static void crm_admin_roles_page_iface_init (CrmAdminPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAdminRolesPage, crm_admin_roles_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_ADMIN_PAGE,
                                                      crm_admin_roles_page_iface_init))

static CrmAdminRecord *
selected_role (CrmAdminRolesPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roles));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      if (crm_admin_record_get_id (role) == self->selected_id)
        return role; /* the store keeps it alive */
    }
  return NULL;
}

static void
set_busy (CrmAdminRolesPage *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
}

static GVariant *matrix_grants (CrmAdminRolesPage *self);

/* A role record's "permissions" a(su), or NULL. */
static GVariant *
role_grants (CrmAdminRecord *role)
{
  return g_variant_lookup_value (crm_admin_record_get_fields (role), "permissions",
                                 G_VARIANT_TYPE ("a(su)"));
}

/* Sets every row of the matrix from `grants` a(su) (NULL = none). */
static void
set_matrix (CrmAdminRolesPage *self, GVariant *grants)
{
  GHashTableIter iter;
  gpointer       value;
  GVariantIter   giter;
  const char    *permission;
  guint32        scope;

  g_hash_table_iter_init (&iter, self->matrix);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MatrixRow *row = value;

      gtk_check_button_set_active (row->granted, FALSE);
      gtk_drop_down_set_selected (row->scope, 0);
    }
  if (grants == NULL)
    return;
  g_variant_iter_init (&giter, grants);
  while (g_variant_iter_next (&giter, "(&su)", &permission, &scope))
    {
      MatrixRow *row = g_hash_table_lookup (self->matrix, permission);

      if (row == NULL)
        continue;
      gtk_check_button_set_active (row->granted, TRUE);
      gtk_drop_down_set_selected (row->scope, MIN (scope, 3));
    }
}

/* Fills the matrix from the selected role's "permissions" a(su). */
static void
show_matrix (CrmAdminRolesPage *self)
{
  CrmAdminRecord *role = selected_role (self);
  g_autoptr (GVariant) grants = NULL;
  gboolean       can_edit = crm_session_has_permission (self->session, "role.manage");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.save", can_edit && role != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roles.delete",
                                 can_edit && role
                                     && !crm_admin_record_get_boolean (role, "is_template"));
  if (role == NULL)
    {
      gtk_label_set_text (self->matrix_title, _ ("Select a role to see its permissions"));
      gtk_editable_set_text (GTK_EDITABLE (self->display_name), "");
      return;
    }
  {
    g_autofree char *title = g_strdup_printf (_ ("Permissions of %s"),
                                              crm_admin_record_get_string (role, "display_name"));

    gtk_label_set_text (self->matrix_title, title);
  }
  gtk_editable_set_text (GTK_EDITABLE (self->display_name),
                         crm_admin_record_get_string (role, "display_name"));
  grants = role_grants (role);
  set_matrix (self, grants);
}

static GtkWidget *
role_row (CrmAdminRecord *role)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (crm_admin_record_get_string (role, "display_name"));
  GtkWidget *code = gtk_label_new (crm_admin_record_get_string (role, "name"));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (code, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), code);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  return box;
}

/* A call of this page is over (crm_admin_call_finish). */
static void
call_over (gpointer page)
{
  set_busy (CRM_ADMIN_ROLES_PAGE (page), FALSE);
}

static void
on_roles_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminRolesPage *self;
  GtkWidget         *child;
  guint              n;
  g_autoptr (GVariant) shown = NULL;
  g_autoptr (GVariant) edited = NULL;
  g_autofree char *shown_name = NULL;
  g_autofree char *edited_name = NULL;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply) || reply == NULL)
    return;
  self = CRM_ADMIN_ROLES_PAGE (user_data);
  /* What is shown of the selected role, and how it was edited: kept over
   * a reload (pushes reload the page whenever any role changes) unless
   * this role itself changed meanwhile. */
  if (selected_role (self) != NULL)
    {
      shown = role_grants (selected_role (self));
      shown_name = g_strdup (crm_admin_record_get_string (selected_role (self), "display_name"));
      edited = g_variant_ref_sink (matrix_grants (self));
      edited_name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->display_name)));
    }
  g_clear_object (&self->roles);
  self->roles = crm_admin_records_from_variant (reply);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->role_list))))
    gtk_list_box_remove (self->role_list, child);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->roles));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      gtk_list_box_append (self->role_list, role_row (role));
      if (crm_admin_record_get_id (role) == self->selected_id)
        gtk_list_box_select_row (self->role_list,
                                 gtk_list_box_get_row_at_index (self->role_list, i));
    }
  show_matrix (self);
  if (edited != NULL && selected_role (self) != NULL)
    {
      g_autoptr (GVariant) now = role_grants (selected_role (self));
      gboolean same = g_strcmp0 (shown_name, crm_admin_record_get_string (selected_role (self),
                                                                          "display_name"))
                          == 0
                      && (shown == NULL ? now == NULL : now != NULL && g_variant_equal (shown, now));

      if (same)
        {
          set_matrix (self, edited);
          gtk_editable_set_text (GTK_EDITABLE (self->display_name), edited_name);
        }
    }
}

static void
roles_reload (CrmAdminPage *page)
{
  CrmAdminRolesPage *self = CRM_ADMIN_ROLES_PAGE (page);

  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_ROLE_LIST, g_variant_new ("()"), self->cancellable,
                          on_roles_loaded, self);
}

static gboolean
roles_watches_entity (CrmAdminPage *page, const char *entity)
{
  return g_str_equal (entity, "role");
}

static gboolean
roles_is_busy (CrmAdminPage *page)
{
  return CRM_ADMIN_ROLES_PAGE (page)->busy > 0;
}

static void
crm_admin_roles_page_iface_init (CrmAdminPageInterface *iface)
{
  iface->reload = roles_reload;
  iface->watches_entity = roles_watches_entity;
  iface->is_busy = roles_is_busy;
}

static void
on_row_selected (GtkListBox *box, GtkListBoxRow *row, CrmAdminRolesPage *self)
{
  g_autoptr (CrmAdminRecord) role = NULL;

  if (row == NULL)
    return;
  role = g_list_model_get_item (G_LIST_MODEL (self->roles), gtk_list_box_row_get_index (row));
  if (role == NULL || crm_admin_record_get_id (role) == self->selected_id)
    return;
  self->selected_id = crm_admin_record_get_id (role);
  show_matrix (self);
}

static GVariant *
matrix_grants (CrmAdminRolesPage *self)
{
  GVariantBuilder          builder;
  gsize                    n;
  const CrmPermissionInfo *perms = crm_permissions_all (&n);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(su)"));
  for (gsize i = 0; i < n; i++)
    {
      MatrixRow *row = g_hash_table_lookup (self->matrix, perms[i].permission);

      if (row && gtk_check_button_get_active (row->granted))
        g_variant_builder_add (&builder, "(su)", perms[i].permission,
                               (guint32)gtk_drop_down_get_selected (row->scope));
    }
  return g_variant_builder_end (&builder);
}

static void
on_changed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminRolesPage *self;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply))
    return;
  self = CRM_ADMIN_ROLES_PAGE (user_data);
  if (reply != NULL)
    {
      if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(x)")))
        g_variant_get (reply, "(x)", &self->selected_id);
      crm_admin_report_notice (GTK_WIDGET (self),
                               _ ("Saved. Signed-in users with this role get the change at once."));
    }
  roles_reload (CRM_ADMIN_PAGE (self));
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminRolesPage *self = CRM_ADMIN_ROLES_PAGE (widget);
  CrmAdminRecord    *role = selected_role (self);
  g_autofree char   *key = crm_new_idempotency_key ();
  g_autofree char   *display_name = NULL;
  GVariantDict       fields;

  if (role == NULL)
    return;
  display_name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->display_name))));
  g_variant_dict_init (&fields, NULL);
  if (*display_name
      && !g_str_equal (display_name, crm_admin_record_get_string (role, "display_name")))
    g_variant_dict_insert (&fields, "display_name", "s", display_name);
  g_variant_dict_insert_value (&fields, "grants", matrix_grants (self));
  set_busy (self, TRUE);
  crm_session_call_async (
      self->session, CRM_MSG_ROLE_UPDATE,
      g_variant_new ("(sx@a{sv})", key, self->selected_id, g_variant_dict_end (&fields)),
      self->cancellable, on_changed, self);
}

static void
create_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminRolesPage *self = CRM_ADMIN_ROLES_PAGE (widget);
  g_autofree char   *key = crm_new_idempotency_key ();
  g_autofree char   *display_name
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_display_name))));
  g_autofree char *name
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_name))));
  GVariantDict fields;

  if (*display_name == '\0' || *name == '\0')
    {
      g_autoptr (GError) error = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                                              _ ("Enter the new role's name and code."));
      crm_admin_report_error (widget, error);
      return;
    }
  g_variant_dict_init (&fields, NULL);
  g_variant_dict_insert (&fields, "name", "s", name);
  g_variant_dict_insert (&fields, "display_name", "s", display_name);
  g_variant_dict_insert_value (&fields, "grants", matrix_grants (self));
  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_ROLE_CREATE,
                          g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&fields)),
                          self->cancellable, on_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->new_display_name), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_name), "");
}

static void
delete_confirmed (GtkWidget *widget, gpointer data)
{
  CrmAdminRolesPage *self = CRM_ADMIN_ROLES_PAGE (widget);
  g_autofree char   *key = crm_new_idempotency_key ();

  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_ROLE_DELETE,
                          g_variant_new ("(sx)", key, (gint64)GPOINTER_TO_SIZE (data)),
                          self->cancellable, on_changed, self);
  self->selected_id = 0;
}

static void
delete_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminRolesPage *self = CRM_ADMIN_ROLES_PAGE (widget);
  CrmAdminRecord    *role = selected_role (self);
  g_autofree char   *question = NULL;

  if (role == NULL)
    return;
  question = g_strdup_printf (_ ("Delete the role “%s”?"),
                              crm_admin_record_get_string (role, "display_name"));
  crm_admin_confirm (widget, question, _ ("People who have it lose its permissions at once."),
                     _ ("_Delete"), delete_confirmed,
                     GSIZE_TO_POINTER ((gsize)crm_admin_record_get_id (role)));
}

/* ---- construction ------------------------------------------------------------ */


static void
sync_scope_sensitivity (GtkCheckButton *check, GParamSpec *pspec, GtkWidget *scope)
{
  gtk_widget_set_sensitive (scope, gtk_check_button_get_active (check));
}

static void
crm_admin_roles_page_dispose (GObject *object)
{
  CrmAdminRolesPage *self = CRM_ADMIN_ROLES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->roles);
  g_clear_object (&self->session);
  g_clear_pointer (&self->matrix, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_ROLES_PAGE);

  G_OBJECT_CLASS (crm_admin_roles_page_parent_class)->dispose (object);
}

static void
crm_admin_roles_page_class_init (CrmAdminRolesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_roles_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-roles-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRolesPage, role_list);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRolesPage, matrix_title);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRolesPage, display_name);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRolesPage, new_display_name);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRolesPage, new_name);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminRolesPage, matrix_grid);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
  gtk_widget_class_install_action (widget_class, "roles.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "roles.create", NULL, create_activated);
  gtk_widget_class_install_action (widget_class, "roles.delete", NULL, delete_activated);
}

static void
crm_admin_roles_page_init (CrmAdminRolesPage *self)
{
  GtkGrid    *grid;
  const char *scopes[]
      = { _ ("Own"), _ ("Own and subordinates'"), _ ("Department"), _ ("All"), NULL };
  gsize                    n;
  const CrmPermissionInfo *perms = crm_permissions_all (&n);
  const char              *last_module = NULL;
  int                      r = 0;

  gtk_widget_init_template (GTK_WIDGET (self));
  grid = self->matrix_grid;
  self->cancellable = g_cancellable_new ();
  self->roles = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->matrix = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  {
    GtkWidget *h1 = gtk_label_new (_ ("Permission"));
    GtkWidget *h2 = gtk_label_new (_ ("Granted"));
    GtkWidget *h3 = gtk_label_new (_ ("Data scope"));

    gtk_label_set_xalign (GTK_LABEL (h1), 0);
    gtk_widget_add_css_class (h1, "dim-label");
    gtk_widget_add_css_class (h2, "dim-label");
    gtk_widget_add_css_class (h3, "dim-label");
    gtk_grid_attach (grid, h1, 0, r, 1, 1);
    gtk_grid_attach (grid, h2, 1, r, 1, 1);
    gtk_grid_attach (grid, h3, 2, r++, 1, 1);
  }
  for (gsize i = 0; i < n; i++)
    {
      MatrixRow *mrow = g_new0 (MatrixRow, 1);
      GtkWidget *label = gtk_label_new (_ (perms[i].label));

      if (g_strcmp0 (last_module, perms[i].module) != 0)
        {
          GtkWidget *module = gtk_label_new (crm_admin_module_title (perms[i].module));

          gtk_label_set_xalign (GTK_LABEL (module), 0);
          gtk_widget_add_css_class (module, "admin-module-title");
          gtk_grid_attach (grid, module, 0, r++, 3, 1);
          last_module = perms[i].module;
        }
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 18);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_tooltip_text (label, perms[i].permission);
      mrow->granted = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_widget_set_halign (GTK_WIDGET (mrow->granted), GTK_ALIGN_CENTER);
      mrow->scope = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (scopes));
      gtk_widget_set_sensitive (GTK_WIDGET (mrow->scope), FALSE);
      g_signal_connect (mrow->granted, "notify::active", G_CALLBACK (sync_scope_sensitivity),
                        mrow->scope);
      gtk_grid_attach (grid, label, 0, r, 1, 1);
      gtk_grid_attach (grid, GTK_WIDGET (mrow->granted), 1, r, 1, 1);
      gtk_grid_attach (grid, GTK_WIDGET (mrow->scope), 2, r++, 1, 1);
      g_hash_table_insert (self->matrix, (gpointer)perms[i].permission, mrow);
    }
}

GtkWidget *
crm_admin_roles_page_new (CrmSession *session)
{
  CrmAdminRolesPage *self = g_object_new (CRM_TYPE_ADMIN_ROLES_PAGE, NULL);

  self->session = g_object_ref (session);
  show_matrix (self);
  roles_reload (CRM_ADMIN_PAGE (self));
  return GTK_WIDGET (self);
}

gboolean
crm_admin_roles_page_select (CrmAdminRolesPage *self, const char *role_name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->roles));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      if (g_str_equal (crm_admin_record_get_string (role, "name"), role_name))
        {
          gtk_list_box_select_row (self->role_list,
                                   gtk_list_box_get_row_at_index (self->role_list, i));
          return self->selected_id == crm_admin_record_get_id (role);
        }
    }
  return FALSE;
}

gboolean
crm_admin_roles_page_set_grant (CrmAdminRolesPage *self, const char *permission, gboolean granted,
                                guint scope)
{
  MatrixRow *row = g_hash_table_lookup (self->matrix, permission);

  if (row == NULL || scope > 3)
    return FALSE;
  gtk_check_button_set_active (row->granted, granted);
  gtk_drop_down_set_selected (row->scope, scope);
  return TRUE;
}

gboolean
crm_admin_roles_page_get_grant (CrmAdminRolesPage *self, const char *permission, guint *scope)
{
  MatrixRow *row = g_hash_table_lookup (self->matrix, permission);

  if (row == NULL || !gtk_check_button_get_active (row->granted))
    return FALSE;
  if (scope)
    *scope = gtk_drop_down_get_selected (row->scope);
  return TRUE;
}

GtkEditable *
crm_admin_roles_page_get_entry (CrmAdminRolesPage *self, const char *field)
{
  if (g_str_equal (field, "display_name"))
    return GTK_EDITABLE (self->display_name);
  if (g_str_equal (field, "new_display_name"))
    return GTK_EDITABLE (self->new_display_name);
  if (g_str_equal (field, "new_name"))
    return GTK_EDITABLE (self->new_name);
  return NULL;
}

gboolean
crm_admin_roles_page_has_role (CrmAdminRolesPage *self, const char *role_name)
{
  guint n = self->roles ? g_list_model_get_n_items (G_LIST_MODEL (self->roles)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) role = g_list_model_get_item (G_LIST_MODEL (self->roles), i);

      if (g_strcmp0 (crm_admin_record_get_string (role, "name"), role_name) == 0)
        return TRUE;
    }
  return FALSE;
}
