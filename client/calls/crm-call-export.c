/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-export"
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#ifdef CRM_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

#include "crm-call-export.h"
#include "crm-call-format.h"
#include "crm-error.h"


enum { COL_TIME, COL_DIRECTION, COL_STATUS, COL_NUMBER, COL_CUSTOMER, COL_USER, COL_DURATION, N_COLS };

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
    case COL_DURATION: return _("Duration (s)");
    default: return "";
    }
}

/* Characters wide, for the spreadsheet. */
static const double column_width[N_COLS] = { 22, 8, 8, 18, 32, 12, 10 };

struct _CrmCallExport {
  CrmCallExportFormat format;
  char *path;
  char *tmp_path;     /* XLSX: written here, renamed at the end */
  GString *csv;
  guint rows;
#ifdef CRM_HAVE_XLSXWRITER
  lxw_workbook *workbook;
  lxw_worksheet *sheet;
  lxw_format *header_format, *date_format, *number_format;
#endif
};

CrmCallExportFormat
crm_call_export_format_for_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".xlsx") ? CRM_CALL_EXPORT_XLSX : CRM_CALL_EXPORT_CSV;
}

gboolean
crm_call_export_format_available (CrmCallExportFormat format)
{
#ifdef CRM_HAVE_XLSXWRITER
  return TRUE;
#else
  return format == CRM_CALL_EXPORT_CSV;
#endif
}

/* ---- CSV ---- */

static void
csv_field (GString *out, const char *text, gboolean last)
{
  /* Quoted always; a leading = + - @ is neutralised so that a value never
   * runs as a spreadsheet formula. */
  g_string_append_c (out, '"');
  if (text[0] != '\0' && strchr ("=+-@", text[0]) != NULL)
    g_string_append_c (out, '\'');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append (out, last ? "\"\r\n" : "\",");
}

/* ---- XLSX ---- */

#ifdef CRM_HAVE_XLSXWRITER
static gboolean
xlsx_check (lxw_error err, GError **error)
{
  if (err == LXW_NO_ERROR)
    return TRUE;
  g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("The spreadsheet could not be written: %s"),
               lxw_strerror (err));
  return FALSE;
}

static gboolean
xlsx_open (CrmCallExport *self, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *base = g_path_get_basename (self->path);
  g_autofree char *tmpl = g_strdup_printf (".%s.XXXXXX", base);
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
  int fd;

  /* A unique name next to the target, so that the rename is atomic. */
  self->tmp_path = g_build_filename (dir, tmpl, NULL);
  fd = g_mkstemp (self->tmp_path);
  if (fd < 0)
    {
      int saved = errno;

      g_clear_pointer (&self->tmp_path, g_free);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write in “%s”: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  self->workbook = workbook_new_opt (self->tmp_path, &options);
  if (self->workbook == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("The spreadsheet could not be created"));
      return FALSE;
    }
  self->sheet = workbook_add_worksheet (self->workbook, _("Call History"));
  self->header_format = workbook_add_format (self->workbook);
  format_set_bold (self->header_format);
  format_set_bg_color (self->header_format, 0xDDEBF7);
  format_set_border (self->header_format, LXW_BORDER_THIN);
  self->date_format = workbook_add_format (self->workbook);
  /* TRANSLATORS: an Excel number format for the start of a call; keep the
   * codes (yyyy m d hh mm ss), quote literal text. */
  format_set_num_format (self->date_format, _("yyyy-mm-dd hh:mm:ss"));
  format_set_align (self->date_format, LXW_ALIGN_LEFT);
  self->number_format = workbook_add_format (self->workbook);
  format_set_num_format (self->number_format, "0");
  for (guint col = 0; col < N_COLS; col++)
    {
      lxw_format *format = col == COL_TIME ? self->date_format
                           : col == COL_DURATION ? self->number_format : NULL;

      worksheet_set_column (self->sheet, col, col, column_width[col], format);
      if (!xlsx_check (worksheet_write_string (self->sheet, 0, col, column_title (col), self->header_format),
                       error))
        return FALSE;
    }
  worksheet_freeze_panes (self->sheet, 1, 0);
  return TRUE;
}

static void
xlsx_text (CrmCallExport *self, guint col, const char *text)
{
  if (*text != '\0')
    worksheet_write_string (self->sheet, self->rows + 1, col, text, NULL);
}

