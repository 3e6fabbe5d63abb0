/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "crm-callerid-error.h"
#include "crm-cid-message.h"
#include "crm-modem-parser.h"

#define DLE 0x10

/* Which formatted fields the pending record already has.  A field seen a
 * second time starts a new call (modems that print no RING between calls). */
enum
{
  HAVE_DATE = 1 << 0,
  HAVE_TIME = 1 << 1,
  HAVE_NMBR = 1 << 2,
  HAVE_NAME = 1 << 3,
  HAVE_MESG = 1 << 4,
};

struct _CrmModemParser
{
  CrmCallEventFunc  func;
  gpointer          user_data;
  CrmModemReplyFunc reply_func;
  gpointer          reply_data;

  char     line[CRM_MODEM_PARSER_MAX_LINE + 1];
  gsize    line_len;
  gboolean overflow; /* dropping the rest of a too-long line */
  gboolean after_dle;

  /* Formatted caller ID being assembled. */
  guint         have;
  CrmCallEvent *pending;
  char         *pending_date;
  char         *pending_time;

  /* Unformatted hex wrapped over several lines. */
  GString *hex;
};

CrmModemParser *
crm_modem_parser_new (CrmCallEventFunc func, gpointer user_data)
{
  CrmModemParser *parser = g_new0 (CrmModemParser, 1);

  parser->func = func;
  parser->user_data = user_data;
  parser->hex = g_string_new (NULL);
  return parser;
}

static void
clear_pending (CrmModemParser *parser)
{
  g_clear_pointer (&parser->pending, crm_call_event_free);
  g_clear_pointer (&parser->pending_date, g_free);
  g_clear_pointer (&parser->pending_time, g_free);
  parser->have = 0;
}

void
crm_modem_parser_reset (CrmModemParser *parser)
{
  g_return_if_fail (parser != NULL);

  clear_pending (parser);
  g_string_truncate (parser->hex, 0);
  parser->line_len = 0;
  parser->overflow = FALSE;
  parser->after_dle = FALSE;
}

void
crm_modem_parser_free (CrmModemParser *parser)
{
  if (parser == NULL)
    return;
  clear_pending (parser);
  g_string_free (parser->hex, TRUE);
  g_free (parser);
}

void
crm_modem_parser_set_reply_func (CrmModemParser *parser, CrmModemReplyFunc func, gpointer user_data)
{
  g_return_if_fail (parser != NULL);
  parser->reply_func = func;
  parser->reply_data = user_data;
}

static void
emit (CrmModemParser *parser, CrmCallEvent *event)
{
  if (parser->func)
    parser->func (event, parser->user_data);
  crm_call_event_free (event);
}

static void
emit_simple (CrmModemParser *parser, CrmCallEventKind kind)
{
  emit (parser, crm_call_event_new (kind));
}

static void
emit_warning (CrmModemParser *parser, const char *message)
{
  CrmCallEvent *event = crm_call_event_new (CRM_CALL_EVENT_WARNING);

  event->message = g_strdup (message);
  emit (parser, event);
}

static CrmCallEvent *
ensure_pending (CrmModemParser *parser)
{
  if (parser->pending == NULL)
    {
      parser->pending = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
      parser->pending->source = CRM_CALLER_ID_SOURCE_MODEM;
    }
  return parser->pending;
}

/* Reports the assembled caller ID, if it names a caller at all (a lone MESG
 * or DATE is not a call). */
static void
finish_pending (CrmModemParser *parser)
{
  CrmCallEvent *event = parser->pending;

  if (event == NULL)
    return;
  if (!(parser->have & (HAVE_NMBR | HAVE_NAME)))
    {
      g_debug ("dropping caller-ID fragment without number or name");
      clear_pending (parser);
      return;
    }
  crm_call_event_set_datetime (event, parser->pending_date, parser->pending_time);
  if (event->number == NULL && event->number_reason == CRM_CALLER_ID_PRESENT)
    event->number_reason = CRM_CALLER_ID_ABSENT;
  if (event->name == NULL && event->name_reason == CRM_CALLER_ID_PRESENT)
    event->name_reason = CRM_CALLER_ID_ABSENT;
  parser->pending = NULL;
  clear_pending (parser);
  emit (parser, event);
}

