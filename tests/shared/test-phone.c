/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "crm-phone.h"

typedef struct
{
  const char *text;
  const char *normal; /* NULL: invalid */
  CrmPhoneKind kind;
  const char *extension;
} Vector;

static const Vector vectors[] = {
  /* Mobiles, with every prefix and separator people use. */
  { "13812345678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "138 1234 5678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "138-1234-5678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "+86 138 1234 5678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "+86-13812345678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "008613812345678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "8613812345678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "(+86)13812345678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "013812345678", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "１３８１２３４５６７８", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "１３８－１２３４－５６７８", "13812345678", CRM_PHONE_MOBILE, NULL },
  { "  19912345678  ", "19912345678", CRM_PHONE_MOBILE, NULL },
  { "12812345678", NULL, CRM_PHONE_INVALID, NULL },
  { "1381234567", NULL, CRM_PHONE_INVALID, NULL },
  { "138123456789", NULL, CRM_PHONE_INVALID, NULL },
  { "13812345678转12", NULL, CRM_PHONE_INVALID, NULL },
  /* Landlines. */
  { "010-62123456", "01062123456", CRM_PHONE_LANDLINE, NULL },
  { "(010)62123456", "01062123456", CRM_PHONE_LANDLINE, NULL },
  { "（010）6212 3456", "01062123456", CRM_PHONE_LANDLINE, NULL },
  { "+86 10 6212 3456", "01062123456", CRM_PHONE_LANDLINE, NULL },
  { "+86 (0)10 6212 3456", "01062123456", CRM_PHONE_LANDLINE, NULL },
  { "0086-21-5012-3456", "02150123456", CRM_PHONE_LANDLINE, NULL },
  { "021-50123456", "02150123456", CRM_PHONE_LANDLINE, NULL },
  { "0755-88888888", "075588888888", CRM_PHONE_LANDLINE, NULL },
  { "0571 8765432", "05718765432", CRM_PHONE_LANDLINE, NULL },
  { "62123456", "62123456", CRM_PHONE_LANDLINE, NULL },
  { "6212345", "6212345", CRM_PHONE_LANDLINE, NULL },
  { "010-6212345", NULL, CRM_PHONE_INVALID, NULL },
  { "011-62123456", NULL, CRM_PHONE_INVALID, NULL },
  { "010-02123456", NULL, CRM_PHONE_INVALID, NULL },
  { "0755-888888888", NULL, CRM_PHONE_INVALID, NULL },
  /* Extensions. */
  { "010-62123456转801", "01062123456", CRM_PHONE_LANDLINE, "801" },
  { "010-62123456 转 801", "01062123456", CRM_PHONE_LANDLINE, "801" },
  { "010-62123456分机801", "01062123456", CRM_PHONE_LANDLINE, "801" },
  { "010-62123456 转分机 801", "01062123456", CRM_PHONE_LANDLINE, "801" },
  { "010-62123456 ext: 801", "01062123456", CRM_PHONE_LANDLINE, "801" },
  { "010-62123456 转 80 1x", NULL, CRM_PHONE_INVALID, NULL },
  { "010-62123456 ext 12", "01062123456", CRM_PHONE_LANDLINE, "12" },
  { "010-62123456 EXT.12", "01062123456", CRM_PHONE_LANDLINE, "12" },
  { "010-62123456x12", "01062123456", CRM_PHONE_LANDLINE, "12" },
  { "0755-88888888#12", "075588888888", CRM_PHONE_LANDLINE, "12" },
  { "0755-88888888＃12", "075588888888", CRM_PHONE_LANDLINE, "12" },
  { "010-62123456-123", "01062123456", CRM_PHONE_LANDLINE, "123" },
  { "400-810-8888转2", "4008108888", CRM_PHONE_SERVICE, "2" },
  { "010-62123456转", NULL, CRM_PHONE_INVALID, NULL },
  { "010-62123456转1234567", NULL, CRM_PHONE_INVALID, NULL },
  { "010-62123456转abc", NULL, CRM_PHONE_INVALID, NULL },
  /* Service numbers. */
  { "400-810-8888", "4008108888", CRM_PHONE_SERVICE, NULL },
  { "４００８１０８８８８", "4008108888", CRM_PHONE_SERVICE, NULL },
  { "800 820 8820", "8008208820", CRM_PHONE_SERVICE, NULL },
  { "95588", "95588", CRM_PHONE_SERVICE, NULL },
  { "10086", "10086", CRM_PHONE_SERVICE, NULL },
  { "110", "110", CRM_PHONE_SERVICE, NULL },
  { "+86 400 810 8888", "4008108888", CRM_PHONE_SERVICE, NULL },
  /* Foreign. */
  { "+1 650 253 0000", "+16502530000", CRM_PHONE_FOREIGN, NULL },
  { "001-650-253-0000", "+16502530000", CRM_PHONE_FOREIGN, NULL },
  { "+852 2123 4567", "+85221234567", CRM_PHONE_FOREIGN, NULL },
  { "+0 123 4567", NULL, CRM_PHONE_INVALID, NULL },
  { "+1 2", NULL, CRM_PHONE_INVALID, NULL },
  { "+1234567890123456", NULL, CRM_PHONE_INVALID, NULL },
  /* Junk. */
  { "", NULL, CRM_PHONE_INVALID, NULL },
  { "   ", NULL, CRM_PHONE_INVALID, NULL },
  { "abc", NULL, CRM_PHONE_INVALID, NULL },
  { "电话13812345678", NULL, CRM_PHONE_INVALID, NULL },
  { "138+12345678", NULL, CRM_PHONE_INVALID, NULL },
  { "++8613812345678", NULL, CRM_PHONE_INVALID, NULL },
  { "12", NULL, CRM_PHONE_INVALID, NULL },
  { "0", NULL, CRM_PHONE_INVALID, NULL },
  { "\xff\xfe", NULL, CRM_PHONE_INVALID, NULL },
  { "138\xc0""12345678", NULL, CRM_PHONE_INVALID, NULL },
  { "99999999999999999999999999999", NULL, CRM_PHONE_INVALID, NULL },
};

