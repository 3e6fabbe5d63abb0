/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-phone"
#include "config.h"

#include "crm-phone.h"
#include "crm-validate.h"
#include "fuzz-shared.h"

/* Invariants: a normalized number is digits (or "+" and digits for foreign
 * numbers), normalizing it again gives itself, and extensions are 1–6
 * digits.  Validation agrees with normalization. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *ext = NULL;
  g_autofree char *norm = NULL;
  g_autofree char *digits = NULL;
  g_autoptr(GError) error = NULL;
  CrmPhoneKind kind = 99;

  digits = crm_phone_digits (text);
  for (const char *p = digits; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p));

  {
    /* A match key is a fixed point: keying it again gives itself. */
    g_autofree char *key = crm_phone_match_key (text, "0755");

    if (key != NULL)
      {
        g_autofree char *again = crm_phone_match_key (key, "0755");
        g_assert_cmpstr (again, ==, key);
      }
  }

  norm = crm_phone_normalize (text, &kind, &ext);
  g_assert_true (crm_validate_phone (text, "phone", &error) == (norm != NULL));
  g_assert_true ((error == NULL) == (norm != NULL));
  if (norm == NULL)
    {
      g_assert_cmpint (kind, ==, CRM_PHONE_INVALID);
      g_assert_null (ext);
      return 0;
    }
  g_assert_cmpint (kind, !=, CRM_PHONE_INVALID);
  for (const char *p = norm + (kind == CRM_PHONE_FOREIGN ? 1 : 0); *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p));
  if (kind == CRM_PHONE_FOREIGN)
    g_assert_true (norm[0] == '+');
  if (ext != NULL)
    {
      g_assert_cmpuint (strlen (ext), >=, 1);
      g_assert_cmpuint (strlen (ext), <=, 6);
      g_assert_true (kind == CRM_PHONE_LANDLINE || kind == CRM_PHONE_SERVICE);
    }

  {
    CrmPhoneKind again_kind;
    g_autofree char *again_ext = NULL;
    g_autofree char *again = crm_phone_normalize (norm, &again_kind, &again_ext);

    g_assert_cmpstr (again, ==, norm);
    g_assert_cmpint (again_kind, ==, kind);
    g_assert_null (again_ext);
  }

  {
    /* The display form reads back as the same number and extension. */
    CrmPhoneKind shown_kind;
    g_autofree char *shown_ext = NULL;
    g_autofree char *shown = crm_phone_format (text);
    g_autofree char *back = NULL;

    g_assert_nonnull (shown);
    back = crm_phone_normalize (shown, &shown_kind, &shown_ext);
    g_assert_cmpstr (back, ==, norm);
    g_assert_cmpint (shown_kind, ==, kind);
    g_assert_cmpstr (shown_ext, ==, ext);
  }
  return 0;
}

#ifndef CRM_FUZZING_LIBFUZZER
static const char *const tokens[] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "13", "138", "1234", "5678", "010", "021",
  "0755", "400", "800", "95588", "10086", "+", "+86", "0086", "86", "00", "-", " ", "(", ")",
  "（", "）", "－", "＋", "１", "８", "０", "转", "分机", "ext", "EXT.", "x", "#", "＃", ",", ";",
  ".", "/", "\t", "电话", "a", "\xff", "\xe8\xbd", "12345678", "62123456", "88888888",
};

int
main (int argc, char *argv[])
{
  return fuzz_shared_main ("fuzz-phone", tokens, G_N_ELEMENTS (tokens), 100000, argc, argv);
}
#endif
