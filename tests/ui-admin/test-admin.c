/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "crm-admin-accounts-page.h"
#include "crm-admin-audit-page.h"
#include "crm-admin-recycle-page.h"
#include "crm-admin-roles-page.h"
#include "crm-admin-settings-page.h"
#include "crm-admin-team-page.h"
#include "crm-admin-user-dialog.h"
#include "crm-admin-util.h"
#include "crm-admin-window.h"
#include "crm-application.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-sign-in-window.h"
#include "crm-test-crmctl.h"
#include "crm-test-server.h"
#include "crm-ui-test.h"
#include "crm-window.h"

/*
 * Drives the admin console the way an administrator does — typing into
 * its entries and activating the actions its buttons name — against a real
 * crm-server, while a second connection, signed in as the person being
 * edited, watches its permissions change live.  Steps run in order and
 * share one signed-in client; each saves a screenshot.
 */

#define WAIT_S 30
#define DEPARTMENT "华东销售部"
#define GROUP "华东一组"
#define GROUP_RENAMED "华东销售一组"
#define LOGIN "zhangwei"
#define PASSWORD "Jinke-2026-zw!"

static CrmTestServer  *server;
static CrmApplication *app;
static CrmConnection  *admin_conn;    /* checks what the server now holds */
static CrmConnection  *worker;        /* the edited user's own session */
static GPtrArray      *worker_pushes; /* GVariant "(as)" of each push.permissions */
static CrmConnection  *worker2;       /* signed in with the temporary password */
static gboolean        worker2_signed_out;
static CrmConnection  *worker3; /* signed in again after the forced sign-out */
static char           *temporary_password;
static char           *tmp_dir;
static gint64          department_id;
static gint64          group_id;
static gint64          user_id;

/* ---- driving helpers (the approach of tests/ui/test-client.c) ----------- */

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  crm_ui_test_screenshot (widget, "", name, 400, FALSE);
}

static CrmAdminWindow *
console (void)
{
  return crm_admin_window_find (GTK_APPLICATION (app));
}

static gpointer
page (const char *name)
{
  return crm_admin_window_get_page (console (), name);
}

static gboolean
console_idle (gpointer data)
{
  return console () && !crm_admin_window_is_busy (console ());
}

static void
wait_idle (void)
{
  crm_ui_test_settle (50);
  g_assert_true (crm_ui_test_wait_for (console_idle, NULL, WAIT_S));
}

static void
assert_no_error_banner (void)
{
  if (crm_admin_window_message_is_error (console ()))
    g_error ("the console shows an error: %s", crm_admin_window_get_message (console ()));
}

/* A row of an "aa{sv}" list reply, found by a string field. */
static GVariant *
find_row (GVariant *rows, const char *key, const char *value)
{
  GVariantIter iter;
  GVariant    *row;

  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)))
    {
      const char *v = NULL;

      if (g_variant_lookup (row, key, "&s", &v) && g_strcmp0 (v, value) == 0)
        return row;
      g_variant_unref (row);
    }
  return NULL;
}

static GVariant *
server_list (guint id)
{
  g_autoptr (GError) error = NULL;
  GVariant *rows = crm_connection_call_sync (admin_conn, id, g_variant_new ("()"), NULL, &error);

  g_assert_no_error (error);
  return rows;
}

static gint64
row_int (GVariant *row, const char *key)
{
  gint64 value = 0;

  g_variant_lookup (row, key, "x", &value);
  return value;
}

/* ---- the steps ---------------------------------------------------------- */

static void
test_sign_in (void)
{
  CrmSignInWindow *window;
  g_autofree char *address = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));
  GAction         *action;

  g_application_activate (G_APPLICATION (app));
  window = crm_ui_test_sign_in_window (app);
  g_assert_nonnull (window);

  /* Signed out, the console is not offered. */
  action = g_action_map_lookup_action (G_ACTION_MAP (app), "admin-console");
  g_assert_nonnull (action);
  g_assert_false (g_action_get_enabled (action));

  crm_ui_test_fill_sign_in (window, address, "admin", crm_test_server_get_admin_password (server));
  gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.submit", NULL);
  g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
  if (crm_sign_in_window_is_asking_trust (window))
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "sign-in.trust", NULL);
      g_assert_true (crm_ui_test_wait_for (crm_ui_test_sign_in_settled, app, WAIT_S));
    }
  g_assert_nonnull (crm_application_get_main_window (app));
  g_assert_true (g_action_get_enabled (action));
}

static GtkMenuButton *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)))
    return GTK_MENU_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_menu_button (child);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
menu_has_action (GMenuModel *model, const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_str_equal (name, action))
        return TRUE;
      if (section && menu_has_action (section, action))
        return TRUE;
    }
  return FALSE;
}

/* The main window's menu offers the console (shown while the action is
 * enabled, i.e. for administrators). */
static void
test_menu_item (void)
{
  GtkWindow     *main_window = crm_application_get_main_window (app);
  GtkMenuButton *button;
  GtkWidget     *titlebar;

  g_assert_nonnull (main_window);
  titlebar = gtk_window_get_titlebar (main_window);
  g_assert_nonnull (titlebar);
  button = find_menu_button (titlebar);
  g_assert_nonnull (button);
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (button), "app.admin-console"));
  gtk_menu_button_popup (button);
  crm_ui_test_settle (300);
  screenshot (GTK_WIDGET (gtk_menu_button_get_popover (button)), "main-menu");
  gtk_menu_button_popdown (button);
}

static void
test_open_console (void)
{
  static const char *names[] = { "team", "accounts", "roles", "settings", "audit", "recycle" };

  g_assert_null (console ());
  g_action_group_activate_action (G_ACTION_GROUP (app), "admin-console", NULL);
  g_assert_nonnull (console ());
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (console ())));
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (page (names[i]));
  /* A second activation presents the same window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "admin-console", NULL);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);
  wait_idle ();
  assert_no_error_banner ();
  crm_admin_window_show_page (console (), "team");
  screenshot (GTK_WIDGET (console ()), "console-team");
}

typedef struct
{
  const char *name;
} NameWait;

static gboolean
department_listed (gpointer data)
{
  return console_idle (NULL)
         && crm_admin_team_page_find (page ("team"), ((NameWait *)data)->name) != 0;
}

static void
test_create_department (void)
{
  CrmAdminTeamPage *team = page ("team");
  NameWait          wait = { DEPARTMENT };
  g_autoptr (GVariant) rows = NULL;
  g_autoptr (GVariant) row = NULL;
  g_autoptr (GVariant) group_row = NULL;

  /* An empty name is refused in the window, nothing is sent. */
  crm_ui_test_type_text (crm_admin_team_page_get_name_entry (team), "   ");
  gtk_widget_activate_action (GTK_WIDGET (team), "team.add", NULL);
  g_assert_true (crm_admin_window_message_is_error (console ()));
  gtk_widget_activate_action (GTK_WIDGET (console ()), "admin.dismiss", NULL);

  crm_ui_test_type_text (crm_admin_team_page_get_name_entry (team), DEPARTMENT);
  g_assert_true (crm_admin_team_page_set_parent (team, 0));
  gtk_widget_activate_action (GTK_WIDGET (team), "team.add", NULL);
  g_assert_true (crm_ui_test_wait_for (department_listed, &wait, WAIT_S));
  assert_no_error_banner ();
  department_id = crm_admin_team_page_find (team, DEPARTMENT);

  /* A group inside it. */
  g_assert_true (crm_admin_team_page_select (team, department_id));
  crm_ui_test_type_text (crm_admin_team_page_get_name_entry (team), GROUP);
  g_assert_true (crm_admin_team_page_set_parent (team, department_id));
  crm_admin_team_page_set_group (team, TRUE);
  crm_ui_test_type_text (crm_admin_team_page_get_branch_entry (team), "上海分公司");
  gtk_widget_activate_action (GTK_WIDGET (team), "team.add", NULL);
  wait.name = GROUP;
  g_assert_true (crm_ui_test_wait_for (department_listed, &wait, WAIT_S));
  assert_no_error_banner ();
  group_id = crm_admin_team_page_find (team, GROUP);

  rows = server_list (CRM_MSG_DEPARTMENT_LIST);
  row = find_row (rows, "name", DEPARTMENT);
  g_assert_nonnull (row);
  g_assert_cmpint (row_int (row, "parent_id"), ==, 0);
  group_row = find_row (rows, "name", GROUP);
  g_assert_nonnull (group_row);
  g_assert_cmpint (row_int (group_row, "parent_id"), ==, department_id);
  {
    const char *kind = NULL, *branch = NULL;

    g_assert_true (g_variant_lookup (group_row, "kind", "&s", &kind));
    g_assert_cmpstr (kind, ==, "group");
    g_assert_true (g_variant_lookup (group_row, "branch", "&s", &branch));
    g_assert_cmpstr (branch, ==, "上海分公司");
  }
  g_assert_true (crm_admin_team_page_select (team, group_id));
  screenshot (GTK_WIDGET (console ()), "department-created");
}

