/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

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
#define DUPLICATE_SAMPLES (CRM_CID_DECODER_RATE * 2)
#define DTMF_MAX_DIGITS 32

typedef struct _CrmCidDecoder CrmCidDecoder;

typedef struct {
  CrmCidDecoder    *decoder;
  CrmCallerIdSource source;
  fsk_rx_state_t   *rx;
  async_rx_state_t *uart;
  guint8            buf[FSK_BUFFER_MAX];
  gsize             len;
  gboolean          done;   /* message of this burst already handled */
} FskChannel;

typedef enum {
  DTMF_IDLE,
  DTMF_NUMBER,     /* after A or D */
  DTMF_REASON,     /* after B */
  DTMF_UNFRAMED,   /* bare digits */
} DtmfState;

struct _CrmCidDecoder {
  CrmCallEventFunc func;
  gpointer         user_data;
  gboolean         report_digits;

  FskChannel       fsk[2];
  dtmf_rx_state_t *dtmf;
  DtmfState        dtmf_state;
  GString         *dtmf_digits;
  guint64          last_digit_at;

  guint64          position;
  guint8           last_msg[CRM_CID_MESSAGE_MAX];
  gsize            last_msg_len;
  guint64          last_msg_at;
};

static void
emit (CrmCidDecoder *decoder, CrmCallEvent *event)
{
  if (decoder->func)
    decoder->func (event, decoder->user_data);
  crm_call_event_free (event);
}

static void
fsk_try_decode (FskChannel *ch)
{
  CrmCidDecoder *decoder = ch->decoder;
  g_autoptr(GError) error = NULL;
  CrmCallEvent *event;
  gsize used = 0;

  while (ch->len > 0 && !ch->done)
    {
      event = crm_cid_message_decode (ch->buf, ch->len, CRM_CID_MESSAGE_STRICT,
                                      ch->source, &used, &error);
      if (event != NULL)
        {
          gsize start = 0;
          while (start < used && (ch->buf[start] != CRM_CID_MESSAGE_SDMF &&
                                  ch->buf[start] != CRM_CID_MESSAGE_MDMF))
            start++;
          ch->done = TRUE;
          if (used - start == decoder->last_msg_len &&
              memcmp (decoder->last_msg, ch->buf + start, used - start) == 0 &&
              decoder->position - decoder->last_msg_at < DUPLICATE_SAMPLES)
            {
              crm_call_event_free (event);
              return;
            }
          memcpy (decoder->last_msg, ch->buf + start, used - start);
          decoder->last_msg_len = used - start;
          decoder->last_msg_at = decoder->position;
          emit (decoder, event);
          return;
        }
      if (g_error_matches (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_TRUNCATED))
        return;
      if (g_error_matches (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_CHECKSUM))
        {
          /* Noise hit the burst.  Not reported: the other receiver, or the
           * modem's repeat, may still get it; a lost call is visible as a
           * ring without caller ID. */
          g_debug ("%s: caller-ID checksum failed", crm_caller_id_source_to_string (ch->source));
          ch->done = TRUE;
          return;
        }
      /* Bytes before a message type are noise: drop and retry. */
      used = MAX (used, 1);
      memmove (ch->buf, ch->buf + used, ch->len - used);
      ch->len -= used;
      g_clear_error (&error);
    }
}

static void
fsk_put_byte (void *user_data, int byte)
{
  FskChannel *ch = user_data;

  if (byte < 0)
    {
      /* Carrier up/down: a new burst starts. */
      if (byte == SIG_STATUS_CARRIER_UP || byte == SIG_STATUS_CARRIER_DOWN)
        {
          ch->len = 0;
          ch->done = FALSE;
        }
      return;
    }
  if (ch->done)
    return;
  if (ch->len == FSK_BUFFER_MAX)
    {
      ch->len = 0;
      return;
    }
  ch->buf[ch->len++] = (guint8) byte;
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
                             ? CRM_CALLER_ID_PRIVATE : CRM_CALLER_ID_UNAVAILABLE;
      event->name_reason = CRM_CALLER_ID_ABSENT;
      emit (decoder, event);
    }
  else if ((decoder->dtmf_state == DTMF_NUMBER && decoder->dtmf_digits->len > 0) ||
           (decoder->dtmf_state == DTMF_UNFRAMED && decoder->dtmf_digits->len >= 3))
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

CrmCidDecoder *
crm_cid_decoder_new (CrmCallEventFunc func,
                     gpointer         user_data)
{
  CrmCidDecoder *decoder = g_new0 (CrmCidDecoder, 1);
  static const struct { int preset; CrmCallerIdSource source; } fsk[2] = {
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
  g_string_free (decoder->dtmf_digits, TRUE);
  g_free (decoder);
}

void
crm_cid_decoder_set_report_digits (CrmCidDecoder *decoder,
                                   gboolean       report_digits)
{
  g_return_if_fail (decoder != NULL);
  decoder->report_digits = report_digits;
}

void
crm_cid_decoder_process (CrmCidDecoder *decoder,
                         const gint16  *samples,
                         gsize          n_samples)
{
  g_return_if_fail (decoder != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  /* Blocks of 160 samples (20 ms) keep the DTMF timeout precise and the
   * int sizes spandsp wants small. */
  for (gsize off = 0; off < n_samples; off += 160)
    {
      int n = (int) MIN ((gsize) 160, n_samples - off);

      for (int i = 0; i < 2; i++)
        fsk_rx (decoder->fsk[i].rx, samples + off, n);
      dtmf_rx (decoder->dtmf, samples + off, n);
      decoder->position += (guint64) n;
      if (decoder->dtmf_state == DTMF_UNFRAMED &&
          decoder->position - decoder->last_digit_at > DTMF_END_SAMPLES)
        dtmf_finish (decoder, FALSE);
      else if (decoder->dtmf_state != DTMF_IDLE &&
               decoder->position - decoder->last_digit_at > 4 * DTMF_END_SAMPLES)
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
