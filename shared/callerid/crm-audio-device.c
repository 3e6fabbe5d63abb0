/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>

#include "crm-audio-device.h"
#include "crm-callerid-error.h"
#include "crm-cid-decoder.h"

#define RESTART_INTERVAL_S 2

typedef enum
{
  SOURCE_AUTO,
  SOURCE_PULSE,
  SOURCE_ALSA,
  SOURCE_FILE,
} SourceKind;

struct _CrmAudioDevice
{
  GObject parent_instance;

  SourceKind    kind;
  char         *location; /* device name or file path; may be NULL */
  GMainContext *context;
  GstElement   *pipeline;
  guint         bus_watch_id;
  guint         restart_id;
  gboolean      lost;
  gboolean      finished;

  /* Touched only from the streaming thread while playing. */
  CrmCidDecoder *decoder;
};

static void crm_audio_device_iface_init (CrmPhoneDeviceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmAudioDevice, crm_audio_device, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_PHONE_DEVICE,
                                                      crm_audio_device_iface_init))

typedef struct
{
  CrmAudioDevice *self;
  CrmCallEvent   *event;
} PendingEvent;

static gboolean
emit_pending (gpointer data)
{
  PendingEvent *p = data;

  crm_phone_device_emit_event (CRM_PHONE_DEVICE (p->self), p->event);
  return G_SOURCE_REMOVE;
}

static void
pending_free (gpointer data)
{
  PendingEvent *p = data;

  g_object_unref (p->self);
  crm_call_event_free (p->event);
  g_free (p);
}

/* Decoder callback, in the streaming thread: hand over to the main context. */
static void
on_decoded (CrmCallEvent *event, gpointer user_data)
{
  CrmAudioDevice *self = user_data;
  PendingEvent   *p = g_new0 (PendingEvent, 1);

  p->self = g_object_ref (self);
  p->event = crm_call_event_copy (event);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_pending, p, pending_free);
}

static GstFlowReturn
on_new_sample (GstAppSink *sink, gpointer user_data)
{
  CrmAudioDevice *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer;
  GstMapInfo map;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (buffer != NULL && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      crm_cid_decoder_process (self->decoder, (const gint16 *)map.data, map.size / 2);
      gst_buffer_unmap (buffer, &map);
    }
  return GST_FLOW_OK;
}

static void
emit_kind (CrmAudioDevice *self, CrmCallEventKind kind)
{
  g_autoptr (CrmCallEvent) event = crm_call_event_new (kind);
  crm_phone_device_emit_event (CRM_PHONE_DEVICE (self), event);
}

static gboolean restart_cb (gpointer user_data);

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  CrmAudioDevice *self = user_data;
  /* A handler of DEVICE_LOST may drop the last reference. */
  g_autoptr (CrmAudioDevice) keep = g_object_ref (self);

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      /* The streaming thread is done: the decoder is ours now. */
      crm_cid_decoder_flush (self->decoder);
      self->finished = TRUE;
      break;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_message ("audio caller-ID capture failed: %s (%s)", error->message, debug ? debug : "");
        gst_element_set_state (self->pipeline, GST_STATE_NULL);
        if (!self->lost)
          {
            self->lost = TRUE;
            emit_kind (self, CRM_CALL_EVENT_DEVICE_LOST);
          }
        if (self->restart_id == 0)
          self->restart_id = g_timeout_add_seconds (RESTART_INTERVAL_S, restart_cb, self);
      }
      break;
    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->pipeline) && self->lost)
        {
          GstState new_state;
          gst_message_parse_state_changed (message, NULL, &new_state, NULL);
          if (new_state == GST_STATE_PLAYING)
            {
              self->lost = FALSE;
              emit_kind (self, CRM_CALL_EVENT_DEVICE_BACK);
            }
        }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
restart_cb (gpointer user_data)
{
  CrmAudioDevice *self = user_data;

  if (self->pipeline == NULL)
    {
      self->restart_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      return G_SOURCE_CONTINUE;
    }
  self->restart_id = 0;
  return G_SOURCE_REMOVE;
}

