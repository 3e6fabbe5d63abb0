/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-vardict-writer"
#include "config.h"

#include <string.h>

#include "crm-vardict-writer.h"

/*
 * The writer must give exactly GVariantBuilder's bytes: the same entries
 * are added to both and the serialised forms compared.  Sizes are chosen
 * so every framing-offset width (1, 2, 4 bytes) occurs in entries, in
 * string arrays and in the dictionary itself.
 */

typedef struct {
  CrmVardictWriter w;
  GVariantBuilder  b;
} Pair;

static void
pair_init (Pair *p)
{
  crm_vardict_writer_init (&p->w);
  g_variant_builder_init (&p->b, G_VARIANT_TYPE_VARDICT);
}

static void
pair_int64 (Pair *p, const char *key, gint64 v)
{
  crm_vardict_writer_add_int64 (&p->w, key, v);
  g_variant_builder_add (&p->b, "{sv}", key, g_variant_new_int64 (v));
}

static void
pair_string (Pair *p, const char *key, const char *v)
{
  crm_vardict_writer_add_string (&p->w, key, v);
  g_variant_builder_add (&p->b, "{sv}", key, g_variant_new_string (v));
}

static void
pair_strv (Pair *p, const char *key, const char * const *v, gssize n)
{
  crm_vardict_writer_add_strv (&p->w, key, v, n);
  g_variant_builder_add (&p->b, "{sv}", key, g_variant_new_strv (v, n));
}

static void
pair_value (Pair *p, const char *key, GVariant *v)
{
  g_variant_ref_sink (v);
  crm_vardict_writer_add_value (&p->w, key, v);
  g_variant_builder_add (&p->b, "{sv}", key, v);
  g_variant_unref (v);
}

/* Ends both and asserts identical bytes, normal form and equal values. */
static void
pair_check (Pair *p)
{
  g_autoptr(GVariant) got = g_variant_ref_sink (crm_vardict_writer_end (&p->w));
  g_autoptr(GVariant) want = g_variant_ref_sink (g_variant_builder_end (&p->b));
  g_autoptr(GVariant) reloaded = NULL;

  g_assert_cmpstr (g_variant_get_type_string (got), ==, "a{sv}");
  g_assert_cmpuint (g_variant_get_size (got), ==, g_variant_get_size (want));
  g_assert_cmpmem (g_variant_get_data (got), g_variant_get_size (got),
                   g_variant_get_data (want), g_variant_get_size (want));
  /* Loaded untrusted, the bytes must pass GLib's own checks. */
  reloaded = g_variant_ref_sink (g_variant_new_from_data (G_VARIANT_TYPE_VARDICT,
                                                          g_variant_get_data (got),
                                                          g_variant_get_size (got), FALSE,
                                                          NULL, NULL));
  g_assert_true (g_variant_is_normal_form (reloaded));
  g_assert_true (g_variant_equal (reloaded, want));
}

/* The variant must hold the only reference to its bytes: a leaked one
 * cost the server a reply's size per customer.get (1 GB after a benchmark
 * run).  g_bytes_unref_to_data() hands back the very buffer only when it
 * holds the last reference; otherwise it copies. */
static void
test_owns_bytes (void)
{
  CrmVardictWriter w;
  GVariant *v;
  GBytes *bytes;
  gconstpointer data;
  gpointer taken;
  gsize size;

  crm_vardict_writer_init (&w);
  crm_vardict_writer_add_string (&w, "name", "北京智邦");
  crm_vardict_writer_add_int64 (&w, "id", 1);
  v = g_variant_ref_sink (crm_vardict_writer_end (&w));
  data = g_variant_get_data (v);
  bytes = g_variant_get_data_as_bytes (v);
  g_variant_unref (v);
  taken = g_bytes_unref_to_data (bytes, &size);
  g_assert_true (taken == data);
  g_free (taken);
}

static void
test_empty (void)
{
  Pair p;

  pair_init (&p);
  pair_check (&p);
}

/* customer.get's shape: integers, short and empty strings, phones. */
static void
test_record (void)
{
  const char *phones[] = { "010-62345678", "13912345678", NULL };
  const char *none[] = { NULL };
  Pair p;

  pair_init (&p);
  pair_int64 (&p, "id", 4711);
  pair_int64 (&p, "version", -3);
  pair_string (&p, "code", "KH-2026-000123");
  pair_string (&p, "name", "北京智邦科技有限公司");
  pair_string (&p, "short_name", "");
  pair_strv (&p, "phones", phones, -1);
  pair_strv (&p, "no_phones", none, -1);
  pair_int64 (&p, "deleted_at", G_MININT64);
  pair_int64 (&p, "created_at", G_MAXINT64);
  pair_value (&p, "cf.score", g_variant_new_double (3.25));
  pair_value (&p, "cf.flag", g_variant_new_boolean (TRUE));
  pair_value (&p, "cf.tags", g_variant_new_strv (phones, 2));
  pair_value (&p, "cf.nested", g_variant_new_parsed ("{'a': <(1, 'x', [byte 1, 2])>}"));
  pair_value (&p, "cf.empty", g_variant_new_parsed ("@as []"));
  pair_check (&p);
}

/* Entries, string arrays and the dictionary crossing 255, 65535 bytes. */
static void
test_offset_widths (void)
{
  static const gsize sizes[] = { 0, 1, 230, 240, 250, 254, 255, 256, 300,
                                 65500, 65520, 65535, 65536, 70000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint n_entries = 1; n_entries <= 40; n_entries += 13)
      {
        g_autofree char *big = g_strnfill (sizes[i], 'a');
        Pair p;

        pair_init (&p);
        for (guint e = 0; e < n_entries; e++)
          {
            g_autofree char *key = g_strdup_printf ("k%u", e);
            const char *strv[] = { big, "", big, NULL };

            switch (e % 3)
              {
              case 0: pair_string (&p, key, big); break;
              case 1: pair_strv (&p, key, strv, e % 2 ? -1 : 3); break;
              default: pair_int64 (&p, key, (gint64) e * 1000003); break;
              }
          }
        pair_check (&p);
      }
}

/* Random shapes: many small entries so the dictionary's own offsets
 * change width while entries stay small. */
static void
test_random (void)
{
  GRand *rand = g_rand_new_with_seed (20261127);

  for (guint round = 0; round < 300; round++)
    {
      guint n = g_rand_int_range (rand, 0, 200);
      Pair p;

      pair_init (&p);
      for (guint e = 0; e < n; e++)
        {
          g_autofree char *key = g_strdup_printf ("key.%u.%u", round, e);
          g_autofree char *text = g_strnfill (g_rand_int_range (rand, 0, 40), 'z');

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: pair_string (&p, key, text); break;
            case 1: pair_int64 (&p, key, (gint64) g_rand_int (rand) << 20); break;
            case 2:
              {
                const char *strv[] = { text, key, NULL };
                pair_strv (&p, key, strv, g_rand_int_range (rand, 0, 3));
                break;
              }
            default: pair_value (&p, key, g_variant_new ("(ius)", 7, 8u, text)); break;
            }
        }
      pair_check (&p);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/protocol/vardict-writer/empty", test_empty);
  g_test_add_func ("/protocol/vardict-writer/owns-bytes", test_owns_bytes);
  g_test_add_func ("/protocol/vardict-writer/record", test_record);
  g_test_add_func ("/protocol/vardict-writer/offset-widths", test_offset_widths);
  g_test_add_func ("/protocol/vardict-writer/random", test_random);
  return g_test_run ();
}
