/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-http.h"

G_BEGIN_DECLS

/*
 * Call recordings over HTTPS, content-addressed by SHA-256 (lower-case hex):
 *
 *   PUT  /recordings/<sha256>   upload, "Authorization: Bearer", permission
 *        call.log.  Resumable: "Content-Range: bytes a-b/total" appends a
 *        piece that must start where the stored part ends (else 409 with
 *        "Upload-Offset: n"; a piece starting at 0 starts over).  No
 *        Content-Range = the whole file.  Once complete the SHA-256 is
 *        checked: 201 when it matches, 422 (and the part discarded) when not.
 *        A recording already stored answers 200 without reading further, so
 *        retries never duplicate.  Pieces in between answer 202 with
 *        "Upload-Offset".
 *   HEAD /recordings/<sha256>   200 when stored; otherwise 404 with
 *        "Upload-Offset" (bytes of this user's partial upload) to resume.
 *   GET  /recordings/<sha256>   permission call.recording.listen, and a call
 *        the user may see (call.list's scope) must reference the recording
 *        and it must not be deleted; "Range" gives 206.
 *   POST /recordings/purge   permission settings.manage: runs the retention
 *        pass now (it also runs 60 s after start, then hourly) and answers
 *        {"status": "ok", "expired": n, "files": m}; 409 while one runs.
 *        See server/modules/calls/README.md "Retention".
 *
 * Files live under `data_dir`/recordings/.
 */
void crm_http_recordings_register (CrmHttp *http, CrmDbPool *pool, const char *data_dir);

G_END_DECLS
