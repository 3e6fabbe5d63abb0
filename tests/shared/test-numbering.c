/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "crm-error.h"
#include "crm-numbering.h"

static GDateTime *
day (int y, int m, int d)
{
  return g_date_time_new_utc (y, m, d, 10, 30, 0);
}

static void
test_numbering_format (void)
{
  static const struct
  {
    CrmNumberingRule rule;
    guint64 seq;
    const char *number;
    const char *period;
  } v[] = {
    { { "KH", "yyyyMMdd", "-", 4, CRM_NUMBERING_RESET_DAILY }, 1, "KH-20261127-0001", "2026-11-27" },
    { { "KH", "yyyyMMdd", "-", 4, CRM_NUMBERING_RESET_DAILY }, 12345, "KH-20261127-12345", "2026-11-27" },
    { { "HT", "yyMM", "", 3, CRM_NUMBERING_RESET_MONTHLY }, 7, "HT2611007", "2026-11" },
    { { "HT", "yyyy", "/", 5, CRM_NUMBERING_RESET_YEARLY }, 42, "HT/2026/00042", "2026" },
    { { "合同", "yyyyMM", "_", 2, CRM_NUMBERING_RESET_YEARLY }, 3, "合同_202611_03", "2026" },
    { { "", "", "-", 6, CRM_NUMBERING_RESET_NEVER }, 99, "000099", "" },
    { { "KH", "", "-", 6, CRM_NUMBERING_RESET_NEVER }, 99, "KH-000099", "" },
    { { NULL, "yyMMdd", NULL, 1, CRM_NUMBERING_RESET_DAILY }, 5, "2611275", "2026-11-27" },
    { { "SH", "yyyyMMdd", ".", 12, CRM_NUMBERING_RESET_NEVER }, G_MAXUINT64, "SH.20261127.18446744073709551615", "" },
  };
  g_autoptr(GDateTime) when = day (2026, 11, 27);

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *number = NULL;
      g_autofree char *period = NULL;

      g_assert_true (crm_numbering_rule_check (&v[i].rule, &error));
      g_assert_no_error (error);
      number = crm_numbering_format (&v[i].rule, when, v[i].seq);
      period = crm_numbering_period (&v[i].rule, when);
      g_assert_cmpstr (number, ==, v[i].number);
      g_assert_cmpstr (period, ==, v[i].period);
    }
}

static void
test_numbering_periods (void)
{
  CrmNumberingRule monthly = { "KH", "yyyyMM", "-", 4, CRM_NUMBERING_RESET_MONTHLY };
  g_autoptr(GDateTime) a = day (2026, 11, 1);
  g_autoptr(GDateTime) b = day (2026, 11, 30);
  g_autoptr(GDateTime) c = day (2026, 12, 1);
  g_autofree char *pa = crm_numbering_period (&monthly, a);
  g_autofree char *pb = crm_numbering_period (&monthly, b);
  g_autofree char *pc = crm_numbering_period (&monthly, c);

  /* Same month, same counter; the next month starts again. */
  g_assert_cmpstr (pa, ==, pb);
  g_assert_cmpstr (pa, !=, pc);
}

static void
test_numbering_invalid (void)
{
  static const struct
  {
    CrmNumberingRule rule;
    const char *field;
  } v[] = {
    { { "K H", "yyyyMMdd", "-", 4, CRM_NUMBERING_RESET_DAILY }, "prefix" },
    { { "KH\n", "yyyyMMdd", "-", 4, CRM_NUMBERING_RESET_DAILY }, "prefix" },
    { { "K%H", "yyyyMMdd", "-", 4, CRM_NUMBERING_RESET_DAILY }, "prefix" },
    { { "\xff", "yyyyMMdd", "-", 4, CRM_NUMBERING_RESET_DAILY }, "prefix" },
    { { "ABCDEFGHIJKLMNOPQ", "yyyyMMdd", "-", 4, CRM_NUMBERING_RESET_DAILY }, "prefix" },
    { { "KH", "dd/MM/yyyy", "-", 4, CRM_NUMBERING_RESET_DAILY }, "date_pattern" },
    { { "KH", "%s", "-", 4, CRM_NUMBERING_RESET_NEVER }, "date_pattern" },
    { { "KH", "yyyyMMdd", "--", 4, CRM_NUMBERING_RESET_DAILY }, "separator" },
    { { "KH", "yyyyMMdd", " ", 4, CRM_NUMBERING_RESET_DAILY }, "separator" },
    { { "KH", "yyyyMMdd", "-", 0, CRM_NUMBERING_RESET_DAILY }, "width" },
    { { "KH", "yyyyMMdd", "-", 13, CRM_NUMBERING_RESET_DAILY }, "width" },
    { { "KH", "yyyyMM", "-", 4, CRM_NUMBERING_RESET_DAILY }, "reset" },
    { { "KH", "yyyy", "-", 4, CRM_NUMBERING_RESET_MONTHLY }, "reset" },
    { { "KH", "", "-", 4, CRM_NUMBERING_RESET_YEARLY }, "reset" },
    { { "KH", "yyyy", "-", 4, (CrmNumberingReset) 9 }, "reset" },
  };
  g_autoptr(GDateTime) when = day (2026, 11, 27);

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("rule %" G_GSIZE_FORMAT, i);
      g_assert_false (crm_numbering_rule_check (&v[i].rule, &error));
      g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
      g_assert_cmpstr (crm_error_get_field (error), ==, v[i].field);
      g_assert_null (crm_numbering_format (&v[i].rule, when, 1));
      g_assert_null (crm_numbering_period (&v[i].rule, when));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shared/numbering/format", test_numbering_format);
  g_test_add_func ("/shared/numbering/periods", test_numbering_periods);
  g_test_add_func ("/shared/numbering/invalid", test_numbering_invalid);
  return g_test_run ();
}
