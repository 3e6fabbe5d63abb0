/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CRM_PHONE_INVALID,
  CRM_PHONE_MOBILE,     /* 1[3-9]xxxxxxxxx */
  CRM_PHONE_LANDLINE,   /* area code 0xx/0xxx + 7–8 digits, or local 7–8 digits */
  CRM_PHONE_SERVICE,    /* 400/800/95xxx/short numbers */
  CRM_PHONE_FOREIGN,    /* +NN other than 86 */
} CrmPhoneKind;

/* Digits only, whatever the separators ("010-6212 3456" → "01062123456");
 * for search indexing. */
char *crm_phone_digits (const char *text);

/* Canonical national form for matching a caller against stored numbers:
 * folds full-width characters (NFKC), strips separators (space, - . / ( )),
 * "+86"/"0086"/"86" prefixes (restoring the area code's trunk 0 of
 * "+86 10 …"), a trunk 0 before a mobile; keeps the area code with its
 * leading 0 for landlines; cuts extensions ("转123", "分机123", "ext 12",
 * "x12", "#12", "-123" after a complete landline) and stores the extension
 * (1–6 digits) in `extension` (may be NULL).  Foreign numbers become
 * "+<digits>" (E.164 length).  Returns NULL (and CRM_PHONE_INVALID) when the
 * text is not a phone number, including text over 128 bytes, invalid
 * UTF-8, letters, and extensions on mobiles. */
char *crm_phone_normalize (const char *text, CrmPhoneKind *kind, char **extension);

/* The key under which a number is stored and looked up when a call comes
 * in: crm_phone_normalize()'s canonical form without the extension, where a
 * local landline number ("62123456", as caller ID delivers local calls)
 * gets `local_area_code` ("010"; may be NULL or "" when unknown, then the
 * local number is the key).  Stored numbers and callers that normalise to
 * the same key are the same line.  NULL when not a phone number, or when
 * `local_area_code` is not an area code. */
char *crm_phone_match_key (const char *text, const char *local_area_code);

/* Display form of a number as Chinese users write it: "138 1234 5678",
 * "010-62123456", "0755-88888888 转 801", "400-810-8888"; foreign numbers
 * in their canonical "+…" form.  NULL when the text is not a phone number. */
char *crm_phone_format (const char *text);

G_END_DECLS
