/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pinyin of Chinese text with ICU's Han-Latin transliterator, tone marks
 * removed (ü is written "v"), lowercase, syllables joined without spaces ("北京智邦" →
 * "beijingzhibang"); Latin letters and digits are kept (lowercased), other
 * characters dropped.  `initials` (may be NULL) receives the first letter of
 * each syllable / Latin word / digit run ("bjzb").  Thread-safe (one
 * transliterator per thread).  Returns NULL only if ICU fails. */
char *crm_pinyin_from_text (const char *utf8, char **initials);

/* Same for a person's name: a leading surname takes its surname reading
 * ("单" → "shan", "曾" → "zeng", "尉迟" → "yuchi"). */
char *crm_pinyin_from_person_name (const char *utf8, char **initials);

G_END_DECLS
