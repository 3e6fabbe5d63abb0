/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-followups"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "crm-contacts-private.h"
#include "crm-module-util.h"
#include "crm-validate.h"

/*
 * followup.list / get / create / update / delete.  The timeline of a
 * customer is read newest first in keyset pages on (at, id); the cursor is
 * "<at µs>:<id>" of the last row of the previous page.
 */

#define MAX_LIST_LIMIT 200
#define MAX_CONTENT    4000
#define MIN_TIME_US    G_GINT64_CONSTANT (946684800000000)   /* 2000-01-01 */
#define MAX_AHEAD_US   (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

static const char * const methods[] = { "phone", "visit", "wechat", "email", "other", NULL };

#define FOLLOWUP_COLUMNS \
  "f.id, f.version, f.customer_id, coalesce (f.contact_id, 0)," \
  " coalesce ((SELECT name FROM contacts WHERE id = f.contact_id), '')," \
  " f.user_id, coalesce ((SELECT display_name FROM users WHERE id = f.user_id), '')," \
  " (extract (epoch FROM f.at) * 1000000)::bigint, f.method, f.content," \
  " coalesce (to_char (f.next_date, 'YYYY-MM-DD'), '')," \
  " (extract (epoch FROM f.created_at) * 1000000)::bigint," \
  " (extract (epoch FROM f.updated_at) * 1000000)::bigint, c.name, c.owner_id"

static const CrmDbColumn followup_columns[] = {
  { "id", 'x' }, { "version", 'x' }, { "customer_id", 'x' }, { "contact_id", 'x' },
  { "contact_name", 's' }, { "user_id", 'x' }, { "user_name", 's' }, { "at", 'x' },
  { "method", 's' }, { "content", 's' }, { "next_date", 's' }, { "created_at", 'x' },
  { "updated_at", 'x' }, { "customer_name", 's' }, { "owner_id", 'x' },
};

#define FOLLOWUP_FROM \
  " FROM followups f JOIN customers c ON c.id = f.customer_id AND c.deleted_at IS NULL"

static GError *
invalid (const char *field, const char *message)
{
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, field, "%s", message);
}

static const CrmRecordKind followup_kind = {
  .entity = "followup",
  .not_found = N_("No such follow-up"),
  .conflict = N_("Someone else changed this follow-up meanwhile; reload it and try again"),
  .exists_statement = "followup_exists",
  .exists_sql = "SELECT 1" FOLLOWUP_FROM " WHERE f.id = $1 AND f.deleted_at IS NULL AND "
                CRM_CONTACTS_SCOPE_SQL,
};

/* ---- fields ---- */

#define FU_CUSTOMER  (1u << 0)
#define FU_CONTACT   (1u << 1)
#define FU_AT        (1u << 2)
#define FU_METHOD    (1u << 3)
#define FU_CONTENT   (1u << 4)
#define FU_NEXT_DATE (1u << 5)

typedef struct {
  guint32 present;
  gint64  customer_id;
  gint64  contact_id;   /* 0 = none */
  gint64  at;           /* unix µs */
  char   *method;
  char   *content;
  char   *next_date;    /* "" = none */
} FollowupFields;

static void
followup_fields_clear (FollowupFields *f)
{
  g_clear_pointer (&f->method, g_free);
  g_clear_pointer (&f->content, g_free);
  g_clear_pointer (&f->next_date, g_free);
  f->present = 0;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FollowupFields, followup_fields_clear)

static gboolean
want_type (GVariant *value, const GVariantType *type, const char *key, GError **error)
{
  if (g_variant_is_of_type (value, type))
    return TRUE;
  g_propagate_error (error, invalid (key, _("The field has the wrong type")));
  return FALSE;
}

