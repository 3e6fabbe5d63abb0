/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <spandsp.h>

#include "crm-callerid-error.h"
#include "crm-cid-decoder.h"
#include "crm-cid-message.h"

/* Bytes kept from one FSK burst; a message is at most 258 plus seizure. */
#define FSK_BUFFER_MAX 512
/* Quiet after the last unframed DTMF digit that ends the number. */
#define DTMF_END_SAMPLES (CRM_CID_DECODER_RATE * 8 / 10)
/* The same message decoded by both FSK receivers within this window is
 * reported once. */
#define DUPLICATE_SAMPLES (CRM_CID_DECODER_RATE * 3)
#define DTMF_MAX_DIGITS 32
/* The message follows its mark within this time (255 bytes take 2.1 s). */
#define MARK_MEMORY_SAMPLES (CRM_CID_DECODER_RATE * 3)

typedef struct _CrmCidDecoder CrmCidDecoder;

typedef struct
{
  CrmCidDecoder    *decoder;
  CrmCallerIdSource source;
  fsk_rx_state_t   *rx;
  async_rx_state_t *uart;
  guint8            buf[FSK_BUFFER_MAX];
  gsize             len;
} FskChannel;

typedef enum
{
  DTMF_IDLE,
  DTMF_NUMBER,   /* after A or D */
  DTMF_REASON,   /* after B */
  DTMF_UNFRAMED, /* bare digits */
} DtmfState;

struct _CrmCidDecoder
{
  CrmCallEventFunc func;
  gpointer         user_data;
  gboolean         report_digits;

  FskChannel                      fsk[2];
  dtmf_rx_state_t                *dtmf;
  modem_connect_tones_rx_state_t *cng; /* fax calling tone, 1100 Hz */
  modem_connect_tones_rx_state_t *ced; /* fax answer tone, 2100 Hz */
  DtmfState                       dtmf_state;
  GString                        *dtmf_digits;
  guint64                         last_digit_at;

  guint64  position;
  gboolean mark_seen;
  gboolean mark_v23;
  guint64  mark_at;
  char    *last_key;
  guint64  last_msg_at;
};

