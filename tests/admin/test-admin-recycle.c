/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin"
#include "config.h"

#include <string.h>

#include "admin-test-util.h"

/*
 * The recycle bin for every kind (departments, roles, customers) and the
 * live pushes of the team, accounts and roles through a real server:
 * deleted rows leave the lists and free their names, restore refuses a
 * collision, purge is audited, every kind is listed together page by page,
 * and a second administrator's session hears of each change.
 */

typedef struct
{
  char  *entity;
  gint64 id;
  char  *title;
} Binned;

static void
binned_free (Binned *b)
{
  g_free (b->entity);
  g_free (b->title);
  g_free (b);
}

/* Every page of recycle.list for `entity` ("" = all), `page` rows a page. */
static GPtrArray *
bin_list (CrmConnection *conn, const char *entity, int page)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify)binned_free);
  gint64     before = 0;

  do
    {
      g_autoptr (GVariant) reply = admin_call (
          conn, CRM_MSG_RECYCLE_LIST, g_variant_new ("(sxi)", entity, before, page));
      g_autoptr (GVariant) rows = g_variant_get_child_value (reply, 0);
      GVariantIter iter;
      GVariant    *row;

      g_variant_get_child (reply, 1, "x", &before);
      /* Every kind together: rows deleted in one microsecond share a page,
       * which may make it longer. */
      if (*entity != '\0')
        g_assert_cmpuint (g_variant_n_children (rows), <=, (gsize)page);
      g_variant_iter_init (&iter, rows);
      while ((row = g_variant_iter_next_value (&iter)) != NULL)
        {
          Binned *b = g_new0 (Binned, 1);

          g_assert_true (g_variant_lookup (row, "entity", "s", &b->entity));
          g_assert_true (g_variant_lookup (row, "id", "x", &b->id));
          g_assert_true (g_variant_lookup (row, "title", "s", &b->title));
          g_ptr_array_add (all, b);
          g_variant_unref (row);
        }
    }
  while (before != 0);
  return all;
}

static gboolean
in_bin (CrmConnection *conn, const char *entity, gint64 id)
{
  g_autoptr (GPtrArray) all = bin_list (conn, entity, 500);

  for (guint i = 0; i < all->len; i++)
    {
      Binned *b = all->pdata[i];

      if (g_str_equal (b->entity, entity) && b->id == id)
        return TRUE;
    }
  return FALSE;
}

static gboolean
department_listed (CrmConnection *conn, gint64 id)
{
  g_autoptr (GVariant) rows = admin_call (conn, CRM_MSG_DEPARTMENT_LIST, NULL);
  GVariantIter iter;
  GVariant    *row;
  gboolean     found = FALSE;

  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      gint64 v = 0;

      g_variant_lookup (row, "id", "x", &v);
      found |= v == id;
      g_variant_unref (row);
    }
  return found;
}

static gint64
role_listed (CrmConnection *conn, const char *name)
{
  g_autoptr (GVariant) rows = admin_call (conn, CRM_MSG_ROLE_LIST, NULL);

  /* Role names are unique: the first match is the only one. */
  return admin_row_id (rows, "name", name);
}

/* Every mutating message here begins with its idempotency key: `body`
 * (a tuple, sunk and dropped) with a fresh key put in front. */
static GVariant *
with_key (GVariant *body)
{
  g_autofree char *key = admin_key ();
  GVariantBuilder  b;
  GVariantIter     iter;
  GVariant        *child;

  g_variant_builder_init (&b, G_VARIANT_TYPE_TUPLE);
  g_variant_builder_add (&b, "s", key);
  g_variant_ref_sink (body);
  g_variant_iter_init (&iter, body);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_variant_builder_add_value (&b, child);
      g_variant_unref (child);
    }
  g_variant_unref (body);
  return g_variant_builder_end (&b);
}

static void
call_ok (CrmConnection *conn, guint message, const char *format, ...)
{
  va_list   ap;
  GVariant *body;

  va_start (ap, format);
  body = g_variant_new_va (format, NULL, &ap);
  va_end (ap);
  g_variant_unref (admin_call (conn, message, with_key (body)));
}

