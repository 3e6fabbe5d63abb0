/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-settings"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "crm-settings-private.h"
#include "crm-money.h"
#include "crm-validate.h"
#include "team/crm-admin-util.h"

/*
 * Custom fields (自定义字段): definitions per entity, validation of the
 * "cf.<key>" values records carry, and their JSON storage.
 */

#define MAX_FIELDS_PER_ENTITY 100
#define MAX_CHOICES 200
#define MAX_TEXT_CHARS 500

static const char *const field_types[]
    = { "text", "number", "money", "date", "choice", "multi_choice", "phone", "email", NULL };

static gboolean
identifier_is_valid (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || len > 32 || !g_ascii_islower (s[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (s[i]) && !g_ascii_isdigit (s[i]) && s[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
entity_check (const char *entity, GError **error)
{
  if (!identifier_is_valid (entity))
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "entity",
                                                     _ ("Unknown kind of record")));
      return FALSE;
    }
  return TRUE;
}

/* ---- JSON text helpers (the values are small and flat) ---- */

static void
json_append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = (guchar)*p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char)c);
    }
  g_string_append_c (out, '"');
}

gboolean
crm_settings_is_custom_key (const char *key)
{
  return g_str_has_prefix (key, "cf.");
}

typedef struct
{
  char    *key;
  char    *type;
  gboolean required;
  gboolean retired;
  GStrv    choices;
} FieldDef;

static void
field_def_free (FieldDef *f)
{
  g_free (f->key);
  g_free (f->type);
  g_strfreev (f->choices);
  g_free (f);
}

static GPtrArray *
load_fields (CrmDb *db, const char *entity, GError **error)
{
  const char *params[] = { entity };
  g_autoptr (PGresult) res
      = crm_db_exec (db, "settings_custom_defs",
                     "SELECT key, type, required, retired, choices FROM custom_fields"
                     " WHERE entity = $1 ORDER BY sort, id",
                     1, params, error);
  GPtrArray *defs;

  if (res == NULL)
    return NULL;
  defs = g_ptr_array_new_with_free_func ((GDestroyNotify)field_def_free);
  for (int r = 0; r < PQntuples (res); r++)
    {
      FieldDef *f = g_new0 (FieldDef, 1);

      f->key = g_strdup (crm_db_get_string (res, r, 0));
      f->type = g_strdup (crm_db_get_string (res, r, 1));
      f->required = crm_db_get_bool (res, r, 2);
      f->retired = crm_db_get_bool (res, r, 3);
      f->choices = crm_db_parse_array (crm_db_get_string (res, r, 4));
      g_ptr_array_add (defs, f);
    }
  return defs;
}

static const FieldDef *
find_def (GPtrArray *defs, const char *key)
{
  for (guint i = 0; i < defs->len; i++)
    if (strcmp (((FieldDef *)defs->pdata[i])->key, key) == 0)
      return defs->pdata[i];
  return NULL;
}

static GError *
bad_value (const char *field, const char *message)
{
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message);
}

