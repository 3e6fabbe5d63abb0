/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target for everything that reads caller-ID input: the modem text
 * parser (whole and byte by byte), the SDMF/MDMF decoder (strict and
 * lenient) and the audio decoder (the input taken as PCM).  With
 * -Dfuzzing=true and clang it is a libFuzzer target; otherwise a plain test
 * replaying tests/callerid/corpus/fuzz-callerid. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "crm-cid-message.h"
#include "crm-modem-parser.h"
#ifdef HAVE_SPANDSP
#include "crm-cid-decoder.h"
#endif

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_event (CrmCallEvent *event, gpointer user_data)
{
  g_autofree char *text = crm_call_event_to_string (event);

  (*(guint *)user_data)++;
  g_assert_true (g_utf8_validate (text, -1, NULL) || event->kind == CRM_CALL_EVENT_WARNING);
  if (event->number)
    g_assert_true (g_utf8_validate (event->number, -1, NULL));
  if (event->name)
    g_assert_true (g_utf8_validate (event->name, -1, NULL));
  if (event->kind == CRM_CALL_EVENT_CALLER_ID && event->datetime_valid)
    {
      g_assert_cmpuint (strlen (event->date), ==, 4);
      g_assert_cmpuint (strlen (event->time), ==, 4);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint           whole = 0, split = 0;
  CrmModemParser *a = crm_modem_parser_new (check_event, &whole);
  CrmModemParser *b = crm_modem_parser_new (check_event, &split);

  crm_modem_parser_feed (a, data, size);
  crm_modem_parser_flush (a);
  for (size_t i = 0; i < size; i++)
    crm_modem_parser_feed (b, data + i, 1);
  crm_modem_parser_flush (b);
  /* How the bytes arrive must not change what is understood. */
  g_assert_cmpuint (whole, ==, split);
  crm_modem_parser_free (a);
  crm_modem_parser_free (b);

  for (int lenient = 0; lenient < 2; lenient++)
    {
      g_autoptr (GError) error = NULL;
      gsize         used = 0;
      guint         n = 0;
      CrmCallEvent *e = crm_cid_message_decode (
          data, size, lenient ? CRM_CID_MESSAGE_IGNORE_CHECKSUM : CRM_CID_MESSAGE_STRICT,
          CRM_CALLER_ID_SOURCE_BYTES, &used, &error);
      g_assert_true ((e == NULL) != (error == NULL));
      g_assert_cmpuint (used, <=, size);
      if (e != NULL)
        check_event (e, &n);
      crm_call_event_free (e);
    }

#ifdef HAVE_SPANDSP
  {
    guint          n = 0;
    CrmCidDecoder *d = crm_cid_decoder_new (check_event, &n);
    gint16        *pcm = g_new (gint16, size / 2 + 1);

    memcpy (pcm, data, size & ~(size_t)1);
    crm_cid_decoder_process (d, pcm, size / 2);
    crm_cid_decoder_flush (d);
    g_free (pcm);
    crm_cid_decoder_free (d);
  }
#endif
  return 0;
}

#ifndef CRM_FUZZING_LIBFUZZER
int
main (int argc, char **argv)
{
  g_autofree char *dir_path
      = g_build_filename (SOURCE_ROOT, "tests", "callerid", "corpus", "fuzz-callerid", NULL);
  const char *path = argc > 1 ? argv[1] : dir_path;
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  GRand      *rand = g_rand_new_with_seed (5);
  const char *name;
  guint       count = 0;

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize            length;

      if (!g_file_get_contents (file, &contents, &length, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *)contents, length);
      /* Plus every truncated prefix and a few single-byte mutations. */
      for (gsize cut = 0; cut < length; cut++)
        LLVMFuzzerTestOneInput ((const uint8_t *)contents, cut);
      for (int m = 0; m < 200 && length > 0; m++)
        {
          g_autofree char *mutated = g_memdup2 (contents, length);
          mutated[g_rand_int_range (rand, 0, (gint32)length)] = (char)g_rand_int (rand);
          LLVMFuzzerTestOneInput ((const uint8_t *)mutated, length);
        }
      count++;
    }
  g_rand_free (rand);
  g_print ("fuzz-callerid: replayed %u inputs with prefixes and mutations\n", count);
  return count > 0 ? 0 : 1;
}
#endif
