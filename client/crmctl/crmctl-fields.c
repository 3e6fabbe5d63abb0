/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crmctl"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-validate.h"
#include "crmctl-fields.h"

static const CrmctlField fields[] = {
  { "name",        "name",        "客户名称", N_("Name"),        FALSE, 100 },
  { "short_name",  "short-name",  "简称",     N_("Short name"),  FALSE, 100 },
  { "category",    "category",    "分类",     N_("Category"),    FALSE, 100 },
  { "industry",    "industry",    "行业",     N_("Industry"),    FALSE, 100 },
  { "source",      "source",      "来源",     N_("Source"),      FALSE, 100 },
  { "region",      "region",      "地区",     N_("Region"),      FALSE, 100 },
  { "value",       "value",       "价值",     N_("Value"),       FALSE, 100 },
  { "phones",      "phone",       "电话",     N_("Phones"),      TRUE,  50 },
  { "address",     "address",     "地址",     N_("Address"),     FALSE, 300 },
  { "postal_code", "postal-code", "邮编",     N_("Postal code"), FALSE, 6 },
  { "notes",       "notes",       "备注",     N_("Notes"),       FALSE, 2000 },
};

const CrmctlField *
crmctl_fields_all (gsize *n_fields)
{
  *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

const CrmctlField *
crmctl_field_by_option (const char *option)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (strcmp (fields[i].option, option) == 0 || strcmp (fields[i].key, option) == 0)
      return &fields[i];
  /* "phones" reads naturally too. */
  if (strcmp (option, "phones") == 0)
    return crmctl_field_by_key ("phones");
  return NULL;
}

const CrmctlField *
crmctl_field_by_key (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (strcmp (fields[i].key, key) == 0)
      return &fields[i];
  return NULL;
}

const CrmctlField *
crmctl_field_by_header (const char *header)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (header));
  g_autofree char *folded = g_utf8_casefold (trimmed, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *label = g_utf8_casefold (fields[i].label, -1);

      if (strcmp (trimmed, fields[i].header_zh) == 0 ||
          strcmp (folded, fields[i].key) == 0 ||
          strcmp (folded, fields[i].option) == 0 ||
          strcmp (folded, label) == 0)
        return &fields[i];
    }
  if (strcmp (folded, "phone") == 0 || strcmp (trimmed, "手机") == 0 ||
      strcmp (trimmed, "联系电话") == 0)
    return crmctl_field_by_key ("phones");
  if (strcmp (trimmed, "名称") == 0 || strcmp (trimmed, "客户") == 0)
    return crmctl_field_by_key ("name");
  return NULL;
}

static gboolean
is_list_separator (gunichar c)
{
  return c == 0x3001 /* 、 */ || c == ';' || c == 0xFF1B /* ； */ ||
         c == ',' || c == 0xFF0C /* ， */;
}

static GPtrArray *
split_list (const char *text)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;

  for (const char *p = text;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0 || is_list_separator (c))
        {
          g_autofree char *piece = g_strstrip (g_strndup (start, p - start));

          if (*piece != '\0')
            g_ptr_array_add (parts, g_steal_pointer (&piece));
          if (c == 0)
            break;
          start = g_utf8_next_char (p);
        }
    }
  return parts;
}

void
crmctl_field_add_text (const CrmctlField *f, GVariantBuilder *builder, const char *text)
{
  if (f->is_list)
    {
      g_autoptr(GPtrArray) parts = split_list (text);

      g_ptr_array_add (parts, NULL);
      g_variant_builder_add (builder, "{sv}", f->key,
                             g_variant_new_strv ((const char * const *) parts->pdata, -1));
    }
  else
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (text));

      g_variant_builder_add (builder, "{sv}", f->key, g_variant_new_string (trimmed));
    }
}

gboolean
crmctl_field_validate (const CrmctlField *f, const char *text, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  gboolean required = strcmp (f->key, "name") == 0;

  if (!g_utf8_validate (text, -1, NULL))
    return crm_validate_text (text, f->max_chars, required, f->key, error);

  if (f->is_list)
    {
      g_autoptr(GPtrArray) parts = split_list (trimmed);

      for (guint i = 0; i < parts->len; i++)
        {
          g_autofree char *name = g_strdup_printf ("%s[%u]", f->key, i);

          if (!crm_validate_phone (parts->pdata[i], name, error))
            return FALSE;
        }
      return TRUE;
    }
  if (strcmp (f->key, "postal_code") == 0 && *trimmed != '\0')
    return crm_validate_postal_code (trimmed, f->key, error);
  return crm_validate_text (trimmed, f->max_chars, required, f->key, error);
}