/* Appends `"key": value` (or null when cleared); `*empty` tells a clear. */
static gboolean
value_to_json (const FieldDef *f, const char *field, GVariant *v, GString *out, gboolean *empty,
               GError **error)
{
  *empty = FALSE;
  if (strcmp (f->type, "multi_choice") == 0)
    {
      gsize                   n;
      g_autofree const char **items = NULL;

      if (!g_variant_is_of_type (v, G_VARIANT_TYPE_STRING_ARRAY))
        goto wrong_type;
      items = g_variant_get_strv (v, &n);
      if (n == 0)
        {
          *empty = TRUE;
          g_string_append (out, "null");
          return TRUE;
        }
      g_string_append_c (out, '[');
      for (gsize i = 0; i < n; i++)
        {
          if (!g_strv_contains ((const char *const *)f->choices, items[i]))
            {
              g_propagate_error (error,
                                 bad_value (field, _ ("This is not one of the field's choices")));
              return FALSE;
            }
          if (i > 0)
            g_string_append_c (out, ',');
          json_append_string (out, items[i]);
        }
      g_string_append_c (out, ']');
      return TRUE;
    }
  if (strcmp (f->type, "number") == 0)
    {
      double d;
      char   buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
        d = g_variant_get_double (v);
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
        d = (double)g_variant_get_int64 (v);
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        {
          const char *s = g_variant_get_string (v, NULL);
          char       *end = NULL;

          if (*s == '\0')
            {
              *empty = TRUE;
              g_string_append (out, "null");
              return TRUE;
            }
          d = g_ascii_strtod (s, &end);
          if (end == s || *end != '\0')
            {
              g_propagate_error (error, bad_value (field, _ ("Enter a number")));
              return FALSE;
            }
        }
      else
        goto wrong_type;
      if (!isfinite (d) || d > 1e15 || d < -1e15)
        {
          g_propagate_error (error, bad_value (field, _ ("This number is out of range")));
          return FALSE;
        }
      g_ascii_dtostr (buf, sizeof buf, d);
      g_string_append (out, buf);
      /* Kept a JSON fraction so it reads back as a number, not money. */
      if (strpbrk (buf, ".eE") == NULL)
        g_string_append (out, ".0");
      return TRUE;
    }
  if (strcmp (f->type, "money") == 0)
    {
      CrmMoney fen;

      if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
        fen = g_variant_get_int64 (v);
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        {
          if (*g_variant_get_string (v, NULL) == '\0')
            {
              *empty = TRUE;
              g_string_append (out, "null");
              return TRUE;
            }
          if (!crm_money_parse (g_variant_get_string (v, NULL), &fen, error))
            {
              if (error && *error)
                crm_error_set_field (*error, field);
              return FALSE;
            }
        }
      else
        goto wrong_type;
      if (fen > G_GINT64_CONSTANT (9000000000000000) || fen < -G_GINT64_CONSTANT (9000000000000000))
        {
          g_propagate_error (error, bad_value (field, _ ("This number is out of range")));
          return FALSE;
        }
      g_string_append_printf (out, "%" G_GINT64_FORMAT, fen);
      return TRUE;
    }

  /* The string types. */
  {
    const char      *s;
    g_autofree char *trimmed = NULL;

    if (!g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
      goto wrong_type;
    s = g_variant_get_string (v, NULL);
    if (!crm_validate_text (s, MAX_TEXT_CHARS, FALSE, field, error))
      return FALSE;
    trimmed = g_strstrip (g_strdup (s));
    if (*trimmed == '\0')
      {
        *empty = TRUE;
        g_string_append (out, "null");
        return TRUE;
      }
    if (strcmp (f->type, "phone") == 0 && !crm_validate_phone (trimmed, field, error))
      return FALSE;
    if (strcmp (f->type, "email") == 0 && !crm_validate_email (trimmed, field, error))
      return FALSE;
    if (strcmp (f->type, "choice") == 0
        && !g_strv_contains ((const char *const *)f->choices, trimmed))
      {
        g_propagate_error (error, bad_value (field, _ ("This is not one of the field's choices")));
        return FALSE;
      }
    if (strcmp (f->type, "date") == 0)
      {
        int  y, m, dd;
        char tail;

        if (strlen (trimmed) != 10 || sscanf (trimmed, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3
            || !g_date_valid_dmy (dd, m, y))
          {
            g_propagate_error (error, bad_value (field, _ ("Enter a date as YYYY-MM-DD")));
            return FALSE;
          }
      }
    json_append_string (out, trimmed);
    return TRUE;
  }

wrong_type:
  g_propagate_error (error, bad_value (field, _ ("This field has the wrong type")));
  return FALSE;
}

CrmSettingsRules *
crm_settings_rules_new (const char *entity)
{
  CrmSettingsRules *rules = g_new0 (CrmSettingsRules, 1);

  rules->entity = g_strdup (entity);
  return rules;
}

void
crm_settings_rules_free (CrmSettingsRules *rules)
{
  if (rules == NULL)
    return;
  g_free (rules->entity);
  g_clear_pointer (&rules->defs, g_ptr_array_unref);
  g_strfreev (rules->required);
  g_strfreev (rules->format_keys);
  g_strfreev (rules->formats);
  g_free (rules->duplicate_name);
  g_free (rules);
}

gboolean
crm_settings_custom_parse (CrmDb *db, const char *entity, GVariant *fields, gboolean create,
                           char **json_out, GError **error)
{
  g_autoptr (CrmSettingsRules) rules = crm_settings_rules_new (entity);

  return crm_settings_rules_custom_parse (rules, db, fields, create, json_out, error);
}

gboolean
crm_settings_rules_custom_parse (CrmSettingsRules *rules, CrmDb *db, GVariant *fields,
                                 gboolean create, char **json_out, GError **error)
{
  const char *entity = rules->entity;
  GPtrArray  *defs = rules->defs;
  g_autoptr (GString) out = g_string_new ("{");
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const char  *key;
  GVariant    *value;
  gboolean     any = FALSE;

  *json_out = NULL;
  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr (GVariant) owned = value;
      const FieldDef *f;
      gboolean        empty;

      if (!crm_settings_is_custom_key (key))
        continue;
      if (defs == NULL && (defs = rules->defs = load_fields (db, entity, error)) == NULL)
        return FALSE;
      f = find_def (defs, key + 3);
      if (f == NULL || f->retired)
        {
          g_propagate_error (error, bad_value (key, _ ("Unknown field")));
          return FALSE;
        }
      if (any)
        g_string_append_c (out, ',');
      json_append_string (out, f->key);
      g_string_append_c (out, ':');
      if (!value_to_json (f, key, value, out, &empty, error))
        return FALSE;
      if (empty && f->required)
        {
          g_propagate_error (error, bad_value (key, _ ("This field is required")));
          return FALSE;
        }
      g_hash_table_add (seen, (gpointer)f->key);
      any = TRUE;
    }
  if (create)
    {
      if (defs == NULL && (defs = rules->defs = load_fields (db, entity, error)) == NULL)
        return FALSE;
      for (guint i = 0; i < defs->len; i++)
        {
          const FieldDef *f = defs->pdata[i];

          if (f->required && !f->retired && !g_hash_table_contains (seen, f->key))
            {
              g_autofree char *field = g_strconcat ("cf.", f->key, NULL);
              g_propagate_error (error, bad_value (field, _ ("This field is required")));
              return FALSE;
            }
        }
    }
  g_string_append_c (out, '}');
  *json_out = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

void
crm_settings_custom_to_dict (GVariantDict *d, const char *json)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonNode      *root;
  JsonObject    *obj;
  JsonObjectIter iter;
  const char    *member;
  JsonNode      *node;

  if (json == NULL || *json == '\0' || strcmp (json, "{}") == 0)
    return;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  obj = json_node_get_object (root);
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &member, &node))
    {
      g_autofree char *key = g_strconcat ("cf.", member, NULL);

      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *a = json_node_get_array (node);
          g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
          g_auto (GStrv) items = NULL;

          for (guint i = 0; i < json_array_get_length (a); i++)
            {
              JsonNode *e = json_array_get_element (a, i);
              if (json_node_get_value_type (e) == G_TYPE_STRING)
                g_strv_builder_add (b, json_node_get_string (e));
            }
          items = g_strv_builder_end (b);
          g_variant_dict_insert (d, key, "^as", items);
        }
      else if (JSON_NODE_HOLDS_VALUE (node))
        {
          GType t = json_node_get_value_type (node);

          if (t == G_TYPE_STRING)
            g_variant_dict_insert (d, key, "s", json_node_get_string (node));
          else if (t == G_TYPE_INT64)
            g_variant_dict_insert (d, key, "x", json_node_get_int (node));
          else if (t == G_TYPE_DOUBLE)
            g_variant_dict_insert (d, key, "d", json_node_get_double (node));
        }
    }
}

