/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-payload"
#include "config.h"

#include <string.h>

#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"
#include "test-sample.h"

static GVariant *
decode_raw (const void *data, gsize size, const char *type, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);

  return crm_payload_decode (bytes, G_VARIANT_TYPE (type), error);
}

static void
expect_rejected (const void *data, gsize size, const char *type)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) v = decode_raw (data, size, type, &error);

  g_assert_null (v);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
}

static GBytes *
serialize (GVariant *value)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (value);

  return g_variant_get_data_as_bytes (owned);
}

static void
test_payload_wrong_type (void)
{
  g_autoptr (GBytes) x = serialize (g_variant_new ("(x)", G_GINT64_CONSTANT (42)));
  g_autoptr (GBytes) ss = serialize (g_variant_new ("(ss)", "abc", "def"));
  g_autoptr (GBytes) dict = serialize (g_variant_new_parsed ("{'a': <1>}"));
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) v = NULL;

  expect_rejected (g_bytes_get_data (x, NULL), g_bytes_get_size (x), "(s)");
  expect_rejected (g_bytes_get_data (x, NULL), g_bytes_get_size (x), "(xx)");
  expect_rejected (g_bytes_get_data (x, NULL), g_bytes_get_size (x), "(sxx)");
  expect_rejected (g_bytes_get_data (ss, NULL), g_bytes_get_size (ss), "(x)");
  expect_rejected (g_bytes_get_data (ss, NULL), g_bytes_get_size (ss), "(sxxa{sv})");
  expect_rejected (g_bytes_get_data (dict, NULL), g_bytes_get_size (dict), "(uss)");

  /* and the right type decodes */
  v = crm_payload_decode (ss, G_VARIANT_TYPE ("(ss)"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (v), ==, "(ss)");
}

static void
test_payload_non_normal (void)
{
  /* boolean other than 0/1 */
  const guint8 bool2[] = { 2 };
  /* non-zero padding between y and x */
  const guint8 padding[16] = { 1, 0xAA, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0 };
  /* string without terminating nul */
  const guint8 noterm[] = { 'a', 'b', 'c' };
  /* string with an embedded nul */
  const guint8 embedded[] = { 'a', 0, 'b', 0 };
  /* "(ss)": framing offset pointing beyond the data */
  const guint8 badoffset[] = { 'a', 0, 'b', 0, 9 };
  /* "as" with 2-byte offsets where 1-byte ones suffice (not minimal) */
  const guint8 wideoffsets[] = { 'a', 0, 'b', 0, 2, 0, 4, 0 };
  /* fixed-size array with a length that is not a multiple of the element */
  const guint8 ragged[] = { 1, 0, 0, 0, 0, 0, 0, 0, 2 };

  expect_rejected (bool2, sizeof bool2, "b");
  expect_rejected (bool2, sizeof bool2, "(b)");
  expect_rejected (padding, sizeof padding, "(yx)");
  expect_rejected (noterm, sizeof noterm, "s");
  expect_rejected (embedded, sizeof embedded, "s");
  expect_rejected (badoffset, sizeof badoffset, "(ss)");
  expect_rejected (wideoffsets, sizeof wideoffsets, "as");
  expect_rejected (ragged, sizeof ragged, "ax");

  /* the normal form of the same values is accepted */
  {
    g_autoptr (GBytes) ok = serialize (g_variant_new_parsed ("['a', 'b']"));
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) v = crm_payload_decode (ok, G_VARIANT_TYPE ("as"), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (v), ==, 2);
  }
}

static GVariant *
nest_variants (guint depth)
{
  GVariant *v = g_variant_new_string ("bottom");

  for (guint i = 0; i < depth; i++)
    v = g_variant_new_variant (v);
  return v;
}

static void
test_payload_deep_nesting (void)
{
  for (guint depth = 0; depth < 40; depth++)
    {
      /* a{sv} → {sv} → v → (depth more variants) */
      g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GVariant) v = NULL;
      g_autoptr (GError) error = NULL;
      guint containers = 3 + depth;

      g_variant_builder_add (&b, "{sv}", "deep", nest_variants (depth));
      bytes = serialize (g_variant_builder_end (&b));
      v = crm_payload_decode (bytes, G_VARIANT_TYPE_VARDICT, &error);
      if (containers <= CRM_MAX_NESTING)
        {
          g_assert_no_error (error);
          g_assert_nonnull (v);
        }
      else
        {
          g_assert_null (v);
          g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
        }
    }
}

