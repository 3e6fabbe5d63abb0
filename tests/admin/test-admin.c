/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin"
#include "config.h"

#include <locale.h>
#include <string.h>

#include "admin-test-util.h"

/*
 * Team, accounts and roles through a real server: tree moves and leader
 * circles refused, permission changes pushed to a signed-in session, forced
 * sign-out, password resets, disabling, role rules.
 */

/* An update message "(sx a{sv})" (key, id, changed fields): succeeds, or
 * fails with `fails_with` naming `field`. */
static void
update_record (CrmConnection *admin, CrmMessageId message, gint64 id, GVariant *fields,
               CrmErrorCode fails_with, const char *field)
{
  g_autofree char *key = admin_key ();
  GVariant        *body = g_variant_new ("(sx@a{sv})", key, id, fields);
  g_autofree char *f = admin_call_expect (admin, message, body, fails_with);

  if (fails_with != 0)
    g_assert_cmpstr (f, ==, field);
}

#define update_department(admin, id, fields, fails_with, field) \
  update_record ((admin), CRM_MSG_DEPARTMENT_UPDATE, (id), (fields), (fails_with), (field))
#define update_user(admin, id, fields, fails_with, field) \
  update_record ((admin), CRM_MSG_USER_UPDATE, (id), (fields), (fails_with), (field))

static GVariant *
find_row (GVariant *rows, const char *key, gint64 id)
{
  GVariantIter iter;
  GVariant    *row;

  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      gint64 v = 0;

      if (g_variant_lookup (row, key, "x", &v) && v == id)
        return row;
      g_variant_unref (row);
    }
  return NULL;
}

/* ---- Team ---- */

static void
test_department_tree (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 top = admin_create_department (admin, "华东大区", 0);
  gint64 mid = admin_create_department (admin, "上海分公司", top);
  gint64 low = admin_create_department (admin, "浦东组", mid);
  gint64 other = admin_create_department (admin, "华南大区", 0);
  gint64 person = admin_create_user (admin, "tree.person", "salesperson", low, 0);
  g_autoptr (GVariant) list = NULL;
  g_autoptr (GVariant) row = NULL;
  g_autofree char *key = NULL;
  g_autofree char *field = NULL;

  /* Below itself or its own descendant: refused, nothing changed. */
  update_department (admin, top, admin_dict_new ("parent_id", g_variant_new_int64 (low), NULL),
                     CRM_ERROR_INVALID_FIELD, "parent_id");
  update_department (admin, mid, admin_dict_new ("parent_id", g_variant_new_int64 (mid), NULL),
                     CRM_ERROR_INVALID_FIELD, "parent_id");
  update_department (admin, mid, admin_dict_new ("parent_id", g_variant_new_int64 (999999), NULL),
                     CRM_ERROR_INVALID_FIELD, "parent_id");
  update_department (admin, low, admin_dict_new ("kind", g_variant_new_string ("team"), NULL),
                     CRM_ERROR_INVALID_FIELD, "kind");
  update_department (admin, low, admin_dict_new ("colour", g_variant_new_string ("red"), NULL),
                     CRM_ERROR_INVALID_FIELD, "colour");
  update_department (admin, low, admin_dict_new ("name", g_variant_new_int64 (3), NULL),
                     CRM_ERROR_INVALID_FIELD, "name");

  /* A real move, a group with its leader and branch. */
  update_department (admin, mid, admin_dict_new ("parent_id", g_variant_new_int64 (other), NULL), 0,
                     NULL);
  update_department (admin, low,
                     admin_dict_new ("kind", g_variant_new_string ("group"), "leader_id",
                                     g_variant_new_int64 (person), "branch",
                                     g_variant_new_string ("上海"), NULL),
                     0, NULL);
  /* Siblings keep distinct names. */
  {
    gint64 twin = admin_create_department (admin, "浦西组", mid);
    update_department (admin, twin, admin_dict_new ("name", g_variant_new_string ("浦东组"), NULL),
                       CRM_ERROR_DUPLICATE, "name");
  }

  list = admin_call (admin, CRM_MSG_DEPARTMENT_LIST, NULL);
  {
    g_autoptr (GVariant) group = find_row (list, "id", low);
    const char *kind = NULL;
    gint64      leader = 0;

    g_assert_nonnull (group);
    g_assert_true (g_variant_lookup (group, "kind", "&s", &kind));
    g_assert_cmpstr (kind, ==, "group");
    g_assert_true (g_variant_lookup (group, "leader_id", "x", &leader));
    g_assert_cmpint (leader, ==, person);
  }
  row = find_row (list, "id", mid);
  g_assert_nonnull (row);
  {
    gint64 parent = 0;
    g_assert_true (g_variant_lookup (row, "parent_id", "x", &parent));
    g_assert_cmpint (parent, ==, other);
  }

  /* Deleting: refused while people or sub-departments remain. */
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_DEPARTMENT_DELETE, g_variant_new ("(sx)", key, low),
                            CRM_ERROR_CONFLICT));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_DEPARTMENT_DELETE, g_variant_new ("(sx)", key, other),
                            CRM_ERROR_CONFLICT));
  update_user (admin, person, admin_dict_new ("department_id", g_variant_new_int64 (0), NULL), 0, NULL);
  g_free (key);
  key = admin_key ();
  g_variant_unref (admin_call (admin, CRM_MSG_DEPARTMENT_DELETE, g_variant_new ("(sx)", key, low)));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_DEPARTMENT_DELETE, g_variant_new ("(sx)", key, low),
                            CRM_ERROR_NOT_FOUND));
  (void)field;
}

