/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customers"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-customer-fields.h"
#include "crm-module-util.h"
#include "settings/crm-settings.h"
#include "crm-phone.h"
#include "crm-pinyin.h"
#include "crm-validate.h"
#include "crm-vardict-writer.h"

const char * const crm_customer_text_keys[CF_N_TEXT] = {
  "name", "short_name", "category", "industry", "source", "region",
  "value", "address", "postal_code", "notes",
};

static const guint text_limits[CF_N_TEXT] = {
  100, 50, 50, 50, 50, 50, 50, 200, 6, 2000,
};

static const char * const read_only_keys[] = {
  "id", "version", "code", "created_by", "created_at", "updated_at", "deleted_at",
  "owner_name",
};

void
crm_customer_fields_clear (CrmCustomerFields *f)
{
  for (guint i = 0; i < CF_N_TEXT; i++)
    g_clear_pointer (&f->text[i], g_free);
  g_clear_pointer (&f->phones, g_strfreev);
  f->present = 0;
}

static GError *
wrong_type (const char *key)
{
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, key, _("This field has the wrong type"));
}

gboolean
crm_customer_fields_parse (GVariant           *dict,
                           gboolean            create,
                           CrmCustomerFields  *out,
                           GError            **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  memset (out, 0, sizeof *out);
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      gboolean known = FALSE;

      for (guint i = 0; i < CF_N_TEXT; i++)
        if (strcmp (key, crm_customer_text_keys[i]) == 0)
          {
            const char *text;
            g_autofree char *trimmed = NULL;

            known = TRUE;
            if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
              {
                g_propagate_error (error, wrong_type (key));
                goto fail_loop;
              }
            text = g_variant_get_string (value, NULL);
            if (!crm_validate_text (text, text_limits[i], i == CF_NAME, key, error))
              goto fail_loop;
            trimmed = g_strstrip (g_strdup (text));
            if (i == CF_POSTAL_CODE && *trimmed != '\0' &&
                !crm_validate_postal_code (trimmed, key, error))
              goto fail_loop;
            g_free (out->text[i]);
            out->text[i] = g_steal_pointer (&trimmed);
            out->present |= 1u << i;
          }
      if (known)
        continue;
      if (strcmp (key, "phones") == 0)
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
            {
              g_propagate_error (error, wrong_type (key));
              goto fail_loop;
            }
          g_clear_pointer (&out->phones, g_strfreev);
          out->phones = crm_record_parse_phones (value, key, CRM_CUSTOMER_MAX_PHONES, error);
          if (out->phones == NULL)
            goto fail_loop;
          out->present |= CF_PRESENT_PHONES;
          continue;
        }
      if (strcmp (key, "owner_id") == 0)
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_INT64) ||
              g_variant_get_int64 (value) <= 0)
            {
              g_propagate_error (error, wrong_type (key));
              goto fail_loop;
            }
          out->owner_id = g_variant_get_int64 (value);
          out->present |= CF_PRESENT_OWNER;
          continue;
        }
      /* Custom fields are checked against their definitions by the
       * handler (crm_settings_custom_parse), which needs the database. */
      if (crm_settings_is_custom_key (key))
        continue;
      g_propagate_error (error, crm_record_refuse_key (key, read_only_keys,
                                                       G_N_ELEMENTS (read_only_keys)));
      goto fail_loop;
    }
  if (create && (out->present & (1u << CF_NAME)) == 0)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "name",
                                                     _("The name is required")));
      goto fail;
    }
  /* Strings the caller does not send stay empty (create) or unchanged
   * (update: the handler merges). */
  for (guint i = 0; i < CF_N_TEXT; i++)
    if (out->text[i] == NULL)
      out->text[i] = g_strdup ("");
  if (out->phones == NULL)
    out->phones = g_new0 (char *, 1);
  return TRUE;

fail_loop:
  /* `value` is still referenced when leaving the loop early. */
  g_variant_unref (value);
fail:
  crm_customer_fields_clear (out);
  return FALSE;
}

GPtrArray *
crm_customer_bigrams (const char *text, GPtrArray *into)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  const char *p = lower;

  if (into == NULL)
    into = g_ptr_array_new_with_free_func (g_free);
  while (*p)
    {
      const char *next = g_utf8_next_char (p);
      const char *after;
      g_autofree char *pair = NULL;
      gboolean seen = FALSE;

      if (*next == '\0')
        break;
      after = g_utf8_next_char (next);
      pair = g_strndup (p, after - p);
      for (guint i = 0; i < into->len && !seen; i++)
        seen = strcmp (g_ptr_array_index (into, i), pair) == 0;
      if (!seen)
        g_ptr_array_add (into, g_steal_pointer (&pair));
      p = next;
    }
  return into;
}

