/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-admin-accounts-page.h"
#include "crm-admin-page.h"
#include "crm-admin-record.h"
#include "crm-admin-util.h"
#include "crm-connection.h"
#include "crm-error.h"
#include "crm-messages.h"

#define HISTORY_LIMIT 100

struct _CrmAdminAccountsPage
{
  GtkBox parent_instance;

  CrmSession   *session;
  GCancellable *cancellable;
  GCancellable *detail_cancellable; /* history and sessions of one user */
  guint         busy;
  guint         detail_busy; /* of busy: loads under detail_cancellable */

  GListStore *users;
  GListStore *departments;
  GListStore *roles;
  GListStore *history;
  GListStore *sessions;
  GListStore *devices;

  GtkColumnView      *user_view;
  GtkColumnView      *history_view;
  GtkColumnView      *session_view;
  GtkColumnView      *device_view;
  GtkSingleSelection *user_selection;
  GtkSingleSelection *session_selection;
  GtkSingleSelection *device_selection;
  GtkNotebook        *notebook;
  GtkLabel           *detail_title;

  CrmAdminUserDialog *dialog;          /* weak */
  GtkWindow          *password_dialog; /* weak */
  char               *temporary_password;
  gboolean            reselecting;
};

static void crm_admin_accounts_page_iface_init (CrmAdminPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAdminAccountsPage, crm_admin_accounts_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_ADMIN_PAGE,
                                                      crm_admin_accounts_page_iface_init))

static CrmAdminRecord *
selected_user (CrmAdminAccountsPage *self)
{
  return crm_admin_selection_get (self->user_selection);
}

static void
set_busy (CrmAdminAccountsPage *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
}

/* ---- formatting ------------------------------------------------------------ */

static char *
format_department (CrmAdminRecord *record, const char *key, gpointer data)
{
  CrmAdminAccountsPage *self = data;

  return crm_admin_records_dup_string (G_LIST_MODEL (self->departments),
                                       crm_admin_record_get_int (record, key), "name");
}

static char *
format_leader (CrmAdminRecord *record, const char *key, gpointer data)
{
  CrmAdminAccountsPage *self = data;

  return crm_admin_records_dup_string (G_LIST_MODEL (self->users),
                                       crm_admin_record_get_int (record, key), "display_name");
}

static char *
format_roles (CrmAdminRecord *record, const char *key, gpointer data)
{
  CrmAdminAccountsPage *self = data;
  g_auto (GStrv) names = crm_admin_record_dup_strv (record, key);

  return crm_admin_role_names (G_LIST_MODEL (self->roles), (const char *const *)names);
}

static char *
format_status (CrmAdminRecord *record, const char *key, gpointer data)
{
  const char *status = crm_admin_record_get_string (record, "status");

  if (crm_admin_record_get_boolean (record, "disabled"))
    return g_strdup (_ ("Disabled"));
  if (crm_admin_record_get_boolean (record, "locked"))
    return g_strdup (_ ("Locked"));
  if (g_str_equal (status, "probation"))
    return g_strdup (_ ("Probation"));
  if (g_str_equal (status, "on_leave"))
    return g_strdup (_ ("On leave"));
  if (g_str_equal (status, "resigned"))
    return g_strdup (_ ("Resigned"));
  if (crm_admin_record_get_boolean (record, "must_change_password"))
    return g_strdup (_ ("Active (must change password)"));
  return g_strdup (_ ("Active"));
}

static char *
format_success (CrmAdminRecord *record, const char *key, gpointer data)
{
  const char *reason = crm_admin_record_get_string (record, "reason");

  if (crm_admin_record_get_boolean (record, "success"))
    return g_strdup (_ ("Signed in"));
  return *reason ? g_strdup_printf (_ ("Refused: %s"), reason) : g_strdup (_ ("Refused"));
}