static float
goertzel_power (const gint16 *x, int n, float freq)
{
  float coeff = 2.0f * cosf (2.0f * (float)G_PI * freq / CRM_CID_DECODER_RATE);
  float s1 = 0, s2 = 0;

  for (int i = 0; i < n; i++)
    {
      float s0 = x[i] + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/* Both FSK receivers decode either modulation, so the label comes from the
 * mark signal (a steady 1200 Hz for Bell 202, 1300 Hz for V.23) that
 * precedes the message: a 20 ms block whose energy sits in one of those
 * tones.  Data and seizure are never that pure. */
static void
watch_mark_tone (CrmCidDecoder *decoder, const gint16 *x, int n)
{
  float energy = 0, p1200, p1300;

  if (n < 160)
    return;
  for (int i = 0; i < n; i++)
    energy += (float)x[i] * x[i];
  if (energy < 100.0f * n)
    return; /* silence */
  p1200 = goertzel_power (x, n, 1200);
  p1300 = goertzel_power (x, n, 1300);
  /* A pure tone at the bin gives (A·n/2)², energy is A²·n/2. */
  if (MAX (p1200, p1300) < 0.6f * energy * n / 2)
    return;
  decoder->mark_v23 = p1300 > p1200;
  decoder->mark_at = decoder->position;
  decoder->mark_seen = TRUE;
}

static void
emit (CrmCidDecoder *decoder, CrmCallEvent *event)
{
  if (decoder->func)
    decoder->func (event, decoder->user_data);
  crm_call_event_free (event);
}

/* On a noisy line the demodulators turn noise into bytes, and one garbage
 * "message" in 256 passes the 8-bit checksum.  Real caller ID carries a
 * dialable number (or a reason for its absence), a valid date when it has
 * one, and a printable name. */
static gboolean
plausible (const CrmCallEvent *event)
{
  if (event->number == NULL && event->number_reason == CRM_CALLER_ID_ABSENT && event->name == NULL)
    return FALSE;
  if (event->date != NULL && !event->datetime_valid)
    return FALSE;
  if (event->number != NULL)
    for (const char *p = event->number; *p; p++)
      if (!g_ascii_isdigit (*p) && !(*p == '+' && p == event->number) && *p != '*' && *p != '#'
          && *p != '-' && *p != ' ')
        return FALSE;
  if (event->name != NULL)
    for (const char *p = event->name; *p; p++)
      if ((guchar)*p < 0x20 || (guchar)*p >= 0x7F)
        return FALSE;
  return TRUE;
}

static void
drop_front (FskChannel *ch, gsize n)
{
  n = MIN (n, ch->len);
  memmove (ch->buf, ch->buf + n, ch->len - n);
  ch->len -= n;
}

/* Scans the burst for a complete message.  On a noisy line the carrier
 * never drops, so the buffer is a sliding window: decoded messages and
 * garbage are cut from its front, never waited on. */
static void
fsk_try_decode (FskChannel *ch)
{
  CrmCidDecoder *decoder = ch->decoder;

  while (ch->len > 0)
    {
      g_autoptr (GError) error = NULL;
      CrmCallEvent *event;
      gsize         used = 0, start = 0;

      event = crm_cid_message_decode (ch->buf, ch->len, CRM_CID_MESSAGE_STRICT, ch->source, &used,
                                      &error);
      if (event == NULL
          && g_error_matches (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_TRUNCATED))
        return;
      /* Where the decoder took the message (or garbage) to start: after
       * the NULs and seizure bytes it skips. */
      while (start < ch->len
             && (ch->buf[start] == 0x00 || ch->buf[start] == 0x55 || ch->buf[start] == 0xD5
                 || ch->buf[start] == 0xAA || ch->buf[start] == 0xFF))
        start++;
      if (event == NULL)
        {
          /* Checksum failure (noise, or noise mistaken for a message
           * start) or garbage: skip past this type byte and look again;
           * a real message may begin inside what was taken for one. */
          if (g_error_matches (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_CHECKSUM))
            g_debug ("%s: caller-ID checksum failed", crm_caller_id_source_to_string (ch->source));
          drop_front (ch, MIN (start + 1, ch->len));
          continue;
        }

      if (!plausible (event))
        {
          g_debug ("%s: dropping implausible caller-ID message",
                   crm_caller_id_source_to_string (ch->source));
          crm_call_event_free (event);
          drop_front (ch, MIN (start + 1, ch->len));
          continue;
        }
      {
        /* Same caller ID from the other receiver (or a repeat): once. */
        g_autofree char *key = g_strdup_printf (
            "%s|%d|%s|%d|%s|%s", event->number ? event->number : "", event->number_reason,
            event->name ? event->name : "", event->name_reason, event->date ? event->date : "",
            event->time ? event->time : "");
        if (g_strcmp0 (key, decoder->last_key) == 0
            && decoder->position - decoder->last_msg_at < DUPLICATE_SAMPLES)
          crm_call_event_free (event);
        else
          {
            g_free (decoder->last_key);
            decoder->last_key = g_steal_pointer (&key);
            decoder->last_msg_at = decoder->position;
            if (decoder->mark_seen && decoder->position - decoder->mark_at < MARK_MEMORY_SAMPLES)
              event->source = decoder->mark_v23 ? CRM_CALLER_ID_SOURCE_FSK_V23
                                                : CRM_CALLER_ID_SOURCE_FSK_BELL202;
            emit (decoder, event);
          }
      }
      drop_front (ch, used);
    }
}

static void
fsk_put_byte (void *user_data, int byte)
{
  FskChannel *ch = user_data;

  if (byte < 0)
    {
      /* Carrier up/down: a new burst starts, a cut one is lost. */
      if (byte == SIG_STATUS_CARRIER_UP || byte == SIG_STATUS_CARRIER_DOWN)
        ch->len = 0;
      return;
    }
  if (ch->len == FSK_BUFFER_MAX)
    drop_front (ch, FSK_BUFFER_MAX / 2);
  ch->buf[ch->len++] = (guint8)byte;
  fsk_try_decode (ch);
}

static void
dtmf_finish (CrmCidDecoder *decoder, gboolean framed)
{
  CrmCallEvent *event;

  if (decoder->dtmf_state == DTMF_REASON)
    {
      event = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
      event->source = CRM_CALLER_ID_SOURCE_DTMF;
      event->number_reason = g_str_equal (decoder->dtmf_digits->str, "10")
                                 ? CRM_CALLER_ID_PRIVATE
                                 : CRM_CALLER_ID_UNAVAILABLE;
      event->name_reason = CRM_CALLER_ID_ABSENT;
      emit (decoder, event);
    }
  else if ((decoder->dtmf_state == DTMF_NUMBER && decoder->dtmf_digits->len > 0)
           || (decoder->dtmf_state == DTMF_UNFRAMED && decoder->dtmf_digits->len >= 3))
    {
      event = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
      event->source = CRM_CALLER_ID_SOURCE_DTMF;
      event->number = g_strdup (decoder->dtmf_digits->str);
      event->name_reason = CRM_CALLER_ID_ABSENT;
      emit (decoder, event);
    }
  decoder->dtmf_state = DTMF_IDLE;
  g_string_truncate (decoder->dtmf_digits, 0);
}

static void
dtmf_digit (CrmCidDecoder *decoder, char d)
{
  if (decoder->report_digits)
    {
      CrmCallEvent *event = crm_call_event_new (CRM_CALL_EVENT_DTMF);
      event->digit = d;
      emit (decoder, event);
    }
  decoder->last_digit_at = decoder->position;

  switch (d)
    {
    case 'A':
    case 'D':
      if (decoder->dtmf_state == DTMF_UNFRAMED)
        dtmf_finish (decoder, FALSE);
      decoder->dtmf_state = DTMF_NUMBER;
      g_string_truncate (decoder->dtmf_digits, 0);
      return;
    case 'B':
      if (decoder->dtmf_state == DTMF_UNFRAMED)
        dtmf_finish (decoder, FALSE);
      decoder->dtmf_state = DTMF_REASON;
      g_string_truncate (decoder->dtmf_digits, 0);
      return;
    case 'C':
    case '#':
      dtmf_finish (decoder, TRUE);
      return;
    default:
      break;
    }
  if (!g_ascii_isdigit (d))
    return;
  if (decoder->dtmf_state == DTMF_IDLE)
    decoder->dtmf_state = DTMF_UNFRAMED;
  if (decoder->dtmf_digits->len < DTMF_MAX_DIGITS)
    g_string_append_c (decoder->dtmf_digits, d);
}

static void
dtmf_digits_cb (void *user_data, const char *digits, int len)
{
  CrmCidDecoder *decoder = user_data;

  for (int i = 0; i < len; i++)
    dtmf_digit (decoder, digits[i]);
}

static void
fax_tone_cb (void *user_data, int code, int level, int delay)
{
  CrmCidDecoder *decoder = user_data;

  if (code == MODEM_CONNECT_TONES_NONE)
    return;
  emit (decoder, crm_call_event_new (CRM_CALL_EVENT_FAX_TONE));
}

CrmCidDecoder *
crm_cid_decoder_new (CrmCallEventFunc func, gpointer user_data)
{
  CrmCidDecoder *decoder = g_new0 (CrmCidDecoder, 1);
  static const struct
  {
    int               preset;
    CrmCallerIdSource source;
  } fsk[2] = {
    { FSK_BELL202, CRM_CALLER_ID_SOURCE_FSK_BELL202 },
    { FSK_V23CH1, CRM_CALLER_ID_SOURCE_FSK_V23 },
  };

  decoder->func = func;
  decoder->user_data = user_data;
  decoder->dtmf_digits = g_string_new (NULL);
  for (int i = 0; i < 2; i++)
    {
      FskChannel *ch = &decoder->fsk[i];
      ch->decoder = decoder;
      ch->source = fsk[i].source;
      /* Bits from the demodulator, bytes (8N1) from the UART. */
      ch->uart = async_rx_init (NULL, 8, ASYNC_PARITY_NONE, 1, FALSE, fsk_put_byte, ch);
      ch->rx = fsk_rx_init (NULL, &preset_fsk_specs[fsk[i].preset], FSK_FRAME_MODE_ASYNC,
                            async_rx_put_bit, ch->uart);
      /* Lines in China and rural exchanges are often quiet. */
      fsk_rx_signal_cutoff (ch->rx, -45.0f);
    }
  decoder->dtmf = dtmf_rx_init (NULL, dtmf_digits_cb, decoder);
  dtmf_rx_parms (decoder->dtmf, FALSE, -1, -1, -45);
  decoder->cng
      = modem_connect_tones_rx_init (NULL, MODEM_CONNECT_TONES_FAX_CNG, fax_tone_cb, decoder);
  decoder->ced
      = modem_connect_tones_rx_init (NULL, MODEM_CONNECT_TONES_FAX_CED, fax_tone_cb, decoder);
  return decoder;
}

void
crm_cid_decoder_free (CrmCidDecoder *decoder)
{
  if (decoder == NULL)
    return;
  for (int i = 0; i < 2; i++)
    {
      fsk_rx_free (decoder->fsk[i].rx);
      async_rx_free (decoder->fsk[i].uart);
    }
  dtmf_rx_free (decoder->dtmf);
  modem_connect_tones_rx_free (decoder->cng);
  modem_connect_tones_rx_free (decoder->ced);
  g_string_free (decoder->dtmf_digits, TRUE);
  g_free (decoder->last_key);
  g_free (decoder);
}

void
crm_cid_decoder_set_report_digits (CrmCidDecoder *decoder, gboolean report_digits)
{
  g_return_if_fail (decoder != NULL);
  decoder->report_digits = report_digits;
}

void
crm_cid_decoder_process (CrmCidDecoder *decoder, const gint16 *samples, gsize n_samples)
{
  g_return_if_fail (decoder != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  /* Blocks of 160 samples (20 ms) keep the DTMF timeout precise and the
   * int sizes spandsp wants small. */
  for (gsize off = 0; off < n_samples; off += 160)
    {
      int n = (int)MIN ((gsize)160, n_samples - off);

      watch_mark_tone (decoder, samples + off, n);
      for (int i = 0; i < 2; i++)
        fsk_rx (decoder->fsk[i].rx, samples + off, n);
      dtmf_rx (decoder->dtmf, samples + off, n);
      modem_connect_tones_rx (decoder->cng, samples + off, n);
      modem_connect_tones_rx (decoder->ced, samples + off, n);
      decoder->position += (guint64)n;
      if (decoder->dtmf_state == DTMF_UNFRAMED
          && decoder->position - decoder->last_digit_at > DTMF_END_SAMPLES)
        dtmf_finish (decoder, FALSE);
      else if (decoder->dtmf_state != DTMF_IDLE
               && decoder->position - decoder->last_digit_at > 4 * DTMF_END_SAMPLES)
        {
          /* A framed number whose end symbol was lost: better the digits
           * than nothing, they are checked against the customer list. */
          dtmf_finish (decoder, FALSE);
        }
    }
}

void
crm_cid_decoder_flush (CrmCidDecoder *decoder)
{
  g_return_if_fail (decoder != NULL);
  if (decoder->dtmf_state != DTMF_IDLE)
    dtmf_finish (decoder, FALSE);
}

guint64
crm_cid_decoder_get_position (CrmCidDecoder *decoder)
{
  g_return_val_if_fail (decoder != NULL, 0);
  return decoder->position;
}
