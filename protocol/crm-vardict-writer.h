/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Writes an "a{sv}" (a vardict) straight into its GVariant serialised
 * form, entry by entry, without building a tree of GVariant instances.
 *
 * GLib's GVariantBuilder allocates, reference-counts and locks three
 * instances per entry (key, variant box, dict entry), then walks them
 * again to serialise: for customer.get's 21 members that was a third of
 * the server's CPU per request.  This writer appends the bytes the
 * serialiser would produce (GVariant specification: strings NUL-ended,
 * entries 8-aligned, framing offsets at the end of each variable-sized
 * container in the smallest width that fits) and hands them to
 * g_variant_new_from_bytes() as trusted.  The result is byte for byte
 * what GVariantBuilder gives for the same entries in the same order
 * (tests/unit/test-vardict-writer.c compares them, across every offset
 * width), so readers see no difference.
 *
 * Keys and string values must be valid UTF-8 without NUL (the caller's
 * data comes from PostgreSQL text columns, which are); add_value takes
 * any GVariant, sinking a floating one like g_variant_builder_add_value()
 * (a caller's own reference stays the caller's).  A writer is used once:
 * init, add…, end.
 */

typedef struct {
  GByteArray *data;      /* serialised entries so far */
  GArray     *ends;      /* guint64: end offset of each entry */
} CrmVardictWriter;

void      crm_vardict_writer_init       (CrmVardictWriter *w);
void      crm_vardict_writer_add_int64  (CrmVardictWriter *w, const char *key, gint64 value);
void      crm_vardict_writer_add_string (CrmVardictWriter *w, const char *key, const char *value);
/* `strv` of `n` strings (n < 0: NULL-terminated). */
void      crm_vardict_writer_add_strv   (CrmVardictWriter *w, const char *key,
                                         const char * const *strv, gssize n);
void      crm_vardict_writer_add_value  (CrmVardictWriter *w, const char *key, GVariant *value);
/* The "a{sv}", floating; the writer is emptied. */
GVariant *crm_vardict_writer_end        (CrmVardictWriter *w);

G_END_DECLS