static char *
format_current (CrmAdminRecord *record, const char *key, gpointer data)
{
  return g_strdup (crm_admin_record_get_boolean (record, "current") ? _ ("This window") : "");
}

static char *
format_approved (CrmAdminRecord *record, const char *key, gpointer data)
{
  return g_strdup (crm_admin_record_get_boolean (record, "approved") ? _ ("Approved")
                                                                     : _ ("Waiting for approval"));
}

/* ---- loading ------------------------------------------------------------------ */

static void load_details (CrmAdminAccountsPage *self);
static void update_actions (CrmAdminAccountsPage *self);

static void
reselect (CrmAdminAccountsPage *self, gint64 id)
{
  GListModel *model = G_LIST_MODEL (self->user_selection);
  guint       n = g_list_model_get_n_items (model);

  if (id == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) user = g_list_model_get_item (model, i);

      if (crm_admin_record_get_id (user) == id)
        {
          gtk_single_selection_set_selected (self->user_selection, i);
          return;
        }
    }
}

typedef struct
{
  CrmAdminAccountsPage *self;
  GListStore           *store;
  gboolean              detail;
} Load;

static void
on_list_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  CrmAdminAccountsPage *self = load->self;
  GListStore           *store = load->store;
  gboolean              detail = load->detail;
  CrmAdminRecord       *selected;
  gint64                selected_id;

  g_free (load);
  /* Cancelled: the page is gone, or load_details() already took this load
   * off the busy count when it replaced the details. */
  if (crm_admin_error_is_cancelled (error))
    return;
  if (detail && self->detail_busy > 0)
    self->detail_busy--;
  set_busy (self, FALSE);
  if (reply == NULL)
    {
      /* Device binding is optional on older servers. */
      if (store != self->devices || !g_error_matches (error, CRM_ERROR, CRM_ERROR_UNKNOWN_MESSAGE))
        crm_admin_report_error (GTK_WIDGET (self), error);
      return;
    }
  selected = selected_user (self);
  selected_id = selected ? crm_admin_record_get_id (selected) : 0;
  self->reselecting = TRUE;
  if (g_variant_is_of_type (reply, G_VARIANT_TYPE ("aa{sv}")))
    crm_admin_store_set_records (store, reply, FALSE);
  if (store == self->users)
    reselect (self, selected_id);
  else if (store == self->departments || store == self->roles)
    {
      /* Department and role names in the user rows depend on these
       * lists: re-insert the rows so that they are bound again. */
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->users));
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->users), i));
      g_list_store_splice (self->users, 0, n, items->pdata, items->len);
      reselect (self, selected_id);
    }
  self->reselecting = FALSE;
  selected = selected_user (self);
  if (selected_id != (selected ? crm_admin_record_get_id (selected) : 0))
    load_details (self);
  update_actions (self);
}

static void
load_list (CrmAdminAccountsPage *self, guint message_id, GVariant *body, GListStore *store,
           GCancellable *cancellable)
{
  Load *load = g_new0 (Load, 1);

  load->self = self;
  load->store = store;
  load->detail = cancellable == self->detail_cancellable;
  if (load->detail)
    self->detail_busy++;
  set_busy (self, TRUE);
  crm_session_call_async (self->session, message_id, body, cancellable, on_list_loaded, load);
}

static void
load_details (CrmAdminAccountsPage *self)
{
  CrmAdminRecord  *user = selected_user (self);
  gint64           user_id = user ? crm_admin_record_get_id (user) : 0;
  g_autofree char *title = NULL;

  /* Replaced details (a reload, often from a push, while the last ones
   * load): their callbacks will see the cancellation and return, so they
   * leave the busy count here. */
  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  for (; self->detail_busy > 0; self->detail_busy--)
    set_busy (self, FALSE);
  self->detail_cancellable = g_cancellable_new ();
  if (user)
    title
        = g_strdup_printf (_ ("Details of %s"), crm_admin_record_get_string (user, "display_name"));
  gtk_label_set_text (self->detail_title,
                      title ? title : _ ("Everyone's recent sign-ins and sessions"));
  load_list (self, CRM_MSG_USER_LOGIN_HISTORY, g_variant_new ("(xi)", user_id, HISTORY_LIMIT),
             self->history, self->detail_cancellable);
  load_list (self, CRM_MSG_SESSION_LIST, g_variant_new ("(x)", user_id), self->sessions,
             self->detail_cancellable);
}

