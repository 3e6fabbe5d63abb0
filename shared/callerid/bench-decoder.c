/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Decoder CPU per telephone line: decodes N seconds of line audio (quiet
 * line noise with a caller-ID burst every 20 s, alternating Bell 202, V.23
 * and DTMF) and reports CPU time / audio time as a percentage of one core,
 * measured with getrusage (user + system).  Not a test: run by hand or
 * from tests/bench.
 *
 *   bench-decoder [SECONDS]        (default 600)
 *
 * Output lines are "name value unit". */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <glib.h>

#include "crm-cid-decoder.h"
#include "crm-cid-generator.h"

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec
         + ru.ru_stime.tv_usec / 1e6;
}

static void
count_call (CrmCallEvent *event, gpointer user_data)
{
  if (event->kind != CRM_CALL_EVENT_CALLER_ID)
    return;
  (*(guint *)user_data)++;
  if (g_getenv ("BENCH_VERBOSE"))
    {
      g_autofree char *s = crm_call_event_to_string (event);
      g_printerr ("%s\n", s);
    }
}

/* Returns the CPU seconds spent decoding `seconds` of audio with line
 * noise at `noise_dbm0`; `calls`/`sent` count the caller IDs. */
static double
run (guint seconds, float noise_dbm0, guint *calls, guint *sent)
{
  gsize              n = (gsize)seconds * CRM_CID_DECODER_RATE;
  g_autofree gint16 *audio = g_new0 (gint16, n);
  g_autoptr (CrmCidDecoder) decoder = NULL;
  double before;

  *calls = *sent = 0;
  /* Build the audio first: only decoding is measured. */
  for (gsize at = CRM_CID_DECODER_RATE, k = 0; at + 3 * CRM_CID_DECODER_RATE < n;
       at += 20 * CRM_CID_DECODER_RATE, k++)
    {
      g_autoptr (CrmCallEvent) cid = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
      g_autofree gint16 *burst = NULL;
      gsize              len = 0;

      cid->number = g_strdup_printf ("139%08u", (guint)k);
      cid->name = g_strdup ("BENCH");
      crm_call_event_set_datetime (cid, "1127", "0930");
      if (k % 3 == 2)
        burst = crm_cid_generate_dtmf (cid, -15, &len);
      else
        burst = crm_cid_generate_fsk (
            cid, k % 3 ? CRM_CALLER_ID_SOURCE_FSK_V23 : CRM_CALLER_ID_SOURCE_FSK_BELL202, FALSE,
            -15, &len);
      len = MIN (len, n - at);
      memcpy (audio + at, burst, len * sizeof (gint16));
      (*sent)++;
    }
  crm_cid_add_noise (audio, n, noise_dbm0, 42);

  decoder = crm_cid_decoder_new (count_call, calls);
  before = cpu_seconds ();
  /* 20 ms blocks, as a sound card delivers them. */
  for (gsize off = 0; off < n; off += 160)
    crm_cid_decoder_process (decoder, audio + off, MIN ((gsize)160, n - off));
  crm_cid_decoder_flush (decoder);
  return cpu_seconds () - before;
}

int
main (int argc, char **argv)
{
  guint  seconds = argc > 1 ? (guint)strtoul (argv[1], NULL, 10) : 600;
  guint  calls, sent, quiet_calls, quiet_sent;
  double noisy, quiet;

  if (seconds < 20 || seconds > 24 * 3600)
    {
      g_printerr ("usage: %s [SECONDS between 20 and 86400]\n", argv[0]);
      return 2;
    }

  /* Noise above the receivers' -45 dBm0 cut-off keeps every demodulator
   * working all the time: the worst case, reported as the figure. */
  quiet = run (seconds, -60, &quiet_calls, &quiet_sent);
  noisy = run (seconds, -35, &calls, &sent);

  g_print ("decoder_audio_seconds %u s\n", seconds);
  g_print ("decoder_calls_decoded %u of %u\n", calls + quiet_calls, sent + quiet_sent);
  g_print ("decoder_cpu_pct_per_line_quiet %.3f %%\n", 100.0 * quiet / seconds);
  g_print ("decoder_cpu_pct_per_line %.3f %%\n", 100.0 * noisy / seconds);
  return calls == sent && quiet_calls == quiet_sent ? 0 : 1;
}
