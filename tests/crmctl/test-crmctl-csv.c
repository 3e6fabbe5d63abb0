/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "crm-messages.h"
#include "crmctl-csv.h"
#include "crmctl-fields.h"
#include "crmctl-output.h"
#include "crmctl.h"

static GPtrArray *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = crmctl_csv_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (records);
  return records;
}

static CrmctlCsvRecord *
rec (GPtrArray *records, guint i)
{
  g_assert_cmpuint (i, <, records->len);
  return records->pdata[i];
}

static void
test_parse_quotes (void)
{
  g_autoptr(GPtrArray) r = parse_ok ("a,b,c\r\n"
                                     "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
                                     "\n"
                                     "last,,\n");

  g_assert_cmpuint (r->len, ==, 3);
  g_assert_cmpuint (rec (r, 0)->n_cells, ==, 3);
  g_assert_cmpstr (rec (r, 1)->cells[0], ==, "x, y");
  g_assert_cmpstr (rec (r, 1)->cells[1], ==, "say \"hi\"");
  g_assert_cmpstr (rec (r, 1)->cells[2], ==, "two\nlines");
  g_assert_cmpuint (rec (r, 1)->line, ==, 2);
  /* The record after a quoted line break and a blank line starts on line 5. */
  g_assert_cmpuint (rec (r, 2)->line, ==, 5);
  g_assert_cmpuint (rec (r, 2)->n_cells, ==, 3);
  g_assert_cmpstr (rec (r, 2)->cells[2], ==, "");
}

static void
test_parse_no_final_newline (void)
{
  g_autoptr(GPtrArray) r = parse_ok ("名称,电话\n北京智邦,010-62123456");

  g_assert_cmpuint (r->len, ==, 2);
  g_assert_cmpstr (rec (r, 1)->cells[0], ==, "北京智邦");
  g_assert_cmpstr (rec (r, 1)->cells[1], ==, "010-62123456");
}

static void
test_parse_unterminated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) r = crmctl_csv_parse ("a\nb\n\"open\nstill open", &error);

  g_assert_null (r);
  g_assert_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_FAILED);
  /* Names the line where the quote began. */
  g_assert_nonnull (strstr (error->message, "3"));
}

static void
test_parse_every_prefix (void)
{
  const char *text = "客户名称,电话\r\n\"甲,乙\",\"1\"\"2\"\r\n丙,3\r\n";
  gsize len = strlen (text);

  /* No prefix may crash; each either parses or reports an open quote. */
  for (gsize i = 0; i <= len; i++)
    {
      g_autofree char *prefix = g_strndup (text, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) r = crmctl_csv_parse (prefix, &error);

      g_assert_true ((r != NULL) != (error != NULL));
    }
}

static void
test_decode_bom_and_gb18030 (void)
{
  g_autoptr(GError) error = NULL;
  const char utf8_bom[] = "\xEF\xBB\xBF客户名称\n北京";
  g_autofree char *plain = crmctl_csv_decode (utf8_bom, strlen (utf8_bom), &error);
  g_autofree char *gbk = NULL;
  g_autofree char *back = NULL;
  gsize gbk_len = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, "客户名称\n北京");

  gbk = g_convert ("客户名称,电话\n广州好公司,13800138000\n", -1, "GB18030", "UTF-8",
                   NULL, &gbk_len, &error);
  g_assert_no_error (error);
  g_assert_false (g_utf8_validate (gbk, gbk_len, NULL));
  back = crmctl_csv_decode (gbk, gbk_len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back, ==, "客户名称,电话\n广州好公司,13800138000\n");
}

static void
test_decode_garbage (void)
{
  g_autoptr(GError) error = NULL;
  /* 0xFF is valid in neither UTF-8 nor GB18030; NUL means a binary file. */
  const char bad[] = "ok\n\xFF\xFF\xFF\n";
  const char nul[] = "a\n\0b";
  g_autofree char *out = crmctl_csv_decode (bad, sizeof bad - 1, &error);
  g_autofree char *out2 = NULL;

  g_assert_null (out);
  g_assert_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE);
  g_clear_error (&error);
  out2 = crmctl_csv_decode (nul, sizeof nul - 1, &error);
  g_assert_null (out2);
  g_assert_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE);
}

