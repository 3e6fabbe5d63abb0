/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-print"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-call-format.h"
#include "crm-call-print.h"

#define FONT_BODY   "Sans 8.5"
#define FONT_TITLE  "Sans Bold 12"
#define ROW_PAD     3.0   /* points above and below a row's text */
#define GAP         6.0   /* points between blocks */

enum { COL_TIME, COL_DIRECTION, COL_STATUS, COL_NUMBER, COL_CUSTOMER, COL_USER, COL_DURATION, N_COLS };

/* Share of the printable width per column. */
static const double column_share[N_COLS] = { 0.19, 0.09, 0.09, 0.15, 0.27, 0.11, 0.10 };

typedef struct {
  char *filter_text;
  char *printed_at;
  GPtrArray *records;     /* GVariant a{sv} */
  /* Laid out in begin-print: */
  double row_height, title_height, footer_height;
  guint rows_per_page;    /* table rows (header not counted) */
  guint total_lines;      /* records + the totals block, in rows */
  guint n_pages;
  /* Totals */
  guint answered, missed;
  gint64 talk_seconds;
} Job;

static void
job_free (Job *job)
{
  g_free (job->filter_text);
  g_free (job->printed_at);
  g_ptr_array_unref (job->records);
  g_free (job);
}

static const char *
column_title (guint col)
{
  switch (col)
    {
    case COL_TIME: return _("Time");
    case COL_DIRECTION: return _("Direction");
    case COL_STATUS: return _("Status");
    case COL_NUMBER: return C_("phone", "Number");
    case COL_CUSTOMER: return _("Customer");
    case COL_USER: return _("User");
    case COL_DURATION: return _("Duration");
    default: return "";
    }
}

static char *
cell_text (const CrmCallFields *f, guint col)
{
  switch (col)
    {
    case COL_TIME: return crm_call_time_display (f->started_at);
    case COL_DIRECTION: return g_strdup (crm_call_direction_label (f->direction));
    case COL_STATUS: return g_strdup (crm_call_status_label (f->status));
    case COL_NUMBER: return crm_call_number_display (f->number, f->direction);
    case COL_CUSTOMER: return g_strdup (f->customer_name);
    case COL_USER: return g_strdup (f->user_name);
    case COL_DURATION: return crm_call_duration_display (f->duration, f->answered_at != 0);
    default: return g_strdup ("");
    }
}

static PangoLayout *
new_layout (GtkPrintContext *context, const char *font, const char *text, double width)
{
  PangoLayout *layout = gtk_print_context_create_pango_layout (context);
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int h;

  pango_layout_get_size (layout, NULL, &h);
  return (double) h / PANGO_SCALE;
}

/* Title block: heading, then the filter and the printing date. */
static char *
title_text (void)
{
  return g_strdup (_("Call History"));
}

static char *
subtitle_text (Job *job)
{
  return g_strdup_printf (_("%s · printed %s"), job->filter_text, job->printed_at);
}

/* The totals take this many table rows after the last call; counting them
 * in the page count keeps them on the last page, whole. */
#define TOTALS_ROWS 2

static void
begin_print (GtkPrintOperation *op, GtkPrintContext *context, gpointer data)
{
  Job *job = data;
  double height = gtk_print_context_get_height (context);
  g_autoptr(PangoLayout) body = new_layout (context, FONT_BODY, "时间 Time 0123", 0);
  g_autoptr(PangoLayout) title = new_layout (context, FONT_TITLE, "通话 Call", 0);
  g_autofree char *sub = subtitle_text (job);
  g_autoptr(PangoLayout) subtitle = new_layout (context, FONT_BODY, sub, gtk_print_context_get_width (context));
  double available;

  job->row_height = layout_height (body) + 2 * ROW_PAD;
  job->title_height = layout_height (title) + layout_height (subtitle) + GAP;
  job->footer_height = layout_height (body) + GAP;
  available = height - job->title_height - job->footer_height - job->row_height /* header row */;
  job->rows_per_page = MAX (1, (guint) (available / job->row_height));
  job->total_lines = job->records->len + TOTALS_ROWS;
  job->n_pages = (job->total_lines + job->rows_per_page - 1) / job->rows_per_page;
  gtk_print_operation_set_n_pages (op, (int) job->n_pages);
}

static void
draw_text (cairo_t *cr, PangoLayout *layout, double x, double y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_row (GtkPrintContext *context, cairo_t *cr, Job *job, double y, const char *font,
          char **cells)
{
  double width = gtk_print_context_get_width (context);
  double x = 0;

  for (guint col = 0; col < N_COLS; col++)
    {
      double w = width * column_share[col];
      g_autoptr(PangoLayout) layout = new_layout (context, font, cells[col], w - 4);

      if (col == COL_DURATION)
        pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
      draw_text (cr, layout, x, y + ROW_PAD);
      x += w;
    }
}

static char *
talk_time_text (gint64 seconds)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                          (int) (seconds / 60 % 60), (int) (seconds % 60));
}

