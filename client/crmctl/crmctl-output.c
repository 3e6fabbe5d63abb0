/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crm-error.h"
#include "crmctl-fields.h"
#include "crmctl-output.h"

gsize
crmctl_display_width (const char *text)
{
  gsize width = 0;

  if (text == NULL)
    return 0;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

struct _CrmctlTable {
  guint      n_columns;
  GPtrArray *rows; /* of GStrv, first = headers */
};

CrmctlTable *
crmctl_table_new (guint n_columns, const char * const *headers)
{
  CrmctlTable *table = g_new0 (CrmctlTable, 1);

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  crmctl_table_add_row (table, headers);
  return table;
}

/* Control characters (a newline in a note) would break the alignment:
 * show them as spaces. */
static char *
sanitize_cell (const char *text)
{
  GString *s = g_string_new (NULL);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_string_free (s, FALSE);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (s, g_unichar_iscntrl (c) ? ' ' : c);
    }
  return g_string_free (s, FALSE);
}

void
crmctl_table_add_row (CrmctlTable *table, const char * const *cells)
{
  char **row = g_new0 (char *, table->n_columns + 1);

  for (guint i = 0; i < table->n_columns; i++)
    row[i] = sanitize_cell (cells[i]);
  g_ptr_array_add (table->rows, row);
}

void
crmctl_table_print (CrmctlTable *table, FILE *out)
{
  g_autofree gsize *widths = g_new0 (gsize, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = table->rows->pdata[r];

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], crmctl_display_width (row[c]));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = table->rows->pdata[r];
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (line, row[c]);
          if (c + 1 < table->n_columns)
            {
              gsize pad = widths[c] - crmctl_display_width (row[c]) + 2;

              for (gsize i = 0; i < pad; i++)
                g_string_append_c (line, ' ');
            }
        }
      /* Trailing spaces of empty last cells help nobody. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      fprintf (out, "%s\n", line->str);
    }
}

void
crmctl_table_free (CrmctlTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table);
}

char *
crmctl_value_to_text (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (value);

      return crmctl_value_to_text (inner);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **strv = g_variant_get_strv (value, NULL);

      return g_strjoinv ("、", (char **) strv);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_strdup_printf ("%d", g_variant_get_int32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? _("yes") : _("no"));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    return g_strdup_printf ("%g", g_variant_get_double (value));
  return g_variant_print (value, FALSE);
}

char *
crmctl_record_dup_text (GVariant *record, const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (record, key, NULL);

  if (value == NULL)
    return g_strdup ("");
  return crmctl_value_to_text (value);
}

void
crmctl_print_json (GVariant *value, FILE *out)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  g_autoptr(JsonNode) node = json_gvariant_serialize (owned);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  fprintf (out, "%s\n", text);
}

static const struct {
  const char *key;
  const char *label;
} extra_labels[] = {
  { "id", N_("ID") },
  { "code", N_("Customer code") },
  { "owner_name", N_("Owner") },
  { "owner_id", N_("Owner ID") },
  { "version", N_("Version") },
  { "created_at", N_("Created") },
  { "updated_at", N_("Updated") },
  { "deleted_at", N_("Deleted") },
  { "created_by", N_("Created by (user ID)") },
};

/* Times travel as Unix microseconds ("…_at" and "time" keys); people
 * read dates. */
char *
crmctl_record_dup_display_text (GVariant *record, const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (record, key, G_VARIANT_TYPE_INT64);

  if (value != NULL && (g_str_has_suffix (key, "_at") || strcmp (key, "time") == 0))
    {
      gint64 us = g_variant_get_int64 (value);
      g_autoptr(GDateTime) when = NULL;

      if (us == 0)
        return g_strdup ("");
      when = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);
      if (when != NULL)
        return g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
    }
  return crmctl_record_dup_text (record, key);
}

static const char *
label_for_key (const char *key)
{
  const CrmctlField *f = crmctl_field_by_key (key);

  if (f != NULL)
    return _(f->label);
  for (gsize i = 0; i < G_N_ELEMENTS (extra_labels); i++)
    if (strcmp (extra_labels[i].key, key) == 0)
      return _(extra_labels[i].label);
  return key;
}

/* g_ptr_array_sort passes pointers to the elements. */
static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

