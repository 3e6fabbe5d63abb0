/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-protocol"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-error.h"
#include "crm-frame.h"

static guint16
read_be16 (const guint8 *p)
{
  return (guint16)(((guint16)p[0] << 8) | p[1]);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

static void
write_be16 (guint8 *p, guint16 v)
{
  p[0] = (guint8)(v >> 8);
  p[1] = (guint8)v;
}

static void
write_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8)(v >> 24);
  p[1] = (guint8)(v >> 16);
  p[2] = (guint8)(v >> 8);
  p[3] = (guint8)v;
}

gboolean
crm_frame_header_parse (const guint8 *data, gsize length, gsize max_body, CrmFrameHeader *out,
                        GError **error)
{
  CrmFrameHeader h;
  guint32        magic;
  gsize          cap;

  g_return_val_if_fail (out != NULL, FALSE);

  if (data == NULL || length < CRM_FRAME_HEADER_SIZE)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME,
                   _ ("Frame header is truncated (%zu of %d bytes)"), data != NULL ? length : 0,
                   CRM_FRAME_HEADER_SIZE);
      return FALSE;
    }

  magic = read_be32 (data);
  h.version = read_be16 (data + 4);
  h.type = read_be16 (data + 6);
  h.flags = read_be32 (data + 8);
  h.request_id = read_be32 (data + 12);
  h.body_length = read_be32 (data + 16);

  if (magic != CRM_FRAME_MAGIC)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME,
                   _ ("Not a Jinke CRM frame (bad magic 0x%08x)"), magic);
      return FALSE;
    }
  if (h.version < CRM_PROTOCOL_VERSION_MIN || h.version > CRM_PROTOCOL_VERSION_MAX)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME,
                   _ ("Unsupported protocol version %u in frame header"), h.version);
      return FALSE;
    }
  if ((h.flags & ~(guint32)CRM_FRAME_FLAGS_KNOWN) != 0)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME, _ ("Frame has unknown flags 0x%08x"),
                   h.flags);
      return FALSE;
    }
  if ((h.flags & CRM_FRAME_FLAG_REPLY) && (h.flags & CRM_FRAME_FLAG_PUSH))
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_BAD_FRAME,
                           _ ("Frame cannot be both a reply and a push"));
      return FALSE;
    }
  if ((h.flags & CRM_FRAME_FLAG_ERROR) && !(h.flags & CRM_FRAME_FLAG_REPLY))
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_BAD_FRAME,
                           _ ("Error frame is not marked as a reply"));
      return FALSE;
    }
  if ((h.flags & CRM_FRAME_FLAG_PUSH) && h.request_id != 0)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_BAD_FRAME,
                           _ ("Push frame carries a request id"));
      return FALSE;
    }

  cap = MIN (max_body, (gsize)CRM_FRAME_MAX_BODY);
  if (h.body_length > cap)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_FRAME_TOO_LARGE,
                   _ ("Frame body of %u bytes exceeds the limit of %zu bytes"), h.body_length, cap);
      return FALSE;
    }

  *out = h;
  return TRUE;
}

void
crm_frame_header_write (const CrmFrameHeader *header, guint8 out[CRM_FRAME_HEADER_SIZE])
{
  g_return_if_fail (header != NULL);
  g_return_if_fail (out != NULL);

  write_be32 (out, CRM_FRAME_MAGIC);
  write_be16 (out + 4, header->version);
  write_be16 (out + 6, header->type);
  write_be32 (out + 8, header->flags);
  write_be32 (out + 12, header->request_id);
  write_be32 (out + 16, header->body_length);
}

GBytes *
crm_frame_encode (guint16 type, guint32 flags, guint32 request_id, GVariant *body)
{
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GVariant) normal = NULL;
  CrmFrameHeader header = {
    0,
  };
  gsize   body_size;
  gsize   total;
  guint8 *buffer;

  if (body == NULL)
    value = g_variant_ref_sink (g_variant_new ("()"));
  else
    value = g_variant_ref_sink (body);

  /* Values built from untrusted data may not be in normal form; the wire
   * carries only normal form. */
  normal = g_variant_get_normal_form (value);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    GVariant *swapped = g_variant_byteswap (normal);
    g_variant_unref (normal);
    normal = swapped;
  }
#endif

  body_size = g_variant_get_size (normal);
  g_return_val_if_fail (body_size <= G_MAXUINT32, NULL);
  if (!g_size_checked_add (&total, body_size, CRM_FRAME_HEADER_SIZE))
    g_return_val_if_reached (NULL);

  header.version = CRM_PROTOCOL_VERSION_MAX;
  header.type = type;
  header.flags = flags;
  header.request_id = request_id;
  header.body_length = (guint32)body_size;

  buffer = g_malloc (total);
  crm_frame_header_write (&header, buffer);
  /* g_variant_store() needs an aligned destination; the body starts at
   * offset 20, so copy the (aligned) serialized data instead. */
  if (body_size > 0)
    memcpy (buffer + CRM_FRAME_HEADER_SIZE, g_variant_get_data (normal), body_size);

  return g_bytes_new_take (buffer, total);
}