static char *
clean_value (const char *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (value));

  if (*copy == '\0')
    return NULL;
  return g_utf8_make_valid (copy, -1);
}

/* "P"/"O" and their spelled-out forms mean "no number, and why". */
static CrmCallerIdReason
number_reason (const char *value)
{
  if (g_ascii_strcasecmp (value, "P") == 0 || g_ascii_strcasecmp (value, "PRIVATE") == 0)
    return CRM_CALLER_ID_PRIVATE;
  if (g_ascii_strcasecmp (value, "O") == 0 || g_ascii_strcasecmp (value, "OUT-OF-AREA") == 0
      || g_ascii_strcasecmp (value, "OUT OF AREA") == 0)
    return CRM_CALLER_ID_UNAVAILABLE;
  return CRM_CALLER_ID_PRESENT;
}

static void
set_number (CrmCallEvent *event, const char *value)
{
  g_autofree char *v = clean_value (value);

  g_clear_pointer (&event->number, g_free);
  if (v == NULL)
    {
      event->number_reason = CRM_CALLER_ID_ABSENT;
      return;
    }
  event->number_reason = number_reason (v);
  if (event->number_reason == CRM_CALLER_ID_PRESENT)
    event->number = g_steal_pointer (&v);
}

static void
set_name (CrmCallEvent *event, const char *value)
{
  g_autofree char *v = clean_value (value);

  g_clear_pointer (&event->name, g_free);
  if (v == NULL)
    {
      event->name_reason = CRM_CALLER_ID_ABSENT;
      return;
    }
  event->name_reason = number_reason (v);
  if (event->name_reason == CRM_CALLER_ID_PRESENT)
    event->name = g_steal_pointer (&v);
}

static void
begin_field (CrmModemParser *parser, guint bits)
{
  if (parser->have & bits)
    finish_pending (parser);
  ensure_pending (parser);
  parser->have |= bits;
}

/* "01/06 14:15" (France Telecom via Kortex modems) → MMDD, HHMM. */
static void
parse_combined_datetime (CrmModemParser *parser, const char *value)
{
  int month, day, hour, minute;

  if (sscanf (value, "%d/%d %d:%d", &month, &day, &hour, &minute) == 4 && month >= 0 && month < 100
      && day >= 0 && day < 100 && hour >= 0 && hour < 100 && minute >= 0 && minute < 100)
    {
      g_free (parser->pending_date);
      g_free (parser->pending_time);
      parser->pending_date = g_strdup_printf ("%02d%02d", month, day);
      parser->pending_time = g_strdup_printf ("%02d%02d", hour, minute);
    }
  else
    {
      g_autofree char *v = clean_value (value);
      g_free (parser->pending_date);
      parser->pending_date = g_strdup (v);
    }
}

static gboolean
handle_field (CrmModemParser *parser, const char *key, const char *value)
{
  if (g_str_equal (key, "DATE"))
    {
      begin_field (parser, HAVE_DATE);
      g_free (parser->pending_date);
      parser->pending_date = clean_value (value);
    }
  else if (g_str_equal (key, "TIME"))
    {
      begin_field (parser, HAVE_TIME);
      g_free (parser->pending_time);
      parser->pending_time = clean_value (value);
    }
  else if (g_str_equal (key, "DATE TIME") || g_str_equal (key, "DATETIME"))
    {
      begin_field (parser, HAVE_DATE | HAVE_TIME);
      parse_combined_datetime (parser, value);
    }
  else if (g_str_equal (key, "NMBR") || g_str_equal (key, "DDN_NMBR") || g_str_equal (key, "DDN")
           || g_str_equal (key, "CALLER NUMBER"))
    {
      begin_field (parser, HAVE_NMBR);
      set_number (parser->pending, value);
    }
  else if (g_str_equal (key, "NAME") || g_str_equal (key, "CALLER NAME"))
    {
      begin_field (parser, HAVE_NAME);
      set_name (parser->pending, value);
    }
  else if (g_str_equal (key, "MESG"))
    {
      begin_field (parser, HAVE_MESG);
      g_free (parser->pending->extra);
      parser->pending->extra = clean_value (value);
    }
  else
    return FALSE;

  /* Everything a call can carry has come: report it now rather than at the
   * next RING, which may be five seconds away. */
  if ((parser->have & (HAVE_DATE | HAVE_TIME | HAVE_NMBR | HAVE_NAME))
      == (HAVE_DATE | HAVE_TIME | HAVE_NMBR | HAVE_NAME))
    finish_pending (parser);
  return TRUE;
}

