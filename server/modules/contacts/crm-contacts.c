/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-contacts"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-contacts-private.h"
#include "crm-module-util.h"

/*
 * contact.list / get / create / update / delete.  A customer has at most
 * one primary contact among its live ones (a partial unique index); marking
 * another one primary unmarks the previous one in the same transaction,
 * with the customer row locked so that two such requests queue up.
 */

#define MAX_LIST 500

#define CONTACT_COLUMNS \
  "k.id, k.version, k.customer_id, c.name, c.owner_id, k.name, k.title, k.gender," \
  " k.phones, k.mobile, k.email, k.qq, k.wechat," \
  " coalesce (to_char (k.birthday, 'YYYY-MM-DD'), ''), k.is_primary, k.notes," \
  " (extract (epoch FROM k.created_at) * 1000000)::bigint," \
  " (extract (epoch FROM k.updated_at) * 1000000)::bigint, coalesce (k.created_by, 0)"
#define CONTACT_N_COLUMNS 19

#define CONTACT_FROM \
  " FROM contacts k JOIN customers c ON c.id = k.customer_id AND c.deleted_at IS NULL"

static const CrmRecordKind contact_kind = {
  .entity = "contact",
  .not_found = N_("No such contact"),
  .conflict = N_("Someone else changed this contact meanwhile; reload it and try again"),
  .exists_statement = "contact_exists",
  .exists_sql = "SELECT 1" CONTACT_FROM " WHERE k.id = $1 AND k.deleted_at IS NULL AND "
                CRM_CONTACTS_SCOPE_SQL,
};

static GError *
customer_not_found (void)
{
  return crm_error_new_field (CRM_ERROR_NOT_FOUND, "customer_id", _("No such customer"));
}

static GVariant *
contact_row (const PGresult *res, int r)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  g_auto(GStrv) phones = crm_db_parse_array (crm_db_get_string (res, r, 8));
  static const char * const text_keys[] = {
    NULL, NULL, NULL, "customer_name", NULL, "name", "title", "gender", NULL, "mobile",
    "email", "qq", "wechat", "birthday", NULL, "notes",
  };

  g_variant_dict_insert (&d, "id", "x", crm_db_get_int64 (res, r, 0));
  g_variant_dict_insert (&d, "version", "x", crm_db_get_int64 (res, r, 1));
  g_variant_dict_insert (&d, "customer_id", "x", crm_db_get_int64 (res, r, 2));
  g_variant_dict_insert (&d, "owner_id", "x", crm_db_get_int64 (res, r, 4));
  for (guint i = 0; i < G_N_ELEMENTS (text_keys); i++)
    if (text_keys[i] != NULL)
      g_variant_dict_insert (&d, text_keys[i], "s", crm_db_get_string (res, r, (int) i));
  g_variant_dict_insert_value (&d, "phones",
                               g_variant_new_strv ((const char * const *) phones, -1));
  g_variant_dict_insert (&d, "is_primary", "b", crm_db_get_bool (res, r, 14));
  g_variant_dict_insert (&d, "created_at", "x", crm_db_get_int64 (res, r, 16));
  g_variant_dict_insert (&d, "updated_at", "x", crm_db_get_int64 (res, r, 17));
  g_variant_dict_insert (&d, "created_by", "x", crm_db_get_int64 (res, r, 18));
  return g_variant_dict_end (&d);
}

gboolean
crm_contacts_customer_reachable (CrmDb *db, const char *customer, const char *owners,
                                 gboolean lock, gint64 *owner_id, GError **error)
{
  const char *params[] = { customer, owners };
  g_autoptr(PGresult) res = NULL;

  if (lock)
    res = crm_db_exec (db, "contact_customer_lock",
                       "SELECT c.owner_id FROM customers c WHERE c.id = $1 AND c.deleted_at IS NULL"
                       " AND " CRM_CONTACTS_SCOPE_SQL " FOR NO KEY UPDATE",
                       2, params, error);
  else
    res = crm_db_exec (db, "contact_customer_check",
                       "SELECT c.owner_id FROM customers c WHERE c.id = $1 AND c.deleted_at IS NULL"
                       " AND " CRM_CONTACTS_SCOPE_SQL,
                       2, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, customer_not_found ());
      return FALSE;
    }
  if (owner_id != NULL)
    *owner_id = crm_db_get_int64 (res, 0, 0);
  return TRUE;
}

/* Unmarks the customer's primary contact other than `except`, with audit
 * and a push for it. */