static void
test_phone_normalize_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      CrmPhoneKind kind = 42;
      g_autofree char *ext = g_strdup ("stale");
      g_autofree char *normal = NULL;

      g_autofree char *shown = g_strescape (vectors[i].text, NULL);

      g_test_message ("vector %" G_GSIZE_FORMAT ": %s", i, shown);
      g_clear_pointer (&ext, g_free);
      normal = crm_phone_normalize (vectors[i].text, &kind, &ext);
      g_assert_cmpstr (normal, ==, vectors[i].normal);
      g_assert_cmpint (kind, ==, vectors[i].kind);
      g_assert_cmpstr (ext, ==, vectors[i].extension);
    }
}

static void
test_phone_normalize_null_outputs (void)
{
  g_autofree char *normal = crm_phone_normalize ("010-62123456转8", NULL, NULL);

  g_assert_cmpstr (normal, ==, "01062123456");
  g_assert_null (crm_phone_normalize (NULL, NULL, NULL));
}

static void
test_phone_normalize_oversized (void)
{
  g_autofree char *big = g_strnfill (100000, '1');
  g_autofree char *spaces = g_strnfill (1000, ' ');
  g_autofree char *padded = g_strconcat (spaces, "13812345678", NULL);
  CrmPhoneKind kind;

  g_assert_null (crm_phone_normalize (big, &kind, NULL));
  g_assert_cmpint (kind, ==, CRM_PHONE_INVALID);
  g_assert_null (crm_phone_normalize (padded, &kind, NULL));
}

static void
test_phone_digits (void)
{
  static const struct
  {
    const char *in, *out;
  } v[] = {
    { "010-6212 3456", "01062123456" },
    { "（010）６２１２－３４５６", "01062123456" },
    { "+86 138 1234 5678", "8613812345678" },
    { "tel: 138.1234.5678 转 9", "138123456789" },
    { "", "" },
    { "无", "" },
    { "\xff""12\xfe""3", "123" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *d = crm_phone_digits (v[i].in);
      g_assert_cmpstr (d, ==, v[i].out);
    }
  g_autofree char *n = crm_phone_digits (NULL);
  g_assert_cmpstr (n, ==, "");
}

static void
test_phone_format (void)
{
  static const struct
  {
    const char *in, *out;
  } v[] = {
    { "13812345678", "138 1234 5678" },
    { "+86-138-1234-5678", "138 1234 5678" },
    { "(010)62123456", "010-62123456" },
    { "0755 8888 8888#12", "0755-88888888 转 12" },
    { "02150123456", "021-50123456" },
    { "05925123456", "0592-5123456" },
    { "62123456", "62123456" },
    { "4008108888", "400-810-8888" },
    { "95588", "95588" },
    { "+1 650 253 0000", "+16502530000" },
    { "abc", NULL },
    { "", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *s = crm_phone_format (v[i].in);
      g_assert_cmpstr (s, ==, v[i].out);
      /* The display form reads back as the same number. */
      if (s != NULL)
        {
          g_autofree char *a = crm_phone_normalize (s, NULL, NULL);
          g_autofree char *b = crm_phone_normalize (v[i].in, NULL, NULL);
          g_assert_cmpstr (a, ==, b);
        }
    }
  g_assert_null (crm_phone_format (NULL));
}

static void
test_phone_match_key (void)
{
  static const struct
  {
    const char *in, *area, *key;
  } v[] = {
    /* The same Beijing line, however it is written or delivered. */
    { "010-62123456", "010", "01062123456" },
    { "+86 10 6212 3456", "021", "01062123456" },
    { "62123456", "010", "01062123456" },
    { "6212 3456", "010", "01062123456" },
    { "010-62123456转801", "010", "01062123456" },
    { "(010)62123456-12", NULL, "01062123456" },
    /* Mobiles do not take area codes. */
    { "+86 138 1234 5678", "010", "13812345678" },
    { "013812345678", "0755", "13812345678" },
    /* Four-digit area codes; 7-digit local numbers. */
    { "88888888", "0755", "075588888888" },
    { "5123456", "0592", "05925123456" },
    /* Unknown area: the local number is the key. */
    { "62123456", NULL, "62123456" },
    { "62123456", "", "62123456" },
    /* Service and foreign numbers as they are. */
    { "400-810-8888", "010", "4008108888" },
    { "+1 650 253 0000", "010", "+16502530000" },
    /* Bad input or a bad area code. */
    { "abc", "010", NULL },
    { "62123456", "10", NULL },
    { "62123456", "0a0", NULL },
    { "62123456", "01234", NULL },
    { "6212345", "010", NULL }, /* Beijing numbers have eight digits */
    { "62123456", "0100", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *key = crm_phone_match_key (v[i].in, v[i].area);

      g_test_message ("vector %" G_GSIZE_FORMAT, i);
      g_assert_cmpstr (key, ==, v[i].key);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shared/phone/normalize/vectors", test_phone_normalize_vectors);
  g_test_add_func ("/shared/phone/normalize/null-outputs", test_phone_normalize_null_outputs);
  g_test_add_func ("/shared/phone/normalize/oversized", test_phone_normalize_oversized);
  g_test_add_func ("/shared/phone/digits", test_phone_digits);
  g_test_add_func ("/shared/phone/format", test_phone_format);
  g_test_add_func ("/shared/phone/match-key", test_phone_match_key);
  return g_test_run ();
}
