/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Chinese sort order (pinyin, ICU's "zh" collation — the one PostgreSQL's
 * zh-x-icu uses), so lists sorted in the client agree with the server's
 * ORDER BY.  Invalid UTF-8 is compared as if repaired with U+FFFD.
 * Thread-safe (one collator per thread). */
int   crm_collate_compare (const char *a, const char *b);

/* A key whose strcmp() order is crm_collate_compare()'s order; for sorting
 * many rows (GtkSorter, GSequence) without re-collating.  Never NULL. */
char *crm_collate_key     (const char *utf8);

G_END_DECLS