static void
call_fails (CrmConnection *conn, guint message, CrmErrorCode code, GVariant *body_without_key)
{
  g_free (admin_call_fails (conn, message, with_key (body_without_key), code));
}

static char *
audit_count (const char *action, const char *entity, gint64 id)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s' AND entity = '%s'"
                         " AND entity_id = %" G_GINT64_FORMAT,
                         action, entity, id);
  return admin_db_query (sql);
}

static void
test_recycle_department (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (CrmConnection) sales = admin_test_connect ("sales4", "demo1234");
  gint64 top = admin_create_department (admin, "回收大区", 0);
  gint64 old = admin_create_department (admin, "回收一组", top);
  gint64 twin;
  g_autofree char *purged = NULL;

  call_ok (admin, CRM_MSG_DEPARTMENT_DELETE, "(x)", old);
  g_assert_false (department_listed (admin, old));
  g_assert_true (in_bin (admin, "department", old));
  /* A user may not be placed in it. */
  {
    g_autofree char *key = admin_key ();
    g_autoptr (GVariantDict) d = g_variant_dict_new (NULL);
    gint64 user = admin_user_id (admin, "sales4");

    g_variant_dict_insert (d, "department_id", "x", old);
    g_free (admin_call_fails (admin, CRM_MSG_USER_UPDATE,
                              g_variant_new ("(sx@a{sv})", key, user, g_variant_dict_end (d)),
                              CRM_ERROR_INVALID_FIELD));
  }
  /* Its name is free again… */
  twin = admin_create_department (admin, "回收一组", top);
  g_assert_cmpint (twin, !=, old);
  /* …so restoring the old one is refused, with a reason. */
  call_fails (admin, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_CONFLICT,
              g_variant_new ("(sx)", "department", old));
  g_assert_true (in_bin (admin, "department", old));

  /* Not administrators: no bin at all. */
  g_free (admin_call_fails (sales, CRM_MSG_RECYCLE_LIST,
                            g_variant_new ("(sxi)", "department", (gint64)0, 10),
                            CRM_ERROR_PERMISSION_DENIED));
  call_fails (sales, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_PERMISSION_DENIED,
              g_variant_new ("(sx)", "department", old));

  /* The twin goes; the old one comes back where it was. */
  call_ok (admin, CRM_MSG_DEPARTMENT_DELETE, "(x)", twin);
  call_ok (admin, CRM_MSG_RECYCLE_RESTORE, "(sx)", "department", old);
  g_assert_true (department_listed (admin, old));
  g_assert_false (in_bin (admin, "department", old));
  g_assert_cmpstr (audit_count ("restore", "department", old), ==, "1");

  /* A department below one in the bin waits for its parent. */
  call_ok (admin, CRM_MSG_DEPARTMENT_DELETE, "(x)", old);
  call_ok (admin, CRM_MSG_DEPARTMENT_DELETE, "(x)", top);
  call_fails (admin, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_CONFLICT,
              g_variant_new ("(sx)", "department", old));
  /* A parent with a child in the bin cannot be purged before it. */
  call_fails (admin, CRM_MSG_RECYCLE_PURGE, CRM_ERROR_CONFLICT,
              g_variant_new ("(sx)", "department", top));
  call_ok (admin, CRM_MSG_RECYCLE_PURGE, "(sx)", "department", twin);
  call_ok (admin, CRM_MSG_RECYCLE_PURGE, "(sx)", "department", old);
  call_ok (admin, CRM_MSG_RECYCLE_PURGE, "(sx)", "department", top);
  g_assert_false (in_bin (admin, "department", top));
  g_assert_cmpstr (audit_count ("purge", "department", top), ==, "1");
  purged = admin_db_query ("SELECT count(*) FROM departments WHERE name IN ('回收大区', '回收一组')");
  g_assert_cmpstr (purged, ==, "0");
  /* Gone: neither restored nor purged twice. */
  call_fails (admin, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_NOT_FOUND,
              g_variant_new ("(sx)", "department", top));
  call_fails (admin, CRM_MSG_RECYCLE_PURGE, CRM_ERROR_NOT_FOUND,
              g_variant_new ("(sx)", "department", top));
}

