/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Our own vectors for every variant the modem parser and the SDMF/MDMF
 * decoder must handle, including garbage and partial input. */
#include "config.h"

#include <string.h>
#include <glib.h>

#include "crm-callerid-error.h"
#include "crm-cid-message.h"
#include "crm-modem-parser.h"

typedef struct
{
  GPtrArray *events;
  GArray    *replies;
} Sink;

static void
collect (CrmCallEvent *event, gpointer user_data)
{
  Sink *sink = user_data;
  g_ptr_array_add (sink->events, crm_call_event_copy (event));
}

static void
collect_reply (CrmModemReply reply, gpointer user_data)
{
  Sink *sink = user_data;
  g_array_append_val (sink->replies, reply);
}

static void
sink_init (Sink *sink)
{
  sink->events = g_ptr_array_new_with_free_func ((GDestroyNotify)crm_call_event_free);
  sink->replies = g_array_new (FALSE, FALSE, sizeof (CrmModemReply));
}

static void
sink_clear (Sink *sink)
{
  g_ptr_array_unref (sink->events);
  g_array_unref (sink->replies);
}

/* Feeds `text` whole, then again byte by byte, and checks both give the
 * same events; returns the events of the byte-by-byte run. */
static void
parse (Sink *sink, const char *text, gsize len)
{
  Sink whole;
  g_autoptr (CrmModemParser) a = NULL;
  g_autoptr (CrmModemParser) b = NULL;

  sink_init (&whole);
  a = crm_modem_parser_new (collect, &whole);
  crm_modem_parser_set_reply_func (a, collect_reply, &whole);
  crm_modem_parser_feed (a, (const guint8 *)text, len);
  crm_modem_parser_flush (a);

  b = crm_modem_parser_new (collect, sink);
  crm_modem_parser_set_reply_func (b, collect_reply, sink);
  for (gsize i = 0; i < len; i++)
    crm_modem_parser_feed (b, (const guint8 *)text + i, 1);
  crm_modem_parser_flush (b);

  g_assert_cmpuint (whole.events->len, ==, sink->events->len);
  for (guint i = 0; i < whole.events->len; i++)
    {
      g_autofree char *x = crm_call_event_to_string (whole.events->pdata[i]);
      g_autofree char *y = crm_call_event_to_string (sink->events->pdata[i]);
      g_assert_cmpstr (x, ==, y);
    }
  sink_clear (&whole);
}

static CrmCallEvent *
nth (Sink *sink, guint i, CrmCallEventKind kind)
{
  CrmCallEvent *e;

  g_assert_cmpuint (i, <, sink->events->len);
  e = sink->events->pdata[i];
  g_assert_cmpstr (crm_call_event_kind_to_string (e->kind), ==,
                   crm_call_event_kind_to_string (kind));
  return e;
}

#define PARSE(sink, s) parse (sink, s, strlen (s))

static void
test_formatted_spacing (void)
{
  static const char *variants[] = {
    "RING\r\nDATE = 0321\r\nTIME = 1405\r\nNMBR = 13912345678\r\nNAME = ZHANG SAN\r\nRING\r\n",
    "RING\nDATE=0321\nTIME=1405\nNMBR=13912345678\nNAME=ZHANG SAN\nRING\n",
    "RING\r\r\n  DATE  =  0321  \r\nTIME= 1405\r\nNMBR =13912345678\r\nNAME=   ZHANG SAN   "
    "\r\nRING\r\n",
    "\r\nRING\r\n\r\nDATE = 0321\r\n\r\nTIME = 1405\r\n\r\nNAME = ZHANG SAN\r\n\r\nNMBR = "
    "13912345678\r\n\r\nRING\r\n",
  };

  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      Sink          sink;
      CrmCallEvent *e;

      sink_init (&sink);
      PARSE (&sink, variants[v]);
      g_assert_cmpuint (sink.events->len, ==, 3);
      nth (&sink, 0, CRM_CALL_EVENT_RING);
      e = nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID);
      g_assert_cmpstr (e->number, ==, "13912345678");
      g_assert_cmpstr (e->name, ==, "ZHANG SAN");
      g_assert_cmpstr (e->date, ==, "0321");
      g_assert_cmpstr (e->time, ==, "1405");
      g_assert_true (e->datetime_valid);
      g_assert_null (e->message);
      g_assert_cmpint (e->source, ==, CRM_CALLER_ID_SOURCE_MODEM);
      nth (&sink, 2, CRM_CALL_EVENT_RING);
      sink_clear (&sink);
    }
}

