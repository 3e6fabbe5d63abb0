/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-audit"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-modules.h"
#include "team/crm-admin-util.h"

/*
 * The audit viewer (administrators: audit.view).  The list pages by id
 * (keyset: "before id"), newest first.  The recycle bin is crm-recycle.c.
 */

static const char *const audit_filter_keys[]
    = { "user_id", "entity", "entity_id", "action", "from", "to", NULL };

/* µs since the epoch → a timestamptz literal PostgreSQL reads back. */
static char *
epoch_param (gint64 us)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%06d", us / G_USEC_PER_SEC,
                          (int)(us % G_USEC_PER_SEC));
}

/* audit.list's columns, in the order of its SELECT. */
static const CrmDbColumn audit_columns[] = {
  { "id", 'x' },     { "at", 'x' },        { "user_id", 'x' },   { "login", 's' },
  { "user_name", 's' }, { "action", 's' }, { "entity", 's' },   { "entity_id", 'x' },
  { "before", 's' }, { "after", 's' },     { "peer", 's' },
};

GVariant *
crm_audit_list (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_autoptr (GVariant) filters = NULL;
  gint64 before;
  gint32 limit;
  g_auto (GVariantDict) d;
  gint64           user_id = 0, entity_id = 0, from = 0, to = 0;
  gboolean         has_user, has_entity_id, has_from, has_to;
  const char      *entity = NULL, *action = NULL;
  g_autofree char *suser = NULL, *sentity_id = NULL, *sfrom = NULL, *sto = NULL;
  g_autofree char *sbefore = NULL, *slimit = NULL;
  g_autoptr (PGresult) res = NULL;
  GVariant *rows;
  int       n;

  g_variant_get (request, "(@a{sv}xi)", &filters, &before, &limit);
  g_variant_dict_init (&d, filters);
  if (!crm_admin_dict_only (filters, audit_filter_keys, error)
      || !crm_admin_dict_int64 (&d, "user_id", &user_id, &has_user, error)
      || !crm_admin_dict_int64 (&d, "entity_id", &entity_id, &has_entity_id, error)
      || !crm_admin_dict_int64 (&d, "from", &from, &has_from, error)
      || !crm_admin_dict_int64 (&d, "to", &to, &has_to, error)
      || !crm_admin_dict_string (&d, "entity", &entity, NULL, error)
      || !crm_admin_dict_string (&d, "action", &action, NULL, error))
    return NULL;
  if ((entity && strlen (entity) > 64) || (action && strlen (action) > 64))
    {
      g_propagate_error (error,
                         crm_error_new_field (CRM_ERROR_INVALID_FIELD,
                                              entity && strlen (entity) > 64 ? "entity" : "action",
                                              _ ("This value is too long")));
      return NULL;
    }
  if (has_from && has_to && from > to)
    {
      g_propagate_error (error, crm_error_new_field (CRM_ERROR_INVALID_FIELD, "from",
                                                     _ ("The start must not be after the end")));
      return NULL;
    }
  limit = crm_admin_clamp_limit (limit, 100, 500);
  suser = has_user ? crm_db_int64_to_string (user_id) : NULL;
  sentity_id = has_entity_id ? crm_db_int64_to_string (entity_id) : NULL;
  sfrom = has_from ? epoch_param (from) : NULL;
  sto = has_to ? epoch_param (to) : NULL;
  sbefore = before > 0 ? crm_db_int64_to_string (before) : NULL;
  slimit = g_strdup_printf ("%d", limit + 1);
  {
    const char *params[] = { suser,      entity && *entity ? entity : NULL,
                             sentity_id, action && *action ? action : NULL,
                             sfrom,      sto,
                             sbefore,    slimit };
    res = crm_db_exec (
        db, "audit_list",
        "SELECT a.id, (extract (epoch FROM a.at) * 1000000)::bigint,"
        " coalesce (a.user_id, 0), coalesce (u.login, ''), coalesce (u.display_name, ''),"
        " a.action, a.entity, coalesce (a.entity_id, 0),"
        " coalesce (a.before::text, ''), coalesce (a.after::text, ''),"
        " coalesce (a.peer, '')"
        " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
        " WHERE ($1::bigint IS NULL OR a.user_id = $1)"
        " AND ($2::text IS NULL OR a.entity = $2)"
        " AND ($3::bigint IS NULL OR a.entity_id = $3)"
        " AND ($4::text IS NULL OR a.action = $4)"
        " AND ($5::numeric IS NULL OR a.at >= to_timestamp ($5::numeric))"
        " AND ($6::numeric IS NULL OR a.at < to_timestamp ($6::numeric))"
        " AND ($7::bigint IS NULL OR a.id < $7)"
        " ORDER BY a.id DESC LIMIT $8",
        8, params, error);
  }
  if (res == NULL)
    return NULL;
  n = MIN (PQntuples (res), limit);
  rows = crm_admin_rows_to_dicts (res, n, audit_columns, G_N_ELEMENTS (audit_columns), NULL);
  return g_variant_new ("(@aa{sv}x)", rows,
                        PQntuples (res) > limit ? crm_db_get_int64 (res, n - 1, 0) : (gint64)0);
}
