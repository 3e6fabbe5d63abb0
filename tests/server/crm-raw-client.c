/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-raw-client"

#include "crm-error.h"
#include "crm-messages.h"
#include "crm-raw-client.h"

struct _RawClient {
  GSocketConnection *tcp;
  GIOStream *stream;
};

static gboolean
accept_any (GTlsConnection *conn, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

RawClient *
raw_client_connect (guint16 port, gboolean tls, GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(RawClient) raw = g_new0 (RawClient, 1);

  g_socket_client_set_timeout (client, 30);
  raw->tcp = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, error);
  if (raw->tcp == NULL)
    return NULL;
  if (!tls)
    {
      raw->stream = G_IO_STREAM (g_object_ref (raw->tcp));
      return g_steal_pointer (&raw);
    }
  raw->stream = g_tls_client_connection_new (G_IO_STREAM (raw->tcp), NULL, error);
  if (raw->stream == NULL)
    return NULL;
  g_signal_connect (raw->stream, "accept-certificate", G_CALLBACK (accept_any), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (raw->stream), NULL, error))
    return NULL;
  return g_steal_pointer (&raw);
}

void
raw_client_free (RawClient *raw)
{
  if (raw == NULL)
    return;
  if (raw->tcp)
    g_io_stream_close (G_IO_STREAM (raw->tcp), NULL, NULL);
  g_clear_object (&raw->stream);
  g_clear_object (&raw->tcp);
  g_free (raw);
}

gboolean
raw_client_send (RawClient *raw, const void *data, gsize length, GError **error)
{
  return g_output_stream_write_all (g_io_stream_get_output_stream (raw->stream), data, length,
                                    NULL, NULL, error);
}

gboolean
raw_client_send_frame (RawClient *raw, guint16 type, guint32 flags, guint32 request_id,
                       GVariant *body, GError **error)
{
  g_autoptr(GBytes) frame = crm_frame_encode (type, flags, request_id, body);
  gsize size;
  gconstpointer data = g_bytes_get_data (frame, &size);

  return raw_client_send (raw, data, size, error);
}

gboolean
raw_client_read_frame (RawClient *raw, CrmFrameHeader *header, GBytes **body, GError **error)
{
  GInputStream *in = g_io_stream_get_input_stream (raw->stream);
  guint8 bytes[CRM_FRAME_HEADER_SIZE];
  g_autofree guint8 *data = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all (in, bytes, sizeof bytes, &n, NULL, error))
    return FALSE;
  if (n == 0)
    return FALSE;
  if (n < sizeof bytes)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_CLOSED, "truncated header (%zu bytes)", n);
      return FALSE;
    }
  if (!crm_frame_header_parse (bytes, n, CRM_FRAME_MAX_BODY, header, error))
    return FALSE;
  data = g_malloc (header->body_length + 1);
  if (!g_input_stream_read_all (in, data, header->body_length, &n, NULL, error))
    return FALSE;
  if (n < header->body_length)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_CLOSED, "truncated body");
      return FALSE;
    }
  *body = g_bytes_new_take (g_steal_pointer (&data), header->body_length);
  return TRUE;
}

gboolean
raw_client_hello (RawClient *raw, GError **error)
{
  CrmFrameHeader h;
  g_autoptr(GBytes) body = NULL;

  if (!raw_client_send_frame (raw, CRM_MSG_HELLO, 0, 1,
                              g_variant_new ("(qqss)", CRM_PROTOCOL_VERSION_MIN, CRM_PROTOCOL_VERSION_MAX,
                                             "raw-test", "en_US"), error))
    return FALSE;
  if (!raw_client_read_frame (raw, &h, &body, error))
    {
      if (error && !*error)
        g_set_error (error, CRM_ERROR, CRM_ERROR_CLOSED, "closed after hello");
      return FALSE;
    }
  if (h.flags != CRM_FRAME_FLAG_REPLY || h.type != CRM_MSG_HELLO || h.request_id != 1)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_BAD_FRAME, "unexpected hello reply (flags %u)", h.flags);
      return FALSE;
    }
  return TRUE;
}

gboolean
raw_client_at_eof (RawClient *raw)
{
  guint8 byte;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read (g_io_stream_get_input_stream (raw->stream), &byte, 1, NULL, &error);

  /* EOF, or a reset / TLS error because the peer closed without notify;
   * a timeout (the server kept it open) is not an EOF. */
  if (n == 0)
    return TRUE;
  if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return TRUE;
  return FALSE;
}

void
raw_client_set_timeout (RawClient *raw, guint seconds)
{
  g_socket_set_timeout (g_socket_connection_get_socket (raw->tcp), seconds);
}
