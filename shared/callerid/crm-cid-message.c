/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "crm-callerid-error.h"
#include "crm-cid-message.h"

/* MDMF parameter types (GR-30-CORE, EN 300 659-3, SIN 227). */
enum
{
  PARAM_DATETIME = 0x01,
  PARAM_NUMBER = 0x02,
  PARAM_DIALABLE = 0x03,
  PARAM_NUMBER_ABSENT = 0x04,
  PARAM_NAME = 0x07,
  PARAM_NAME_ABSENT = 0x08,
};

static gboolean
is_seizure_byte (guint8 b)
{
  return b == 0x00 || b == 0x55 || b == 0xD5 || b == 0xAA || b == 0xFF;
}

/* Network text is untrusted: keep printable characters, make it UTF-8. */
static char *
clean_text (const guint8 *p, gsize n)
{
  g_autofree char *raw = g_malloc (n + 1);
  gsize            j = 0;

  for (gsize i = 0; i < n; i++)
    {
      guint8 c = p[i];
      if (c >= 0x20 && c != 0x7F)
        raw[j++] = (char)c;
    }
  raw[j] = '\0';
  g_strstrip (raw);
  if (*raw == '\0')
    return NULL;
  return g_utf8_make_valid (raw, -1);
}

static CrmCallerIdReason
reason_from_byte (guint8 c)
{
  switch (c)
    {
    case 'P':
    case 'p':
      return CRM_CALLER_ID_PRIVATE;
    case 'O':
    case 'o':
      return CRM_CALLER_ID_UNAVAILABLE;
    default:
      return CRM_CALLER_ID_ABSENT;
    }
}

static void
set_datetime_bytes (CrmCallEvent *event, const guint8 *p, gsize n)
{
  char mmdd[5] = { 0 }, hhmm[5] = { 0 };

  if (n < 8)
    {
      /* Keep what came so the warning shows it. */
      g_autofree char *raw = clean_text (p, n);
      crm_call_event_set_datetime (event, raw ? raw : "?", NULL);
      return;
    }
  for (int i = 0; i < 4; i++)
    {
      mmdd[i] = g_ascii_isprint (p[i]) ? (char)p[i] : '?';
      hhmm[i] = g_ascii_isprint (p[i + 4]) ? (char)p[i + 4] : '?';
    }
  crm_call_event_set_datetime (event, mmdd, hhmm);
}

static gboolean
decode_sdmf (CrmCallEvent *event, const guint8 *body, gsize n, GError **error)
{
  if (n < 8)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                   _ ("The caller-ID message is too short to hold a date and time."));
      return FALSE;
    }
  set_datetime_bytes (event, body, 8);
  if (n == 9 && reason_from_byte (body[8]) != CRM_CALLER_ID_ABSENT)
    event->number_reason = reason_from_byte (body[8]);
  else
    event->number = clean_text (body + 8, n - 8);
  if (event->number == NULL && event->number_reason == CRM_CALLER_ID_PRESENT)
    event->number_reason = CRM_CALLER_ID_ABSENT;
  event->name_reason = CRM_CALLER_ID_ABSENT;
  return TRUE;
}

