/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin"
#include "config.h"

#include <string.h>

#include "admin-test-util.h"

/*
 * The permission matrix, generated from the message table: every request
 * message × every role template, signed in as a holder of that role alone.
 * A message whose permission the role grants must not be refused with
 * PERMISSION_DENIED (it may fail for its empty arguments); any other must
 * be.  Then data scope across the demo department tree for get, list,
 * search, count and export.
 */

static const char *const templates[] = {
  "salesperson", "team_lead",   "department_manager", "accountant",
  "cashier",     "after_sales", "administrator",
};

/* A value of `type` with empty/zero members. */
static GVariant *
default_value (const GVariantType *type)
{
  if (g_variant_type_is_tuple (type))
    {
      GVariantBuilder b;

      g_variant_builder_init (&b, type);
      for (const GVariantType *t = g_variant_type_first (type); t != NULL;
           t = g_variant_type_next (t))
        g_variant_builder_add_value (&b, default_value (t));
      return g_variant_builder_end (&b);
    }
  if (g_variant_type_is_array (type))
    return g_variant_new_array (g_variant_type_element (type), NULL, 0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    return g_variant_new_string ("");
  if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_new_boolean (FALSE);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64))
    return g_variant_new_int64 (0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    return g_variant_new_int32 (0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT32))
    return g_variant_new_uint32 (0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT16))
    return g_variant_new_uint16 (0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT16))
    return g_variant_new_int16 (0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_BYTE))
    return g_variant_new_byte (0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_DOUBLE))
    return g_variant_new_double (0);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_VARIANT))
    return g_variant_new_variant (g_variant_new_string (""));
  g_assert_not_reached ();
  return NULL;
}

/* The request with a fresh idempotency key first when the message mutates. */
static GVariant *
request_for (const CrmMessageInfo *m)
{
  const GVariantType *type = G_VARIANT_TYPE (m->request_type);
  GVariantBuilder     b;
  gboolean            first = TRUE;

  if ((m->flags & CRM_MSG_FLAG_MUTATES) == 0)
    return default_value (type);
  g_variant_builder_init (&b, type);
  for (const GVariantType *t = g_variant_type_first (type); t != NULL; t = g_variant_type_next (t))
    {
      if (first)
        {
          g_autofree char *key = admin_key ();
          g_variant_builder_add_value (&b, g_variant_new_string (key));
          first = FALSE;
        }
      else
        g_variant_builder_add_value (&b, default_value (t));
    }
  return g_variant_builder_end (&b);
}

/* role name → permissions it grants, from role.list. */
static GHashTable *
role_permissions (CrmConnection *admin)
{
  g_autoptr (GVariant) roles = admin_call (admin, CRM_MSG_ROLE_LIST, NULL);
  GHashTable *map
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
  GVariantIter iter;
  GVariant    *row;

  g_variant_iter_init (&iter, roles);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr (GVariant) owned = row;
      g_autoptr (GVariant) perms = NULL;
      const char  *name = NULL;
      GHashTable  *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      GVariantIter pi;
      const char  *p;
      guint32      scope;

      g_variant_lookup (row, "name", "&s", &name);
      perms = g_variant_lookup_value (row, "permissions", G_VARIANT_TYPE ("a(su)"));
      g_assert_nonnull (perms);
      g_variant_iter_init (&pi, perms);
      while (g_variant_iter_next (&pi, "(&su)", &p, &scope))
        g_hash_table_add (set, g_strdup (p));
      g_hash_table_insert (map, g_strdup (name), set);
    }
  return map;
}

static void
test_matrix (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (GHashTable) grants = role_permissions (admin);
  gsize                 n_messages;
  const CrmMessageInfo *messages = crm_messages_all (&n_messages);
  guint                 checked = 0, allowed = 0, refused = 0;

  for (guint r = 0; r < G_N_ELEMENTS (templates); r++)
    {
      g_autofree char *login = g_strdup_printf ("matrix.%s", templates[r]);
      GHashTable      *set = g_hash_table_lookup (grants, templates[r]);
      g_autoptr (CrmConnection) conn = NULL;

      g_assert_nonnull (set);
      admin_create_user (admin, login, templates[r], 0, 0);
      conn = admin_test_connect (login, ADMIN_PASSWORD);
      for (gsize i = 0; i < n_messages; i++)
        {
          const CrmMessageInfo *m = &messages[i];
          g_autoptr (GError) error = NULL;
          g_autoptr (GVariant) reply = NULL;
          gboolean expect_allowed;

          /* Pushes are not requests; sign-in messages are covered elsewhere
           * (and auth.logout would end this session). */
          if ((m->flags & (CRM_MSG_FLAG_PUSH | CRM_MSG_FLAG_PREAUTH)) != 0
              || g_str_has_prefix (m->name, "auth."))
            continue;
          expect_allowed = m->permission == NULL || g_hash_table_contains (set, m->permission);
          reply = crm_connection_call_sync (conn, m->id, request_for (m), NULL, &error);
          if (expect_allowed != !g_error_matches (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED))
            g_test_message ("%s × %s: expected %s, got %s", templates[r], m->name,
                            expect_allowed ? "allowed" : "refused",
                            error ? error->message : "success");
          if (expect_allowed)
            {
              g_assert_false (g_error_matches (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED));
              /* A refusal of another kind is about the empty arguments,
               * never a crash or a closed connection. */
              g_assert_false (g_error_matches (error, CRM_ERROR, CRM_ERROR_CLOSED));
              g_assert_false (g_error_matches (error, CRM_ERROR, CRM_ERROR_INTERNAL));
              allowed++;
            }
          else
            {
              g_assert_error (error, CRM_ERROR, CRM_ERROR_PERMISSION_DENIED);
              refused++;
            }
          checked++;
        }
    }
  g_test_message ("permission matrix: %u checks, %u allowed, %u refused", checked, allowed,
                  refused);
  g_assert_cmpuint (allowed, >, 0);
  g_assert_cmpuint (refused, >, 0);
}