static gboolean
is_hex_line (const char *s, gsize len)
{
  if (len < 4)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

static void
try_decode_hex (CrmModemParser *parser, gboolean final)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  CrmCallEvent *event;
  const guint8 *data;
  gsize         size;

  if (parser->hex->len == 0)
    return;
  bytes = crm_cid_hex_decode (parser->hex->str, parser->hex->len);
  if (bytes == NULL)
    {
      if (!final)
        return; /* an odd count may still be completed by the next line */
      emit_warning (parser, _ ("The modem sent caller-ID hex data of odd length; it was ignored."));
      g_string_truncate (parser->hex, 0);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  event = crm_cid_message_decode (data, size, CRM_CID_MESSAGE_STRICT,
                                  CRM_CALLER_ID_SOURCE_MODEM_HEX, NULL, &error);
  if (event == NULL && g_error_matches (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_TRUNCATED)
      && !final)
    return;
  g_string_truncate (parser->hex, 0);
  if (event == NULL)
    {
      emit_warning (parser, error->message);
      return;
    }
  finish_pending (parser);
  emit (parser, event);
}

static int
hour_24 (int hour, const char *ampm)
{
  hour %= 12;
  if (ampm[0] == 'P' || ampm[0] == 'p')
    hour += 12;
  return hour;
}

static char *
strip_number (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (*p != '-' && *p != ' ' && *p != '(' && *p != ')')
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

static void
emit_device_call (CrmModemParser *parser, const char *line_id, int month, int day, int hour,
                  int minute, const char *number, const char *name)
{
  CrmCallEvent    *event = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
  g_autofree char *mmdd = g_strdup_printf ("%02d%02d", month, day);
  g_autofree char *hhmm = g_strdup_printf ("%02d%02d", hour, minute);
  g_autofree char *digits = NULL;

  /* "OUT-OF-AREA" is a reason, not a number with separators. */
  if (number != NULL)
    digits = number_reason (number) == CRM_CALLER_ID_PRESENT ? strip_number (number)
                                                             : g_strdup (number);

  event->source = CRM_CALLER_ID_SOURCE_DEVICE;
  event->line = g_strdup (line_id);
  set_number (event, digits ? digits : "");
  set_name (event, name ? name : "");
  crm_call_event_set_datetime (event, mmdd, hhmm);
  finish_pending (parser);
  emit (parser, event);
}

/* NetCallerID: "###DATE03301423...NMBR4075551212...NAMEWIRELESS CALL+++" */
static gboolean
handle_netcallerid (CrmModemParser *parser, const char *line)
{
  const char      *date, *nmbr, *name, *end;
  g_autofree char *number = NULL, *caller = NULL;
  int              month, day, hour, minute;

  if (!g_str_has_prefix (line, "###DATE"))
    return FALSE;
  date = line + 7;
  nmbr = strstr (date, "...NMBR");
  name = nmbr ? strstr (nmbr, "...NAME") : NULL;
  end = name ? strstr (name, "+++") : NULL;
  if (end == NULL)
    return FALSE;
  /* An empty date marks a status message (message waiting on/off). */
  if (nmbr - date != 8 || sscanf (date, "%2d%2d%2d%2d", &month, &day, &hour, &minute) != 4)
    return TRUE;
  number = g_strndup (nmbr + 7, (gsize)(name - nmbr - 7));
  caller = g_strndup (name + 7, (gsize)(end - name - 7));
  emit_device_call (parser, NULL, month, day, hour, minute, number, caller);
  return TRUE;
}

/* TCI fixed width: line 0-1, date 7-11 (M/DD), time 17-24 (h:mm AM),
 * number 29-43 right-justified, name 55-. */
static gboolean
handle_tci (CrmModemParser *parser, const char *line, gsize len)
{
  g_autofree char *line_id = NULL, *number = NULL, *name = NULL;
  int              month, day, hour, minute;
  char             ampm[3] = { 0 };

  if (len < 44 || !g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1]) || line[2] != ' ')
    return FALSE;
  if (sscanf (line + 7, "%d/%d", &month, &day) != 2
      || sscanf (line + 17, "%d:%d %2s", &hour, &minute, ampm) != 3
      || (ampm[0] != 'A' && ampm[0] != 'P') || ampm[1] != 'M' || hour < 1 || hour > 12 || minute < 0
      || minute > 59 || month < 1 || month > 12 || day < 1 || day > 31)
    return FALSE;
  line_id = g_strndup (line, 2);
  number = g_strstrip (g_strndup (line + 29, 15));
  name = len > 55 ? g_strstrip (g_strdup (line + 55)) : NULL;
  emit_device_call (parser, line_id, month, day, hour_24 (hour, ampm), minute, number, name);
  return TRUE;
}