static void
accounts_reload (CrmAdminPage *page)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (page);

  load_list (self, CRM_MSG_DEPARTMENT_LIST, g_variant_new ("()"), self->departments,
             self->cancellable);
  load_list (self, CRM_MSG_ROLE_LIST, g_variant_new ("()"), self->roles, self->cancellable);
  load_list (self, CRM_MSG_USER_LIST, g_variant_new ("()"), self->users, self->cancellable);
  load_list (self, CRM_MSG_DEVICE_LIST, g_variant_new ("()"), self->devices, self->cancellable);
  load_details (self);
}

static gboolean
accounts_watches_entity (CrmAdminPage *page, const char *entity)
{
  return g_str_equal (entity, "user") || g_str_equal (entity, "role")
         || g_str_equal (entity, "department") || g_str_equal (entity, "device")
         || g_str_equal (entity, "session");
}

static gboolean
accounts_is_busy (CrmAdminPage *page)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (page);

  return self->busy > 0 || (self->dialog && crm_admin_user_dialog_is_busy (self->dialog));
}

static void
crm_admin_accounts_page_iface_init (CrmAdminPageInterface *iface)
{
  iface->reload = accounts_reload;
  iface->watches_entity = accounts_watches_entity;
  iface->is_busy = accounts_is_busy;
}

/* ---- actions --------------------------------------------------------------------- */

static void
update_actions (CrmAdminAccountsPage *self)
{
  CrmAdminRecord *user = selected_user (self);
  gboolean        manage = crm_session_has_permission (self->session, "user.manage");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.new", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.edit", manage && user);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.toggle-disabled", manage && user);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.reset-password", manage && user);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.unlock",
                                 manage && user && crm_admin_record_get_boolean (user, "locked"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.revoke-session", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.approve-device", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.reject-device", manage);
}

static void
on_selection_changed (CrmAdminAccountsPage *self)
{
  update_actions (self);
  /* A refresh that keeps the same row selected needs no new details. */
  if (!self->reselecting)
    load_details (self);
}

/* A call of this page is over (crm_admin_call_finish). */
static void
call_over (gpointer page)
{
  set_busy (CRM_ADMIN_ACCOUNTS_PAGE (page), FALSE);
}

static void
on_changed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminAccountsPage *self;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply))
    return;
  self = CRM_ADMIN_ACCOUNTS_PAGE (user_data);
  if (reply != NULL)
    crm_admin_report_notice (GTK_WIDGET (self), _ ("Saved."));
  accounts_reload (CRM_ADMIN_PAGE (self));
}

static void
call_change (CrmAdminAccountsPage *self, guint message_id, GVariant *body)
{
  set_busy (self, TRUE);
  crm_session_call_async (self->session, message_id, body, self->cancellable, on_changed, self);
}

static void
on_dialog_saved (CrmAdminUserDialog *dialog, gint64 id, CrmAdminAccountsPage *self)
{
  crm_admin_report_notice (GTK_WIDGET (self), _ ("The account was saved."));
  accounts_reload (CRM_ADMIN_PAGE (self));
}

static void
open_dialog (CrmAdminAccountsPage *self, CrmAdminRecord *user)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->dialog)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = crm_admin_user_dialog_new (
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->session, user,
      G_LIST_MODEL (self->users), G_LIST_MODEL (self->departments), G_LIST_MODEL (self->roles));
  g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *)&self->dialog);
  g_signal_connect_object (self->dialog, "saved", G_CALLBACK (on_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

static void
new_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  open_dialog (CRM_ADMIN_ACCOUNTS_PAGE (widget), NULL);
}

static void
edit_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (widget);
  CrmAdminRecord       *user = selected_user (self);

  if (user)
    open_dialog (self, user);
}

