/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "crm-call-event.h"

G_BEGIN_DECLS

#define CRM_TYPE_MODEM_SIMULATOR (crm_modem_simulator_get_type ())
G_DECLARE_FINAL_TYPE (CrmModemSimulator, crm_modem_simulator, CRM, MODEM_SIMULATOR, GObject)

/* Plays a caller-ID modem on the master side of a pseudo-terminal, for the
 * demo and the tests.  The backend opens crm_modem_simulator_get_path() (a
 * symlink to the pty, removed on "unplug") like any /dev/ttyACM*.
 *
 * It answers AT commands (OK; ERROR for AT+VCID=1 when "accept-vcid" is
 * FALSE) and, once caller ID is enabled, plays the script: for each call,
 * wait `delay` seconds, RING, the formatted caller ID (DATE/TIME/NMBR/NAME),
 * RING.
 *
 * Script: one call per line, "number,name,delay-seconds[,fsk|v23|dtmf]";
 * number "P" (withheld) or "O" (unavailable); name may be empty; '#'
 * starts a comment.  The fourth field only matters for rendered audio. */

typedef struct
{
  char             *number;
  char             *name;
  double            delay;
  CrmCallerIdSource modulation;
} CrmSimulatedCall;

CrmModemSimulator *crm_modem_simulator_new (const char *script,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;
CrmModemSimulator *crm_modem_simulator_new_from_file (const char *path,
                                                      GError    **error) G_GNUC_WARN_UNUSED_RESULT;

const char             *crm_modem_simulator_get_path (CrmModemSimulator *self);
guint                   crm_modem_simulator_get_n_calls (CrmModemSimulator *self);
const CrmSimulatedCall *crm_modem_simulator_get_call (CrmModemSimulator *self, guint index);

/* Every command line the backend sent, in order. */
GStrv crm_modem_simulator_dup_commands (CrmModemSimulator *self);
/* Calls played so far. */
guint crm_modem_simulator_get_n_played (CrmModemSimulator *self);

/* The USB cable: unplug closes the pty and removes the device node;
 * replug makes a new pty behind the same path. */
void     crm_modem_simulator_unplug (CrmModemSimulator *self);
gboolean crm_modem_simulator_replug (CrmModemSimulator *self, GError **error);

/* Renders the script as line audio (8 kHz 16-bit mono WAV): for each call
 * `delay` seconds of silence then its caller ID as FSK (Bell 202 or V.23
 * MDMF) or DTMF, made with spandsp's transmitters.  Needs spandsp. */
gboolean crm_modem_simulator_render_wav (CrmModemSimulator *self, const char *path,
                                         float level_dbm0, GError **error);

G_END_DECLS