static void
test_labels_and_reasons (void)
{
  Sink          sink;
  CrmCallEvent *e;

  sink_init (&sink);
  PARSE (&sink, "DATE = 0103\nTIME = 1254\nNAME = SARASOTA,FL\nDDN_NMBR = 9415557218\n"
                "DATE = 0103\nTIME = 1334\nDDN = 02161234567\nNAME = O\n"
                "DATE = 0104\nTIME = 0900\nNMBR = P\nNAME = P\n"
                "DATE = 0104\nTIME = 0901\nNMBR = O\nNAME = O\n"
                "MESG = 110101\nDATE = 0105\nTIME = 0902\nNMBR = 01062123456\n");
  g_assert_cmpuint (sink.events->len, ==, 5);
  e = nth (&sink, 0, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->number, ==, "9415557218");
  g_assert_cmpstr (e->name, ==, "SARASOTA,FL");
  e = nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->number, ==, "02161234567");
  g_assert_null (e->name);
  g_assert_cmpint (e->name_reason, ==, CRM_CALLER_ID_UNAVAILABLE);
  e = nth (&sink, 2, CRM_CALL_EVENT_CALLER_ID);
  g_assert_null (e->number);
  g_assert_cmpint (e->number_reason, ==, CRM_CALLER_ID_PRIVATE);
  g_assert_cmpint (e->name_reason, ==, CRM_CALLER_ID_PRIVATE);
  e = nth (&sink, 3, CRM_CALL_EVENT_CALLER_ID);
  g_assert_null (e->number);
  g_assert_cmpint (e->number_reason, ==, CRM_CALLER_ID_UNAVAILABLE);
  /* Missing name, reported at the end of the stream; MESG kept. */
  e = nth (&sink, 4, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->number, ==, "01062123456");
  g_assert_null (e->name);
  g_assert_cmpint (e->name_reason, ==, CRM_CALLER_ID_ABSENT);
  g_assert_cmpstr (e->extra, ==, "110101");
  sink_clear (&sink);
}

static void
test_before_after_ring (void)
{
  Sink sink;

  /* Caller ID before the first RING (Chinese DTMF-style boxes, some
   * modems), number only: reported at the RING that follows. */
  sink_init (&sink);
  PARSE (&sink, "NMBR = 13800138000\r\nRING\r\nRING\r\n");
  g_assert_cmpuint (sink.events->len, ==, 3);
  g_assert_cmpstr (nth (&sink, 0, CRM_CALL_EVENT_CALLER_ID)->number, ==, "13800138000");
  nth (&sink, 1, CRM_CALL_EVENT_RING);
  nth (&sink, 2, CRM_CALL_EVENT_RING);
  sink_clear (&sink);

  /* After the first RING, reported before the second. */
  sink_init (&sink);
  PARSE (&sink, "RING\r\nNMBR = 13800138000\r\nRING\r\n");
  g_assert_cmpuint (sink.events->len, ==, 3);
  nth (&sink, 0, CRM_CALL_EVENT_RING);
  g_assert_cmpstr (nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID)->number, ==, "13800138000");
  sink_clear (&sink);
}

static void
test_cid_ring_combined (void)
{
  Sink          sink;
  CrmCallEvent *e;

  sink_init (&sink);
  PARSE (&sink, "CID RING\nDATE TIME=01/06 14:15\nNMBR=0145678901\nRING\n");
  g_assert_cmpuint (sink.events->len, ==, 3);
  nth (&sink, 0, CRM_CALL_EVENT_RING);
  e = nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->number, ==, "0145678901");
  g_assert_cmpstr (e->date, ==, "0106");
  g_assert_cmpstr (e->time, ==, "1415");
  g_assert_true (e->datetime_valid);
  sink_clear (&sink);
}

