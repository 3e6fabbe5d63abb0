/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-frame"
#include "config.h"

#include <string.h>

#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"

static GBytes *
body_of (GBytes *frame)
{
  return g_bytes_new_from_bytes (frame, CRM_FRAME_HEADER_SIZE,
                                 g_bytes_get_size (frame) - CRM_FRAME_HEADER_SIZE);
}

static void
test_frame_round_trip (void)
{
  g_autoptr (GVariant) body = g_variant_ref_sink (g_variant_new ("(x)", G_GINT64_CONSTANT (42)));
  g_autoptr (GBytes) frame = crm_frame_encode (CRM_MSG_CUSTOMER_GET, CRM_FRAME_FLAG_NONE,
                                               0x01020304u, g_variant_ref (body));
  const guint8  *data = g_bytes_get_data (frame, NULL);
  CrmFrameHeader header;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GVariant) decoded = NULL;

  /* Byte layout is fixed: check it literally. */
  g_assert_cmpmem (data, 4, "CRMP", 4);
  g_assert_cmpuint (data[4], ==, 0);
  g_assert_cmpuint (data[5], ==, CRM_PROTOCOL_VERSION_MAX);
  g_assert_cmpuint (data[6], ==, 0);
  g_assert_cmpuint (data[7], ==, CRM_MSG_CUSTOMER_GET);
  g_assert_cmpuint (data[12], ==, 1);
  g_assert_cmpuint (data[15], ==, 4);
  g_assert_cmpuint (g_bytes_get_size (frame), ==, CRM_FRAME_HEADER_SIZE + 8);
  /* body little-endian */
  g_assert_cmpuint (data[20], ==, 42);
  g_assert_cmpuint (data[27], ==, 0);

  g_assert_true (
      crm_frame_header_parse (data, g_bytes_get_size (frame), CRM_FRAME_MAX_BODY, &header, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header.version, ==, CRM_PROTOCOL_VERSION_MAX);
  g_assert_cmpuint (header.type, ==, CRM_MSG_CUSTOMER_GET);
  g_assert_cmpuint (header.flags, ==, 0);
  g_assert_cmpuint (header.request_id, ==, 0x01020304u);
  g_assert_cmpuint (header.body_length, ==, 8);

  payload = body_of (frame);
  decoded = crm_payload_decode (payload, G_VARIANT_TYPE ("(x)"), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (decoded, body));
}

static void
test_frame_header_write_parse (void)
{
  CrmFrameHeader in = { CRM_PROTOCOL_VERSION_MIN, 0xBEEF,
                        CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_ERROR, 0xFFFFFFFFu, 4096 };
  CrmFrameHeader out;
  guint8         buf[CRM_FRAME_HEADER_SIZE];
  g_autoptr (GError) error = NULL;

  crm_frame_header_write (&in, buf);
  g_assert_true (
      crm_frame_header_parse (buf, sizeof buf, CRM_FRAME_MAX_BODY_PREAUTH, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&in, sizeof in, &out, sizeof out);
}

static void
test_frame_truncated (void)
{
  g_autoptr (GBytes) frame
      = crm_frame_encode (CRM_MSG_HELLO, 0, 1, g_variant_new ("(qqss)", 1, 1, "t", "zh_CN"));
  gsize         size;
  const guint8 *data = g_bytes_get_data (frame, &size);

  /* Every prefix shorter than the header is refused by the header parser;
   * every prefix shorter than the full frame leaves a body that does not
   * decode. */
  for (gsize n = 0; n < size; n++)
    {
      g_autoptr (GError) error = NULL;
      CrmFrameHeader header;

      if (n < CRM_FRAME_HEADER_SIZE)
        {
          g_assert_false (crm_frame_header_parse (data, n, CRM_FRAME_MAX_BODY, &header, &error));
          g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME);
        }
      else
        {
          g_autoptr (GBytes) part
              = g_bytes_new (data + CRM_FRAME_HEADER_SIZE, n - CRM_FRAME_HEADER_SIZE);
          g_autoptr (GVariant) v = NULL;

          g_assert_true (crm_frame_header_parse (data, n, CRM_FRAME_MAX_BODY, &header, &error));
          g_assert_cmpuint (header.body_length, >, n - CRM_FRAME_HEADER_SIZE);
          v = crm_payload_decode (part, G_VARIANT_TYPE ("(qqss)"), &error);
          g_assert_null (v);
          g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
        }
    }
}

static void
expect_bad_header (const CrmFrameHeader *h, gsize max_body, CrmErrorCode code)
{
  guint8         buf[CRM_FRAME_HEADER_SIZE];
  CrmFrameHeader out;
  g_autoptr (GError) error = NULL;

  crm_frame_header_write (h, buf);
  g_assert_false (crm_frame_header_parse (buf, sizeof buf, max_body, &out, &error));
  g_assert_error (error, CRM_ERROR, (gint)code);
  g_assert_nonnull (error->message);
}