static gint64
create_role (CrmConnection *admin, const char *name, const char *display_name)
{
  g_autofree char *key = admin_key ();
  g_autoptr (GVariantDict) d = g_variant_dict_new (NULL);
  g_autoptr (GVariant) reply = NULL;
  gint64 id;

  g_variant_dict_insert (d, "name", "s", name);
  g_variant_dict_insert (d, "display_name", "s", display_name);
  g_variant_dict_insert_value (d, "grants",
                               g_variant_new_parsed ("[('customer.view', @u 2)]"));
  reply = admin_call (admin, CRM_MSG_ROLE_CREATE,
                      g_variant_new ("(s@a{sv})", key, g_variant_dict_end (d)));
  g_variant_get (reply, "(x)", &id);
  return id;
}

static void
give_role (CrmConnection *admin, gint64 user, const char *role, CrmErrorCode fails_with)
{
  g_autofree char *key = admin_key ();
  g_autoptr (GVariantDict) d = g_variant_dict_new (NULL);
  const char *roles[] = { role, NULL };
  GVariant   *body;

  g_variant_dict_insert (d, "roles", "^as", roles);
  body = g_variant_new ("(sx@a{sv})", key, user, g_variant_dict_end (d));
  g_free (admin_call_expect (admin, CRM_MSG_USER_UPDATE, body, fails_with));
}

static void
test_recycle_role (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 user = admin_create_user (admin, "recycle.role", "salesperson", 0, 0);
  gint64 id = create_role (admin, "bin_role", "回收角色");
  gint64 again;

  /* Refused while someone holds it (as before). */
  give_role (admin, user, "bin_role", 0);
  call_fails (admin, CRM_MSG_ROLE_DELETE, CRM_ERROR_CONFLICT, g_variant_new ("(x)", id));
  give_role (admin, user, "salesperson", 0);

  call_ok (admin, CRM_MSG_ROLE_DELETE, "(x)", id);
  g_assert_cmpint (role_listed (admin, "bin_role"), ==, 0);
  g_assert_true (in_bin (admin, "role", id));
  /* A role in the bin cannot be given… */
  give_role (admin, user, "bin_role", CRM_ERROR_INVALID_FIELD);
  /* …nor edited. */
  {
    g_autofree char *key = admin_key ();
    g_autoptr (GVariantDict) d = g_variant_dict_new (NULL);

    g_variant_dict_insert (d, "display_name", "s", "改名");
    g_free (admin_call_fails (admin, CRM_MSG_ROLE_UPDATE,
                              g_variant_new ("(sx@a{sv})", key, id, g_variant_dict_end (d)),
                              CRM_ERROR_NOT_FOUND));
  }

  /* The name is free; while it is taken the old role stays in the bin. */
  again = create_role (admin, "bin_role", "新回收角色");
  call_fails (admin, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_CONFLICT,
              g_variant_new ("(sx)", "role", id));
  call_ok (admin, CRM_MSG_ROLE_DELETE, "(x)", again);
  call_ok (admin, CRM_MSG_RECYCLE_RESTORE, "(sx)", "role", id);
  g_assert_cmpint (role_listed (admin, "bin_role"), ==, id);
  /* Restored with its grants: it can be given again. */
  give_role (admin, user, "bin_role", 0);
  {
    g_autofree char *scope = admin_db_query (
        "SELECT rp.scope FROM role_permissions rp JOIN roles r ON r.id = rp.role_id"
        " WHERE r.name = 'bin_role' AND r.deleted_at IS NULL AND rp.permission = 'customer.view'");
    g_assert_cmpstr (scope, ==, "2");
  }
  give_role (admin, user, "salesperson", 0);

  call_ok (admin, CRM_MSG_RECYCLE_PURGE, "(sx)", "role", again);
  g_assert_false (in_bin (admin, "role", again));
  g_assert_cmpstr (audit_count ("purge", "role", again), ==, "1");
  /* Templates are still never deleted. */
  {
    gint64 template = role_listed (admin, "cashier");

    g_assert_cmpint (template, >, 0);
    call_fails (admin, CRM_MSG_ROLE_DELETE, CRM_ERROR_CONFLICT, g_variant_new ("(x)", template));
  }
}

