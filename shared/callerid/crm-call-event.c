/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <glib/gi18n-lib.h>

#include "crm-call-event.h"
#include "crm-callerid-error.h"

G_DEFINE_QUARK (crm - callerid - error - quark, crm_callerid_error)

G_DEFINE_BOXED_TYPE (CrmCallEvent, crm_call_event, crm_call_event_copy, crm_call_event_free)

CrmCallEvent *
crm_call_event_new (CrmCallEventKind kind)
{
  CrmCallEvent *event = g_new0 (CrmCallEvent, 1);

  event->kind = kind;
  event->time_us = g_get_real_time ();
  return event;
}

CrmCallEvent *
crm_call_event_copy (const CrmCallEvent *event)
{
  CrmCallEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_memdup2 (event, sizeof *event);
  copy->number = g_strdup (event->number);
  copy->name = g_strdup (event->name);
  copy->date = g_strdup (event->date);
  copy->time = g_strdup (event->time);
  copy->extra = g_strdup (event->extra);
  copy->line = g_strdup (event->line);
  copy->dialed = g_strdup (event->dialed);
  copy->message = g_strdup (event->message);
  return copy;
}

void
crm_call_event_free (CrmCallEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->number);
  g_free (event->name);
  g_free (event->date);
  g_free (event->time);
  g_free (event->extra);
  g_free (event->line);
  g_free (event->dialed);
  g_free (event->message);
  g_free (event);
}

static gboolean
two_digits (const char *s, int *value)
{
  if (!g_ascii_isdigit (s[0]) || !g_ascii_isdigit (s[1]))
    return FALSE;
  *value = (s[0] - '0') * 10 + (s[1] - '0');
  return TRUE;
}

void
crm_call_event_set_datetime (CrmCallEvent *event, const char *mmdd, const char *hhmm)
{
  int      month = 0, day = 0, hour = 0, minute = 0;
  gboolean date_ok, time_ok;

  g_return_if_fail (event != NULL);

  g_clear_pointer (&event->date, g_free);
  g_clear_pointer (&event->time, g_free);
  if (mmdd != NULL && *mmdd != '\0')
    event->date = g_strdup (mmdd);
  if (hhmm != NULL && *hhmm != '\0')
    event->time = g_strdup (hhmm);

  date_ok = event->date != NULL && strlen (event->date) == 4 && two_digits (event->date, &month)
            && two_digits (event->date + 2, &day) && month >= 1 && month <= 12 && day >= 1
            && day <= 31;
  time_ok = event->time != NULL && strlen (event->time) == 4 && two_digits (event->time, &hour)
            && two_digits (event->time + 2, &minute) && hour <= 23 && minute <= 59;
  event->datetime_valid = date_ok && time_ok;

  if (event->date == NULL && event->time == NULL)
    return;
  if (!date_ok && event->date != NULL)
    {
      g_free (event->message);
      event->message = g_strdup_printf (
          _ ("The caller-ID date “%s” is not a valid month and day; the number is kept."),
          event->date);
    }
  else if (!time_ok && event->time != NULL)
    {
      g_free (event->message);
      event->message = g_strdup_printf (
          _ ("The caller-ID time “%s” is not a valid time of day; the number is kept."),
          event->time);
    }
}

const char *
crm_call_event_kind_to_string (CrmCallEventKind kind)
{
  switch (kind)
    {
    case CRM_CALL_EVENT_RING:
      return "ring";
    case CRM_CALL_EVENT_CALLER_ID:
      return "caller-id";
    case CRM_CALL_EVENT_RING_STOPPED:
      return "ring-stopped";
    case CRM_CALL_EVENT_OFF_HOOK:
      return "off-hook";
    case CRM_CALL_EVENT_ON_HOOK:
      return "on-hook";
    case CRM_CALL_EVENT_DTMF:
      return "dtmf";
    case CRM_CALL_EVENT_FAX_TONE:
      return "fax-tone";
    case CRM_CALL_EVENT_DIAL_RESULT:
      return "dial-result";
    case CRM_CALL_EVENT_DEVICE_LOST:
      return "device-lost";
    case CRM_CALL_EVENT_DEVICE_BACK:
      return "device-back";
    case CRM_CALL_EVENT_WARNING:
      return "warning";
    default:
      return "unknown";
    }
}

const char *
crm_caller_id_source_to_string (CrmCallerIdSource source)
{
  switch (source)
    {
    case CRM_CALLER_ID_SOURCE_NONE:
      return "none";
    case CRM_CALLER_ID_SOURCE_MODEM:
      return "modem";
    case CRM_CALLER_ID_SOURCE_MODEM_HEX:
      return "modem-hex";
    case CRM_CALLER_ID_SOURCE_DEVICE:
      return "device";
    case CRM_CALLER_ID_SOURCE_FSK_BELL202:
      return "fsk-bell202";
    case CRM_CALLER_ID_SOURCE_FSK_V23:
      return "fsk-v23";
    case CRM_CALLER_ID_SOURCE_DTMF:
      return "dtmf";
    case CRM_CALLER_ID_SOURCE_BYTES:
      return "bytes";
    default:
      return "unknown";
    }
}

static const char *
reason_to_string (CrmCallerIdReason reason)
{
  switch (reason)
    {
    case CRM_CALLER_ID_PRESENT:
      return "present";
    case CRM_CALLER_ID_PRIVATE:
      return "private";
    case CRM_CALLER_ID_UNAVAILABLE:
      return "unavailable";
    case CRM_CALLER_ID_ABSENT:
      return "absent";
    default:
      return "unknown";
    }
}

char *
crm_call_event_to_string (const CrmCallEvent *event)
{
  GString *s;

  g_return_val_if_fail (event != NULL, NULL);

  s = g_string_new (crm_call_event_kind_to_string (event->kind));
  switch (event->kind)
    {
    case CRM_CALL_EVENT_CALLER_ID:
      g_string_append_printf (
          s, " source=%s number=%s(%s) name=%s(%s) date=%s time=%s%s",
          crm_caller_id_source_to_string (event->source), event->number ? event->number : "-",
          reason_to_string (event->number_reason), event->name ? event->name : "-",
          reason_to_string (event->name_reason), event->date ? event->date : "-",
          event->time ? event->time : "-", event->datetime_valid ? "" : " (datetime invalid)");
      break;
    case CRM_CALL_EVENT_RING:
      if (event->ring_cadence)
        g_string_append_printf (s, " cadence=%c", event->ring_cadence);
      break;
    case CRM_CALL_EVENT_DTMF:
      g_string_append_printf (s, " digit=%c", event->digit);
      break;
    case CRM_CALL_EVENT_DIAL_RESULT:
      g_string_append_printf (s, " result=%d dialed=%s", event->dial_result,
                              event->dialed ? event->dialed : "-");
      break;
    default:
      break;
    }
  if (event->message)
    g_string_append_printf (s, " message=\"%s\"", event->message);
  return g_string_free (s, FALSE);
}