char *
crm_settings_custom_filter_json (const char *key, GVariant *value, GError **error)
{
  g_autoptr (GString) out = g_string_new ("{");
  g_autofree char *field = g_strdup_printf ("filters.%s", key);
  const char      *name = key + 3;

  if (!identifier_is_valid (name))
    {
      g_propagate_error (error, bad_value (field, _ ("Unknown filter or wrong type")));
      return NULL;
    }
  json_append_string (out, name);
  g_string_append_c (out, ':');
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      const char *s = g_variant_get_string (value, NULL);

      if (g_utf8_strlen (s, -1) > MAX_TEXT_CHARS || !g_utf8_validate (s, -1, NULL))
        {
          g_propagate_error (error, bad_value (field, _ ("Unknown filter or wrong type")));
          return NULL;
        }
      json_append_string (out, s);
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      /* Multi-choice: records holding every one of these. */
      gsize                   n;
      g_autofree const char **items = g_variant_get_strv (value, &n);

      if (n == 0 || n > MAX_CHOICES)
        {
          g_propagate_error (error, bad_value (field, _ ("Unknown filter or wrong type")));
          return NULL;
        }
      g_string_append_c (out, '[');
      for (gsize i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          json_append_string (out, items[i]);
        }
      g_string_append_c (out, ']');
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    g_string_append_printf (out, "%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE)
           && isfinite (g_variant_get_double (value)))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (buf, sizeof buf, g_variant_get_double (value));
      g_string_append (out, buf);
      if (strpbrk (buf, ".eE") == NULL)
        g_string_append (out, ".0");
    }
  else
    {
      g_propagate_error (error, bad_value (field, _ ("Unknown filter or wrong type")));
      return NULL;
    }
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- Handlers ---- */

