/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-page.h"
#include "crm-admin-record.h"
#include "crm-admin-team-page.h"
#include "crm-admin-util.h"
#include "crm-connection.h"
#include "crm-error.h"
#include "crm-messages.h"

struct _CrmAdminTeamPage
{
  GtkBox parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  guint         busy;

  GListStore         *departments; /* every department, server order */
  GListStore         *users;
  GListStore         *roles;
  GHashTable         *children; /* parent id → GPtrArray of records */
  GtkTreeListModel   *tree;
  GtkSingleSelection *tree_selection;
  GtkListView        *tree_view;
  GtkFilterListModel *people;
  GtkSingleSelection *people_selection;
  GtkColumnView      *people_view;
  GtkLabel           *people_title;

  GtkEntry    *name_entry;
  GtkDropDown *parent_dropdown;
  GArray      *parent_ids; /* dropdown position → department id */
  GtkDropDown *kind_dropdown;
  GtkDropDown *leader_dropdown;
  GArray      *leader_ids; /* dropdown position → user id */
  GtkEntry    *branch_entry;

  /* The department record the form was last filled from; while a reload
   * (often a push about someone else's change) rebuilds the lists, a form
   * filled from the same, unchanged record keeps what is being typed. */
  GVariant *form_source;
  guint     form_fills; /* times the form was filled from a record */
  gboolean  reloading;
};

/* The form's contents, kept over a reload. */
typedef struct
{
  char  *name;
  gint64 parent;
  guint  kind;
  gint64 leader;
  char  *branch;
} TeamForm;

static void crm_admin_team_page_iface_init (CrmAdminPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAdminTeamPage, crm_admin_team_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_ADMIN_PAGE,
                                                      crm_admin_team_page_iface_init))

static CrmAdminRecord *
selected_department (CrmAdminTeamPage *self)
{
  GtkTreeListRow *row
      = self->tree_selection ? gtk_single_selection_get_selected_item (self->tree_selection) : NULL;

  g_autoptr (CrmAdminRecord) record = NULL;

  if (row == NULL)
    return NULL;
  /* The tree keeps the record alive. */
  record = gtk_tree_list_row_get_item (row);
  return record;
}

/* ---- tree ---------------------------------------------------------------- */

static GListModel *
create_children (gpointer item, gpointer user_data)
{
  CrmAdminTeamPage *self = user_data;
  GPtrArray        *kids
      = g_hash_table_lookup (self->children, GINT_TO_POINTER (crm_admin_record_get_id (item)));
  GListStore *store;

  if (kids == NULL || kids->len == 0)
    return NULL;
  store = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  for (guint i = 0; i < kids->len; i++)
    g_list_store_append (store, kids->pdata[i]);
  return G_LIST_MODEL (store);
}

static void
add_parent_choices (CrmAdminTeamPage *self, GtkStringList *names, gint64 parent, guint depth)
{
  GPtrArray *kids = g_hash_table_lookup (self->children, GINT_TO_POINTER (parent));

  for (guint i = 0; kids && i < kids->len && depth < 32; i++)
    {
      CrmAdminRecord *record = kids->pdata[i];
      gint64          id = crm_admin_record_get_id (record);
      g_autoptr (GString) label = g_string_new (NULL);

      for (guint d = 0; d < depth; d++)
        g_string_append (label, "    ");
      g_string_append (label, crm_admin_record_get_string (record, "name"));
      gtk_string_list_append (names, label->str);
      g_array_append_val (self->parent_ids, id);
      add_parent_choices (self, names, id, depth + 1);
    }
}

static void update_people (CrmAdminTeamPage *self);
static void select_leader (CrmAdminTeamPage *self, gint64 leader_id);