static void
test_rename_department (void)
{
  CrmAdminTeamPage *team = page ("team");
  NameWait          wait = { GROUP_RENAMED };
  g_autoptr (GVariant) rows = NULL;
  g_autoptr (GVariant) row = NULL;
  g_autoptr (GVariant) old = NULL;

  g_assert_true (crm_admin_team_page_select (team, group_id));
  g_assert_cmpint (crm_admin_team_page_get_selected_id (team), ==, group_id);
  crm_ui_test_type_text (crm_admin_team_page_get_name_entry (team), GROUP_RENAMED);
  gtk_widget_activate_action (GTK_WIDGET (team), "team.save", NULL);
  g_assert_true (crm_ui_test_wait_for (department_listed, &wait, WAIT_S));
  assert_no_error_banner ();

  rows = server_list (CRM_MSG_DEPARTMENT_LIST);
  row = find_row (rows, "name", GROUP_RENAMED);
  g_assert_nonnull (row);
  g_assert_cmpint (row_int (row, "id"), ==, group_id);
  g_assert_cmpint (row_int (row, "parent_id"), ==, department_id);
  old = find_row (rows, "name", GROUP);
  g_assert_null (old);
  /* The selection survived the reload. */
  g_assert_cmpint (crm_admin_team_page_get_selected_id (team), ==, group_id);
}

static gboolean
dialog_closed_and_user_listed (gpointer data)
{
  CrmAdminAccountsPage *accounts = page ("accounts");

  return console_idle (NULL) && crm_admin_accounts_page_get_dialog (accounts) == NULL
         && crm_admin_accounts_page_find_login (accounts, LOGIN) != 0;
}

static void
test_create_user (void)
{
  CrmAdminAccountsPage *accounts = page ("accounts");
  CrmAdminUserDialog   *dialog;
  g_autoptr (GVariant) rows = NULL;
  g_autoptr (GVariant) row = NULL;
  g_autofree const char **roles = NULL;

  crm_admin_window_show_page (console (), "accounts");
  wait_idle ();
  gtk_widget_activate_action (GTK_WIDGET (accounts), "accounts.new", NULL);
  dialog = crm_admin_accounts_page_get_dialog (accounts);
  g_assert_nonnull (dialog);

  /* Missing fields are named before anything is sent. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "user.save", NULL);
  g_assert_nonnull (crm_admin_user_dialog_get_error (dialog));
  g_assert_false (crm_admin_user_dialog_is_busy (dialog));

  crm_ui_test_type_text (crm_admin_user_dialog_get_entry (dialog, "login"), LOGIN);
  crm_ui_test_type_text (crm_admin_user_dialog_get_entry (dialog, "display_name"), "张伟");
  crm_ui_test_type_text (crm_admin_user_dialog_get_entry (dialog, "password"), PASSWORD);
  g_assert_true (crm_admin_user_dialog_set_department (dialog, group_id));
  g_assert_true (crm_admin_user_dialog_set_role (dialog, "salesperson", TRUE));
  screenshot (GTK_WIDGET (dialog), "new-user");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "user.save", NULL);
  g_assert_true (crm_ui_test_wait_for (dialog_closed_and_user_listed, NULL, WAIT_S));
  assert_no_error_banner ();
  user_id = crm_admin_accounts_page_find_login (accounts, LOGIN);

  rows = server_list (CRM_MSG_USER_LIST);
  row = find_row (rows, "login", LOGIN);
  g_assert_nonnull (row);
  g_assert_cmpint (row_int (row, "department_id"), ==, group_id);
  g_assert_true (g_variant_lookup (row, "roles", "^a&s", &roles));
  g_assert_cmpuint (g_strv_length ((char **)roles), ==, 1);
  g_assert_cmpstr (roles[0], ==, "salesperson");

  g_assert_true (crm_admin_accounts_page_select_login (accounts, LOGIN));
  wait_idle ();
  screenshot (GTK_WIDGET (console ()), "user-created");

  /* The team page shows the person in the group. */
  crm_admin_window_show_page (console (), "team");
  wait_idle ();
  g_assert_true (crm_admin_team_page_select (page ("team"), group_id));
  g_assert_cmpuint (crm_admin_team_page_get_n_people (page ("team")), ==, 1);
  screenshot (GTK_WIDGET (console ()), "team-people");
}

static void
on_worker_push (CrmConnection *connection, guint message_id, GVariant *body, gpointer data)
{
  if (message_id == CRM_MSG_PUSH_PERMISSIONS)
    g_ptr_array_add (worker_pushes, g_variant_ref (body));
}

static gboolean
worker_can (gpointer data)
{
  g_autofree const char **perms = NULL;

  if (worker_pushes->len == 0)
    return FALSE;
  g_variant_get (worker_pushes->pdata[worker_pushes->len - 1], "(^a&s)", &perms);
  return g_strv_contains (perms, data);
}

