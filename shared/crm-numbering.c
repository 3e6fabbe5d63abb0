/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-numbering"

#include "config.h"

#include "crm-numbering.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-error.h"

#define PREFIX_MAX_CHARS 16
#define WIDTH_MAX 12

typedef struct
{
  const char *pattern;
  const char *strftime; /* g_date_time_format */
  CrmNumberingReset finest; /* the finest reset period it can tell apart */
} DatePattern;

static const DatePattern date_patterns[] = {
  { "", "", CRM_NUMBERING_RESET_NEVER },
  { "yyyy", "%Y", CRM_NUMBERING_RESET_YEARLY },
  { "yy", "%y", CRM_NUMBERING_RESET_YEARLY },
  { "yyyyMM", "%Y%m", CRM_NUMBERING_RESET_MONTHLY },
  { "yyMM", "%y%m", CRM_NUMBERING_RESET_MONTHLY },
  { "yyyyMMdd", "%Y%m%d", CRM_NUMBERING_RESET_DAILY },
  { "yyMMdd", "%y%m%d", CRM_NUMBERING_RESET_DAILY },
};

static const DatePattern *
find_pattern (const char *pattern)
{
  for (gsize i = 0; i < G_N_ELEMENTS (date_patterns); i++)
    if (strcmp (date_patterns[i].pattern, pattern != NULL ? pattern : "") == 0)
      return &date_patterns[i];
  return NULL;
}

/* How fine a period is: daily 3 > monthly 2 > yearly 1 > never 0. */
static int
fineness (CrmNumberingReset reset)
{
  switch (reset)
    {
    case CRM_NUMBERING_RESET_DAILY:
      return 3;
    case CRM_NUMBERING_RESET_MONTHLY:
      return 2;
    case CRM_NUMBERING_RESET_YEARLY:
      return 1;
    case CRM_NUMBERING_RESET_NEVER:
    default:
      return 0;
    }
}

static gboolean
invalid (GError **error, const char *field, const char *message)
{
  g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message));
  return FALSE;
}

gboolean
crm_numbering_rule_check (const CrmNumberingRule *rule, GError **error)
{
  const char *prefix = rule->prefix != NULL ? rule->prefix : "";
  const char *separator = rule->separator != NULL ? rule->separator : "";
  const DatePattern *pattern;
  glong n = 0;

  if (!g_utf8_validate (prefix, -1, NULL))
    return invalid (error, "prefix", _("The prefix may hold only letters, digits, “-” and “_”"));
  for (const char *p = prefix; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar ch = g_utf8_get_char (p);

      if (!g_unichar_isalnum (ch) && ch != '-' && ch != '_')
        return invalid (error, "prefix",
                        _("The prefix may hold only letters, digits, “-” and “_”"));
    }
  if (n > PREFIX_MAX_CHARS)
    return invalid (error, "prefix", _("The prefix is longer than 16 characters"));

  if (strcmp (separator, "") != 0 && strcmp (separator, "-") != 0 && strcmp (separator, "_") != 0
      && strcmp (separator, "/") != 0 && strcmp (separator, ".") != 0)
    return invalid (error, "separator", _("The separator must be empty, “-”, “_”, “/” or “.”"));

  pattern = find_pattern (rule->date_pattern);
  if (pattern == NULL)
    return invalid (error, "date_pattern", _("Unknown date pattern"));

  if (rule->width < 1 || rule->width > WIDTH_MAX)
    return invalid (error, "width", _("The sequence must have 1 to 12 digits"));

  if (rule->reset != CRM_NUMBERING_RESET_NEVER && rule->reset != CRM_NUMBERING_RESET_DAILY
      && rule->reset != CRM_NUMBERING_RESET_MONTHLY && rule->reset != CRM_NUMBERING_RESET_YEARLY)
    return invalid (error, "reset", _("Unknown reset period"));
  if (fineness (rule->reset) > fineness (pattern->finest))
    return invalid (error, "reset",
                    _("Numbers would repeat: the date pattern must include the reset period"));
  return TRUE;
}

char *
crm_numbering_format (const CrmNumberingRule *rule, GDateTime *when, guint64 sequence)
{
  const DatePattern *pattern;
  GString *out;
  const char *separator;

  g_return_val_if_fail (rule != NULL, NULL);
  g_return_val_if_fail (when != NULL, NULL);

  if (!crm_numbering_rule_check (rule, NULL))
    return NULL;
  pattern = find_pattern (rule->date_pattern);
  separator = rule->separator != NULL ? rule->separator : "";
  out = g_string_new (rule->prefix != NULL ? rule->prefix : "");
  if (*pattern->strftime != '\0')
    {
      g_autofree char *date = g_date_time_format (when, pattern->strftime);

      if (out->len > 0)
        g_string_append (out, separator);
      g_string_append (out, date);
    }
  if (out->len > 0)
    g_string_append (out, separator);
  g_string_append_printf (out, "%0*" G_GUINT64_FORMAT, (int) rule->width, sequence);
  return g_string_free (out, FALSE);
}

char *
crm_numbering_period (const CrmNumberingRule *rule, GDateTime *when)
{
  g_return_val_if_fail (rule != NULL, NULL);
  g_return_val_if_fail (when != NULL, NULL);

  if (!crm_numbering_rule_check (rule, NULL))
    return NULL;
  switch (rule->reset)
    {
    case CRM_NUMBERING_RESET_DAILY:
      return g_date_time_format (when, "%Y-%m-%d");
    case CRM_NUMBERING_RESET_MONTHLY:
      return g_date_time_format (when, "%Y-%m");
    case CRM_NUMBERING_RESET_YEARLY:
      return g_date_time_format (when, "%Y");
    case CRM_NUMBERING_RESET_NEVER:
    default:
      return g_strdup ("");
    }
}