static gint64
create_customer (CrmConnection *admin, const char *name, gint64 *version)
{
  g_autofree char *key = admin_key ();
  g_autoptr (GVariantDict) d = g_variant_dict_new (NULL);
  g_autoptr (GVariant) reply = NULL;
  gint64 id = 0;

  g_variant_dict_insert (d, "name", "s", name);
  reply = admin_call (admin, CRM_MSG_CUSTOMER_CREATE,
                      g_variant_new ("(s@a{sv})", key, g_variant_dict_end (d)));
  g_variant_get (reply, "(xx)", &id, version);
  return id;
}

/* Every kind listed together, newest deletion first, one row a page: each
 * deleted record exactly once, in deletion order. */
static void
test_recycle_all_kinds (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 dept = admin_create_department (admin, "全部回收部", 0);
  gint64 role = create_role (admin, "all_kinds_role", "全部回收角色");
  gint64 version = 0;
  gint64 customer = create_customer (admin, "全部回收测试有限公司", &version);
  g_autoptr (GPtrArray) paged = NULL;
  g_autoptr (GPtrArray) whole = NULL;
  int pos_dept = -1, pos_role = -1, pos_customer = -1;

  call_ok (admin, CRM_MSG_DEPARTMENT_DELETE, "(x)", dept);
  call_ok (admin, CRM_MSG_ROLE_DELETE, "(x)", role);
  call_ok (admin, CRM_MSG_CUSTOMER_DELETE, "(xx)", customer, version);

  /* Deleted in the same microsecond (one transaction): a page boundary
   * between them must not skip one. */
  {
    g_autofree char *sql = g_strdup_printf (
        "UPDATE departments SET deleted_at = (SELECT deleted_at FROM roles WHERE id = %" G_GINT64_FORMAT
        ") WHERE id = %" G_GINT64_FORMAT " RETURNING id",
        role, dept);
    g_free (admin_db_query (sql));
  }
  whole = bin_list (admin, "", 500);
  paged = bin_list (admin, "", 1);
  g_assert_cmpuint (paged->len, ==, whole->len);
  for (guint i = 0; i < paged->len; i++)
    {
      Binned *b = paged->pdata[i], *w = whole->pdata[i];

      g_assert_cmpstr (b->entity, ==, w->entity);
      g_assert_cmpint (b->id, ==, w->id);
      if (g_str_equal (b->entity, "department") && b->id == dept)
        pos_dept = i;
      else if (g_str_equal (b->entity, "role") && b->id == role)
        pos_role = i;
      else if (g_str_equal (b->entity, "customer") && b->id == customer)
        pos_customer = i;
    }
  /* Newest deletion first (the role and the department share a time:
   * then the higher id first). */
  g_assert_cmpint (pos_customer, >=, 0);
  g_assert_cmpint (pos_role, >, pos_customer);
  g_assert_cmpint (pos_dept, >, pos_customer);
  g_assert_cmpint (pos_dept, !=, pos_role);
  g_assert_cmpstr (((Binned *)paged->pdata[pos_role])->title, ==, "全部回收角色 (all_kinds_role)");

  /* One kind alone holds only that kind, newest id first, page by page
   * (here deleted in the opposite order of their ids). */
  {
    gint64 older = create_role (admin, "order_role_a", "顺序角色甲");
    gint64 newer = create_role (admin, "order_role_b", "顺序角色乙");
    g_autoptr (GPtrArray) roles = NULL;
    g_autoptr (GPtrArray) role_pages = NULL;

    call_ok (admin, CRM_MSG_ROLE_DELETE, "(x)", newer);
    call_ok (admin, CRM_MSG_ROLE_DELETE, "(x)", older);
    roles = bin_list (admin, "role", 500);
    role_pages = bin_list (admin, "role", 1);
    g_assert_cmpuint (roles->len, >=, 3);
    g_assert_cmpuint (role_pages->len, ==, roles->len);
    for (guint i = 0; i < roles->len; i++)
      {
        g_assert_cmpstr (((Binned *)roles->pdata[i])->entity, ==, "role");
        g_assert_cmpint (((Binned *)role_pages->pdata[i])->id, ==, ((Binned *)roles->pdata[i])->id);
        if (i > 0)
          g_assert_cmpint (((Binned *)roles->pdata[i])->id, <, ((Binned *)roles->pdata[i - 1])->id);
      }
  }
  g_free (admin_call_fails (admin, CRM_MSG_RECYCLE_LIST,
                            g_variant_new ("(sxi)", "spaceship", (gint64)0, 10),
                            CRM_ERROR_INVALID_FIELD));

  /* The kinds the console offers in its filter, each with its label. */
  {
    g_autoptr (GVariant) kinds = admin_call (admin, CRM_MSG_RECYCLE_KINDS, NULL);
    g_autoptr (CrmConnection) sales = admin_test_connect ("sales4", "demo1234");
    const char *wanted[] = { "customer", "department", "role" };

    for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
      {
        gboolean found = FALSE;

        for (gsize i = 0; i < g_variant_n_children (kinds); i++)
          {
            const char *entity, *label;

            g_variant_get_child (kinds, i, "(&s&s)", &entity, &label);
            if (g_str_equal (entity, wanted[w]))
              {
                g_assert_cmpstr (label, !=, "");
                found = TRUE;
              }
          }
        g_assert_true (found);
      }
    g_free (admin_call_fails (sales, CRM_MSG_RECYCLE_KINDS, NULL, CRM_ERROR_PERMISSION_DENIED));
  }
}