static void
draw_page (GtkPrintOperation *op, GtkPrintContext *context, int page_nr, gpointer data)
{
  Job *job = data;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  guint first = (guint) page_nr * job->rows_per_page;
  guint last = MIN (first + job->rows_per_page, job->records->len);
  double y = 0;

  cairo_set_source_rgb (cr, 0, 0, 0);
  {
    g_autofree char *t = title_text ();
    g_autofree char *s = subtitle_text (job);
    g_autoptr(PangoLayout) title = new_layout (context, FONT_TITLE, t, width);
    g_autoptr(PangoLayout) subtitle = new_layout (context, FONT_BODY, s, width);

    draw_text (cr, title, 0, y);
    y += layout_height (title);
    draw_text (cr, subtitle, 0, y);
    y = job->title_height;
  }

  /* The header row, on every page. */
  {
    char *cells[N_COLS];

    for (guint col = 0; col < N_COLS; col++)
      cells[col] = (char *) column_title (col);
    cairo_set_source_rgb (cr, 0.90, 0.93, 0.97);
    cairo_rectangle (cr, 0, y, width, job->row_height);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 0, 0, 0);
    draw_row (context, cr, job, y, "Sans Bold 8.5", cells);
    y += job->row_height;
    cairo_set_line_width (cr, 0.8);
    cairo_move_to (cr, 0, y);
    cairo_line_to (cr, width, y);
    cairo_stroke (cr);
  }

  for (guint i = first; i < last; i++)
    {
      CrmCallFields f;
      char *cells[N_COLS];

      crm_call_fields_init (&f, g_ptr_array_index (job->records, i));
      for (guint col = 0; col < N_COLS; col++)
        cells[col] = cell_text (&f, col);
      draw_row (context, cr, job, y, FONT_BODY, cells);
      for (guint col = 0; col < N_COLS; col++)
        g_free (cells[col]);
      y += job->row_height;
      cairo_set_line_width (cr, 0.2);
      cairo_set_source_rgb (cr, 0.7, 0.7, 0.7);
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, width, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
    }

  /* The totals after the last call. */
  if ((guint) page_nr + 1 == job->n_pages)
    {
      g_autofree char *talk = talk_time_text (job->talk_seconds);
      g_autofree char *text =
        g_strdup_printf (_("Total: %u calls · %u answered · %u missed · talk time %s"),
                         job->records->len, job->answered, job->missed, talk);
      g_autoptr(PangoLayout) layout = new_layout (context, "Sans Bold 9", text, width);

      cairo_set_line_width (cr, 0.8);
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, width, y);
      cairo_stroke (cr);
      draw_text (cr, layout, 0, y + job->row_height * 0.5);
    }

  {
    g_autofree char *text = g_strdup_printf (_("Page %d of %u"), page_nr + 1, job->n_pages);
    g_autoptr(PangoLayout) footer = new_layout (context, FONT_BODY, text, width);

    pango_layout_set_alignment (footer, PANGO_ALIGN_CENTER);
    draw_text (cr, footer, 0, height - job->footer_height + GAP);
  }
}

GtkPrintOperationResult
crm_call_print_run (GtkWindow   *parent,
                    const char  *filter_text,
                    GPtrArray   *records,
                    const char  *pdf_path,
                    GError     **error)
{
  g_autoptr(GtkPrintOperation) op = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  Job *job = g_new0 (Job, 1);

  job->filter_text = g_strdup (filter_text);
  job->printed_at = g_date_time_format (now, "%Y-%m-%d %H:%M");
  job->records = g_ptr_array_ref (records);
  for (guint i = 0; i < records->len; i++)
    {
      CrmCallFields f;

      crm_call_fields_init (&f, g_ptr_array_index (records, i));
      if (f.answered_at != 0)
        {
          job->answered++;
          job->talk_seconds += MAX (0, f.duration);
        }
      else if (strcmp (f.status, "missed") == 0)
        job->missed++;
    }

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_print_operation_set_default_page_setup (op, setup);
  gtk_print_operation_set_unit (op, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (op, _("Call History"));
  gtk_print_operation_set_embed_page_setup (op, TRUE);
  g_signal_connect (op, "begin-print", G_CALLBACK (begin_print), job);
  g_signal_connect (op, "draw-page", G_CALLBACK (draw_page), job);
  g_object_set_data_full (G_OBJECT (op), "crm-call-print-job", job, (GDestroyNotify) job_free);

  if (pdf_path != NULL)
    {
      gtk_print_operation_set_export_filename (op, pdf_path);
      return gtk_print_operation_run (op, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error);
    }
  gtk_print_operation_set_allow_async (op, TRUE);
  return gtk_print_operation_run (op, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error);
}
