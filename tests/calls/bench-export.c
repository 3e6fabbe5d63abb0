/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-export"
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "crm-call-export.h"

/*
 * Not a test: the call history's writer on N synthetic calls (default
 * 200,000, the export's cap), .xlsx and CSV.  Prints
 *   call_export_xlsx_rows_per_s, call_export_csv_rows_per_s,
 *   call_export_xlsx_bytes_per_row
 * Usage: bench-export [N]
 */

static GVariant *
record (guint i, gint64 start)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *number = g_strdup_printf ("1380000%04u", i % 10000);
  g_autofree char *customer = g_strdup_printf ("深圳市客户%06u电子有限公司", i);

  g_variant_dict_insert (&d, "direction", "s", i % 2 ? "in" : "out");
  g_variant_dict_insert (&d, "status", "s", i % 3 ? "answered" : "missed");
  g_variant_dict_insert (&d, "number", "s", number);
  g_variant_dict_insert (&d, "customer_name", "s", customer);
  g_variant_dict_insert (&d, "user_name", "s", "王销售");
  g_variant_dict_insert (&d, "started_at", "x", start - (gint64) i * 60 * G_USEC_PER_SEC);
  g_variant_dict_insert (&d, "answered_at", "x", i % 3 ? start : 0);
  g_variant_dict_insert (&d, "duration", "x", (gint64) (i % 600));
  g_autoptr(GVariant) built = g_variant_ref_sink (g_variant_dict_end (&d));

  /* Serialised, as records arrive from the network. */
  return g_variant_get_normal_form (built);
}

static double
run (CrmCallExportFormat format, const char *path, GPtrArray *records, goffset *size)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  CrmCallExport *export = crm_call_export_new (format, path, &error);
  GStatBuf st;

  if (export == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < records->len; i++)
    crm_call_export_add (export, records->pdata[i]);
  if (!crm_call_export_finish (export, &error))
    g_error ("%s", error->message);
  *size = g_stat (path, &st) == 0 ? st.st_size : 0;
  return (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : CRM_CALL_EXPORT_MAX_ROWS;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autofree char *dir = g_dir_make_tmp ("crm-bench-export-XXXXXX", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "calls.xlsx", NULL);
  g_autofree char *csv = g_build_filename (dir, "calls.csv", NULL);
  gint64 start = g_get_real_time ();
  goffset xlsx_size = 0, csv_size = 0;
  double t_xlsx, t_csv;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (records, record (i, start));
  t_xlsx = run (CRM_CALL_EXPORT_XLSX, xlsx, records, &xlsx_size);
  t_csv = run (CRM_CALL_EXPORT_CSV, csv, records, &csv_size);
  printf ("call_export_rows %u rows\n", n);
  printf ("call_export_xlsx_rows_per_s %.0f rows/s\n", n / t_xlsx);
  printf ("call_export_csv_rows_per_s %.0f rows/s\n", n / t_csv);
  printf ("call_export_xlsx_bytes_per_row %.1f bytes\n", n ? (double) xlsx_size / n : 0.0);
  g_unlink (xlsx);
  g_unlink (csv);
  g_rmdir (dir);
  return 0;
}