/* recycle.manage alone shows only the kinds the user may otherwise see:
 * customers for a customer.view holder, not departments or roles. */
static void
test_recycle_kind_permission (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autoptr (CrmConnection) clerk = NULL;
  g_autoptr (GVariant) kinds = NULL;
  g_autoptr (GPtrArray) all = NULL;
  gint64 dept = admin_create_department (admin, "店员看不到部", 0);
  g_autofree char *key = admin_key ();
  g_autoptr (GVariantDict) d = g_variant_dict_new (NULL);
  g_autoptr (GVariant) created = NULL;

  g_variant_dict_insert (d, "name", "s", "bin_clerk");
  g_variant_dict_insert (d, "display_name", "s", "回收站店员");
  g_variant_dict_insert_value (
      d, "grants", g_variant_new_parsed ("[('recycle.manage', @u 3), ('customer.view', @u 3)]"));
  created = admin_call (admin, CRM_MSG_ROLE_CREATE,
                        g_variant_new ("(s@a{sv})", key, g_variant_dict_end (d)));
  admin_create_user (admin, "bin.clerk", "bin_clerk", 0, 0);
  clerk = admin_test_connect ("bin.clerk", ADMIN_PASSWORD);
  call_ok (admin, CRM_MSG_DEPARTMENT_DELETE, "(x)", dept);

  kinds = admin_call (clerk, CRM_MSG_RECYCLE_KINDS, NULL);
  for (gsize i = 0; i < g_variant_n_children (kinds); i++)
    {
      const char *entity;

      g_variant_get_child (kinds, i, "(&s&s)", &entity, NULL);
      g_assert_cmpstr (entity, !=, "department");
      g_assert_cmpstr (entity, !=, "role");
    }
  all = bin_list (clerk, "", 500);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (((Binned *)all->pdata[i])->entity, ==, "customer");
  g_free (admin_call_fails (clerk, CRM_MSG_RECYCLE_LIST,
                            g_variant_new ("(sxi)", "department", (gint64)0, 10),
                            CRM_ERROR_INVALID_FIELD));
  call_fails (clerk, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_INVALID_FIELD,
              g_variant_new ("(sx)", "department", dept));
  g_assert_true (in_bin (admin, "department", dept));
}

