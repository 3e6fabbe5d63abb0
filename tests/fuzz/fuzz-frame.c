/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-frame"
#include "config.h"

#include "fuzz-common.h"

/* Input: a byte stream as read from a socket.  The header is parsed with
 * both caps; the rest (up to the declared body length) is decoded against
 * every type of the table, as a server or client would after looking up
 * the message. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GPtrArray     *types = fuzz_all_types ();
  CrmFrameHeader header;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  gsize body_size;

  if (!crm_frame_header_parse (data, size, CRM_FRAME_MAX_BODY_PREAUTH, &header, NULL))
    {
      if (!crm_frame_header_parse (data, size, CRM_FRAME_MAX_BODY, &header, &error))
        {
          g_assert_true (error != NULL && error->domain == CRM_ERROR);
          return 0;
        }
    }

  /* A parsed header is consistent. */
  g_assert_true ((header.flags & ~(guint32)CRM_FRAME_FLAGS_KNOWN) == 0);
  g_assert_true (header.body_length <= CRM_FRAME_MAX_BODY);
  if (header.flags & CRM_FRAME_FLAG_PUSH)
    g_assert_true (header.request_id == 0);

  /* Re-writing the header gives the same bytes. */
  {
    guint8 again[CRM_FRAME_HEADER_SIZE];
    crm_frame_header_write (&header, again);
    g_assert_true (memcmp (again, data, CRM_FRAME_HEADER_SIZE) == 0);
  }

  body_size = MIN (size - CRM_FRAME_HEADER_SIZE, header.body_length);
  body = g_bytes_new (data + CRM_FRAME_HEADER_SIZE, body_size);

  {
    const CrmMessageInfo *info = crm_message_lookup (header.type);

    if (header.flags & CRM_FRAME_FLAG_ERROR)
      fuzz_decode_one (body, "(uss)");
    else if (info != NULL)
      fuzz_decode_one (body, (header.flags & (CRM_FRAME_FLAG_REPLY | CRM_FRAME_FLAG_PUSH))
                                     || info->request_type == NULL
                                 ? info->reply_type
                                 : info->request_type);
  }
  for (guint i = 0; i < types->len; i++)
    fuzz_decode_one (body, types->pdata[i]);

  return 0;
}

#ifndef CRM_FUZZING_LIBFUZZER
int
main (int argc, char *argv[])
{
  return fuzz_replay_main ("fuzz-frame", argc, argv);
}
#endif