static void
test_leader_cycle (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 a = admin_create_user (admin, "cycle.a", "team_lead", 0, 0);
  gint64 b = admin_create_user (admin, "cycle.b", "team_lead", 0, a);
  gint64 c = admin_create_user (admin, "cycle.c", "salesperson", 0, b);

  update_user (admin, a, admin_dict_new ("leader_id", g_variant_new_int64 (c), NULL),
               CRM_ERROR_INVALID_FIELD, "leader_id");
  update_user (admin, a, admin_dict_new ("leader_id", g_variant_new_int64 (a), NULL),
               CRM_ERROR_INVALID_FIELD, "leader_id");
  update_user (admin, a,
               admin_dict_new ("roles", g_variant_new_strv ((const char *[]){ "king" }, 1), NULL),
               CRM_ERROR_INVALID_FIELD, "roles");
  update_user (admin, a,
               admin_dict_new ("grants", g_variant_new_strv ((const char *[]){ "fly.away" }, 1), NULL),
               CRM_ERROR_INVALID_FIELD, "grants");
  update_user (admin, a, admin_dict_new ("status", g_variant_new_string ("sleeping"), NULL),
               CRM_ERROR_INVALID_FIELD, "status");
  update_user (admin, 999999, admin_dict_new ("branch", g_variant_new_string ("x"), NULL),
               CRM_ERROR_NOT_FOUND, NULL);
  /* Re-pointing c to a is no circle. */
  update_user (admin, c,
               admin_dict_new ("leader_id", g_variant_new_int64 (a), "status",
                               g_variant_new_string ("probation"), "branch",
                               g_variant_new_string ("北京分公司"), "grants",
                               g_variant_new_strv ((const char *[]){ "customer.export" }, 1), NULL),
               0, NULL);
  {
    g_autoptr (GVariant) users = admin_call (admin, CRM_MSG_USER_LIST, NULL);
    g_autoptr (GVariant) row = find_row (users, "id", c);
    g_auto (GStrv) grants = NULL;
    const char *text = NULL;
    gint64      leader = 0;

    g_assert_nonnull (row);
    g_assert_true (g_variant_lookup (row, "leader_id", "x", &leader));
    g_assert_cmpint (leader, ==, a);
    g_assert_true (g_variant_lookup (row, "status", "&s", &text));
    g_assert_cmpstr (text, ==, "probation");
    g_assert_true (g_variant_lookup (row, "branch", "&s", &text));
    g_assert_cmpstr (text, ==, "北京分公司");
    g_assert_true (g_variant_lookup (row, "grants", "^as", &grants));
    g_assert_cmpstr (grants[0], ==, "customer.export");
  }
}

