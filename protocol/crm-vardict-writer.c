/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-protocol"
#include "config.h"

#include <string.h>

#include "crm-vardict-writer.h"

/* Width of the framing offsets of a container whose members take `body`
 * bytes and which stores `n` offsets: the smallest of 1, 2, 4, 8 bytes in
 * which the container's whole size (members plus offsets) can be written
 * (GVariant specification, "Framing Offsets"). */
static guint
offset_width (guint64 body, guint64 n)
{
  if (body + n <= G_MAXUINT8)
    return 1;
  if (body + 2 * n <= G_MAXUINT16)
    return 2;
  if (body + 4 * n <= G_MAXUINT32)
    return 4;
  return 8;
}

static void
append_offset (GByteArray *a, guint64 value, guint width)
{
  guint8 le[8];

  for (guint i = 0; i < width; i++)
    le[i] = (guint8) (value >> (8 * i));
  g_byte_array_append (a, le, width);
}

static void
pad_to_8 (GByteArray *a)
{
  static const guint8 zeros[8] = { 0 };
  guint pad = (8 - (a->len & 7)) & 7;

  if (pad > 0)
    g_byte_array_append (a, zeros, pad);
}

void
crm_vardict_writer_init (CrmVardictWriter *w)
{
  w->data = g_byte_array_sized_new (512);
  w->ends = g_array_sized_new (FALSE, FALSE, sizeof (guint64), 32);
}

/* Opens an entry: 8-aligned, the key with its NUL, padding up to the
 * variant.  Returns the entry's start and sets *key_end (relative). */
static guint
entry_begin (CrmVardictWriter *w, const char *key, guint64 *key_end)
{
  guint start;

  pad_to_8 (w->data);
  start = w->data->len;
  g_byte_array_append (w->data, (const guint8 *) key, strlen (key) + 1);
  *key_end = w->data->len - start;
  pad_to_8 (w->data);
  return start;
}

/* Closes an entry whose variant's value was just written: the NUL and the
 * value's type after it, then the entry's one framing offset (the key's
 * end). */
static void
entry_end (CrmVardictWriter *w, guint start, guint64 key_end, const char *type)
{
  guint64 body, end;

  g_byte_array_append (w->data, (const guint8 *) "", 1);
  g_byte_array_append (w->data, (const guint8 *) type, strlen (type));
  body = w->data->len - start;
  append_offset (w->data, key_end, offset_width (body, 1));
  end = w->data->len;
  g_array_append_val (w->ends, end);
}

void
crm_vardict_writer_add_int64 (CrmVardictWriter *w, const char *key, gint64 value)
{
  guint64 key_end;
  guint start = entry_begin (w, key, &key_end);
  gint64 le = GINT64_TO_LE (value);

  g_byte_array_append (w->data, (const guint8 *) &le, sizeof le);
  entry_end (w, start, key_end, "x");
}

void
crm_vardict_writer_add_string (CrmVardictWriter *w, const char *key, const char *value)
{
  guint64 key_end;
  guint start = entry_begin (w, key, &key_end);

  g_byte_array_append (w->data, (const guint8 *) value, strlen (value) + 1);
  entry_end (w, start, key_end, "s");
}

void
crm_vardict_writer_add_strv (CrmVardictWriter *w, const char *key,
                             const char * const *strv, gssize n)
{
  guint64 key_end;
  guint start = entry_begin (w, key, &key_end);
  guint first = w->data->len;
  guint count = 0;
  guint width;

  for (; (n < 0 ? strv != NULL && strv[count] != NULL : count < (guint) n); count++)
    g_byte_array_append (w->data, (const guint8 *) strv[count], strlen (strv[count]) + 1);
  if (count > 0)
    {
      guint64 body = w->data->len - first;
      guint64 at = 0;

      width = offset_width (body, count);
      for (guint i = 0; i < count; i++)
        {
          /* Offsets live past the strings just written: recompute from
           * the strings rather than from the (growing) buffer. */
          at += strlen (strv[i]) + 1;
          append_offset (w->data, at, width);
        }
    }
  entry_end (w, start, key_end, "as");
}

void
crm_vardict_writer_add_value (CrmVardictWriter *w, const char *key, GVariant *value)
{
  guint64 key_end;
  guint start;
  gsize size;

  g_variant_ref_sink (value);
  start = entry_begin (w, key, &key_end);
  size = g_variant_get_size (value);
  if (size > 0)
    g_byte_array_append (w->data, g_variant_get_data (value), size);
  entry_end (w, start, key_end, g_variant_get_type_string (value));
  g_variant_unref (value);
}

GVariant *
crm_vardict_writer_end (CrmVardictWriter *w)
{
  guint n = w->ends->len;
  g_autoptr(GBytes) bytes = NULL;

  if (n > 0)
    {
      guint64 body = w->data->len;
      guint width = offset_width (body, n);

      for (guint i = 0; i < n; i++)
        append_offset (w->data, g_array_index (w->ends, guint64, i), width);
    }
  g_clear_pointer (&w->ends, g_array_unref);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&w->data));
  /* Trusted: these are exactly the serialiser's bytes (see the header).
   * The variant takes its own reference to them. */
  return g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, TRUE);
}
