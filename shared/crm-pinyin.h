/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pinyin of Chinese text with ICU's Han-Latin transliterator, tone marks
 * removed, lowercase, syllables joined without spaces ("北京智邦" →
 * "beijingzhibang"); Latin letters and digits are kept (lowercased), other
 * characters dropped.  `initials` (may be NULL) receives the first letter of
 * each syllable / Latin word / digit run ("bjzb").  Thread-safe (one
 * transliterator per thread).  Returns NULL only if ICU fails. */
char *crm_pinyin_from_text (const char *utf8, char **initials);

G_END_DECLS
