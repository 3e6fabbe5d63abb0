/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-money"
#include "config.h"

#include "crm-error.h"
#include "crm-money.h"
#include "fuzz-shared.h"

/* Invariants: a parsed amount formats to text that parses back to the same
 * amount; its uppercase form is well-formed; a rejection is an
 * INVALID_FIELD error and leaves 0. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  CrmMoney fen = 42;

  if (!crm_money_parse (text, &fen, &error))
    {
      g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
      g_assert_cmpint (fen, ==, 0);
      return 0;
    }
  g_assert_no_error (error);

  {
    g_autofree char *formatted = crm_money_format (fen);
    g_autofree char *upper = crm_money_to_chinese_upper (fen);
    CrmMoney back = 0;

    g_assert_true (crm_money_parse (formatted, &back, NULL));
    g_assert_cmpint (back, ==, fen);
    g_assert_true (g_utf8_validate (upper, -1, NULL));
    g_assert_true (g_str_has_suffix (upper, "整") || g_str_has_suffix (upper, "角")
                   || g_str_has_suffix (upper, "分"));
    g_assert_null (strstr (upper, "零零"));
  }
  return 0;
}

#ifndef CRM_FUZZING_LIBFUZZER
static const char *const tokens[] = {
  "0", "1", "5", "9", "00", "000", "123", "999", ",", ".", "-", "+", "¥", "￥", "元", "整", " ",
  "RMB", "１", "，", "．", "e", "\xff", "92233720368547758", "9223372036854775807", ",000", ".5",
  ".05", "10", "100", "1000",
};

int
main (int argc, char *argv[])
{
  return fuzz_shared_main ("fuzz-money", tokens, G_N_ELEMENTS (tokens), 100000, argc, argv);
}
#endif
