/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Real-world caller-ID data (third-party captures and fixtures, see
 * shared/testdata/callerid/SOURCES.md) decoded by the modem parser and the
 * SDMF/MDMF decoder and compared with expected.tsv. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "crm-callerid-error.h"
#include "crm-cid-message.h"
#include "crm-modem-parser.h"

typedef struct
{
  char *file;
  int   index;
  char *number, *name, *date, *time, *notes;
} Row;

static void
row_free (gpointer p)
{
  Row *r = p;
  g_free (r->file);
  g_free (r->number);
  g_free (r->name);
  g_free (r->date);
  g_free (r->time);
  g_free (r->notes);
  g_free (r);
}

static char *
data_dir (void)
{
  const char *env = g_getenv ("CRM_TESTDATA_DIR");
  return g_build_filename (env ? env : CRM_TESTDATA_DIR, "callerid", NULL);
}

static GPtrArray *
load_expected (void)
{
  g_autofree char *dir = data_dir ();
  g_autofree char *path = g_build_filename (dir, "expected.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *rows;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  rows = g_ptr_array_new_with_free_func (row_free);
  lines = g_strsplit (text, "\n", -1);
  for (int i = 1; lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", -1);
      Row *r;
      if (g_strv_length (f) < 7)
        continue;
      r = g_new0 (Row, 1);
      r->file = g_strdup (f[0]);
      r->index = atoi (f[1]);
      r->number = g_strdup (f[2]);
      r->name = g_strdup (f[3]);
      r->date = g_strdup (f[4]);
      r->time = g_strdup (f[5]);
      r->notes = g_strdup (f[6]);
      g_ptr_array_add (rows, r);
    }
  return rows;
}

/* Undo the excerpt quoting that SOURCES.md describes: "> " markdown quotes,
 * comment lines, C escapes (\n, \r, \020), "<CR/LF>", and the NCID doc's
 * "NMBR = x or DDN_NMBR = x" shorthand.  A blank source line is an idle
 * pause on the line (NCID's <ENTER>).  Each chunk is fed byte by byte. */
static void
feed_text_file (CrmModemParser *parser, const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (int i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      g_autoptr (GString) out = g_string_new (NULL);
      char * or ;

      while (*l == '>' || *l == ' ' || *l == '\t')
        l++;
      if (*l == '\0')
        {
          crm_modem_parser_flush (parser);
          continue;
        }
      if (*l == '#' && !g_str_has_prefix (l, "###DATE"))
        continue;
      for (const char *p = l; *p; p++)
        {
          if (p[0] == '\\' && p[1] == 'n')
            {
              g_string_append_c (out, '\n');
              p++;
            }
          else if (p[0] == '\\' && p[1] == 'r')
            {
              g_string_append_c (out, '\r');
              p++;
            }
          else if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7'
                   && p[3] >= '0' && p[3] <= '7')
            {
              g_string_append_c (out, (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0')));
              p += 3;
            }
          else if (g_str_has_prefix (p, "<CR/LF>"))
            {
              g_string_append (out, "\r\n");
              p += 6;
            }
          else
            g_string_append_c (out, *p);
        }
      or = strstr (out->str, " or DDN_NMBR");
      if (or != NULL)
        g_string_truncate (out, (gsize)(or -out->str));
      g_string_append_c (out, '\n');
      for (gsize k = 0; k < out->len; k++)
        crm_modem_parser_feed (parser, (const guint8 *)out->str + k, 1);
    }
  crm_modem_parser_flush (parser);
}

static void
collect (CrmCallEvent *event, gpointer user_data)
{
  GPtrArray *events = user_data;

  if (event->kind == CRM_CALL_EVENT_CALLER_ID || event->kind == CRM_CALL_EVENT_WARNING)
    g_ptr_array_add (events, crm_call_event_copy (event));
}

static gboolean
field_matches (const char *expected, const char *got, CrmCallerIdReason reason)
{
  if (g_str_equal (expected, "-"))
    return got == NULL;
  if (g_str_equal (expected, "P") || g_str_equal (expected, "PRIVATE"))
    return got == NULL && reason == CRM_CALLER_ID_PRIVATE;
  if (g_str_equal (expected, "O") || g_str_equal (expected, "OUT-OF-AREA"))
    return got == NULL && reason == CRM_CALLER_ID_UNAVAILABLE;
  return g_strcmp0 (expected, got) == 0;
}

static gboolean
row_matches (const Row *r, const CrmCallEvent *e)
{
  return field_matches (r->number, e->number, e->number_reason)
         && field_matches (r->name, e->name, e->name_reason)
         && field_matches (r->date, e->date, CRM_CALLER_ID_PRESENT)
         && field_matches (r->time, e->time, CRM_CALLER_ID_PRESENT);
}

typedef enum
{
  EXPECT_CALL,
  EXPECT_NOTHING,
  EXPECT_REJECT
} Expect;

static Expect
row_expect (const Row *r)
{
  if (strstr (r->notes, "NOT A CALL")
      || (g_str_equal (r->number, "-") && g_str_equal (r->name, "-") && g_str_equal (r->date, "-")))
    return EXPECT_NOTHING;
  /* Corrupt or checksum-less messages: a strict decoder must refuse them. */
  if (strstr (r->notes, "DOC-INCONSISTENT") || strstr (r->notes, "NO checksum")
      || strstr (r->notes, "DOES NOT VERIFY"))
    return EXPECT_REJECT;
  return EXPECT_CALL;
}

static char *
describe (const CrmCallEvent *e)
{
  if (e == NULL)
    return g_strdup ("(none)");
  return crm_call_event_to_string (e);
}

static GPtrArray *
decode_file (const char *dir, const char *file, gboolean lenient)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *contents = NULL;
  gsize            len;
  GPtrArray       *events = g_ptr_array_new_with_free_func ((GDestroyNotify)crm_call_event_free);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  if (g_str_has_prefix (file, "binary/"))
    {
      g_autoptr (GError) error = NULL;
      CrmCallEvent *e = crm_cid_message_decode ((const guint8 *)contents, len,
                                                lenient ? CRM_CID_MESSAGE_IGNORE_CHECKSUM
                                                        : CRM_CID_MESSAGE_STRICT,
                                                CRM_CALLER_ID_SOURCE_BYTES, NULL, &error);
      if (e == NULL)
        {
          e = crm_call_event_new (CRM_CALL_EVENT_WARNING);
          e->message = g_strdup (error->message);
        }
      g_ptr_array_add (events, e);
    }
  else
    {
      g_autoptr (CrmModemParser) parser = crm_modem_parser_new (collect, events);
      feed_text_file (parser, contents);
    }
  return events;
}

static void
test_expected_table (void)
{
  g_autofree char *dir = data_dir ();
  g_autoptr (GPtrArray) rows = load_expected ();
  g_autoptr (GHashTable) files
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  g_autoptr (GString) table = g_string_new (NULL);
  guint       matched = 0, rejected = 0, nothing = 0, mismatched = 0, leftover = 0;
  const char *current = NULL;
  guint       pos = 0;

  if (rows == NULL)
    {
      g_test_skip ("shared/testdata/callerid is absent (set CRM_TESTDATA_DIR)");
      return;
    }

  g_string_append (table, "| file | # | expected number / name / date / time | outcome | decoded "
                          "|\n|---|---|---|---|---|\n");
  for (guint i = 0; i < rows->len; i++)
    {
      Row             *r = rows->pdata[i];
      GPtrArray       *events;
      CrmCallEvent    *e = NULL;
      Expect           expect = row_expect (r);
      const char      *outcome;
      g_autofree char *desc = NULL;

      if (g_str_has_prefix (r->file, "audio/"))
        continue; /* the audio test covers these */

      if (current == NULL || !g_str_equal (current, r->file))
        {
          /* Leftover calls from the previous file are spurious decodes. */
          if (current != NULL)
            {
              GPtrArray *prev = g_hash_table_lookup (files, current);
              for (; pos < prev->len; pos++)
                if (((CrmCallEvent *)prev->pdata[pos])->kind == CRM_CALL_EVENT_CALLER_ID)
                  leftover++;
            }
          current = r->file;
          g_hash_table_insert (files, r->file, decode_file (dir, r->file, FALSE));
          pos = 0;
        }
      events = g_hash_table_lookup (files, r->file);

      if (expect == EXPECT_NOTHING)
        {
          outcome = "no call (as expected)";
          nothing++;
        }
      else
        {
          /* Next event of the wanted kind; warnings in between are fine. */
          CrmCallEventKind want
              = expect == EXPECT_CALL ? CRM_CALL_EVENT_CALLER_ID : CRM_CALL_EVENT_WARNING;
          while (pos < events->len && ((CrmCallEvent *)events->pdata[pos])->kind != want)
            pos++;
          e = pos < events->len ? events->pdata[pos++] : NULL;
          if (expect == EXPECT_CALL && e != NULL && row_matches (r, e))
            {
              outcome = e->datetime_valid ? "match" : "match (date/time flagged invalid)";
              matched++;
            }
          else if (expect == EXPECT_REJECT && e != NULL)
            {
              outcome = "rejected (as expected)";
              rejected++;
              /* Archived data with a known-bad checksum still decodes
               * when asked to ignore it. */
              if (g_str_has_prefix (r->file, "binary/"))
                {
                  g_autoptr (GPtrArray) lenient = decode_file (dir, r->file, TRUE);
                  CrmCallEvent *le = lenient->pdata[0];
                  g_assert_cmpint (le->kind, ==, CRM_CALL_EVENT_CALLER_ID);
                  g_assert_true (row_matches (r, le));
                  g_assert_nonnull (le->message);
                  outcome = "rejected strict; matches with checksum ignored";
                }
            }
          else
            {
              outcome = "MISMATCH";
              mismatched++;
            }
        }
      desc = describe (e);
      g_string_append_printf (table, "| %s | %d | %s / %s / %s / %s | %s | %s |\n", r->file,
                              r->index, r->number, r->name, r->date, r->time, outcome, desc);
      /* Malformed times keep the number and say so. */
      if (e != NULL && expect == EXPECT_CALL
          && (strstr (r->notes, "hour 24") || strstr (r->notes, "5-digit TIME")))
        {
          g_assert_false (e->datetime_valid);
          g_assert_nonnull (e->message);
        }
    }
  if (current != NULL)
    {
      GPtrArray *prev = g_hash_table_lookup (files, current);
      for (; pos < prev->len; pos++)
        if (((CrmCallEvent *)prev->pdata[pos])->kind == CRM_CALL_EVENT_CALLER_ID)
          leftover++;
    }

  g_string_append_printf (
      table,
      "\nmatched %u, rejected as expected %u, no-call rows %u, mismatched %u, spurious calls %u\n",
      matched, rejected, nothing, mismatched, leftover);
  g_test_message ("%s", table->str);
  if (g_getenv ("CRM_CALLERID_TABLE"))
    g_assert_true (g_file_set_contents (g_getenv ("CRM_CALLERID_TABLE"), table->str, -1, NULL));

  g_assert_cmpuint (mismatched, ==, 0);
  g_assert_cmpuint (leftover, ==, 0);
  g_assert_cmpuint (matched, >=, 40);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/callerid/data/expected-table", test_expected_table);
  return g_test_run ();
}