static gboolean
unmark_primary (CrmDb *db, CrmRequestContext *ctx, const char *customer, gint64 except,
                gint64 owner_id, GError **error)
{
  g_autofree char *sexcept = crm_db_int64_to_string (except);
  const char *params[] = { customer, sexcept };
  g_autoptr(PGresult) res =
    crm_db_exec (db, "contact_unmark_primary",
                 "UPDATE contacts k SET is_primary = false, version = version + 1,"
                 " updated_at = now ()"
                 " WHERE k.customer_id = $1 AND k.is_primary AND k.deleted_at IS NULL"
                 " AND k.id <> $2 RETURNING k.id, k.version, to_jsonb (k)",
                 2, params, error);

  if (res == NULL)
    return FALSE;
  for (int r = 0; r < PQntuples (res); r++)
    if (!crm_record_written (db, ctx, "update", "contact", crm_db_get_int64 (res, r, 0), NULL,
                             crm_db_get_string (res, r, 2), crm_db_get_int64 (res, r, 1),
                             owner_id, error))
      return FALSE;
  return TRUE;
}

GVariant *
crm_contact_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64 customer_id;
  g_autofree char *owners = NULL, *sid = NULL, *limit = NULL;
  g_autoptr(PGresult) res = NULL;
  GVariantBuilder b;

  g_variant_get (request, "(x)", &customer_id);
  if (!crm_db_scope_owners (db, ctx->session->user_id, "contact.view", &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (customer_id);
  if (!crm_contacts_customer_reachable (db, sid, owners, FALSE, NULL, error))
    return NULL;
  limit = g_strdup_printf ("%d", MAX_LIST);
  {
    const char *params[] = { sid, owners, limit };
    res = crm_db_exec (db, "contact_list",
                       "SELECT " CONTACT_COLUMNS CONTACT_FROM
                       " WHERE k.customer_id = $1 AND k.deleted_at IS NULL AND "
                       CRM_CONTACTS_SCOPE_SQL
                       " ORDER BY k.is_primary DESC, k.id LIMIT $3::int",
                       3, params, error);
  }
  if (res == NULL)
    return NULL;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int r = 0; r < PQntuples (res); r++)
    g_variant_builder_add_value (&b, contact_row (res, r));
  return g_variant_builder_end (&b);
}