static void
test_distinctive_ring (void)
{
  Sink sink;

  sink_init (&sink);
  PARSE (&sink, "RING A\r\nRING B\r\nRINGC\r\nRING\r\nRINGING\r\n");
  g_assert_cmpuint (sink.events->len, ==, 4);
  g_assert_cmpint (nth (&sink, 0, CRM_CALL_EVENT_RING)->ring_cadence, ==, 'A');
  g_assert_cmpint (nth (&sink, 1, CRM_CALL_EVENT_RING)->ring_cadence, ==, 'B');
  g_assert_cmpint (nth (&sink, 2, CRM_CALL_EVENT_RING)->ring_cadence, ==, 'C');
  g_assert_cmpint (nth (&sink, 3, CRM_CALL_EVENT_RING)->ring_cadence, ==, 0);
  sink_clear (&sink);
}

static void
test_malformed_time (void)
{
  Sink          sink;
  CrmCallEvent *e;

  sink_init (&sink);
  PARSE (&sink, "DATE = 1301\nTIME = 2460\nNMBR = 075512345678\nNAME = X\n"
                "DATE = 0312\nTIME = 12541\nNMBR = 6305551500\nNAME = Y\n"
                "DATE = 0312\nTIME = 12:5\nNMBR = 1\nNAME = Z\n");
  g_assert_cmpuint (sink.events->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      e = nth (&sink, i, CRM_CALL_EVENT_CALLER_ID);
      g_assert_nonnull (e->number);
      g_assert_false (e->datetime_valid);
      g_assert_nonnull (e->message);
    }
  g_assert_cmpstr (nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID)->time, ==, "12541");
  sink_clear (&sink);
}

static void
test_garbage (void)
{
  static const char garbage[] = "\x00\x01\xff\xfe~~~}}}\x1b[2J+++ATH0\r\n"
                                "NMBR\r\n=\r\n==========\r\nNAME\r\nRING RING RING\r\n"
                                "\x80\x81\x82\r\nDATE = \xff\xfe\r\n"
                                "OK\r\nERROR\r\nNO CARRIER\r\nBUSY\r\n";
  Sink              sink;

  sink_init (&sink);
  parse (&sink, garbage, sizeof garbage - 1);
  /* Nothing names a caller, so no call; the replies are reported. */
  for (guint i = 0; i < sink.events->len; i++)
    g_assert_cmpint (((CrmCallEvent *)sink.events->pdata[i])->kind, !=, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpuint (sink.replies->len, ==, 4);
  g_assert_cmpint (g_array_index (sink.replies, CrmModemReply, 0), ==, CRM_MODEM_REPLY_OK);
  g_assert_cmpint (g_array_index (sink.replies, CrmModemReply, 2), ==, CRM_MODEM_REPLY_NO_CARRIER);
  sink_clear (&sink);
}

static void
test_noise_inside_call (void)
{
  Sink          sink;
  CrmCallEvent *e;

  /* Noise bytes and NULs inside lines are dropped; the call survives. */
  static const char s[] = "RI\x00NG\r\nDA\x01TE = 0321\r\nTI\x02ME = 1405\r\nNMBR = 139\x07"
                          "12345678\r\nNAME = A\r\n";

  sink_init (&sink);
  parse (&sink, s, sizeof s - 1);
  g_assert_cmpuint (sink.events->len, ==, 2);
  e = nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->number, ==, "13912345678");
  g_assert_cmpstr (e->name, ==, "A");
  sink_clear (&sink);
}

