/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "crm-error.h"
#include "crm-messages.h"
#include "crmctl-csv.h"
#include "crmctl-fields.h"
#include "crmctl-output.h"
#include "crmctl.h"

/*
 * CSV import, all or nothing for the whole file.
 *
 * The server makes each customer.import request all or nothing, but a file
 * is sent as many requests of up to 10,000 rows (and at most ~6 MiB, below
 * the 8 MiB frame cap), a few in flight at once: the next batch is encoded
 * and on its way while the server stores the previous one.  Each batch has
 * its own idempotency key: when the connection is lost or the database is
 * unavailable, crmctl connects again and sends every unconfirmed batch once
 * more under its key, so a batch the server had already stored is answered
 * from its record and never stored twice.  Because of the batches, a
 * row error in the last batch would otherwise leave the earlier batches
 * imported.  A dry pass therefore checks every row first, with the very
 * validators the server runs (shared/crm-validate.c), and prints every bad
 * row with its line number; only a clean file is sent.  What the dry pass
 * cannot know (a rule only the server holds) can still fail a batch on the
 * server: then no further batch is sent and crmctl says how many rows were
 * imported before it, so the user can act on it.
 */

#define IMPORT_BATCH_ROWS 10000
#define IMPORT_BATCH_ROWS_FIRST 2000
#define IMPORT_BATCH_BYTES (6u * 1024u * 1024u)
#define IMPORT_IN_FLIGHT 3
#define IMPORT_ATTEMPTS 5
#define EXPORT_PAGE_ROWS 5000
#define MAX_ERRORS_SHOWN 50

typedef struct {
  CrmctlContext *ctx;
  GPtrArray     *rows;      /* GVariant a{sv} */
  GArray        *lines;     /* guint line of each row */
  guint          next_batch_row;
  guint          in_flight;
  gint64         inserted;
  guint          n_errors;
  GError        *error;     /* first request failure */
  gboolean       stop;
  GQueue         resend;    /* Batch: unconfirmed when the connection failed */
  gboolean       reconnect; /* send nothing until connected again */
  guint          n_reconnects;
  guint          n_batches;
} ImportState;

typedef struct {
  ImportState *state;
  guint        first_row;  /* index into rows */
  guint        n_rows;
  char        *key;        /* idempotency key, the same on every attempt */
  guint        attempts;
} Batch;

static void
batch_free (Batch *batch)
{
  g_free (batch->key);
  g_free (batch);
}

static void send_next_batch (ImportState *state);

static void
print_row_error (guint line, const char *field, const char *message)
{
  const CrmctlField *f = field != NULL ? crmctl_field_by_key (field) : NULL;

  if (f != NULL)
    /* TRANSLATORS: "Line 12, 电话: the phone number is invalid" */
    fprintf (stderr, _("Line %u, %s: %s\n"), line, f->header_zh, message);
  else if (field != NULL && *field != '\0')
    fprintf (stderr, _("Line %u, %s: %s\n"), line, field, message);
  else
    fprintf (stderr, _("Line %u: %s\n"), line, message);
}

static void
batch_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Batch *batch = user_data;
  ImportState *state = batch->state;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) row_errors = NULL;
  gint64 inserted;

  state->in_flight--;
  reply = crm_connection_call_finish (CRM_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* Lost connection or database: the batch may or may not be stored;
       * send it again later under the same key. */
      if ((g_error_matches (error, CRM_ERROR, CRM_ERROR_CLOSED) ||
           g_error_matches (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE)) &&
          batch->attempts < IMPORT_ATTEMPTS && !state->stop)
        {
          state->reconnect = TRUE;
          g_queue_push_tail (&state->resend, batch);
          return;
        }
      if (state->error == NULL)
        state->error = g_steal_pointer (&error);
      state->stop = TRUE;
      batch_free (batch);
      return;
    }
  g_variant_get (reply, "(x@a(uss))", &inserted, &row_errors);
  if (g_variant_n_children (row_errors) > 0)
    {
      GVariantIter iter;
      const char *field, *message;
      guint32 index;

      g_variant_iter_init (&iter, row_errors);
      while (g_variant_iter_next (&iter, "(u&s&s)", &index, &field, &message))
        {
          guint line = index < batch->n_rows
                       ? g_array_index (state->lines, guint, batch->first_row + index) : 0;

          if (state->n_errors++ < MAX_ERRORS_SHOWN)
            print_row_error (line, field, message);
        }
      state->stop = TRUE;
    }
  else
    state->inserted += inserted;
  batch_free (batch);
  send_next_batch (state);
}