static void
test_ownership_history (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 east = admin_create_department (admin, "历史东区", 0);
  gint64 west = admin_create_department (admin, "历史西区", 0);
  gint64 mover = admin_create_user (admin, "history.mover", "salesperson", east, 0);
  gint64 heir = admin_create_user (admin, "history.heir", "salesperson", west, 0);
  g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *key = admin_key ();
  g_autofree char *history = NULL;
  g_autofree char *sql = NULL;
  g_autoptr (GVariant) reply = NULL;
  gint64 customer, version;

  g_variant_dict_insert (&d, "name", "s", "归属历史有限公司");
  g_variant_dict_insert (&d, "owner_id", "x", mover);
  reply = admin_call (admin, CRM_MSG_CUSTOMER_CREATE,
                      g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
  g_variant_get (reply, "(xx)", &customer, &version);

  /* The owner moves: the past stays in the old department. */
  update_user (admin, mover, admin_dict_new ("department_id", g_variant_new_int64 (west), NULL), 0,
               NULL);
  /* Then the customer is reassigned. */
  {
    g_auto (GVariantDict) c = G_VARIANT_DICT_INIT (NULL);
    g_autofree char *k = admin_key ();

    g_variant_dict_insert (&c, "owner_id", "x", heir);
    g_variant_unref (
        admin_call (admin, CRM_MSG_CUSTOMER_UPDATE,
                    g_variant_new ("(sxx@a{sv})", k, customer, version, g_variant_dict_end (&c))));
  }
  sql = g_strdup_printf (
      "SELECT string_agg (owner_id || ':' || coalesce (department_id, 0) || ':' || reason,"
      " ',' ORDER BY id) FROM customer_owner_history WHERE customer_id = %" G_GINT64_FORMAT,
      customer);
  history = admin_db_query (sql);
  {
    g_autofree char *expected
        = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":created,"
                           "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":owner_moved,"
                           "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":reassigned",
                           mover, east, mover, west, heir, west);
    g_assert_cmpstr (history, ==, expected);
  }
}

/* ---- Pushes ---- */

typedef struct
{
  guint permissions;
  guint signed_out;
  GStrv last;
  char *reason;
} Pushes;

static void
push_cb (CrmConnection *conn, guint id, GVariant *body, gpointer data)
{
  Pushes *p = data;

  if (id == CRM_MSG_PUSH_PERMISSIONS)
    {
      g_strfreev (p->last);
      g_variant_get (body, "(^as)", &p->last);
      p->permissions++;
    }
  else if (id == CRM_MSG_PUSH_SIGNED_OUT)
    {
      g_free (p->reason);
      g_variant_get (body, "(s)", &p->reason);
      p->signed_out++;
    }
}

static void
pushes_clear (Pushes *p)
{
  g_strfreev (p->last);
  g_free (p->reason);
}

