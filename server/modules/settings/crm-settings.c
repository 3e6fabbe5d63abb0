/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-settings"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crm-settings-private.h"
#include "crm-numbering.h"
#include "crm-validate.h"
#include "team/crm-admin-util.h"

/*
 * Choice lists, numbering rules, entry rules and global switches.
 */

static gboolean
name_is_valid (const char *s, gsize max)
{
  gsize len = strlen (s);

  if (len == 0 || len > max || !g_ascii_islower (s[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (s[i]) && !g_ascii_isdigit (s[i]) && s[i] != '_')
      return FALSE;
  return TRUE;
}

static GError *
bad (const char *field, const char *message)
{
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message);
}

gboolean
crm_settings_changed (CrmDb *db, const char *what, GError **error)
{
  return crm_db_notify_change (db, "settings", 0, 0, what, 0, error);
}

/* Ends a save whose statement returned the rule before (NULL when there was
 * none) and after as JSON text: audits it as an update of @what and tells
 * the clients that @what changed. */
static GVariant *
saved_rule (CrmDb *db, CrmRequestContext *ctx, PGresult *res, const char *what, GError **error)
{
  if (res == NULL
      || !crm_db_audit (db, ctx, "update", what, 0,
                        PQgetisnull (res, 0, 0) ? NULL : crm_db_get_string (res, 0, 0),
                        crm_db_get_string (res, 0, 1), error))
    return NULL;
  return crm_settings_changed (db, what, error) ? g_variant_new ("()") : NULL;
}

/* ---- Choice lists ---- */

/* Lists whose labels records store in a column: a rename rewrites them in
 * the same transaction.  Statements are fixed text per list. */
static const struct
{
  const char *list;
  const char *rename_sql;
} stored_lists[] = {
  { "industry", "UPDATE customers SET industry = $2 WHERE industry = $1" },
  { "category", "UPDATE customers SET category = $2 WHERE category = $1" },
  { "source", "UPDATE customers SET source = $2 WHERE source = $1" },
  { "region", "UPDATE customers SET region = $2 WHERE region = $1" },
  { "value", "UPDATE customers SET value = $2 WHERE value = $1" },
};

static const CrmDbColumn choice_columns[] = {
  { "id", 'x' }, { "label", 's' }, { "sort", 'i' }, { "retired", 'b' },
};

GVariant *
crm_choice_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *list;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&s)", &list);
  if (!name_is_valid (list, 32))
    {
      g_propagate_error (error, bad ("list", _ ("Unknown choice list")));
      return NULL;
    }
  {
    const char *params[] = { list };
    res = crm_db_exec (db, "settings_choice_list",
                       "SELECT id, label, sort, retired FROM choice_items WHERE list = $1"
                       " ORDER BY sort, id",
                       1, params, error);
  }
  if (res == NULL)
    return NULL;
  return crm_admin_rows_to_dicts (res, -1, choice_columns, G_N_ELEMENTS (choice_columns), NULL);
}

static const char *const item_keys[] = { "id", "label", "sort", "retired", NULL };

static gboolean
dict_sort (GVariantDict *d, gint32 *out, gboolean *present, GError **error)
{
  GVariant *v = g_variant_dict_lookup_value (d, "sort", NULL);

  *present = v != NULL;
  if (v == NULL)
    return TRUE;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT32))
    *out = g_variant_get_int32 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64) && g_variant_get_int64 (v) >= G_MININT32
           && g_variant_get_int64 (v) <= G_MAXINT32)
    *out = (gint32)g_variant_get_int64 (v);
  else
    {
      g_variant_unref (v);
      g_propagate_error (error, bad ("sort", _ ("This field has the wrong type")));
      return FALSE;
    }
  g_variant_unref (v);
  return TRUE;
}