static void
rebuild_tree (CrmAdminTeamPage *self, gint64 keep_selected)
{
  guint       n = g_list_model_get_n_items (G_LIST_MODEL (self->departments));
  GListStore *roots = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  gint64 zero = 0;

  g_hash_table_remove_all (self->children);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) record
          = g_list_model_get_item (G_LIST_MODEL (self->departments), i);
      gint64     parent = crm_admin_record_get_int (record, "parent_id");
      GPtrArray *kids;

      /* An unknown parent (outside the reader's view) shows at the top. */
      if (parent != 0 && crm_admin_records_find (G_LIST_MODEL (self->departments), parent) == NULL)
        parent = 0;
      kids = g_hash_table_lookup (self->children, GINT_TO_POINTER (parent));
      if (kids == NULL)
        {
          kids = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (self->children, GINT_TO_POINTER (parent), kids);
        }
      g_ptr_array_add (kids, g_object_ref (record));
      if (parent == 0)
        g_list_store_append (roots, record);
    }

  self->tree
      = gtk_tree_list_model_new (G_LIST_MODEL (roots), FALSE, TRUE, create_children, self, NULL);
  self->tree_selection = gtk_single_selection_new (G_LIST_MODEL (self->tree));
  gtk_single_selection_set_autoselect (self->tree_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->tree_selection, TRUE);
  gtk_single_selection_set_selected (self->tree_selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->tree_selection, "notify::selected", G_CALLBACK (update_people),
                            self);
  gtk_list_view_set_model (self->tree_view, GTK_SELECTION_MODEL (self->tree_selection));
  g_object_unref (self->tree_selection); /* the view holds it */

  g_array_set_size (self->parent_ids, 0);
  gtk_string_list_append (names, _ ("(Top level)"));
  g_array_append_val (self->parent_ids, zero);
  add_parent_choices (self, names, 0, 0);
  gtk_drop_down_set_model (self->parent_dropdown, G_LIST_MODEL (names));

  if (keep_selected)
    crm_admin_team_page_select (self, keep_selected);
  update_people (self);
}

static void
setup_tree_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_list_item_set_child (item, expander);
}

static void
bind_tree_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkTreeListRow  *row = gtk_list_item_get_item (item);
  GtkWidget       *expander = gtk_list_item_get_child (item);
  CrmAdminRecord  *record = gtk_tree_list_row_get_item (row);
  g_autofree char *text = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  if (g_str_equal (crm_admin_record_get_string (record, "kind"), "group"))
    text = g_strdup_printf (_ ("%s (group)"), crm_admin_record_get_string (record, "name"));
  else
    text = g_strdup (crm_admin_record_get_string (record, "name"));
  gtk_label_set_text (GTK_LABEL (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander))), text);
  g_object_unref (record);
}

static void
unbind_tree_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *expander = gtk_list_item_get_child (item);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
  gtk_label_set_text (GTK_LABEL (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander))), "");
}

/* ---- people -------------------------------------------------------------- */

static gboolean
person_in_selected (gpointer item, gpointer user_data)
{
  CrmAdminTeamPage *self = user_data;
  CrmAdminRecord   *department = selected_department (self);

  return department
         && crm_admin_record_get_int (item, "department_id")
                == crm_admin_record_get_id (department);
}

static void
update_people (CrmAdminTeamPage *self)
{
  CrmAdminRecord *department = selected_department (self);
  GtkFilter      *filter = gtk_filter_list_model_get_filter (self->people);

  if (filter)
    gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
  if (department)
    {
      g_autofree char *title
          = g_strdup_printf (_ ("People in %s"), crm_admin_record_get_string (department, "name"));
      gint64    parent = crm_admin_record_get_int (department, "parent_id");
      GVariant *fields = crm_admin_record_get_fields (department);

      gtk_label_set_text (self->people_title, title);
      if (self->reloading && self->form_source && g_variant_equal (self->form_source, fields))
        goto actions;
      g_clear_pointer (&self->form_source, g_variant_unref);
      self->form_source = g_variant_ref (fields);
      self->form_fills++;
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry),
                             crm_admin_record_get_string (department, "name"));
      crm_admin_team_page_set_parent (self, parent);
      gtk_drop_down_set_selected (
          self->kind_dropdown,
          g_str_equal (crm_admin_record_get_string (department, "kind"), "group"));
      select_leader (self, crm_admin_record_get_int (department, "leader_id"));
      gtk_editable_set_text (GTK_EDITABLE (self->branch_entry),
                             crm_admin_record_get_string (department, "branch"));
    }
  else
    gtk_label_set_text (self->people_title, _ ("Select a department to see its people"));
actions:
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "team.save", department != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "team.delete", department != NULL);
}