static void
test_give_role_live (void)
{
  CrmAdminAccountsPage *accounts = page ("accounts");
  CrmAdminUserDialog   *dialog;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) whoami = NULL;
  g_autofree const char **perms = NULL;
  g_autoptr (GVariant) rows = NULL;
  g_autoptr (GVariant) row = NULL;
  g_autofree const char **roles = NULL;

  /* The person signs in elsewhere: a salesperson cannot export. */
  worker = crm_test_server_connect (server, LOGIN, PASSWORD, &error);
  g_assert_no_error (error);
  g_signal_connect (worker, "push", G_CALLBACK (on_worker_push), NULL);
  whoami
      = crm_connection_call_sync (worker, CRM_MSG_AUTH_WHOAMI, g_variant_new ("()"), NULL, &error);
  g_assert_no_error (error);
  g_variant_get (whoami, "(&sx&s&s^a&sx)", NULL, NULL, NULL, NULL, &perms, NULL);
  g_assert_true (g_strv_contains (perms, "customer.view"));
  g_assert_false (g_strv_contains (perms, "customer.export"));

  /* The administrator makes them team lead. */
  crm_admin_window_show_page (console (), "accounts");
  wait_idle ();
  g_assert_true (crm_admin_accounts_page_select_login (accounts, LOGIN));
  gtk_widget_activate_action (GTK_WIDGET (accounts), "accounts.edit", NULL);
  dialog = crm_admin_accounts_page_get_dialog (accounts);
  g_assert_nonnull (dialog);
  g_assert_true (crm_admin_user_dialog_set_role (dialog, "team_lead", TRUE));
  screenshot (GTK_WIDGET (dialog), "edit-user-role");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "user.save", NULL);

  /* The other session learns it without signing in again. */
  g_assert_true (crm_ui_test_wait_for (worker_can, (gpointer) "customer.export", WAIT_S));
  g_assert_true (crm_ui_test_wait_for (dialog_closed_and_user_listed, NULL, WAIT_S));
  assert_no_error_banner ();

  rows = server_list (CRM_MSG_USER_LIST);
  row = find_row (rows, "login", LOGIN);
  g_assert_nonnull (row);
  g_assert_true (g_variant_lookup (row, "roles", "^a&s", &roles));
  g_assert_true (g_strv_contains (roles, "team_lead"));
  g_assert_true (g_strv_contains (roles, "salesperson"));
  screenshot (GTK_WIDGET (console ()), "role-given");
}

static gboolean
worker_pushed_since (gpointer data)
{
  return worker_pushes->len > GPOINTER_TO_UINT (data) && !worker_can ((gpointer) "customer.export");
}

static void
test_deny_live (void)
{
  CrmAdminAccountsPage   *accounts = page ("accounts");
  CrmAdminUserDialog     *dialog;
  guint                   before = worker_pushes->len;
  g_autofree const char **perms = NULL;

  /* A per-user denial on top of the roles also applies at once. */
  g_assert_true (crm_admin_accounts_page_select_login (accounts, LOGIN));
  gtk_widget_activate_action (GTK_WIDGET (accounts), "accounts.edit", NULL);
  dialog = crm_admin_accounts_page_get_dialog (accounts);
  g_assert_nonnull (dialog);
  g_assert_true (crm_admin_user_dialog_set_override (dialog, "customer.export", 2));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "user.save", NULL);
  g_assert_true (crm_ui_test_wait_for (dialog_closed_and_user_listed, NULL, WAIT_S));
  assert_no_error_banner ();
  g_assert_true (crm_ui_test_wait_for (worker_pushed_since, GUINT_TO_POINTER (before), WAIT_S));
  g_variant_get (worker_pushes->pdata[worker_pushes->len - 1], "(^a&s)", &perms);
  g_assert_false (g_strv_contains (perms, "customer.export"));
  g_assert_true (g_strv_contains (perms, "customer.view"));
}

static gboolean
password_shown (gpointer data)
{
  return crm_admin_accounts_page_get_password_dialog (page ("accounts")) != NULL;
}

static gboolean
confirm_shown (gpointer data)
{
  return crm_admin_get_confirm_dialog () != NULL;
}

static void
test_reset_password (void)
{
  CrmAdminAccountsPage *accounts = page ("accounts");
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmConnection) again = NULL;
  g_autofree char *temporary = NULL;
  GtkWindow       *dialog;

  g_assert_true (crm_admin_accounts_page_select_login (accounts, LOGIN));
  gtk_widget_activate_action (GTK_WIDGET (accounts), "accounts.reset-password", NULL);
  g_assert_true (crm_ui_test_wait_for (confirm_shown, NULL, WAIT_S));
  screenshot (GTK_WIDGET (crm_admin_get_confirm_dialog ()), "reset-confirm");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (crm_admin_get_confirm_dialog ()), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (crm_ui_test_wait_for (password_shown, NULL, WAIT_S));
  dialog = crm_admin_accounts_page_get_password_dialog (accounts);
  temporary = g_strdup (crm_admin_accounts_page_get_temporary_password (accounts));
  g_assert_nonnull (temporary);
  g_assert_cmpuint (strlen (temporary), >=, 8);
  screenshot (GTK_WIDGET (dialog), "temporary-password");
  gtk_window_destroy (dialog);
  wait_idle ();

  /* The old password no longer works; the temporary one does. */
  again = crm_test_server_connect (server, LOGIN, PASSWORD, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  g_assert_null (again);
  g_clear_error (&error);
  temporary_password = g_strdup (temporary);
  worker2 = crm_test_server_connect (server, LOGIN, temporary, &error);
  g_assert_no_error (error);
  g_assert_nonnull (worker2);
}

static gboolean
sessions_listed (gpointer data)
{
  return console_idle (NULL) && crm_admin_accounts_page_get_n_sessions (page ("accounts")) > 0
         && crm_admin_accounts_page_get_n_history (page ("accounts")) > 0;
}

static void
on_worker2_push (CrmConnection *connection, guint message_id, GVariant *body, gpointer data)
{
  if (message_id == CRM_MSG_PUSH_SIGNED_OUT)
    worker2_signed_out = TRUE;
}

static void
on_worker2_closed (CrmConnection *connection, const GError *reason, gpointer data)
{
  worker2_signed_out = TRUE;
}

static gboolean
worker2_out (gpointer data)
{
  return worker2_signed_out;
}