void
crm_customer_derive (const CrmCustomerFields *f, CrmCustomerDerived *out)
{
  g_autofree char *ini_name = NULL, *ini_short = NULL;
  g_autofree char *py_name = crm_pinyin_from_text (f->text[CF_NAME], &ini_name);
  g_autofree char *py_short = crm_pinyin_from_text (f->text[CF_SHORT_NAME], &ini_short);
  g_autoptr(GPtrArray) grams = NULL;
  g_autoptr(GString) digits = g_string_new (NULL);

  out->pinyin = g_strjoin (" ", py_name ? py_name : "", py_short ? py_short : "", NULL);
  out->initials = g_strjoin (" ", ini_name ? ini_name : "", ini_short ? ini_short : "", NULL);
  g_strstrip (out->pinyin);
  g_strstrip (out->initials);
  for (guint i = 0; f->phones && f->phones[i]; i++)
    {
      g_autofree char *d = crm_phone_digits (f->phones[i]);

      if (d == NULL || *d == '\0')
        continue;
      if (digits->len > 0)
        g_string_append_c (digits, ' ');
      g_string_append (digits, d);
    }
  out->phone_digits = g_string_free (g_steal_pointer (&digits), FALSE);
  grams = crm_customer_bigrams (f->text[CF_NAME], NULL);
  crm_customer_bigrams (f->text[CF_SHORT_NAME], grams);
  out->bigrams = crm_db_text_array ((const char * const *) grams->pdata, grams->len);
}

void
crm_customer_derived_clear (CrmCustomerDerived *d)
{
  g_clear_pointer (&d->pinyin, g_free);
  g_clear_pointer (&d->initials, g_free);
  g_clear_pointer (&d->phone_digits, g_free);
  g_clear_pointer (&d->bigrams, g_free);
}

/* Written straight into its serialised form (protocol/crm-vardict-writer.h):
 * this runs for every customer.get and every row of a page, and building
 * the reply as a tree of GVariant instances was a third of the server's
 * CPU per customer.get. */
GVariant *
crm_customer_row_to_variant (const PGresult *res, int r, int c)
{
  CrmVardictWriter w;
  g_auto(GStrv) phones = crm_db_parse_array (crm_db_get_string (res, r, c + 10));
  const char *custom = crm_db_get_string (res, r, c + 20);

  crm_vardict_writer_init (&w);
  crm_vardict_writer_add_int64 (&w, "id", crm_db_get_int64 (res, r, c + 0));
  crm_vardict_writer_add_int64 (&w, "version", crm_db_get_int64 (res, r, c + 1));
  crm_vardict_writer_add_string (&w, "code", crm_db_get_string (res, r, c + 2));
  for (guint i = 0; i < CF_N_TEXT; i++)
    {
      /* Column order: name … value at 3–9, address, postal_code, notes at 11–13. */
      int col = i <= CF_VALUE ? (int) (c + 3 + i) : (int) (c + 11 + (i - CF_ADDRESS));
      crm_vardict_writer_add_string (&w, crm_customer_text_keys[i], crm_db_get_string (res, r, col));
    }
  crm_vardict_writer_add_strv (&w, "phones", (const char * const *) phones, -1);
  crm_vardict_writer_add_int64 (&w, "owner_id", crm_db_get_int64 (res, r, c + 14));
  crm_vardict_writer_add_string (&w, "owner_name", crm_db_get_string (res, r, c + 15));
  crm_vardict_writer_add_int64 (&w, "created_by", crm_db_get_int64 (res, r, c + 16));
  crm_vardict_writer_add_int64 (&w, "created_at", crm_db_get_epoch_us (res, r, c + 17));
  crm_vardict_writer_add_int64 (&w, "updated_at", crm_db_get_epoch_us (res, r, c + 18));
  crm_vardict_writer_add_int64 (&w, "deleted_at", crm_db_get_epoch_us (res, r, c + 19));
  /* Custom fields as "cf.<key>" (issue 4, settings/crm-settings.h); their
   * keys never meet the fixed ones above. */
  if (*custom != '\0' && strcmp (custom, "{}") != 0)
    {
      g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
      g_autoptr(GVariant) extra = NULL;
      GVariantIter iter;
      const char *key;
      GVariant *value;

      crm_settings_custom_to_dict (&d, custom);
      extra = g_variant_ref_sink (g_variant_dict_end (&d));
      g_variant_iter_init (&iter, extra);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          crm_vardict_writer_add_value (&w, key, value);
          g_variant_unref (value);
        }
    }
  return crm_vardict_writer_end (&w);
}
