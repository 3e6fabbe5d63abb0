/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Field checks shared by the client (at the field) and the server (always).
 * Each returns TRUE if valid; otherwise sets a translated error in
 * CRM_ERROR / CRM_ERROR_INVALID_FIELD naming `field`. */
gboolean crm_validate_mobile      (const char *text, const char *field, GError **error);
gboolean crm_validate_phone       (const char *text, const char *field, GError **error);
gboolean crm_validate_postal_code (const char *text, const char *field, GError **error); /* 6 digits */
gboolean crm_validate_email       (const char *text, const char *field, GError **error);
/* Resident ID number (居民身份证号码, GB 11643): 18 characters, a known
 * province, a real date of birth not in the future, and the MOD 11-2 check
 * character (digit or X, either case). */
gboolean crm_validate_id_card     (const char *text, const char *field, GError **error);
/* Unified social credit code of an organisation (统一社会信用代码,
 * GB 32100): 18 characters of 0-9 and A-Y without I, O, S, V, Z (either
 * case), digits in the division code, and the MOD 31 check character. */
gboolean crm_validate_credit_code (const char *text, const char *field, GError **error);
/* Non-empty after trimming, valid UTF-8, at most max_chars characters. */
gboolean crm_validate_text        (const char *text, gsize max_chars, gboolean required,
                                   const char *field, GError **error);

G_END_DECLS
