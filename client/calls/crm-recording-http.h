/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "crm-session.h"

G_BEGIN_DECLS

/* The recordings' HTTPS endpoint of the session's server: `base_override`
 * ("https://host:port") or the session's host with the protocol port + 1
 * (the server's default layout).  NULL when the session has no address. */
char        *crm_recording_http_base (CrmSession *session, const char *base_override);

/* A request for /recordings/<sha256> with the session's bearer token; the
 * server certificate must be the one pinned for the protocol port (both
 * ports present the same certificate).  Fails with UNAVAILABLE while the
 * session has no connection. */
SoupMessage *crm_recording_http_message (CrmSession  *session,
                                         const char  *base,
                                         const char  *method,
                                         const char  *sha256,
                                         GError     **error);

G_END_DECLS
