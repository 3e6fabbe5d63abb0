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
          || (ch >= 0x80 && ch < 0xA0))
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
