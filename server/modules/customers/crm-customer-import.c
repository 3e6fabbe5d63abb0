/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-fields.h"
#include "settings/crm-settings.h"

/*
 * customer.import: one batch of up to 20,000 rows, all or nothing.
 *
 * 1. Every row is checked in C, with the same parsers and rules as
 *    customer.create (field types and formats, custom fields, entry rules,
 *    owner within the importer's scope) plus duplicate names inside the
 *    batch when the entry rule forbids duplicates.  Any bad row: nothing is
 *    written and the reply lists (row, field, message) for every bad row
 *    (at most MAX_ROW_ERRORS of them).
 * 2. Otherwise the rows, with their codes (numbering rule, gap-free) and
 *    derived search columns, go by COPY FROM STDIN into a temporary staging
 *    table of this transaction, and one INSERT … SELECT moves them into
 *    customers in row order.  Statement triggers (migration 0090) fill the
 *    owner history and phone tails from the inserted rows.
 * 3. One audit row for the batch ("import", entity id 0) records the count,
 *    the first and last code and the ids as ranges; one change push.
 *
 * All of it runs in the request's transaction, under the request's
 * idempotency key: a batch sent again with the same key gets the stored
 * reply and inserts nothing.
 */

#define MAX_IMPORT_ROWS 20000
#define MAX_ROW_ERRORS 1000

/* Staging columns, in COPY order. */
#define STAGE_COLUMNS \
  "row_no, name, short_name, category, industry, source, region, value, phones," \
  " address, postal_code, notes, owner_id, name_pinyin, name_initials, phone_digits," \
  " search_bigrams, custom"

/* Appends `text` escaped for COPY's text format. */
static void
copy_append (GString *buf, const char *text)
{
  for (const char *p = text ? text : ""; *p != '\0'; p++)
    switch (*p)
      {
      case '\\': g_string_append (buf, "\\\\"); break;
      case '\t': g_string_append (buf, "\\t"); break;
      case '\n': g_string_append (buf, "\\n"); break;
      case '\r': g_string_append (buf, "\\r"); break;
      default: g_string_append_c (buf, *p); break;
      }
}

typedef struct {
  GVariantBuilder errors;
  guint           n_errors;
} RowErrors;

static void
row_error_add (RowErrors *e, gsize row, const char *field, const char *message)
{
  if (e->n_errors++ < MAX_ROW_ERRORS)
    g_variant_builder_add (&e->errors, "(uss)", (guint32) row, field ? field : "", message);
}

/* An error that names a row's data (kept in the reply) rather than a
 * failure of the request (which aborts it). */
static gboolean
is_row_error (const GError *error)
{
  return g_error_matches (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD) ||
         g_error_matches (error, CRM_ERROR, CRM_ERROR_DUPLICATE);
}

/* The owners (other than the importer) that rows name and that may own
 * customers in the importer's scope: one query per batch. */
static GHashTable *
allowed_owners (CrmDb *db, const char *scope, GHashTable *wanted, GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *literal = NULL;
  g_autoptr(PGresult) res = NULL;
  GHashTable *allowed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (wanted) == 0)
    return allowed;
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, crm_db_int64_to_string (*(gint64 *) key));
  literal = crm_db_text_array ((const char * const *) ids->pdata, ids->len);
  {
    const char *params[] = { literal, scope };
    res = crm_db_exec (db, "customer_import_owners",
                       "SELECT id FROM users WHERE id = ANY ($1::bigint[]) AND NOT disabled"
                       " AND ($2::bigint[] IS NULL OR id = ANY ($2::bigint[]))",
                       2, params, error);
  }
  if (res == NULL)
    {
      g_hash_table_unref (allowed);
      return NULL;
    }
  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = crm_db_get_int64 (res, i, 0);
      g_hash_table_add (allowed, id);
    }
  return allowed;
}

/* TRUE when the entry rule of customers forbids duplicate names. */
static gboolean
names_must_be_unique (CrmDb *db, gboolean *unique, GError **error)
{
  const char *params[] = { "customer" };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "customer_import_duplicate_rule",
                 "SELECT duplicate_name = 'forbid' FROM entry_rules WHERE entity = $1",
                 1, params, error);

  if (res == NULL)
    return FALSE;
  *unique = PQntuples (res) == 1 && crm_db_get_bool (res, 0, 0);
  return TRUE;
}

