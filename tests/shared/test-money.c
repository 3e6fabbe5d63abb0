/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "crm-error.h"
#include "crm-money.h"

static void
test_money_format (void)
{
  static const struct
  {
    CrmMoney fen;
    const char *text;
  } v[] = {
    { 0, "¥0.00" },
    { 1, "¥0.01" },
    { 10, "¥0.10" },
    { 100, "¥1.00" },
    { 123456, "¥1,234.56" },
    { 12345678, "¥123,456.78" },
    { 123456789, "¥1,234,567.89" },
    { 100000, "¥1,000.00" },
    { 99999, "¥999.99" },
    { -1200, "-¥12.00" },
    { -5, "-¥0.05" },
    { G_MAXINT64, "¥92,233,720,368,547,758.07" },
    { G_MININT64, "-¥92,233,720,368,547,758.08" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *s = crm_money_format (v[i].fen);
      g_assert_cmpstr (s, ==, v[i].text);
    }
}

static void
test_money_parse_good (void)
{
  static const struct
  {
    const char *text;
    CrmMoney fen;
  } v[] = {
    { "0", 0 },
    { "1234.5", 123450 },
    { "1,234.56", 123456 },
    { "1,234,567.89", 123456789 },
    { "¥12", 1200 },
    { "￥12", 1200 },
    { "¥ 12.30", 1230 },
    { "12元", 1200 },
    { "12.3元", 1230 },
    { "12元整", 1200 },
    { " 12.05 ", 1205 },
    { "-12.00", -1200 },
    { "-¥12.00", -1200 },
    { "¥-12", -1200 },
    { "+7", 700 },
    { "RMB 100", 10000 },
    { "１２３４．５６", 123456 },
    { "１，２３４", 123400 },
    { "0.01", 1 },
    { "007", 700 },
    { "92233720368547758.07", G_MAXINT64 },
    { "-92233720368547758.08", G_MININT64 },
    { "-0", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autoptr(GError) error = NULL;
      CrmMoney fen = 42;

      g_test_message ("parse %s", v[i].text);
      g_assert_true (crm_money_parse (v[i].text, &fen, &error));
      g_assert_no_error (error);
      g_assert_cmpint (fen, ==, v[i].fen);
    }
}

static void
test_money_parse_bad (void)
{
  static const char *const bad[] = {
    "", " ", "abc", "12.345", "1.2.3", "12.", ".5", "1,23", "12,345,67", ",123", "1,,234",
    "1234,567", "12a", "12元5", "元", "¥", "--12", "- -12", "1e5", "0x10", "12 34", "NaN",
    "92233720368547758.08", "-92233720368547758.09", "99999999999999999999999999", "12$",
    "\xff", "１２\xc0", "12元元",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *shown = g_strescape (bad[i], NULL);
      CrmMoney fen = 42;

      g_test_message ("reject %s", shown);
      g_assert_false (crm_money_parse (bad[i], &fen, &error));
      g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
      g_assert_cmpint (fen, ==, 0);
    }
  g_assert_false (crm_money_parse (NULL, NULL, NULL));
}

static void
test_money_roundtrip (void)
{
  static const CrmMoney v[] = { 0, 1, 99, 100, 123456789, -987654321, G_MAXINT64, G_MININT64 };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *s = crm_money_format (v[i]);
      CrmMoney back = 0;

      g_assert_true (crm_money_parse (s, &back, NULL));
      g_assert_cmpint (back, ==, v[i]);
    }
}

static void
test_money_upper (void)
{
  static const struct
  {
    CrmMoney fen;
    const char *text;
  } v[] = {
    { 0, "零元整" },
    { 1, "壹分" },
    { 50, "伍角" },
    { 55, "伍角伍分" },
    { 100, "壹元整" },
    { 105, "壹元零伍分" },
    { 1000, "壹拾元整" },
    { 10000, "壹佰元整" },
    { 10050, "壹佰元零伍角" },
    { 123456, "壹仟贰佰叁拾肆元伍角陆分" },
    { 140950, "壹仟肆佰零玖元伍角" },
    { 168032, "壹仟陆佰捌拾元零叁角贰分" },
    { 100100, "壹仟零壹元整" },
    { 101000, "壹仟零壹拾元整" },
    { 1000100, "壹万零壹元整" },
    { 10000000, "壹拾万元整" },
    { 10700053, "壹拾万柒仟元零伍角叁分" },
    { 100010000, "壹佰万零壹佰元整" },
    { 1000000000, "壹仟万元整" },
    { 1000100000, "壹仟万壹仟元整" },
    { G_GINT64_CONSTANT (10000000000), "壹亿元整" },
    { G_GINT64_CONSTANT (10001000000), "壹亿零壹万元整" },
    { G_GINT64_CONSTANT (10000000100), "壹亿零壹元整" },
    { G_GINT64_CONSTANT (10000100000), "壹亿零壹仟元整" },
    { G_GINT64_CONSTANT (12345678900), "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整" },
    { G_GINT64_CONSTANT (100000000000000), "壹万亿元整" },
    { G_GINT64_CONSTANT (100000000000100), "壹万亿零壹元整" },
    { -12345, "负壹佰贰拾叁元肆角伍分" },
    { G_MAXINT64, "玖万贰仟贰佰叁拾叁万亿柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *s = crm_money_to_chinese_upper (v[i].fen);
      g_assert_cmpstr (s, ==, v[i].text);
    }
  g_autofree char *min = crm_money_to_chinese_upper (G_MININT64);
  g_assert_true (g_str_has_prefix (min, "负玖万贰仟"));
  g_assert_true (g_str_has_suffix (min, "元零捌分"));
}

static void
test_money_plain (void)
{
  static const struct
  {
    CrmMoney fen;
    const char *text;
  } v[] = {
    { 0, "0.00" }, { 5, "0.05" }, { 123456789, "1234567.89" }, { -1200, "-12.00" },
    { G_MAXINT64, "92233720368547758.07" }, { G_MININT64, "-92233720368547758.08" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *s = crm_money_format_plain (v[i].fen);
      CrmMoney back = 0;

      g_assert_cmpstr (s, ==, v[i].text);
      g_assert_true (crm_money_parse (s, &back, NULL));
      g_assert_cmpint (back, ==, v[i].fen);
    }
}

static void
test_money_arithmetic (void)
{
  CrmMoney r = 7;

  g_assert_true (crm_money_add (150, -250, &r));
  g_assert_cmpint (r, ==, -100);
  g_assert_true (crm_money_add (G_MAXINT64 - 1, 1, &r));
  g_assert_cmpint (r, ==, G_MAXINT64);
  r = 7;
  g_assert_false (crm_money_add (G_MAXINT64, 1, &r));
  g_assert_false (crm_money_add (G_MININT64, -1, &r));
  g_assert_cmpint (r, ==, 7);
  g_assert_true (crm_money_add (G_MININT64, G_MAXINT64, &r));
  g_assert_cmpint (r, ==, -1);

  g_assert_true (crm_money_multiply (1999, 3, &r));
  g_assert_cmpint (r, ==, 5997);
  g_assert_true (crm_money_multiply (-1999, 3, &r));
  g_assert_cmpint (r, ==, -5997);
  r = 7;
  g_assert_false (crm_money_multiply (G_MAXINT64 / 2 + 1, 2, &r));
  g_assert_false (crm_money_multiply (G_MININT64, -1, &r));
  g_assert_cmpint (r, ==, 7);
  g_assert_true (crm_money_multiply (G_MININT64, 1, &r));
  g_assert_cmpint (r, ==, G_MININT64);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shared/money/format", test_money_format);
  g_test_add_func ("/shared/money/parse/good", test_money_parse_good);
  g_test_add_func ("/shared/money/parse/bad", test_money_parse_bad);
  g_test_add_func ("/shared/money/roundtrip", test_money_roundtrip);
  g_test_add_func ("/shared/money/chinese-upper", test_money_upper);
  g_test_add_func ("/shared/money/plain", test_money_plain);
  g_test_add_func ("/shared/money/arithmetic", test_money_arithmetic);
  return g_test_run ();
}