static void
toggle_disabled_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (widget);
  CrmAdminRecord       *user = selected_user (self);
  g_autofree char      *key = crm_new_idempotency_key ();

  if (user == NULL)
    return;
  call_change (self, CRM_MSG_USER_SET_DISABLED,
               g_variant_new ("(sxb)", key, crm_admin_record_get_id (user),
                              !crm_admin_record_get_boolean (user, "disabled")));
}

static void
unlock_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (widget);
  CrmAdminRecord       *user = selected_user (self);
  g_autofree char      *key = crm_new_idempotency_key ();

  if (user)
    call_change (self, CRM_MSG_USER_UNLOCK,
                 g_variant_new ("(sx)", key, crm_admin_record_get_id (user)));
}

static void
on_password_dialog_response (GtkDialog *dialog, int response, gpointer data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_password_reset (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  CrmAdminAccountsPage *self;
  const char           *password;
  GtkWidget            *dialog;
  GtkRoot              *root;

  if (!crm_admin_call_finish (source, result, user_data, call_over, &reply) || reply == NULL)
    return;
  self = CRM_ADMIN_ACCOUNTS_PAGE (user_data);
  g_variant_get (reply, "(&s)", &password);
  g_free (self->temporary_password);
  self->temporary_password = g_strdup (password);

  /* Shown once: the server keeps only its hash. */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog
      = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_INFO,
                                GTK_BUTTONS_CLOSE, _ ("Temporary password: %s"), password);
  gtk_message_dialog_format_secondary_text (
      GTK_MESSAGE_DIALOG (dialog), "%s",
      _ ("Give it to the user now: it is shown only once. "
         "The user must choose a new password at the next sign-in."));
  {
    GtkWidget *area = gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog));

    for (GtkWidget *child = gtk_widget_get_first_child (area); child;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_LABEL (child))
        gtk_label_set_selectable (GTK_LABEL (child), TRUE);
  }
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (on_password_dialog_response), NULL);
  self->password_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->password_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  accounts_reload (CRM_ADMIN_PAGE (self));
}

static void
reset_confirmed (GtkWidget *widget, gpointer data)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (widget);
  g_autofree char      *key = crm_new_idempotency_key ();

  set_busy (self, TRUE);
  crm_session_call_async (self->session, CRM_MSG_USER_RESET_PASSWORD,
                          g_variant_new ("(sx)", key, (gint64)GPOINTER_TO_SIZE (data)),
                          self->cancellable, on_password_reset, self);
}

static void
reset_password_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (widget);
  CrmAdminRecord       *user = selected_user (self);
  g_autofree char      *question = NULL;

  if (user == NULL)
    return;
  question = g_strdup_printf (_ ("Reset the password of %s?"),
                              crm_admin_record_get_string (user, "display_name"));
  crm_admin_confirm (widget, question,
                     _ ("The current password stops working; a temporary one is shown once."),
                     _ ("_Reset Password"), reset_confirmed,
                     GSIZE_TO_POINTER ((gsize)crm_admin_record_get_id (user)));
}

static void
revoke_session_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (widget);
  CrmAdminRecord       *session = crm_admin_selection_get (self->session_selection);
  g_autofree char      *key = crm_new_idempotency_key ();

  if (session == NULL)
    {
      crm_admin_report_notice (widget, _ ("Select a session first."));
      return;
    }
  call_change (self, CRM_MSG_SESSION_REVOKE,
               g_variant_new ("(ss)", key, crm_admin_record_get_string (session, "id")));
}