/* ---- Data scope across the demo tree ---- */

typedef struct
{
  gint64 id;
  gint64 leader;
  gint64 department;
} Person;

static GHashTable *
people (CrmConnection *admin)
{
  g_autoptr (GVariant) users = admin_call (admin, CRM_MSG_USER_LIST, NULL);
  GHashTable  *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GVariantIter iter;
  GVariant    *row;

  g_variant_iter_init (&iter, users);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      Person *p = g_new0 (Person, 1);
      char   *login = NULL;

      g_variant_lookup (row, "login", "s", &login);
      g_variant_lookup (row, "id", "x", &p->id);
      g_variant_lookup (row, "leader_id", "x", &p->leader);
      g_variant_lookup (row, "department_id", "x", &p->department);
      g_hash_table_insert (map, login, p);
      g_variant_unref (row);
    }
  return map;
}

/* Owners `login` reaches: own; + subordinates (leader tree); + department
 * subtree; everyone (NULL). */
static GHashTable *
expected_owners (GHashTable *all, CrmConnection *admin, const char *login, int scope)
{
  GHashTable    *set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  Person        *me = g_hash_table_lookup (all, login);
  GHashTableIter iter;
  Person        *p;
  gboolean       grew = TRUE;

  g_assert_nonnull (me);
  g_hash_table_add (set, g_memdup2 (&me->id, sizeof me->id));
  if (scope == 1)
    while (grew)
      {
        grew = FALSE;
        g_hash_table_iter_init (&iter, all);
        while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&p))
          if (p->leader != 0 && g_hash_table_contains (set, &p->leader)
              && !g_hash_table_contains (set, &p->id))
            {
              g_hash_table_add (set, g_memdup2 (&p->id, sizeof p->id));
              grew = TRUE;
            }
      }
  else if (scope == 2)
    {
      g_autoptr (GVariant) deps = admin_call (admin, CRM_MSG_DEPARTMENT_LIST, NULL);
      g_autoptr (GHashTable) tree
          = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

      g_hash_table_add (tree, g_memdup2 (&me->department, sizeof me->department));
      while (grew)
        {
          GVariantIter di;
          GVariant    *d;

          grew = FALSE;
          g_variant_iter_init (&di, deps);
          while ((d = g_variant_iter_next_value (&di)) != NULL)
            {
              gint64 id = 0, parent = 0;

              g_variant_lookup (d, "id", "x", &id);
              g_variant_lookup (d, "parent_id", "x", &parent);
              if (parent != 0 && g_hash_table_contains (tree, &parent)
                  && !g_hash_table_contains (tree, &id))
                {
                  g_hash_table_add (tree, g_memdup2 (&id, sizeof id));
                  grew = TRUE;
                }
              g_variant_unref (d);
            }
        }
      g_hash_table_iter_init (&iter, all);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&p))
        if (p->department != 0 && g_hash_table_contains (tree, &p->department))
          g_hash_table_add (set, g_memdup2 (&p->id, sizeof p->id));
    }
  else if (scope == 3)
    {
      g_hash_table_unref (set);
      return NULL;
    }
  return set;
}

static GVariant *
no_filters (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

/* Every customer (admin's export), as id → owner. */
static GHashTable *
all_customers (CrmConnection *admin)
{
  GHashTable *map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gint64      after = 0;

  do
    {
      g_autoptr (GVariant) reply = admin_call (
          admin, CRM_MSG_CUSTOMER_EXPORT, g_variant_new ("(@a{sv}xi)", no_filters (), after, 5000));
      g_autoptr (GVariant) rows = NULL;
      GVariantIter iter;
      GVariant    *row;

      g_variant_get (reply, "(@aa{sv}x)", &rows, &after);
      g_variant_iter_init (&iter, rows);
      while ((row = g_variant_iter_next_value (&iter)) != NULL)
        {
          gint64 id = 0, owner = 0;

          g_variant_lookup (row, "id", "x", &id);
          g_variant_lookup (row, "owner_id", "x", &owner);
          g_hash_table_insert (map, g_memdup2 (&id, sizeof id), g_memdup2 (&owner, sizeof owner));
          g_variant_unref (row);
        }
    }
  while (after != 0);
  return map;
}

static void
assert_rows_in_scope (GVariant *rows, GHashTable *owners)
{
  GVariantIter iter;
  GVariant    *row;

  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      gint64 owner = 0;

      g_assert_true (g_variant_lookup (row, "owner_id", "x", &owner));
      if (owners != NULL)
        g_assert_true (g_hash_table_contains (owners, &owner));
      g_variant_unref (row);
    }
}

