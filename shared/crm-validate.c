/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-validate"

#include "config.h"

#include "crm-validate.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-phone.h"

/* Echoing the user's input helps in batch imports; it is shortened and
 * only shown when it is printable text. */
static char *
quote_input (const char *text)
{
  GString *out;
  const char *p;
  guint n = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  out = g_string_new (NULL);
  for (p = text; *p != '\0' && n < 40; p = g_utf8_next_char (p), n++)
    {
      gunichar ch = g_utf8_get_char (p);
      g_string_append_unichar (out, g_unichar_isprint (ch) ? ch : 0xFFFD);
    }
  if (*p != '\0')
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static gboolean
all_ascii_digits (const char *s)
{
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
fail (GError **error, const char *field, const char *message)
{
  g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message));
  return FALSE;
}

gboolean
crm_validate_mobile (const char *text, const char *field, GError **error)
{
  g_autofree char *norm = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *message = NULL;
  CrmPhoneKind kind;

  norm = crm_phone_normalize (text, &kind, &ext);
  if (norm != NULL && kind == CRM_PHONE_MOBILE)
    return TRUE;
  quoted = quote_input (text);
  message = g_strdup_printf (_("“%s” is not a mobile phone number (11 digits starting with 13–19)"), quoted);
  return fail (error, field, message);
}

gboolean
crm_validate_phone (const char *text, const char *field, GError **error)
{
  g_autofree char *norm = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *message = NULL;
  CrmPhoneKind kind;

  norm = crm_phone_normalize (text, &kind, &ext);
  if (norm != NULL)
    return TRUE;
  quoted = quote_input (text);
  message = g_strdup_printf (_("“%s” is not a phone number"), quoted);
  return fail (error, field, message);
}

gboolean
crm_validate_postal_code (const char *text, const char *field, GError **error)
{
  g_autofree char *quoted = NULL;
  g_autofree char *message = NULL;

  /* Chinese postal codes are six digits; the first is 0–8 (province). */
  if (text != NULL && strlen (text) == 6 && all_ascii_digits (text) && text[0] != '9'
      && strcmp (text, "000000") != 0)
    return TRUE;
  quoted = quote_input (text);
  message = g_strdup_printf (_("“%s” is not a postal code (six digits)"), quoted);
  return fail (error, field, message);
}

static gboolean
email_local_ok (const char *s, gsize len)
{
  if (len == 0 || len > 64 || s[0] == '.' || s[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) s[i];

      if (c == '.' && s[i + 1] == '.')
        return FALSE;
      /* Non-ASCII (internationalised addresses) is allowed; the text was
       * checked to be UTF-8 by the caller. */
      if (c >= 0x80 || g_ascii_isalnum (c) || strchr ("!#$%&'*+/=?^_`{|}~.-", c) != NULL)
        continue;
      return FALSE;
    }
  return TRUE;
}

static gboolean
email_domain_ok (const char *s)
{
  g_auto(GStrv) labels = NULL;
  guint n;
  const char *tld;

  if (strlen (s) > 253)
    return FALSE;
  labels = g_strsplit (s, ".", -1);
  n = g_strv_length (labels);
  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const char *l = labels[i];
      gsize len = strlen (l);

      if (len == 0 || len > 63 || l[0] == '-' || l[len - 1] == '-')
        return FALSE;
      for (const char *p = l; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar ch = g_utf8_get_char (p);
          if (ch != '-' && !(ch < 0x80 ? g_ascii_isalnum (ch) : g_unichar_isalnum (ch)))
            return FALSE;
        }
    }
  tld = labels[n - 1];
  if (g_utf8_strlen (tld, -1) < 2)
    return FALSE;
  for (const char *p = tld; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
crm_validate_email (const char *text, const char *field, GError **error)
{
  g_autofree char *quoted = NULL;
  g_autofree char *message = NULL;
  const char *at;

  if (text != NULL && strlen (text) <= 254 && g_utf8_validate (text, -1, NULL))
    {
      at = strchr (text, '@');
      if (at != NULL && strchr (at + 1, '@') == NULL && email_local_ok (text, at - text)
          && email_domain_ok (at + 1))
        return TRUE;
    }
  quoted = quote_input (text);
  message = g_strdup_printf (_("“%s” is not an e-mail address"), quoted);
  return fail (error, field, message);
}

/* Bidirectional overrides and isolates reorder what is displayed (a name
 * could read differently from what is stored and searched); the Unicode
 * line separators break exports.  Neither belongs in a CRM field. */
static gboolean
is_format_trap (gunichar ch)
{
  return (ch >= 0x202A && ch <= 0x202E) || (ch >= 0x2066 && ch <= 0x2069) || ch == 0x2028
         || ch == 0x2029 || ch == 0xFFFE || ch == 0xFFFF;
}

gboolean
crm_validate_text (const char *text, gsize max_chars, gboolean required, const char *field,
                   GError **error)
{
  g_autofree char *message = NULL;
  gsize n = 0;
  gboolean blank = TRUE;

  if (text == NULL)
    text = "";
  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, field, _("The text is not valid UTF-8"));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      /* Control characters corrupt displays and exports; line breaks and
       * tabs are ordinary in notes and addresses. */
      if ((ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') || ch == 0x7F
          || (ch >= 0x80 && ch < 0xA0) || is_format_trap (ch))
        return fail (error, field, _("The text contains control characters"));
      if (!g_unichar_isspace (ch) && ch != 0x3000)
        blank = FALSE;
      n++;
    }
  if (required && blank)
    return fail (error, field, _("This field is required"));
  if (max_chars > 0 && n > max_chars)
    {
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "At most %lu character is allowed",
                                              "At most %lu characters are allowed", max_chars),
                                 (gulong) max_chars);
      return fail (error, field, message);
    }
  return TRUE;
}

