/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <string.h>
#include <spandsp.h>

#include "crm-cid-generator.h"
#include "crm-cid-message.h"

#define RATE 8000

typedef struct
{
  const guint8 *msg;
  gsize         len;
  gsize         bit; /* position in the whole bit sequence */
  gsize         total;
} BitSource;

enum
{
  SEIZURE_BITS = 300,
  MARK_BITS = 180,
  TRAILER_BITS = 10,
};

/* Seizure (alternating 0/1), mark (1s), then each byte as 8N1 LSB first. */
static int
next_bit (void *user_data)
{
  BitSource *src = user_data;
  gsize      b = src->bit;
  gsize      data_bits = src->len * 10;

  if (b >= src->total)
    return SIG_STATUS_END_OF_DATA;
  src->bit++;
  if (b < SEIZURE_BITS)
    return (int)(b & 1);
  b -= SEIZURE_BITS;
  if (b < MARK_BITS)
    return 1;
  b -= MARK_BITS;
  if (b < data_bits)
    {
      gsize byte = b / 10, k = b % 10;
      if (k == 0)
        return 0;
      if (k == 9)
        return 1;
      return (src->msg[byte] >> (k - 1)) & 1;
    }
  return 1;
}

gint16 *
crm_cid_generate_fsk (const CrmCallEvent *cid, CrmCallerIdSource modulation, gboolean sdmf,
                      float level_dbm0, gsize *n_samples)
{
  g_autoptr (GBytes) msg = NULL;
  BitSource         src = { 0 };
  fsk_tx_state_t   *tx;
  const fsk_spec_t *spec;
  gsize             signal_samples, silence = RATE / 10, total;
  gint16           *out;
  int               baud;

  g_return_val_if_fail (cid != NULL && n_samples != NULL, NULL);

  msg = sdmf ? crm_cid_message_build_sdmf (cid) : crm_cid_message_build_mdmf (cid);
  if (msg == NULL)
    return NULL;
  src.msg = g_bytes_get_data (msg, &src.len);
  src.total = SEIZURE_BITS + MARK_BITS + src.len * 10 + TRAILER_BITS;

  spec = &preset_fsk_specs[modulation == CRM_CALLER_ID_SOURCE_FSK_V23 ? FSK_V23CH1 : FSK_BELL202];
  baud = spec->baud_rate / 100;
  signal_samples = (src.total * RATE + (gsize)baud - 1) / (gsize)baud;
  total = silence + signal_samples + silence;
  out = g_new0 (gint16, total);

  tx = fsk_tx_init (NULL, spec, next_bit, &src);
  fsk_tx_power (tx, level_dbm0);
  fsk_tx (tx, out + silence, (int)signal_samples);
  fsk_tx_free (tx);

  *n_samples = total;
  return out;
}

gint16 *
crm_cid_generate_dtmf (const CrmCallEvent *cid, float level_dbm0, gsize *n_samples)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  dtmf_tx_state_t *tx;
  GArray          *out;
  gint16           buf[160];
  int              n;
  gsize            lead = RATE / 5;

  g_return_val_if_fail (cid != NULL && n_samples != NULL, NULL);

  if (cid->number != NULL)
    {
      g_string_append_c (digits, 'D');
      for (const char *p = cid->number; *p && digits->len < 60; p++)
        if (g_ascii_isdigit (*p))
          g_string_append_c (digits, *p);
      g_string_append_c (digits, 'C');
    }
  else
    g_string_append (digits, cid->number_reason == CRM_CALLER_ID_PRIVATE ? "B10C" : "B00C");

  out = g_array_new (FALSE, TRUE, sizeof (gint16));
  g_array_set_size (out, lead);
  tx = dtmf_tx_init (NULL);
  dtmf_tx_set_level (tx, (int)level_dbm0, 0);
  dtmf_tx_set_timing (tx, 70, 70);
  dtmf_tx_put (tx, digits->str, (int)digits->len);
  while ((n = dtmf_tx (tx, buf, G_N_ELEMENTS (buf))) > 0)
    g_array_append_vals (out, buf, (guint)n);
  dtmf_tx_free (tx);
  g_array_set_size (out, out->len + RATE);

  *n_samples = out->len;
  return (gint16 *)g_array_free (out, FALSE);
}

void
crm_cid_add_noise (gint16 *samples, gsize n_samples, float noise_dbm0, int seed)
{
  awgn_state_t *noise = awgn_init_dbm0 (NULL, seed, noise_dbm0);

  for (gsize i = 0; i < n_samples; i++)
    {
      int v = samples[i] + awgn (noise);
      samples[i] = (gint16)CLAMP (v, G_MININT16, G_MAXINT16);
    }
  awgn_free (noise);
}