GVariant *
crm_choice_save (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *list;
  g_autoptr (GVariant) items = NULL;
  const char  *rename_sql = NULL;
  GVariantIter iter;
  GVariant    *item;
  gsize        n;

  g_variant_get (request, "(&s&s@aa{sv})", &key, &list, &items);
  if (!name_is_valid (list, 32))
    {
      g_propagate_error (error, bad ("list", _ ("Unknown choice list")));
      return NULL;
    }
  n = g_variant_n_children (items);
  if (n > 500)
    {
      g_propagate_error (error, bad ("items", _ ("Too many choices")));
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (stored_lists); i++)
    if (strcmp (stored_lists[i].list, list) == 0)
      rename_sql = stored_lists[i].rename_sql;

  g_variant_iter_init (&iter, items);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr (GVariant) owned = item;
      g_auto (GVariantDict) d;
      gint64           id = 0;
      const char      *label = NULL;
      gint32           sort = 0;
      gboolean         retired = FALSE, has_label, has_sort, has_retired;
      g_autofree char *trimmed = NULL, *sid = NULL, *ssort = NULL;
      g_autoptr (PGresult) res = NULL;

      g_variant_dict_init (&d, item);
      if (!crm_admin_dict_only (item, item_keys, error)
          || !crm_admin_dict_int64 (&d, "id", &id, NULL, error)
          || !crm_admin_dict_string (&d, "label", &label, &has_label, error)
          || !dict_sort (&d, &sort, &has_sort, error)
          || !crm_admin_dict_bool (&d, "retired", &retired, &has_retired, error))
        return NULL;
      if (has_label && !crm_validate_text (label, 50, TRUE, "label", error))
        return NULL;
      trimmed = has_label ? g_strstrip (g_strdup (label)) : NULL;
      ssort = g_strdup_printf ("%d", sort);
      if (id < 0)
        {
          g_propagate_error (error, bad ("id", _ ("This field has the wrong type")));
          return NULL;
        }
      if (id == 0)
        {
          const char *params[] = { list, trimmed, ssort, retired ? "t" : "f" };

          if (!has_label)
            {
              g_propagate_error (error, bad ("label", _ ("This field is required")));
              return NULL;
            }
          res = crm_db_exec (db, "settings_choice_insert",
                             "INSERT INTO choice_items (list, label, sort, retired)"
                             " VALUES ($1, $2, $3, $4) ON CONFLICT (list, label) DO NOTHING"
                             " RETURNING id",
                             4, params, error);
          if (res == NULL)
            return NULL;
          if (PQntuples (res) != 1)
            {
              g_propagate_error (error, crm_error_new_field (CRM_ERROR_DUPLICATE, "label",
                                                             _ ("This choice already exists")));
              return NULL;
            }
          if (!crm_db_audit (db, ctx, "create", "choice", crm_db_get_int64 (res, 0, 0), NULL, NULL,
                             error))
            return NULL;
          continue;
        }

      sid = crm_db_int64_to_string (id);
      {
        const char *params[] = { sid, list, trimmed, has_sort ? ssort : NULL,
                                 has_retired ? (retired ? "t" : "f") : NULL };
        g_autoptr (PGresult) old
            = crm_db_exec (db, "settings_choice_lock",
                           "SELECT label, EXISTS (SELECT 1 FROM choice_items o WHERE o.list = $2"
                           "  AND o.label = $3 AND o.id <> $1)"
                           " FROM choice_items WHERE id = $1 AND list = $2 FOR UPDATE",
                           3, params, error);
        g_autofree char *old_label = NULL;

        if (old == NULL)
          return NULL;
        if (PQntuples (old) != 1)
          {
            g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _ ("No such choice"));
            return NULL;
          }
        if (crm_db_get_bool (old, 0, 1))
          {
            g_propagate_error (error, crm_error_new_field (CRM_ERROR_DUPLICATE, "label",
                                                           _ ("This choice already exists")));
            return NULL;
          }
        old_label = g_strdup (crm_db_get_string (old, 0, 0));
        res = crm_db_exec (db, "settings_choice_update",
                           "UPDATE choice_items SET label = coalesce ($3, label),"
                           " sort = coalesce ($4::integer, sort),"
                           " retired = coalesce ($5::boolean, retired)"
                           " WHERE id = $1 AND list = $2",
                           5, params, error);
        if (res == NULL)
          return NULL;
        /* Records keep pointing at the item: their stored label follows. */
        if (trimmed != NULL && strcmp (old_label, trimmed) != 0)
          {
            if (rename_sql != NULL)
              {
                const char *rp[] = { old_label, trimmed };
                g_autoptr (PGresult) moved = crm_db_exec_once (db, rename_sql, 2, rp, error);
                if (moved == NULL)
                  return NULL;
              }
            {
              const char *jp[] = { old_label, trimmed };
              g_autoptr (PGresult) js
                  = crm_db_exec (db, "settings_choice_json",
                                 "SELECT jsonb_build_object ('label', $1::text)::text,"
                                 " jsonb_build_object ('label', $2::text)::text",
                                 2, jp, error);
              if (js == NULL
                  || !crm_db_audit (db, ctx, "update", "choice", id, crm_db_get_string (js, 0, 0),
                                    crm_db_get_string (js, 0, 1), error))
                return NULL;
            }
          }
      }
    }
  return crm_settings_changed (db, "choice", error) ? g_variant_new ("()") : NULL;
}

