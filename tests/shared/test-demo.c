/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "crm-demo.h"
#include "crm-phone.h"
#include "crm-pinyin.h"
#include "crm-validate.h"

static void
assert_same_customer (const CrmDemoCustomer *a, const CrmDemoCustomer *b)
{
  g_assert_cmpuint (a->index, ==, b->index);
  g_assert_cmpstr (a->code, ==, b->code);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->short_name, ==, b->short_name);
  g_assert_cmpstr (a->category, ==, b->category);
  g_assert_cmpstr (a->industry, ==, b->industry);
  g_assert_cmpstr (a->source, ==, b->source);
  g_assert_cmpstr (a->region, ==, b->region);
  g_assert_cmpstr (a->value, ==, b->value);
  g_assert_true (g_strv_equal ((const char *const *) a->phones, (const char *const *) b->phones));
  g_assert_cmpstr (a->address, ==, b->address);
  g_assert_cmpstr (a->postal_code, ==, b->postal_code);
  g_assert_cmpstr (a->contact_name, ==, b->contact_name);
  g_assert_cmpstr (a->contact_title, ==, b->contact_title);
  g_assert_cmpstr (a->notes, ==, b->notes);
  g_assert_cmpstr (a->contact_gender, ==, b->contact_gender);
  g_assert_cmpstr (a->contact_birthday, ==, b->contact_birthday);
  g_assert_cmpstr (a->contact_email, ==, b->contact_email);
  g_assert_cmpstr (a->name_pinyin, ==, b->name_pinyin);
  g_assert_cmpstr (a->name_initials, ==, b->name_initials);
}

static void
test_demo_deterministic (void)
{
  g_autoptr(CrmDemoGenerator) g1 = crm_demo_generator_new (42);
  g_autoptr(CrmDemoGenerator) g2 = crm_demo_generator_new (42);
  g_autoptr(CrmDemoGenerator) other = crm_demo_generator_new (43);
  guint differing = 0;

  for (guint i = 0; i < 2000; i++)
    {
      g_auto(CrmDemoCustomer) a = { 0 };
      g_auto(CrmDemoCustomer) b = { 0 };
      g_auto(CrmDemoCustomer) c = { 0 };

      crm_demo_generator_next (g1, &a);
      crm_demo_generator_next (g2, &b);
      crm_demo_generator_next (other, &c);
      assert_same_customer (&a, &b);
      if (g_strcmp0 (a.name, c.name) != 0)
        differing++;
    }
  /* Another seed is another data set. */
  g_assert_cmpuint (differing, >, 1900);
}

/* The stream is pinned: the same seed gives the same rows on every machine
 * and in every release, so demo databases and bug reports can be
 * reproduced from a seed. */
static void
test_demo_golden (void)
{
  g_autoptr(CrmDemoGenerator) gen = crm_demo_generator_new (7);
  g_auto(CrmDemoCustomer) c = { 0 };

  crm_demo_generator_next (gen, &c);
  g_assert_cmpstr (c.code, ==, "KH00000001");
  g_assert_cmpstr (c.name, ==, "顺豪（银川）智能科技有限公司");
  g_assert_cmpstr (c.phones[0], ==, "15510354575");
  g_assert_cmpstr (c.postal_code, ==, "750001");
  crm_demo_customer_clear (&c);
  crm_demo_generator_next (gen, &c);
  g_assert_cmpstr (c.name, ==, "南京泓源模具有限公司");
  g_assert_cmpstr (c.phones[1], ==, "025-37927470");
}

