/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A floating, non-trivial value of any definite type (arrays hold two
 * elements, strings are Chinese and ASCII); `seed` varies the content. */
GVariant *test_sample_value (const GVariantType *type, guint seed);

G_END_DECLS