/* ---- Numbering rules ---- */

static gboolean
reset_from_string (const char *s, CrmNumberingReset *out)
{
  static const char *const names[] = { "never", "daily", "monthly", "yearly" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (s, names[i]) == 0)
      {
        *out = (CrmNumberingReset)i;
        return TRUE;
      }
  return FALSE;
}

/* Loads the rule row (prefix, date_pattern, separator, width, reset). */
static PGresult *
load_rule (CrmDb *db, const char *entity, CrmNumberingRule *rule, GError **error)
{
  const char *params[] = { entity };
  PGresult   *res = crm_db_exec (db, "settings_numbering_rule",
                                 "SELECT prefix, date_pattern, separator, width, reset"
                                   " FROM numbering_rules WHERE entity = $1",
                                 1, params, error);

  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      PQclear (res);
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND,
                           _ ("This kind of record has no numbering rule"));
      return NULL;
    }
  rule->prefix = crm_db_get_string (res, 0, 0);
  rule->date_pattern = crm_db_get_string (res, 0, 1);
  rule->separator = crm_db_get_string (res, 0, 2);
  rule->width = (guint)crm_db_get_int64 (res, 0, 3);
  if (!reset_from_string (crm_db_get_string (res, 0, 4), &rule->reset))
    rule->reset = CRM_NUMBERING_RESET_NEVER;
  return res;
}

GStrv
crm_settings_reserve_numbers (CrmDb *db, const char *entity, guint n, GError **error)
{
  CrmNumberingRule rule = { 0 };
  g_autoptr (PGresult) rule_res = load_rule (db, entity, &rule, error);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *period = NULL;
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autoptr (PGresult) res = NULL;
  g_autoptr (GStrvBuilder) b = NULL;
  gint64 last;

  if (rule_res == NULL)
    return NULL;
  period = crm_numbering_period (&rule, now);
  if (period == NULL)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INTERNAL, _ ("Internal server error"));
      return NULL;
    }
  {
    const char *params[] = { entity, period, count };
    /* The row lock lasts until the caller's transaction ends: concurrent
     * creators queue here, and a rollback returns the numbers. */
    res = crm_db_exec (db, "settings_numbering_reserve",
                       "INSERT INTO numbering_counters AS k (entity, period, last)"
                       " VALUES ($1, $2, $3) ON CONFLICT (entity, period)"
                       " DO UPDATE SET last = k.last + $3 RETURNING last",
                       3, params, error);
  }
  if (res == NULL)
    return NULL;
  last = crm_db_get_int64 (res, 0, 0);
  b = g_strv_builder_new ();
  for (guint i = 0; i < n; i++)
    {
      char *number = crm_numbering_format (&rule, now, (guint64)(last - n + 1 + i));

      if (number == NULL)
        {
          g_set_error_literal (error, CRM_ERROR, CRM_ERROR_INTERNAL, _ ("Internal server error"));
          return NULL;
        }
      g_strv_builder_add (b, number);
      g_free (number);
    }
  return g_strv_builder_end (b);
}

