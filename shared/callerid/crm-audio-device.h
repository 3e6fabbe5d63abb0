/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-phone-device.h"

G_BEGIN_DECLS

#define CRM_TYPE_AUDIO_DEVICE (crm_audio_device_get_type ())
G_DECLARE_FINAL_TYPE (CrmAudioDevice, crm_audio_device, CRM, AUDIO_DEVICE, GObject)

/* Caller ID from line audio (a USB caller-ID/recording box's sound device)
 * through GStreamer: source ! audioconvert ! audioresample !
 * S16LE/8000/mono ! appsink, decoded by CrmCidDecoder (Bell 202, V.23,
 * DTMF).  `spec`: "auto" (autoaudiosrc), "pulse[:DEVICE]", "alsa[:DEVICE]"
 * or "file:PATH" (a WAV file, for tests and demos).  A capture error is
 * DEVICE_LOST; the pipeline is restarted every two seconds until it plays
 * again (DEVICE_BACK).  Cannot dial or reject. */
CrmPhoneDevice *crm_audio_device_new (const char *spec, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* TRUE once a "file:" source has been read to the end. */
gboolean crm_audio_device_is_finished (CrmAudioDevice *self);

G_END_DECLS