static void
test_write_roundtrip (void)
{
  const char *cells[] = { "plain", "a,b", "say \"x\"", "two\nlines", " padded", "北京" };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) r = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      crmctl_csv_append_cell (out, cells[i]);
    }
  g_string_append (out, "\r\n");
  r = parse_ok (out->str);
  g_assert_cmpuint (r->len, ==, 1);
  g_assert_cmpuint (rec (r, 0)->n_cells, ==, G_N_ELEMENTS (cells));
  for (gsize i = 0; i < G_N_ELEMENTS (cells); i++)
    g_assert_cmpstr (rec (r, 0)->cells[i], ==, cells[i]);
}

static void
test_headers (void)
{
  g_assert_cmpstr (crmctl_field_by_header ("客户名称")->key, ==, "name");
  g_assert_cmpstr (crmctl_field_by_header (" 简称 ")->key, ==, "short_name");
  g_assert_cmpstr (crmctl_field_by_header ("Postal_Code")->key, ==, "postal_code");
  g_assert_cmpstr (crmctl_field_by_header ("电话")->key, ==, "phones");
  g_assert_cmpstr (crmctl_field_by_header ("邮编")->key, ==, "postal_code");
  g_assert_null (crmctl_field_by_header ("序号"));
}

static void
test_width (void)
{
  g_assert_cmpuint (crmctl_display_width ("abc"), ==, 3);
  g_assert_cmpuint (crmctl_display_width ("北京"), ==, 4);
  g_assert_cmpuint (crmctl_display_width ("ＡＢ"), ==, 4);     /* fullwidth */
  g_assert_cmpuint (crmctl_display_width ("e\xCC\x81"), ==, 1); /* e + combining acute */
}

static void
test_table_alignment (void)
{
  const char *headers[] = { "ID", "Name", "Phone" };
  const char *row1[] = { "1", "北京智邦科技", "010" };
  const char *row2[] = { "22", "abc", "138" };
  g_autoptr(CrmctlTable) table = crmctl_table_new (3, headers);
  g_autofree char *buffer = NULL;
  gsize size = 0;
  FILE *out = open_memstream (&buffer, &size);
  g_auto(GStrv) lines = NULL;
  const char *col[3];

  crmctl_table_add_row (table, row1);
  crmctl_table_add_row (table, row2);
  crmctl_table_print (table, out);
  fclose (out);
  lines = g_strsplit (buffer, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  /* The third column starts at the same screen column on every line. */
  for (guint i = 0; i < 3; i++)
    {
      char *p = strstr (lines[i], i == 0 ? "Phone" : i == 1 ? "010" : "138");

      g_assert_nonnull (p);
      *p = '\0';
      col[i] = lines[i];
    }
  g_assert_cmpuint (crmctl_display_width (col[0]), ==, crmctl_display_width (col[1]));
  g_assert_cmpuint (crmctl_display_width (col[1]), ==, crmctl_display_width (col[2]));
}

static void
test_expand_key (void)
{
  g_autofree char *a = crmctl_expand_key ("(@key, {'name': <'x'>})");
  g_autofree char *b = crmctl_expand_key ("(@keyboard,)");
  g_autofree char *c = crmctl_expand_key ("('fixed-key-1234567890', 1)");
  g_autoptr(GVariant) v = NULL;
  g_autoptr(GError) error = NULL;
  const char *key;

  v = g_variant_parse (G_VARIANT_TYPE ("(sa{sv})"), a, NULL, NULL, &error);
  g_assert_no_error (error);
  g_variant_get_child (v, 0, "&s", &key);
  g_assert_true (crm_idempotency_key_is_valid (key));
  g_assert_cmpstr (b, ==, "(@keyboard,)");
  g_assert_cmpstr (c, ==, "('fixed-key-1234567890', 1)");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crmctl/csv/quotes", test_parse_quotes);
  g_test_add_func ("/crmctl/csv/no-final-newline", test_parse_no_final_newline);
  g_test_add_func ("/crmctl/csv/unterminated", test_parse_unterminated);
  g_test_add_func ("/crmctl/csv/every-prefix", test_parse_every_prefix);
  g_test_add_func ("/crmctl/csv/decode-bom-gb18030", test_decode_bom_and_gb18030);
  g_test_add_func ("/crmctl/csv/decode-garbage", test_decode_garbage);
  g_test_add_func ("/crmctl/csv/write-roundtrip", test_write_roundtrip);
  g_test_add_func ("/crmctl/csv/headers", test_headers);
  g_test_add_func ("/crmctl/output/width", test_width);
  g_test_add_func ("/crmctl/output/table-alignment", test_table_alignment);
  g_test_add_func ("/crmctl/call/expand-key", test_expand_key);
  return g_test_run ();
}
