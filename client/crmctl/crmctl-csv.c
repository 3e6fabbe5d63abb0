/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crmctl-csv.h"

void
crmctl_csv_record_free (CrmctlCsvRecord *record)
{
  if (record == NULL)
    return;
  g_strfreev (record->cells);
  g_free (record);
}

static guint
line_of_offset (const char *data, gsize offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

char *
crmctl_csv_decode (const char *data, gsize length, GError **error)
{
  const char *end = NULL;
  g_autoptr(GError) convert_error = NULL;
  char *converted;
  gsize bytes_read = 0;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                   _("Line %u holds a NUL byte: this is not a CSV text file."),
                   line_of_offset (data, (const char *) memchr (data, '\0', length) - data));
      return NULL;
    }
  if (g_utf8_validate_len (data, length, &end))
    return g_strndup (data, length);

  /* Not UTF-8: Chinese Excel saves CSV in the ANSI code page, i.e. GBK,
   * which GB18030 contains. */
  converted = g_convert (data, length, "UTF-8", "GB18030", &bytes_read, NULL, &convert_error);
  if (converted != NULL)
    return converted;
  g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
               _("Line %u is neither UTF-8 nor GB18030 text; save the file as "
                 "“CSV UTF-8” and try again."),
               line_of_offset (data, MIN ((gsize) (end - data), bytes_read)));
  return NULL;
}

static void
finish_record (GPtrArray *records, GPtrArray *cells, guint line)
{
  CrmctlCsvRecord *record;

  /* A line with nothing on it is not a record. */
  if (cells->len == 1 && *(char *) cells->pdata[0] == '\0')
    {
      g_ptr_array_set_size (cells, 0);
      return;
    }
  record = g_new0 (CrmctlCsvRecord, 1);
  record->line = line;
  record->n_cells = cells->len;
  g_ptr_array_add (cells, NULL);
  record->cells = (GStrv) g_ptr_array_steal (cells, NULL);
  g_ptr_array_add (records, record);
}

GPtrArray *
crmctl_csv_parse (const char *text, GError **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) crmctl_csv_record_free);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) cell = g_string_new (NULL);
  const char *p = text;
  guint line = 1, record_line = 1, quote_line = 0;
  gboolean quoted = FALSE, at_cell_start = TRUE;

  for (;;)
    {
      char c = *p;

      if (quoted)
        {
          if (c == '\0')
            {
              g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_FAILED,
                           _("Line %u: a quoted cell is never closed."), quote_line);
              return NULL;
            }
          if (c == '"')
            {
              if (p[1] == '"')
                {
                  g_string_append_c (cell, '"');
                  p += 2;
                  continue;
                }
              quoted = FALSE;
              p++;
              continue;
            }
          if (c == '\n')
            line++;
          g_string_append_c (cell, c);
          p++;
          continue;
        }

      if (c == '"' && at_cell_start)
        {
          quoted = TRUE;
          quote_line = line;
          at_cell_start = FALSE;
          p++;
          continue;
        }
      if (c == ',')
        {
          g_ptr_array_add (cells, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          at_cell_start = TRUE;
          p++;
          continue;
        }
      if (c == '\r' && p[1] == '\n')
        {
          p++;
          continue;
        }
      if (c == '\n' || c == '\0')
        {
          g_ptr_array_add (cells, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          finish_record (records, cells, record_line);
          at_cell_start = TRUE;
          if (c == '\0')
            break;
          p++;
          line++;
          record_line = line;
          continue;
        }
      /* Lenient like spreadsheets: a quote inside an unquoted cell, or
       * text after a closing quote, is kept as it is. */
      g_string_append_c (cell, c);
      at_cell_start = FALSE;
      p++;
    }
  return g_steal_pointer (&records);
}

void
crmctl_csv_append_cell (GString *out, const char *cell)
{
  gsize len = strlen (cell);
  gboolean quote = strpbrk (cell, ",\"\r\n") != NULL ||
                   (len > 0 && (cell[0] == ' ' || cell[len - 1] == ' '));

  if (!quote)
    {
      g_string_append (out, cell);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = cell; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}