static void
test_long_line (void)
{
  Sink sink;
  g_autoptr (GString) s = g_string_new ("NMBR = ");

  for (int i = 0; i < 5000; i++)
    g_string_append_c (s, '9');
  g_string_append (s, "\r\nNMBR = 114\r\n");
  sink_init (&sink);
  parse (&sink, s->str, s->len);
  /* The oversized line is dropped whole; the next one still parses. */
  g_assert_cmpuint (sink.events->len, ==, 1);
  g_assert_cmpstr (nth (&sink, 0, CRM_CALL_EVENT_CALLER_ID)->number, ==, "114");
  sink_clear (&sink);
}

static void
test_partial_then_flush (void)
{
  Sink sink;
  g_autoptr (CrmModemParser) p = NULL;

  sink_init (&sink);
  p = crm_modem_parser_new (collect, &sink);
  crm_modem_parser_feed (p, (const guint8 *)"NMBR = 1380013", 14);
  g_assert_cmpuint (sink.events->len, ==, 0);
  crm_modem_parser_feed (p, (const guint8 *)"8000", 4);
  g_assert_cmpuint (sink.events->len, ==, 0);
  crm_modem_parser_flush (p);
  g_assert_cmpuint (sink.events->len, ==, 1);
  g_assert_cmpstr (nth (&sink, 0, CRM_CALL_EVENT_CALLER_ID)->number, ==, "13800138000");
  /* Reset forgets a half line. */
  crm_modem_parser_feed (p, (const guint8 *)"NMBR = 555", 10);
  crm_modem_parser_reset (p);
  crm_modem_parser_flush (p);
  g_assert_cmpuint (sink.events->len, ==, 1);
  sink_clear (&sink);
}

static void
test_hex_formats (void)
{
  Sink          sink;
  CrmCallEvent *e;

  sink_init (&sink);
  PARSE (&sink,
         "RING\r\n041230353131313835323430373535353030303059\r\n"
         "RING\r\n802001083035313131383532020A3430373535353030303007084A4F484E20444F4584\r\n"
         /* wrapped over two lines */
         "RING\r\n802001083035313131383532020A\r\n3430373535353030303007084A4F484E20444F4584\r\n"
         /* checksum wrong */
         "RING\r\n802001083035313131383532020A3430373535353030303007084A4F484E20444F4585\r\n"
         /* no checksum byte */
         "RING\r\n0412303332323234303539313435353132333435\r\nRING\r\n");
  e = nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpint (e->source, ==, CRM_CALLER_ID_SOURCE_MODEM_HEX);
  g_assert_cmpstr (e->number, ==, "4075550000");
  g_assert_cmpstr (e->date, ==, "0511");
  e = nth (&sink, 3, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->name, ==, "JOHN DOE");
  e = nth (&sink, 5, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->name, ==, "JOHN DOE");
  g_assert_cmpstr (e->number, ==, "4075550000");
  e = nth (&sink, 7, CRM_CALL_EVENT_WARNING);
  g_assert_nonnull (strstr (e->message, "checksum"));
  nth (&sink, 8, CRM_CALL_EVENT_RING);
  nth (&sink, 9, CRM_CALL_EVENT_WARNING);
  g_assert_cmpuint (sink.events->len, ==, 11);
  sink_clear (&sink);
}

static void
test_dle_events (void)
{
  Sink              sink;
  static const char s[] = "\x10R\x10"
                          "5\x10#\x10H\x10h\x10"
                          "c\x10\x10\x10q";

  sink_init (&sink);
  parse (&sink, s, sizeof s - 1);
  g_assert_cmpuint (sink.events->len, ==, 6);
  nth (&sink, 0, CRM_CALL_EVENT_RING);
  g_assert_cmpint (nth (&sink, 1, CRM_CALL_EVENT_DTMF)->digit, ==, '5');
  g_assert_cmpint (nth (&sink, 2, CRM_CALL_EVENT_DTMF)->digit, ==, '#');
  nth (&sink, 3, CRM_CALL_EVENT_OFF_HOOK);
  nth (&sink, 4, CRM_CALL_EVENT_ON_HOOK);
  nth (&sink, 5, CRM_CALL_EVENT_FAX_TONE);
  sink_clear (&sink);
}