/* Whozz Calling real-time ("01 I S 0276 G B3 09/26 11:28 AM 800-555-1212 NAME"),
 * limited ("$01 09/26 02:30 PM 8002404637 I NAME") and memory
 * ("0248 02 09/26 13:28 I E 0276 G A3 800-555-1212 NAME") records. */
static gboolean
handle_whozz (CrmModemParser *parser, const char *line)
{
  static GRegex *full, *limited, *memory;
  static gsize   regex_init = 0;
  g_autoptr (GMatchInfo) m = NULL;
  g_autoptr (GMatchInfo) m2 = NULL;
  g_autoptr (GMatchInfo) m3 = NULL;
  g_autofree char *line_id = NULL, *dir = NULL, *se = NULL, *ok = NULL;
  g_autofree char *mo = NULL, *da = NULL, *hh = NULL, *mi = NULL, *ampm = NULL;
  g_autofree char *number = NULL, *name = NULL;
  int              hour;

  /* Raw (byte) mode: the line comes off a serial port and need not be
   * valid UTF-8, which PCRE would otherwise trust. */
  if (g_once_init_enter (&regex_init))
    {
      limited = g_regex_new (
          "^\\$(\\d\\d) (\\d\\d)/(\\d\\d) (\\d\\d):(\\d\\d) ([AP]M) (\\S+) ([IO]) ?(.*)$",
          G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);
      memory = g_regex_new ("^\\d{4} (\\d\\d) (\\d\\d)/(\\d\\d) (\\d\\d):(\\d\\d) ([IO]) ([SE]) "
                            "\\d{4} ([GB]) \\w\\d (\\S+) ?(.*)$",
                            G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);
      full = g_regex_new ("^\\$?(\\d\\d) ([IO]) ([SE]) \\d{4} ([GB]) \\w\\d (\\d\\d)/(\\d\\d) "
                          "(\\d\\d):(\\d\\d) ([AP]M) (\\S+) ?(.*)$",
                          G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);
      g_once_init_leave (&regex_init, 1);
    }

  if (g_regex_match (full, line, 0, &m))
    {
      line_id = g_match_info_fetch (m, 1);
      dir = g_match_info_fetch (m, 2);
      se = g_match_info_fetch (m, 3);
      ok = g_match_info_fetch (m, 4);
      mo = g_match_info_fetch (m, 5);
      da = g_match_info_fetch (m, 6);
      hh = g_match_info_fetch (m, 7);
      mi = g_match_info_fetch (m, 8);
      ampm = g_match_info_fetch (m, 9);
      number = g_match_info_fetch (m, 10);
      name = g_match_info_fetch (m, 11);
      hour = hour_24 (atoi (hh), ampm);
      /* A real-time end record reports the same call again: hang-up. */
      if (se[0] == 'E')
        {
          if (dir[0] == 'I')
            emit_simple (parser, CRM_CALL_EVENT_ON_HOOK);
          return TRUE;
        }
    }
  else if (g_regex_match (limited, line, 0, &m2))
    {
      line_id = g_match_info_fetch (m2, 1);
      mo = g_match_info_fetch (m2, 2);
      da = g_match_info_fetch (m2, 3);
      hh = g_match_info_fetch (m2, 4);
      mi = g_match_info_fetch (m2, 5);
      ampm = g_match_info_fetch (m2, 6);
      number = g_match_info_fetch (m2, 7);
      dir = g_match_info_fetch (m2, 8);
      name = g_match_info_fetch (m2, 9);
      hour = hour_24 (atoi (hh), ampm);
    }
  else if (g_regex_match (memory, line, 0, &m3))
    {
      line_id = g_match_info_fetch (m3, 1);
      mo = g_match_info_fetch (m3, 2);
      da = g_match_info_fetch (m3, 3);
      hh = g_match_info_fetch (m3, 4);
      mi = g_match_info_fetch (m3, 5);
      dir = g_match_info_fetch (m3, 6);
      ok = g_match_info_fetch (m3, 8);
      number = g_match_info_fetch (m3, 9);
      name = g_match_info_fetch (m3, 10);
      hour = atoi (hh);
    }
  else
    return FALSE;

  if (dir[0] != 'I')
    return TRUE; /* outgoing calls are logged by the dialler itself */
  if (ok != NULL && ok[0] == 'B')
    emit_warning (parser,
                  _ ("The caller-ID box reported a caller-ID checksum error for this call."));
  emit_device_call (parser, line_id, atoi (mo), atoi (da), hour, atoi (mi), number, name);
  return TRUE;
}