static void
device_approval (CrmAdminAccountsPage *self, gboolean approved)
{
  CrmAdminRecord  *device = crm_admin_selection_get (self->device_selection);
  g_autofree char *key = crm_new_idempotency_key ();

  if (device == NULL)
    {
      crm_admin_report_notice (GTK_WIDGET (self), _ ("Select a device first."));
      return;
    }
  call_change (self, CRM_MSG_DEVICE_APPROVE,
               g_variant_new ("(sxb)", key, crm_admin_record_get_id (device), approved));
}

static void
approve_device_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  device_approval (CRM_ADMIN_ACCOUNTS_PAGE (widget), TRUE);
}

static void
reject_device_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  device_approval (CRM_ADMIN_ACCOUNTS_PAGE (widget), FALSE);
}

/* ---- construction ---------------------------------------------------------------- */

static void
crm_admin_accounts_page_dispose (GObject *object)
{
  CrmAdminAccountsPage *self = CRM_ADMIN_ACCOUNTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  if (self->dialog)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  if (self->password_dialog)
    gtk_window_destroy (self->password_dialog);
  g_clear_object (&self->users);
  g_clear_object (&self->departments);
  g_clear_object (&self->roles);
  g_clear_object (&self->history);
  g_clear_object (&self->sessions);
  g_clear_object (&self->devices);
  g_clear_object (&self->session);
  g_clear_pointer (&self->temporary_password, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADMIN_ACCOUNTS_PAGE);

  G_OBJECT_CLASS (crm_admin_accounts_page_parent_class)->dispose (object);
}

static void
crm_admin_accounts_page_class_init (CrmAdminAccountsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = crm_admin_accounts_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/cn/jinke/Crm/admin/crm-admin-accounts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAccountsPage, user_view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAccountsPage, history_view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAccountsPage, session_view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAccountsPage, device_view);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAccountsPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminAccountsPage, notebook);
  gtk_widget_class_install_action (widget_class, "accounts.new", NULL, new_activated);
  gtk_widget_class_install_action (widget_class, "accounts.edit", NULL, edit_activated);
  gtk_widget_class_install_action (widget_class, "accounts.toggle-disabled", NULL,
                                   toggle_disabled_activated);
  gtk_widget_class_install_action (widget_class, "accounts.reset-password", NULL,
                                   reset_password_activated);
  gtk_widget_class_install_action (widget_class, "accounts.unlock", NULL, unlock_activated);
  gtk_widget_class_install_action (widget_class, "accounts.revoke-session", NULL,
                                   revoke_session_activated);
  gtk_widget_class_install_action (widget_class, "accounts.approve-device", NULL,
                                   approve_device_activated);
  gtk_widget_class_install_action (widget_class, "accounts.reject-device", NULL,
                                   reject_device_activated);
}

