/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Caller ID from audio: real recordings (shared/testdata/callerid/audio)
 * and spandsp-generated FSK/DTMF with noise and level changes. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "crm-cid-decoder.h"
#include "crm-cid-generator.h"

#include <spandsp.h>

static void
collect (CrmCallEvent *event, gpointer user_data)
{
  g_ptr_array_add (user_data, crm_call_event_copy (event));
}

static GPtrArray *
decode (const gint16 *samples, gsize n)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify)crm_call_event_free);
  g_autoptr (CrmCidDecoder) d = crm_cid_decoder_new (collect, events);

  /* Odd block sizes, as a sound card would deliver. */
  for (gsize off = 0; off < n; off += 331)
    crm_cid_decoder_process (d, samples + off, MIN ((gsize)331, n - off));
  crm_cid_decoder_flush (d);
  return events;
}

/* --- WAV reading and a small windowed-sinc resampler (test-only; the
 * capture backend uses GStreamer's audioresample) --- */

static gint16 *
read_wav (const char *path, guint *rate, gsize *n_samples)
{
  g_autofree char *data = NULL;
  gsize            len, pos = 12;
  guint            channels = 0, bits = 0;

  if (!g_file_get_contents (path, &data, &len, NULL) || len < 12 || memcmp (data, "RIFF", 4)
      || memcmp (data + 8, "WAVE", 4))
    return NULL;
  while (pos + 8 <= len)
    {
      const guint8 *h = (const guint8 *)data + pos;
      guint32       size = h[4] | h[5] << 8 | h[6] << 16 | (guint32)h[7] << 24;
      if (size > len - pos - 8)
        size = (guint32)(len - pos - 8);
      if (memcmp (h, "fmt ", 4) == 0 && size >= 16)
        {
          channels = h[10] | h[11] << 8;
          *rate = h[12] | h[13] << 8 | h[14] << 16 | (guint32)h[15] << 24;
          bits = h[22] | h[23] << 8;
        }
      else if (memcmp (h, "data", 4) == 0 && channels > 0 && bits == 16)
        {
          gsize   frames = size / (2 * channels);
          gint16 *out = g_new (gint16, frames);
          for (gsize i = 0; i < frames; i++)
            {
              const guint8 *s = h + 8 + i * 2 * channels;
              out[i] = (gint16)(s[0] | s[1] << 8); /* first channel */
            }
          *n_samples = frames;
          return out;
        }
      pos += 8 + size + (size & 1);
    }
  return NULL;
}

static gint16 *
resample_to_8k (const gint16 *in, gsize n, guint rate, gsize *n_out)
{
  const int half = 32;
  double    ratio = (double)rate / 8000.0;
  double    fc = 3600.0 / rate; /* cut-off, cycles per input sample */
  gsize     out_n = (gsize)(n / ratio);
  gint16   *out = g_new (gint16, out_n);

  for (gsize j = 0; j < out_n; j++)
    {
      double t = j * ratio, acc = 0;
      gssize c = (gssize)t;
      for (gssize k = c - half + 1; k <= c + half; k++)
        {
          double x = t - (double)k, w, s;
          if (k < 0 || (gsize)k >= n)
            continue;
          s = fabs (x) < 1e-9 ? 2 * fc : sin (2 * G_PI * fc * x) / (G_PI * x);
          w = 0.5 + 0.5 * cos (G_PI * x / half);
          acc += in[k] * s * w;
        }
      out[j] = (gint16)CLAMP (lround (acc), G_MININT16, G_MAXINT16);
    }
  *n_out = out_n;
  return out;
}