static void
test_sessions_and_force_sign_out (void)
{
  CrmAdminAccountsPage *accounts = page ("accounts");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  g_assert_nonnull (worker2);
  g_signal_connect (worker2, "push", G_CALLBACK (on_worker2_push), NULL);
  g_signal_connect (worker2, "closed", G_CALLBACK (on_worker2_closed), NULL);

  /* Reselecting reloads the details of the user. */
  crm_admin_window_show_page (console (), "team");
  crm_admin_window_show_page (console (), "accounts");
  wait_idle ();
  g_assert_true (crm_admin_accounts_page_select_login (accounts, LOGIN));
  crm_admin_accounts_page_show_tab (accounts, "history");
  g_assert_true (crm_ui_test_wait_for (sessions_listed, NULL, WAIT_S));
  assert_no_error_banner ();
  screenshot (GTK_WIDGET (console ()), "sign-in-history");

  /* Only the temporary-password session is left: end it. */
  crm_admin_accounts_page_show_tab (accounts, "sessions");
  g_assert_cmpuint (crm_admin_accounts_page_get_n_sessions (accounts), ==, 1);
  screenshot (GTK_WIDGET (console ()), "sessions");
  g_assert_true (crm_admin_accounts_page_select_session (accounts, 0));
  gtk_widget_activate_action (GTK_WIDGET (accounts), "accounts.revoke-session", NULL);
  g_assert_true (crm_ui_test_wait_for (worker2_out, NULL, WAIT_S));
  wait_idle ();
  assert_no_error_banner ();

  /* The ended session can do nothing more. */
  reply
      = crm_connection_call_sync (worker2, CRM_MSG_AUTH_WHOAMI, g_variant_new ("()"), NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_cmpuint (crm_admin_accounts_page_get_n_sessions (accounts), ==, 0);
}

static void
on_worker3_push (CrmConnection *connection, guint message_id, GVariant *body, gpointer data)
{
  on_worker_push (connection, message_id, body, data);
}

static gboolean
roles_loaded (gpointer data)
{
  return console_idle (NULL) && crm_admin_roles_page_select (page ("roles"), data);
}

static void
test_role_matrix_live (void)
{
  CrmAdminRolesPage *roles = page ("roles");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) rows = NULL;
  g_autoptr (GVariant) row = NULL;
  g_autoptr (GVariant) grants = NULL;
  guint32 scope = 99;
  guint   before;

  /* The person signs in again; the role change reaches that session. */
  worker3 = crm_test_server_connect (server, LOGIN, temporary_password, &error);
  g_assert_no_error (error);
  g_signal_connect (worker3, "push", G_CALLBACK (on_worker3_push), NULL);
  before = worker_pushes->len;

  crm_admin_window_show_page (console (), "roles");
  g_assert_true (crm_ui_test_wait_for (roles_loaded, (gpointer) "salesperson", WAIT_S));
  /* The template's grants are shown as the server has them. */
  g_assert_true (crm_admin_roles_page_get_grant (roles, "customer.view", NULL));
  g_assert_false (crm_admin_roles_page_get_grant (roles, "customer.import", NULL));
  g_assert_true (crm_admin_roles_page_set_grant (roles, "customer.import", TRUE, 0));
  screenshot (GTK_WIDGET (console ()), "role-matrix");
  gtk_widget_activate_action (GTK_WIDGET (roles), "roles.save", NULL);
  g_assert_true (crm_ui_test_wait_for (worker_pushed_since, GUINT_TO_POINTER (before), WAIT_S));
  g_assert_true (worker_can ((gpointer) "customer.import"));
  wait_idle ();
  assert_no_error_banner ();

  rows = server_list (CRM_MSG_ROLE_LIST);
  row = find_row (rows, "name", "salesperson");
  g_assert_nonnull (row);
  grants = g_variant_lookup_value (row, "permissions", G_VARIANT_TYPE ("a(su)"));
  g_assert_nonnull (grants);
  {
    GVariantIter iter;
    const char  *permission;
    guint32      s;

    g_variant_iter_init (&iter, grants);
    while (g_variant_iter_next (&iter, "(&su)", &permission, &s))
      if (g_str_equal (permission, "customer.import"))
        scope = s;
  }
  g_assert_cmpuint (scope, ==, 0);
}

static void
test_numbering_preview (void)
{
  CrmAdminSettingsPage *settings = page ("settings");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) rule = NULL;
  const char *prefix = NULL;

  crm_admin_window_show_page (console (), "settings");
  wait_idle ();
  crm_admin_settings_page_show_tab (settings, "numbering");
  crm_ui_test_type_text (crm_admin_settings_page_get_entry (settings, "prefix"), "JK");
  /* The preview follows the typing, before anything is saved. */
  g_assert_nonnull (strstr (crm_admin_settings_page_get_preview (settings), "JK-"));
  screenshot (GTK_WIDGET (console ()), "numbering-preview");
  /* A bad prefix is explained and cannot be saved. */
  crm_ui_test_type_text (crm_admin_settings_page_get_entry (settings, "prefix"), "J K!");
  g_assert_null (strstr (crm_admin_settings_page_get_preview (settings), "J K!-"));
  crm_ui_test_type_text (crm_admin_settings_page_get_entry (settings, "prefix"), "JK");
  gtk_widget_activate_action (GTK_WIDGET (settings), "settings.save-numbering", NULL);
  wait_idle ();
  assert_no_error_banner ();

  rule = crm_connection_call_sync (admin_conn, CRM_MSG_NUMBERING_GET,
                                   g_variant_new ("(s)", "customer"), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (rule, "prefix", "&s", &prefix));
  g_assert_cmpstr (prefix, ==, "JK");
}

static void
test_rename_choice (void)
{
  CrmAdminSettingsPage *settings = page ("settings");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) items = NULL;
  g_autoptr (GVariant) renamed = NULL;
  g_autofree char *old = NULL;

  crm_admin_settings_page_show_tab (settings, "choices");
  wait_idle ();
  g_assert_cmpuint (crm_admin_settings_page_get_n_choices (settings), >, 0);
  old = g_strdup (gtk_editable_get_text (crm_admin_settings_page_get_choice_entry (settings, 0)));
  crm_ui_test_type_text (crm_admin_settings_page_get_choice_entry (settings, 0), "智能制造");
  screenshot (GTK_WIDGET (console ()), "choice-list");
  gtk_widget_activate_action (GTK_WIDGET (crm_admin_settings_page_get_choice_editor (settings)),
                              "choices.save", NULL);
  wait_idle ();
  assert_no_error_banner ();

  items = crm_connection_call_sync (admin_conn, CRM_MSG_CHOICE_LIST,
                                    g_variant_new ("(s)", "industry"), NULL, &error);
  g_assert_no_error (error);
  renamed = find_row (items, "label", "智能制造");
  g_assert_nonnull (renamed);
  g_assert_null (find_row (items, "label", old));
}

static gboolean
audit_has_rows (gpointer data)
{
  return console_idle (NULL) && crm_admin_audit_page_get_n_rows (page ("audit")) > 0;
}

static void
test_audit_diff (void)
{
  CrmAdminAuditPage *audit = page ("audit");

  crm_admin_window_show_page (console (), "audit");
  g_assert_true (crm_ui_test_wait_for (audit_has_rows, NULL, WAIT_S));
  /* Only updates of users: the role given to 张伟 is among them. */
  g_assert_true (crm_admin_audit_page_set_filter (audit, "user", "update"));
  gtk_widget_activate_action (GTK_WIDGET (audit), "audit.search", NULL);
  g_assert_true (crm_ui_test_wait_for (audit_has_rows, NULL, WAIT_S));
  assert_no_error_banner ();
  g_assert_true (crm_admin_audit_page_select_row (audit, 0));
  g_assert_cmpuint (crm_admin_audit_page_get_n_changes (audit), >, 0);
  screenshot (GTK_WIDGET (console ()), "audit-diff");

  /* A malformed date is refused in the window. */
  crm_ui_test_type_text (crm_admin_audit_page_get_date_entry (audit, FALSE), "2026-13-45");
  gtk_widget_activate_action (GTK_WIDGET (audit), "audit.search", NULL);
  g_assert_true (crm_admin_window_message_is_error (console ()));
  crm_ui_test_type_text (crm_admin_audit_page_get_date_entry (audit, FALSE), "");
  gtk_widget_activate_action (GTK_WIDGET (console ()), "admin.dismiss", NULL);
}

static gboolean
recycled (gpointer data)
{
  return console_idle (NULL) && crm_admin_recycle_page_select (page ("recycle"), data);
}

static gboolean
not_recycled (gpointer data)
{
  return console_idle (NULL) && !crm_admin_recycle_page_select (page ("recycle"), data);
}

static gint64
create_and_delete_customer (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) created = NULL;
  g_autoptr (GVariant) deleted = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  g_autofree char *key2 = crm_new_idempotency_key ();
  gint64           id, version;

  created = crm_connection_call_sync (admin_conn, CRM_MSG_CUSTOMER_CREATE,
                                      g_variant_new_parsed ("(%s, {'name': <%s>})", key, name),
                                      NULL, &error);
  g_assert_no_error (error);
  g_variant_get (created, "(xx)", &id, &version);
  deleted = crm_connection_call_sync (admin_conn, CRM_MSG_CUSTOMER_DELETE,
                                      g_variant_new ("(sxx)", key2, id, version), NULL, &error);
  g_assert_no_error (error);
  return id;
}

