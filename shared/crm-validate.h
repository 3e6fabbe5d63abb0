/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Field checks shared by the client (at the field) and the server (always).
 * Each returns TRUE if valid; otherwise sets a translated error in
 * CRM_ERROR / CRM_ERROR_INVALID_FIELD naming `field`. */
/* A mainland mobile (crm_phone_normalize() kind MOBILE, no extension). */
gboolean crm_validate_mobile      (const char *text, const char *field, GError **error);
/* Anything crm_phone_normalize() accepts: mobile, landline (with or
 * without area code, with an extension), service or foreign number. */
gboolean crm_validate_phone       (const char *text, const char *field, GError **error);
/* Exactly six ASCII digits, the first 0–8, not 000000; no trimming. */
gboolean crm_validate_postal_code (const char *text, const char *field, GError **error);
/* local@domain: local part ≤ 64 of the RFC 5322 atom characters and dots
 * (not leading, trailing or doubled) or non-ASCII; domain of ≥ 2 labels
 * of letters/digits/hyphens (non-ASCII allowed), a TLD of ≥ 2 letters;
 * ≤ 254 bytes in all. */
gboolean crm_validate_email       (const char *text, const char *field, GError **error);
/* Resident ID number (居民身份证号码, GB 11643): 18 characters, a known
 * province, a real date of birth not in the future, and the MOD 11-2 check
 * character (digit or X, either case). */
gboolean crm_validate_id_card     (const char *text, const char *field, GError **error);
/* Unified social credit code of an organisation (统一社会信用代码,
 * GB 32100): 18 characters of 0-9 and A-Y without I, O, S, V, Z (either
 * case), digits in the division code, and the MOD 31 check character. */
gboolean crm_validate_credit_code (const char *text, const char *field, GError **error);
/* Valid UTF-8 with no control characters (tab and line breaks allowed),
 * bidirectional overrides or Unicode line separators; non-blank when
 * `required` (NULL counts as ""); at most `max_chars` characters (0: no
 * limit), counted on the text as given. */
gboolean crm_validate_text        (const char *text, gsize max_chars, gboolean required,
                                   const char *field, GError **error);

G_END_DECLS