static void
test_real_recordings (void)
{
  const char      *env = g_getenv ("CRM_TESTDATA_DIR");
  g_autofree char *dir = g_build_filename (env ? env : CRM_TESTDATA_DIR, "callerid", NULL);
  g_autofree char *tsv_path = g_build_filename (dir, "expected.tsv", NULL);
  g_autofree char *tsv = NULL;
  g_auto (GStrv) lines = NULL;
  guint matched = 0, rows = 0;

  if (!g_file_get_contents (tsv_path, &tsv, NULL, NULL))
    {
      g_test_skip ("shared/testdata/callerid is absent (set CRM_TESTDATA_DIR)");
      return;
    }
  lines = g_strsplit (tsv, "\n", -1);
  for (const char *file = "audio/pycidminimodemwrap_CIDMono.wav"; file;
       file = g_str_equal (file, "audio/pycidminimodemwrap_CIDMono.wav")
                  ? "audio/FSK-CallerID-decoding_test1.wav"
                  : NULL)
    {
      g_autofree char   *path = g_build_filename (dir, file, NULL);
      g_autofree gint16 *raw = NULL;
      g_autofree gint16 *pcm = NULL;
      g_autoptr (GPtrArray) events = NULL;
      guint rate = 0, idx = 0;
      gsize n = 0;

      raw = read_wav (path, &rate, &n);
      g_assert_nonnull (raw);
      if (rate != 8000)
        pcm = resample_to_8k (raw, n, rate, &n);
      else
        pcm = g_steal_pointer (&raw);
      events = decode (pcm, n);

      for (int i = 1; lines[i]; i++)
        {
          g_auto (GStrv) f = g_strsplit (lines[i], "\t", -1);
          CrmCallEvent *e = NULL;
          gboolean      ok;
          if (g_strv_length (f) < 7 || !g_str_equal (f[0], file))
            continue;
          rows++;
          while (idx < events->len
                 && ((CrmCallEvent *)events->pdata[idx])->kind != CRM_CALL_EVENT_CALLER_ID)
            idx++;
          e = idx < events->len ? events->pdata[idx++] : NULL;
          ok = e != NULL && g_strcmp0 (e->number, g_str_equal (f[2], "-") ? NULL : f[2]) == 0
               && g_strcmp0 (e->name, g_str_equal (f[3], "-") ? NULL : f[3]) == 0
               && g_strcmp0 (e->date, f[4]) == 0
               && g_strcmp0 (e->time, f[5]) == 0
               /* Both sources are Bell 202 recordings (SOURCES.md). */
               && e->source == CRM_CALLER_ID_SOURCE_FSK_BELL202;
          if (ok)
            matched++;
          {
            g_autofree char *desc = e ? crm_call_event_to_string (e) : g_strdup ("(none)");
            g_test_message ("| %s | %s | %s / %s / %s / %s | %s | %s |", file, f[1], f[2], f[3],
                            f[4], f[5], ok ? "match" : "MISMATCH", desc);
          }
        }
    }
  g_test_message ("audio recordings: %u of %u caller IDs decoded", matched, rows);
  g_assert_cmpuint (rows, ==, 5);
  g_assert_cmpuint (matched, ==, rows);
}

/* --- DTMF framing vectors --- */

static void
test_dtmf_framing (void)
{
  static const struct
  {
    const char *digits;
    const char *number;
    int         reason;
  } vectors[] = {
    { "D13912345678C", "13912345678", 0 },
    { "A01062123456C", "01062123456", 0 },
    { "D075512345678#", "075512345678", 0 },
    { "B10C", NULL, CRM_CALLER_ID_PRIVATE },
    { "B00C", NULL, CRM_CALLER_ID_UNAVAILABLE },
    { "02161234567", "02161234567", 0 },       /* unframed, ends by silence */
    { "D139D13800138000C", "13800138000", 0 }, /* restart */
  };

  for (gsize v = 0; v < G_N_ELEMENTS (vectors); v++)
    {
      g_autoptr (GPtrArray) events = NULL;
      g_autoptr (GArray) audio = g_array_new (FALSE, TRUE, sizeof (gint16));
      dtmf_tx_state_t *tx = dtmf_tx_init (NULL);
      gint16           buf[160];
      int              n;
      guint            calls = 0;

      g_array_set_size (audio, 800);
      dtmf_tx_put (tx, vectors[v].digits, -1);
      while ((n = dtmf_tx (tx, buf, 160)) > 0)
        g_array_append_vals (audio, buf, (guint)n);
      dtmf_tx_free (tx);
      g_array_set_size (audio, audio->len + 12000);
      events = decode ((gint16 *)audio->data, audio->len);
      for (guint i = 0; i < events->len; i++)
        {
          CrmCallEvent *e = events->pdata[i];
          if (e->kind != CRM_CALL_EVENT_CALLER_ID)
            continue;
          calls++;
          g_assert_cmpint (e->source, ==, CRM_CALLER_ID_SOURCE_DTMF);
          g_assert_cmpstr (e->number, ==, vectors[v].number);
          if (vectors[v].reason)
            g_assert_cmpint (e->number_reason, ==, vectors[v].reason);
        }
      g_assert_cmpuint (calls, ==, 1);
    }
}