static void
test_permission_push (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 id = admin_create_user (admin, "push.perm", "salesperson", 0, 0);
  g_autoptr (CrmConnection) user = admin_test_connect ("push.perm", ADMIN_PASSWORD);
  Pushes p = { 0 };
  g_autoptr (GVariant) reply = NULL;

  g_signal_connect (user, "push", G_CALLBACK (push_cb), &p);
  admin_call_fails (user, CRM_MSG_CUSTOMER_EXPORT,
                    g_variant_new ("(@a{sv}xi)",
                                   g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                   (gint64)0, 10),
                    CRM_ERROR_PERMISSION_DENIED);

  /* A grant reaches the signed-in session without signing in again. */
  update_user (
      admin, id,
      admin_dict_new ("grants", g_variant_new_strv ((const char *[]){ "customer.export" }, 1), NULL), 0,
      NULL);
  admin_wait_for (&p.permissions);
  g_assert_cmpuint (p.permissions, >=, 1);
  g_assert_true (g_strv_contains ((const char *const *)p.last, "customer.export"));
  g_assert_true (crm_connection_has_permission (user, "customer.export"));
  reply = admin_call (user, CRM_MSG_CUSTOMER_EXPORT,
                      g_variant_new ("(@a{sv}xi)",
                                     g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                     (gint64)0, 10));
  g_clear_pointer (&reply, g_variant_unref);

  /* A denial removes what the role gives. */
  p.permissions = 0;
  update_user (
      admin, id,
      admin_dict_new ("denials", g_variant_new_strv ((const char *[]){ "customer.view" }, 1), NULL), 0,
      NULL);
  admin_wait_for (&p.permissions);
  g_assert_cmpuint (p.permissions, >=, 1);
  g_assert_false (g_strv_contains ((const char *const *)p.last, "customer.view"));
  g_free (admin_call_fails (
      user, CRM_MSG_CUSTOMER_COUNT,
      g_variant_new ("(@a{sv})", g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
      CRM_ERROR_PERMISSION_DENIED));

  /* A change to a role reaches its holders too. */
  p.permissions = 0;
  update_user (admin, id,
               admin_dict_new ("denials", g_variant_new_strv (NULL, 0), "roles",
                               g_variant_new_strv ((const char *[]){ "after_sales" }, 1), NULL),
               0, NULL);
  admin_wait_for (&p.permissions);
  g_assert_true (g_strv_contains ((const char *const *)p.last, "customer.view"));
  g_assert_false (g_strv_contains ((const char *const *)p.last, "customer.add"));

  g_signal_handlers_disconnect_by_data (user, &p);
  pushes_clear (&p);
}

static gint64
session_of (CrmConnection *admin, gint64 user_id, char **session_id)
{
  g_autoptr (GVariant) list
      = admin_call (admin, CRM_MSG_SESSION_LIST, g_variant_new ("(x)", user_id));
  GVariantIter iter;
  GVariant    *row;
  gint64       n = 0;

  g_variant_iter_init (&iter, list);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      gint64 uid = 0;

      g_assert_true (g_variant_lookup (row, "user_id", "x", &uid));
      g_assert_cmpint (uid, ==, user_id);
      if (n++ == 0)
        g_assert_true (g_variant_lookup (row, "id", "s", session_id));
      g_variant_unref (row);
    }
  return n;
}

static void
test_session_revoke (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 id = admin_create_user (admin, "push.revoke", "salesperson", 0, 0);
  g_autoptr (CrmConnection) user = admin_test_connect ("push.revoke", ADMIN_PASSWORD);
  g_autofree char *session_id = NULL;
  g_autofree char *key = admin_key ();
  Pushes           p = { 0 };

  g_signal_connect (user, "push", G_CALLBACK (push_cb), &p);
  g_assert_cmpint (session_of (admin, id, &session_id), ==, 1);
  g_variant_unref (
      admin_call (admin, CRM_MSG_SESSION_REVOKE, g_variant_new ("(ss)", key, session_id)));
  admin_wait_for (&p.signed_out);
  g_assert_cmpuint (p.signed_out, ==, 1);
  g_assert_cmpstr (p.reason, !=, "");
  g_free (admin_call_fails (user, CRM_MSG_AUTH_WHOAMI, NULL, CRM_ERROR_NOT_SIGNED_IN));
  g_clear_pointer (&session_id, g_free);
  g_assert_cmpint (session_of (admin, id, &session_id), ==, 0);
  /* Gone already, or never there. */
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_SESSION_REVOKE, g_variant_new ("(ss)", key, "nonsense"),
                            CRM_ERROR_NOT_FOUND));
  g_signal_handlers_disconnect_by_data (user, &p);
  pushes_clear (&p);
}

static void
test_disable (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 id = admin_create_user (admin, "push.disable", "salesperson", 0, 0);
  g_autoptr (CrmConnection) user = admin_test_connect ("push.disable", ADMIN_PASSWORD);
  g_autoptr (CrmConnection) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *key = admin_key ();
  Pushes           p = { 0 };

  g_signal_connect (user, "push", G_CALLBACK (push_cb), &p);
  g_variant_unref (
      admin_call (admin, CRM_MSG_USER_SET_DISABLED, g_variant_new ("(sxb)", key, id, TRUE)));
  admin_wait_for (&p.signed_out);
  g_assert_cmpuint (p.signed_out, ==, 1);
  again = crm_test_server_connect (admin_test_server (), "push.disable", ADMIN_PASSWORD, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_ACCOUNT_DISABLED);
  g_assert_null (again);
  /* Nobody disables themselves. */
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_USER_SET_DISABLED,
                            g_variant_new ("(sxb)", key, crm_connection_get_user_id (admin), TRUE),
                            CRM_ERROR_CONFLICT));
  g_free (key);
  key = admin_key ();
  g_variant_unref (
      admin_call (admin, CRM_MSG_USER_SET_DISABLED, g_variant_new ("(sxb)", key, id, FALSE)));
  g_clear_error (&error);
  again = crm_test_server_connect (admin_test_server (), "push.disable", ADMIN_PASSWORD, &error);
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_data (user, &p);
  pushes_clear (&p);
}