static void
test_device_formats (void)
{
  Sink          sink;
  CrmCallEvent *e;

  sink_init (&sink);
  PARSE (&sink, "01      9/04      1:29 PM       212-555-4000           ACME CO\r\n"
                "###DATE03301423...NMBR4075551212...NAMEWIRELESS CALL+++\r"
                "###DATE...NMBR...NAME   -MSG OFF-+++\r"
                "01 I S 0276 G B3 09/26 11:28 AM 800-555-1212 AT&T INFORMATIO\r\n"
                "01 I E 0276 G B3 09/26 11:28 AM 800-555-1212 AT&T INFORMATIO\r\n"
                "$01 09/26 02:30 PM 8002404637 I CallerID.com\r\n");
  g_assert_cmpuint (sink.events->len, ==, 5);
  e = nth (&sink, 0, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->number, ==, "2125554000");
  g_assert_cmpstr (e->time, ==, "1329");
  g_assert_cmpstr (e->line, ==, "01");
  e = nth (&sink, 1, CRM_CALL_EVENT_CALLER_ID);
  g_assert_cmpstr (e->name, ==, "WIRELESS CALL");
  g_assert_cmpstr (nth (&sink, 2, CRM_CALL_EVENT_CALLER_ID)->number, ==, "8005551212");
  nth (&sink, 3, CRM_CALL_EVENT_ON_HOOK);
  g_assert_cmpstr (nth (&sink, 4, CRM_CALL_EVENT_CALLER_ID)->time, ==, "1430");
  sink_clear (&sink);
}

/* --- SDMF/MDMF decoder --- */

static const guint8 mdmf[] = {
  0x80, 0x20, 0x01, 0x08, '0', '5', '1',  '1',  '1', '8', '5', '2', 0x02, 0x0A, '4', '0', '7',  '5',
  '5',  '5',  '0',  '0',  '0', '0', 0x07, 0x08, 'J', 'O', 'H', 'N', ' ',  'D',  'O', 'E', 0x84,
};

static void
test_message_truncated_prefixes (void)
{
  for (gsize n = 0; n < sizeof mdmf; n++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrmCallEvent) e = crm_cid_message_decode (
          mdmf, n, CRM_CID_MESSAGE_STRICT, CRM_CALLER_ID_SOURCE_BYTES, NULL, &error);
      g_assert_null (e);
      g_assert_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_TRUNCATED);
    }
}