/* Hostile arguments get clear errors (or an empty page), never a crash. */
static void
test_recycle_hostile (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  g_autofree char *huge = g_strnfill (10000, 'x');
  const char *kinds[] = { "customer'; DROP TABLE roles; --", huge, "CUSTOMER", " customer", "%" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_free (admin_call_fails (admin, CRM_MSG_RECYCLE_LIST,
                                g_variant_new ("(sxi)", kinds[i], (gint64)0, 10),
                                CRM_ERROR_INVALID_FIELD));
      call_fails (admin, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_INVALID_FIELD,
                  g_variant_new ("(sx)", kinds[i], (gint64)1));
      call_fails (admin, CRM_MSG_RECYCLE_PURGE, CRM_ERROR_INVALID_FIELD,
                  g_variant_new ("(sx)", kinds[i], (gint64)1));
    }
  /* Ids and cursors out of range: nothing found, pages clamped. */
  call_fails (admin, CRM_MSG_RECYCLE_RESTORE, CRM_ERROR_NOT_FOUND,
              g_variant_new ("(sx)", "department", G_MININT64));
  call_fails (admin, CRM_MSG_RECYCLE_PURGE, CRM_ERROR_NOT_FOUND,
              g_variant_new ("(sx)", "role", G_MAXINT64));
  {
    const gint64 befores[] = { G_MININT64, -1, G_MAXINT64 };
    const gint32 limits[] = { G_MININT32, 0, G_MAXINT32 };

    for (guint b = 0; b < G_N_ELEMENTS (befores); b++)
      for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
        for (guint k = 0; k < 2; k++)
          {
            g_autoptr (GVariant) reply = admin_call (
                admin, CRM_MSG_RECYCLE_LIST,
                g_variant_new ("(sxi)", k ? "" : "customer", befores[b], limits[l]));
            g_autoptr (GVariant) rows = g_variant_get_child_value (reply, 0);

            g_assert_cmpuint (g_variant_n_children (rows), <=, 500);
          }
  }
  {
    g_autofree char *roles = admin_db_query ("SELECT count(*) > 0 FROM roles");

    g_assert_cmpstr (roles, ==, "t");
  }
}

/* ---- Live pushes ---- */

typedef struct
{
  GPtrArray *seen; /* "entity:id:action" */
  guint      count;
} Changes;