static void
test_frame_bad_magic (void)
{
  CrmFrameHeader h = { 1, CRM_MSG_PING, 0, 1, 1 };
  guint8         buf[CRM_FRAME_HEADER_SIZE];
  CrmFrameHeader out;

  crm_frame_header_write (&h, buf);
  for (gsize i = 0; i < 4; i++)
    {
      g_autoptr (GError) error = NULL;
      guint8 copy[CRM_FRAME_HEADER_SIZE];

      memcpy (copy, buf, sizeof copy);
      copy[i] ^= 0x20;
      g_assert_false (crm_frame_header_parse (copy, sizeof copy, CRM_FRAME_MAX_BODY, &out, &error));
      g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME);
    }
  /* HTTP or TLS spoken to the protocol port */
  {
    g_autoptr (GError) error = NULL;
    const char *http = "GET / HTTP/1.1\r\nHost: x\r\n";
    g_assert_false (crm_frame_header_parse ((const guint8 *)http, strlen (http), CRM_FRAME_MAX_BODY,
                                            &out, &error));
    g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME);
  }
}

static void
test_frame_bad_flags (void)
{
  /* each unknown bit */
  for (guint bit = 0; bit < 32; bit++)
    {
      CrmFrameHeader h = { 1, CRM_MSG_PING, 1u << bit, 0, 1 };

      if ((1u << bit) & CRM_FRAME_FLAGS_KNOWN)
        continue;
      expect_bad_header (&h, CRM_FRAME_MAX_BODY, CRM_ERROR_BAD_FRAME);
    }
  {
    CrmFrameHeader reply_push
        = { 1, CRM_MSG_PING, CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_PUSH, 0, 1 };
    CrmFrameHeader error_only = { 1, CRM_MSG_PING, CRM_FRAME_FLAG_ERROR, 3, 1 };
    CrmFrameHeader error_push
        = { 1, CRM_MSG_PING, CRM_FRAME_FLAG_ERROR | CRM_FRAME_FLAG_PUSH, 0, 1 };
    CrmFrameHeader push_with_id = { 1, CRM_MSG_PUSH_REMINDER, CRM_FRAME_FLAG_PUSH, 7, 1 };

    expect_bad_header (&reply_push, CRM_FRAME_MAX_BODY, CRM_ERROR_BAD_FRAME);
    expect_bad_header (&error_only, CRM_FRAME_MAX_BODY, CRM_ERROR_BAD_FRAME);
    expect_bad_header (&error_push, CRM_FRAME_MAX_BODY, CRM_ERROR_BAD_FRAME);
    expect_bad_header (&push_with_id, CRM_FRAME_MAX_BODY, CRM_ERROR_BAD_FRAME);
  }
  /* the valid combinations parse */
  {
    const guint32 ok[] = { 0, CRM_FRAME_FLAG_REPLY, CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_ERROR,
                           CRM_FRAME_FLAG_PUSH };
    for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
      {
        CrmFrameHeader h = { 1, CRM_MSG_PING, ok[i], ok[i] == CRM_FRAME_FLAG_PUSH ? 0 : 5, 1 };
        guint8         buf[CRM_FRAME_HEADER_SIZE];
        CrmFrameHeader out;
        g_autoptr (GError) error = NULL;

        crm_frame_header_write (&h, buf);
        g_assert_true (crm_frame_header_parse (buf, sizeof buf, CRM_FRAME_MAX_BODY, &out, &error));
        g_assert_no_error (error);
      }
  }
}

static void
test_frame_bad_version (void)
{
  CrmFrameHeader low = { CRM_PROTOCOL_VERSION_MIN - 1, CRM_MSG_PING, 0, 1, 1 };
  CrmFrameHeader high = { CRM_PROTOCOL_VERSION_MAX + 1, CRM_MSG_PING, 0, 1, 1 };

  expect_bad_header (&low, CRM_FRAME_MAX_BODY, CRM_ERROR_BAD_FRAME);
  expect_bad_header (&high, CRM_FRAME_MAX_BODY, CRM_ERROR_BAD_FRAME);
}