static gboolean
decode_mdmf (CrmCallEvent *event, const guint8 *body, gsize n, GError **error)
{
  g_autoptr (GString) extra = g_string_new (NULL);
  gsize    i = 0;
  gboolean have_number = FALSE, have_name = FALSE;

  while (i < n)
    {
      guint8        type, plen;
      const guint8 *p;

      if (n - i < 2)
        {
          g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                       _ ("A caller-ID parameter header is cut off."));
          return FALSE;
        }
      type = body[i];
      plen = body[i + 1];
      if (plen > n - i - 2)
        {
          g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                       _ ("Caller-ID parameter 0x%02X claims %u bytes but only %u remain."), type,
                       plen, (guint)(n - i - 2));
          return FALSE;
        }
      p = body + i + 2;
      switch (type)
        {
        case PARAM_DATETIME:
          set_datetime_bytes (event, p, plen);
          break;
        case PARAM_NUMBER:
        case PARAM_DIALABLE:
          /* The calling number wins over the dialable form when both come. */
          if (type == PARAM_NUMBER || !have_number)
            {
              g_free (event->number);
              event->number = clean_text (p, plen);
              have_number = event->number != NULL;
            }
          break;
        case PARAM_NUMBER_ABSENT:
          if (plen >= 1)
            event->number_reason = reason_from_byte (p[0]);
          break;
        case PARAM_NAME:
          g_free (event->name);
          event->name = clean_text (p, plen);
          have_name = event->name != NULL;
          break;
        case PARAM_NAME_ABSENT:
          if (plen >= 1)
            event->name_reason = reason_from_byte (p[0]);
          break;
        default:
          /* Call type (0x11), network message system status and the
           * like: kept as hex, like a modem's MESG line. */
          if (extra->len > 0)
            g_string_append_c (extra, ' ');
          for (gsize k = 0; k < (gsize)plen + 2; k++)
            g_string_append_printf (extra, "%02X", body[i + k]);
          break;
        }
      i += 2 + (gsize)plen;
    }

  if (have_number)
    event->number_reason = CRM_CALLER_ID_PRESENT;
  else if (event->number_reason == CRM_CALLER_ID_PRESENT)
    event->number_reason = CRM_CALLER_ID_ABSENT;
  if (have_name)
    event->name_reason = CRM_CALLER_ID_PRESENT;
  else if (event->name_reason == CRM_CALLER_ID_PRESENT)
    event->name_reason = CRM_CALLER_ID_ABSENT;
  if (extra->len > 0)
    event->extra = g_strdup (extra->str);
  return TRUE;
}

CrmCallEvent *
crm_cid_message_decode (const guint8 *data, gsize len, CrmCidMessageFlags flags,
                        CrmCallerIdSource source, gsize *consumed, GError **error)
{
  g_autoptr (CrmCallEvent) event = NULL;
  gsize    start = 0, body_len, total;
  guint8   type, sum = 0;
  gboolean checksum_ok;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (consumed)
    *consumed = 0;

  while (start < len && is_seizure_byte (data[start]))
    start++;
  if (len - start < 2)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_TRUNCATED,
                   _ ("The caller-ID message is incomplete."));
      return NULL;
    }
  type = data[start];
  if (type != CRM_CID_MESSAGE_SDMF && type != CRM_CID_MESSAGE_MDMF)
    {
      if (consumed)
        *consumed = start + 1;
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                   _ ("Message type 0x%02X is not a caller-ID message."), type);
      return NULL;
    }
  body_len = data[start + 1];
  total = 2 + body_len + 1;
  if (len - start < total)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_TRUNCATED,
                   len - start == total - 1
                       ? _ ("The caller-ID message has no checksum byte.")
                       : _ ("The caller-ID message is shorter than its declared length."));
      return NULL;
    }

  for (gsize i = 0; i < total; i++)
    sum = (guint8)(sum + data[start + i]);
  checksum_ok = sum == 0;
  if (!checksum_ok && !(flags & CRM_CID_MESSAGE_IGNORE_CHECKSUM))
    {
      if (consumed)
        *consumed = start + total;
      g_set_error (
          error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_CHECKSUM,
          _ ("The caller-ID message checksum does not match; the call data was not used."));
      return NULL;
    }

  event = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
  event->source = source;
  if (type == CRM_CID_MESSAGE_SDMF)
    {
      if (!decode_sdmf (event, data + start + 2, body_len, error))
        return NULL;
    }
  else
    {
      if (!decode_mdmf (event, data + start + 2, body_len, error))
        return NULL;
    }

  if (!checksum_ok)
    {
      g_free (event->message);
      event->message
          = g_strdup (_ ("The caller-ID message checksum does not match; the data may be wrong."));
    }
  if (consumed)
    *consumed = start + total;
  return g_steal_pointer (&event);
}