static void
test_recycle_restore_purge (void)
{
  CrmAdminRecyclePage *recycle = page ("recycle");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) record = NULL;
  g_autoptr (GVariant) gone = NULL;
  gint64           restored_id = create_and_delete_customer ("杭州回收测试有限公司");
  gint64           purged_id = create_and_delete_customer ("苏州清除测试有限公司");
  g_autofree char *key = crm_new_idempotency_key ();

  crm_admin_window_show_page (console (), "recycle");
  g_assert_true (crm_ui_test_wait_for (recycled, (gpointer) "杭州回收测试有限公司", WAIT_S));
  /* Pushes of the deletions may reload the list once more. */
  crm_ui_test_settle (300);
  wait_idle ();
  g_assert_true (crm_admin_recycle_page_select (recycle, "杭州回收测试有限公司"));
  screenshot (GTK_WIDGET (console ()), "recycle-bin");
  gtk_widget_activate_action (GTK_WIDGET (recycle), "recycle.restore", NULL);
  g_assert_true (crm_ui_test_wait_for (not_recycled, (gpointer) "杭州回收测试有限公司", WAIT_S));
  assert_no_error_banner ();
  record = crm_connection_call_sync (admin_conn, CRM_MSG_CUSTOMER_GET,
                                     g_variant_new ("(x)", restored_id), NULL, &error);
  g_assert_no_error (error);

  /* Purge asks first. */
  wait_idle ();
  g_assert_true (crm_admin_recycle_page_select (recycle, "苏州清除测试有限公司"));
  gtk_widget_activate_action (GTK_WIDGET (recycle), "recycle.purge", NULL);
  g_assert_true (crm_ui_test_wait_for (confirm_shown, NULL, WAIT_S));
  screenshot (GTK_WIDGET (crm_admin_get_confirm_dialog ()), "purge-confirm");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (crm_admin_get_confirm_dialog ()), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (crm_ui_test_wait_for (not_recycled, (gpointer) "苏州清除测试有限公司", WAIT_S));
  assert_no_error_banner ();
  gone = crm_connection_call_sync (admin_conn, CRM_MSG_RECYCLE_RESTORE,
                                   g_variant_new ("(ssx)", key, "customer", purged_id), NULL,
                                   &error);
  g_assert_null (gone);
  g_assert_nonnull (error);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} SignIn;

static void
on_session_signed_in (GObject *source, GAsyncResult *result, gpointer data)
{
  SignIn *sign_in = data;

  sign_in->ok = crm_session_sign_in_finish (CRM_SESSION (source), result, &sign_in->error);
  sign_in->done = TRUE;
}

static gboolean
sign_in_done (gpointer data)
{
  return ((SignIn *)data)->done;
}

static gboolean
session_allowed (gpointer data)
{
  return crm_admin_window_session_allowed (data);
}

static gboolean
session_not_allowed (gpointer data)
{
  return !crm_admin_window_session_allowed (data);
}

static void
grant_audit (gboolean granted)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *key = crm_new_idempotency_key ();
  const char      *grants[] = { "audit.view", NULL };
  const char      *none[] = { NULL };
  GVariantDict     fields;

  g_variant_dict_init (&fields, NULL);
  g_variant_dict_insert (&fields, "grants", "^as", granted ? grants : none);
  reply = crm_connection_call_sync (
      admin_conn, CRM_MSG_USER_UPDATE,
      g_variant_new ("(sx@a{sv})", key, user_id, g_variant_dict_end (&fields)), NULL, &error);
  g_assert_no_error (error);
}

/* The client's own CrmSession (what decides whether the menu offers the
 * console) follows a grant made elsewhere, without signing in again. */
static void
test_session_follows_grant (void)
{
  g_autofree char *trust_path = g_build_filename (tmp_dir, "second-trust.txt", NULL);
  g_autoptr (CrmTrustStore) trust = crm_trust_store_new (trust_path);
  g_autoptr (CrmSession) session = crm_session_new (trust, "zh_CN");
  g_autofree char *address = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));
  SignIn           sign_in = {
              0,
  };

  crm_session_sign_in_async (session, address, LOGIN, temporary_password, TRUE, NULL,
                             on_session_signed_in, &sign_in);
  g_assert_true (crm_ui_test_wait_for (sign_in_done, &sign_in, WAIT_S));
  g_assert_no_error (sign_in.error);
  g_assert_true (sign_in.ok);
  g_assert_false (crm_admin_window_session_allowed (session));

  grant_audit (TRUE);
  g_assert_true (crm_ui_test_wait_for (session_allowed, session, WAIT_S));
  g_assert_true (crm_session_has_permission (session, "audit.view"));

  grant_audit (FALSE);
  g_assert_true (crm_ui_test_wait_for (session_not_allowed, session, WAIT_S));
  crm_session_sign_out (session);
}

static gboolean
department_gone (gpointer data)
{
  return console_idle (NULL) && crm_admin_team_page_find (page ("team"), data) == 0;
}

static gboolean
error_shown (gpointer data)
{
  return console_idle (NULL) && crm_admin_window_message_is_error (console ());
}

static void
test_move_and_delete_department (void)
{
  CrmAdminTeamPage *team = page ("team");
  NameWait          wait = { "临时项目部" };
  g_autoptr (GVariant) rows = NULL;
  g_autoptr (GVariant) row = NULL;
  gint64 temp_id;

  crm_admin_window_show_page (console (), "team");
  wait_idle ();

  /* Move: the group goes to the top level and back. */
  g_assert_true (crm_admin_team_page_select (team, group_id));
  g_assert_true (crm_admin_team_page_set_parent (team, 0));
  gtk_widget_activate_action (GTK_WIDGET (team), "team.save", NULL);
  wait_idle ();
  assert_no_error_banner ();
  rows = server_list (CRM_MSG_DEPARTMENT_LIST);
  row = find_row (rows, "name", GROUP_RENAMED);
  g_assert_cmpint (row_int (row, "parent_id"), ==, 0);
  g_clear_pointer (&row, g_variant_unref);
  g_clear_pointer (&rows, g_variant_unref);
  g_assert_true (crm_admin_team_page_select (team, group_id));
  g_assert_true (crm_admin_team_page_set_parent (team, department_id));
  gtk_widget_activate_action (GTK_WIDGET (team), "team.save", NULL);
  wait_idle ();
  assert_no_error_banner ();
  rows = server_list (CRM_MSG_DEPARTMENT_LIST);
  row = find_row (rows, "name", GROUP_RENAMED);
  g_assert_cmpint (row_int (row, "parent_id"), ==, department_id);

  /* A department cannot move inside itself. */
  g_assert_true (crm_admin_team_page_select (team, department_id));
  g_assert_true (crm_admin_team_page_set_parent (team, department_id));
  gtk_widget_activate_action (GTK_WIDGET (team), "team.save", NULL);
  g_assert_true (crm_admin_window_message_is_error (console ()));
  gtk_widget_activate_action (GTK_WIDGET (console ()), "admin.dismiss", NULL);

  /* Deleting a group with people in it is refused with the server's reason. */
  g_assert_true (crm_admin_team_page_select (team, group_id));
  gtk_widget_activate_action (GTK_WIDGET (team), "team.delete", NULL);
  g_assert_true (crm_ui_test_wait_for (confirm_shown, NULL, WAIT_S));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (crm_admin_get_confirm_dialog ()), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (crm_ui_test_wait_for (error_shown, NULL, WAIT_S));
  g_assert_cmpint (crm_admin_team_page_find (team, GROUP_RENAMED), ==, group_id);
  screenshot (GTK_WIDGET (console ()), "delete-refused");
  gtk_widget_activate_action (GTK_WIDGET (console ()), "admin.dismiss", NULL);

  /* An empty one goes. */
  crm_ui_test_type_text (crm_admin_team_page_get_name_entry (team), wait.name);
  g_assert_true (crm_admin_team_page_set_parent (team, 0));
  crm_admin_team_page_set_group (team, FALSE);
  crm_ui_test_type_text (crm_admin_team_page_get_branch_entry (team), "");
  gtk_widget_activate_action (GTK_WIDGET (team), "team.add", NULL);
  g_assert_true (crm_ui_test_wait_for (department_listed, &wait, WAIT_S));
  temp_id = crm_admin_team_page_find (team, wait.name);
  g_assert_true (crm_admin_team_page_select (team, temp_id));
  gtk_widget_activate_action (GTK_WIDGET (team), "team.delete", NULL);
  g_assert_true (crm_ui_test_wait_for (confirm_shown, NULL, WAIT_S));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (crm_admin_get_confirm_dialog ()), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_assert_true (crm_ui_test_wait_for (department_gone, (gpointer)wait.name, WAIT_S));
  assert_no_error_banner ();
}