/* Checks every value below `value` (trusted, normal form) against the
 * string, array and depth caps.  Recursion is bounded by CRM_MAX_NESTING:
 * we stop before descending further. */
static gboolean
check_value (GVariant *value, guint depth, GError **error)
{
  const GVariantType *type = g_variant_get_type (value);

  if (g_variant_type_is_basic (type))
    {
      if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING)
          || g_variant_type_equal (type, G_VARIANT_TYPE_OBJECT_PATH)
          || g_variant_type_equal (type, G_VARIANT_TYPE_SIGNATURE))
        {
          gsize       len;
          const char *s = g_variant_get_string (value, &len);

          if (len > CRM_MAX_STRING_LENGTH)
            {
              g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                           _ ("Text of %zu bytes exceeds the limit of %u bytes"), len,
                           CRM_MAX_STRING_LENGTH);
              return FALSE;
            }
          /* Normal form already implies valid UTF-8; checking again costs
           * little and does not depend on GLib internals. */
          if (!g_utf8_validate (s, (gssize)len, NULL))
            {
              g_set_error_literal (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                                   _ ("Text is not valid UTF-8"));
              return FALSE;
            }
        }
      return TRUE;
    }

  /* A container. */
  if (depth + 1 > CRM_MAX_NESTING)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                   _ ("Message nests deeper than %d levels"), CRM_MAX_NESTING);
      return FALSE;
    }

  {
    gsize n = g_variant_n_children (value);

    if (g_variant_type_is_array (type))
      {
        if (n > CRM_MAX_ARRAY_LENGTH)
          {
            g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                         _ ("List of %zu items exceeds the limit of %u items"), n,
                         CRM_MAX_ARRAY_LENGTH);
            return FALSE;
          }
        /* Arrays of fixed-size basic elements hold no strings and no
         * containers: nothing more to check. */
        if (g_variant_type_is_basic (g_variant_type_element (type))
            && !g_variant_type_equal (g_variant_type_element (type), G_VARIANT_TYPE_STRING)
            && !g_variant_type_equal (g_variant_type_element (type), G_VARIANT_TYPE_OBJECT_PATH)
            && !g_variant_type_equal (g_variant_type_element (type), G_VARIANT_TYPE_SIGNATURE))
          return TRUE;
      }

    for (gsize i = 0; i < n; i++)
      {
        g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

        if (!check_value (child, depth + 1, error))
          return FALSE;
      }
  }
  return TRUE;
}

GVariant *
crm_payload_decode (GBytes *body, const GVariantType *type, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) untrusted = NULL;
  g_autoptr (GVariant) trusted = NULL;

  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (g_variant_type_is_definite (type), NULL);

  bytes = body != NULL ? g_bytes_ref (body) : g_bytes_new_static ("", 0);

  if (g_bytes_get_size (bytes) > CRM_FRAME_MAX_BODY)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_FRAME_TOO_LARGE,
                   _ ("Message body of %zu bytes exceeds the limit of %u bytes"),
                   g_bytes_get_size (bytes), CRM_FRAME_MAX_BODY);
      return NULL;
    }

  /* The unit "()" serializes to one zero byte; an empty body is accepted
   * as well (see README.md "Body encoding"). */
  if (g_bytes_get_size (bytes) == 0 && g_variant_type_equal (type, G_VARIANT_TYPE_UNIT))
    return g_variant_ref_sink (g_variant_new ("()"));

  untrusted = g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, FALSE));
  if (!g_variant_is_of_type (untrusted, type))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                   _ ("Message body is not of the expected type %.*s"),
                   (int)g_variant_type_get_string_length (type), g_variant_type_peek_string (type));
      return NULL;
    }
  if (!g_variant_is_normal_form (untrusted))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD,
                   _ ("Message body is malformed (not a valid %.*s value)"),
                   (int)g_variant_type_get_string_length (type), g_variant_type_peek_string (type));
      return NULL;
    }

    /* Normal form is verified: from here the data can be walked as trusted,
     * which avoids GLib's slow paths for untrusted arrays. */
#if G_BYTE_ORDER == G_BIG_ENDIAN
  /* The wire is little-endian. */
  trusted = g_variant_byteswap (untrusted);
#else
  trusted = g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, TRUE));
#endif
  if (!check_value (trusted, 0, error))
    return NULL;

  return g_steal_pointer (&trusted);
}