static char *
format_leader (CrmAdminRecord *record, const char *key, gpointer data)
{
  CrmAdminTeamPage *self = data;

  return crm_admin_records_dup_string (G_LIST_MODEL (self->users),
                                       crm_admin_record_get_int (record, "leader_id"),
                                       "display_name");
}

static char *
format_roles (CrmAdminRecord *record, const char *key, gpointer data)
{
  CrmAdminTeamPage *self = data;
  g_auto (GStrv) names = crm_admin_record_dup_strv (record, key);

  return crm_admin_role_names (G_LIST_MODEL (self->roles), (const char *const *)names);
}

static char *
format_status (CrmAdminRecord *record, const char *key, gpointer data)
{
  if (crm_admin_record_get_boolean (record, "disabled"))
    return g_strdup (_ ("Disabled"));
  if (crm_admin_record_get_boolean (record, "locked"))
    return g_strdup (_ ("Locked"));
  return g_strdup (_ ("Active"));
}

/* ---- loading --------------------------------------------------------------- */

static void
set_busy (CrmAdminTeamPage *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
}

static void
select_leader (CrmAdminTeamPage *self, gint64 leader_id)
{
  if (!crm_admin_dropdown_select_id (self->leader_dropdown, self->leader_ids, leader_id))
    gtk_drop_down_set_selected (self->leader_dropdown, 0);
}

static gint64
chosen_leader (CrmAdminTeamPage *self)
{
  return crm_admin_dropdown_get_id (self->leader_dropdown, self->leader_ids);
}

static void
rebuild_leader_choices (CrmAdminTeamPage *self)
{
  crm_admin_dropdown_fill_records (self->leader_dropdown, G_LIST_MODEL (self->users),
                                   "display_name", _ ("(None)"), self->leader_ids, 0);
}

static gint64 chosen_parent (CrmAdminTeamPage *self);

static void
form_save (CrmAdminTeamPage *self, TeamForm *form)
{
  form->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));
  form->parent = chosen_parent (self);
  form->kind = gtk_drop_down_get_selected (self->kind_dropdown);
  form->leader = chosen_leader (self);
  form->branch = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->branch_entry)));
}

/* Puts back `form` when the reload did not fill the form again (its
 * department unchanged, or none selected: a new one being typed); frees
 * it either way. */
static void
form_restore (CrmAdminTeamPage *self, TeamForm *form, guint fills_before)
{
  if (self->form_fills == fills_before)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), form->name);
      crm_admin_team_page_set_parent (self, form->parent);
      gtk_drop_down_set_selected (self->kind_dropdown, form->kind);
      select_leader (self, form->leader);
      gtk_editable_set_text (GTK_EDITABLE (self->branch_entry), form->branch);
    }
  g_free (form->name);
  g_free (form->branch);
}

static void
on_users_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  CrmAdminTeamPage *self;

  if (crm_admin_error_is_cancelled (error))
    return;
  self = CRM_ADMIN_TEAM_PAGE (user_data);
  set_busy (self, FALSE);
  if (reply == NULL)
    {
      /* Without user.view the tree still works. */
      if (!g_error_matches (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED))
        crm_admin_report_error (GTK_WIDGET (self), error);
      return;
    }
  {
    TeamForm  form;
    guint     fills_before = self->form_fills;

    form_save (self, &form);
    self->reloading = TRUE;
    crm_admin_store_set_records (self->users, reply, FALSE);
    rebuild_leader_choices (self);
    update_people (self);
    self->reloading = FALSE;
    form_restore (self, &form, fills_before);
  }
}

static void
on_roles_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  CrmAdminTeamPage *self;

  if (crm_admin_error_is_cancelled (error))
    return;
  self = CRM_ADMIN_TEAM_PAGE (user_data);
  set_busy (self, FALSE);
  /* Without user.view the roles show by their codes. */
  if (reply == NULL)
    return;
  g_clear_object (&self->roles);
  self->roles = crm_admin_records_from_variant (reply);
}

/* A call of this page is over (crm_admin_call_finish). */
static void
call_over (gpointer page)
{
  set_busy (CRM_ADMIN_TEAM_PAGE (page), FALSE);
}

