/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-call-event.h"

G_BEGIN_DECLS

/* Caller ID from line audio: 8 kHz, 16-bit signed, mono PCM.  Runs a Bell
 * 202 FSK, a V.23 FSK and a DTMF receiver (spandsp) on every sample, so a
 * line that sends either is decoded without configuration (in China DTMF
 * comes before the first ring, FSK between the first and second).
 *
 * FSK: SDMF/MDMF messages with a verified checksum (crm-cid-message.h).
 *
 * DTMF framing implemented:
 *   A<digits>C  or  D<digits>C   calling number (ETSI EN 300 659 style and
 *                                the "D…C" form used in China, Taiwan,
 *                                India, Brazil); '#' is accepted for 'C'
 *   B00C / B10C                  number unavailable / private
 *   <digits> then >= 800 ms quiet  unframed number (exchanges that send bare
 *                                digits), at least 3 digits
 * A start symbol seen again restarts the number; anything else between
 * messages is ignored.  Every detected digit is also reported as a DTMF
 * event when `report_digits` is set. */

#define CRM_CID_DECODER_RATE 8000

typedef struct _CrmCidDecoder CrmCidDecoder;

CrmCidDecoder *crm_cid_decoder_new (CrmCallEventFunc func, gpointer user_data);
void           crm_cid_decoder_free (CrmCidDecoder *decoder);

void crm_cid_decoder_set_report_digits (CrmCidDecoder *decoder, gboolean report_digits);

void crm_cid_decoder_process (CrmCidDecoder *decoder, const gint16 *samples, gsize n_samples);

/* End of stream: report a pending unframed DTMF number. */
void crm_cid_decoder_flush (CrmCidDecoder *decoder);

/* Samples processed so far. */
guint64 crm_cid_decoder_get_position (CrmCidDecoder *decoder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmCidDecoder, crm_cid_decoder_free)

G_END_DECLS
