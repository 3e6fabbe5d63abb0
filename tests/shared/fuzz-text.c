/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-text"
#include "config.h"

#include "crm-pinyin.h"
#include "crm-validate.h"
#include "fuzz-shared.h"

static void
check_pinyin (char *pinyin, char *initials)
{
  g_assert_nonnull (pinyin);
  g_assert_nonnull (initials);
  for (const char *p = pinyin; *p != '\0'; p++)
    g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p));
  for (const char *p = initials; *p != '\0'; p++)
    g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p));
  g_assert_cmpuint (strlen (initials), <=, strlen (pinyin));
  g_free (pinyin);
  g_free (initials);
}

/* Pinyin is lowercase ASCII whatever the input; the validators answer
 * with an error exactly when they return FALSE. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  char *initials = NULL;
  char *pinyin;

  pinyin = crm_pinyin_from_text (text, &initials);
  check_pinyin (pinyin, initials);
  pinyin = crm_pinyin_from_person_name (text, &initials);
  check_pinyin (pinyin, initials);

  {
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(GError) e3 = NULL;
    g_autoptr(GError) e4 = NULL;
    g_autoptr(GError) e5 = NULL;
    g_autoptr(GError) e6 = NULL;
    g_autoptr(GError) e7 = NULL;

    g_assert_true (crm_validate_email (text, "email", &e1) == (e1 == NULL));
    g_assert_true (crm_validate_postal_code (text, "postal_code", &e2) == (e2 == NULL));
    g_assert_true (crm_validate_mobile (text, "mobile", &e3) == (e3 == NULL));
    g_assert_true (crm_validate_text (text, 20, TRUE, "name", &e4) == (e4 == NULL));
    g_assert_true (crm_validate_text (text, 0, FALSE, "notes", &e5) == (e5 == NULL));
    g_assert_true (crm_validate_id_card (text, "id_card", &e6) == (e6 == NULL));
    g_assert_true (crm_validate_credit_code (text, "credit_code", &e7) == (e7 == NULL));
    if (e1 != NULL)
      g_assert_true (g_utf8_validate (e1->message, -1, NULL));
  }
  return 0;
}

#ifndef CRM_FUZZING_LIBFUZZER
static const char *const tokens[] = {
  "北京", "智邦", "重庆", "银行", "单", "曾", "尉迟", "长", "绿", "ABC", "abc", "123", "Ｚ", "é",
  "ü", "@", ".", "-", "_", "cn", "com", "例子", " ", "\t", "\n", "\x01", "\x7f", "\xc2\x85",
  "\xff", "\xe5\x8c", "\xf0\x9f\x98\x80", "𠀀", "（", "）", "100080", "１３８", "11010519491231002", "X", "9144030071526726X", "G",
};

int
main (int argc, char *argv[])
{
  return fuzz_shared_main ("fuzz-text", tokens, G_N_ELEMENTS (tokens), 50000, argc, argv);
}
#endif
