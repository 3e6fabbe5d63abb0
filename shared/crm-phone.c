/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-phone"

#include "config.h"

#include "crm-phone.h"

#include <string.h>

/*
 * Chinese numbers as people type them: "138 1234 5678", "+86-138…",
 * "(010)6212-3456 转 801", "0755-8888 8888#12", "４００－８１０－８８８８",
 * "010-62123456-123".  Everything is first folded with NFKC so that
 * full-width digits and punctuation behave like ASCII.
 */

/* Longer inputs are not phone numbers; the cap also bounds the work. */
#define PHONE_MAX_BYTES 128
#define EXT_MAX_DIGITS 6

char *
crm_phone_digits (const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (text, -1);
  folded = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  out = g_string_new (NULL);
  for (const char *p = folded != NULL ? folded : ""; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static gboolean
is_separator (char c)
{
  return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

/* Splits off an explicit extension ("转", "分机", "ext", "x", "#", ",").
 * Returns FALSE on junk after the marker. */
static gboolean
split_extension (char *text, char **extension)
{
  static const char *const markers[] = { "转", "分机", "ext.", "ext", "x", "#", ",", ";", "p", "w" };
  char *best = NULL;
  gsize best_len = 0;
  GString *ext;

  *extension = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      char *hit = strstr (text, markers[i]);
      if (hit != NULL && (best == NULL || hit < best))
        {
          best = hit;
          best_len = strlen (markers[i]);
        }
    }
  if (best == NULL)
    return TRUE;

  ext = g_string_new (NULL);
  for (const char *p = best + best_len; *p != '\0';)
    {
      gsize skip = 0;

      if (g_ascii_isdigit (*p))
        g_string_append_c (ext, *p);
      else if (!is_separator (*p) && *p != ':')
        {
          /* "转分机 801": a second marker word before the digits. */
          for (gsize i = 0; i < G_N_ELEMENTS (markers) && skip == 0; i++)
            if (ext->len == 0 && g_str_has_prefix (p, markers[i]))
              skip = strlen (markers[i]);
          if (skip == 0)
            {
              g_string_free (ext, TRUE);
              return FALSE;
            }
          p += skip;
          continue;
        }
      p++;
    }
  *best = '\0';
  if (ext->len == 0 || ext->len > EXT_MAX_DIGITS)
    {
      g_string_free (ext, TRUE);
      return FALSE;
    }
  *extension = g_string_free (ext, FALSE);
  return TRUE;
}

static gboolean
all_digits (const char *s, gsize from, gsize len)
{
  for (gsize i = from; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Area codes: 010 and 02x have three digits and are followed by eight;
 * the others have four (0xxx) and are followed by seven or eight. */
static gboolean
is_landline_with_area (const char *d, gsize len)
{
  if (len < 2 || d[0] != '0' || d[1] == '0')
    return FALSE;
  if (d[1] == '1' || d[1] == '2')
    {
      if (d[1] == '1' && d[2] != '0')
        return FALSE;
      return len == 11 && d[3] >= '2' && d[3] <= '9';
    }
  return (len == 11 || len == 12) && d[4] >= '2' && d[4] <= '9';
}

/* Classifies a national number (digits only); may rewrite it to canonical
 * form in place (dropping a spurious leading 0 before a mobile). */
static CrmPhoneKind
classify_national (GString *d)
{
  const char *s = d->str;
  gsize len = d->len;

  if (len == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9')
    return CRM_PHONE_MOBILE;
  /* "013812345678": a trunk 0 dialled before a mobile. */
  if (len == 12 && s[0] == '0' && s[1] == '1' && s[2] >= '3' && s[2] <= '9')
    {
      g_string_erase (d, 0, 1);
      return CRM_PHONE_MOBILE;
    }
  if (len == 10 && (g_str_has_prefix (s, "400") || g_str_has_prefix (s, "800")))
    return CRM_PHONE_SERVICE;
  /* 95xxx (banks, carriers), optionally with a few more digits. */
  if (len >= 5 && len <= 8 && s[0] == '9' && s[1] == '5')
    return CRM_PHONE_SERVICE;
  /* Short numbers: 110, 120, 10086, 12315, 12345. */
  if (len >= 3 && len <= 5 && s[0] == '1' && s[1] >= '0' && s[1] <= '2')
    return CRM_PHONE_SERVICE;
  if (is_landline_with_area (s, len))
    return CRM_PHONE_LANDLINE;
  if ((len == 7 || len == 8) && s[0] >= '2' && s[0] <= '9')
    return CRM_PHONE_LANDLINE;
  return CRM_PHONE_INVALID;
}

/* Parses a number without extension.  `raw` holds digits, separators and
 * at most one leading '+'.  Returns the canonical form or NULL. */
static char *
parse_main (const char *raw, CrmPhoneKind *kind)
{
  g_autoptr(GString) d = g_string_new (NULL);
  gboolean plus = FALSE;
  gboolean seen_digit = FALSE;

  *kind = CRM_PHONE_INVALID;
  for (const char *p = raw; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (d, *p);
          seen_digit = TRUE;
        }
      else if (*p == '+' && !seen_digit && !plus)
        plus = TRUE;
      else if (!is_separator (*p))
        return NULL;
    }
  if (d->len == 0 || d->len > 20)
    return NULL;

  if (!plus && g_str_has_prefix (d->str, "00"))
    {
      g_string_erase (d, 0, 2);
      plus = TRUE;
    }

  if (plus)
    {
      if (!g_str_has_prefix (d->str, "86"))
        {
          /* E.164: at most 15 digits, country codes never start with 0. */
          if (d->len < 8 || d->len > 15 || d->str[0] == '0')
            return NULL;
          *kind = CRM_PHONE_FOREIGN;
          return g_strconcat ("+", d->str, NULL);
        }
      g_string_erase (d, 0, 2);
      /* International form drops the trunk 0 of area codes: +86 10 6212 3456. */
      if (d->len > 0 && d->str[0] != '0'
          && !(d->len == 11 && d->str[0] == '1' && d->str[1] >= '3')
          && !(d->len == 10 && (g_str_has_prefix (d->str, "400") || g_str_has_prefix (d->str, "800"))))
        g_string_prepend_c (d, '0');
    }
  else if (d->len == 13 && g_str_has_prefix (d->str, "86") && d->str[2] == '1')
    {
      g_string_erase (d, 0, 2);
    }

  *kind = classify_national (d);
  if (*kind == CRM_PHONE_INVALID)
    return NULL;
  return g_strdup (d->str);
}

char *
crm_phone_normalize (const char *text, CrmPhoneKind *kind, char **extension)
{
  g_autofree char *folded = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *ext = NULL;
  CrmPhoneKind k = CRM_PHONE_INVALID;
  char *result = NULL;

  if (kind != NULL)
    *kind = CRM_PHONE_INVALID;
  if (extension != NULL)
    *extension = NULL;

  if (text == NULL || strlen (text) > PHONE_MAX_BYTES || !g_utf8_validate (text, -1, NULL))
    return NULL;
  folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (folded == NULL)
    return NULL;
  lower = g_ascii_strdown (folded, -1);
  trimmed = g_strstrip (g_strdup (lower));
  if (*trimmed == '\0')
    return NULL;

  if (!split_extension (trimmed, &ext))
    return NULL;

  result = parse_main (trimmed, &k);
  if (result == NULL && ext == NULL)
    {
      /* "010-62123456-123": the last dash group may be an extension. */
      char *dash = strrchr (trimmed, '-');
      gsize tail;

      if (dash != NULL)
        {
          tail = strlen (dash + 1);
          if (tail >= 1 && tail <= EXT_MAX_DIGITS && all_digits (dash + 1, 0, tail))
            {
              g_autofree char *tail_digits = g_strdup (dash + 1);

              *dash = '\0';
              result = parse_main (trimmed, &k);
              if (result != NULL && k != CRM_PHONE_LANDLINE && k != CRM_PHONE_SERVICE)
                g_clear_pointer (&result, g_free);
              if (result != NULL)
                ext = g_steal_pointer (&tail_digits);
            }
        }
    }
  if (result == NULL)
    return NULL;
  /* Mobiles and foreign numbers have no extensions we could dial. */
  if (ext != NULL && k != CRM_PHONE_LANDLINE && k != CRM_PHONE_SERVICE)
    {
      g_free (result);
      return NULL;
    }

  if (kind != NULL)
    *kind = k;
  if (extension != NULL)
    *extension = g_steal_pointer (&ext);
  return result;
}

/* Length of the area code of a national landline number (with its 0). */
static gsize
area_code_length (const char *digits)
{
  return digits[1] == '1' || digits[1] == '2' ? 3 : 4;
}

char *
crm_phone_format (const char *text)
{
  CrmPhoneKind kind;
  g_autofree char *ext = NULL;
  g_autofree char *norm = crm_phone_normalize (text, &kind, &ext);
  GString *out;
  gsize len;

  if (norm == NULL)
    return NULL;
  len = strlen (norm);
  out = g_string_new (NULL);
  switch (kind)
    {
    case CRM_PHONE_MOBILE:
      g_string_append_printf (out, "%.3s %.4s %.4s", norm, norm + 3, norm + 7);
      break;
    case CRM_PHONE_LANDLINE:
      if (norm[0] == '0')
        {
          gsize area = area_code_length (norm);
          g_string_append_len (out, norm, (gssize) area);
          g_string_append_c (out, '-');
          g_string_append (out, norm + area);
        }
      else
        g_string_append (out, norm);
      break;
    case CRM_PHONE_SERVICE:
      if (len == 10)
        g_string_append_printf (out, "%.3s-%.3s-%.4s", norm, norm + 3, norm + 6);
      else
        g_string_append (out, norm);
      break;
    case CRM_PHONE_FOREIGN:
    case CRM_PHONE_INVALID:
    default:
      g_string_append (out, norm);
      break;
    }
  if (ext != NULL)
    g_string_append_printf (out, " 转 %s", ext);
  return g_string_free (out, FALSE);
}

char *
crm_phone_match_key (const char *text, const char *local_area_code)
{
  CrmPhoneKind kind;
  g_autofree char *norm = crm_phone_normalize (text, &kind, NULL);
  g_autofree char *with_area = NULL;
  gsize area_len;

  if (norm == NULL)
    return NULL;
  if (kind != CRM_PHONE_LANDLINE || norm[0] == '0' || local_area_code == NULL
      || *local_area_code == '\0')
    return g_steal_pointer (&norm);

  /* The area code must be one, and the result a valid landline. */
  area_len = strlen (local_area_code);
  if (area_len < 3 || area_len > 4 || local_area_code[0] != '0'
      || !all_digits (local_area_code, 0, area_len))
    return NULL;
  with_area = g_strconcat (local_area_code, norm, NULL);
  if (!is_landline_with_area (with_area, strlen (with_area))
      || area_code_length (with_area) != area_len)
    return NULL;
  return g_steal_pointer (&with_area);
}