static gboolean
followup_fields_parse (GVariant *dict, gboolean create, FollowupFields *out, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  memset (out, 0, sizeof *out);
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;

      if (strcmp (key, "customer_id") == 0)
        {
          if (!create)
            {
              g_propagate_error (error, invalid (key, _("This field cannot be changed")));
              return FALSE;
            }
          if (!want_type (value, G_VARIANT_TYPE_INT64, key, error))
            return FALSE;
          out->customer_id = g_variant_get_int64 (value);
          if (out->customer_id <= 0)
            {
              g_propagate_error (error, invalid (key, _("Choose the customer")));
              return FALSE;
            }
          out->present |= FU_CUSTOMER;
        }
      else if (strcmp (key, "contact_id") == 0)
        {
          if (!want_type (value, G_VARIANT_TYPE_INT64, key, error))
            return FALSE;
          out->contact_id = g_variant_get_int64 (value);
          if (out->contact_id < 0)
            {
              g_propagate_error (error, invalid (key, _("No such contact")));
              return FALSE;
            }
          out->present |= FU_CONTACT;
        }
      else if (strcmp (key, "at") == 0)
        {
          if (!want_type (value, G_VARIANT_TYPE_INT64, key, error))
            return FALSE;
          out->at = g_variant_get_int64 (value);
          if (out->at < MIN_TIME_US || out->at > g_get_real_time () + MAX_AHEAD_US)
            {
              g_propagate_error (error, invalid (key, _("The time is out of range")));
              return FALSE;
            }
          out->present |= FU_AT;
        }
      else if (strcmp (key, "method") == 0)
        {
          if (!want_type (value, G_VARIANT_TYPE_STRING, key, error))
            return FALSE;
          if (!g_strv_contains (methods, g_variant_get_string (value, NULL)))
            {
              g_propagate_error (error, invalid (key, _("Choose how the customer was followed up")));
              return FALSE;
            }
          g_free (out->method);
          out->method = g_variant_dup_string (value, NULL);
          out->present |= FU_METHOD;
        }
      else if (strcmp (key, "content") == 0)
        {
          g_autofree char *trimmed = NULL;

          if (!want_type (value, G_VARIANT_TYPE_STRING, key, error))
            return FALSE;
          trimmed = g_strstrip (g_variant_dup_string (value, NULL));
          if (!crm_validate_text (trimmed, MAX_CONTENT, TRUE, key, error))
            return FALSE;
          g_free (out->content);
          out->content = g_steal_pointer (&trimmed);
          out->present |= FU_CONTENT;
        }
      else if (strcmp (key, "next_date") == 0)
        {
          const char *text;

          if (!want_type (value, G_VARIANT_TYPE_STRING, key, error))
            return FALSE;
          text = g_variant_get_string (value, NULL);
          if (*text != '\0' && !crm_contacts_valid_date (text, 2100))
            {
              g_propagate_error (error, invalid (key, _("Enter the date as YYYY-MM-DD")));
              return FALSE;
            }
          g_free (out->next_date);
          out->next_date = g_strdup (text);
          out->present |= FU_NEXT_DATE;
        }
      else
        {
          g_propagate_error (error, invalid (key, _("Unknown field")));
          return FALSE;
        }
    }
  if (create && (out->present & FU_CUSTOMER) == 0)
    {
      g_propagate_error (error, invalid ("customer_id", _("Choose the customer")));
      return FALSE;
    }
  if (create && (out->present & FU_METHOD) == 0)
    {
      g_propagate_error (error, invalid ("method", _("Choose how the customer was followed up")));
      return FALSE;
    }
  if (create && (out->present & FU_CONTENT) == 0)
    {
      g_propagate_error (error, invalid ("content", _("Write what was said or done")));
      return FALSE;
    }
  return TRUE;
}