static void
send_batch (ImportState *state, Batch *batch)
{
  GVariant *rows = g_variant_new_array (G_VARIANT_TYPE_VARDICT,
                                        (GVariant **) state->rows->pdata + batch->first_row,
                                        batch->n_rows);

  batch->attempts++;
  state->in_flight++;
  crm_connection_call_async (state->ctx->connection, CRM_MSG_CUSTOMER_IMPORT,
                             g_variant_new ("(s@aa{sv})", batch->key, rows),
                             NULL, batch_done, batch);
}

static void
send_next_batch (ImportState *state)
{
  while (!state->stop && !state->reconnect && state->in_flight < IMPORT_IN_FLIGHT &&
         state->next_batch_row < state->rows->len)
    {
      Batch *batch = g_new0 (Batch, 1);

      batch->state = state;
      batch->key = crm_new_idempotency_key ();
      batch->first_row = state->next_batch_row;
      {
        gsize bytes = 0;
        /* The first batches are smaller (2,000, 4,000, 8,000 rows): the
         * server starts storing sooner instead of checking 10,000 rows
         * while the database waits. */
        guint size = IMPORT_BATCH_ROWS_FIRST << MIN (state->n_batches, 8u);
        guint limit = MIN (MIN (size, IMPORT_BATCH_ROWS), state->rows->len - batch->first_row);

        state->n_batches++;

        while (batch->n_rows < limit)
          {
            /* Serialised size of the row plus its offset in the array. */
            bytes += g_variant_get_size (state->rows->pdata[batch->first_row + batch->n_rows]) + 8;
            if (bytes > IMPORT_BATCH_BYTES && batch->n_rows > 0)
              break;
            batch->n_rows++;
          }
      }
      state->next_batch_row += batch->n_rows;
      send_batch (state, batch);
    }
}

/* After a lost connection: connect again (waiting a little longer each
 * time) and send the unconfirmed batches under their keys. */
static gboolean
resend_unconfirmed (ImportState *state, GError **error)
{
  CrmctlContext *ctx = state->ctx;
  g_autoptr(GError) local_error = NULL;

  for (;;)
    {
      state->n_reconnects++;
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE,
                                    "crmctl: the connection was lost; sending %u unconfirmed batch "
                                    "again.\n",
                                    "crmctl: the connection was lost; sending %u unconfirmed batches "
                                    "again.\n", state->resend.length),
               state->resend.length);
      g_usleep (G_USEC_PER_SEC / 4 * (1u << MIN (state->n_reconnects, 4u)));
      if (ctx->connection != NULL)
        crm_connection_close (ctx->connection);
      g_clear_object (&ctx->connection);
      g_clear_error (&local_error);
      if (crmctl_connect_resumed (ctx, &local_error))
        break;
      if (state->n_reconnects >= IMPORT_ATTEMPTS * 2)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  state->reconnect = FALSE;
  while (!g_queue_is_empty (&state->resend))
    send_batch (state, g_queue_pop_head (&state->resend));
  return TRUE;
}

/* Maps CSV columns to fields; NULL entries are ignored columns. */
static gboolean
map_header (CrmctlCsvRecord *header, GPtrArray *columns, GError **error)
{
  gboolean has_name = FALSE;
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < header->n_cells; i++)
    {
      const CrmctlField *f = crmctl_field_by_header (header->cells[i]);

      if (f == NULL)
        {
          if (*g_strstrip (header->cells[i]) != '\0')
            fprintf (stderr, _("Column “%s” is not a customer field; it is ignored.\n"),
                     header->cells[i]);
        }
      else if (g_hash_table_contains (used, f->key))
        {
          g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                       _("Line %u: the column “%s” appears twice."), header->line, header->cells[i]);
          return FALSE;
        }
      else
        {
          g_hash_table_add (used, (gpointer) f->key);
          has_name |= strcmp (f->key, "name") == 0;
        }
      g_ptr_array_add (columns, (gpointer) f);
    }
  if (!has_name)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                   _("Line %u: the header row has no “客户名称” (name) column."), header->line);
      return FALSE;
    }
  return TRUE;
}