GVariant *
crm_numbering_get (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *entity;
  CrmNumberingRule rule = { 0 };
  g_autoptr (PGresult) res = NULL;
  g_autoptr (PGresult) counter = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *period = NULL;
  g_autofree char *next = NULL;
  g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_get (request, "(&s)", &entity);
  if (!name_is_valid (entity, 32))
    {
      g_propagate_error (error, bad ("entity", _ ("Unknown kind of record")));
      return NULL;
    }
  res = load_rule (db, entity, &rule, error);
  if (res == NULL)
    return NULL;
  period = crm_numbering_period (&rule, now);
  {
    const char *params[] = { entity, period ? period : "" };
    counter = crm_db_exec (db, "settings_numbering_peek",
                           "SELECT coalesce ((SELECT last FROM numbering_counters"
                           " WHERE entity = $1 AND period = $2), 0)",
                           2, params, error);
  }
  if (counter == NULL)
    return NULL;
  next = crm_numbering_format (&rule, now, (guint64)crm_db_get_int64 (counter, 0, 0) + 1);
  g_variant_dict_insert (&d, "prefix", "s", rule.prefix);
  g_variant_dict_insert (&d, "date_pattern", "s", rule.date_pattern);
  g_variant_dict_insert (&d, "separator", "s", rule.separator);
  g_variant_dict_insert (&d, "width", "i", (gint32)rule.width);
  g_variant_dict_insert (&d, "reset", "s", crm_db_get_string (res, 0, 4));
  g_variant_dict_insert (&d, "next", "s", next ? next : "");
  return g_variant_dict_end (&d);
}

static const char *const numbering_keys[]
    = { "prefix", "date_pattern", "separator", "width", "reset", NULL };

GVariant *
crm_numbering_save (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *entity;
  g_autoptr (GVariant) fields = NULL;
  g_auto (GVariantDict) d;
  CrmNumberingRule rule = { 0 };
  g_autoptr (PGresult) current = NULL;
  const char      *prefix, *pattern, *separator, *reset;
  gint32           width;
  g_autofree char *swidth = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&s&s@a{sv})", &key, &entity, &fields);
  g_variant_dict_init (&d, fields);
  if (!name_is_valid (entity, 32))
    {
      g_propagate_error (error, bad ("entity", _ ("Unknown kind of record")));
      return NULL;
    }
  if (!crm_admin_dict_only (fields, numbering_keys, error))
    return NULL;
  current = load_rule (db, entity, &rule, error);
  if (current == NULL)
    {
      /* A new entity starts from an empty rule. */
      if (!g_error_matches (*error, CRM_ERROR, CRM_ERROR_NOT_FOUND))
        return NULL;
      g_clear_error (error);
      rule = (CrmNumberingRule){ "", "", "", 4, CRM_NUMBERING_RESET_NEVER };
    }
  prefix = rule.prefix;
  pattern = rule.date_pattern;
  separator = rule.separator;
  reset = current ? crm_db_get_string (current, 0, 4) : "never";
  width = (gint32)rule.width;
  if (!crm_admin_dict_string (&d, "prefix", &prefix, NULL, error)
      || !crm_admin_dict_string (&d, "date_pattern", &pattern, NULL, error)
      || !crm_admin_dict_string (&d, "separator", &separator, NULL, error)
      || !crm_admin_dict_string (&d, "reset", &reset, NULL, error))
    return NULL;
  {
    GVariant *v = g_variant_dict_lookup_value (&d, "width", NULL);
    if (v != NULL)
      {
        gboolean ok = g_variant_is_of_type (v, G_VARIANT_TYPE_INT32);
        if (ok)
          width = g_variant_get_int32 (v);
        g_variant_unref (v);
        if (!ok || width < 1 || width > 12)
          {
            g_propagate_error (error, bad ("width", _ ("The width must be 1 to 12 digits")));
            return NULL;
          }
      }
  }
  rule.prefix = prefix;
  rule.date_pattern = pattern;
  rule.separator = separator;
  rule.width = (guint)width;
  if (!reset_from_string (reset, &rule.reset))
    {
      g_propagate_error (error,
                         bad ("reset", _ ("The reset must be never, daily, monthly or yearly")));
      return NULL;
    }
  if (!crm_numbering_rule_check (&rule, error))
    return NULL;
  swidth = g_strdup_printf ("%d", width);
  {
    const char *params[] = { entity, prefix, pattern, separator, swidth, reset };
    res = crm_db_exec (
        db, "settings_numbering_save",
        "WITH old AS (SELECT to_jsonb (r) AS j FROM numbering_rules r WHERE entity = $1),"
        " new AS (INSERT INTO numbering_rules AS r (entity, prefix, date_pattern,"
        "  separator, width, reset) VALUES ($1, $2, $3, $4, $5, $6)"
        "  ON CONFLICT (entity) DO UPDATE SET prefix = $2, date_pattern = $3,"
        "  separator = $4, width = $5, reset = $6 RETURNING to_jsonb (r) AS j)"
        " SELECT (SELECT j::text FROM old), (SELECT j::text FROM new)",
        6, params, error);
  }
  return saved_rule (db, ctx, res, "numbering", error);
}