static gboolean
province_known (int code)
{
  static const int known[] = {
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (known[i] == code)
      return TRUE;
  return FALSE;
}

gboolean
crm_validate_id_card (const char *text, const char *field, GError **error)
{
  static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char checks[] = "10X98765432";
  g_autofree char *quoted = quote_input (text);
  g_autofree char *message = NULL;
  g_autoptr(GDateTime) now = NULL;
  int sum = 0;
  int year, month, day;

  if (text == NULL || strlen (text) != 18)
    {
      message = g_strdup_printf (_("“%s” is not a resident ID number (18 characters)"), quoted);
      return fail (error, field, message);
    }
  for (int i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        {
          message = g_strdup_printf (_("“%s” is not a resident ID number (18 characters)"), quoted);
          return fail (error, field, message);
        }
      sum += (text[i] - '0') * weights[i];
    }
  if (!province_known ((text[0] - '0') * 10 + (text[1] - '0')))
    {
      message = g_strdup_printf (_("ID number “%s” has an unknown region code"), quoted);
      return fail (error, field, message);
    }
  year = (text[6] - '0') * 1000 + (text[7] - '0') * 100 + (text[8] - '0') * 10 + (text[9] - '0');
  month = (text[10] - '0') * 10 + (text[11] - '0');
  day = (text[12] - '0') * 10 + (text[13] - '0');
  now = g_date_time_new_now_local ();
  if (year < 1800 || month < 1 || month > 12 || day < 1
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year)
      || year * 10000 + month * 100 + day
           > g_date_time_get_year (now) * 10000 + g_date_time_get_month (now) * 100
               + g_date_time_get_day_of_month (now))
    {
      message = g_strdup_printf (_("ID number “%s” contains an impossible date of birth"), quoted);
      return fail (error, field, message);
    }
  if (g_ascii_toupper (text[17]) != checks[sum % 11])
    {
      message = g_strdup_printf (_("The check digit of ID number “%s” is wrong"), quoted);
      return fail (error, field, message);
    }
  return TRUE;
}

gboolean
crm_validate_credit_code (const char *text, const char *field, GError **error)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
  g_autofree char *quoted = quote_input (text);
  g_autofree char *message = NULL;
  int values[18];
  int sum = 0;
  int check;

  if (text == NULL || strlen (text) != 18)
    goto not_a_code;
  for (int i = 0; i < 18; i++)
    {
      const char *hit;

      if (text[i] == '\0')
        goto not_a_code;
      hit = strchr (alphabet, g_ascii_toupper (text[i]));
      if (hit == NULL)
        goto not_a_code;
      values[i] = (int) (hit - alphabet);
    }
  /* Characters 3–8 are the administrative division code. */
  for (int i = 2; i < 8; i++)
    if (values[i] > 9)
      goto not_a_code;
  for (int i = 0; i < 17; i++)
    sum += values[i] * weights[i];
  check = (31 - sum % 31) % 31;
  if (values[17] != check)
    {
      message = g_strdup_printf (_("The check character of credit code “%s” is wrong"), quoted);
      return fail (error, field, message);
    }
  return TRUE;

not_a_code:
  message = g_strdup_printf (_("“%s” is not a unified social credit code (18 characters)"), quoted);
  return fail (error, field, message);
}