static void
changes_cb (CrmConnection *conn, guint id, GVariant *body, gpointer data)
{
  Changes    *c = data;
  const char *entity, *action;
  gint64      rid, version;

  if (id != CRM_MSG_PUSH_RECORD_CHANGED)
    return;
  g_variant_get (body, "(&sxx&s)", &entity, &rid, &version, &action);
  g_ptr_array_add (c->seen, g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", entity, rid, action));
  c->count++;
}

static gboolean
changes_has (Changes *c, const char *entity, gint64 id, const char *action)
{
  g_autofree char *want = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", entity, id, action);

  for (guint i = 0; i < c->seen->len; i++)
    if (g_str_equal (c->seen->pdata[i], want))
      return TRUE;
  return FALSE;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Waits until `entity:id:action` arrives on `c` (30 s at most). */
static gboolean
changes_wait (Changes *c, const char *entity, gint64 id, const char *action)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint  tick = g_timeout_add (100, tick_cb, NULL);

  while (!changes_has (c, entity, id, action) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return changes_has (c, entity, id, action);
}

static void
test_push_team (void)
{
  g_autoptr (CrmConnection) admin = admin_test_connect_admin ();
  gint64 other_id = admin_create_user (admin, "push.admin2", "administrator", 0, 0);
  g_autoptr (CrmConnection) other = admin_test_connect ("push.admin2", ADMIN_PASSWORD);
  g_autoptr (CrmConnection) sales = admin_test_connect ("sales5", "demo1234");
  Changes seen = { g_ptr_array_new_with_free_func (g_free), 0 };
  Changes sales_seen = { g_ptr_array_new_with_free_func (g_free), 0 };
  gint64  dept, user, role;

  g_signal_connect (other, "push", G_CALLBACK (changes_cb), &seen);
  g_signal_connect (sales, "push", G_CALLBACK (changes_cb), &sales_seen);

  /* One administrator changes the team; the other hears of each change. */
  dept = admin_create_department (admin, "推送测试部", 0);
  g_assert_true (changes_wait (&seen, "department", dept, "create"));
  {
    g_autofree char *key = admin_key ();
    g_autoptr (GVariantDict) d = g_variant_dict_new (NULL);

    g_variant_dict_insert (d, "name", "s", "推送测试二部");
    g_variant_unref (admin_call (admin, CRM_MSG_DEPARTMENT_UPDATE,
                                 g_variant_new ("(sx@a{sv})", key, dept, g_variant_dict_end (d))));
  }
  g_assert_true (changes_wait (&seen, "department", dept, "update"));

  user = admin_create_user (admin, "push.someone", "salesperson", dept, 0);
  g_assert_true (changes_wait (&seen, "user", user, "create"));
  call_ok (admin, CRM_MSG_USER_SET_DISABLED, "(xb)", user, TRUE);
  g_assert_true (changes_wait (&seen, "user", user, "update"));

  role = create_role (admin, "push_role", "推送角色");
  g_assert_true (changes_wait (&seen, "role", role, "create"));
  call_ok (admin, CRM_MSG_ROLE_DELETE, "(x)", role);
  g_assert_true (changes_wait (&seen, "role", role, "delete"));
  call_ok (admin, CRM_MSG_RECYCLE_RESTORE, "(sx)", "role", role);
  g_assert_true (changes_wait (&seen, "role", role, "restore"));

  /* A forced sign-out changes what the accounts page shows of that user. */
  {
    g_autoptr (CrmConnection) victim = NULL;
    g_autoptr (GVariant) sessions = NULL;
    g_autoptr (GVariant) first = NULL;
    const char *session_id = NULL;

    call_ok (admin, CRM_MSG_USER_SET_DISABLED, "(xb)", user, FALSE);
    victim = admin_test_connect ("push.someone", ADMIN_PASSWORD);
    sessions = admin_call (admin, CRM_MSG_SESSION_LIST, g_variant_new ("(x)", user));
    g_assert_cmpuint (g_variant_n_children (sessions), >=, 1);
    first = g_variant_get_child_value (sessions, 0);
    g_assert_true (g_variant_lookup (first, "id", "&s", &session_id));
    g_ptr_array_set_size (seen.seen, 0);
    call_ok (admin, CRM_MSG_SESSION_REVOKE, "(s)", session_id);
    g_assert_true (changes_wait (&seen, "user", user, "update"));
  }

  /* A salesperson reads the department tree and hears of it, but not of
   * accounts or roles (no user.view): the role's and user's changes were
   * sent before this department's, and pushes keep their order. */
  call_ok (admin, CRM_MSG_USER_SET_DISABLED, "(xb)", user, FALSE);
  call_ok (admin, CRM_MSG_DEPARTMENT_DELETE, "(x)", admin_create_department (admin, "推送尾部", 0));
  {
    g_autofree char *last = admin_db_query (
        "SELECT max(id) FROM departments WHERE name = '推送尾部'");
    gint64 tail = g_ascii_strtoll (last, NULL, 10);

    g_assert_true (changes_wait (&sales_seen, "department", tail, "delete"));
    g_assert_true (changes_has (&sales_seen, "department", dept, "create"));
    for (guint i = 0; i < sales_seen.seen->len; i++)
      {
        const char *s = sales_seen.seen->pdata[i];

        g_assert_false (g_str_has_prefix (s, "role:") || g_str_has_prefix (s, "user:"));
      }
  }
  (void)other_id;
  g_signal_handlers_disconnect_by_data (other, &seen);
  g_signal_handlers_disconnect_by_data (sales, &sales_seen);
  g_ptr_array_unref (seen.seen);
  g_ptr_array_unref (sales_seen.seen);
}

void
admin_add_recycle_tests (void)
{
  g_test_add_func ("/admin/recycle/department", test_recycle_department);
  g_test_add_func ("/admin/recycle/role", test_recycle_role);
  g_test_add_func ("/admin/recycle/all-kinds", test_recycle_all_kinds);
  g_test_add_func ("/admin/recycle/kind-permission", test_recycle_kind_permission);
  g_test_add_func ("/admin/recycle/hostile", test_recycle_hostile);
  g_test_add_func ("/admin/push/team", test_push_team);
}
