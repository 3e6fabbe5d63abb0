/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Numbering rules (编号规则) of customers, contracts, …: prefix, date
 * pattern, zero-padded sequence, and the period after which the sequence
 * starts again.  The server keeps one gap-free counter per entity and
 * period key (crm_numbering_period) and formats with crm_numbering_format;
 * the admin console previews with the same functions.
 */

typedef enum {
  CRM_NUMBERING_RESET_NEVER,
  CRM_NUMBERING_RESET_DAILY,
  CRM_NUMBERING_RESET_MONTHLY,
  CRM_NUMBERING_RESET_YEARLY,
} CrmNumberingReset;

typedef struct
{
  const char *prefix;       /* "KH"; 0–16 letters (any script), digits, '-' or '_' */
  const char *date_pattern; /* "", "yyyy", "yy", "yyyyMM", "yyMM", "yyyyMMdd", "yyMMdd" */
  const char *separator;    /* "", "-", "_", "/" or "." between the parts */
  guint width;              /* digits of the sequence, 1–12, zero-padded */
  CrmNumberingReset reset;
} CrmNumberingRule;

/* FALSE with a translated CRM_ERROR_INVALID_FIELD naming "prefix",
 * "date_pattern", "separator", "width" or "reset" — also when the date
 * pattern cannot tell the reset periods apart (a daily reset needs the day
 * in the number, or numbers would repeat). */
gboolean crm_numbering_rule_check (const CrmNumberingRule *rule, GError **error);

/* Number `sequence` of the period containing `when` (local time):
 * "KH-20261127-0001".  A sequence wider than `width` keeps all its digits.
 * NULL when the rule is invalid. */
char *crm_numbering_format (const CrmNumberingRule *rule, GDateTime *when, guint64 sequence);

/* Key of the counter for the period containing `when`: "2026-11-27",
 * "2026-11", "2026", or "" for a rule that never resets.  NULL when the
 * rule is invalid. */
char *crm_numbering_period (const CrmNumberingRule *rule, GDateTime *when);

G_END_DECLS
