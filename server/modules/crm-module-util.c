/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-modules"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-module-util.h"
#include "crm-validate.h"

GError *
crm_record_not_found (const CrmRecordKind *kind)
{
  return g_error_new_literal (CRM_ERROR, CRM_ERROR_NOT_FOUND, _(kind->not_found));
}

static GError *
record_conflict (const CrmRecordKind *kind)
{
  return g_error_new_literal (CRM_ERROR, CRM_ERROR_CONFLICT, _(kind->conflict));
}

/* After a versioned write matched nothing: a stale version of a reachable
 * record is a conflict; anything else looks missing. */
static GError *
conflict_or_missing (CrmDb               *db,
                     const CrmRecordKind *kind,
                     const char          *sid,
                     const char          *owners)
{
  const char *params[] = { sid, owners };
  g_autoptr(GError) local = NULL;
  g_autoptr(PGresult) res =
    crm_db_exec (db, kind->exists_statement, kind->exists_sql, 2, params, &local);

  if (res == NULL)
    return g_steal_pointer (&local);
  if (PQntuples (res) == 1)
    return record_conflict (kind);
  return crm_record_not_found (kind);
}

gboolean
crm_record_written (CrmDb              *db,
                    CrmRequestContext  *ctx,
                    const char         *action,
                    const char         *entity,
                    gint64              id,
                    const char         *before_json,
                    const char         *after_json,
                    gint64              version,
                    gint64              owner_id,
                    GError            **error)
{
  return crm_db_audit (db, ctx, action, entity, id, before_json, after_json, error) &&
         crm_db_notify_change (db, entity, id, version, action, owner_id, error);
}

GVariant *
crm_record_created (CrmDb              *db,
                    CrmRequestContext  *ctx,
                    const char         *entity,
                    PGresult           *res,
                    gint64              owner_id,
                    GError            **error)
{
  gint64 id, version;

  if (res == NULL)
    return NULL;
  id = crm_db_get_int64 (res, 0, 0);
  version = crm_db_get_int64 (res, 0, 1);
  if (!crm_record_written (db, ctx, "create", entity, id, NULL, crm_db_get_string (res, 0, 2),
                           version, owner_id, error))
    return NULL;
  return g_variant_new ("(xx)", id, version);
}

PGresult *
crm_record_lock (CrmDb               *db,
                 const CrmRecordKind *kind,
                 const char          *statement,
                 const char          *sql,
                 const char          *sid,
                 const char          *owners,
                 int                  version_column,
                 gint64               expected,
                 GError             **error)
{
  const char *params[] = { sid, owners };
  g_autoptr(PGresult) cur = crm_db_exec (db, statement, sql, 2, params, error);

  if (cur == NULL)
    return NULL;
  if (PQntuples (cur) != 1)
    {
      g_propagate_error (error, crm_record_not_found (kind));
      return NULL;
    }
  if (crm_db_get_int64 (cur, 0, version_column) != expected)
    {
      g_propagate_error (error, record_conflict (kind));
      return NULL;
    }
  return g_steal_pointer (&cur);
}

gboolean
crm_record_updated (CrmDb               *db,
                    CrmRequestContext   *ctx,
                    const CrmRecordKind *kind,
                    PGresult            *res,
                    const char          *sid,
                    const char          *owners,
                    gint64               id,
                    const char          *before_json,
                    gint64               owner_id,
                    gint64              *version,
                    GError             **error)
{
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, conflict_or_missing (db, kind, sid, owners));
      return FALSE;
    }
  *version = crm_db_get_int64 (res, 0, 0);
  return crm_record_written (db, ctx, "update", kind->entity, id, before_json,
                             crm_db_get_string (res, 0, 1), *version, owner_id, error);
}

GVariant *
crm_record_delete (CrmDb               *db,
                   CrmRequestContext   *ctx,
                   GVariant            *request,
                   const CrmRecordKind *kind,
                   const char          *permission,
                   const char          *statement,
                   const char          *sql,
                   GError             **error)
{
  const char *key;
  gint64 id, expected;
  g_autofree char *owners = NULL, *sid = NULL, *sver = NULL, *uid = NULL;
  g_autoptr(PGresult) res = NULL;

  g_variant_get (request, "(&sxx)", &key, &id, &expected);
  if (!crm_db_scope_owners (db, ctx->session->user_id, permission, &owners, error))
    return NULL;
  sid = crm_db_int64_to_string (id);
  sver = crm_db_int64_to_string (expected);
  uid = crm_db_int64_to_string (ctx->session->user_id);
  {
    const char *params[] = { sid, owners, sver, uid };
    res = crm_db_exec (db, statement, sql, 4, params, error);
  }
  if (res == NULL)
    return NULL;
  if (PQntuples (res) != 1)
    {
      g_propagate_error (error, conflict_or_missing (db, kind, sid, owners));
      return NULL;
    }
  if (!crm_record_written (db, ctx, "delete", kind->entity, id, NULL,
                           crm_db_get_string (res, 0, 2), crm_db_get_int64 (res, 0, 0),
                           crm_db_get_int64 (res, 0, 1), error))
    return NULL;
  return g_variant_new ("()");
}

GStrv
crm_record_parse_phones (GVariant    *value,
                         const char  *key,
                         int          max,
                         GError     **error)
{
  gsize n;
  g_autofree const char **phones = g_variant_get_strv (value, &n);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (n > (gsize) max)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, key,
                         _("At most %d phone numbers"), max));
      return NULL;
    }
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *field = g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", key, i);
      g_autofree char *trimmed = g_strstrip (g_strdup (phones[i]));

      if (!crm_validate_text (trimmed, 40, TRUE, field, error) ||
          !crm_validate_phone (trimmed, field, error))
        return NULL;
      g_strv_builder_add (b, trimmed);
    }
  return g_strv_builder_end (b);
}

GError *
crm_record_refuse_key (const char         *key,
                       const char * const *read_only,
                       gsize               n_read_only)
{
  for (gsize i = 0; i < n_read_only; i++)
    if (strcmp (key, read_only[i]) == 0)
      return crm_error_new_field (CRM_ERROR_INVALID_FIELD, key, _("This field cannot be changed"));
  return crm_error_new_field (CRM_ERROR_INVALID_FIELD, key, _("Unknown field"));
}
