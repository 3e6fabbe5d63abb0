/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * CrmCallRecorder: records one call, Opus in Ogg, with GStreamer:
 *   <source> ! audioconvert ! audioresample ! 16 kHz mono ! opusenc ! oggmux ! filesink
 * `source` is a GStreamer bin description: "autoaudiosrc" (the default),
 * "pulsesrc device=…" for the caller-ID box's sound card, or
 * "audiotestsrc is-live=true" for the simulator and the tests.
 */
#define CRM_TYPE_CALL_RECORDER (crm_call_recorder_get_type ())
G_DECLARE_FINAL_TYPE (CrmCallRecorder, crm_call_recorder, CRM, CALL_RECORDER, GObject)

CrmCallRecorder *crm_call_recorder_new (const char *source);

/* Starts recording into `path` (created). */
gboolean crm_call_recorder_start (CrmCallRecorder *self, const char *path,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean crm_call_recorder_is_recording (CrmCallRecorder *self);

/* Ends the stream cleanly (EOS, so the Ogg file is complete) and returns
 * the file's SHA-256 in hex. */
void     crm_call_recorder_stop_async  (CrmCallRecorder     *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char    *crm_call_recorder_stop_finish (CrmCallRecorder     *self,
                                        GAsyncResult        *result,
                                        char               **path_out,
                                        GError             **error);

G_END_DECLS