static void
test_reset_password (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64           id = admin_create_user (admin, "reset.me", "salesperson", 0, 0);
  g_autofree char *key = admin_key ();
  g_autoptr (GVariant) reply
      = admin_call (admin, CRM_MSG_USER_RESET_PASSWORD, g_variant_new ("(sx)", key, id));
  g_autoptr (CrmConnection) user = NULL;
  g_autoptr (CrmConnection) old = NULL;
  g_autoptr (GError) error = NULL;
  const char *temporary;
  GVariant   *empty = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);

  g_variant_get (reply, "(&s)", &temporary);
  g_assert_cmpuint (strlen (temporary), >=, 8);
  old = crm_test_server_connect (admin_test_server (), "reset.me", ADMIN_PASSWORD, &error);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_AUTH_FAILED);
  g_clear_error (&error);

  /* Signed in with the temporary password, only a change is allowed. */
  user = admin_test_connect ("reset.me", temporary);
  g_free (admin_call_fails (user, CRM_MSG_CUSTOMER_COUNT, g_variant_new ("(@a{sv})", empty),
                            CRM_ERROR_PASSWORD_CHANGE_REQUIRED));
  g_free (key);
  key = admin_key ();
  g_variant_unref (admin_call (user, CRM_MSG_AUTH_CHANGE_PASSWORD,
                               g_variant_new ("(sss)", key, temporary, "brand-new-pass")));
  g_variant_unref (admin_call (
      user, CRM_MSG_CUSTOMER_COUNT,
      g_variant_new ("(@a{sv})", g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0))));

  /* The attempts are in the sign-in history. */
  {
    g_autoptr (GVariant) history
        = admin_call (admin, CRM_MSG_USER_LOGIN_HISTORY, g_variant_new ("(xi)", id, 10));
    gsize n = g_variant_n_children (history);
    g_autoptr (GVariant) newest = NULL;
    gboolean success = FALSE;

    g_assert_cmpuint (n, >=, 2);
    newest = g_variant_get_child_value (history, 0);
    g_assert_true (g_variant_lookup (newest, "success", "b", &success));
    g_assert_true (success);
  }
}

/* ---- Device binding ---- */

static GVariant *
login_with_client (CrmConnection *conn, const char *login, const char *client, GError **error)
{
  return crm_connection_call_sync (conn, CRM_MSG_AUTH_LOGIN,
                                   g_variant_new ("(ssss)", login, ADMIN_PASSWORD, client, "9.9"),
                                   NULL, error);
}

static gint64
device_of (CrmConnection *admin, gint64 user_id, gboolean *approved)
{
  g_autoptr (GVariant) list = admin_call (admin, CRM_MSG_DEVICE_LIST, NULL);
  GVariantIter iter;
  GVariant    *row;
  gint64       found = 0;

  g_variant_iter_init (&iter, list);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      gint64 uid = 0, id = 0;

      g_variant_lookup (row, "user_id", "x", &uid);
      g_variant_lookup (row, "id", "x", &id);
      if (uid == user_id)
        {
          const char *key = NULL;
          g_assert_true (g_variant_lookup (row, "client_key", "&s", &key));
          g_assert_cmpstr (key, ==, "office-pc-0123456789");
          g_variant_lookup (row, "approved", "b", approved);
          found = id;
        }
      g_variant_unref (row);
    }
  return found;
}