static void
on_departments_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminTeamPage *self;
  CrmAdminRecord   *selected;
  gint64            keep;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply) || reply == NULL)
    return;
  self = CRM_ADMIN_TEAM_PAGE (user_data);
  selected = selected_department (self);
  keep = selected ? crm_admin_record_get_id (selected) : 0;
  {
    TeamForm  form;
    guint     fills_before = self->form_fills;

    form_save (self, &form);
    self->reloading = TRUE;
    g_clear_object (&self->departments);
    self->departments = crm_admin_records_from_variant (reply);
    rebuild_tree (self, keep);
    self->reloading = FALSE;
    form_restore (self, &form, fills_before);
  }
}

static void
team_reload (CrmAdminPage *page)
{
  CrmAdminTeamPage *self = CRM_ADMIN_TEAM_PAGE (page);

  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_DEPARTMENT_LIST, g_variant_new ("()"),
                          self->cancellable, on_departments_loaded, self);
  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_ROLE_LIST, g_variant_new ("()"), self->cancellable,
                          on_roles_loaded, self);
  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_USER_LIST, g_variant_new ("()"), self->cancellable,
                          on_users_loaded, self);
}

static gboolean
team_watches_entity (CrmAdminPage *page, const char *entity)
{
  return g_str_equal (entity, "department") || g_str_equal (entity, "user");
}

static gboolean
team_is_busy (CrmAdminPage *page)
{
  return CRM_ADMIN_TEAM_PAGE (page)->busy > 0;
}

static void
crm_admin_team_page_iface_init (CrmAdminPageInterface *iface)
{
  iface->reload = team_reload;
  iface->watches_entity = team_watches_entity;
  iface->is_busy = team_is_busy;
}

/* ---- changes --------------------------------------------------------------- */

static void
on_changed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminTeamPage *self;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply))
    return;
  self = CRM_ADMIN_TEAM_PAGE (user_data);
  if (reply != NULL)
    crm_admin_report_notice (GTK_WIDGET (self), _ ("Saved."));
  team_reload (CRM_ADMIN_PAGE (self));
}

static const char *
chosen_kind (CrmAdminTeamPage *self)
{
  return gtk_drop_down_get_selected (self->kind_dropdown) == 1 ? "group" : "department";
}

static gint64
chosen_parent (CrmAdminTeamPage *self)
{
  guint pos = gtk_drop_down_get_selected (self->parent_dropdown);

  return pos < self->parent_ids->len ? g_array_index (self->parent_ids, gint64, pos) : 0;
}

static char *
chosen_name (CrmAdminTeamPage *self)
{
  g_autofree char *name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));

  return g_strdup (g_strstrip (name));
}

static void
on_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminTeamPage *self;
  gint64            id;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply) || reply == NULL)
    return;
  self = CRM_ADMIN_TEAM_PAGE (user_data);
  g_variant_get (reply, "(x)", &id);
  {
    g_autofree char *branch
        = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->branch_entry))));
    GVariantDict fields;

    /* department.create takes a name and a parent; the rest follows. */
    g_variant_dict_init (&fields, NULL);
    if (g_str_equal (chosen_kind (self), "group"))
      g_variant_dict_insert (&fields, "kind", "s", "group");
    if (chosen_leader (self) != 0)
      g_variant_dict_insert (&fields, "leader_id", "x", chosen_leader (self));
    if (*branch)
      g_variant_dict_insert (&fields, "branch", "s", branch);
    if (g_variant_dict_contains (&fields, "kind") || g_variant_dict_contains (&fields, "leader_id")
        || g_variant_dict_contains (&fields, "branch"))
      {
        g_autofree char *key = crm_new_idempotency_key ();

        set_busy (self, TRUE);
        crm_session_call_async (self->session, CRM_MSG_DEPARTMENT_UPDATE,
                                g_variant_new ("(sx@a{sv})", key, id, g_variant_dict_end (&fields)),
                                self->cancellable, on_changed, self);
        return;
      }
    g_variant_dict_clear (&fields);
  }
  crm_admin_report_notice (GTK_WIDGET (self), _ ("Department created."));
  team_reload (CRM_ADMIN_PAGE (self));
}