static GstElement *
build_pipeline (CrmAudioDevice *self, GError **error)
{
  static const char *sources[] = {
    [SOURCE_AUTO] = "autoaudiosrc name=src",
    [SOURCE_PULSE] = "pulsesrc name=src",
    [SOURCE_ALSA] = "alsasrc name=src",
    [SOURCE_FILE] = "filesrc name=src ! wavparse",
  };
  g_autofree char *description = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstElement) sink = NULL;
  GstElement         *pipeline;
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

  description = g_strdup_printf ("%s ! audioconvert ! audioresample ! "
                                 "audio/x-raw,format=S16LE,rate=%d,channels=1,layout=interleaved ! "
                                 "appsink name=sink sync=false max-buffers=50",
                                 sources[self->kind], CRM_CID_DECODER_RATE);
  pipeline = gst_parse_launch (description, &local);
  if (pipeline == NULL || local != NULL)
    {
      g_clear_object (&pipeline);
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot set up audio capture for caller ID: %s"),
                   local ? local->message : "?");
      return NULL;
    }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  /* Set as properties, never pasted into the description. */
  if (self->location != NULL && self->kind == SOURCE_FILE)
    g_object_set (src, "location", self->location, NULL);
  else if (self->location != NULL && self->kind != SOURCE_AUTO)
    g_object_set (src, "device", self->location, NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return pipeline;
}

static gboolean
crm_audio_device_start (CrmPhoneDevice *device, GError **error)
{
  CrmAudioDevice *self = CRM_AUDIO_DEVICE (device);
  g_autoptr (GstBus) bus = NULL;

  if (self->pipeline != NULL)
    return TRUE;
  self->pipeline = build_pipeline (self, error);
  if (self->pipeline == NULL)
    return FALSE;
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->finished = FALSE;
  bus = gst_element_get_bus (self->pipeline);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr (GError) cause = NULL;

      if (msg != NULL)
        gst_message_parse_error (msg, &cause, NULL);
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot start audio capture for caller ID: %s"),
                   cause ? cause->message : _ ("the audio device did not start"));
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
      return FALSE;
    }
  self->bus_watch_id = gst_bus_add_watch (bus, bus_cb, self);
  return TRUE;
}

static void
crm_audio_device_stop (CrmPhoneDevice *device)
{
  CrmAudioDevice *self = CRM_AUDIO_DEVICE (device);

  g_clear_handle_id (&self->restart_id, g_source_remove);
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
    }
  self->lost = FALSE;
}

static void
crm_audio_device_iface_init (CrmPhoneDeviceInterface *iface)
{
  iface->start = crm_audio_device_start;
  iface->stop = crm_audio_device_stop;
}

static void
crm_audio_device_dispose (GObject *object)
{
  crm_audio_device_stop (CRM_PHONE_DEVICE (object));
  G_OBJECT_CLASS (crm_audio_device_parent_class)->dispose (object);
}

static void
crm_audio_device_finalize (GObject *object)
{
  CrmAudioDevice *self = CRM_AUDIO_DEVICE (object);

  crm_cid_decoder_free (self->decoder);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->location);
  G_OBJECT_CLASS (crm_audio_device_parent_class)->finalize (object);
}

static void
crm_audio_device_class_init (CrmAudioDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_audio_device_dispose;
  object_class->finalize = crm_audio_device_finalize;
}

static void
crm_audio_device_init (CrmAudioDevice *self)
{
  self->decoder = crm_cid_decoder_new (on_decoded, self);
}

CrmPhoneDevice *
crm_audio_device_new (const char *spec, GError **error)
{
  g_autoptr (CrmAudioDevice) self = NULL;
  g_autoptr (GError) local = NULL;
  SourceKind  kind;
  const char *location = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  if (g_str_equal (spec, "auto"))
    kind = SOURCE_AUTO;
  else if (g_str_equal (spec, "pulse") || g_str_has_prefix (spec, "pulse:"))
    kind = SOURCE_PULSE, location = spec[5] ? spec + 6 : NULL;
  else if (g_str_equal (spec, "alsa") || g_str_has_prefix (spec, "alsa:"))
    kind = SOURCE_ALSA, location = spec[4] ? spec + 5 : NULL;
  else if (g_str_has_prefix (spec, "file:") && spec[5] != '\0')
    kind = SOURCE_FILE, location = spec + 5;
  else
    {
      g_set_error (
          error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_BAD_URI,
          _ ("The audio source “%s” is not understood; use auto, pulse, alsa:hw:1 or file:PATH."),
          spec);
      return NULL;
    }
  if (!gst_init_check (NULL, NULL, &local))
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("GStreamer cannot start: %s"), local->message);
      return NULL;
    }
  self = g_object_new (CRM_TYPE_AUDIO_DEVICE, NULL);
  self->kind = kind;
  self->location = location && *location ? g_strdup (location) : NULL;
  return CRM_PHONE_DEVICE (g_steal_pointer (&self));
}

gboolean
crm_audio_device_is_finished (CrmAudioDevice *self)
{
  g_return_val_if_fail (CRM_IS_AUDIO_DEVICE (self), FALSE);
  return self->finished;
}
