/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-checksum.h"

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCallSpool: calls waiting to reach the server, kept on disk so that
 * neither a server outage nor a client restart loses them.
 *
 *   <dir>/<client_call_id>.call   the call.log dictionary (GVariant text)
 *   <dir>/<sha256>.ogg            its recording, if any
 *
 * Each entry is sent with call.log (idempotent by client_call_id), then its
 * recording is uploaded (resumable PUT /recordings/<sha256>, idempotent by
 * checksum); only then are the files removed.  Failures are retried with
 * backoff, and at once when the session comes back online.
 */
#define CRM_TYPE_CALL_SPOOL (crm_call_spool_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallSpool, crm_call_spool, CRM, CALL_SPOOL, GObject)

/* `dir` NULL = $XDG_DATA_HOME/jinke-crm/call-spool. */
CrmCallSpool *crm_call_spool_new (CrmSession *session, const char *dir);

/* The recordings' HTTPS base ("https://host:7421").  Default: the
 * session's host with port + 1. */
void          crm_call_spool_set_http_base (CrmCallSpool *self, const char *base_uri);
const char   *crm_call_spool_get_dir       (CrmCallSpool *self);

/* Adds a call; `recording` (may be NULL) is moved into the spool.  Its
 * SHA-256 must already be in `call` as "recording_sha256". */
gboolean      crm_call_spool_add  (CrmCallSpool *self,
                                   GVariant     *call,
                                   const char   *recording,
                                   GError      **error) G_GNUC_WARN_UNUSED_RESULT;
/* Tries to send everything now. */
void          crm_call_spool_kick (CrmCallSpool *self);
/* Entries still waiting. */
guint         crm_call_spool_get_n_pending (CrmCallSpool *self);

/* Signals:
 *   "sent" (const char *client_call_id, gint64 call_id) -- logged and its
 *          recording (if any) stored on the server; the entry is gone.
 *   "retry" (const GError *error) -- a pass failed; retried later. */

/* crm_file_sha256() (the recordings' checksum) is in shared/crm-checksum.h. */

G_END_DECLS