static void
crm_admin_accounts_page_init (CrmAdminAccountsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->users = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->departments = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->roles = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->history = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->sessions = g_list_store_new (CRM_TYPE_ADMIN_RECORD);
  self->devices = g_list_store_new (CRM_TYPE_ADMIN_RECORD);

  crm_admin_column_add (self->user_view, _ ("Full name"), "display_name", NULL, NULL);
  crm_admin_column_add (self->user_view, _ ("Sign-in name"), "login", NULL, NULL);
  crm_admin_column_add (self->user_view, _ ("Department"), "department_id", format_department,
                        self);
  crm_admin_column_add (self->user_view, _ ("Leader"), "leader_id", format_leader, self);
  crm_admin_column_add (self->user_view, _ ("Roles"), "roles", format_roles, self);
  crm_admin_column_add (self->user_view, _ ("Status"), "status", format_status, NULL);
  self->user_selection
      = crm_admin_column_view_set_model (self->user_view, G_LIST_MODEL (self->users));
  g_signal_connect_swapped (self->user_selection, "notify::selected",
                            G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->user_view, "activate", G_CALLBACK (edit_activated), self);

  crm_admin_column_add (self->history_view, _ ("Time"), "at", NULL, NULL);
  crm_admin_column_add (self->history_view, _ ("Sign-in name"), "login", NULL, NULL);
  crm_admin_column_add (self->history_view, _ ("Address"), "peer", NULL, NULL);
  crm_admin_column_add (self->history_view, _ ("Result"), "success", format_success, NULL);
  crm_admin_column_view_set_model (self->history_view, G_LIST_MODEL (self->history));

  crm_admin_column_add (self->session_view, _ ("Sign-in name"), "login", NULL, NULL);
  crm_admin_column_add (self->session_view, _ ("Signed in at"), "created_at", NULL, NULL);
  crm_admin_column_add (self->session_view, _ ("Last active"), "last_seen", NULL, NULL);
  crm_admin_column_add (self->session_view, _ ("Address"), "peer", NULL, NULL);
  crm_admin_column_add (self->session_view, _ ("Client"), "client", NULL, NULL);
  crm_admin_column_add (self->session_view, "", "current", format_current, NULL);
  self->session_selection
      = crm_admin_column_view_set_model (self->session_view, G_LIST_MODEL (self->sessions));

  crm_admin_column_add (self->device_view, _ ("Sign-in name"), "login", NULL, NULL);
  crm_admin_column_add (self->device_view, _ ("Device"), "name", NULL, NULL);
  crm_admin_column_add (self->device_view, _ ("Key"), "client_key", NULL, NULL);
  crm_admin_column_add (self->device_view, _ ("First seen"), "first_seen", NULL, NULL);
  crm_admin_column_add (self->device_view, _ ("Last seen"), "last_seen", NULL, NULL);
  crm_admin_column_add (self->device_view, _ ("State"), "approved", format_approved, NULL);
  self->device_selection
      = crm_admin_column_view_set_model (self->device_view, G_LIST_MODEL (self->devices));
}

GtkWidget *
crm_admin_accounts_page_new (CrmSession *session)
{
  CrmAdminAccountsPage *self = g_object_new (CRM_TYPE_ADMIN_ACCOUNTS_PAGE, NULL);

  self->session = g_object_ref (session);
  update_actions (self);
  accounts_reload (CRM_ADMIN_PAGE (self));
  return GTK_WIDGET (self);
}

gint64
crm_admin_accounts_page_find_login (CrmAdminAccountsPage *self, const char *login)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->users));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CrmAdminRecord) user = g_list_model_get_item (G_LIST_MODEL (self->users), i);

      if (g_str_equal (crm_admin_record_get_string (user, "login"), login))
        return crm_admin_record_get_id (user);
    }
  return 0;
}

gboolean
crm_admin_accounts_page_select_login (CrmAdminAccountsPage *self, const char *login)
{
  return crm_admin_selection_select_string (self->user_selection, "login", login);
}

CrmAdminUserDialog *
crm_admin_accounts_page_get_dialog (CrmAdminAccountsPage *self)
{
  return self->dialog;
}

const char *
crm_admin_accounts_page_get_temporary_password (CrmAdminAccountsPage *self)
{
  return self->temporary_password;
}

GtkWindow *
crm_admin_accounts_page_get_password_dialog (CrmAdminAccountsPage *self)
{
  return self->password_dialog;
}

guint
crm_admin_accounts_page_get_n_sessions (CrmAdminAccountsPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
}

guint
crm_admin_accounts_page_get_n_history (CrmAdminAccountsPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->history));
}

void
crm_admin_accounts_page_show_tab (CrmAdminAccountsPage *self, const char *tab)
{
  int page = g_str_equal (tab, "sessions") ? 1 : g_str_equal (tab, "devices") ? 2 : 0;

  gtk_notebook_set_current_page (self->notebook, page);
}

gboolean
crm_admin_accounts_page_select_session (CrmAdminAccountsPage *self, guint position)
{
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->session_selection)))
    return FALSE;
  gtk_single_selection_set_selected (self->session_selection, position);
  return TRUE;
}
