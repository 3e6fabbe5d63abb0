/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-handler.h"

G_BEGIN_DECLS

/*
 * The retention pass (call.purge_recordings): the HTTPS side, which owns
 * the recordings' files, lists them and asks the database which no call
 * serves any more; it runs every hour and on POST /recordings/purge.
 */

/* Files per call.purge_recordings request. */
#define CRM_CALL_PURGE_BATCH 1000

/* A stored file that no call references (its call was never logged, or
 * its user was removed) goes once it is this old. */
#define CRM_CALL_ORPHAN_AGE_US (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

/* The context of the server's own timer: a session of no user holding only
 * "settings.manage", never expiring; audited as the system (no user). */
CrmRequestContext *crm_call_retention_context_new (void);

G_END_DECLS
