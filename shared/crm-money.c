/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-money"

#include "config.h"

#include "crm-money.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-error.h"

/* Magnitude of any CrmMoney, G_MININT64 included. */
static guint64
magnitude (CrmMoney fen)
{
  return fen < 0 ? (guint64) (-(fen + 1)) + 1 : (guint64) fen;
}

char *
crm_money_format (CrmMoney fen)
{
  guint64 m = magnitude (fen);
  guint64 yuan = m / 100;
  guint cents = (guint) (m % 100);
  char digits[32];
  GString *out = g_string_new (NULL);
  gsize len;

  g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, yuan);
  len = strlen (digits);
  if (fen < 0)
    g_string_append_c (out, '-');
  g_string_append (out, "¥");
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  g_string_append_printf (out, ".%02u", cents);
  return g_string_free (out, FALSE);
}

char *
crm_money_format_plain (CrmMoney fen)
{
  guint64 m = magnitude (fen);

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", fen < 0 ? "-" : "", m / 100,
                          (guint) (m % 100));
}

gboolean
crm_money_add (CrmMoney a, CrmMoney b, CrmMoney *out)
{
  if ((b > 0 && a > G_MAXINT64 - b) || (b < 0 && a < G_MININT64 - b))
    return FALSE;
  *out = a + b;
  return TRUE;
}

gboolean
crm_money_multiply (CrmMoney fen, gint64 quantity, CrmMoney *out)
{
  gint64 r;

  if (__builtin_mul_overflow (fen, quantity, &r))
    return FALSE;
  *out = r;
  return TRUE;
}

static gboolean
parse_fail (GError **error, const char *message)
{
  g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD, message);
  return FALSE;
}

/* Strips `prefix` from *p if present. */
static gboolean
eat (const char **p, const char *prefix)
{
  gsize n = strlen (prefix);

  if (strncmp (*p, prefix, n) != 0)
    return FALSE;
  *p += n;
  return TRUE;
}

static void
skip_spaces (const char **p)
{
  while (**p == ' ' || **p == '\t')
    (*p)++;
}

gboolean
crm_money_parse (const char *text, CrmMoney *out_fen, GError **error)
{
  g_autofree char *folded = NULL;
  const char *p;
  const char *end;
  gboolean negative = FALSE;
  guint64 yuan = 0;
  guint64 fen;
  guint64 limit;
  guint group = 0;      /* digits since the last comma */
  gboolean commas = FALSE;
  guint cents = 0;

  if (out_fen != NULL)
    *out_fen = 0;
  if (text == NULL || strlen (text) > 64 || !g_utf8_validate (text, -1, NULL))
    return parse_fail (error, _("Not an amount of money"));
  /* Full-width digits, "，", "．" and "￥" become ASCII / "¥". */
  folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (folded == NULL)
    return parse_fail (error, _("Not an amount of money"));
  g_strstrip (folded);
  p = folded;

  if (*p == '-' || *p == '+')
    {
      negative = *p == '-';
      p++;
      skip_spaces (&p);
    }
  if (eat (&p, "¥") || eat (&p, "RMB") || eat (&p, "CNY"))
    skip_spaces (&p);
  if (!negative && *p == '-')
    {
      /* "¥-12.00" */
      negative = TRUE;
      p++;
    }

  if (!g_ascii_isdigit (*p))
    return parse_fail (error, _("Not an amount of money"));

  for (; g_ascii_isdigit (*p) || *p == ','; p++)
    {
      if (*p == ',')
        {
          /* Thousands separators must group by three. */
          if ((commas && group != 3) || (!commas && (group < 1 || group > 3)))
            return parse_fail (error, _("Misplaced thousands separator"));
          commas = TRUE;
          group = 0;
          continue;
        }
      if (yuan > (G_MAXUINT64 - 9) / 10)
        return parse_fail (error, _("The amount is too large"));
      yuan = yuan * 10 + (guint64) (*p - '0');
      group++;
    }
  if (commas && group != 3)
    return parse_fail (error, _("Misplaced thousands separator"));

  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return parse_fail (error, _("Not an amount of money"));
      cents = (guint) (*p - '0') * 10;
      p++;
      if (g_ascii_isdigit (*p))
        {
          cents += (guint) (*p - '0');
          p++;
        }
      if (g_ascii_isdigit (*p))
        return parse_fail (error, _("At most two decimal places (fen) are allowed"));
    }

  skip_spaces (&p);
  end = p;
  if (*end != '\0' && !(eat (&end, "元") && (*end == '\0' || eat (&end, "整")) && *end == '\0'))
    return parse_fail (error, _("Not an amount of money"));

  /* A negative amount may reach G_MININT64, one more than G_MAXINT64. */
  limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  if (yuan > limit / 100 || yuan * 100 > limit - cents)
    return parse_fail (error, _("The amount is too large"));
  fen = yuan * 100 + cents;

  if (out_fen != NULL)
    *out_fen = negative && fen > 0 ? -(CrmMoney) (fen - 1) - 1 : (CrmMoney) fen;
  return TRUE;
}

