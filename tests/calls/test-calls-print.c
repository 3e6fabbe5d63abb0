/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-calls-print"
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "crm-call-export.h"
#include "crm-call-format.h"
#include "crm-call-print.h"

/*
 * The call history out of the client: the .xlsx read back from its zip
 * (cells, types, the frozen header, column widths, the date format), the
 * CSV, a failed export leaving nothing behind, and the A4 printout written
 * as a PDF (pages, the repeated header, page numbers, every call once,
 * the totals), checked with poppler's pdfinfo and pdftotext.
 */

static char *tmp_dir;

/* A call.list record as the server sends it. */
static GVariant *
record (gint64 id, const char *direction, const char *status, const char *number,
        const char *customer, gint64 started_us, gint64 duration_s)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&d, "id", "x", id);
  g_variant_dict_insert (&d, "direction", "s", direction);
  g_variant_dict_insert (&d, "status", "s", status);
  g_variant_dict_insert (&d, "number", "s", number);
  g_variant_dict_insert (&d, "customer_name", "s", customer);
  g_variant_dict_insert (&d, "user_name", "s", "王销售");
  g_variant_dict_insert (&d, "started_at", "x", started_us);
  g_variant_dict_insert (&d, "answered_at", "x", strcmp (status, "answered") == 0 ? started_us + 2000000 : 0);
  g_variant_dict_insert (&d, "duration", "x", duration_s);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static gint64
local_us (int y, int mo, int d, int h, int mi, int s)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (y, mo, d, h, mi, s);

  return g_date_time_to_unix (t) * G_USEC_PER_SEC;
}

static char *
run (const char *command_line)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command_line, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s: %s", command_line, err);
  return g_steal_pointer (&out);
}

/* ---- reading an .xlsx back ---- */

typedef struct {
  GHashTable *cells;   /* "B3" → value (shared strings resolved) */
  GHashTable *types;   /* "B3" → "s", "inlineStr", "n" */
  GHashTable *styles;  /* "B3" → style index */
  GPtrArray *shared;
  char *ref, *type, *style;
  GString *text;
  gboolean in_value;
} Sheet;

static void
sheet_start (GMarkupParseContext *c, const char *name, const char **attr_names, const char **attr_values,
             gpointer data, GError **error)
{
  Sheet *s = data;

  if (strcmp (name, "c") == 0)
    {
      g_clear_pointer (&s->ref, g_free);
      g_clear_pointer (&s->type, g_free);
      g_clear_pointer (&s->style, g_free);
      s->type = g_strdup ("n");
      for (guint i = 0; attr_names[i]; i++)
        {
          if (strcmp (attr_names[i], "r") == 0)
            s->ref = g_strdup (attr_values[i]);
          else if (strcmp (attr_names[i], "t") == 0)
            {
              g_free (s->type);
              s->type = g_strdup (attr_values[i]);
            }
          else if (strcmp (attr_names[i], "s") == 0)
            s->style = g_strdup (attr_values[i]);
        }
    }
  else if (strcmp (name, "v") == 0 || strcmp (name, "t") == 0)
    {
      s->in_value = TRUE;
      g_string_truncate (s->text, 0);
    }
}

static void
sheet_end (GMarkupParseContext *c, const char *name, gpointer data, GError **error)
{
  Sheet *s = data;

  if ((strcmp (name, "v") == 0 || strcmp (name, "t") == 0) && s->in_value)
    {
      s->in_value = FALSE;
      if (s->ref == NULL)
        {
          /* sharedStrings.xml: one <si><t> per string */
          g_ptr_array_add (s->shared, g_strdup (s->text->str));
          return;
        }
      if (strcmp (s->type, "s") == 0)
        {
          guint64 index = g_ascii_strtoull (s->text->str, NULL, 10);

          g_assert_cmpuint (index, <, s->shared->len);
          g_hash_table_replace (s->cells, g_strdup (s->ref), g_strdup (s->shared->pdata[index]));
        }
      else
        g_hash_table_replace (s->cells, g_strdup (s->ref), g_strdup (s->text->str));
      g_hash_table_replace (s->types, g_strdup (s->ref), g_strdup (s->type));
      if (s->style != NULL)
        g_hash_table_replace (s->styles, g_strdup (s->ref), g_strdup (s->style));
    }
}

static void
sheet_text (GMarkupParseContext *c, const char *text, gsize len, gpointer data, GError **error)
{
  Sheet *s = data;

  if (s->in_value)
    g_string_append_len (s->text, text, (gssize) len);
}