static void
test_payload_bad_utf8 (void)
{
  const guint8 bad[] = { 'a', 0xFF, 0 };
  const guint8 overlong[] = { 0xC0, 0xAF, 0 };
  const guint8 surrogate[] = { 0xED, 0xA0, 0x80, 0 };
  /* "a{sv}" with one entry whose key is invalid UTF-8: built by patching
   * a valid serialization */
  g_autoptr (GBytes) dict = serialize (g_variant_new_parsed ("{'ab': <'cd'>}"));
  g_autofree guint8 *patched = g_memdup2 (g_bytes_get_data (dict, NULL), g_bytes_get_size (dict));
  const char        *good = "中文";
  g_autoptr (GVariant) ok = NULL;
  g_autoptr (GError) error = NULL;

  expect_rejected (bad, sizeof bad, "s");
  expect_rejected (bad, sizeof bad, "(s)");
  expect_rejected (overlong, sizeof overlong, "s");
  expect_rejected (surrogate, sizeof surrogate, "s");
  g_assert_cmpuint (patched[0], ==, 'a');
  patched[0] = 0xFE;
  expect_rejected (patched, g_bytes_get_size (dict), "a{sv}");

  ok = decode_raw (good, strlen (good) + 1, "s", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (ok, NULL), ==, "中文");
}

static void
test_payload_oversize (void)
{
  g_autofree char *at = g_strnfill (CRM_MAX_STRING_LENGTH, 'x');
  g_autofree char *over = g_strnfill (CRM_MAX_STRING_LENGTH + 1, 'x');
  g_autoptr (GBytes) b_at = serialize (g_variant_new ("(s)", at));
  g_autoptr (GBytes) b_over = serialize (g_variant_new ("(s)", over));
  g_autoptr (GVariant) v = NULL;
  g_autoptr (GError) error = NULL;

  v = crm_payload_decode (b_at, G_VARIANT_TYPE ("(s)"), &error);
  g_assert_no_error (error);
  g_clear_pointer (&v, g_variant_unref);
  v = crm_payload_decode (b_over, G_VARIANT_TYPE ("(s)"), &error);
  g_assert_null (v);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
  g_clear_error (&error);

  /* arrays: fixed-size and variable-size elements */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint extra = 0; extra < 2; extra++)
        {
          guint n = CRM_MAX_ARRAY_LENGTH + extra;
          g_auto (GVariantBuilder) b
              = G_VARIANT_BUILDER_INIT (pass == 0 ? G_VARIANT_TYPE ("ax") : G_VARIANT_TYPE ("as"));
          g_autoptr (GBytes) bytes = NULL;
          g_autoptr (GVariant) decoded = NULL;
          g_autoptr (GError) e = NULL;

          for (guint i = 0; i < n; i++)
            {
              if (pass == 0)
                g_variant_builder_add (&b, "x", (gint64)i);
              else
                g_variant_builder_add (&b, "s", "");
            }
          bytes = serialize (g_variant_builder_end (&b));
          decoded = crm_payload_decode (
              bytes, pass == 0 ? G_VARIANT_TYPE ("ax") : G_VARIANT_TYPE ("as"), &e);
          if (extra == 0)
            {
              g_assert_no_error (e);
              g_assert_cmpuint (g_variant_n_children (decoded), ==, n);
            }
          else
            {
              g_assert_null (decoded);
              g_assert_error (e, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
            }
        }
    }

  /* a body above the hard cap is refused before it is looked at */
  {
    g_autofree guint8 *big = g_malloc0 (CRM_FRAME_MAX_BODY + 1);
    g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&big), CRM_FRAME_MAX_BODY + 1);
    g_autoptr (GError) e = NULL;
    g_autoptr (GVariant) decoded = crm_payload_decode (bytes, G_VARIANT_TYPE ("ay"), &e);

    g_assert_null (decoded);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_FRAME_TOO_LARGE);
  }
}