GVariant *
crm_contact_get (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64 id;
  g_autofree char *owners = NULL, *sid = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(x)", &id);
  if (!crm_db_scope_owners (db, ctx->session->user_id, "contact.view", &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (id);
  {
    const char *params[] = { sid, owners };
    res = crm_db_exec (db, "contact_get",
                       "SELECT " CONTACT_COLUMNS CONTACT_FROM
                       " WHERE k.id = $1 AND k.deleted_at IS NULL AND " CRM_CONTACTS_SCOPE_SQL,
                       2, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, crm_record_not_found (&contact_kind));
      return NULL;
    }
  return contact_row (res, 0);
}

static const char *
text_or_empty (const CrmContactFields *f, guint i)
{
  return f->text[i] != NULL ? f->text[i] : "";
}

GVariant *
crm_contact_create (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  g_autoptr(GVariant) fields = NULL;
  g_auto(CrmContactFields) f = { 0 };
  g_autofree char *owners = NULL, *customer = NULL, *phones = NULL, *creator = NULL;
  g_autoptr(PGresult) res = NULL;
  gint64 owner_id = 0;

  g_variant_get (request, "(&s@a{sv})", &key, &fields);
  if (!crm_contact_fields_parse (fields, TRUE, &f, error))
    return NULL;
  if (!crm_db_scope_owners (db, ctx->session->user_id, "contact.add", &owners, error))
    return NULL;
  customer = crm_db_int64_to_string (f.customer_id);
  if (!crm_contacts_customer_reachable (db, customer, owners, f.is_primary, &owner_id, error))
    return NULL;
  if (f.is_primary && !unmark_primary (db, ctx, customer, 0, owner_id, error))
    return NULL;
  phones = crm_db_text_array ((const char * const *) f.phones, -1);
  creator = crm_db_int64_to_string (ctx->session->user_id);
  {
    const char *params[] = {
      customer, text_or_empty (&f, CT_NAME), text_or_empty (&f, CT_TITLE),
      text_or_empty (&f, CT_GENDER), phones, text_or_empty (&f, CT_MOBILE),
      text_or_empty (&f, CT_EMAIL), text_or_empty (&f, CT_QQ), text_or_empty (&f, CT_WECHAT),
      text_or_empty (&f, CT_BIRTHDAY), f.is_primary ? "true" : "false",
      text_or_empty (&f, CT_NOTES), creator,
    };
    res = crm_db_exec (db, "contact_insert",
                       "INSERT INTO contacts AS k (customer_id, name, title, gender, phones, mobile,"
                       " email, qq, wechat, birthday, is_primary, notes, created_by)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif ($10, '')::date, $11,"
                       " $12, $13) RETURNING k.id, k.version, to_jsonb (k)",
                       13, params, error);
  }
  return crm_record_created (db, ctx, "contact", res, owner_id, error);
}

GVariant *
crm_contact_update (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  gint64 id, expected, owner_id, version;
  g_autoptr(GVariant) changes = NULL;
  g_auto(CrmContactFields) f = { 0 };
  g_autofree char *owners = NULL, *sid = NULL, *sver = NULL, *phones = NULL;
  g_autoptr(PGresult) cur = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&sxx@a{sv})", &key, &id, &expected, &changes);
  if (!crm_contact_fields_parse (changes, FALSE, &f, error))
    return NULL;
  if (!crm_db_scope_owners (db, ctx->session->user_id, "contact.edit", &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (id);
  sver = crm_db_int64_to_string (expected);
  /* Whoever changes the primary contact locks the customer first, then the
   * contact: the same order as contact.create, so two such requests queue
   * instead of deadlocking. */
  if ((f.present & CT_PRESENT_PRIMARY) && f.is_primary)
    {
      const char *params[] = { sid, owners };
      g_autoptr(PGresult) lock =
        crm_db_exec (db, "contact_primary_customer_lock",
                     "SELECT 1 FROM customers c"
                     " WHERE c.id = (SELECT customer_id FROM contacts WHERE id = $1)"
                     " AND c.deleted_at IS NULL AND " CRM_CONTACTS_SCOPE_SQL " FOR NO KEY UPDATE",
                     2, params, error);

      if (lock == NULL)
        return NULL;
      if (PQntuples (lock) != 1)
        {
          g_propagate_error (error, crm_record_not_found (&contact_kind));
          return NULL;
        }
    }
  cur = crm_record_lock (db, &contact_kind, "contact_lock",
                         "SELECT k.version, k.customer_id, c.owner_id, to_jsonb (k)" CONTACT_FROM
                         " WHERE k.id = $1 AND k.deleted_at IS NULL AND " CRM_CONTACTS_SCOPE_SQL
                         " FOR UPDATE OF k",
                         sid, owners, 0, expected, error);
  if (cur == NULL)
    return NULL;
  owner_id = crm_db_get_int64 (cur, 0, 2);
  if ((f.present & CT_PRESENT_PRIMARY) && f.is_primary &&
      !unmark_primary (db, ctx, crm_db_get_string (cur, 0, 1), id, owner_id, error))
    return NULL;
  if (f.present & CT_PRESENT_PHONES)
    phones = crm_db_text_array ((const char * const *) f.phones, -1);
  {
    const char *params[] = {
      sid, sver, f.text[CT_NAME], f.text[CT_TITLE], f.text[CT_GENDER], phones,
      f.text[CT_MOBILE], f.text[CT_EMAIL], f.text[CT_QQ], f.text[CT_WECHAT],
      f.text[CT_BIRTHDAY], (f.present & CT_PRESENT_PRIMARY) ? (f.is_primary ? "true" : "false") : NULL,
      f.text[CT_NOTES],
    };
    res = crm_db_exec (db, "contact_update",
                       "UPDATE contacts k SET version = version + 1, updated_at = now (),"
                       " name = coalesce ($3, name), title = coalesce ($4, title),"
                       " gender = coalesce ($5, gender), phones = coalesce ($6::text[], phones),"
                       " mobile = coalesce ($7, mobile), email = coalesce ($8, email),"
                       " qq = coalesce ($9, qq), wechat = coalesce ($10, wechat),"
                       " birthday = CASE WHEN $11::text IS NULL THEN birthday"
                       "  ELSE nullif ($11, '')::date END,"
                       " is_primary = coalesce ($12::boolean, is_primary),"
                       " notes = coalesce ($13, notes)"
                       " WHERE k.id = $1 AND k.version = $2 AND k.deleted_at IS NULL"
                       " RETURNING k.version, to_jsonb (k)",
                       13, params, error);
  }
  if (!crm_record_updated (db, ctx, &contact_kind, res, sid, owners, id,
                           crm_db_get_string (cur, 0, 3), owner_id, &version, error))
    return NULL;
  return g_variant_new ("(x)", version);
}

GVariant *
crm_contact_delete (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  /* A deleted contact stops being primary: restoring it from the recycle
   * bin must not collide with the primary chosen meanwhile. */
  return crm_record_delete (db, ctx, request, &contact_kind, "contact.delete", "contact_delete",
                            "UPDATE contacts k SET deleted_at = now (), deleted_by = $4,"
                            " is_primary = false, version = k.version + 1, updated_at = now ()"
                            " FROM customers c"
                            " WHERE c.id = k.customer_id AND c.deleted_at IS NULL"
                            " AND k.id = $1 AND k.version = $3 AND k.deleted_at IS NULL AND "
                            CRM_CONTACTS_SCOPE_SQL " RETURNING k.version, c.owner_id, to_jsonb (k)",
                            error);
}