static gboolean
handle_reply (CrmModemParser *parser, const char *line)
{
  static const struct
  {
    const char   *text;
    CrmModemReply reply;
  } replies[] = {
    { "OK", CRM_MODEM_REPLY_OK },
    { "ERROR", CRM_MODEM_REPLY_ERROR },
    { "BUSY", CRM_MODEM_REPLY_BUSY },
    { "NO CARRIER", CRM_MODEM_REPLY_NO_CARRIER },
    { "NO DIALTONE", CRM_MODEM_REPLY_NO_DIALTONE },
    { "NO DIAL TONE", CRM_MODEM_REPLY_NO_DIALTONE },
    { "NO ANSWER", CRM_MODEM_REPLY_NO_ANSWER },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (replies); i++)
    if (g_ascii_strcasecmp (line, replies[i].text) == 0)
      {
        if (parser->reply_func)
          parser->reply_func (replies[i].reply, parser->reply_data);
        return TRUE;
      }
  if (g_str_has_prefix (line, "CONNECT"))
    {
      if (parser->reply_func)
        parser->reply_func (CRM_MODEM_REPLY_CONNECT, parser->reply_data);
      return TRUE;
    }
  return FALSE;
}

static gboolean
handle_ring (CrmModemParser *parser, const char *line)
{
  const char   *rest;
  CrmCallEvent *event;

  if (g_str_has_prefix (line, "CID RING"))
    rest = line + 8;
  else if (g_str_has_prefix (line, "RING"))
    rest = line + 4;
  else
    return FALSE;
  while (*rest == ' ')
    rest++;
  /* "RINGING" is call progress, not an incoming call. */
  if (*rest != '\0' && !(g_ascii_isalnum (rest[0]) && rest[1] == '\0'))
    return FALSE;

  finish_pending (parser);
  event = crm_call_event_new (CRM_CALL_EVENT_RING);
  if (*rest)
    event->ring_cadence = g_ascii_toupper (*rest);
  emit (parser, event);
  return TRUE;
}