/* A named contact must be a live contact of the same customer. */
static gboolean
check_contact (CrmDb *db, const char *customer, gint64 contact_id, GError **error)
{
  g_autofree char *sid = crm_db_int64_to_string (contact_id);
  const char *params[] = { sid, customer };
  g_autoptr(PGresult) res = NULL;

  if (contact_id == 0)
    return TRUE;
  res = crm_db_exec (db, "followup_contact_check",
                     "SELECT 1 FROM contacts WHERE id = $1 AND customer_id = $2"
                     " AND deleted_at IS NULL", 2, params, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, invalid ("contact_id", _("This contact does not belong to the customer")));
      return FALSE;
    }
  return TRUE;
}

/* ---- handlers ---- */

GVariant *
crm_followup_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64 customer_id, at = 0, after_id = 0;
  const char *cursor;
  gint32 limit;
  g_autofree char *owners = NULL, *sid = NULL, *sat = NULL, *safter = NULL, *slimit = NULL;
  g_autofree char *next = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GVariant) rows = NULL;
  int n;

  g_variant_get (request, "(x&si)", &customer_id, &cursor, &limit);
  if (limit < 1 || limit > MAX_LIST_LIMIT)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "limit",
                         _("Ask for between 1 and %d rows"), MAX_LIST_LIMIT));
      return NULL;
    }
  if (*cursor != '\0')
    {
      char tail;

      if (strlen (cursor) > 48 ||
          sscanf (cursor, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "%c", &at, &after_id, &tail) != 2 ||
          after_id <= 0)
        {
          g_propagate_error (error, invalid ("cursor", _("The list position is not valid; reload the list")));
          return NULL;
        }
      sat = crm_db_int64_to_string (at);
      safter = crm_db_int64_to_string (after_id);
    }
  if (!crm_db_scope_owners (db, ctx->session->user_id, "followup.view", &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (customer_id);
  if (!crm_contacts_customer_reachable (db, sid, owners, FALSE, NULL, error))
    return NULL;
  slimit = g_strdup_printf ("%d", limit + 1);
  {
    const char *params[] = { sid, owners, sat, safter, slimit };
    res = crm_db_exec (db, "followup_list",
                       "SELECT " FOLLOWUP_COLUMNS FOLLOWUP_FROM
                       " WHERE f.customer_id = $1 AND f.deleted_at IS NULL AND "
                       CRM_CONTACTS_SCOPE_SQL
                       " AND ($3::bigint IS NULL OR (f.at, f.id) <"
                       "  ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::bigint))"
                       " ORDER BY f.at DESC, f.id DESC LIMIT $5::int",
                       5, params, error);
  }
  if (res == NULL)
    return NULL;
  n = PQntuples (res);
  if (n > limit)
    {
      n = limit;
      next = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                              crm_db_get_int64 (res, n - 1, 7), crm_db_get_int64 (res, n - 1, 0));
    }
  {
    GVariantBuilder b;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
    for (int r = 0; r < n; r++)
      {
        g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

        crm_db_row_insert (&d, res, r, followup_columns, G_N_ELEMENTS (followup_columns));
        g_variant_builder_add_value (&b, g_variant_dict_end (&d));
      }
    rows = g_variant_ref_sink (g_variant_builder_end (&b));
  }
  return g_variant_new ("(@aa{sv}s)", rows, next ? next : "");
}