static void
sheet_parse (Sheet *s, const char *xml)
{
  static const GMarkupParser parser = { sheet_start, sheet_end, sheet_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new (&parser, 0, s, NULL);
  g_autoptr(GError) error = NULL;

  g_markup_parse_context_parse (ctx, xml, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (ctx, &error);
  g_assert_no_error (error);
}

static void
sheet_clear (Sheet *s)
{
  g_clear_pointer (&s->cells, g_hash_table_unref);
  g_clear_pointer (&s->types, g_hash_table_unref);
  g_clear_pointer (&s->styles, g_hash_table_unref);
  g_clear_pointer (&s->shared, g_ptr_array_unref);
  g_clear_pointer (&s->ref, g_free);
  g_clear_pointer (&s->type, g_free);
  g_clear_pointer (&s->style, g_free);
  if (s->text != NULL)
    g_string_free (g_steal_pointer (&s->text), TRUE);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sheet, sheet_clear)

static char *
unzip (const char *path, const char *member)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf ("unzip -p %s %s", quoted, member);

  return run (cmd);
}

/* Reads the first sheet; returns its XML too (for layout checks). */
static char *
read_xlsx (const char *path, Sheet *s)
{
  g_autofree char *listing = NULL;
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *cmd = g_strdup_printf ("unzip -Z1 %s", quoted);
  char *xml;

  s->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->shared = g_ptr_array_new_with_free_func (g_free);
  s->text = g_string_new (NULL);
  listing = run (cmd);
  if (strstr (listing, "xl/sharedStrings.xml") != NULL)
    {
      g_autofree char *strings = unzip (path, "xl/sharedStrings.xml");
      sheet_parse (s, strings);
    }
  xml = unzip (path, "xl/worksheets/sheet1.xml");
  sheet_parse (s, xml);
  return xml;
}

static const char *
cell (Sheet *s, const char *ref)
{
  const char *v = g_hash_table_lookup (s->cells, ref);

  return v != NULL ? v : "";
}

static gboolean
cell_is_text (Sheet *s, const char *ref)
{
  const char *t = g_hash_table_lookup (s->types, ref);

  return t != NULL && (strcmp (t, "s") == 0 || strcmp (t, "inlineStr") == 0 || strcmp (t, "str") == 0);
}

static gboolean
cell_is_number (Sheet *s, const char *ref)
{
  const char *t = g_hash_table_lookup (s->types, ref);

  return t != NULL && strcmp (t, "n") == 0;
}

/* Days since 1899-12-30, as a spreadsheet stores a date. */
static double
excel_serial (int y, int mo, int d, int h, int mi, int sec)
{
  g_autoptr(GDate) date = g_date_new_dmy ((GDateDay) d, (GDateMonth) mo, (GDateYear) y);
  g_autoptr(GDate) epoch = g_date_new_dmy (30, G_DATE_DECEMBER, 1899);

  return (double) g_date_days_between (epoch, date) + (h * 3600 + mi * 60 + sec) / 86400.0;
}

static GPtrArray *
sample_records (void)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  g_ptr_array_add (records, record (3, "in", "answered", "13812345678", "深圳市华强电子有限公司",
                                    local_us (2026, 3, 5, 14, 30, 15), 65));
  g_ptr_array_add (records, record (2, "in", "missed", "", "", local_us (2026, 3, 5, 9, 0, 0), 0));
  g_ptr_array_add (records, record (1, "out", "answered", "075523456789", "=HYPERLINK(\"http://x\")",
                                    local_us (2026, 3, 4, 18, 5, 0), 3725));
  return records;
}