static void
test_duplicate_login_refused (void)
{
  CrmAdminAccountsPage *accounts = page ("accounts");
  CrmAdminUserDialog   *dialog;

  crm_admin_window_show_page (console (), "accounts");
  wait_idle ();
  gtk_widget_activate_action (GTK_WIDGET (accounts), "accounts.new", NULL);
  dialog = crm_admin_accounts_page_get_dialog (accounts);
  g_assert_nonnull (dialog);
  crm_ui_test_type_text (crm_admin_user_dialog_get_entry (dialog, "login"), LOGIN);
  crm_ui_test_type_text (crm_admin_user_dialog_get_entry (dialog, "display_name"), "张伟二");
  crm_ui_test_type_text (crm_admin_user_dialog_get_entry (dialog, "password"), PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "user.save", NULL);
  g_assert_true (crm_ui_test_wait_for (console_idle, NULL, WAIT_S));
  /* The dialog stays open with the server's reason; nothing is lost. */
  g_assert_true (crm_admin_accounts_page_get_dialog (accounts) == dialog);
  g_assert_nonnull (crm_admin_user_dialog_get_error (dialog));
  g_assert_cmpstr (gtk_editable_get_text (crm_admin_user_dialog_get_entry (dialog, "display_name")),
                   ==, "张伟二");
  screenshot (GTK_WIDGET (dialog), "duplicate-login");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "user.cancel", NULL);
  g_assert_null (crm_admin_accounts_page_get_dialog (accounts));
}

static gboolean
field_listed (gpointer data)
{
  return console_idle (NULL) && crm_admin_settings_page_select_field (page ("settings"), data);
}

static GVariant *
server_call (guint id, GVariant *body)
{
  return crm_test_call_ok (admin_conn, id, body);
}

static void
test_custom_field_entry_rule_switch (void)
{
  CrmAdminSettingsPage *settings = page ("settings");
  g_autoptr (GVariant) fields = NULL;
  g_autoptr (GVariant) field = NULL;
  g_autoptr (GVariant) retired_fields = NULL;
  g_autoptr (GVariant) retired = NULL;
  g_autoptr (GVariant) rule = NULL;
  g_autoptr (GVariant) switches = NULL;
  g_autofree const char **required = NULL;
  gboolean                on = FALSE, is_retired = FALSE;

  /* A custom field: added, then retired after a confirmation. */
  crm_admin_settings_page_show_tab (settings, "fields");
  wait_idle ();
  crm_ui_test_type_text (crm_admin_settings_page_get_entry (settings, "field_label"), "微信号");
  crm_ui_test_type_text (crm_admin_settings_page_get_entry (settings, "field_key"), "wechat");
  gtk_widget_activate_action (GTK_WIDGET (settings), "settings.add-field", NULL);
  g_assert_true (crm_ui_test_wait_for (field_listed, (gpointer) "wechat", WAIT_S));
  assert_no_error_banner ();
  screenshot (GTK_WIDGET (console ()), "custom-field");
  fields = server_call (CRM_MSG_CUSTOM_FIELD_LIST, g_variant_new ("(s)", "customer"));
  field = find_row (fields, "key", "wechat");
  g_assert_nonnull (field);

  gtk_widget_activate_action (GTK_WIDGET (settings), "settings.retire-field", NULL);
  g_assert_true (crm_ui_test_wait_for (confirm_shown, NULL, WAIT_S));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (crm_admin_get_confirm_dialog ()), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  crm_ui_test_settle (100);
  wait_idle ();
  assert_no_error_banner ();
  retired_fields = server_call (CRM_MSG_CUSTOM_FIELD_LIST, g_variant_new ("(s)", "customer"));
  retired = find_row (retired_fields, "key", "wechat");
  g_assert_nonnull (retired);
  g_assert_true (g_variant_lookup (retired, "retired", "b", &is_retired));
  g_assert_true (is_retired);

  /* Entry rules: the region becomes required. */
  crm_admin_settings_page_show_tab (settings, "entry");
  g_assert_true (crm_admin_settings_page_set_required (settings, "region", TRUE));
  screenshot (GTK_WIDGET (console ()), "entry-rules");
  gtk_widget_activate_action (GTK_WIDGET (settings), "settings.save-entry-rule", NULL);
  crm_ui_test_settle (100);
  wait_idle ();
  assert_no_error_banner ();
  rule = server_call (CRM_MSG_ENTRY_RULE_GET, g_variant_new ("(s)", "customer"));
  g_assert_true (g_variant_lookup (rule, "required", "^a&s", &required));
  g_assert_true (g_strv_contains (required, "region"));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) refused = NULL;
    g_autofree char *key = crm_new_idempotency_key ();

    /* The server now refuses a customer without a region. */
    refused = crm_connection_call_sync (
        admin_conn, CRM_MSG_CUSTOMER_CREATE,
        g_variant_new_parsed ("(%s, {'name': <'无地区测试有限公司'>})", key), NULL, &error);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
    g_assert_cmpstr (crm_error_get_field (error), ==, "region");
  }
  g_assert_true (crm_admin_settings_page_set_required (settings, "region", FALSE));
  gtk_widget_activate_action (GTK_WIDGET (settings), "settings.save-entry-rule", NULL);
  crm_ui_test_settle (100);
  wait_idle ();
  assert_no_error_banner ();

  /* A global switch saves when flipped. */
  crm_admin_settings_page_show_tab (settings, "switches");
  gtk_switch_set_active (crm_admin_settings_page_get_switch (settings, "points_enabled"), TRUE);
  crm_ui_test_settle (100);
  wait_idle ();
  assert_no_error_banner ();
  switches = server_call (CRM_MSG_SETTING_GET, g_variant_new ("()"));
  g_assert_true (g_variant_lookup (switches, "points_enabled", "b", &on));
  g_assert_true (on);
  screenshot (GTK_WIDGET (console ()), "switches");
}

/* ---- live pushes and the recycle bin for every kind -------------------- */

/* Runs the crmctl binary (CRMCTL) signed in as the administrator; returns
 * its exit status, its standard output in `*out`. */
