/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sample"
#include "config.h"

#include "test-sample.h"

static GVariant *
sample (const GVariantType *type, guint seed, guint depth)
{
  switch (g_variant_type_peek_string (type)[0])
    {
    case 'b':
      return g_variant_new_boolean (seed % 2);
    case 'y':
      return g_variant_new_byte ((guchar)(7 + seed));
    case 'n':
      return g_variant_new_int16 ((gint16)(-300 - seed));
    case 'q':
      return g_variant_new_uint16 ((guint16)(300 + seed));
    case 'i':
      return g_variant_new_int32 (-70000 - (gint32)seed);
    case 'u':
      return g_variant_new_uint32 (70000 + seed);
    case 'x':
      return g_variant_new_int64 (G_GINT64_CONSTANT (1700000000000000) + seed);
    case 't':
      return g_variant_new_uint64 (G_GUINT64_CONSTANT (5000000000) + seed);
    case 'h':
      return g_variant_new_handle ((gint32)seed);
    case 'd':
      return g_variant_new_double (1.5 + seed);
    case 's':
      {
        g_autofree char *s = g_strdup_printf ("客户-%u abc", seed);
        return g_variant_new_string (s);
      }
    case 'o':
      return g_variant_new_object_path ("/cn/jinke");
    case 'g':
      return g_variant_new_signature ("a{sv}");
    case 'v':
      {
        /* inside a variant: a string, or a string list for variety */
        if (depth < 4 && seed % 2 == 1)
          return g_variant_new_variant (sample (G_VARIANT_TYPE_STRING_ARRAY, seed, depth + 1));
        return g_variant_new_variant (sample (G_VARIANT_TYPE_STRING, seed, depth + 1));
      }
    case 'm':
      return g_variant_new_maybe (g_variant_type_element (type),
                                  sample (g_variant_type_element (type), seed, depth + 1));
    case 'a':
      {
        const GVariantType *element = g_variant_type_element (type);
        GVariantBuilder     builder;

        g_variant_builder_init (&builder, type);
        for (guint i = 0; i < 2; i++)
          g_variant_builder_add_value (&builder, sample (element, seed * 2 + i + 1, depth + 1));
        return g_variant_builder_end (&builder);
      }
    case '(':
    case '{':
      {
        GVariantBuilder builder;
        guint           i = 0;

        g_variant_builder_init (&builder, type);
        for (const GVariantType *member = g_variant_type_first (type); member != NULL;
             member = g_variant_type_next (member), i++)
          g_variant_builder_add_value (&builder, sample (member, seed + i, depth + 1));
        return g_variant_builder_end (&builder);
      }
    default:
      g_assert_not_reached ();
    }
}

GVariant *
test_sample_value (const GVariantType *type, guint seed)
{
  return sample (type, seed, 0);
}