static void
test_demo_valid_fields (void)
{
  g_autoptr(CrmDemoGenerator) gen = crm_demo_generator_new (2026);

  for (guint i = 0; i < 20000; i++)
    {
      g_auto(CrmDemoCustomer) c = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;

      crm_demo_generator_next (gen, &c);
      code = g_strdup_printf ("KH%08u", i + 1);
      g_assert_cmpstr (c.code, ==, code);
      g_assert_true (crm_validate_text (c.name, 100, TRUE, "name", &error));
      g_assert_true (crm_validate_text (c.short_name, 30, TRUE, "short_name", &error));
      g_assert_true (crm_validate_text (c.address, 200, TRUE, "address", &error));
      g_assert_true (crm_validate_text (c.notes, 500, FALSE, "notes", &error));
      g_assert_true (crm_validate_text (c.contact_name, 10, TRUE, "contact", &error));
      g_assert_true (crm_validate_postal_code (c.postal_code, "postal_code", &error));
      g_assert_true (crm_validate_email (c.contact_email, "email", &error));
      g_assert_true (g_str_equal (c.contact_gender, "男") || g_str_equal (c.contact_gender, "女"));
      {
        int y = 0, m = 0, d = 0;

        g_assert_cmpint (sscanf (c.contact_birthday, "%4d-%2d-%2d", &y, &m, &d), ==, 3);
        g_assert_cmpuint (strlen (c.contact_birthday), ==, 10);
        g_assert_true (g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y));
        g_assert_cmpint (y, >=, 1960);
        g_assert_cmpint (y, <=, 1999);
      }
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (c.category, "A") || g_str_has_prefix (c.category, "B")
                     || g_str_has_prefix (c.category, "C") || g_str_has_prefix (c.category, "D"));
      g_assert_true (g_str_has_prefix (c.address, c.province));
      g_assert_nonnull (strstr (c.address, c.district));

      g_assert_nonnull (c.phones);
      g_assert_nonnull (c.phones[0]);
      g_assert_cmpuint (g_strv_length (c.phones), <=, 3);
      g_assert_true (crm_validate_mobile (c.phones[0], "phones[0]", &error));
      g_assert_no_error (error);
      for (guint p = 1; c.phones[p] != NULL; p++)
        {
          CrmPhoneKind kind;
          g_autofree char *norm = crm_phone_normalize (c.phones[p], &kind, NULL);

          g_assert_true (crm_validate_phone (c.phones[p], "phones", &error));
          g_assert_no_error (error);
          g_assert_nonnull (norm);
          if (kind == CRM_PHONE_LANDLINE)
            {
              /* The area code is the customer's city's. */
              const char *dash = strchr (c.phones[p], '-');
              g_autofree char *area = g_strndup (c.phones[p], dash - c.phones[p]);

              g_assert_nonnull (dash);
              g_assert_true (g_str_has_prefix (norm, area));
            }
          else
            g_assert_true (kind == CRM_PHONE_MOBILE || kind == CRM_PHONE_SERVICE);
        }
    }
}

static void
test_demo_pinyin_matches (void)
{
  g_autoptr(CrmDemoGenerator) gen = crm_demo_generator_new (99);

  for (guint i = 0; i < 3000; i++)
    {
      g_auto(CrmDemoCustomer) c = { 0 };
      g_autofree char *initials = NULL;
      g_autofree char *pinyin = NULL;

      crm_demo_generator_next (gen, &c);
      pinyin = crm_pinyin_from_text (c.name, &initials);
      g_assert_cmpstr (c.name_pinyin, ==, pinyin);
      g_assert_cmpstr (c.name_initials, ==, initials);
    }
}

static void
test_demo_distinct_names (void)
{
  g_autoptr(CrmDemoGenerator) gen = crm_demo_generator_new (1);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) shorts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const guint n = 100000;
  guint branches = 0;

  for (guint i = 0; i < n; i++)
    {
      g_auto(CrmDemoCustomer) c = { 0 };

      crm_demo_generator_next (gen, &c);
      if (g_str_has_suffix (c.name, "分公司"))
        branches++;
      g_hash_table_add (names, g_steal_pointer (&c.name));
      g_hash_table_add (shorts, g_steal_pointer (&c.short_name));
    }
  g_test_message ("%u distinct names, %u distinct short names, %u branches in %u rows",
                  g_hash_table_size (names), g_hash_table_size (shorts), branches, n);
  /* Names are unique by construction, and few need a branch to be. */
  g_assert_cmpuint (g_hash_table_size (names), ==, n);
  g_assert_cmpuint (branches, <, n / 100);
  /* Short names repeat (they have no city), but not wholesale. */
  g_assert_cmpuint (g_hash_table_size (shorts), >, n / 4);
}

static void
test_demo_clear (void)
{
  g_autoptr(CrmDemoGenerator) gen = crm_demo_generator_new (5);
  CrmDemoCustomer c = { 0 };
  CrmDemoCustomer zero = { 0 };

  crm_demo_generator_next (gen, &c);
  g_assert_nonnull (c.name);
  crm_demo_customer_clear (&c);
  g_assert_cmpmem (&c, sizeof c, &zero, sizeof zero);
  /* Clearing twice is harmless; the struct is reusable. */
  crm_demo_customer_clear (&c);
  crm_demo_generator_next (gen, &c);
  g_assert_cmpuint (c.index, ==, 2);
  crm_demo_customer_clear (&c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shared/demo/deterministic", test_demo_deterministic);
  g_test_add_func ("/shared/demo/golden", test_demo_golden);
  g_test_add_func ("/shared/demo/valid-fields", test_demo_valid_fields);
  g_test_add_func ("/shared/demo/pinyin-matches", test_demo_pinyin_matches);
  g_test_add_func ("/shared/demo/distinct-names", test_demo_distinct_names);
  g_test_add_func ("/shared/demo/clear", test_demo_clear);
  return g_test_run ();
}