static void
add_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminTeamPage *self = CRM_ADMIN_TEAM_PAGE (widget);
  g_autofree char  *name = chosen_name (self);
  g_autofree char  *key = crm_new_idempotency_key ();

  if (*name == '\0')
    {
      g_autoptr (GError) error = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                                              _ ("Enter a name for the department."));
      crm_admin_report_error (widget, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
      return;
    }
  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_DEPARTMENT_CREATE,
                          g_variant_new ("(ssx)", key, name, chosen_parent (self)),
                          self->cancellable, on_created, self);
}

static void
save_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminTeamPage *self = CRM_ADMIN_TEAM_PAGE (widget);
  CrmAdminRecord   *department = selected_department (self);
  g_autofree char  *name = chosen_name (self);
  g_autofree char  *key = crm_new_idempotency_key ();
  GVariantDict      fields;
  gint64            parent = chosen_parent (self);

  if (department == NULL)
    return;
  g_variant_dict_init (&fields, NULL);
  if (*name == '\0')
    {
      g_autoptr (GError) error = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                                              _ ("Enter a name for the department."));
      crm_admin_report_error (widget, error);
      g_variant_dict_clear (&fields);
      return;
    }
  if (parent == crm_admin_record_get_id (department))
    {
      g_autoptr (GError) error = g_error_new (CRM_ERROR, CRM_ERROR_INVALID_FIELD, "%s",
                                              _ ("A department cannot be inside itself."));
      crm_admin_report_error (widget, error);
      g_variant_dict_clear (&fields);
      return;
    }
  if (!g_str_equal (name, crm_admin_record_get_string (department, "name")))
    g_variant_dict_insert (&fields, "name", "s", name);
  if (parent != crm_admin_record_get_int (department, "parent_id"))
    g_variant_dict_insert (&fields, "parent_id", "x", parent);
  if (!g_str_equal (chosen_kind (self), crm_admin_record_get_string (department, "kind"))
      && !(g_str_equal (chosen_kind (self), "department")
           && *crm_admin_record_get_string (department, "kind") == '\0'))
    g_variant_dict_insert (&fields, "kind", "s", chosen_kind (self));
  if (chosen_leader (self) != crm_admin_record_get_int (department, "leader_id"))
    g_variant_dict_insert (&fields, "leader_id", "x", chosen_leader (self));
  {
    g_autofree char *branch
        = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->branch_entry))));

    if (!g_str_equal (branch, crm_admin_record_get_string (department, "branch")))
      g_variant_dict_insert (&fields, "branch", "s", branch);
  }
  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_DEPARTMENT_UPDATE,
                          g_variant_new ("(sx@a{sv})", key, crm_admin_record_get_id (department),
                                         g_variant_dict_end (&fields)),
                          self->cancellable, on_changed, self);
}

static void
delete_confirmed (GtkWidget *widget, gpointer data)
{
  CrmAdminTeamPage *self = CRM_ADMIN_TEAM_PAGE (widget);
  g_autofree char  *key = crm_new_idempotency_key ();
  gint64            id = GPOINTER_TO_SIZE (data);

  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_DEPARTMENT_DELETE, g_variant_new ("(sx)", key, id),
                          self->cancellable, on_changed, self);
}

static void
delete_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminTeamPage *self = CRM_ADMIN_TEAM_PAGE (widget);
  CrmAdminRecord   *department = selected_department (self);
  g_autofree char  *question = NULL;

  if (department == NULL)
    return;
  question = g_strdup_printf (_ ("Delete “%s”?"), crm_admin_record_get_string (department, "name"));
  crm_admin_confirm (widget, question,
                     _ ("Only an empty department (no people, no sub-departments) can be deleted."),
                     _ ("_Delete"), delete_confirmed,
                     GSIZE_TO_POINTER ((gsize)crm_admin_record_get_id (department)));
}

/* ---- construction ------------------------------------------------------------ */

static void
crm_admin_team_page_dispose (GObject *object)
{
  CrmAdminTeamPage *self = CRM_ADMIN_TEAM_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->tree_view)
    gtk_list_view_set_model (self->tree_view, NULL);
  g_clear_object (&self->departments);
  g_clear_object (&self->users);
  g_clear_object (&self->roles);
  g_clear_object (&self->session);
  g_clear_pointer (&self->children, g_hash_table_unref);
  g_clear_pointer (&self->parent_ids, g_array_unref);
  g_clear_pointer (&self->leader_ids, g_array_unref);
  g_clear_pointer (&self->form_source, g_variant_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_TEAM_PAGE);

  G_OBJECT_CLASS (crm_admin_team_page_parent_class)->dispose (object);
}