/* ---- Entry rules ---- */

static const char *const customer_rule_fields[]
    = { "name",  "short_name", "category",    "industry", "source", "region",
        "value", "address",    "postal_code", "notes",    "phones", NULL };
static const char *const format_names[] = { "mobile", "phone", "email", "postal_code", NULL };

static gboolean
rule_field_known (const char *entity, const char *field)
{
  if (crm_settings_is_custom_key (field))
    return name_is_valid (field + 3, 32);
  if (strcmp (entity, "customer") == 0)
    return g_strv_contains (customer_rule_fields, field);
  return name_is_valid (field, 32);
}

GVariant *
crm_entry_rule_get (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *entity;
  g_autoptr (PGresult) res = NULL;
  g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_auto (GStrv) required = NULL;
  GVariantBuilder formats;

  g_variant_get (request, "(&s)", &entity);
  if (!name_is_valid (entity, 32))
    {
      g_propagate_error (error, bad ("entity", _ ("Unknown kind of record")));
      return NULL;
    }
  {
    const char *params[] = { entity };
    res = crm_db_exec (db, "settings_entry_get",
                       "SELECT required, duplicate_name,"
                       " ARRAY(SELECT key FROM jsonb_each_text (formats) ORDER BY key),"
                       " ARRAY(SELECT value FROM jsonb_each_text (formats) ORDER BY key)"
                       " FROM entry_rules WHERE entity = $1",
                       1, params, error);
  }
  if (res == NULL)
    return NULL;
  g_variant_builder_init (&formats, G_VARIANT_TYPE ("a{ss}"));
  if (PQntuples (res) == 1)
    {
      g_auto (GStrv) keys = crm_db_parse_array (crm_db_get_string (res, 0, 2));
      g_auto (GStrv) values = crm_db_parse_array (crm_db_get_string (res, 0, 3));

      required = crm_db_parse_array (crm_db_get_string (res, 0, 0));
      for (guint i = 0; keys[i] != NULL && values[i] != NULL; i++)
        g_variant_builder_add (&formats, "{ss}", keys[i], values[i]);
      g_variant_dict_insert (&d, "duplicate_name", "s", crm_db_get_string (res, 0, 1));
    }
  else
    {
      required = g_new0 (char *, 1);
      g_variant_dict_insert (&d, "duplicate_name", "s", "allow");
    }
  g_variant_dict_insert (&d, "required", "^as", required);
  g_variant_dict_insert_value (&d, "formats", g_variant_builder_end (&formats));
  return g_variant_dict_end (&d);
}

static const char *const entry_keys[] = { "required", "formats", "duplicate_name", NULL };

