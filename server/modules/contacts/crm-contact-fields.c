/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-contacts"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-contacts-private.h"
#include "crm-module-util.h"
#include "crm-validate.h"

#define MAX_PHONES 10

const char * const crm_contact_text_keys[CT_N_TEXT] = {
  "name", "title", "gender", "mobile", "email", "qq", "wechat", "birthday", "notes",
};

/* Characters (not bytes); the database checks the same limits. */
static const gsize text_limits[CT_N_TEXT] = { 50, 50, 10, 40, 100, 20, 50, 10, 2000 };

static const char * const read_only_keys[] = {
  "id", "version", "customer_name", "owner_id", "created_at", "updated_at",
  "created_by", "deleted_at", "deleted_by",
};

void
crm_contact_fields_clear (CrmContactFields *f)
{
  for (guint i = 0; i < CT_N_TEXT; i++)
    g_clear_pointer (&f->text[i], g_free);
  g_clear_pointer (&f->phones, g_strfreev);
  f->present = 0;
  f->customer_id = 0;
  f->is_primary = FALSE;
}

static GError *
invalid (const char *field, const char *message)
{
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message);
}

gboolean
crm_contacts_valid_date (const char *text, int max_year)
{
  unsigned y, m, d;
  char tail;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  if (sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (y < 1900 || (int) y > max_year)
    return FALSE;
  return g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* A value of one text field, already trimmed; FALSE with the field named. */
static gboolean
check_text (guint i, const char *text, GError **error)
{
  const char *key = crm_contact_text_keys[i];

  if (!crm_validate_text (text, text_limits[i], i == CT_NAME, key, error))
    return FALSE;
  if (*text == '\0')
    return TRUE;
  switch (i)
    {
    case CT_GENDER:
      if (strcmp (text, "male") != 0 && strcmp (text, "female") != 0)
        {
          g_propagate_error (error, invalid (key, _("Choose male, female or nothing")));
          return FALSE;
        }
      return TRUE;
    case CT_MOBILE:
      return crm_validate_phone (text, key, error);
    case CT_EMAIL:
      return crm_validate_email (text, key, error);
    case CT_QQ:
      {
        gsize n = strlen (text);
        gboolean ok = n >= 5 && n <= 12 && text[0] != '0';

        for (gsize k = 0; k < n && ok; k++)
          ok = g_ascii_isdigit (text[k]);
        if (!ok)
          {
            g_propagate_error (error, invalid (key, _("A QQ number has 5 to 12 digits")));
            return FALSE;
          }
        return TRUE;
      }
    case CT_BIRTHDAY:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();

        if (!crm_contacts_valid_date (text, g_date_time_get_year (now)))
          {
            g_propagate_error (error, invalid (key, _("Enter the date as YYYY-MM-DD")));
            return FALSE;
          }
        return TRUE;
      }
    default:
      return TRUE;
    }
}

gboolean
crm_contact_fields_parse (GVariant          *dict,
                          gboolean           create,
                          CrmContactFields  *out,
                          GError           **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  memset (out, 0, sizeof *out);
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;
      gboolean known = FALSE;

      for (guint i = 0; i < CT_N_TEXT && !known; i++)
        if (strcmp (key, crm_contact_text_keys[i]) == 0)
          {
            g_autofree char *trimmed = NULL;

            known = TRUE;
            if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
              {
                g_propagate_error (error, invalid (key, _("The field has the wrong type")));
                goto fail;
              }
            trimmed = g_strstrip (g_strdup (g_variant_get_string (value, NULL)));
            if (!check_text (i, trimmed, error))
              goto fail;
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
              g_propagate_error (error, invalid (key, _("The field has the wrong type")));
              goto fail;
            }
          g_clear_pointer (&out->phones, g_strfreev);
          out->phones = crm_record_parse_phones (value, key, MAX_PHONES, error);
          if (out->phones == NULL)
            goto fail;
          out->present |= CT_PRESENT_PHONES;
          continue;
        }
      if (strcmp (key, "is_primary") == 0)
        {
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            {
              g_propagate_error (error, invalid (key, _("The field has the wrong type")));
              goto fail;
            }
          out->is_primary = g_variant_get_boolean (value);
          out->present |= CT_PRESENT_PRIMARY;
          continue;
        }
      if (strcmp (key, "customer_id") == 0)
        {
          if (!create)
            {
              g_propagate_error (error, invalid (key, _("This field cannot be changed")));
              goto fail;
            }
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_INT64) || g_variant_get_int64 (value) <= 0)
            {
              g_propagate_error (error, invalid (key, _("The field has the wrong type")));
              goto fail;
            }
          out->customer_id = g_variant_get_int64 (value);
          out->present |= CT_PRESENT_CUSTOMER;
          continue;
        }
      g_propagate_error (error, crm_record_refuse_key (key, read_only_keys,
                                                       G_N_ELEMENTS (read_only_keys)));
      goto fail;
    }
  if (create && (out->present & CT_PRESENT_CUSTOMER) == 0)
    {
      g_propagate_error (error, invalid ("customer_id", _("Choose the customer of the contact")));
      goto fail;
    }
  if (create && (out->present & (1u << CT_NAME)) == 0)
    {
      g_propagate_error (error, invalid ("name", _("The name is required")));
      goto fail;
    }
  return TRUE;

fail:
  crm_contact_fields_clear (out);
  return FALSE;
}