int
crmctl_customer_import (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) columns = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  ImportState state = { 0 };
  guint n_bad = 0;
  gsize length;

  if (argc != 2)
    return crmctl_usage_error ("%s", _("customer import needs one CSV file."));
  if (!g_file_get_contents (argv[1], &data, &length, &error))
    return crmctl_report_error (ctx, error);
  text = crmctl_csv_decode (data, length, &error);
  if (text == NULL)
    return crmctl_report_error (ctx, error);
  g_clear_pointer (&data, g_free);
  records = crmctl_csv_parse (text, &error);
  if (records == NULL)
    return crmctl_report_error (ctx, error);
  g_clear_pointer (&text, g_free);
  if (records->len == 0)
    {
      g_set_error_literal (&error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                           _("The file is empty: it needs a header row and customers."));
      return crmctl_report_error (ctx, error);
    }
  if (!map_header (records->pdata[0], columns, &error))
    return crmctl_report_error (ctx, error);

  /* The dry pass: every row checked before anything is sent. */
  for (guint r = 1; r < records->len; r++)
    {
      CrmctlCsvRecord *record = records->pdata[r];
      g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
      gboolean row_ok = TRUE;

      if (record->n_cells > columns->len)
        {
          if (n_bad++ < MAX_ERRORS_SHOWN)
            fprintf (stderr, _("Line %u: %u cells, but the header has %u columns.\n"),
                     record->line, record->n_cells, columns->len);
          continue;
        }
      for (guint c = 0; c < columns->len; c++)
        {
          const CrmctlField *f = columns->pdata[c];
          /* Spreadsheets drop empty cells at the end of a row. */
          const char *cell = c < record->n_cells ? record->cells[c] : "";
          g_autoptr(GError) field_error = NULL;

          if (f == NULL)
            continue;
          if (!crmctl_field_validate (f, cell, &field_error))
            {
              if (n_bad++ < MAX_ERRORS_SHOWN)
                print_row_error (record->line, f->key, field_error->message);
              row_ok = FALSE;
              continue;
            }
          if (f->is_list || *cell != '\0')
            crmctl_field_add_text (f, &builder, cell);
        }
      if (row_ok)
        {
          GVariant *row = g_variant_ref_sink (g_variant_builder_end (&builder));

          /* Serialised now, the row drops its tree of child values: about
           * 300 bytes a row instead of several kB (100,000 rows: 600 MB
           * before), and batches are assembled from bytes. */
          (void) g_variant_get_data (row);
          g_ptr_array_add (rows, row);
          g_array_append_val (lines, record->line);
        }
    }
  if (n_bad > 0)
    {
      if (n_bad > MAX_ERRORS_SHOWN)
        fprintf (stderr, _("… and %u more errors.\n"), n_bad - MAX_ERRORS_SHOWN);
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE,
                                    "crmctl: %u error in the file; nothing was imported.\n",
                                    "crmctl: %u errors in the file; nothing was imported.\n", n_bad),
               n_bad);
      return CRMCTL_EXIT_INVALID;
    }
  if (rows->len == 0)
    {
      g_set_error_literal (&error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                           _("The file has a header row but no customers."));
      return crmctl_report_error (ctx, error);
    }
  g_clear_pointer (&records, g_ptr_array_unref);

  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);

  state.ctx = ctx;
  state.rows = rows;
  state.lines = lines;
  g_queue_init (&state.resend);
  send_next_batch (&state);
  for (;;)
    {
      while (state.in_flight > 0)
        g_main_context_iteration (NULL, TRUE);
      if (g_queue_is_empty (&state.resend) || state.stop)
        break;
      if (!resend_unconfirmed (&state, &state.error))
        break;
      send_next_batch (&state);
    }
  g_queue_clear_full (&state.resend, (GDestroyNotify) batch_free);

  if (state.error != NULL || state.n_errors > 0)
    {
      int status = CRMCTL_EXIT_INVALID;

      if (state.error != NULL)
        status = crmctl_report_error (ctx, state.error);
      if (state.inserted > 0)
        fprintf (stderr, _("crmctl: the server refused a batch; %lld of %u customers had already "
                           "been imported.\n"), (long long) state.inserted, rows->len);
      else
        fprintf (stderr, "%s\n", _("crmctl: the server refused the file; nothing was imported."));
      g_clear_error (&state.error);
      return status;
    }

  if (ctx->json)
    crmctl_print_json (g_variant_new_parsed ("{'imported': <%x>}", state.inserted), stdout);
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "Imported %lld customer.\n",
                         "Imported %lld customers.\n", (gulong) state.inserted),
            (long long) state.inserted);
  return CRMCTL_EXIT_OK;
}