static int
run_crmctl (char **out, const char *const *args)
{
  g_autofree char *state = g_build_filename (tmp_dir, "crmctl-state", NULL);
  g_autofree char *config = g_build_filename (tmp_dir, "crmctl-config", NULL);

  return crm_test_run_crmctl (state, config, out, NULL, args);
}

/* A department created by a script (crmctl) appears on the open team page
 * without a refresh: the server pushes record_changed to the console. */
static void
test_team_live_from_crmctl (void)
{
  CrmAdminTeamPage *team = page ("team");
  NameWait          wait = { "脚本创建部" };
  g_autofree char  *password_file = g_build_filename (tmp_dir, "admin-password", NULL);
  g_autofree char  *server_arg
      = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autoptr (GError) error = NULL;

  if (g_getenv ("CRMCTL") == NULL)
    {
      g_test_skip ("crmctl not built");
      return;
    }
  crm_admin_window_show_page (console (), "team");
  wait_idle ();
  g_assert_cmpint (crm_admin_team_page_find (team, wait.name), ==, 0);
  /* An edit in progress on another department… */
  g_assert_true (crm_admin_team_page_select (team, department_id));
  crm_ui_test_type_text (crm_admin_team_page_get_name_entry (team), "尚未保存的名称");
  screenshot (GTK_WIDGET (console ()), "team-before-script");

  g_file_set_contents (password_file, crm_test_server_get_admin_password (server), -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_crmctl (&out, (const char *[]){ "--server", server_arg,
                                                       "--trust-new-server", "--user", "admin",
                                                       "--password-file", password_file, "login",
                                                       NULL }),
                   ==, 0);
  g_assert_cmpint (run_crmctl (&out2, (const char *[]){ "department", "create", wait.name, NULL }),
                   ==, 0);
  /* No action, no page switch: only the push can bring it. */
  g_assert_true (crm_ui_test_wait_for (department_listed, &wait, WAIT_S));
  assert_no_error_banner ();
  g_assert_cmpint (crm_admin_team_page_find (team, wait.name), ==,
                   g_ascii_strtoll (g_strstrip (out2), NULL, 10));
  /* …survives the reload the push caused. */
  g_assert_cmpint (crm_admin_team_page_get_selected_id (team), ==, department_id);
  g_assert_cmpstr (gtk_editable_get_text (crm_admin_team_page_get_name_entry (team)), ==,
                   "尚未保存的名称");
  screenshot (GTK_WIDGET (console ()), "team-after-script");
  /* Selecting again shows the saved name. */
  g_assert_true (crm_admin_team_page_select (team, group_id));
  g_assert_true (crm_admin_team_page_select (team, department_id));
  g_assert_cmpstr (gtk_editable_get_text (crm_admin_team_page_get_name_entry (team)), ==,
                   DEPARTMENT);
}

static gboolean
kind_offered (gpointer data)
{
  return console_idle (NULL) && crm_admin_recycle_page_show_kind (page ("recycle"), data);
}

/* Another administrator deletes a department: it leaves the open team
 * page and shows in the bin under its kind; restored from the bin, it is
 * back on the team page. */
static void
test_recycle_department_kind (void)
{
  CrmAdminRecyclePage *recycle = page ("recycle");
  NameWait             wait = { "回收测试部" };
  g_autofree char     *key = crm_new_idempotency_key ();
  g_autofree char     *key2 = crm_new_idempotency_key ();
  g_autoptr (GVariant) created = NULL;
  g_autoptr (GVariant) deleted = NULL;
  gint64 id;

  crm_admin_window_show_page (console (), "team");
  created = server_call (CRM_MSG_DEPARTMENT_CREATE, g_variant_new ("(ssx)", key, wait.name, (gint64)0));
  g_variant_get (created, "(x)", &id);
  g_assert_true (crm_ui_test_wait_for (department_listed, &wait, WAIT_S));
  deleted = server_call (CRM_MSG_DEPARTMENT_DELETE, g_variant_new ("(sx)", key2, id));
  g_assert_true (crm_ui_test_wait_for (department_gone, (gpointer)wait.name, WAIT_S));

  crm_admin_window_show_page (console (), "recycle");
  g_assert_true (crm_ui_test_wait_for (kind_offered, (gpointer) "department", WAIT_S));
  g_assert_true (crm_ui_test_wait_for (recycled, (gpointer) wait.name, WAIT_S));
  /* Only departments under this kind. */
  g_assert_false (crm_admin_recycle_page_select (recycle, "杭州回收测试有限公司"));
  g_assert_true (crm_admin_recycle_page_select (recycle, wait.name));
  screenshot (GTK_WIDGET (console ()), "recycle-departments");
  gtk_widget_activate_action (GTK_WIDGET (recycle), "recycle.restore", NULL);
  g_assert_true (crm_ui_test_wait_for (not_recycled, (gpointer) wait.name, WAIT_S));
  assert_no_error_banner ();
  g_assert_true (crm_admin_recycle_page_show_kind (recycle, ""));

  crm_admin_window_show_page (console (), "team");
  g_assert_true (crm_ui_test_wait_for (department_listed, &wait, WAIT_S));
}

static gboolean
role_shown (gpointer data)
{
  return console_idle (NULL) && crm_admin_roles_page_select (page ("roles"), data);
}

static gboolean
role_not_shown (gpointer data)
{
  return console_idle (NULL) && !crm_admin_roles_page_select (page ("roles"), data);
}

static gboolean
role_listed (gpointer data)
{
  return console_idle (NULL) && crm_admin_roles_page_has_role (page ("roles"), data);
}

static gboolean
role_granted (gpointer data)
{
  return console_idle (NULL) && crm_admin_roles_page_get_grant (page ("roles"), data, NULL);
}

static gboolean
login_shown (gpointer data)
{
  return console_idle (NULL) && crm_admin_accounts_page_find_login (page ("accounts"), data) != 0;
}

/* Another administrator creates a role and an account, then deletes the
 * role: the open roles and accounts pages follow without a refresh. */
