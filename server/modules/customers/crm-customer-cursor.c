/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-cursor.h"
#include "settings/crm-settings.h"

static const char * const filter_text_keys[] = {
  "category", "industry", "source", "region", "value",
};

void
crm_customer_query_clear (CrmCustomerQuery *q)
{
  if (q->sql)
    g_string_free (q->sql, TRUE);
  if (q->params)
    g_ptr_array_unref (q->params);
}

guint
crm_customer_query_param (CrmCustomerQuery *q, char *value)
{
  g_ptr_array_add (q->params, value);
  return q->params->len;
}

gboolean
crm_customer_query_begin (CrmDb *db, CrmRequestContext *ctx, const char *permission,
                          GVariant *filters, CrmCustomerQuery *q, GError **error)
{
  g_autofree char *owners = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  GString *conds = g_string_new (NULL);

  q->params = g_ptr_array_new_with_free_func (g_free);
  if (!crm_db_scope_owners (db, ctx->session->user_id, permission, &owners, error))
    {
      g_string_free (conds, TRUE);
      return FALSE;
    }
  q->scope_all = owners == NULL;
  crm_customer_query_param (q, g_steal_pointer (&owners));

  g_variant_iter_init (&iter, filters);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (filter_text_keys); i++)
        if (strcmp (key, filter_text_keys[i]) == 0)
          {
            guint n;
            known = TRUE;
            if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ||
                g_utf8_strlen (g_variant_get_string (value, NULL), -1) > 100)
              goto bad_filter;
            n = crm_customer_query_param (q, g_variant_dup_string (value, NULL));
            g_string_append_printf (conds, " AND c.%s = $%u", key, n);
          }
      if (known)
        {
          q->filtered = TRUE;
          continue;
        }
      if (strcmp (key, "owner_id") == 0)
        {
          guint n;
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
            goto bad_filter;
          n = crm_customer_query_param (q, crm_db_int64_to_string (g_variant_get_int64 (value)));
          g_string_append_printf (conds, " AND c.owner_id = $%u", n);
          q->filtered = TRUE;
          continue;
        }
      if (strcmp (key, "deleted") == 0)
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            goto bad_filter;
          q->deleted = g_variant_get_boolean (value);
          continue;
        }
      /* Custom fields (issue 4): containment, served by the GIN index. */
      if (crm_settings_is_custom_key (key))
        {
          char *json = crm_settings_custom_filter_json (key, value, NULL);
          guint n;

          if (json == NULL)
            goto bad_filter;
          n = crm_customer_query_param (q, json);
          g_string_append_printf (conds, " AND c.custom @> $%u::jsonb", n);
          q->filtered = TRUE;
          continue;
        }
      goto bad_filter;
    }
  q->sql = g_string_new (" FROM customers c WHERE ($1::bigint[] IS NULL OR c.owner_id = ANY ($1::bigint[]))");
  g_string_append (q->sql, q->deleted ? " AND c.deleted_at IS NOT NULL" : " AND c.deleted_at IS NULL");
  g_string_append (q->sql, conds->str);
  g_string_free (conds, TRUE);
  return TRUE;

bad_filter:
  {
    g_autofree char *field = g_strdup_printf ("filters.%s", key);
    g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s",
                                                   _("Unknown filter or wrong type")));
  }
  g_variant_unref (value);
  g_string_free (conds, TRUE);
  return FALSE;
}

PGresult *
crm_customer_query_run (CrmDb *db, CrmCustomerQuery *q, const char *prefix, const char *suffix,
                        GError **error)
{
  g_autofree char *sql = g_strconcat (prefix, q->sql->str, suffix, NULL);

  return crm_db_exec_composed (db, sql, q->params->len,
                               (const char * const *) q->params->pdata, error);
}

gboolean
crm_customer_query_estimate (CrmDb *db, CrmCustomerQuery *q, gint64 *estimate, GError **error)
{
  *estimate = -1;
  if (q->scope_all && !q->filtered && !q->deleted)
    {
      g_autoptr(PGresult) res =
        crm_db_exec (db, "customer_reltuples",
                     "SELECT reltuples::bigint FROM pg_class WHERE oid = 'customers'::regclass",
                     0, NULL, error);
      if (res == NULL)
        return FALSE;
      *estimate = crm_db_get_int64 (res, 0, 0);
    }
  else
    {
      g_autofree char *sql = g_strconcat ("EXPLAIN SELECT 1", q->sql->str, NULL);
      g_autoptr(PGresult) res = crm_db_exec_once (db, sql, q->params->len,
                                                  (const char * const *) q->params->pdata,
                                                  error);
      const char *rows;

      if (res == NULL)
        return FALSE;
      rows = PQntuples (res) > 0 ? strstr (PQgetvalue (res, 0, 0), "rows=") : NULL;
      if (rows != NULL)
        *estimate = g_ascii_strtoll (rows + 5, NULL, 10);
    }
  return TRUE;
}

char *
crm_customer_cursor_encode (const char *sort_value, gint64 id)
{
  g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new ("(sx)", sort_value, id));
  char *b64 = g_base64_encode (g_variant_get_data (v), g_variant_get_size (v));

  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  return b64;
}

gboolean
crm_customer_cursor_decode (const char *cursor, char **sort_value, gint64 *id)
{
  g_autofree char *text = g_strdup (cursor);
  g_autofree guchar *raw = NULL;
  gsize len = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) v = NULL;

  if (strlen (text) > 1024)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '=')
      return FALSE;
  g_strdelimit (text, "-", '+');
  g_strdelimit (text, "_", '/');
  raw = g_base64_decode (text, &len);
  bytes = g_bytes_new_take (g_steal_pointer (&raw), len);
  v = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(sx)"), bytes, FALSE));
  if (!g_variant_is_normal_form (v))
    return FALSE;
  g_variant_get (v, "(sx)", sort_value, id);
  return TRUE;
}