static void
test_frame_oversized (void)
{
  CrmFrameHeader at_pre = { 1, CRM_MSG_AUTH_LOGIN, 0, 1, CRM_FRAME_MAX_BODY_PREAUTH };
  CrmFrameHeader over_pre = { 1, CRM_MSG_AUTH_LOGIN, 0, 1, CRM_FRAME_MAX_BODY_PREAUTH + 1 };
  CrmFrameHeader at_max = { 1, CRM_MSG_CUSTOMER_IMPORT, 0, 1, CRM_FRAME_MAX_BODY };
  CrmFrameHeader over_max = { 1, CRM_MSG_CUSTOMER_IMPORT, 0, 1, CRM_FRAME_MAX_BODY + 1 };
  CrmFrameHeader huge = { 1, CRM_MSG_CUSTOMER_IMPORT, 0, 1, G_MAXUINT32 };
  guint8         buf[CRM_FRAME_HEADER_SIZE];
  CrmFrameHeader out;
  g_autoptr (GError) error = NULL;

  crm_frame_header_write (&at_pre, buf);
  g_assert_true (
      crm_frame_header_parse (buf, sizeof buf, CRM_FRAME_MAX_BODY_PREAUTH, &out, &error));
  g_assert_no_error (error);
  crm_frame_header_write (&at_max, buf);
  g_assert_true (crm_frame_header_parse (buf, sizeof buf, CRM_FRAME_MAX_BODY, &out, &error));
  g_assert_no_error (error);

  expect_bad_header (&over_pre, CRM_FRAME_MAX_BODY_PREAUTH, CRM_ERROR_FRAME_TOO_LARGE);
  expect_bad_header (&at_max, CRM_FRAME_MAX_BODY_PREAUTH, CRM_ERROR_FRAME_TOO_LARGE);
  expect_bad_header (&over_max, CRM_FRAME_MAX_BODY, CRM_ERROR_FRAME_TOO_LARGE);
  /* A caller passing a larger cap still gets the hard cap. */
  expect_bad_header (&over_max, G_MAXSIZE, CRM_ERROR_FRAME_TOO_LARGE);
  expect_bad_header (&huge, G_MAXSIZE, CRM_ERROR_FRAME_TOO_LARGE);
}

static void
test_frame_unit_body (void)
{
  g_autoptr (GBytes) frame = crm_frame_encode (CRM_MSG_PING, 0, 9, NULL);
  g_autoptr (GBytes) body = body_of (frame);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GVariant) v1 = NULL;
  g_autoptr (GVariant) v2 = NULL;
  g_autoptr (GVariant) v3 = NULL;
  g_autoptr (GError) error = NULL;
  CrmFrameHeader h = { 1, CRM_MSG_PING, 0, 9, 0 };
  CrmFrameHeader out;
  guint8         buf[CRM_FRAME_HEADER_SIZE];

  /* The encoder writes the normal form of "()": one zero byte. */
  g_assert_cmpuint (g_bytes_get_size (body), ==, 1);
  v1 = crm_payload_decode (body, G_VARIANT_TYPE_UNIT, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (v1, G_VARIANT_TYPE_UNIT));

  /* A zero-length body is accepted for "()" (and only for it). */
  crm_frame_header_write (&h, buf);
  g_assert_true (
      crm_frame_header_parse (buf, sizeof buf, CRM_FRAME_MAX_BODY_PREAUTH, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out.body_length, ==, 0);
  v2 = crm_payload_decode (empty, G_VARIANT_TYPE_UNIT, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (v2, G_VARIANT_TYPE_UNIT));
  v3 = crm_payload_decode (empty, G_VARIANT_TYPE ("(x)"), &error);
  g_assert_null (v3);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
}

static void
test_frame_encode_normalizes (void)
{
  /* "(yx)" with garbage in the padding: a value built from untrusted
   * bytes is sent in normal form */
  const guint8 raw[16] = { 1, 0xAA, 0xBB, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr (GBytes) bytes = g_bytes_new (raw, sizeof raw);
  GVariant *odd = g_variant_new_from_bytes (G_VARIANT_TYPE ("(yx)"), bytes, FALSE);
  g_autoptr (GBytes) frame = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GVariant) decoded = NULL;
  g_autoptr (GError) error = NULL;
  guchar y;
  gint64 x;

  g_assert_false (g_variant_is_normal_form (odd));
  frame = crm_frame_encode (CRM_MSG_PING, CRM_FRAME_FLAG_REPLY, 3, odd);
  body = body_of (frame);
  decoded = crm_payload_decode (body, G_VARIANT_TYPE ("(yx)"), &error);
  g_assert_no_error (error);
  g_variant_get (decoded, "(yx)", &y, &x);
  g_assert_cmpuint (y, ==, 1);
  g_assert_cmpint (x, ==, 5);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/frame/round-trip", test_frame_round_trip);
  g_test_add_func ("/protocol/frame/header-write-parse", test_frame_header_write_parse);
  g_test_add_func ("/protocol/frame/truncated", test_frame_truncated);
  g_test_add_func ("/protocol/frame/bad-magic", test_frame_bad_magic);
  g_test_add_func ("/protocol/frame/bad-flags", test_frame_bad_flags);
  g_test_add_func ("/protocol/frame/bad-version", test_frame_bad_version);
  g_test_add_func ("/protocol/frame/oversized", test_frame_oversized);
  g_test_add_func ("/protocol/frame/unit-body", test_frame_unit_body);
  g_test_add_func ("/protocol/frame/encode-normalizes", test_frame_encode_normalizes);

  return g_test_run ();
}
