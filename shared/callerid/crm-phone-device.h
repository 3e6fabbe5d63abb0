/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-call-event.h"

G_BEGIN_DECLS

#define CRM_TYPE_PHONE_DEVICE (crm_phone_device_get_type ())
G_DECLARE_INTERFACE (CrmPhoneDevice, crm_phone_device, CRM, PHONE_DEVICE, GObject)

/* A telephone line the client watches: caller-ID modem, USB caller-ID box
 * sound device, or the simulator.  Every backend reports through the one
 * "event" signal (a CrmCallEvent), emitted in the thread-default main
 * context the device was started in. */
struct _CrmPhoneDeviceInterface
{
  GTypeInterface parent_iface;

  gboolean (*start) (CrmPhoneDevice *self, GError **error);
  void (*stop) (CrmPhoneDevice *self);
  /* Optional: NULL means not supported by this backend. */
  gboolean (*dial) (CrmPhoneDevice *self, const char *number, GError **error);
  gboolean (*reject) (CrmPhoneDevice *self, GError **error);
};

/* Opens the line and starts reporting.  A device that disappears later is
 * reported with DEVICE_LOST and watched until it comes back (DEVICE_BACK). */
gboolean crm_phone_device_start (CrmPhoneDevice *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void     crm_phone_device_stop (CrmPhoneDevice *self);

/* Dials `number` (digits, '*', '#', ',', leading '+'); the result comes as
 * a DIAL_RESULT event. */
gboolean crm_phone_device_dial (CrmPhoneDevice *self, const char *number,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Rejects the ringing call: off-hook, short pause, on-hook. */
gboolean crm_phone_device_reject (CrmPhoneDevice *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* For backends: emits "event" (the event is copied by the signal). */
void crm_phone_device_emit_event (CrmPhoneDevice *self, const CrmCallEvent *event);

/* Checks a number to dial; sets a translated error when it is unusable. */
gboolean crm_phone_device_check_dial_number (const char *number, GError **error);

/* Creates the backend for a device URI:
 *   serial:/dev/ttyACM0[?baud=115200]   (or a bare /dev/tty… path)
 *   audio:auto | audio:pulse[:DEVICE] | audio:alsa[:DEVICE] | audio:file:PATH.wav
 *   sim:SCRIPT   a simulated caller-ID modem on a pseudo-terminal playing
 *                the calls in SCRIPT ("number,name,delay-seconds" lines)
 *   sim-audio:SCRIPT  the same calls as caller-ID line audio (FSK/DTMF made
 *                with spandsp), played through the audio backend
 * The device is not started. */
CrmPhoneDevice *crm_phone_device_new_for_uri (const char *uri,
                                              GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
