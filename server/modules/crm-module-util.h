/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-modules.h"

G_BEGIN_DECLS

/*
 * What the handlers of versioned records (customers, contacts, follow-ups)
 * share: a row carries a version, is reached only through the actor's data
 * scope, and every write is audited and pushed to the clients.
 */

typedef struct {
  const char *entity;            /* audit and push name: "contact" */
  const char *not_found;         /* N_(): "No such contact" */
  const char *conflict;          /* N_(): "Someone else changed this contact…" */
  const char *exists_statement;  /* the statement below */
  const char *exists_sql;        /* one row when $1 is live and inside the scope $2 */
} CrmRecordKind;

GError *crm_record_not_found (const CrmRecordKind *kind);

/* Audit and push of one write. */
gboolean crm_record_written (CrmDb              *db,
                             CrmRequestContext  *ctx,
                             const char         *action,
                             const char         *entity,
                             gint64              id,
                             const char         *before_json,
                             const char         *after_json,
                             gint64              version,
                             gint64              owner_id,
                             GError            **error) G_GNUC_WARN_UNUSED_RESULT;

/* After "INSERT … RETURNING id, version, json" (`res` NULL when it failed,
 * with `error` set): audits and pushes the new record; its "(xx)" id and
 * version. */
GVariant *crm_record_created (CrmDb              *db,
                              CrmRequestContext  *ctx,
                              const char         *entity,
                              PGresult           *res,
                              gint64              owner_id,
                              GError            **error);

/* Runs `sql` ($1 = sid, $2 = owners) that reads and locks the current row:
 * NULL with not-found when there is none, with a conflict when its column
 * `version_column` is not `expected`. */
PGresult *crm_record_lock (CrmDb               *db,
                           const CrmRecordKind *kind,
                           const char          *statement,
                           const char          *sql,
                           const char          *sid,
                           const char          *owners,
                           int                  version_column,
                           gint64              expected,
                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* After "UPDATE … WHERE id = $1 AND version = $2 RETURNING version, json"
 * (`res` NULL when it failed, with `error` set): checks that it matched,
 * audits and pushes; the new version in *version. */
gboolean crm_record_updated (CrmDb               *db,
                             CrmRequestContext   *ctx,
                             const CrmRecordKind *kind,
                             PGresult            *res,
                             const char          *sid,
                             const char          *owners,
                             gint64               id,
                             const char          *before_json,
                             gint64               owner_id,
                             gint64              *version,
                             GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* A whole "(sxx)" delete handler: `sql` takes $1 id, $2 owners (of
 * `permission`), $3 expected version, $4 the actor, and returns version,
 * owner_id, json of the row it soft-deleted. */
GVariant *crm_record_delete (CrmDb               *db,
                             CrmRequestContext   *ctx,
                             GVariant            *request,
                             const CrmRecordKind *kind,
                             const char          *permission,
                             const char          *statement,
                             const char          *sql,
                             GError             **error);

/* The value of an "as" phones field `key` (type already checked): at most
 * `max` numbers, each trimmed and a valid phone number, errors naming
 * "key[i]".  NULL with `error` set when one is refused. */
GStrv crm_record_parse_phones (GVariant    *value,
                               const char  *key,
                               int          max,
                               GError     **error);

/* The error for a field a writer may not send: one of `read_only` cannot
 * be changed, anything else is unknown. */
GError *crm_record_refuse_key (const char         *key,
                               const char * const *read_only,
                               gsize               n_read_only);

G_END_DECLS