static void
crm_admin_team_page_class_init (CrmAdminTeamPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_team_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-team-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, tree_view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, people_view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, people_title);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, parent_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, leader_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminTeamPage, branch_entry);
  gtk_widget_class_install_action (widget_class, "team.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "team.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "team.delete", NULL, delete_activated);
}

static void
crm_admin_team_page_init (CrmAdminTeamPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkCustomFilter    *filter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->departments = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->users = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->roles = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->children = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
  self->parent_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->leader_ids = g_array_new (FALSE, TRUE, sizeof (gint64));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_tree_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tree_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tree_row), self);
  gtk_list_view_set_factory (self->tree_view, factory);
  g_object_unref (factory);

  crm_admin_column_add (self->people_view, _ ("Full name"), "display_name", NULL, NULL);
  crm_admin_column_add (self->people_view, _ ("Sign-in name"), "login", NULL, NULL);
  crm_admin_column_add (self->people_view, _ ("Leader"), "leader_id", format_leader, self);
  crm_admin_column_add (self->people_view, _ ("Branch"), "branch", NULL, NULL);
  crm_admin_column_add (self->people_view, _ ("Roles"), "roles", format_roles, self);
  crm_admin_column_add (self->people_view, _ ("Status"), "disabled", format_status, NULL);
  filter = gtk_custom_filter_new (person_in_selected, self, NULL);
  self->people
      = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->users)), GTK_FILTER (filter));
  self->people_selection
      = crm_admin_column_view_set_model (self->people_view, G_LIST_MODEL (self->people));
  g_object_unref (self->people);
}

GtkWidget *
crm_admin_team_page_new (CrmSession *session)
{
  CrmAdminTeamPage *self = g_object_new (CRM_TYPE_ADMIN_TEAM_PAGE, NULL);

  self->session = g_object_ref (session);
  rebuild_tree (self, 0);
  team_reload (CRM_ADMIN_PAGE (self));
  return GTK_WIDGET (self);
}

GtkEditable *
crm_admin_team_page_get_name_entry (CrmAdminTeamPage *self)
{
  return GTK_EDITABLE (self->name_entry);
}

gint64
crm_admin_team_page_get_selected_id (CrmAdminTeamPage *self)
{
  CrmAdminRecord *department = selected_department (self);

  return department ? crm_admin_record_get_id (department) : 0;
}

gboolean
crm_admin_team_page_select (CrmAdminTeamPage *self, gint64 department_id)
{
  /* Rows of collapsed branches are not in the model; the tree starts
   * fully expanded, so a linear walk finds every department. */
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
      g_autoptr (CrmAdminRecord) record = gtk_tree_list_row_get_item (row);

      if (crm_admin_record_get_id (record) == department_id)
        {
          gtk_single_selection_set_selected (self->tree_selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

gint64
crm_admin_team_page_find (CrmAdminTeamPage *self, const char *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->departments));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) record
          = g_list_model_get_item (G_LIST_MODEL (self->departments), i);

      if (g_str_equal (crm_admin_record_get_string (record, "name"), name))
        return crm_admin_record_get_id (record);
    }
  return 0;
}

gboolean
crm_admin_team_page_set_parent (CrmAdminTeamPage *self, gint64 parent_id)
{
  for (guint i = 0; i < self->parent_ids->len; i++)
    if (g_array_index (self->parent_ids, gint64, i) == parent_id)
      {
        gtk_drop_down_set_selected (self->parent_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

guint
crm_admin_team_page_get_n_people (CrmAdminTeamPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->people));
}

void
crm_admin_team_page_set_group (CrmAdminTeamPage *self, gboolean group)
{
  gtk_drop_down_set_selected (self->kind_dropdown, group ? 1 : 0);
}

GtkEditable *
crm_admin_team_page_get_branch_entry (CrmAdminTeamPage *self)
{
  return GTK_EDITABLE (self->branch_entry);
}
