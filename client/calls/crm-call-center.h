/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-call-spool.h"
#include "crm-phone-device.h"
#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCallCenter: the GTK-free logic between the phone line and the server.
 * Follows the device's events call by call:
 *   caller ID → call.lookup → "incoming" (the lookup reply plus "number",
 *     "client_call_id", "number_reason"); a blacklisted caller is rejected
 *     on the line (crm_phone_device_reject) and emits "blocked" instead;
 *   off-hook → answered, recording starts (incoming and dialled calls);
 *   on-hook / ring stopped / fax tone → the call ends and is spooled for
 *     call.log with its recording (CrmCallSpool), then "call-ended".
 * Withheld numbers ("P"/"O") are logged with an empty number.
 */
#define CRM_TYPE_CALL_CENTER (crm_call_center_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallCenter, crm_call_center, CRM, CALL_CENTER, GObject)

/* `recorder_source`: see CrmCallRecorder (NULL = "autoaudiosrc"; "" = do
 * not record). */
CrmCallCenter *crm_call_center_new (CrmSession     *session,
                                    CrmPhoneDevice *device,
                                    CrmCallSpool   *spool,
                                    const char     *recorder_source);

CrmPhoneDevice *crm_call_center_get_device (CrmCallCenter *self);
/* What call.log records as the call's "device" (the device URI). */
void            crm_call_center_set_device_label (CrmCallCenter *self, const char *label);
CrmCallSpool   *crm_call_center_get_spool  (CrmCallCenter *self);
CrmSession     *crm_call_center_get_session (CrmCallCenter *self);
/* FALSE between DEVICE_LOST and DEVICE_BACK. */
gboolean        crm_call_center_get_device_present (CrmCallCenter *self);

/* Click-to-dial: dials through the device; the call is logged as outgoing. */
gboolean crm_call_center_dial (CrmCallCenter *self, const char *number,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Signals:
 *   "incoming"   (GVariant *info)      a{sv}
 *   "blocked"    (GVariant *info)      a{sv}, the call was rejected
 *   "call-ended" (GVariant *call)      a{sv} as given to call.log
 *   "device-changed" ()                device lost or back
 */

G_END_DECLS