GVariant *
crm_entry_rule_save (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *entity;
  g_autoptr (GVariant) fields = NULL;
  g_auto (GVariantDict) d;
  g_auto (GStrv) required = NULL;
  const char *duplicate = NULL;
  g_autoptr (GVariant) formats = NULL;
  g_autofree char *required_literal = NULL;
  g_autofree char *formats_json = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&s&s@a{sv})", &key, &entity, &fields);
  g_variant_dict_init (&d, fields);
  if (!name_is_valid (entity, 32))
    {
      g_propagate_error (error, bad ("entity", _ ("Unknown kind of record")));
      return NULL;
    }
  if (!crm_admin_dict_only (fields, entry_keys, error)
      || !crm_admin_dict_strv (&d, "required", &required, error)
      || !crm_admin_dict_string (&d, "duplicate_name", &duplicate, NULL, error))
    return NULL;
  for (guint i = 0; required != NULL && required[i] != NULL; i++)
    if (!rule_field_known (entity, required[i]))
      {
        g_propagate_error (error, bad ("required", _ ("Unknown field")));
        return NULL;
      }
  if (duplicate != NULL
      && !g_strv_contains ((const char *const[]){ "allow", "warn", "forbid", NULL }, duplicate))
    {
      g_propagate_error (
          error, bad ("duplicate_name", _ ("Duplicate handling must be allow, warn or forbid")));
      return NULL;
    }
  formats = g_variant_dict_lookup_value (&d, "formats", NULL);
  if (formats != NULL)
    {
      GVariantIter iter;
      const char  *field, *format;
      g_autoptr (GString) json = g_string_new ("{");
      gboolean first = TRUE;

      if (!g_variant_is_of_type (formats, G_VARIANT_TYPE ("a{ss}")))
        {
          g_propagate_error (error, bad ("formats", _ ("This field has the wrong type")));
          return NULL;
        }
      g_variant_iter_init (&iter, formats);
      while (g_variant_iter_next (&iter, "{&s&s}", &field, &format))
        {
          /* Both are identifiers from fixed sets: no JSON escaping needed. */
          if (!rule_field_known (entity, field) || crm_settings_is_custom_key (field)
              || !g_strv_contains (format_names, format))
            {
              g_propagate_error (error, bad ("formats", _ ("Unknown field or format")));
              return NULL;
            }
          g_string_append_printf (json, "%s\"%s\": \"%s\"", first ? "" : ", ", field, format);
          first = FALSE;
        }
      g_string_append_c (json, '}');
      formats_json = g_string_free (g_steal_pointer (&json), FALSE);
    }
  required_literal = required ? crm_db_text_array ((const char *const *)required, -1) : NULL;
  {
    const char *params[] = { entity, required_literal, formats_json, duplicate };
    res = crm_db_exec (
        db, "settings_entry_save",
        "WITH old AS (SELECT to_jsonb (e) AS j FROM entry_rules e WHERE entity = $1),"
        " new AS (INSERT INTO entry_rules AS e (entity, required, formats, duplicate_name)"
        "  VALUES ($1, coalesce ($2::text[], '{}'), coalesce ($3::jsonb, '{}'),"
        "  coalesce ($4, 'warn'))"
        "  ON CONFLICT (entity) DO UPDATE SET required = coalesce ($2::text[], e.required),"
        "  formats = coalesce ($3::jsonb, e.formats),"
        "  duplicate_name = coalesce ($4, e.duplicate_name) RETURNING to_jsonb (e) AS j)"
        " SELECT (SELECT j::text FROM old), (SELECT j::text FROM new)",
        4, params, error);
  }
  return saved_rule (db, ctx, res, "entry_rule", error);
}

static gboolean
value_is_empty (GVariant *v)
{
  if (v == NULL)
    return TRUE;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      g_autofree char *t = g_strstrip (g_strdup (g_variant_get_string (v, NULL)));
      return *t == '\0';
    }
  if (g_variant_is_container (v))
    return g_variant_n_children (v) == 0;
  return FALSE;
}

gboolean
crm_settings_entry_check (CrmDb *db, const char *entity, GVariant *values, gint64 exclude_id,
                          gboolean partial, GError **error)
{
  g_autoptr (CrmSettingsRules) rules = crm_settings_rules_new (entity);

  return crm_settings_rules_entry_check (rules, db, values, exclude_id, partial, error);
}