GVariant *
crm_custom_field_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *entity;
  g_autoptr (PGresult) res = NULL;
  GVariantBuilder b;

  g_variant_get (request, "(&s)", &entity);
  if (!entity_check (entity, error))
    return NULL;
  {
    const char *params[] = { entity };
    res = crm_db_exec (db, "settings_custom_list",
                       "SELECT id, key, label, type, required, choices, retired, sort"
                       " FROM custom_fields WHERE entity = $1 ORDER BY sort, id",
                       1, params, error);
  }
  if (res == NULL)
    return NULL;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int r = 0; r < PQntuples (res); r++)
    {
      g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_auto (GStrv) choices = crm_db_parse_array (crm_db_get_string (res, r, 5));

      g_variant_dict_insert (&d, "id", "x", crm_db_get_int64 (res, r, 0));
      g_variant_dict_insert (&d, "entity", "s", entity);
      g_variant_dict_insert (&d, "key", "s", crm_db_get_string (res, r, 1));
      g_variant_dict_insert (&d, "label", "s", crm_db_get_string (res, r, 2));
      g_variant_dict_insert (&d, "type", "s", crm_db_get_string (res, r, 3));
      g_variant_dict_insert (&d, "required", "b", crm_db_get_bool (res, r, 4));
      g_variant_dict_insert (&d, "choices", "^as", choices);
      g_variant_dict_insert (&d, "retired", "b", crm_db_get_bool (res, r, 6));
      g_variant_dict_insert (&d, "sort", "i", (gint32)crm_db_get_int64 (res, r, 7));
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
    }
  return g_variant_builder_end (&b);
}

#define FIELD_SNAPSHOT "SELECT to_jsonb (f) FROM custom_fields f WHERE id = $1"

static const char *const field_keys[]
    = { "id", "entity", "key", "label", "type", "required", "choices", "sort", "retired", NULL };

