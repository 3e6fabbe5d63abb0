/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-call-event.h"

G_BEGIN_DECLS

/* Real caller-ID line audio made with spandsp's transmitters, for the
 * simulator and the tests: 8 kHz, 16-bit mono. */

/* FSK (`modulation` CRM_CALLER_ID_SOURCE_FSK_BELL202 or _FSK_V23): 300
 * bits of channel seizure, 180 mark bits, the MDMF message (SDMF when
 * `sdmf`), a few mark bits, then 100 ms of silence.  `level_dbm0` is the
 * signal level.  Returns the samples; `n_samples` receives their count. */
gint16 *crm_cid_generate_fsk (const CrmCallEvent *cid, CrmCallerIdSource modulation, gboolean sdmf,
                              float level_dbm0, gsize *n_samples);

/* DTMF "D<number>C" (or "B10C"/"B00C" when the number is withheld),
 * 70 ms tones and 70 ms gaps, then 1 s of silence. */
gint16 *crm_cid_generate_dtmf (const CrmCallEvent *cid, float level_dbm0, gsize *n_samples);

/* Adds white Gaussian noise at `noise_dbm0` (spandsp awgn) in place. */
void crm_cid_add_noise (gint16 *samples, gsize n_samples, float noise_dbm0, int seed);

G_END_DECLS