void
crmctl_print_record (GVariant *record, FILE *out)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GVariant) id_value = NULL;
  const CrmctlField *fields;
  gsize n_fields, width = 0;
  GVariantIter iter;
  const char *key;

  id_value = g_variant_lookup_value (record, "id", NULL);
  if (id_value != NULL)
    g_ptr_array_add (keys, g_strdup ("id"));
  fields = crmctl_fields_all (&n_fields);
  for (gsize i = 0; i < n_fields; i++)
    g_ptr_array_add (keys, g_strdup (fields[i].key));
  /* Then the known read-only keys the record carries, in table order. */
  for (gsize i = 0; i < G_N_ELEMENTS (extra_labels); i++)
    {
      g_autoptr(GVariant) value = NULL;

      if (strcmp (extra_labels[i].key, "id") == 0)
        continue;
      value = g_variant_lookup_value (record, extra_labels[i].key, NULL);
      if (value != NULL)
        g_ptr_array_add (keys, g_strdup (extra_labels[i].key));
    }
  for (guint i = 0; i < keys->len; i++)
    g_hash_table_add (seen, keys->pdata[i]);

  g_variant_iter_init (&iter, record);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_ptr_array_add (others, g_strdup (key));
  g_ptr_array_sort (others, compare_strings);
  for (guint i = 0; i < others->len; i++)
    g_ptr_array_add (keys, g_strdup (others->pdata[i]));

  for (guint i = 0; i < keys->len; i++)
    width = MAX (width, crmctl_display_width (label_for_key (keys->pdata[i])));

  for (guint i = 0; i < keys->len; i++)
    {
      const char *label = label_for_key (keys->pdata[i]);
      g_autofree char *text = crmctl_record_dup_display_text (record, keys->pdata[i]);
      gsize pad = width - crmctl_display_width (label) + 2;

      fprintf (out, "%s%*s%s\n", label, (int) pad, "", text);
    }
}

gboolean
crmctl_parse_id (const char *text, const char *what, gint64 *id, GError **error)
{
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      /* TRANSLATORS: the second %s is "contact ID" or "customer ID" */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a %s (a positive whole number)."), text != NULL ? text : "", what);
      return FALSE;
    }
  *id = value;
  return TRUE;
}

gboolean
crmctl_next_option (int argc, char **argv, int *i, char **name, const char **value,
                    gboolean wants_value, GError **error)
{
  const char *arg = argv[*i];
  const char *eq;

  if (!g_str_has_prefix (arg, "--") || arg[2] == '\0')
    return FALSE;
  eq = strchr (arg, '=');
  if (eq != NULL)
    {
      *name = g_strndup (arg + 2, eq - arg - 2);
      *value = eq + 1;
      (*i)++;
      return TRUE;
    }
  *name = g_strdup (arg + 2);
  *value = NULL;
  (*i)++;
  if (wants_value)
    {
      if (*i >= argc)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Option --%s needs a value."), *name);
          return TRUE;
        }
      *value = argv[(*i)++];
    }
  return TRUE;
}

void
crmctl_print_rows (GVariant *rows, guint n, const char * const *headers,
                   const char * const *keys, CrmctlCellFunc cell, FILE *out)
{
  g_autoptr(CrmctlTable) table = crmctl_table_new (n, headers);

  for (gsize r = 0; r < g_variant_n_children (rows); r++)
    {
      g_autoptr(GVariant) row = g_variant_get_child_value (rows, r);
      g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

      for (guint c = 0; c < n; c++)
        g_ptr_array_add (cells, cell (row, keys[c]));
      crmctl_table_add_row (table, (const char * const *) cells->pdata);
    }
  crmctl_table_print (table, out);
}

GVariant *
crmctl_call_keyed (CrmConnection *connection, guint message_id, GVariant *args, GError **error)
{
  g_autoptr(GVariant) rest = g_variant_ref_sink (args);
  g_autofree char *key = crm_new_idempotency_key ();
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_TUPLE);
  g_variant_builder_add (&b, "s", key);
  for (gsize i = 0; i < g_variant_n_children (rest); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (rest, i);

      g_variant_builder_add_value (&b, child);
    }
  return crm_connection_call_sync (connection, message_id, g_variant_builder_end (&b), NULL, error);
}

gboolean
crmctl_create (CrmConnection *connection, guint create_message, GVariant *fields,
               gint64 *id, gint64 *version, GError **error)
{
  g_autoptr(GVariant) reply = crmctl_call_keyed (connection, create_message,
                                                 g_variant_new ("(@a{sv})", fields), error);

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(xx)", id, version);
  return TRUE;
}

gboolean
crmctl_fetch_version (CrmConnection *connection, guint get_message, gint64 id,
                      const char *no_version, gint64 *version, GError **error)
{
  g_autoptr(GVariant) record = crm_connection_call_sync (connection, get_message,
                                                         g_variant_new ("(x)", id), NULL, error);
  g_autoptr(GVariant) value = NULL;

  if (record == NULL)
    return FALSE;
  value = g_variant_lookup_value (record, "version", G_VARIANT_TYPE_INT64);
  if (value == NULL)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INTERNAL, no_version);
      return FALSE;
    }
  *version = g_variant_get_int64 (value);
  return TRUE;
}

void
crmctl_print_written (gboolean json, gint64 id, gint64 version, const char *text, FILE *out)
{
  if (!json)
    fputs (text, out);
  else if (version < 0)
    crmctl_print_json (g_variant_new_parsed ("{'id': <%x>, 'deleted': <true>}", id), out);
  else
    crmctl_print_json (g_variant_new_parsed ("{'id': <%x>, 'version': <%x>}", id, version), out);
}
