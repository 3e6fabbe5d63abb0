/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-trust-store.h"

G_BEGIN_DECLS

/* For CrmConnection: records the fingerprint just presented by host_port
 * (NULL forgets it). */
void crm_trust_store_set_last_seen (CrmTrustStore *self, const char *host_port,
                                    const char *fingerprint);

G_END_DECLS