GVariant *
crm_followup_get (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  gint64 id;
  g_autofree char *owners = NULL, *sid = NULL;
  g_autoptr(PGresult) res = NULL;
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);

  g_variant_get (request, "(x)", &id);
  if (!crm_db_scope_owners (db, ctx->session->user_id, "followup.view", &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (id);
  {
    const char *params[] = { sid, owners };
    res = crm_db_exec (db, "followup_get",
                       "SELECT " FOLLOWUP_COLUMNS FOLLOWUP_FROM
                       " WHERE f.id = $1 AND f.deleted_at IS NULL AND " CRM_CONTACTS_SCOPE_SQL,
                       2, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, crm_record_not_found (&followup_kind));
      return NULL;
    }
  crm_db_row_insert (&d, res, 0, followup_columns, G_N_ELEMENTS (followup_columns));
  return g_variant_dict_end (&d);
}

GVariant *
crm_followup_create (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  g_autoptr(GVariant) fields = NULL;
  g_auto(FollowupFields) f = { 0 };
  g_autofree char *owners = NULL, *customer = NULL, *contact = NULL, *at = NULL, *user = NULL;
  g_autoptr(PGresult) res = NULL;
  gint64 owner_id = 0;

  g_variant_get (request, "(&s@a{sv})", &key, &fields);
  if (!followup_fields_parse (fields, TRUE, &f, error))
    return NULL;
  if (!crm_db_scope_owners (db, ctx->session->user_id, "followup.add", &owners, error))
    return NULL;
  customer = crm_db_int64_to_string (f.customer_id);
  if (!crm_contacts_customer_reachable (db, customer, owners, FALSE, &owner_id, error))
    return NULL;
  if (!check_contact (db, customer, f.contact_id, error))
    return NULL;
  contact = f.contact_id > 0 ? crm_db_int64_to_string (f.contact_id) : NULL;
  at = (f.present & FU_AT) ? crm_db_int64_to_string (f.at) : NULL;
  user = crm_db_int64_to_string (ctx->session->user_id);
  {
    const char *params[] = {
      customer, contact, user, at, f.method, f.content, f.next_date ? f.next_date : "",
    };
    res = crm_db_exec (db, "followup_insert",
                       "INSERT INTO followups AS f (customer_id, contact_id, user_id, at, method,"
                       " content, next_date)"
                       " VALUES ($1, $2, $3, coalesce ('epoch'::timestamptz"
                       "  + $4::bigint * interval '1 microsecond', now ()), $5, $6,"
                       " nullif ($7, '')::date)"
                       " RETURNING f.id, f.version, to_jsonb (f)",
                       7, params, error);
  }
  return crm_record_created (db, ctx, "followup", res, owner_id, error);
}

GVariant *
crm_followup_update (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  const char *key;
  gint64 id, expected, owner_id, version;
  g_autoptr(GVariant) changes = NULL;
  g_auto(FollowupFields) f = { 0 };
  g_autofree char *owners = NULL, *sid = NULL, *sver = NULL, *contact = NULL, *at = NULL;
  g_autoptr(PGresult) cur = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&sxx@a{sv})", &key, &id, &expected, &changes);
  if (!followup_fields_parse (changes, FALSE, &f, error))
    return NULL;
  if (!crm_db_scope_owners (db, ctx->session->user_id, "followup.edit", &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (id);
  sver = crm_db_int64_to_string (expected);
  cur = crm_record_lock (db, &followup_kind, "followup_lock",
                         "SELECT f.version, f.customer_id, c.owner_id, to_jsonb (f)" FOLLOWUP_FROM
                         " WHERE f.id = $1 AND f.deleted_at IS NULL AND " CRM_CONTACTS_SCOPE_SQL
                         " FOR UPDATE OF f",
                         sid, owners, 0, expected, error);
  if (cur == NULL)
    return NULL;
  owner_id = crm_db_get_int64 (cur, 0, 2);
  if ((f.present & FU_CONTACT) && !check_contact (db, crm_db_get_string (cur, 0, 1), f.contact_id, error))
    return NULL;
  if (f.present & FU_CONTACT)
    contact = crm_db_int64_to_string (f.contact_id);
  if (f.present & FU_AT)
    at = crm_db_int64_to_string (f.at);
  {
    const char *params[] = { sid, sver, contact, at, f.method, f.content, f.next_date };
    res = crm_db_exec (db, "followup_update",
                       "UPDATE followups f SET version = version + 1, updated_at = now (),"
                       " contact_id = CASE WHEN $3::bigint IS NULL THEN contact_id"
                       "  ELSE nullif ($3::bigint, 0) END,"
                       " at = coalesce ('epoch'::timestamptz + $4::bigint * interval '1 microsecond', at),"
                       " method = coalesce ($5, method), content = coalesce ($6, content),"
                       " next_date = CASE WHEN $7::text IS NULL THEN next_date"
                       "  ELSE nullif ($7, '')::date END"
                       " WHERE f.id = $1 AND f.version = $2 AND f.deleted_at IS NULL"
                       " RETURNING f.version, to_jsonb (f)",
                       7, params, error);
  }
  if (!crm_record_updated (db, ctx, &followup_kind, res, sid, owners, id,
                           crm_db_get_string (cur, 0, 3), owner_id, &version, error))
    return NULL;
  return g_variant_new ("(x)", version);
}

GVariant *
crm_followup_delete (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  return crm_record_delete (db, ctx, request, &followup_kind, "followup.delete", "followup_delete",
                            "UPDATE followups f SET deleted_at = now (), deleted_by = $4,"
                            " version = f.version + 1, updated_at = now ()"
                            " FROM customers c"
                            " WHERE c.id = f.customer_id AND c.deleted_at IS NULL"
                            " AND f.id = $1 AND f.version = $3 AND f.deleted_at IS NULL AND "
                            CRM_CONTACTS_SCOPE_SQL " RETURNING f.version, c.owner_id, to_jsonb (f)",
                            error);
}

/* ---- For the call pop-up ---- */

gboolean
crm_contacts_popup_info (CrmDb       *db,
                         gint64       user_id,
                         gint64       customer_id,
                         guint        n_followups,
                         char       **primary_contact,
                         char       **primary_phone,
                         GVariant   **followups,
                         GError     **error)
{
  g_autofree char *contact_owners = NULL, *followup_owners = NULL;
  g_autofree char *sid = crm_db_int64_to_string (customer_id);
  g_autofree char *slimit = g_strdup_printf ("%u", n_followups);
  g_autoptr(PGresult) pc = NULL;
  g_autoptr(PGresult) fu = NULL;

  *primary_contact = NULL;
  *primary_phone = NULL;
  *followups = NULL;
  if (!crm_db_scope_owners (db, user_id, "contact.view", &contact_owners, error) ||
      !crm_db_scope_owners (db, user_id, "followup.view", &followup_owners, error))
    return FALSE;
  {
    const char *params[] = { sid, contact_owners };
    /* The primary contact, else the first one added. */
    pc = crm_db_exec (db, "popup_primary_contact",
                      "SELECT k.name, CASE WHEN k.mobile <> '' THEN k.mobile"
                      "  ELSE coalesce (k.phones[1], '') END"
                      " FROM contacts k JOIN customers c ON c.id = k.customer_id"
                      " WHERE k.customer_id = $1 AND k.deleted_at IS NULL AND c.deleted_at IS NULL"
                      " AND " CRM_CONTACTS_SCOPE_SQL
                      " ORDER BY k.is_primary DESC, k.id LIMIT 1", 2, params, error);
  }
  if (pc == NULL)
    return FALSE;
  {
    const char *params[] = { sid, followup_owners, slimit };
    fu = crm_db_exec (db, "popup_followups",
                      "SELECT " FOLLOWUP_COLUMNS FOLLOWUP_FROM
                      " WHERE f.customer_id = $1 AND f.deleted_at IS NULL AND "
                      CRM_CONTACTS_SCOPE_SQL " ORDER BY f.at DESC, f.id DESC LIMIT $3::int",
                      3, params, error);
  }
  if (fu == NULL)
    return FALSE;
  *primary_contact = g_strdup (PQntuples (pc) > 0 ? crm_db_get_string (pc, 0, 0) : "");
  *primary_phone = g_strdup (PQntuples (pc) > 0 ? crm_db_get_string (pc, 0, 1) : "");
  *followups = g_variant_ref_sink (crm_db_rows_to_dicts (fu, followup_columns,
                                                         G_N_ELEMENTS (followup_columns)));
  return TRUE;
}