static void
xlsx_add (CrmCallExport *self, const CrmCallFields *f)
{
  g_autofree char *number = crm_call_number_display (f->number, f->direction);
  lxw_row_t row = self->rows + 1;

  if (f->started_at != 0)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (f->started_at / G_USEC_PER_SEC);
      lxw_datetime dt = {
        .year = g_date_time_get_year (t), .month = g_date_time_get_month (t),
        .day = g_date_time_get_day_of_month (t), .hour = g_date_time_get_hour (t),
        .min = g_date_time_get_minute (t), .sec = g_date_time_get_second (t),
      };

      worksheet_write_datetime (self->sheet, row, COL_TIME, &dt, self->date_format);
    }
  xlsx_text (self, COL_DIRECTION, crm_call_direction_label (f->direction));
  xlsx_text (self, COL_STATUS, crm_call_status_label (f->status));
  xlsx_text (self, COL_NUMBER, number);
  xlsx_text (self, COL_CUSTOMER, f->customer_name);
  xlsx_text (self, COL_USER, f->user_name);
  if (f->answered_at != 0)
    worksheet_write_number (self->sheet, row, COL_DURATION, (double) f->duration, self->number_format);
}
#endif

/* ---- the export ---- */

CrmCallExport *
crm_call_export_new (CrmCallExportFormat format, const char *path, GError **error)
{
  g_autoptr(CrmCallExport) self = g_new0 (CrmCallExport, 1);

  self->format = format;
  self->path = g_strdup (path);
  if (!crm_call_export_format_available (format))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                   _("This version cannot write .xlsx files; choose a .csv name"));
      return NULL;
    }
  if (format == CRM_CALL_EXPORT_CSV)
    {
      self->csv = g_string_new ("\xEF\xBB\xBF");
      for (guint col = 0; col < N_COLS; col++)
        csv_field (self->csv, column_title (col), col + 1 == N_COLS);
    }
#ifdef CRM_HAVE_XLSXWRITER
  else if (!xlsx_open (self, error))
    return NULL;
#endif
  return g_steal_pointer (&self);
}

void
crm_call_export_add (CrmCallExport *self, GVariant *record)
{
  CrmCallFields f;

  crm_call_fields_init (&f, record);
  if (self->format == CRM_CALL_EXPORT_CSV)
    {
      g_autofree char *started = crm_call_time_display (f.started_at);
      g_autofree char *number = crm_call_number_display (f.number, f.direction);
      char duration[24] = "";

      if (f.answered_at != 0)
        g_snprintf (duration, sizeof duration, "%" G_GINT64_FORMAT, f.duration);
      csv_field (self->csv, started, FALSE);
      csv_field (self->csv, crm_call_direction_label (f.direction), FALSE);
      csv_field (self->csv, crm_call_status_label (f.status), FALSE);
      csv_field (self->csv, number, FALSE);
      csv_field (self->csv, f.customer_name, FALSE);
      csv_field (self->csv, f.user_name, FALSE);
      csv_field (self->csv, duration, TRUE);
    }
#ifdef CRM_HAVE_XLSXWRITER
  else
    xlsx_add (self, &f);
#endif
  self->rows++;
}

guint
crm_call_export_get_n_rows (CrmCallExport *self)
{
  return self->rows;
}

static gboolean
export_write (CrmCallExport *self, GError **error)
{
  if (self->format == CRM_CALL_EXPORT_CSV)
    return g_file_set_contents_full (self->path, self->csv->str, (gssize) self->csv->len,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
#ifdef CRM_HAVE_XLSXWRITER
  {
    lxw_workbook *workbook = g_steal_pointer (&self->workbook);

    if (self->rows > 0)
      worksheet_autofilter (self->sheet, 0, 0, self->rows, N_COLS - 1);
    if (!xlsx_check (workbook_close (workbook), error))
      return FALSE;
    if (g_rename (self->tmp_path, self->path) != 0)
      {
        int saved = errno;

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write “%s”: %s"),
                     self->path, g_strerror (saved));
        return FALSE;
      }
    g_clear_pointer (&self->tmp_path, g_free);
    return TRUE;
  }
#else
  return FALSE;
#endif
}

gboolean
crm_call_export_finish (CrmCallExport *self, GError **error)
{
  gboolean ok = export_write (self, error);

  /* On failure the temporary file goes with the export. */
  crm_call_export_free (self);
  return ok;
}

void
crm_call_export_free (CrmCallExport *self)
{
#ifdef CRM_HAVE_XLSXWRITER
  if (self->workbook != NULL)
    {
      /* Closing writes the temporary file, which then goes. */
      workbook_close (self->workbook);
    }
#endif
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);
  g_free (self->tmp_path);
  g_free (self->path);
  if (self->csv != NULL)
    g_string_free (self->csv, TRUE);
  g_free (self);
}
