/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin-sensitive"
#include "config.h"

#include "settings/crm-sensitive.h"

/*
 * Sensitive members hidden by permission (settings/crm-sensitive.c), on
 * the shapes replies take: one record, a list of records, a page
 * "(aa{sv}x)", records nested in a record's value.
 */

static CrmSession *
session_with (const char *permission)
{
  GStrv permissions = g_new0 (char *, 3);

  permissions[0] = g_strdup ("customer.view");
  permissions[1] = g_strdup (permission);
  return crm_session_new ("hash", 7, 0, "tester", "Tester", permissions, G_MAXINT64, FALSE);
}

static gboolean
has_member (GVariant *record, const char *member)
{
  g_autoptr (GVariant) v = g_variant_lookup_value (record, member, NULL);

  return v != NULL;
}

static void
test_sensitive_shapes (void)
{
  g_autoptr (CrmSession) clerk = session_with (NULL);
  g_autoptr (CrmSession) boss = session_with ("product.view_cost");
  g_autoptr (GVariant) page = NULL;
  g_autoptr (GVariant) clerk_page = NULL;
  g_autoptr (GVariant) boss_page = NULL;
  g_autoptr (GVariant) plain = NULL;
  g_autoptr (GVariant) row0 = NULL;
  g_autoptr (GVariant) nested = NULL;

  crm_sensitive_reset ();
  page = g_variant_ref_sink (g_variant_new_parsed (
      "([{'name': <'螺丝'>, 'cost_price': <int64 120>, 'price': <int64 200>},"
      "  {'name': <'螺母'>, 'lines': <[{'qty': <3>, 'cost_price': <int64 5>}]>}], int64 42)"));

  /* Nothing registered: the very same value comes back. */
  plain = crm_sensitive_filter (clerk, g_variant_ref (page));
  g_assert_true (plain == page);
  g_assert_false (crm_sensitive_any ());

  crm_sensitive_register ("cost_price", "product.view_cost");
  g_assert_true (crm_sensitive_any ());

  /* Without the permission: gone at every depth, the rest intact. */
  clerk_page = crm_sensitive_filter (clerk, g_variant_ref (page));
  g_assert_true (g_variant_is_of_type (clerk_page, G_VARIANT_TYPE ("(aa{sv}x)")));
  {
    g_autoptr (GVariant) rows = g_variant_get_child_value (clerk_page, 0);
    g_autoptr (GVariant) lines = NULL;
    gint64 next = 0;

    g_variant_get_child (clerk_page, 1, "x", &next);
    g_assert_cmpint (next, ==, 42);
    g_assert_cmpuint (g_variant_n_children (rows), ==, 2);
    row0 = g_variant_get_child_value (rows, 0);
    g_assert_false (has_member (row0, "cost_price"));
    g_assert_true (has_member (row0, "price"));
    g_assert_true (has_member (row0, "name"));
    nested = g_variant_get_child_value (rows, 1);
    lines = g_variant_lookup_value (nested, "lines", G_VARIANT_TYPE ("aa{sv}"));
    g_assert_nonnull (lines);
    {
      g_autoptr (GVariant) line = g_variant_get_child_value (lines, 0);

      g_assert_false (has_member (line, "cost_price"));
      g_assert_true (has_member (line, "qty"));
    }
  }

  /* With it: untouched (the same value). */
  boss_page = crm_sensitive_filter (boss, g_variant_ref (page));
  g_assert_true (boss_page == page);

  /* A single record, a floating reply, and no session at all. */
  {
    g_autoptr (GVariant) record = crm_sensitive_filter (
        NULL, g_variant_new_parsed ("{'salary': <int64 9000>, 'cost_price': <int64 1>}"));

    crm_sensitive_register ("salary", "user.view_salary");
    g_assert_false (has_member (record, "cost_price"));
    g_clear_pointer (&record, g_variant_unref);
    record = crm_sensitive_filter (
        NULL, g_variant_new_parsed ("{'salary': <int64 9000>, 'login': <'a'>}"));
    g_assert_false (has_member (record, "salary"));
    g_assert_true (has_member (record, "login"));
  }
  crm_sensitive_reset ();
  g_assert_false (crm_sensitive_any ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/admin/sensitive/shapes", test_sensitive_shapes);
  return g_test_run ();
}