static void
check_scope (CrmConnection *admin, GHashTable *all, GHashTable *customers, const char *login,
             const char *password, int scope)
{
  g_autoptr (CrmConnection) conn = admin_test_connect (login, password);
  g_autoptr (GHashTable) owners = expected_owners (all, admin, login, scope);
  GHashTableIter iter;
  gint64        *id, *owner;
  gint64         expected = 0, visible_id = 0, hidden_id = 0;
  gboolean       can_export = crm_connection_has_permission (conn, "customer.export");

  g_hash_table_iter_init (&iter, customers);
  while (g_hash_table_iter_next (&iter, (gpointer *)&id, (gpointer *)&owner))
    if (owners == NULL || g_hash_table_contains (owners, owner))
      {
        expected++;
        visible_id = *id;
      }
    else
      hidden_id = *id;
  g_test_message ("%s (scope %d) reaches %" G_GINT64_FORMAT " of %u customers", login, scope,
                  expected, g_hash_table_size (customers));
  g_assert_cmpint (expected, >, 0);

  /* count */
  {
    g_autoptr (GVariant) reply
        = admin_call (conn, CRM_MSG_CUSTOMER_COUNT, g_variant_new ("(@a{sv})", no_filters ()));
    gint64   n = 0;
    gboolean estimated = TRUE;

    g_variant_get (reply, "(xb)", &n, &estimated);
    if (!estimated)
      g_assert_cmpint (n, ==, expected);
  }
  /* list, every page */
  {
    g_autofree char *cursor = g_strdup ("");
    gint64           seen = 0;

    do
      {
        g_autoptr (GVariant) reply = admin_call (
            conn, CRM_MSG_CUSTOMER_LIST,
            g_variant_new ("(sb@a{sv}si)", "name", FALSE, no_filters (), cursor, 500));
        g_autoptr (GVariant) rows = NULL;

        g_free (cursor);
        g_variant_get (reply, "(@aa{sv}sx)", &rows, &cursor, NULL);
        assert_rows_in_scope (rows, owners);
        seen += g_variant_n_children (rows);
      }
    while (*cursor != '\0');
    g_assert_cmpint (seen, ==, expected);
  }
  /* search */
  {
    g_autoptr (GVariant) rows = admin_call (
        conn, CRM_MSG_CUSTOMER_SEARCH, g_variant_new ("(s@a{sv}i)", "公司", no_filters (), 200));
    assert_rows_in_scope (rows, owners);
  }
  /* export, when the role may */
  if (can_export)
    {
      g_autoptr (GVariant) reply
          = admin_call (conn, CRM_MSG_CUSTOMER_EXPORT,
                        g_variant_new ("(@a{sv}xi)", no_filters (), (gint64)0, 5000));
      g_autoptr (GVariant) rows = g_variant_get_child_value (reply, 0);

      assert_rows_in_scope (rows, owners);
      g_assert_cmpint (g_variant_n_children (rows), ==, expected);
    }
  /* get */
  g_variant_unref (admin_call (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", visible_id)));
  if (owners != NULL && hidden_id != 0)
    g_free (admin_call_fails (conn, CRM_MSG_CUSTOMER_GET, g_variant_new ("(x)", hidden_id),
                              CRM_ERROR_NOT_FOUND));
}

static void
test_scope_tree (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (GHashTable) all = NULL;
  g_autoptr (GHashTable) customers = NULL;
  gint64 elsewhere = admin_create_department (admin, "外地办事处", 0);
  gint64 outsider = admin_create_user (admin, "scope.outsider", "salesperson", elsewhere, 0);

  /* A customer outside the sales tree, so every scope leaves something out. */
  {
    g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
    g_autofree char *key = admin_key ();

    g_variant_dict_insert (&d, "name", "s", "外地办事处客户有限公司");
    g_variant_dict_insert (&d, "owner_id", "x", outsider);
    g_variant_unref (admin_call (admin, CRM_MSG_CUSTOMER_CREATE,
                                 g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d))));
  }
  all = people (admin);
  customers = all_customers (admin);

  check_scope (admin, all, customers, "sales1", "demo1234", 0);
  check_scope (admin, all, customers, "lead1", "demo1234", 1);
  check_scope (admin, all, customers, "manager", "demo1234", 2);
  check_scope (admin, all, customers, "admin",
               crm_test_server_get_admin_password (admin_test_server ()), 3);
}

void
admin_add_matrix_tests (void)
{
  g_test_add_func ("/admin/permissions/matrix", test_matrix);
  g_test_add_func ("/admin/permissions/scope-tree", test_scope_tree);
}
