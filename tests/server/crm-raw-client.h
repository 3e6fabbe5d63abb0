/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A deliberately dumb protocol client for the network tests: it writes
 * whatever bytes it is given over TLS (any certificate accepted) and reads
 * frames back, blocking, with a socket timeout so a test cannot hang. */

#include <gio/gio.h>

#include "crm-frame.h"

G_BEGIN_DECLS

typedef struct _RawClient RawClient;

RawClient *raw_client_connect (guint16 port, gboolean tls, GError **error);
void       raw_client_free    (RawClient *raw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawClient, raw_client_free)

gboolean raw_client_send       (RawClient *raw, const void *data, gsize length, GError **error);
gboolean raw_client_send_frame (RawClient *raw, guint16 type, guint32 flags, guint32 request_id,
                                GVariant *body, GError **error);
/* The header, then exactly body_length bytes.  FALSE with no error at a
 * clean end of stream. */
gboolean raw_client_read_frame (RawClient *raw, CrmFrameHeader *header, GBytes **body, GError **error);
/* Sends hello (locale "en_US") and checks the reply. */
gboolean raw_client_hello      (RawClient *raw, GError **error);
/* TRUE when the server closed the connection (EOF or reset) before
 * sending anything more. */
gboolean raw_client_at_eof     (RawClient *raw);
/* Socket timeout in seconds for every later read and write (default 30). */
void     raw_client_set_timeout (RawClient *raw, guint seconds);

G_END_DECLS