static void
test_device_binding (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 id = admin_create_user (admin, "bound.user", "salesperson", 0, 0);
  g_autoptr (CrmConnection) conn = admin_test_connect (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *key = admin_key ();
  gboolean         approved = TRUE;
  gint64           device;

  update_user (admin, id, admin_dict_new ("device_binding", g_variant_new_boolean (TRUE), NULL), 0,
               NULL);

  /* A client that does not name its installation is refused. */
  reply = login_with_client (conn, "bound.user", "jinke-crm", &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* The first sign-in enrols the installation, unapproved. */
  reply = login_with_client (conn, "bound.user", "jinke-crm#office-pc-0123456789", &error);
  g_assert_null (reply);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  device = device_of (admin, id, &approved);
  g_assert_cmpint (device, >, 0);
  g_assert_false (approved);

  g_variant_unref (
      admin_call (admin, CRM_MSG_DEVICE_APPROVE, g_variant_new ("(sxb)", key, device, TRUE)));
  device_of (admin, id, &approved);
  g_assert_true (approved);
  reply = login_with_client (conn, "bound.user", "jinke-crm#office-pc-0123456789", &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);

  /* The session shows which program signed in, without the key. */
  {
    g_autoptr (GVariant) sessions
        = admin_call (admin, CRM_MSG_SESSION_LIST, g_variant_new ("(x)", id));
    g_autoptr (GVariant) first = NULL;
    const char *client = NULL;

    g_assert_cmpuint (g_variant_n_children (sessions), ==, 1);
    first = g_variant_get_child_value (sessions, 0);
    g_assert_true (g_variant_lookup (first, "client", "&s", &client));
    g_assert_cmpstr (client, ==, "jinke-crm 9.9");
  }
  /* The sign-in history names the program, never the device key. */
  {
    g_autoptr (GVariant) history
        = admin_call (admin, CRM_MSG_USER_LOGIN_HISTORY, g_variant_new ("(xi)", id, 1));
    g_autoptr (GVariant) newest = g_variant_get_child_value (history, 0);
    const char *reason = NULL;

    g_assert_true (g_variant_lookup (newest, "reason", "&s", &reason));
    g_assert_cmpstr (reason, ==, "jinke-crm");
  }
  /* The same installation through the connection API. */
  {
    g_autoptr (CrmConnection) again = admin_test_connect (NULL, NULL);
    g_autoptr (GVariant) session = NULL;
    g_autoptr (GError) local = NULL;

    crm_connection_set_client_key (again, "office-pc-0123456789");
    session = crm_connection_login_sync (again, "bound.user", ADMIN_PASSWORD, NULL, &local);
    g_assert_no_error (local);
    g_assert_nonnull (session);
  }
  /* Another computer is still refused. */
  g_clear_pointer (&reply, g_variant_unref);
  {
    g_autoptr (CrmConnection) other = admin_test_connect (NULL, NULL);
    reply = login_with_client (other, "bound.user", "jinke-crm#home-laptop-0123456789", &error);
    g_assert_null (reply);
    g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
  }
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_DEVICE_APPROVE,
                            g_variant_new ("(sxb)", key, (gint64)999999, TRUE),
                            CRM_ERROR_NOT_FOUND));
}

/* ---- Roles ---- */

static gint64
role_id (CrmConnection *admin, const char *name)
{
  g_autoptr (GVariant) roles = admin_call (admin, CRM_MSG_ROLE_LIST, NULL);

  return admin_row_id (roles, "name", name);
}

static GVariant *
grants_new (const char *permission, guint32 scope)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(su)"));
  if (permission)
    g_variant_builder_add (&b, "(su)", permission, scope);
  return g_variant_builder_end (&b);
}