static gboolean
write_all (FILE *out, GString *buffer, GError **error)
{
  if (buffer->len > 0 && fwrite (buffer->str, 1, buffer->len, out) != buffer->len)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot write the file: %s"), g_strerror (saved));
      return FALSE;
    }
  g_string_truncate (buffer, 0);
  return TRUE;
}

static gboolean
export_to (CrmctlContext *ctx, FILE *out, gint64 *n_rows, GError **error)
{
  g_autoptr(GString) buffer = g_string_new ("\xEF\xBB\xBF"); /* BOM: Excel then reads UTF-8 */
  const CrmctlField *fields;
  gsize n_fields;
  gint64 after = 0;

  fields = crmctl_fields_all (&n_fields);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (buffer, ',');
      crmctl_csv_append_cell (buffer, fields[i].header_zh);
    }
  g_string_append (buffer, "\r\n");

  *n_rows = 0;
  do
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) page = NULL;
      GVariantIter iter;
      GVariant *row;

      reply = crm_connection_call_sync (ctx->connection, CRM_MSG_CUSTOMER_EXPORT,
                                        g_variant_new ("(@a{sv}xi)",
                                                       g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                       after, (gint32) EXPORT_PAGE_ROWS),
                                        NULL, error);
      if (reply == NULL)
        return FALSE;
      g_variant_get (reply, "(@aa{sv}x)", &page, &after);
      g_variant_iter_init (&iter, page);
      while ((row = g_variant_iter_next_value (&iter)) != NULL)
        {
          for (gsize i = 0; i < n_fields; i++)
            {
              g_autofree char *cell = crmctl_record_dup_text (row, fields[i].key);

              if (i > 0)
                g_string_append_c (buffer, ',');
              crmctl_csv_append_cell (buffer, cell);
            }
          g_string_append (buffer, "\r\n");
          (*n_rows)++;
          g_variant_unref (row);
        }
      if (!write_all (out, buffer, error))
        return FALSE;
    }
  while (after != 0);
  if (fflush (out) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot write the file: %s"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

int
crmctl_customer_export (CrmctlContext *ctx, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *partial = NULL;
  FILE *out = stdout;
  gint64 n_rows = 0;
  gboolean ok;

  if (argc > 2)
    return crmctl_usage_error (_("Unexpected argument “%s”."), argv[2]);
  if (!crmctl_connect_resumed (ctx, &error))
    return crmctl_report_error (ctx, error);

  /* A file is written beside its final name and renamed when complete, so
   * a failure never leaves half an export under the name asked for. */
  if (argc == 2 && strcmp (argv[1], "-") != 0)
    {
      partial = g_strconcat (argv[1], ".partial", NULL);
      out = g_fopen (partial, "wb");
      if (out == NULL)
        {
          int saved = errno;

          g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Cannot create “%s”: %s"), partial, g_strerror (saved));
          return crmctl_report_error (ctx, error);
        }
    }

  ok = export_to (ctx, out, &n_rows, &error);
  if (partial != NULL)
    {
      if (fclose (out) != 0 && ok)
        {
          int saved = errno;

          g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Cannot write the file: %s"), g_strerror (saved));
          ok = FALSE;
        }
      if (ok && g_rename (partial, argv[1]) != 0)
        {
          int saved = errno;

          g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Cannot rename “%s” to “%s”: %s"), partial, argv[1], g_strerror (saved));
          ok = FALSE;
        }
      if (!ok)
        g_unlink (partial);
    }
  if (!ok)
    return crmctl_report_error (ctx, error);
  if (partial != NULL && !ctx->json)
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "Exported %lld customer to %s.\n",
                                  "Exported %lld customers to %s.\n", (gulong) n_rows),
             (long long) n_rows, argv[1]);
  return CRMCTL_EXIT_OK;
}
