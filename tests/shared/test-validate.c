/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-validate.h"

typedef gboolean (*Check) (const char *text, const char *field, GError **error);

static void
check_table (Check check, const char *const *good, const char *const *bad)
{
  for (gsize i = 0; good[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_autofree char *shown = g_strescape (good[i], NULL);

      g_test_message ("good: %s", shown);
      g_assert_true (check (good[i], "f", &error));
      g_assert_no_error (error);
    }
  for (gsize i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_autofree char *shown = g_strescape (bad[i], NULL);

      g_test_message ("bad: %s", shown);
      g_assert_false (check (bad[i], "phones[1]", &error));
      g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
      g_assert_cmpstr (crm_error_get_field (error), ==, "phones[1]");
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 0);
      /* The echoed input is bounded. */
      g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 200);
    }
  /* NULL is bad input, not a crash. */
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (check (NULL, "x", &error));
    g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  }
}

static void
test_validate_mobile (void)
{
  static const char *const good[] = { "13812345678", "+86 138 1234 5678", "１３８１２３４５６７８", NULL };
  static const char *const bad[] = {
    "", "010-62123456", "4008108888", "12812345678", "1381234567", "abc",
    "\xff", "1381234567812345678123456781234567812345678123456781234567812345678", NULL,
  };

  check_table (crm_validate_mobile, good, bad);
}

static void
test_validate_phone (void)
{
  static const char *const good[] = {
    "13812345678", "010-62123456转801", "(0755)88888888", "400-810-8888", "+1 650 253 0000",
    "62123456", NULL,
  };
  static const char *const bad[] = { "", "  ", "12", "电话", "010-62123456转", "\xc0\xaf", NULL };

  check_table (crm_validate_phone, good, bad);
}

static void
test_validate_postal_code (void)
{
  static const char *const good[] = { "100080", "200120", "518000", "010010", "830000", NULL };
  static const char *const bad[] = {
    "", "10008", "1000800", "10008a", "１０００８０", " 100080", "000000", "999999", "10-080",
    "\xff\xff\xff\xff\xff\xff", NULL,
  };

  check_table (crm_validate_postal_code, good, bad);
}

static void
test_validate_email (void)
{
  static const char *const good[] = {
    "zhang.san@jinke.cn", "li+crm@mail.example.com", "wang_wu@sub-domain.example.org",
    "销售@例子.公司", "a@b.co", NULL,
  };
  static const char *const bad[] = {
    "", "zhangsan", "@jinke.cn", "zhang@", "zhang@jinke", "zhang@@jinke.cn", "zhang@jinke..cn",
    ".zhang@jinke.cn", "zhang.@jinke.cn", "zh..ang@jinke.cn", "zhang san@jinke.cn",
    "zhang@-jinke.cn", "zhang@jinke-.cn", "zhang@jinke.c", "zhang@jinke.123", "a@b@c.cn",
    "zhang@jin_ke.cn", "\xff@jinke.cn", NULL,
  };

  check_table (crm_validate_email, good, bad);

  /* Length caps: 64 for the local part, 254 overall. */
  g_autofree char *local65 = g_strnfill (65, 'a');
  g_autofree char *long_local = g_strconcat (local65, "@jinke.cn", NULL);
  g_autofree char *local64 = g_strnfill (64, 'a');
  g_autofree char *ok_local = g_strconcat (local64, "@jinke.cn", NULL);
  g_assert_false (crm_validate_email (long_local, "email", NULL));
  g_assert_true (crm_validate_email (ok_local, "email", NULL));
}

static void
test_validate_id_card (void)
{
  /* The first two are the examples of GB 11643. */
  static const char *const good[] = {
    "11010519491231002X", "11010519491231002x", "440524188001010014", "110101199003074477", NULL,
  };
  static const char *const bad[] = {
    "11010519491231002", "110105194912310021X", "110105194912310023", /* check digit */
    "99010519491231002X", /* no province 99 */
    "110105194902300021", /* 30 February */
    "110105299901010010", /* born in 2999 */
    "1101051949123100XX", "11010519491231002Y", "１１０１０５１９４９１２３１００２Ｘ",
    "110105 1949123100", "\xff" "10105194912310021", NULL,
  };

  check_table (crm_validate_id_card, good, bad);
}

static void
test_validate_credit_code (void)
{
  /* Published codes of real companies and the GB 32100 example. */
  static const char *const good[] = {
    "9144030071526726XG", "91330100716105852F", "91350100M000100Y43", "91110000100018988F",
    "9144030071526726xg", NULL,
  };
  static const char *const bad[] = {
    "9144030071526726XH", "911100001000013814", "9144030071526726X", "9144030071526726XGG",
    "9144O30071526726XG", /* letter O */ "91440A0071526726XG", /* letter in the division code */
    "91I4030071526726XG", "", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", NULL,
  };

  check_table (crm_validate_credit_code, good, bad);
}

static void
test_validate_text (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (crm_validate_text ("北京智邦科技有限公司", 10, TRUE, "name", NULL));
  g_assert_false (crm_validate_text ("北京智邦科技有限公司X", 10, TRUE, "name", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (crm_error_get_field (error), ==, "name");
  g_clear_error (&error);

  g_assert_true (crm_validate_text ("", 10, FALSE, "notes", NULL));
  g_assert_true (crm_validate_text (NULL, 10, FALSE, "notes", NULL));
  g_assert_false (crm_validate_text ("", 10, TRUE, "name", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (crm_validate_text (" \t\n　", 10, TRUE, "name", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (crm_validate_text (NULL, 10, TRUE, "name", &error));
  g_clear_error (&error);

  g_assert_false (crm_validate_text ("abc\xff", 10, FALSE, "name", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (crm_validate_text ("a\x01z", 10, FALSE, "name", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (crm_validate_text ("a\xc2\x85z", 10, FALSE, "name", &error));
  g_clear_error (&error);
  g_assert_true (crm_validate_text ("第一行\n第二行\t完", 20, TRUE, "notes", NULL));
  /* Right-to-left override (U+202E), isolate (U+2066), line separator (U+2028). */
  g_assert_false (crm_validate_text ("北京\xe2\x80\xae智邦", 20, TRUE, "name", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (crm_validate_text ("a\xe2\x81\xa6" "b", 20, TRUE, "name", NULL));
  g_assert_false (crm_validate_text ("a\xe2\x80\xa8" "b", 20, TRUE, "name", NULL));
  /* Ordinary non-ASCII punctuation and emoji are text. */
  g_assert_true (crm_validate_text ("智邦（北京）·科技—😀", 20, TRUE, "name", NULL));
  /* 0 means no length limit. */
  g_autofree char *big = g_strnfill (100000, 'x');
  g_assert_true (crm_validate_text (big, 0, TRUE, "notes", NULL));
  g_assert_false (crm_validate_text (big, 99999, TRUE, "notes", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shared/validate/mobile", test_validate_mobile);
  g_test_add_func ("/shared/validate/phone", test_validate_phone);
  g_test_add_func ("/shared/validate/postal-code", test_validate_postal_code);
  g_test_add_func ("/shared/validate/email", test_validate_email);
  g_test_add_func ("/shared/validate/text", test_validate_text);
  g_test_add_func ("/shared/validate/id-card", test_validate_id_card);
  g_test_add_func ("/shared/validate/credit-code", test_validate_credit_code);
  return g_test_run ();
}