/* --- Detection rate under noise and level changes --- */

typedef struct
{
  CrmCallerIdSource modulation;
  const char       *label;
} Modulation;

static gboolean
trial (CrmCallerIdSource modulation, float level, float snr, int seed)
{
  g_autoptr (CrmCallEvent) cid = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
  g_autoptr (GPtrArray) events = NULL;
  g_autofree gint16 *pcm = NULL;
  gsize              n;
  gboolean           found = FALSE;
  GRand             *rand = g_rand_new_with_seed ((guint32)seed);

  cid->number = g_strdup_printf ("1%02d%08d", g_rand_int_range (rand, 30, 99),
                                 g_rand_int_range (rand, 0, 99999999));
  if (modulation != CRM_CALLER_ID_SOURCE_DTMF)
    cid->name = g_strdup_printf ("CUSTOMER %d", seed);
  crm_call_event_set_datetime (cid, "1127", "0930");
  g_rand_free (rand);

  if (modulation == CRM_CALLER_ID_SOURCE_DTMF)
    pcm = crm_cid_generate_dtmf (cid, level, &n);
  else
    pcm = crm_cid_generate_fsk (cid, modulation, FALSE, level, &n);
  if (!isinf (snr))
    crm_cid_add_noise (pcm, n, level - snr, seed);
  events = decode (pcm, n);
  for (guint i = 0; i < events->len; i++)
    {
      CrmCallEvent *e = events->pdata[i];
      /* Caller-ID tones (V.23 space is 2100 Hz) must not pass for fax. */
      g_assert_cmpint (e->kind, !=, CRM_CALL_EVENT_FAX_TONE);
      /* On a clean line the label names the modulation actually sent. */
      if (e->kind == CRM_CALL_EVENT_CALLER_ID && isinf (snr))
        g_assert_cmpint (e->source, ==, modulation);
      if (e->kind == CRM_CALL_EVENT_CALLER_ID && g_strcmp0 (e->number, cid->number) == 0
          && (modulation == CRM_CALLER_ID_SOURCE_DTMF || g_strcmp0 (e->name, cid->name) == 0))
        found = TRUE;
    }
  return found;
}

static void
test_detection_rates (void)
{
  static const Modulation mods[] = {
    { CRM_CALLER_ID_SOURCE_FSK_BELL202, "FSK Bell 202" },
    { CRM_CALLER_ID_SOURCE_FSK_V23, "FSK V.23" },
    { CRM_CALLER_ID_SOURCE_DTMF, "DTMF" },
  };
  static const float levels[] = { -6, -20, -30 };
  const float        snrs[] = { INFINITY, 30, 20, 15, 10, 6 };
  const int          trials = g_test_slow () ? 50 : 12;
  g_autoptr (GString) table = g_string_new (NULL);

  g_string_append_printf (table, "| modulation | level dBm0 | clean | 30 dB | 20 dB | 15 dB | 10 "
                                 "dB | 6 dB |\n|---|---|---|---|---|---|---|---|\n");
  for (gsize m = 0; m < G_N_ELEMENTS (mods); m++)
    for (gsize l = 0; l < G_N_ELEMENTS (levels); l++)
      {
        g_string_append_printf (table, "| %s | %.0f |", mods[m].label, levels[l]);
        for (gsize s = 0; s < G_N_ELEMENTS (snrs); s++)
          {
            int ok = 0;
            for (int t = 0; t < trials; t++)
              ok += trial (mods[m].modulation, levels[l], snrs[s],
                           1000 * (int)m + 100 * (int)l + 10 * (int)s + t + 1);
            g_string_append_printf (table, " %d%% |", 100 * ok / trials);
            /* Clean lines at ordinary levels must always work. */
            if (s <= 1 && l <= 1)
              g_assert_cmpint (ok, ==, trials);
          }
        g_string_append_c (table, '\n');
      }
  g_string_append_printf (
      table, "\n%d trials per cell; noise is white Gaussian over the full 4 kHz band.\n", trials);
  g_test_message ("%s", table->str);
  if (g_getenv ("CRM_DETECTION_TABLE"))
    g_assert_true (g_file_set_contents (g_getenv ("CRM_DETECTION_TABLE"), table->str, -1, NULL));
}

