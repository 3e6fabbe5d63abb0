/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-recorder"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "crm-call-recorder.h"
#include "crm-call-spool.h"
#include "crm-error.h"

/* An EOS that does not come back (a wedged source) ends the file anyway. */
#define STOP_TIMEOUT_S 5

struct _CrmCallRecorder {
  GObject parent_instance;

  char *source;
  char *path;
  GstElement *pipeline;
  guint bus_watch;
  GTask *stop_task;
  guint stop_timeout;
};

G_DEFINE_FINAL_TYPE (CrmCallRecorder, crm_call_recorder, G_TYPE_OBJECT)

static void
teardown (CrmCallRecorder *self)
{
  g_clear_handle_id (&self->stop_timeout, g_source_remove);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      gst_clear_object (&self->pipeline);
    }
}

static void
hash_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  char *sha = crm_file_sha256 (data, &error);

  if (sha == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sha, g_free);
}

static void
finish_stop (CrmCallRecorder *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->stop_task);

  teardown (self);
  if (task == NULL)
    return;
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, hash_in_thread);
}

static gboolean
stop_timeout_cb (gpointer data)
{
  CrmCallRecorder *self = data;

  self->stop_timeout = 0;
  g_warning ("recording did not end within %d s; closing it", STOP_TIMEOUT_S);
  finish_stop (self);
  return G_SOURCE_REMOVE;
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer data)
{
  CrmCallRecorder *self = data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      finish_stop (self);
      return G_SOURCE_REMOVE;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_warning ("recording failed: %s (%s)", error->message, debug ? debug : "");
        if (self->stop_task != NULL)
          {
            g_autoptr(GTask) task = g_steal_pointer (&self->stop_task);
            teardown (self);
            g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_INTERNAL,
                                     _("The call could not be recorded: %s"), error->message);
          }
        else
          teardown (self);
        return G_SOURCE_REMOVE;
      }
    default:
      return G_SOURCE_CONTINUE;
    }
}

gboolean
crm_call_recorder_start (CrmCallRecorder *self, const char *path, GError **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *sink;

  g_return_val_if_fail (CRM_IS_CALL_RECORDER (self), FALSE);
  g_return_val_if_fail (self->pipeline == NULL, FALSE);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  description = g_strdup_printf ("%s ! audioconvert ! audioresample ! audio/x-raw,rate=16000,channels=1"
                                 " ! opusenc bitrate=24000 ! oggmux ! filesink name=sink",
                                 self->source);
  self->pipeline = gst_parse_launch (description, &local);
  if (self->pipeline == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("The call could not be recorded: %s"),
                   local ? local->message : "?");
      return FALSE;
    }
  gst_object_ref_sink (self->pipeline);
  sink = gst_bin_get_by_name (GST_BIN (self->pipeline), "sink");
  g_object_set (sink, "location", path, NULL);
  gst_object_unref (sink);
  g_free (self->path);
  self->path = g_strdup (path);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      teardown (self);
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("The call could not be recorded: %s"),
                   _("the sound device cannot be opened"));
      return FALSE;
    }
  return TRUE;
}

gboolean
crm_call_recorder_is_recording (CrmCallRecorder *self)
{
  return self->pipeline != NULL && self->stop_task == NULL;
}

void
crm_call_recorder_stop_async (CrmCallRecorder     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, crm_call_recorder_stop_async);
  if (self->pipeline == NULL || self->stop_task != NULL)
    {
      g_task_return_new_error (task, CRM_ERROR, CRM_ERROR_INTERNAL,
                               _("The call could not be recorded: %s"), _("nothing was recorded"));
      return;
    }
  self->stop_task = g_steal_pointer (&task);
  self->stop_timeout = g_timeout_add_seconds (STOP_TIMEOUT_S, stop_timeout_cb, self);
  gst_element_send_event (self->pipeline, gst_event_new_eos ());
}

char *
crm_call_recorder_stop_finish (CrmCallRecorder *self, GAsyncResult *result, char **path_out, GError **error)
{
  char *sha = g_task_propagate_pointer (G_TASK (result), error);

  if (path_out != NULL)
    *path_out = sha ? g_strdup (self->path) : NULL;
  return sha;
}

static void
crm_call_recorder_dispose (GObject *object)
{
  CrmCallRecorder *self = CRM_CALL_RECORDER (object);

  teardown (self);
  if (self->stop_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->stop_task);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "disposed");
    }
  G_OBJECT_CLASS (crm_call_recorder_parent_class)->dispose (object);
}

static void
crm_call_recorder_finalize (GObject *object)
{
  CrmCallRecorder *self = CRM_CALL_RECORDER (object);

  g_free (self->source);
  g_free (self->path);
  G_OBJECT_CLASS (crm_call_recorder_parent_class)->finalize (object);
}

static void
crm_call_recorder_class_init (CrmCallRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = crm_call_recorder_dispose;
  G_OBJECT_CLASS (klass)->finalize = crm_call_recorder_finalize;
}

static void
crm_call_recorder_init (CrmCallRecorder *self)
{
}

CrmCallRecorder *
crm_call_recorder_new (const char *source)
{
  CrmCallRecorder *self = g_object_new (CRM_TYPE_CALL_RECORDER, NULL);

  self->source = g_strdup (source && *source ? source : "autoaudiosrc");
  return self;
}
