/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-bench-payload"
#include "config.h"

#include <glib.h>

#include "crm-frame.h"

/* Prints `name value unit` lines: the cost of crm_payload_decode on large
 * bodies, next to a reference in the same run (walking the same bytes as
 * an untrusted GVariant, what a naive decoder would do). */

static GVariant *
customer_row (guint i)
{
  g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  const char      *phones[] = { "13800138000", "010-62345678", NULL };
  g_autofree char *code = g_strdup_printf ("KH%06u", i);

  g_variant_builder_add (&b, "{sv}", "id", g_variant_new_int64 (i));
  g_variant_builder_add (&b, "{sv}", "version", g_variant_new_int64 (3));
  g_variant_builder_add (&b, "{sv}", "code", g_variant_new_string (code));
  g_variant_builder_add (&b, "{sv}", "name", g_variant_new_string ("北京智邦科技有限公司"));
  g_variant_builder_add (&b, "{sv}", "short_name", g_variant_new_string ("智邦科技"));
  g_variant_builder_add (&b, "{sv}", "category", g_variant_new_string ("重点客户"));
  g_variant_builder_add (&b, "{sv}", "industry", g_variant_new_string ("软件"));
  g_variant_builder_add (&b, "{sv}", "region", g_variant_new_string ("北京"));
  g_variant_builder_add (&b, "{sv}", "phones", g_variant_new_strv (phones, -1));
  g_variant_builder_add (&b, "{sv}", "address", g_variant_new_string ("北京市海淀区中关村大街1号"));
  g_variant_builder_add (&b, "{sv}", "owner_id", g_variant_new_int64 (7));
  g_variant_builder_add (&b, "{sv}", "updated_at", g_variant_new_int64 (g_get_real_time ()));
  g_variant_builder_add (&b, "{sv}", "pinyin",
                         g_variant_new_string ("beijingzhibangkejiyouxiangongsi"));
  return g_variant_builder_end (&b);
}

static void
walk_untrusted (GVariant *value, gsize *strings)
{
  gsize n = g_variant_n_children (value);

  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

      if (g_variant_is_container (child))
        walk_untrusted (child, strings);
      else if (g_variant_is_of_type (child, G_VARIANT_TYPE_STRING))
        {
          g_variant_get_string (child, NULL);
          (*strings)++;
        }
    }
}

static double
decode_ms (GBytes *bytes, const char *type, guint rounds)
{
  gint64 start = g_get_monotonic_time ();

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr (GVariant) v = crm_payload_decode (bytes, G_VARIANT_TYPE (type), NULL);
      if (v == NULL)
        g_error ("decode failed");
    }
  return (g_get_monotonic_time () - start) / 1000.0 / rounds;
}

static double
reference_ms (GBytes *bytes, const char *type, guint rounds)
{
  gint64 start = g_get_monotonic_time ();

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr (GVariant) v
          = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type), bytes, FALSE));
      gsize strings = 0;

      if (!g_variant_is_normal_form (v))
        g_error ("not normal");
      walk_untrusted (v, &strings);
    }
  return (g_get_monotonic_time () - start) / 1000.0 / rounds;
}

int
main (int argc, char *argv[])
{
  g_auto (GVariantBuilder) rows = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));
  g_auto (GVariantBuilder) strings = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("as"));
  g_autoptr (GVariant) list = NULL;
  g_autoptr (GVariant) strv = NULL;
  g_autoptr (GBytes) list_bytes = NULL;
  g_autoptr (GBytes) strv_bytes = NULL;
  gint64 start;
  guint  rounds = 20;

  for (guint i = 0; i < 500; i++)
    g_variant_builder_add_value (&rows, customer_row (i));
  list = g_variant_ref_sink (
      g_variant_new ("(@aa{sv}sx)", g_variant_builder_end (&rows), "cursor", (gint64)100000));
  list_bytes = g_variant_get_data_as_bytes (list);

  for (guint i = 0; i < CRM_MAX_ARRAY_LENGTH; i++)
    g_variant_builder_add (&strings, "s", "客户");
  strv = g_variant_ref_sink (g_variant_builder_end (&strings));
  strv_bytes = g_variant_get_data_as_bytes (strv);

  g_print ("payload_list500_bytes %zu bytes\n", g_bytes_get_size (list_bytes));
  g_print ("payload_decode_list500 %.3f ms\n", decode_ms (list_bytes, "(aa{sv}sx)", rounds));
  g_print ("payload_reference_untrusted_list500 %.3f ms\n",
           reference_ms (list_bytes, "(aa{sv}sx)", rounds));
  g_print ("payload_decode_as100k %.3f ms\n", decode_ms (strv_bytes, "as", 5));
  g_print ("payload_reference_untrusted_as100k %.3f ms\n", reference_ms (strv_bytes, "as", 5));

  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr (GBytes) frame = crm_frame_encode (31, 1, 1, g_variant_ref (list));
    }
  g_print ("frame_encode_list500 %.3f ms\n", (g_get_monotonic_time () - start) / 1000.0 / rounds);
  return 0;
}
