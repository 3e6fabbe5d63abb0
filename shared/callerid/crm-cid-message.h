/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-call-event.h"

G_BEGIN_DECLS

/* Bellcore GR-30 / ETSI EN 300 659 / BT SIN 227 / China YD/T 1025 caller-ID
 * data messages: SDMF (type 0x04) and MDMF (type 0x80).  Shared by the
 * modem's unformatted output, raw byte captures and the FSK audio path. */

#define CRM_CID_MESSAGE_SDMF 0x04
#define CRM_CID_MESSAGE_MDMF 0x80

/* Longest message we accept: type + length + 255 + checksum. */
#define CRM_CID_MESSAGE_MAX 258

typedef enum
{
  CRM_CID_MESSAGE_STRICT = 0,
  /* Decode even when the checksum does not verify (for archived test data
   * whose checksum is known to be wrong); the event's `message` says so. */
  CRM_CID_MESSAGE_IGNORE_CHECKSUM = 1 << 0,
} CrmCidMessageFlags;

/* Finds one message in `data`, skipping leading NULs and channel-seizure
 * bytes (0x55, 0xD5, 0xAA, 0xFF), and decodes it into a CALLER_ID event.
 * `consumed` (may be NULL) receives the bytes used, including skipped ones.
 * Fails with CRM_CALLERID_ERROR_TRUNCATED when more bytes are needed,
 * _CHECKSUM or _MALFORMED otherwise.  Never reads past `len`. */
CrmCallEvent *crm_cid_message_decode (const guint8 *data, gsize len, CrmCidMessageFlags flags,
                                      CrmCallerIdSource source, gsize *consumed,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Builds an MDMF message (with checksum) from a caller-ID event's number,
 * name, reasons and date/time ("MMDD"/"HHMM"); for the simulator.  Fields
 * longer than the format allows are cut.  Returns NULL if nothing to send. */
GBytes *crm_cid_message_build_mdmf (const CrmCallEvent *event);

/* Builds an SDMF message: date/time and number (or "P"/"O"). */
GBytes *crm_cid_message_build_sdmf (const CrmCallEvent *event);

/* Parses hex text ("80200108…", case-insensitive, no separators) into bytes.
 * Returns NULL on an odd length or a non-hex character. */
GBytes *crm_cid_hex_decode (const char *hex, gsize len);

G_END_DECLS