static void
test_xlsx_cells (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "calls.xlsx", NULL);
  g_autoptr(GPtrArray) records = sample_records ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmCallExport) export = NULL;
  g_auto(Sheet) s = { 0, };
  g_autofree char *xml = NULL;
  g_autofree char *styles = NULL;

  g_assert_cmpint (crm_call_export_format_for_path (path), ==, CRM_CALL_EXPORT_XLSX);
  g_assert_cmpint (crm_call_export_format_for_path ("/x/CALLS.XLSX"), ==, CRM_CALL_EXPORT_XLSX);
  g_assert_cmpint (crm_call_export_format_for_path ("/x/calls.csv"), ==, CRM_CALL_EXPORT_CSV);
  export = crm_call_export_new (CRM_CALL_EXPORT_XLSX, path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    crm_call_export_add (export, records->pdata[i]);
  g_assert_cmpuint (crm_call_export_get_n_rows (export), ==, 3);
  g_assert_true (crm_call_export_finish (g_steal_pointer (&export), &error));
  g_assert_no_error (error);

  xml = read_xlsx (path, &s);
  /* The header row, as text. */
  g_assert_cmpstr (cell (&s, "A1"), ==, "Time");
  g_assert_cmpstr (cell (&s, "E1"), ==, "Customer");
  g_assert_cmpstr (cell (&s, "G1"), ==, "Duration (s)");
  g_assert_true (cell_is_text (&s, "A1"));
  /* A date is a number with a date format. */
  g_assert_true (cell_is_number (&s, "A2"));
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cell (&s, "A2"), NULL),
                                  excel_serial (2026, 3, 5, 14, 30, 15), 1e-6);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cell (&s, "A4"), NULL),
                                  excel_serial (2026, 3, 4, 18, 5, 0), 1e-6);
  g_assert_nonnull (g_hash_table_lookup (s.styles, "A2"));
  styles = unzip (path, "xl/styles.xml");
  g_assert_nonnull (strstr (styles, "formatCode=\"yyyy-mm-dd hh:mm:ss\""));
  /* Durations are numbers of seconds; a missed call has none. */
  g_assert_true (cell_is_number (&s, "G2"));
  g_assert_cmpstr (cell (&s, "G2"), ==, "65");
  g_assert_cmpstr (cell (&s, "G4"), ==, "3725");
  g_assert_null (g_hash_table_lookup (s.cells, "G3"));
  /* Text stays text: Chinese, a withheld number, a formula-looking name. */
  g_assert_cmpstr (cell (&s, "B2"), ==, "Incoming");
  g_assert_cmpstr (cell (&s, "C3"), ==, "Missed");
  g_assert_cmpstr (cell (&s, "D3"), ==, "Withheld");
  g_assert_cmpstr (cell (&s, "E2"), ==, "深圳市华强电子有限公司");
  g_assert_true (cell_is_text (&s, "E4"));
  g_assert_cmpstr (cell (&s, "E4"), ==, "=HYPERLINK(\"http://x\")");
  g_assert_null (strstr (xml, "<f>"));
  g_assert_cmpstr (cell (&s, "F2"), ==, "王销售");
  g_assert_true (cell_is_text (&s, "D2"));
  g_assert_nonnull (strstr (cell (&s, "D2"), "138"));
  g_assert_null (g_hash_table_lookup (s.cells, "A5"));
  /* Header row frozen, widths set, an autofilter over the table. */
  g_assert_nonnull (strstr (xml, "ySplit=\"1\""));
  g_assert_nonnull (strstr (xml, "state=\"frozen\""));
  g_assert_nonnull (strstr (xml, "<col min=\"5\" max=\"5\" width=\"32"));
  g_assert_nonnull (strstr (xml, "<autoFilter ref=\"A1:G4\""));
  /* No temporary file left beside it. */
  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".calls.xlsx."));
  }
}

static void
test_csv (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "calls.csv", NULL);
  g_autoptr(GPtrArray) records = sample_records ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmCallExport) export = crm_call_export_new (CRM_CALL_EXPORT_CSV, path, &error);
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    crm_call_export_add (export, records->pdata[i]);
  g_assert_true (crm_call_export_finish (g_steal_pointer (&export), &error));
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 3 + 1);
  g_assert_cmpstr (lines[0], ==, "\xEF\xBB\xBF\"Time\",\"Direction\",\"Status\",\"Number\",\"Customer\",\"User\",\"Duration (s)\"");
  g_assert_true (g_str_has_prefix (lines[1], "\"2026-03-05 14:30:15\",\"Incoming\",\"Answered\""));
  g_assert_true (g_str_has_suffix (lines[1], ",\"王销售\",\"65\""));
  g_assert_true (g_str_has_suffix (lines[2], ",\"\",\"王销售\",\"\""));
  /* Never a formula: the quote is doubled and the = neutralised. */
  g_assert_nonnull (strstr (lines[3], ",\"'=HYPERLINK(\"\"http://x\"\")\","));
}