static void
append_param (GByteArray *msg, guint8 type, const char *value, gsize max)
{
  gsize  n = strlen (value);
  guint8 header[2];

  n = MIN (n, max);
  header[0] = type;
  header[1] = (guint8)n;
  g_byte_array_append (msg, header, 2);
  g_byte_array_append (msg, (const guint8 *)value, (guint)n);
}

static GBytes *
finish_message (GByteArray *msg)
{
  guint8 sum = 0;

  msg->data[1] = (guint8)(msg->len - 2);
  for (guint i = 0; i < msg->len; i++)
    sum = (guint8)(sum + msg->data[i]);
  sum = (guint8)(0x100 - sum);
  g_byte_array_append (msg, &sum, 1);
  return g_byte_array_free_to_bytes (msg);
}

static char
reason_to_byte (CrmCallerIdReason reason)
{
  return reason == CRM_CALLER_ID_PRIVATE ? 'P' : 'O';
}

GBytes *
crm_cid_message_build_mdmf (const CrmCallEvent *event)
{
  GByteArray *msg;
  guint8      header[2] = { CRM_CID_MESSAGE_MDMF, 0 };

  g_return_val_if_fail (event != NULL, NULL);

  msg = g_byte_array_new ();
  g_byte_array_append (msg, header, 2);
  if (event->date && event->time)
    {
      g_autofree char *dt = g_strdup_printf ("%.4s%.4s", event->date, event->time);
      append_param (msg, PARAM_DATETIME, dt, 8);
    }
  if (event->number)
    append_param (msg, PARAM_NUMBER, event->number, 20);
  else
    {
      char r[2] = { reason_to_byte (event->number_reason), 0 };
      append_param (msg, PARAM_NUMBER_ABSENT, r, 1);
    }
  if (event->name)
    append_param (msg, PARAM_NAME, event->name, 50);
  else if (event->name_reason != CRM_CALLER_ID_ABSENT)
    {
      char r[2] = { reason_to_byte (event->name_reason), 0 };
      append_param (msg, PARAM_NAME_ABSENT, r, 1);
    }
  if (msg->len > 2 + 255)
    {
      g_byte_array_unref (msg);
      return NULL;
    }
  return finish_message (msg);
}

GBytes *
crm_cid_message_build_sdmf (const CrmCallEvent *event)
{
  GByteArray      *msg;
  guint8           header[2] = { CRM_CID_MESSAGE_SDMF, 0 };
  g_autofree char *dt = NULL;
  gsize            n;

  g_return_val_if_fail (event != NULL, NULL);

  msg = g_byte_array_new ();
  g_byte_array_append (msg, header, 2);
  dt = g_strdup_printf ("%-4.4s%-4.4s", event->date ? event->date : "0101",
                        event->time ? event->time : "0000");
  g_byte_array_append (msg, (const guint8 *)dt, 8);
  if (event->number)
    {
      n = MIN (strlen (event->number), 10);
      g_byte_array_append (msg, (const guint8 *)event->number, (guint)n);
    }
  else
    {
      guint8 r = (guint8)reason_to_byte (event->number_reason);
      g_byte_array_append (msg, &r, 1);
    }
  return finish_message (msg);
}

GBytes *
crm_cid_hex_decode (const char *hex, gsize len)
{
  g_autoptr (GByteArray) out = NULL;

  if (len % 2 != 0)
    return NULL;
  out = g_byte_array_sized_new ((guint)(len / 2));
  for (gsize i = 0; i < len; i += 2)
    {
      int    hi = g_ascii_xdigit_value (hex[i]);
      int    lo = g_ascii_xdigit_value (hex[i + 1]);
      guint8 b;

      if (hi < 0 || lo < 0)
        return NULL;
      b = (guint8)(hi << 4 | lo);
      g_byte_array_append (out, &b, 1);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