static void
test_roles (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autofree char *key = admin_key ();
  g_autoptr (GVariant) reply = NULL;
  gint64 id, user;

  reply = admin_call (admin, CRM_MSG_ROLE_CREATE,
                      g_variant_new ("(s@a{sv})", key,
                                     admin_dict_new ("name", g_variant_new_string ("auditor"),
                                                     "display_name", g_variant_new_string ("审计员"),
                                                     "grants", grants_new ("audit.view", 3), NULL)));
  g_variant_get (reply, "(x)", &id);
  g_assert_cmpint (id, ==, role_id (admin, "auditor"));

  /* Bad names, unknown permissions, bad scopes, duplicates. */
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (
      admin, CRM_MSG_ROLE_CREATE,
      g_variant_new ("(s@a{sv})", key,
                     admin_dict_new ("name", g_variant_new_string ("auditor"), "display_name",
                                     g_variant_new_string ("又一个"), NULL)),
      CRM_ERROR_DUPLICATE));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (
      admin, CRM_MSG_ROLE_CREATE,
      g_variant_new ("(s@a{sv})", key,
                     admin_dict_new ("name", g_variant_new_string ("Bad Name"), "display_name",
                                     g_variant_new_string ("x"), NULL)),
      CRM_ERROR_INVALID_FIELD));
  g_free (key);
  key = admin_key ();
  g_free (
      admin_call_fails (admin, CRM_MSG_ROLE_UPDATE,
                        g_variant_new ("(sx@a{sv})", key, id,
                                       admin_dict_new ("grants", grants_new ("audit.view", 4), NULL)),
                        CRM_ERROR_INVALID_FIELD));
  g_free (key);
  key = admin_key ();
  g_free (
      admin_call_fails (admin, CRM_MSG_ROLE_UPDATE,
                        g_variant_new ("(sx@a{sv})", key, id,
                                       admin_dict_new ("grants", grants_new ("nothing.real", 0), NULL)),
                        CRM_ERROR_INVALID_FIELD));

  /* Templates: editable, not renamable, not deletable. */
  g_free (key);
  key = admin_key ();
  g_variant_unref (admin_call (
      admin, CRM_MSG_ROLE_UPDATE,
      g_variant_new ("(sx@a{sv})", key, role_id (admin, "cashier"),
                     admin_dict_new ("display_name", g_variant_new_string ("出纳员"), NULL))));
  g_free (key);
  key = admin_key ();
  g_free (
      admin_call_fails (admin, CRM_MSG_ROLE_UPDATE,
                        g_variant_new ("(sx@a{sv})", key, role_id (admin, "cashier"),
                                       admin_dict_new ("name", g_variant_new_string ("teller"), NULL)),
                        CRM_ERROR_INVALID_FIELD));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_ROLE_DELETE,
                            g_variant_new ("(sx)", key, role_id (admin, "cashier")),
                            CRM_ERROR_CONFLICT));

  /* Nobody locks themselves out of the console. */
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (
      admin, CRM_MSG_ROLE_UPDATE,
      g_variant_new ("(sx@a{sv})", key, role_id (admin, "administrator"),
                     admin_dict_new ("grants", grants_new ("customer.view", 3), NULL)),
      CRM_ERROR_CONFLICT));
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (
      admin, CRM_MSG_USER_UPDATE,
      g_variant_new (
          "(sx@a{sv})", key, crm_connection_get_user_id (admin),
          admin_dict_new ("denials", g_variant_new_strv ((const char *[]){ "role.manage" }, 1), NULL)),
      CRM_ERROR_CONFLICT));

  /* In use: deleted only after reassignment. */
  user = admin_create_user (admin, "role.holder", "auditor", 0, 0);
  g_free (key);
  key = admin_key ();
  g_free (admin_call_fails (admin, CRM_MSG_ROLE_DELETE, g_variant_new ("(sx)", key, id),
                            CRM_ERROR_CONFLICT));
  update_user (admin, user,
               admin_dict_new ("roles", g_variant_new_strv ((const char *[]){ "cashier" }, 1), NULL), 0,
               NULL);
  g_free (key);
  key = admin_key ();
  g_variant_unref (admin_call (admin, CRM_MSG_ROLE_DELETE, g_variant_new ("(sx)", key, id)));
  g_assert_cmpint (role_id (admin, "auditor"), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/admin/team/department-tree", test_department_tree);
  g_test_add_func ("/admin/team/leader-cycle", test_leader_cycle);
  g_test_add_func ("/admin/team/ownership-history", test_ownership_history);
  g_test_add_func ("/admin/push/permissions", test_permission_push);
  g_test_add_func ("/admin/push/session-revoke", test_session_revoke);
  g_test_add_func ("/admin/accounts/disable", test_disable);
  g_test_add_func ("/admin/accounts/reset-password", test_reset_password);
  g_test_add_func ("/admin/accounts/device-binding", test_device_binding);
  g_test_add_func ("/admin/roles/rules", test_roles);
  admin_add_settings_tests ();
  admin_add_matrix_tests ();
  admin_add_recycle_tests ();
  status = g_test_run ();
  crm_test_server_stop (admin_test_server ());
  return status;
}