GVariant *
crm_custom_field_save (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *idem;
  g_autoptr (GVariant) fields = NULL;
  g_auto (GVariantDict) d;
  gint64      id = 0, sort = 0;
  const char *entity = NULL, *key = NULL, *label = NULL, *type = NULL;
  gboolean    required = FALSE, retired = FALSE;
  gboolean    has_entity, has_key, has_label, has_type, has_required, has_sort, has_retired;
  g_auto (GStrv) choices = NULL;
  g_autofree char *before = NULL, *after = NULL, *choices_literal = NULL, *sid = NULL;
  g_autofree char *ssort = NULL, *trimmed = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&s@a{sv})", &idem, &fields);
  g_variant_dict_init (&d, fields);
  if (!crm_admin_dict_only (fields, field_keys, error)
      || !crm_admin_dict_int64 (&d, "id", &id, NULL, error)
      || !crm_admin_dict_string (&d, "entity", &entity, &has_entity, error)
      || !crm_admin_dict_string (&d, "key", &key, &has_key, error)
      || !crm_admin_dict_string (&d, "label", &label, &has_label, error)
      || !crm_admin_dict_string (&d, "type", &type, &has_type, error)
      || !crm_admin_dict_bool (&d, "required", &required, &has_required, error)
      || !crm_admin_dict_bool (&d, "retired", &retired, &has_retired, error)
      || !crm_admin_dict_strv (&d, "choices", &choices, error))
    return NULL;
  {
    gint32    s32 = 0;
    GVariant *v = g_variant_dict_lookup_value (&d, "sort", NULL);

    has_sort = v != NULL;
    if (v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_INT32))
      s32 = g_variant_get_int32 (v);
    else if (v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_INT64)
             && g_variant_get_int64 (v) >= G_MININT32 && g_variant_get_int64 (v) <= G_MAXINT32)
      s32 = (gint32)g_variant_get_int64 (v);
    else if (v != NULL)
      {
        g_variant_unref (v);
        g_propagate_error (error, bad_value ("sort", _ ("This field has the wrong type")));
        return NULL;
      }
    g_clear_pointer (&v, g_variant_unref);
    sort = s32;
  }
  if (id < 0)
    {
      g_propagate_error (error, bad_value ("id", _ ("This field has the wrong type")));
      return NULL;
    }
  if (has_label && !crm_validate_text (label, 50, TRUE, "label", error))
    return NULL;
  if (has_type && !g_strv_contains (field_types, type))
    {
      g_propagate_error (error, bad_value ("type", _ ("Unknown field type")));
      return NULL;
    }
  if (choices != NULL)
    {
      guint n = g_strv_length (choices);

      if (n > MAX_CHOICES)
        {
          g_propagate_error (error, bad_value ("choices", _ ("Too many choices")));
          return NULL;
        }
      for (guint i = 0; i < n; i++)
        {
          if (!crm_validate_text (choices[i], 50, TRUE, "choices", error))
            return NULL;
          for (guint j = 0; j < i; j++)
            if (strcmp (choices[i], choices[j]) == 0)
              {
                g_propagate_error (error, bad_value ("choices", _ ("A choice is listed twice")));
                return NULL;
              }
        }
      choices_literal = crm_db_text_array ((const char *const *)choices, -1);
    }
  trimmed = has_label ? g_strstrip (g_strdup (label)) : NULL;
  ssort = crm_db_int64_to_string (sort);

  if (id == 0)
    {
      /* A new field: entity, key, label and type are required; the key is
       * its name in records ("cf.<key>") and never changes. */
      if (!has_entity || !entity_check (entity, error))
        {
          if (!has_entity)
            g_propagate_error (error, bad_value ("entity", _ ("This field is required")));
          return NULL;
        }
      if (!has_key || !identifier_is_valid (key))
        {
          g_propagate_error (error,
                             bad_value ("key", _ ("A key uses lower-case letters, digits and “_” "
                                                  "(at most 32), starting with a letter")));
          return NULL;
        }
      if (!has_label || !has_type)
        {
          g_propagate_error (
              error, bad_value (has_label ? "type" : "label", _ ("This field is required")));
          return NULL;
        }
      if ((strcmp (type, "choice") == 0 || strcmp (type, "multi_choice") == 0)
          && (choices == NULL || choices[0] == NULL))
        {
          g_propagate_error (error,
                             bad_value ("choices", _ ("A choice field needs at least one choice")));
          return NULL;
        }
      {
        const char *params[] = { entity,
                                 key,
                                 trimmed,
                                 type,
                                 required ? "t" : "f",
                                 choices_literal ? choices_literal : "{}",
                                 ssort };
        g_autoptr (PGresult) count = crm_db_exec (
            db, "settings_custom_count", "SELECT count(*) FROM custom_fields WHERE entity = $1", 1,
            params, error);
        if (count == NULL)
          return NULL;
        if (crm_db_get_int64 (count, 0, 0) >= MAX_FIELDS_PER_ENTITY)
          {
            g_set_error_literal (error, CRM_ERROR, CRM_ERROR_CONFLICT,
                                 _ ("This kind of record has too many custom fields"));
            return NULL;
          }
        res = crm_db_exec (
            db, "settings_custom_insert",
            "INSERT INTO custom_fields (entity, key, label, type, required, choices, sort)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (entity, key) DO NOTHING RETURNING id",
            7, params, error);
      }
      if (res == NULL)
        return NULL;
      if (PQntuples (res) != 1)
        {
          g_propagate_error (error,
                             crm_error_new_field (CRM_ERROR_DUPLICATE, "key",
                                                  _ ("A field with this key already exists")));
          return NULL;
        }
      id = crm_db_get_int64 (res, 0, 0);
      after = crm_admin_snapshot (db, "settings_custom_snapshot", FIELD_SNAPSHOT, id,
                                  _ ("No such field"), error);
      if (after == NULL
          || !crm_db_audit (db, ctx, "create", "custom_field", id, NULL, after, error))
        return NULL;
      return crm_settings_changed (db, "custom_field", error) ? g_variant_new ("(x)", id) : NULL;
    }

  /* An existing field: the label, required flag, choices and order change;
   * the entity, key and type stay (stored values depend on them). */
  before = crm_admin_snapshot (db, "settings_custom_snapshot", FIELD_SNAPSHOT, id,
                               _ ("No such field"), error);
  if (before == NULL)
    return NULL;
  sid = crm_db_int64_to_string (id);
  {
    const char *params[]
        = { sid, has_entity ? entity : NULL, has_key ? key : NULL, has_type ? type : NULL };
    g_autoptr (PGresult) check
        = crm_db_exec (db, "settings_custom_fixed",
                       "SELECT ($2::text IS NULL OR $2 = entity), ($3::text IS NULL OR $3 = key),"
                       " ($4::text IS NULL OR $4 = type) FROM custom_fields WHERE id = $1",
                       4, params, error);
    if (check == NULL)
      return NULL;
    for (int c = 0; c < 3; c++)
      if (!crm_db_get_bool (check, 0, c))
        {
          g_propagate_error (
              error,
              bad_value (c == 0   ? "entity"
                         : c == 1 ? "key"
                                  : "type",
                         _ ("This cannot change once the field exists; add a new field instead")));
          return NULL;
        }
  }
  {
    const char *params[] = { sid,
                             trimmed,
                             has_required ? (required ? "t" : "f") : NULL,
                             choices_literal,
                             has_sort ? ssort : NULL,
                             has_retired ? (retired ? "t" : "f") : NULL };
    res = crm_db_exec (db, "settings_custom_update",
                       "UPDATE custom_fields SET label = coalesce ($2, label),"
                       " required = coalesce ($3::boolean, required),"
                       " choices = coalesce ($4::text[], choices),"
                       " sort = coalesce ($5::integer, sort),"
                       " retired = coalesce ($6::boolean, retired) WHERE id = $1",
                       6, params, error);
  }
  if (res == NULL)
    return NULL;
  after = crm_admin_snapshot (db, "settings_custom_snapshot", FIELD_SNAPSHOT, id,
                              _ ("No such field"), error);
  if (after == NULL || !crm_db_audit (db, ctx, "update", "custom_field", id, before, after, error))
    return NULL;
  return crm_settings_changed (db, "custom_field", error) ? g_variant_new ("(x)", id) : NULL;
}

GVariant *
crm_custom_field_retire (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char      *idem;
  gint64           id;
  g_autofree char *sid = NULL;
  g_autoptr (PGresult) res = NULL;

  g_variant_get (request, "(&sx)", &idem, &id);
  sid = crm_db_int64_to_string (id);
  {
    const char *params[] = { sid };
    /* Retired fields leave forms and lists; their values stay stored. */
    res = crm_db_exec (db, "settings_custom_retire",
                       "UPDATE custom_fields SET retired = true WHERE id = $1 RETURNING id", 1,
                       params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_set_error_literal (error, CRM_ERROR, CRM_ERROR_NOT_FOUND, _ ("No such field"));
      return NULL;
    }
  if (!crm_db_audit (db, ctx, "retire", "custom_field", id, "{\"retired\": false}",
                     "{\"retired\": true}", error))
    return NULL;
  return crm_settings_changed (db, "custom_field", error) ? g_variant_new ("()") : NULL;
}