static void
test_unwritable (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-dir", "calls.xlsx", NULL);
  g_autofree char *csv = g_build_filename (tmp_dir, "no-such-dir", "calls.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmCallExport) export = crm_call_export_new (CRM_CALL_EXPORT_XLSX, path, &error);

  g_assert_null (export);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no-such-dir"));
  g_clear_error (&error);

  export = crm_call_export_new (CRM_CALL_EXPORT_CSV, csv, &error);
  g_assert_no_error (error);
  g_assert_false (crm_call_export_finish (g_steal_pointer (&export), &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
}

/* An export dropped half-way leaves no file. */
static void
test_abandoned (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "abandoned.xlsx", NULL);
  g_autoptr(GPtrArray) records = sample_records ();
  g_autoptr(GError) error = NULL;
  CrmCallExport *export = crm_call_export_new (CRM_CALL_EXPORT_XLSX, path, &error);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_no_error (error);
  crm_call_export_add (export, records->pdata[0]);
  crm_call_export_free (export);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  dir = g_dir_open (tmp_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".abandoned.xlsx."));
}

/* ---- printing ---- */

static guint
pdf_pages (const char *pdf)
{
  g_autofree char *quoted = g_shell_quote (pdf);
  g_autofree char *cmd = g_strdup_printf ("pdfinfo %s", quoted);
  g_autofree char *info = run (cmd);
  const char *p = strstr (info, "Pages:");

  g_assert_nonnull (p);
  return (guint) g_ascii_strtoull (p + 6 + strspn (p + 6, " "), NULL, 10);
}

static char *
pdf_text (const char *pdf, guint page)
{
  g_autofree char *quoted = g_shell_quote (pdf);
  g_autofree char *cmd = page ? g_strdup_printf ("pdftotext -layout -f %u -l %u %s -", page, page, quoted)
                              : g_strdup_printf ("pdftotext -layout %s -", quoted);

  return run (cmd);
}

static void
test_print_pages (void)
{
  g_autofree char *pdf = g_build_filename (tmp_dir, "calls.pdf", NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *all = NULL;
  GtkPrintOperationResult res;
  gint64 talk = 0;
  guint pages;

  /* 150 calls, 2 of every 3 answered, 61 s each. */
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *number = g_strdup_printf ("1390000%04u", i);
      g_autofree char *customer = g_strdup_printf ("客户%03u 贸易有限公司", i);
      gboolean answered = i % 3 != 0;

      g_ptr_array_add (records, record (i + 1, "in", answered ? "answered" : "missed", number, customer,
                                        local_us (2026, 3, 5, 8, 0, 0) + (gint64) i * 60 * G_USEC_PER_SEC,
                                        answered ? 61 : 0));
      talk += answered ? 61 : 0;
    }
  res = crm_call_print_run (NULL, "Incoming · Any status", records, pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res, ==, GTK_PRINT_OPERATION_RESULT_APPLY);

  pages = pdf_pages (pdf);
  g_assert_cmpuint (pages, >=, 3);
  all = pdf_text (pdf, 0);
  /* Every call exactly once. */
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *number = g_strdup_printf ("1390000%04u", i);
      g_autofree char *shown = g_strdup_printf ("139 0000 %04u", i);
      const char *hit = strstr (all, number) ? number : shown;
      const char *first = strstr (all, hit);

      g_assert_nonnull (first);
      g_assert_null (strstr (first + 1, hit));
    }
  /* Each page: the title with the filter, the header row, its number. */
  for (guint p = 1; p <= pages; p++)
    {
      g_autofree char *text = pdf_text (pdf, p);
      g_autofree char *footer = g_strdup_printf ("Page %u of %u", p, pages);

      g_assert_nonnull (strstr (text, "Call History"));
      g_assert_nonnull (strstr (text, "Incoming · Any status"));
      g_assert_nonnull (strstr (text, "Customer"));
      g_assert_nonnull (strstr (text, "Duration"));
      g_assert_nonnull (strstr (text, footer));
      if (p < pages)
        g_assert_null (strstr (text, "Total:"));
    }
  /* The totals, after the last call. */
  {
    g_autofree char *last = pdf_text (pdf, pages);
    g_autofree char *totals = g_strdup_printf ("Total: 150 calls · 100 answered · 50 missed · talk time %d:%02d:%02d",
                                               (int) (talk / 3600), (int) (talk / 60 % 60), (int) (talk % 60));

    g_assert_nonnull (strstr (last, totals));
    g_assert_nonnull (strstr (last, "客户149"));
  }
  /* A page as an image, for a person to look at. */
  if (g_getenv ("CRM_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *prefix = g_build_filename (g_getenv ("CRM_SCREENSHOT_DIR"), "call-history-print", NULL);
      g_autofree char *qpdf = g_shell_quote (pdf);
      g_autofree char *qprefix = g_shell_quote (prefix);
      g_autofree char *cmd = g_strdup_printf ("pdftoppm -png -r 90 -f 1 -l 1 %s %s", qpdf, qprefix);

      g_mkdir_with_parents (g_getenv ("CRM_SCREENSHOT_DIR"), 0700);
      g_free (run (cmd));
    }
}

/* No calls: one page with the header and zero totals. */
static void
test_print_empty (void)
{
  g_autofree char *pdf = g_build_filename (tmp_dir, "empty.pdf", NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpint (crm_call_print_run (NULL, "Missed", records, pdf, &error), ==,
                   GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  g_assert_cmpuint (pdf_pages (pdf), ==, 1);
  text = pdf_text (pdf, 1);
  g_assert_nonnull (strstr (text, "Total: 0 calls"));
  g_assert_nonnull (strstr (text, "Page 1 of 1"));
}

/* The print dialog (no PDF name): the operation outlives the call that
 * started it; cancelling the dialog ends it without output or crash. */
static GtkWindow *
find_print_dialog (void)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l != NULL; l = l->next)
    if (GTK_IS_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static void
test_print_dialog_cancel (void)
{
  g_autoptr(GPtrArray) records = sample_records ();
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_cmpint (crm_call_print_run (NULL, "Any", records, NULL, &error), ==,
                   GTK_PRINT_OPERATION_RESULT_IN_PROGRESS);
  g_assert_no_error (error);
  while ((dialog = find_print_dialog ()) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (dialog);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (find_print_dialog () != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (find_print_dialog ());
}

/* The history's periods as call.list from/to, in local time (Asia/Shanghai
 * here), across a year boundary. */
static void
test_periods (void)
{
  g_autoptr(GDateTime) march = g_date_time_new_local (2026, 3, 15, 10, 30, 0);
  g_autoptr(GDateTime) january = g_date_time_new_local (2026, 1, 2, 8, 0, 0);
  gint64 from = -1, to = -1;

  g_assert_true (crm_call_period_range ("today", march, &from, &to));
  g_assert_cmpint (from, ==, local_us (2026, 3, 15, 0, 0, 0));
  g_assert_cmpint (to, ==, 0);
  g_assert_true (crm_call_period_range ("last-7-days", march, &from, &to));
  g_assert_cmpint (from, ==, local_us (2026, 3, 8, 10, 30, 0));
  g_assert_cmpint (to, ==, 0);
  g_assert_true (crm_call_period_range ("this-month", march, &from, &to));
  g_assert_cmpint (from, ==, local_us (2026, 3, 1, 0, 0, 0));
  g_assert_true (crm_call_period_range ("last-month", march, &from, &to));
  g_assert_cmpint (from, ==, local_us (2026, 2, 1, 0, 0, 0));
  g_assert_cmpint (to, ==, local_us (2026, 3, 1, 0, 0, 0));
  g_assert_true (crm_call_period_range ("last-month", january, &from, &to));
  g_assert_cmpint (from, ==, local_us (2025, 12, 1, 0, 0, 0));
  g_assert_cmpint (to, ==, local_us (2026, 1, 1, 0, 0, 0));
  g_assert_false (crm_call_period_range ("", march, &from, &to));
  g_assert_false (crm_call_period_range ("yesterday'; --", march, &from, &to));
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("crm-calls-print-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/calls/format/periods", test_periods);
  g_test_add_func ("/calls/export/xlsx-cells", test_xlsx_cells);
  g_test_add_func ("/calls/export/csv", test_csv);
  g_test_add_func ("/calls/export/unwritable", test_unwritable);
  g_test_add_func ("/calls/export/abandoned", test_abandoned);
  g_test_add_func ("/calls/print/pages", test_print_pages);
  g_test_add_func ("/calls/print/empty", test_print_empty);
  g_test_add_func ("/calls/print/dialog-cancel", test_print_dialog_cancel);
  status = g_test_run ();
  {
    g_autofree char *quoted = g_shell_quote (tmp_dir);
    g_autofree char *cmd = g_strdup_printf ("rm -rf %s", quoted);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  g_free (tmp_dir);
  return status;
}