static void
check_prefixes (const char *type_string)
{
  const GVariantType *type = G_VARIANT_TYPE (type_string);
  g_autoptr (GVariant) sample = g_variant_ref_sink (test_sample_value (type, 0));
  g_autoptr (GBytes) full = g_variant_get_data_as_bytes (sample);
  gsize         size;
  const guint8 *data = g_bytes_get_data (full, &size);
  guint         rejected = 0;

  for (gsize n = 0; n < size; n++)
    {
      g_autoptr (GBytes) part = g_bytes_new (data, n);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) v = crm_payload_decode (part, type, &error);

      if (v == NULL)
        {
          g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
          rejected++;
        }
      else
        {
          /* A prefix may happen to be another valid value (an empty array
           * is zero bytes); it must never be taken for the full one, and
           * it must be exactly what those bytes mean. */
          g_assert_false (g_variant_equal (v, sample));
          g_assert_cmpuint (g_variant_get_size (v), ==, n);
          g_assert_true (g_variant_is_normal_form (v));
        }
    }
  g_test_message ("%s: %u of %zu prefixes rejected", type_string, rejected, size);
  g_assert_cmpuint (rejected, >, 0);
}

static void
test_payload_truncated_requests (void)
{
  gsize                 n;
  const CrmMessageInfo *all = crm_messages_all (&n);

  for (gsize i = 0; i < n; i++)
    {
      if (all[i].request_type != NULL && strcmp (all[i].request_type, "()") != 0)
        check_prefixes (all[i].request_type);
      if (strcmp (all[i].reply_type, "()") != 0)
        check_prefixes (all[i].reply_type);
    }
  check_prefixes ("(uss)");
}

static void
test_payload_trusted_rewrap (void)
{
  gsize                 n;
  const CrmMessageInfo *all = crm_messages_all (&n);

  for (gsize i = 0; i < n; i++)
    {
      const char *types[2] = { all[i].request_type, all[i].reply_type };

      for (guint k = 0; k < 2; k++)
        {
          g_autoptr (GVariant) sample = NULL;
          g_autoptr (GBytes) bytes = NULL;
          g_autoptr (GVariant) decoded = NULL;
          g_autoptr (GError) error = NULL;

          if (types[k] == NULL)
            continue;
          sample = g_variant_ref_sink (test_sample_value (G_VARIANT_TYPE (types[k]), 1));
          bytes = g_variant_get_data_as_bytes (sample);
          decoded = crm_payload_decode (bytes, G_VARIANT_TYPE (types[k]), &error);
          g_assert_no_error (error);
          g_assert_true (g_variant_equal (decoded, sample));
          g_assert_true (g_variant_is_normal_form (decoded));
          g_assert_cmpmem (g_variant_get_data (decoded), g_variant_get_size (decoded),
                           g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        }
    }
}

static void
test_payload_large_array_fast_path (void)
{
  /* 100 000 records of a{sv}: the re-wrapped trusted value is walked; this
   * must simply work (the benchmark measures the time). */
  g_auto (GVariantBuilder) rows = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) decoded = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 20000; i++)
    {
      GVariantBuilder row;

      g_variant_builder_init (&row, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&row, "{sv}", "id", g_variant_new_int64 (i));
      g_variant_builder_add (&row, "{sv}", "name", g_variant_new_string ("北京智邦科技有限公司"));
      g_variant_builder_add (&rows, "a{sv}", &row);
    }
  bytes = serialize (g_variant_builder_end (&rows));
  decoded = crm_payload_decode (bytes, G_VARIANT_TYPE ("aa{sv}"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (decoded), ==, 20000);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/payload/wrong-type", test_payload_wrong_type);
  g_test_add_func ("/protocol/payload/non-normal", test_payload_non_normal);
  g_test_add_func ("/protocol/payload/deep-nesting", test_payload_deep_nesting);
  g_test_add_func ("/protocol/payload/bad-utf8", test_payload_bad_utf8);
  g_test_add_func ("/protocol/payload/oversize", test_payload_oversize);
  g_test_add_func ("/protocol/payload/truncated", test_payload_truncated_requests);
  g_test_add_func ("/protocol/payload/trusted-rewrap", test_payload_trusted_rewrap);
  g_test_add_func ("/protocol/payload/large-array", test_payload_large_array_fast_path);

  return g_test_run ();
}