static void
test_pages_follow_other_admin (void)
{
  g_autofree char *key = crm_new_idempotency_key ();
  g_autofree char *key2 = crm_new_idempotency_key ();
  g_autofree char *key3 = crm_new_idempotency_key ();
  g_autoptr (GVariant) role = NULL;
  g_autoptr (GVariant) user = NULL;
  g_autoptr (GVariant) deleted = NULL;
  gint64 role_id;

  crm_admin_window_show_page (console (), "roles");
  wait_idle ();
  g_assert_false (crm_admin_roles_page_select (page ("roles"), "live_role"));
  role = server_call (CRM_MSG_ROLE_CREATE,
                      g_variant_new_parsed ("(%s, {'name': <'live_role'>,"
                                            " 'display_name': <'实时角色'>})",
                                            key));
  g_variant_get (role, "(x)", &role_id);
  g_assert_true (crm_ui_test_wait_for (role_shown, (gpointer) "live_role", WAIT_S));
  assert_no_error_banner ();
  screenshot (GTK_WIDGET (console ()), "role-from-other-admin");

  /* Unsaved edits of the shown role survive a push about another role… */
  g_assert_true (crm_admin_roles_page_set_grant (page ("roles"), "audit.view", TRUE, 3));
  {
    g_autofree char *k = crm_new_idempotency_key ();
    g_autoptr (GVariant) other = server_call (
        CRM_MSG_ROLE_CREATE,
        g_variant_new_parsed ("(%s, {'name': <'live_role_two'>, 'display_name': <'实时角色二'>})",
                              k));
    guint scope = 0;

    g_assert_true (crm_ui_test_wait_for (role_listed, (gpointer) "live_role_two", WAIT_S));
    g_assert_true (crm_admin_roles_page_get_grant (page ("roles"), "audit.view", &scope));
    g_assert_cmpuint (scope, ==, 3);
  }
  /* …but not one about this role: the other administrator's version shows. */
  {
    g_autofree char *k = crm_new_idempotency_key ();
    g_autoptr (GVariant) changed = server_call (
        CRM_MSG_ROLE_UPDATE,
        g_variant_new_parsed ("(%s, %x, {'grants': <[('customer.view', @u 2)]>})", k, role_id));

    g_assert_true (crm_ui_test_wait_for (role_granted, (gpointer) "customer.view", WAIT_S));
    g_assert_false (crm_admin_roles_page_get_grant (page ("roles"), "audit.view", NULL));
  }

  crm_admin_window_show_page (console (), "accounts");
  wait_idle ();
  user = server_call (CRM_MSG_USER_CREATE,
                      g_variant_new_parsed ("(%s, {'login': <'live.user'>,"
                                            " 'display_name': <'实时用户'>,"
                                            " 'password': <'Live-user-2026!'>,"
                                            " 'roles': <['salesperson']>})",
                                            key2));
  g_assert_true (crm_ui_test_wait_for (login_shown, (gpointer) "live.user", WAIT_S));
  assert_no_error_banner ();

  crm_admin_window_show_page (console (), "roles");
  wait_idle ();
  deleted = server_call (CRM_MSG_ROLE_DELETE, g_variant_new ("(sx)", key3, role_id));
  g_assert_true (crm_ui_test_wait_for (role_not_shown, (gpointer) "live_role", WAIT_S));
  assert_no_error_banner ();
}

/* Closing the console while every page is loading leaves no callback
 * behind that touches a freed page; it opens again as good as new. */
static void
test_close_while_loading (void)
{
  CrmAdminWindow *window = console ();

  g_assert_nonnull (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "admin.refresh", NULL);
  g_assert_true (crm_admin_window_is_busy (window));
  gtk_window_destroy (GTK_WINDOW (window));
  crm_ui_test_settle (1500);
  g_assert_null (console ());

  g_action_group_activate_action (G_ACTION_GROUP (app), "admin-console", NULL);
  g_assert_nonnull (console ());
  wait_idle ();
  assert_no_error_banner ();
  g_assert_cmpint (crm_admin_accounts_page_find_login (page ("accounts"), LOGIN), ==, user_id);
}

static gboolean
switch_on (gpointer data)
{
  return gtk_switch_get_active (data);
}

/* Another administrator flips a switch: the open page follows the push. */
static void
test_settings_follow_push (void)
{
  CrmAdminSettingsPage *settings = page ("settings");
  GtkSwitch       *approval = crm_admin_settings_page_get_switch (settings, "approval_enabled");
  g_autofree char *key = crm_new_idempotency_key ();
  g_autoptr (GVariant) reply = NULL;

  crm_admin_window_show_page (console (), "settings");
  crm_admin_settings_page_show_tab (settings, "switches");
  wait_idle ();
  g_assert_false (gtk_switch_get_active (approval));
  reply = server_call (CRM_MSG_SETTING_SET,
                       g_variant_new_parsed ("(%s, {'approval_enabled': <true>})", key));
  g_assert_true (crm_ui_test_wait_for (switch_on, approval, WAIT_S));
  wait_idle ();
  assert_no_error_banner ();
}

static gboolean
console_gone (gpointer data)
{
  return console () == NULL;
}

/* Signing out closes the console and withdraws the menu item. */
static void
test_closes_on_sign_out (void)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (app), "admin-console");

  g_assert_nonnull (console ());
  gtk_widget_activate_action (GTK_WIDGET (crm_application_get_main_window (app)), "win.sign-out",
                              NULL);
  g_assert_true (crm_ui_test_wait_for (console_gone, NULL, WAIT_S));
  g_assert_false (g_action_get_enabled (action));
}

/* ---- setup -------------------------------------------------------------- */

int
main (int argc, char *argv[])
{
  int status;

  tmp_dir = crm_ui_test_init (&argc, &argv, "crm-ui-admin-XXXXXX");
  server = crm_ui_test_start_server (NULL);
  if (server == NULL)
    return g_test_run ();
  admin_conn = crm_ui_test_connect_admin (server);
  worker_pushes = g_ptr_array_new_with_free_func ((GDestroyNotify)g_variant_unref);
  app = crm_ui_test_new_application ();

  g_test_add_func ("/ui/admin/sign-in", test_sign_in);
  g_test_add_func ("/ui/admin/menu-item", test_menu_item);
  g_test_add_func ("/ui/admin/open-console", test_open_console);
  g_test_add_func ("/ui/admin/team/create-department", test_create_department);
  g_test_add_func ("/ui/admin/team/rename", test_rename_department);
  g_test_add_func ("/ui/admin/accounts/create-user", test_create_user);
  g_test_add_func ("/ui/admin/accounts/give-role-live", test_give_role_live);
  g_test_add_func ("/ui/admin/accounts/deny-live", test_deny_live);
  g_test_add_func ("/ui/admin/accounts/reset-password", test_reset_password);
  g_test_add_func ("/ui/admin/accounts/force-sign-out", test_sessions_and_force_sign_out);
  g_test_add_func ("/ui/admin/accounts/duplicate-login", test_duplicate_login_refused);
  g_test_add_func ("/ui/admin/team-with-people/move-delete", test_move_and_delete_department);
  g_test_add_func ("/ui/admin/roles/matrix-live", test_role_matrix_live);
  g_test_add_func ("/ui/admin/session/follows-grant", test_session_follows_grant);
  g_test_add_func ("/ui/admin/settings/numbering-preview", test_numbering_preview);
  g_test_add_func ("/ui/admin/settings/rename-choice", test_rename_choice);
  g_test_add_func ("/ui/admin/settings/field-rule-switch", test_custom_field_entry_rule_switch);
  g_test_add_func ("/ui/admin/settings/follow-push", test_settings_follow_push);
  g_test_add_func ("/ui/admin/audit/diff", test_audit_diff);
  g_test_add_func ("/ui/admin/recycle/restore-purge", test_recycle_restore_purge);
  g_test_add_func ("/ui/admin/team/live-from-crmctl", test_team_live_from_crmctl);
  g_test_add_func ("/ui/admin/recycle/department-kind", test_recycle_department_kind);
  g_test_add_func ("/ui/admin/roles/follow-other-admin", test_pages_follow_other_admin);
  g_test_add_func ("/ui/admin/window/close-while-loading", test_close_while_loading);
  g_test_add_func ("/ui/admin/window/closes-on-sign-out", test_closes_on_sign_out);

  status = g_test_run ();

  crm_ui_test_clear_application (&app);
  crm_ui_test_clear_connection (&worker);
  crm_ui_test_clear_connection (&worker2);
  crm_ui_test_clear_connection (&worker3);
  g_free (temporary_password);
  crm_ui_test_clear_connection (&admin_conn);
  g_clear_pointer (&worker_pushes, g_ptr_array_unref);
  crm_ui_test_finish (server, tmp_dir);
  return status;
}
