/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-call-event.h"

G_BEGIN_DECLS

/* Incremental, tolerant parser of what a caller-ID modem (or serial
 * caller-ID box) prints.  Pure: bytes in, events out through a callback;
 * no I/O, no clock.  Feed it any split of the stream, even byte by byte.
 *
 * Understood: RING / "RING A" (distinctive ring) / "CID RING"; formatted
 * caller ID (DATE, TIME, "DATE TIME", NMBR, DDN_NMBR, DDN, NAME, MESG, with
 * or without spaces around "="), P/O; unformatted SDMF/MDMF hex
 * (AT+VCID=2, also wrapped over lines); TCI fixed-width lines, NetCallerID
 * "###DATE…+++" lines and Whozz Calling lines; shielded <DLE> voice-mode
 * events; modem replies (OK, ERROR, BUSY, NO CARRIER…).  Anything else is
 * line noise and ignored.  Lines are capped at CRM_MODEM_PARSER_MAX_LINE
 * bytes; longer ones are dropped. */

#define CRM_MODEM_PARSER_MAX_LINE 512

typedef enum
{
  CRM_MODEM_REPLY_OK = 1,
  CRM_MODEM_REPLY_ERROR,
  CRM_MODEM_REPLY_CONNECT,
  CRM_MODEM_REPLY_BUSY,
  CRM_MODEM_REPLY_NO_CARRIER,
  CRM_MODEM_REPLY_NO_DIALTONE,
  CRM_MODEM_REPLY_NO_ANSWER,
} CrmModemReply;

typedef void (*CrmModemReplyFunc) (CrmModemReply reply, gpointer user_data);

typedef struct _CrmModemParser CrmModemParser;

CrmModemParser *crm_modem_parser_new (CrmCallEventFunc func, gpointer user_data);
void            crm_modem_parser_free (CrmModemParser *parser);

void crm_modem_parser_set_reply_func (CrmModemParser *parser, CrmModemReplyFunc func,
                                      gpointer user_data);

void crm_modem_parser_feed (CrmModemParser *parser, const guint8 *data, gsize len);

/* The line went quiet (the backend calls this after a short idle time) or
 * the stream ended: finish a pending line and report a pending caller ID
 * that had no RING after it. */
void crm_modem_parser_flush (CrmModemParser *parser);

/* Forget everything pending (device re-opened). */
void crm_modem_parser_reset (CrmModemParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmModemParser, crm_modem_parser_free)

G_END_DECLS