static void
test_message_roundtrip (void)
{
  g_autoptr (CrmCallEvent) in = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
  g_autoptr (CrmCallEvent) out = NULL;
  g_autoptr (CrmCallEvent) out2 = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *data;
  gsize         len, used;

  in->number = g_strdup ("13912345678");
  in->name = g_strdup ("Li Si");
  crm_call_event_set_datetime (in, "1127", "0930");
  bytes = crm_cid_message_build_mdmf (in);
  data = g_bytes_get_data (bytes, &len);
  out = crm_cid_message_decode (data, len, CRM_CID_MESSAGE_STRICT, CRM_CALLER_ID_SOURCE_BYTES,
                                &used, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (used, ==, len);
  g_assert_cmpstr (out->number, ==, "13912345678");
  g_assert_cmpstr (out->name, ==, "Li Si");
  g_assert_cmpstr (out->time, ==, "0930");

  g_clear_pointer (&in->number, g_free);
  in->number_reason = CRM_CALLER_ID_PRIVATE;
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = crm_cid_message_build_sdmf (in);
  data = g_bytes_get_data (bytes, &len);
  out2 = crm_cid_message_decode (data, len, CRM_CID_MESSAGE_STRICT, CRM_CALLER_ID_SOURCE_BYTES,
                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_null (out2->number);
  g_assert_cmpint (out2->number_reason, ==, CRM_CALLER_ID_PRIVATE);
}

static void
test_message_malicious (void)
{
  /* Parameter claiming more than the message holds. */
  static const guint8 overrun[]
      = { 0x80,
          0x04,
          0x02,
          0x7F,
          '1',
          '2',
          (guint8)(0x100 - ((0x80 + 0x04 + 0x02 + 0x7F + '1' + '2') & 0xFF)) };
  /* Not a caller-ID type. */
  static const guint8 mwi[] = { 0x06, 0x01, 0x42, 0xB7 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  CrmCallEvent *e;

  e = crm_cid_message_decode (overrun, sizeof overrun, CRM_CID_MESSAGE_STRICT,
                              CRM_CALLER_ID_SOURCE_BYTES, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED);
  e = crm_cid_message_decode (mwi, sizeof mwi, CRM_CID_MESSAGE_STRICT, CRM_CALLER_ID_SOURCE_BYTES,
                              NULL, &error2);
  g_assert_null (e);
  g_assert_error (error2, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED);
}

/* Random bytes through both parsers: no crash, no read past the end
 * (run under valgrind/ASan in CI), and any call found is well formed. */
static void
test_random_input (void)
{
  GRand *rand = g_rand_new_with_seed (20261127);

  for (int round = 0; round < 2000; round++)
    {
      guint8 buf[300];
      gsize  n = (gsize)g_rand_int_range (rand, 0, sizeof buf);
      Sink   sink;
      g_autoptr (CrmModemParser) p = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (CrmCallEvent) e = NULL;

      for (gsize i = 0; i < n; i++)
        buf[i] = (guint8)g_rand_int (rand);
      if (n > 2 && round % 2)
        {
          buf[0] = 0x80;
          buf[1] = (guint8)(n - 3);
        }
      e = crm_cid_message_decode (buf, n, CRM_CID_MESSAGE_IGNORE_CHECKSUM,
                                  CRM_CALLER_ID_SOURCE_BYTES, NULL, &error);
      g_assert_true ((e == NULL) != (error == NULL));
      if (e && e->name)
        g_assert_true (g_utf8_validate (e->name, -1, NULL));

      sink_init (&sink);
      p = crm_modem_parser_new (collect, &sink);
      crm_modem_parser_feed (p, buf, n);
      crm_modem_parser_flush (p);
      for (guint i = 0; i < sink.events->len; i++)
        {
          CrmCallEvent *ev = sink.events->pdata[i];
          if (ev->number)
            g_assert_true (g_utf8_validate (ev->number, -1, NULL));
          if (ev->name)
            g_assert_true (g_utf8_validate (ev->name, -1, NULL));
        }
      sink_clear (&sink);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/callerid/parser/spacing-variants", test_formatted_spacing);
  g_test_add_func ("/callerid/parser/labels-and-reasons", test_labels_and_reasons);
  g_test_add_func ("/callerid/parser/before-after-ring", test_before_after_ring);
  g_test_add_func ("/callerid/parser/cid-ring-combined-datetime", test_cid_ring_combined);
  g_test_add_func ("/callerid/parser/distinctive-ring", test_distinctive_ring);
  g_test_add_func ("/callerid/parser/malformed-time", test_malformed_time);
  g_test_add_func ("/callerid/parser/garbage", test_garbage);
  g_test_add_func ("/callerid/parser/noise-inside-call", test_noise_inside_call);
  g_test_add_func ("/callerid/parser/oversized-line", test_long_line);
  g_test_add_func ("/callerid/parser/partial-then-flush", test_partial_then_flush);
  g_test_add_func ("/callerid/parser/hex-sdmf-mdmf", test_hex_formats);
  g_test_add_func ("/callerid/parser/dle-events", test_dle_events);
  g_test_add_func ("/callerid/parser/device-formats", test_device_formats);
  g_test_add_func ("/callerid/message/truncated-prefixes", test_message_truncated_prefixes);
  g_test_add_func ("/callerid/message/roundtrip", test_message_roundtrip);
  g_test_add_func ("/callerid/message/malicious", test_message_malicious);
  g_test_add_func ("/callerid/message/random-input", test_random_input);
  return g_test_run ();
}