static void
handle_line (CrmModemParser *parser, char *line, gsize len)
{
  const char *eq;

  /* Trailing and leading blanks are noise on every device. */
  while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
    line[--len] = '\0';
  while (len > 0 && (*line == ' ' || *line == '\t'))
    {
      line++;
      len--;
    }
  if (len == 0)
    return;

  if (is_hex_line (line, len)
      && (parser->hex->len > 0 || g_ascii_strncasecmp (line, "04", 2) == 0
          || g_ascii_strncasecmp (line, "80", 2) == 0))
    {
      g_string_append_len (parser->hex, line, (gssize)len);
      try_decode_hex (parser, FALSE);
      return;
    }
  try_decode_hex (parser, TRUE);

  if (handle_ring (parser, line) || handle_reply (parser, line) || handle_netcallerid (parser, line)
      || handle_whozz (parser, line))
    return;

  eq = strchr (line, '=');
  if (eq != NULL && eq - line <= 16)
    {
      g_autofree char *key = g_ascii_strup (line, eq - line);
      g_strstrip (key);
      if (handle_field (parser, key, eq + 1))
        return;
    }

  /* The original line is needed for the fixed columns. */
  if (handle_tci (parser, line, len))
    return;

  if (G_UNLIKELY (g_log_get_debug_enabled ()))
    {
      g_autofree char *escaped = g_strescape (line, NULL);
      g_debug ("ignoring modem line “%s”", escaped);
    }
}

static void
handle_dle (CrmModemParser *parser, guint8 code)
{
  CrmCallEvent *event;

  switch (code)
    {
    case 'R':
      finish_pending (parser);
      emit_simple (parser, CRM_CALL_EVENT_RING);
      break;
    case 'H':
    case 'P':
      emit_simple (parser, CRM_CALL_EVENT_OFF_HOOK);
      break;
    case 'h':
    case 'p':
      emit_simple (parser, CRM_CALL_EVENT_ON_HOOK);
      break;
    case 'c': /* calling tone, 1100 Hz */
    case 'a': /* answer tone, 2100 Hz */
    case 'f':
      emit_simple (parser, CRM_CALL_EVENT_FAX_TONE);
      break;
    default:
      if (g_ascii_isdigit (code) || code == '*' || code == '#' || (code >= 'A' && code <= 'D'))
        {
          event = crm_call_event_new (CRM_CALL_EVENT_DTMF);
          event->digit = (char)code;
          emit (parser, event);
        }
      break;
    }
}

void
crm_modem_parser_feed (CrmModemParser *parser, const guint8 *data, gsize len)
{
  g_return_if_fail (parser != NULL);
  g_return_if_fail (data != NULL || len == 0);

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (parser->after_dle)
        {
          parser->after_dle = FALSE;
          if (c != DLE)
            handle_dle (parser, c);
          continue;
        }
      if (c == DLE)
        {
          parser->after_dle = TRUE;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          if (!parser->overflow)
            {
              parser->line[parser->line_len] = '\0';
              handle_line (parser, parser->line, parser->line_len);
            }
          parser->line_len = 0;
          parser->overflow = FALSE;
          continue;
        }
      /* Other control characters are line noise. */
      if (c < 0x20 && c != '\t')
        continue;
      if (parser->line_len >= CRM_MODEM_PARSER_MAX_LINE)
        {
          parser->overflow = TRUE;
          continue;
        }
      parser->line[parser->line_len++] = (char)c;
    }
}

void
crm_modem_parser_flush (CrmModemParser *parser)
{
  g_return_if_fail (parser != NULL);

  if (parser->line_len > 0 && !parser->overflow)
    {
      parser->line[parser->line_len] = '\0';
      handle_line (parser, parser->line, parser->line_len);
    }
  parser->line_len = 0;
  parser->overflow = FALSE;
  try_decode_hex (parser, TRUE);
  finish_pending (parser);
}