static const char *const upper_digits[] = {
  "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖",
};

/* Writes 1..9999 with 仟佰拾; `lead_zero` asks for a 零 when the group has
 * fewer than four digits but follows a higher group. */
static void
append_group (GString *out, guint n, gboolean lead_zero)
{
  static const char *const units[] = { "仟", "佰", "拾", "" };
  guint div = 1000;
  gboolean pending_zero = lead_zero;
  gboolean started = FALSE;

  for (guint i = 0; i < 4; i++, div /= 10)
    {
      guint d = (n / div) % 10;

      if (d == 0)
        {
          if (started)
            pending_zero = TRUE;
          continue;
        }
      if (pending_zero)
        g_string_append (out, "零");
      g_string_append (out, upper_digits[d]);
      g_string_append (out, units[i]);
      pending_zero = FALSE;
      started = TRUE;
    }
}

/* Groups of four digits from the top: 万亿 (10^12), 亿, 万, units.  For a
 * full gint64 the top group can exceed 9999 (up to 92233 万亿), so it is
 * written recursively with 万. */
static void
append_integer (GString *out, guint64 n)
{
  static const struct
  {
    guint64 scale;
    const char *unit;
  } scales[] = {
    { G_GUINT64_CONSTANT (1000000000000), "万亿" },
    { 100000000, "亿" },
    { 10000, "万" },
    { 1, "" },
  };
  gboolean written = FALSE;
  gboolean zero_gap = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      guint64 part = n / scales[i].scale;

      n %= scales[i].scale;
      if (part == 0)
        {
          if (written)
            zero_gap = TRUE;
          continue;
        }
      if (part > 9999)
        {
          /* Only the 万亿 group: e.g. 92233 万亿 = 玖万贰仟贰佰叁拾叁万亿. */
          append_group (out, (guint) (part / 10000), FALSE);
          g_string_append (out, "万");
          append_group (out, (guint) (part % 10000), part % 10000 < 1000 && part % 10000 > 0);
        }
      else
        append_group (out, (guint) part, written && (zero_gap || part < 1000));
      g_string_append (out, scales[i].unit);
      written = TRUE;
      zero_gap = FALSE;
    }
}

char *
crm_money_to_chinese_upper (CrmMoney fen)
{
  guint64 m = magnitude (fen);
  guint64 yuan = m / 100;
  guint jiao = (guint) (m / 10 % 10);
  guint cents = (guint) (m % 10);
  GString *out = g_string_new (NULL);

  if (fen < 0)
    g_string_append (out, "负");
  if (m == 0)
    {
      g_string_append (out, "零元整");
      return g_string_free (out, FALSE);
    }
  if (yuan > 0)
    {
      append_integer (out, yuan);
      g_string_append (out, "元");
    }
  if (jiao == 0 && cents == 0)
    {
      g_string_append (out, "整");
      return g_string_free (out, FALSE);
    }
  /* 1,680.32 → …捌拾元零叁角贰分; 1.05 → 壹元零伍分 (PBoC rules). */
  if (jiao > 0)
    {
      if (yuan > 0 && yuan % 10 == 0)
        g_string_append (out, "零");
      g_string_append (out, upper_digits[jiao]);
      g_string_append (out, "角");
    }
  else if (yuan > 0)
    g_string_append (out, "零");
  if (cents > 0)
    {
      g_string_append (out, upper_digits[cents]);
      g_string_append (out, "分");
    }
  return g_string_free (out, FALSE);
}