static gboolean
entry_rule_load (CrmSettingsRules *rules, CrmDb *db, GError **error)
{
  const char *params[] = { rules->entity };
  g_autoptr (PGresult) res
      = crm_db_exec (db, "settings_entry_rule",
                     "SELECT required, duplicate_name,"
                     " ARRAY(SELECT key FROM jsonb_each_text (formats) ORDER BY key),"
                     " ARRAY(SELECT value FROM jsonb_each_text (formats) ORDER BY key)"
                     " FROM entry_rules WHERE entity = $1",
                     1, params, error);

  if (res == NULL)
    return FALSE;
  rules->entry_loaded = TRUE;
  rules->entry_present = PQntuples (res) == 1;
  if (!rules->entry_present)
    return TRUE;
  rules->required = crm_db_parse_array (crm_db_get_string (res, 0, 0));
  rules->duplicate_name = g_strdup (crm_db_get_string (res, 0, 1));
  rules->format_keys = crm_db_parse_array (crm_db_get_string (res, 0, 2));
  rules->formats = crm_db_parse_array (crm_db_get_string (res, 0, 3));
  return TRUE;
}

gboolean
crm_settings_rules_entry_check (CrmSettingsRules *rules, CrmDb *db, GVariant *values,
                                gint64 exclude_id, gboolean partial, GError **error)
{
  const char *entity = rules->entity;
  GStrv       required, keys, formats;
  GVariantDict d;

  if (!rules->entry_loaded && !entry_rule_load (rules, db, error))
    return FALSE;
  if (!rules->entry_present)
    return TRUE;
  required = rules->required;
  keys = rules->format_keys;
  formats = rules->formats;
  g_variant_dict_init (&d, values);
  for (guint i = 0; required[i] != NULL; i++)
    {
      g_autoptr (GVariant) v = g_variant_dict_lookup_value (&d, required[i], NULL);

      if (partial && v == NULL)
        continue;
      if (value_is_empty (v))
        {
          g_variant_dict_clear (&d);
          g_propagate_error (error, bad (required[i], _ ("This field is required")));
          return FALSE;
        }
    }
  for (guint i = 0; keys[i] != NULL && formats[i] != NULL; i++)
    {
      g_autoptr (GVariant) v = g_variant_dict_lookup_value (&d, keys[i], NULL);
      g_autoptr (GPtrArray) texts = g_ptr_array_new ();

      if (v == NULL)
        continue;
      if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        g_ptr_array_add (texts, (gpointer)g_variant_get_string (v, NULL));
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
        for (gsize k = 0; k < g_variant_n_children (v); k++)
          {
            g_autoptr (GVariant) e = g_variant_get_child_value (v, k);
            g_ptr_array_add (texts, (gpointer)g_variant_get_string (e, NULL));
          }
      for (guint k = 0; k < texts->len; k++)
        {
          const char *t = texts->pdata[k];
          gboolean    ok = TRUE;

          if (*t == '\0')
            continue;
          if (strcmp (formats[i], "mobile") == 0)
            ok = crm_validate_mobile (t, keys[i], error);
          else if (strcmp (formats[i], "phone") == 0)
            ok = crm_validate_phone (t, keys[i], error);
          else if (strcmp (formats[i], "email") == 0)
            ok = crm_validate_email (t, keys[i], error);
          else if (strcmp (formats[i], "postal_code") == 0)
            ok = crm_validate_postal_code (t, keys[i], error);
          if (!ok)
            {
              g_variant_dict_clear (&d);
              return FALSE;
            }
        }
    }
  if (strcmp (rules->duplicate_name, "forbid") == 0 && strcmp (entity, "customer") == 0)
    {
      const char *name = NULL;

      if (g_variant_dict_lookup (&d, "name", "&s", &name))
        {
          g_autofree char *sid = crm_db_int64_to_string (exclude_id);
          g_autofree char *trimmed = g_strstrip (g_strdup (name));
          const char      *p[] = { trimmed, sid };
          g_autoptr (PGresult) dup
              = crm_db_exec (db, "settings_entry_duplicate",
                             "SELECT 1 FROM customers WHERE name = $1 AND deleted_at IS NULL"
                             " AND id <> $2 LIMIT 1",
                             2, p, error);
          if (dup == NULL)
            {
              g_variant_dict_clear (&d);
              return FALSE;
            }
          if (PQntuples (dup) > 0)
            {
              g_variant_dict_clear (&d);
              g_propagate_error (
                  error, crm_error_new_field (CRM_ERROR_DUPLICATE, "name",
                                              _ ("A customer with this name already exists")));
              return FALSE;
            }
        }
    }
  g_variant_dict_clear (&d);
  return TRUE;
}

