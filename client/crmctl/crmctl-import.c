/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "crm-error.h"
#include "crm-money.h"
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

/* ---- custom fields (issue 4: "they appear in … import and export") ----
 *
 * The administrator's custom fields of customers become extra CSV columns,
 * headed by their label; their values travel as "cf.<key>" like the form
 * sends them.  Retired fields are neither exported nor imported. */
typedef struct {
  char *record_key; /* "cf.level" */
  char *key;
  char *label;
  char *type;
} CustomColumn;

static void
custom_column_free (CustomColumn *c)
{
  g_free (c->record_key);
  g_free (c->key);
  g_free (c->label);
  g_free (c->type);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CustomColumn, custom_column_free)

static gboolean
ensure_connected (CrmctlContext *ctx, GError **error)
{
  return ctx->connection != NULL || crmctl_connect_resumed (ctx, error);
}

/* The active custom fields of customers, in the administrator's order. */
static GPtrArray *
fetch_custom_columns (CrmctlContext *ctx, GError **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) custom_column_free);
  g_autoptr(GVariant) reply = NULL;
  GVariantIter iter;
  GVariant *def;

  if (!ensure_connected (ctx, error))
    return NULL;
  reply = crm_connection_call_sync (ctx->connection, CRM_MSG_CUSTOM_FIELD_LIST,
                                    g_variant_new ("(s)", "customer"), NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_iter_init (&iter, reply);
  while ((def = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = def;
      g_autoptr(CustomColumn) c = g_new0 (CustomColumn, 1);
      gboolean retired = FALSE;

      g_variant_lookup (def, "retired", "b", &retired);
      if (retired || !g_variant_lookup (def, "key", "s", &c->key) ||
          !g_variant_lookup (def, "label", "s", &c->label) ||
          !g_variant_lookup (def, "type", "s", &c->type))
        continue;
      c->record_key = g_strconcat ("cf.", c->key, NULL);
      g_ptr_array_add (columns, g_steal_pointer (&c));
    }
  return g_steal_pointer (&columns);
}

static gboolean
same_header (const char *a, const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1);
  g_autofree char *fb = g_utf8_casefold (b, -1);

  return strcmp (fa, fb) == 0;
}

static const CustomColumn *
custom_column_by_header (GPtrArray *customs, const char *header)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (header));

  for (guint i = 0; customs != NULL && i < customs->len; i++)
    {
      const CustomColumn *c = customs->pdata[i];

      if (same_header (trimmed, c->label) || same_header (trimmed, c->key) ||
          same_header (trimmed, c->record_key))
        return c;
    }
  return NULL;
}

/* A cell as the server reads it: a multi-choice cell lists its choices
 * separated like phone lists; every other type is sent as typed and
 * checked by the server (row and field named in its error). */
static void
custom_column_add_text (const CustomColumn *c, GVariantBuilder *builder, const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (strcmp (c->type, "multi_choice") == 0)
    {
      g_autoptr(GStrvBuilder) items = g_strv_builder_new ();
      g_auto(GStrv) pieces = NULL;
      g_auto(GStrv) list = NULL;
      GString *normal = g_string_new (trimmed);

      g_string_replace (normal, "、", ",", 0);
      g_string_replace (normal, "；", ",", 0);
      g_string_replace (normal, "，", ",", 0);
      g_string_replace (normal, ";", ",", 0);
      pieces = g_strsplit (normal->str, ",", -1);
      g_string_free (normal, TRUE);
      for (guint i = 0; pieces[i] != NULL; i++)
        if (*g_strstrip (pieces[i]) != '\0')
          g_strv_builder_add (items, pieces[i]);
      list = g_strv_builder_end (items);
      g_variant_builder_add (builder, "{sv}", c->record_key, g_variant_new_strv ((const char * const *) list, -1));
    }
  else
    g_variant_builder_add (builder, "{sv}", c->record_key, g_variant_new_string (trimmed));
}

/* A stored value as a CSV cell that imports back to the same value. */
static char *
custom_column_dup_text (const CustomColumn *c, GVariant *record)
{
  g_autoptr(GVariant) v = g_variant_lookup_value (record, c->record_key, NULL);

  if (v == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64) && strcmp (c->type, "money") == 0)
    return crm_money_format_plain (g_variant_get_int64 (v));
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, g_variant_get_double (v)));
    }
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (v, NULL);

      return g_strjoinv ("、", (char **) items);
    }
  return crmctl_value_to_text (v);
}

/* Maps CSV columns to fields; NULL entries are ignored columns. */
static gboolean
map_header (CrmctlCsvRecord *header, GPtrArray *columns, guint *n_unknown, GError **error)
{
  gboolean has_name = FALSE;
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < header->n_cells; i++)
    {
      const CrmctlField *f = crmctl_field_by_header (header->cells[i]);

      if (f == NULL)
        {
          /* Perhaps a custom field: resolved once the definitions are read. */
          if (*g_strstrip (header->cells[i]) != '\0')
            (*n_unknown)++;
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
  g_autoptr(GPtrArray) customs = g_ptr_array_new ();
  g_autoptr(GPtrArray) definitions = NULL;
  ImportState state = { 0 };
  guint n_bad = 0, n_unknown = 0;
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
  if (!map_header (records->pdata[0], columns, &n_unknown, &error))
    return crmctl_report_error (ctx, error);
  /* Columns that are no built-in field may be custom fields: only then is
   * the server asked, so a file's own mistakes are found without one. */
  g_ptr_array_set_size (customs, columns->len);
  if (n_unknown > 0)
    {
      CrmctlCsvRecord *header = records->pdata[0];

      definitions = fetch_custom_columns (ctx, &error);
      if (definitions == NULL)
        return crmctl_report_error (ctx, error);
      for (guint c = 0; c < columns->len; c++)
        if (columns->pdata[c] == NULL && *header->cells[c] != '\0')
          {
            customs->pdata[c] = (gpointer) custom_column_by_header (definitions, header->cells[c]);
            if (customs->pdata[c] == NULL)
              fprintf (stderr, _("Column “%s” is not a customer field; it is ignored.\n"),
                       header->cells[c]);
          }
    }

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
            {
              const CustomColumn *custom = customs->pdata[c];

              if (custom != NULL && *cell != '\0')
                custom_column_add_text (custom, &builder, cell);
              continue;
            }
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

  if (!ensure_connected (ctx, &error))
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
  g_autoptr(GPtrArray) customs = NULL;
  const CrmctlField *fields;
  gsize n_fields;
  gint64 after = 0;

  customs = fetch_custom_columns (ctx, error);
  if (customs == NULL)
    return FALSE;
  fields = crmctl_fields_all (&n_fields);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (buffer, ',');
      crmctl_csv_append_cell (buffer, fields[i].header_zh);
    }
  for (guint i = 0; i < customs->len; i++)
    {
      g_string_append_c (buffer, ',');
      crmctl_csv_append_cell (buffer, ((CustomColumn *) customs->pdata[i])->label);
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
          for (guint i = 0; i < customs->len; i++)
            {
              g_autofree char *cell = custom_column_dup_text (customs->pdata[i], row);

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