/* Sends `buf` as the whole input of the COPY started by `sql`. */
static gboolean
copy_in (CrmDb *db, const char *sql, GString *buf, GError **error)
{
  PGconn *conn = crm_db_get_conn (db);
  g_autoptr(PGresult) start = crm_db_exec_once (db, sql, 0, NULL, error);
  PGresult *res;
  gboolean ok;
  const gsize chunk = 1 << 20;

  if (start == NULL)
    return FALSE;
  for (gsize off = 0; off < buf->len; off += chunk)
    if (PQputCopyData (conn, buf->str + off, (int) MIN (chunk, buf->len - off)) != 1)
      {
        g_set_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE, "%s", PQerrorMessage (conn));
        return FALSE;
      }
  if (PQputCopyEnd (conn, NULL) != 1)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE, "%s", PQerrorMessage (conn));
      return FALSE;
    }
  res = PQgetResult (conn);
  ok = res != NULL && PQresultStatus (res) == PGRES_COMMAND_OK;
  if (!ok)
    g_propagate_error (error, crm_db_error_from_result (conn, res));
  g_clear_pointer (&res, PQclear);
  while ((res = PQgetResult (conn)) != NULL)
    PQclear (res);
  return ok;
}

/* "12–15, 20–20" → "12–15, 20": the ids of the batch (sorted) as ranges. */
static char *
id_ranges (const PGresult *res)
{
  GString *s = g_string_new (NULL);
  int n = PQntuples (res);
  g_autofree gint64 *ids = g_new (gint64, MAX (n, 1));

  for (int i = 0; i < n; i++)
    ids[i] = crm_db_get_int64 (res, i, 0);
  for (int i = 0; i < n;)
    {
      int j = i;

      while (j + 1 < n && ids[j + 1] == ids[j] + 1)
        j++;
      if (s->len > 0)
        g_string_append (s, ", ");
      if (j > i)
        g_string_append_printf (s, "%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, ids[i], ids[j]);
      else
        g_string_append_printf (s, "%" G_GINT64_FORMAT, ids[i]);
      i = j + 1;
    }
  return g_string_free (s, FALSE);
}

GVariant *
crm_customer_import (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  g_autoptr(GVariant) rows = NULL;
  gsize n;
  RowErrors errors = { 0 };
  g_autofree char *scope = NULL;
  g_auto(GStrv) codes = NULL;
  g_autoptr(CrmSettingsRules) rules = crm_settings_rules_new ("customer");
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GHashTable) wanted_owners =
    g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) owners_ok = NULL;
  g_autofree gint64 *owner_of = NULL;
  g_autoptr(GString) stage = NULL;
  g_autoptr(PGresult) res = NULL;
  gboolean unique_names = FALSE;
  gboolean ok = FALSE;
  gint64 user = ctx->session->user_id;
  /* Where the time goes, for the debug log: start, checked, staged, inserted. */
  gint64 t[4] = { g_get_monotonic_time (), 0, 0, 0 };

  g_variant_get (request, "(&s@aa{sv})", &key, &rows);
  n = g_variant_n_children (rows);
  if (n == 0 || n > MAX_IMPORT_ROWS)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "rows",
                         _("Import between 1 and %d rows at a time"), MAX_IMPORT_ROWS));
      return NULL;
    }
  if (!crm_db_scope_owners (db, user, "customer.import", &scope, error) ||
      !names_must_be_unique (db, &unique_names, error))
    return NULL;
  if (unique_names)
    names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Rules and custom field definitions: read once per batch, not per row. */
  {
    static const char * const per_request[] = {
      "settings_entry_rule", "settings_custom_defs", NULL
    };
    crm_db_memo_begin (db, per_request);
  }
  g_variant_builder_init (&errors.errors, G_VARIANT_TYPE ("a(uss)"));
  owner_of = g_new0 (gint64, n);  /* 0: the row failed its checks */
  /* ~400 bytes a row in COPY text. */
  stage = g_string_sized_new (n * 400);

  /* ---- 1. check every row; stage the good ones (in case all are good) ---- */
  for (gsize r = 0; r < n; r++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, r);
      g_autoptr(GError) row_error = NULL;
      g_autofree char *custom = NULL;
      g_autofree char *phones = NULL;
      CrmCustomerFields f;
      CrmCustomerDerived der = { 0 };

      if (!crm_customer_fields_parse (row, TRUE, &f, &row_error))
        {
          row_error_add (&errors, r, crm_error_get_field (row_error), row_error->message);
          continue;
        }
      if (!crm_settings_rules_custom_parse (rules, db, row, TRUE, &custom, &row_error) ||
          !crm_settings_rules_entry_check (rules, db, row, 0, FALSE, &row_error))
        {
          crm_customer_fields_clear (&f);
          if (!is_row_error (row_error))
            {
              g_propagate_error (error, g_steal_pointer (&row_error));
              goto out;
            }
          row_error_add (&errors, r, crm_error_get_field (row_error), row_error->message);
          continue;
        }
      if (names != NULL)
        {
          g_autofree char *trimmed = g_strstrip (g_strdup (f.text[CF_NAME]));

          if (g_hash_table_contains (names, trimmed))
            {
              crm_customer_fields_clear (&f);
              row_error_add (&errors, r, "name",
                             _("Another row of this import has the same name"));
              continue;
            }
          g_hash_table_add (names, g_steal_pointer (&trimmed));
        }
      owner_of[r] = (f.present & CF_PRESENT_OWNER) ? f.owner_id : user;
      if (owner_of[r] != user && !g_hash_table_contains (wanted_owners, &owner_of[r]))
        g_hash_table_add (wanted_owners, g_memdup2 (&owner_of[r], sizeof (gint64)));
      if (owner_of[r] == 0)
        owner_of[r] = -1;  /* no such user: refused below */
      if (errors.n_errors > 0)
        {
          /* Nothing will be written: only the checks matter now. */
          crm_customer_fields_clear (&f);
          continue;
        }

      /* Staged without the code (reserved once the batch is known good,
       * so that a refused batch uses no number). */
      crm_customer_derive (&f, &der);
      phones = crm_db_text_array ((const char * const *) f.phones, -1);
      g_string_append_printf (stage, "%" G_GSIZE_FORMAT, r);
      for (guint i = 0; i < CF_N_TEXT; i++)
        {
          g_string_append_c (stage, '\t');
          copy_append (stage, f.text[i]);
          if (i == CF_VALUE)
            {
              g_string_append_c (stage, '\t');
              copy_append (stage, phones);
            }
        }
      g_string_append_printf (stage, "\t%" G_GINT64_FORMAT "\t", owner_of[r]);
      copy_append (stage, der.pinyin);
      g_string_append_c (stage, '\t');
      copy_append (stage, der.initials);
      g_string_append_c (stage, '\t');
      copy_append (stage, der.phone_digits);
      g_string_append_c (stage, '\t');
      copy_append (stage, der.bigrams);
      g_string_append_c (stage, '\t');
      copy_append (stage, custom != NULL ? custom : "{}");
      g_string_append_c (stage, '\n');
      crm_customer_fields_clear (&f);
      crm_customer_derived_clear (&der);
    }

  /* Owners other than the importer: active and within the import scope. */
  owners_ok = allowed_owners (db, scope, wanted_owners, error);
  if (owners_ok == NULL)
    goto out;
  if (g_hash_table_size (wanted_owners) > g_hash_table_size (owners_ok))
    for (gsize r = 0; r < n; r++)
      {
        gint64 owner = owner_of[r] < 0 ? 0 : owner_of[r];

        /* Rows that failed their checks (0) already carry their error. */
        if (owner_of[r] == 0 || owner == user)
          continue;
        if (!g_hash_table_contains (owners_ok, &owner))
          row_error_add (&errors, r, "owner_id",
                         _("This user cannot be the owner of the customer"));
      }
  if (errors.n_errors > 0)
    {
      ok = TRUE;
      goto out;
    }

  /* ---- 2. codes, COPY into the staging table, one INSERT … SELECT ---- */
  t[1] = g_get_monotonic_time ();
  codes = crm_settings_reserve_numbers (db, "customer", n, error);
  if (codes == NULL)
    goto out;
  if (!crm_db_command (db,
                       "CREATE TEMP TABLE crm_import_stage ("
                       " row_no integer NOT NULL, name text NOT NULL,"
                       " short_name text NOT NULL, category text NOT NULL, industry text NOT NULL,"
                       " source text NOT NULL, region text NOT NULL, value text NOT NULL,"
                       " phones text[] NOT NULL, address text NOT NULL, postal_code text NOT NULL,"
                       " notes text NOT NULL, owner_id bigint NOT NULL, name_pinyin text NOT NULL,"
                       " name_initials text NOT NULL, phone_digits text NOT NULL,"
                       " search_bigrams text[] NOT NULL, custom jsonb NOT NULL"
                       ") ON COMMIT DROP", error) ||
      !copy_in (db, "COPY crm_import_stage (" STAGE_COLUMNS ") FROM STDIN", stage, error))
    goto out;
  t[2] = g_get_monotonic_time ();
  {
    g_autofree char *creator = crm_db_int64_to_string (user);
    g_autofree char *code_array = crm_db_text_array ((const char * const *) codes, n);
    const char *params[] = { creator, code_array };

    res = crm_db_exec_once (db,
                            "INSERT INTO customers AS c (code, name, short_name, category,"
                            " industry, source, region, value, phones, address, postal_code,"
                            " notes, owner_id, created_by, name_pinyin, name_initials,"
                            " phone_digits, search_bigrams, custom)"
                            " SELECT ($2::text[])[s.row_no + 1], s.name, s.short_name, s.category, s.industry,"
                            "  s.source, s.region, s.value, s.phones, s.address, s.postal_code,"
                            "  s.notes, s.owner_id, $1, s.name_pinyin, s.name_initials,"
                            "  s.phone_digits, s.search_bigrams, jsonb_strip_nulls (s.custom)"
                            " FROM crm_import_stage s ORDER BY s.row_no"
                            " RETURNING c.id",
                            2, params, error);
  }
  if (res == NULL)
    goto out;
  t[3] = g_get_monotonic_time ();
  if ((gsize) PQntuples (res) != n)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                           _("The server could not store this batch; nothing of it was imported"));
      goto out;
    }

  /* ---- 3. one audit row and one push for the batch ---- */
  {
    g_autofree char *ranges = id_ranges (res);
    g_autofree char *first = g_strescape (codes[0], NULL);
    g_autofree char *last = g_strescape (codes[n - 1], NULL);
    g_autofree char *after =
      g_strdup_printf ("{\"count\": %" G_GSIZE_FORMAT ", \"first_code\": \"%s\","
                       " \"last_code\": \"%s\", \"ids\": \"%s\"}",
                       n, first, last, ranges);

    if (!crm_db_audit (db, ctx, "import", "customer", 0, NULL, after, error) ||
        !crm_db_notify_change (db, "customer", 0, 0, "import", user, error))
      goto out;
  }
  g_debug ("import of %" G_GSIZE_FORMAT " rows: checks and COPY text %.1f ms, codes (after the"
           " counter lock of earlier batches) and COPY"
           " %.1f ms, INSERT … SELECT %.1f ms, audit %.1f ms", n, (t[1] - t[0]) / 1000.0,
           (t[2] - t[1]) / 1000.0, (t[3] - t[2]) / 1000.0, (g_get_monotonic_time () - t[3]) / 1000.0);
  ok = TRUE;

out:
  crm_db_memo_end (db);
  if (!ok)
    {
      GVariant *unused = g_variant_builder_end (&errors.errors);
      g_variant_unref (g_variant_ref_sink (unused));
      return NULL;
    }
  return g_variant_new ("(x@a(uss))", errors.n_errors > 0 ? (gint64) 0 : (gint64) n,
                        g_variant_builder_end (&errors.errors));
}