/* ---- Global switches ---- */

GVariant *
crm_setting_get (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr (PGresult) res
      = crm_db_exec (db, "settings_get",
                     "SELECT key, jsonb_typeof (value), value #>> '{}' FROM settings ORDER BY key",
                     0, NULL, error);
  g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  if (res == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (res); r++)
    {
      const char *k = crm_db_get_string (res, r, 0);
      const char *type = crm_db_get_string (res, r, 1);
      const char *text = crm_db_get_string (res, r, 2);

      if (strcmp (type, "boolean") == 0)
        g_variant_dict_insert (&d, k, "b", strcmp (text, "true") == 0);
      else if (strcmp (type, "string") == 0)
        g_variant_dict_insert (&d, k, "s", text);
      else if (strcmp (type, "number") == 0 && strpbrk (text, ".eE") == NULL)
        g_variant_dict_insert (&d, k, "x", g_ascii_strtoll (text, NULL, 10));
      else if (strcmp (type, "number") == 0)
        g_variant_dict_insert (&d, k, "d", g_ascii_strtod (text, NULL));
    }
  return g_variant_dict_end (&d);
}

GVariant *
crm_setting_set (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key, *name;
  g_autoptr (GVariant) values = NULL;
  GVariantIter iter;
  GVariant    *value;

  g_variant_get (request, "(&s@a{sv})", &key, &values);
  if (g_variant_n_children (values) > 100)
    {
      g_propagate_error (error, bad ("settings", _ ("Too many settings at once")));
      return NULL;
    }
  g_variant_iter_init (&iter, values);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      g_autoptr (GVariant) owned = value;
      g_autofree char *json = NULL;
      g_autoptr (PGresult) res = NULL;

      if (!name_is_valid (name, 64))
        {
          g_propagate_error (error, bad (name, _ ("Unknown setting")));
          return NULL;
        }
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        json = g_strdup (g_variant_get_boolean (value) ? "true" : "false");
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        json = g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          if (!crm_validate_text (g_variant_get_string (value, NULL), 500, FALSE, name, error))
            return NULL;
        }
      else
        {
          g_propagate_error (error, bad (name, _ ("This field has the wrong type")));
          return NULL;
        }
      {
        /* Strings become JSON through to_jsonb: no escaping by hand. */
        const char *params[] = { name, json, json ? NULL : g_variant_get_string (value, NULL) };
        res = crm_db_exec (
            db, "settings_set",
            "WITH old AS (SELECT value FROM settings WHERE key = $1),"
            " new AS (INSERT INTO settings AS s (key, value)"
            "  VALUES ($1, coalesce ($2::jsonb, to_jsonb ($3::text)))"
            "  ON CONFLICT (key) DO UPDATE SET value = excluded.value RETURNING value)"
            " SELECT jsonb_build_object ($1::text, (SELECT value FROM old))::text,"
            "  jsonb_build_object ($1::text, (SELECT value FROM new))::text",
            3, params, error);
      }
      if (res == NULL
          || !crm_db_audit (db, ctx, "update", "setting", 0, crm_db_get_string (res, 0, 0),
                            crm_db_get_string (res, 0, 1), error))
        return NULL;
    }
  return crm_settings_changed (db, "setting", error) ? g_variant_new ("()") : NULL;
}
