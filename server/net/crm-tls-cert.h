/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Loads the server certificate.  When `cert_path` and `key_path` are both
 * NULL, uses `data_dir`/server.crt and server.key, generating a self-signed
 * ECDSA P-256 certificate (10 years; SAN = this host name, localhost,
 * 127.0.0.1, ::1) there on first use, the key written with mode 0600. */
GTlsCertificate *crm_tls_certificate_load_or_create (const char  *data_dir,
                                                     const char  *cert_path,
                                                     const char  *key_path,
                                                     GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
