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
/* Non-empty after trimming, valid UTF-8, at most max_chars characters. */
gboolean crm_validate_text        (const char *text, gsize max_chars, gboolean required,
                                   const char *field, GError **error);

G_END_DECLS
