/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Trust on first use for server certificates: a key file mapping
 * "host:port" to the SHA-256 fingerprint (lowercase hex, colon separated)
 * of the server's DER certificate.
 */
#define CRM_TYPE_TRUST_STORE (crm_trust_store_get_type ())
G_DECLARE_FINAL_TYPE (CrmTrustStore, crm_trust_store, CRM, TRUST_STORE, GObject)

/* `path` is created on first save; NULL keeps the store in memory only. */
CrmTrustStore *crm_trust_store_new          (const char *path);
/* Default path: $XDG_CONFIG_HOME/jinke-crm/known-servers */
char          *crm_trust_store_default_path (void);

/* NULL when unknown. */
const char *crm_trust_store_lookup   (CrmTrustStore *self, const char *host_port);
gboolean    crm_trust_store_remember (CrmTrustStore *self, const char *host_port,
                                      const char *fingerprint, GError **error);
gboolean    crm_trust_store_forget   (CrmTrustStore *self, const char *host_port,
                                      GError **error);

/* Fingerprint of the certificate presented by the last connection attempt
 * to host_port (for "trust this server?" and "certificate changed" UI). */
const char *crm_trust_store_get_last_seen (CrmTrustStore *self, const char *host_port);

char *crm_certificate_fingerprint (GTlsCertificate *certificate);

G_END_DECLS
