/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-call-center.h"
#include "crm-call-popup.h"
#include "crm-customer-list-view.h"

G_BEGIN_DECLS

/*
 * CrmCalls: the call center as the signed-in client shows it: opens the
 * phone device (--phone-device URI or the "phone-device" GSettings key),
 * spools and sends calls, and on a call pops up CrmCallPopup and a desktop
 * notification.  The pop-up's "open customer" and "add customer" go to the
 * customer view given with crm_calls_set_customer_view().
 * Installs "app.dial" (s: a phone number) for click-to-dial while it lives.
 */
#define CRM_TYPE_CALLS (crm_calls_get_type ())
G_DECLARE_FINAL_TYPE (CrmCalls, crm_calls, CRM, CALLS, GObject)

/* `spool_dir` NULL = the default; `recorder_source` see CrmCallRecorder. */
CrmCalls *crm_calls_new (GtkApplication *app,
                         CrmSession     *session,
                         const char     *device_uri,
                         const char     *spool_dir,
                         const char     *recorder_source,
                         GError        **error);

void           crm_calls_set_customer_view (CrmCalls *self, CrmCustomerListView *view);
CrmCallCenter *crm_calls_get_center (CrmCalls *self);
/* The pop-up of the last call, or NULL. */
CrmCallPopup  *crm_calls_get_popup  (CrmCalls *self);
/* Monotonic µs when the last caller ID event arrived and when the pop-up
 * it caused was first drawn (for the benchmark); 0 when not yet. */
gint64         crm_calls_get_event_time (CrmCalls *self);
gint64         crm_calls_get_drawn_time (CrmCalls *self);

G_END_DECLS

G_BEGIN_DECLS
/* Starts the call center for the signed-in application once: the device is
 * `uri_override` (--phone-device) or the GSettings key "phone-device"
 * ("" = no phone).  Failures are logged, never fatal: the CRM works
 * without a phone.  The CrmCalls lives as data "crm-calls" on `app`. */
void crm_calls_attach_to_application (GtkApplication      *app,
                                      CrmSession          *session,
                                      GSettings           *settings,
                                      const char          *uri_override,
                                      CrmCustomerListView *view);
/* "app.call-history" (Ctrl+Shift+H): the call history and blacklist window.
 * `http_base`: see crm_recording_http_base() (NULL = the default). */
void crm_calls_install_actions (GtkApplication *app, CrmSession *session, const char *http_base);
G_END_DECLS
