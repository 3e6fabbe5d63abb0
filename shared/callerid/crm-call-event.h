/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What happened on the line.  One model for every backend (modem, audio,
 * simulator), so the pop-up and the call log never care where it came from. */
typedef enum
{
  CRM_CALL_EVENT_RING = 1,
  CRM_CALL_EVENT_CALLER_ID,
  CRM_CALL_EVENT_RING_STOPPED,
  CRM_CALL_EVENT_OFF_HOOK,
  CRM_CALL_EVENT_ON_HOOK,
  CRM_CALL_EVENT_DTMF,
  CRM_CALL_EVENT_FAX_TONE,
  CRM_CALL_EVENT_DIAL_RESULT,
  CRM_CALL_EVENT_DEVICE_LOST,
  CRM_CALL_EVENT_DEVICE_BACK,
  /* Something was received but could not be used in full (bad checksum,
   * malformed time...).  `message` says what, translated. */
  CRM_CALL_EVENT_WARNING,
} CrmCallEventKind;

typedef enum
{
  CRM_CALLER_ID_SOURCE_NONE = 0,
  CRM_CALLER_ID_SOURCE_MODEM,     /* formatted text from a caller-ID modem */
  CRM_CALLER_ID_SOURCE_MODEM_HEX, /* AT+VCID=2 unformatted SDMF/MDMF hex */
  CRM_CALLER_ID_SOURCE_DEVICE, /* other serial caller-ID boxes (TCI, NetCallerID, Whozz Calling) */
  CRM_CALLER_ID_SOURCE_FSK_BELL202,
  CRM_CALLER_ID_SOURCE_FSK_V23,
  CRM_CALLER_ID_SOURCE_DTMF,
  CRM_CALLER_ID_SOURCE_BYTES, /* a raw SDMF/MDMF message handed in directly */
} CrmCallerIdSource;

/* Why the number (or the name) is missing. */
typedef enum
{
  CRM_CALLER_ID_PRESENT = 0,
  CRM_CALLER_ID_PRIVATE,     /* "P": withheld by the caller */
  CRM_CALLER_ID_UNAVAILABLE, /* "O": out of area / not delivered by the network */
  CRM_CALLER_ID_ABSENT,      /* not sent, no reason given */
} CrmCallerIdReason;

typedef enum
{
  CRM_DIAL_RESULT_OK = 0,
  CRM_DIAL_RESULT_BUSY,
  CRM_DIAL_RESULT_NO_ANSWER,
  CRM_DIAL_RESULT_NO_CARRIER,
  CRM_DIAL_RESULT_NO_DIALTONE,
  CRM_DIAL_RESULT_ERROR,
} CrmDialResult;

typedef struct
{
  CrmCallEventKind kind;
  gint64           time_us; /* g_get_real_time() when produced */

  /* CALLER_ID */
  CrmCallerIdSource source;
  char             *number; /* NULL when absent; see number_reason */
  char             *name;   /* NULL when absent; see name_reason */
  CrmCallerIdReason number_reason;
  CrmCallerIdReason name_reason;
  char             *date;           /* "MMDD" as sent, NULL when not sent */
  char             *time;           /* "HHMM" as sent (24 h), NULL when not sent */
  gboolean          datetime_valid; /* date and time present and in range */
  char             *extra;          /* undecoded parameters (MESG), hex; may be NULL */
  char             *line;           /* line id on multi-line boxes; may be NULL */

  /* RING: distinctive-ring cadence letter ('A', 'B'...) or 0 */
  char ring_cadence;
  /* DTMF */
  char digit;
  /* DIAL_RESULT */
  CrmDialResult dial_result;
  char         *dialed; /* the number dialled */

  /* WARNING (and optionally CALLER_ID with a problem): translated text */
  char *message;
} CrmCallEvent;

#define CRM_TYPE_CALL_EVENT (crm_call_event_get_type ())
GType crm_call_event_get_type (void) G_GNUC_CONST;

CrmCallEvent *crm_call_event_new (CrmCallEventKind kind);
CrmCallEvent *crm_call_event_copy (const CrmCallEvent *event);
void          crm_call_event_free (CrmCallEvent *event);

/* Sets `date`/`time` from raw text and checks the ranges (month 1-12,
 * day 1-31, hour 0-23, minute 0-59).  Out-of-range or odd-length values are
 * kept as sent but `datetime_valid` is FALSE and `message` explains. */
void crm_call_event_set_datetime (CrmCallEvent *event, const char *mmdd, const char *hhmm);

/* Stable symbolic names, for logs and test tables. */
const char *crm_call_event_kind_to_string (CrmCallEventKind kind);
const char *crm_caller_id_source_to_string (CrmCallerIdSource source);

/* One-line description for logs: "caller-id number=... name=..." */
char *crm_call_event_to_string (const CrmCallEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmCallEvent, crm_call_event_free)

/* Receives events from the pure parsers and decoders; the event is borrowed
 * (copy it to keep it). */
typedef void (*CrmCallEventFunc) (CrmCallEvent *event, gpointer user_data);

G_END_DECLS