/* A long noisy line (noise above the receivers' cut-off, so the
 * demodulators run all the time): no call may be invented, and bursts in
 * the middle of it are still found. */
static void
test_noisy_line (void)
{
  const gsize        n = 120 * 8000;
  g_autofree gint16 *pcm = g_new0 (gint16, n);
  g_autoptr (GPtrArray) quiet_events = NULL;
  g_autoptr (GPtrArray) events = NULL;
  guint calls = 0;

  crm_cid_add_noise (pcm, n, -30, 7);
  quiet_events = decode (pcm, n);
  for (guint i = 0; i < quiet_events->len; i++)
    g_assert_cmpint (((CrmCallEvent *)quiet_events->pdata[i])->kind, !=, CRM_CALL_EVENT_CALLER_ID);

  for (int k = 0; k < 3; k++)
    {
      g_autoptr (CrmCallEvent) cid = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
      g_autofree gint16 *burst = NULL;
      gsize              len;

      cid->number = g_strdup_printf ("1391234567%d", k);
      cid->name = g_strdup ("NOISY");
      crm_call_event_set_datetime (cid, "0101", "0000");
      burst = crm_cid_generate_fsk (
          cid, k == 1 ? CRM_CALLER_ID_SOURCE_FSK_V23 : CRM_CALLER_ID_SOURCE_FSK_BELL202, FALSE, -10,
          &len);
      for (gsize i = 0; i < len; i++)
        {
          gsize at = (gsize)(20 + 30 * k) * 8000 + i;
          pcm[at] = (gint16)CLAMP (pcm[at] + burst[i], G_MININT16, G_MAXINT16);
        }
    }
  events = decode (pcm, n);
  for (guint i = 0; i < events->len; i++)
    {
      CrmCallEvent *e = events->pdata[i];
      if (e->kind != CRM_CALL_EVENT_CALLER_ID)
        continue;
      g_assert_true (g_str_has_prefix (e->number, "139123456"));
      calls++;
    }
  g_assert_cmpuint (calls, ==, 3);
}

static void
test_fax_tones (void)
{
  static const int tones[] = { MODEM_CONNECT_TONES_FAX_CNG, MODEM_CONNECT_TONES_FAX_CED };

  for (gsize t = 0; t < G_N_ELEMENTS (tones); t++)
    {
      g_autofree gint16              *pcm = g_new0 (gint16, 6 * 8000);
      modem_connect_tones_tx_state_t *tx = modem_connect_tones_tx_init (NULL, tones[t]);
      g_autoptr (GPtrArray) events = NULL;
      guint fax = 0, calls = 0;

      modem_connect_tones_tx (tx, pcm + 4000, 5 * 8000);
      modem_connect_tones_tx_free (tx);
      crm_cid_add_noise (pcm, 6 * 8000, -50, 3);
      events = decode (pcm, 6 * 8000);
      for (guint i = 0; i < events->len; i++)
        {
          CrmCallEventKind kind = ((CrmCallEvent *)events->pdata[i])->kind;
          fax += kind == CRM_CALL_EVENT_FAX_TONE;
          calls += kind == CRM_CALL_EVENT_CALLER_ID;
        }
      g_assert_cmpuint (fax, >=, 1);
      g_assert_cmpuint (calls, ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/callerid/audio/real-recordings", test_real_recordings);
  g_test_add_func ("/callerid/audio/dtmf-framing", test_dtmf_framing);
  g_test_add_func ("/callerid/audio/noisy-line", test_noisy_line);
  g_test_add_func ("/callerid/audio/fax-tones", test_fax_tones);
  g_test_add_func ("/callerid/audio/detection-rates", test_detection_rates);
  return g_test_run ();
}
