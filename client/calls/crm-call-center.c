/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-center"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "crm-call-center.h"
#include "crm-call-recorder.h"
#include "crm-error.h"
#include "crm-messages.h"

typedef enum {
  CALL_RINGING,
  CALL_ANSWERED,
  CALL_REJECTING,   /* we took the line off-hook to reject it */
  CALL_DIALING,
} CallState;

typedef struct {
  char *client_call_id;
  CallState state;
  char *direction;
  char *number;        /* NULL until known / withheld */
  int number_reason;
  gint64 started_at;
  gint64 answered_at;
  gint64 ended_at;
  const char *status;  /* when decided early: "blocked", "fax" */
  gboolean looked_up;
  char *recording;     /* path while recording */
} Call;

struct _CrmCallCenter {
  GObject parent_instance;

  CrmSession *session;
  CrmPhoneDevice *device;
  CrmCallSpool *spool;
  char *recorder_source;
  char *device_uri;
  GCancellable *cancellable;
  gulong event_handler;
  gboolean device_present;

  Call *call;              /* the call on the line, or NULL */
  gint64 dialled_until;    /* the modem's own off-hook after a dial is not a new call */
  CrmCallRecorder *recorder;
};

G_DEFINE_FINAL_TYPE (CrmCallCenter, crm_call_center, G_TYPE_OBJECT)

enum { SIGNAL_INCOMING, SIGNAL_BLOCKED, SIGNAL_CALL_ENDED, SIGNAL_DEVICE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
call_free (Call *call)
{
  g_free (call->client_call_id);
  g_free (call->direction);
  g_free (call->number);
  g_free (call->recording);
  g_free (call);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static Call *
call_new (const char *direction, gint64 started_at)
{
  Call *call = g_new0 (Call, 1);

  call->client_call_id = g_uuid_string_random ();
  call->direction = g_strdup (direction);
  call->started_at = started_at;
  call->state = CALL_RINGING;
  return call;
}

static GVariant *
call_to_variant (CrmCallCenter *self, Call *call, const char *sha)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char *status = call->status;

  if (status == NULL)
    status = call->answered_at != 0 ? "answered" : (strcmp (call->direction, "out") == 0 ? "answered" : "missed");
  g_variant_dict_insert (&d, "client_call_id", "s", call->client_call_id);
  g_variant_dict_insert (&d, "direction", "s", call->direction);
  g_variant_dict_insert (&d, "status", "s", status);
  g_variant_dict_insert (&d, "number", "s", call->number ? call->number : "");
  g_variant_dict_insert (&d, "started_at", "x", call->started_at);
  if (call->answered_at != 0)
    g_variant_dict_insert (&d, "answered_at", "x", call->answered_at);
  g_variant_dict_insert (&d, "ended_at", "x", MAX (call->ended_at, call->started_at));
  g_variant_dict_insert (&d, "device", "s", self->device_uri ? self->device_uri : "");
  if (sha != NULL)
    g_variant_dict_insert (&d, "recording_sha256", "s", sha);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static void
spool_call (CrmCallCenter *self, Call *call, const char *sha, const char *recording)
{
  g_autoptr(GVariant) v = call_to_variant (self, call, sha);
  g_autoptr(GError) error = NULL;

  if (!crm_call_spool_add (self->spool, v, recording, &error))
    g_warning ("the call %s could not be kept for sending: %s", call->client_call_id, error->message);
  g_signal_emit (self, signals[SIGNAL_CALL_ENDED], 0, v);
}

typedef struct {
  CrmCallCenter *self;
  Call *call;
} Pending;

static void
recording_stopped_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Pending *p = data;
  g_autoptr(Call) call = p->call;
  g_autoptr(CrmCallCenter) self = p->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sha = crm_call_recorder_stop_finish (CRM_CALL_RECORDER (source), result, &path, &error);

  g_free (p);
  if (sha == NULL)
    {
      g_warning ("%s", error->message);
      if (call->recording)
        g_unlink (call->recording);
      spool_call (self, call, NULL, NULL);
    }
  else
    spool_call (self, call, sha, path);
  g_object_unref (source);
}

/* The call on the line is over. */
static void
end_call (CrmCallCenter *self, gint64 when)
{
  g_autoptr(Call) call = g_steal_pointer (&self->call);

  if (call == NULL)
    return;
  call->ended_at = when;
  if (self->recorder != NULL && crm_call_recorder_is_recording (self->recorder))
    {
      Pending *p = g_new0 (Pending, 1);

      p->self = g_object_ref (self);
      p->call = g_steal_pointer (&call);
      crm_call_recorder_stop_async (g_steal_pointer (&self->recorder), NULL, recording_stopped_cb, p);
      return;
    }
  g_clear_object (&self->recorder);
  spool_call (self, call, NULL, NULL);
}

static void
start_recording (CrmCallCenter *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *name = NULL;

  if (self->recorder_source != NULL && *self->recorder_source == '\0')
    return;
  dir = g_build_filename (crm_call_spool_get_dir (self->spool), "recording", NULL);
  g_mkdir_with_parents (dir, 0700);
  name = g_strconcat (self->call->client_call_id, ".ogg", NULL);
  self->call->recording = g_build_filename (dir, name, NULL);
  g_clear_object (&self->recorder);
  self->recorder = crm_call_recorder_new (self->recorder_source);
  if (!crm_call_recorder_start (self->recorder, self->call->recording, &error))
    {
      g_warning ("%s", error->message);
      g_clear_object (&self->recorder);
    }
}

typedef struct {
  CrmCallCenter *self;
  char *call_id;
  char *number;
  int reason;
} Lookup;

static void
lookup_free (Lookup *l)
{
  g_object_unref (l->self);
  g_free (l->call_id);
  g_free (l->number);
  g_free (l);
}

static GVariant *
add_call_fields (GVariant *reply, Lookup *l)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (reply);

  g_variant_dict_insert (&d, "number", "s", l->number ? l->number : "");
  g_variant_dict_insert (&d, "number_reason", "i", l->reason);
  g_variant_dict_insert (&d, "client_call_id", "s", l->call_id);
  return g_variant_ref_sink (g_variant_dict_end (&d));
}

static void
lookup_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Lookup *l = data;
  CrmCallCenter *self = l->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_autoptr(GVariant) info = NULL;
  gboolean blocked = FALSE;
  gboolean current = self->call != NULL && strcmp (self->call->client_call_id, l->call_id) == 0;

  if (reply == NULL)
    {
      /* The pop-up still shows the number when the server is away. */
      g_debug ("call.lookup failed: %s", error->message);
      reply = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
    }
  info = add_call_fields (reply, l);
  g_variant_lookup (info, "blacklisted", "b", &blocked);
  if (blocked && current && self->call->state == CALL_RINGING)
    {
      g_autoptr(GError) reject_error = NULL;

      self->call->status = "blocked";
      self->call->state = CALL_REJECTING;
      if (!crm_phone_device_reject (self->device, &reject_error))
        {
          g_warning ("cannot reject the call: %s", reject_error->message);
          end_call (self, g_get_real_time ());
        }
      g_signal_emit (self, signals[SIGNAL_BLOCKED], 0, info);
    }
  else if (!blocked)
    g_signal_emit (self, signals[SIGNAL_INCOMING], 0, info);
  lookup_free (l);
}

static void
look_up (CrmCallCenter *self)
{
  Lookup *l = g_new0 (Lookup, 1);

  l->self = g_object_ref (self);
  l->call_id = g_strdup (self->call->client_call_id);
  l->number = g_strdup (self->call->number);
  l->reason = self->call->number_reason;
  self->call->looked_up = TRUE;
  if (self->call->number == NULL)
    {
      /* Withheld: nothing to look up. */
      g_autoptr(GVariant) empty = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
      g_autoptr(GVariant) info = add_call_fields (empty, l);

      g_signal_emit (self, signals[SIGNAL_INCOMING], 0, info);
      lookup_free (l);
      return;
    }
  crm_session_call_async (self->session, CRM_MSG_CALL_LOOKUP, g_variant_new ("(s)", self->call->number),
                          self->cancellable, lookup_done_cb, l);
}

static void
event_cb (CrmPhoneDevice *device, const CrmCallEvent *event, gpointer data)
{
  CrmCallCenter *self = data;
  gint64 when = event->time_us ? event->time_us : g_get_real_time ();

  switch (event->kind)
    {
    case CRM_CALL_EVENT_RING:
      if (self->call == NULL)
        self->call = call_new ("in", when);
      break;
    case CRM_CALL_EVENT_CALLER_ID:
      /* DTMF caller ID comes before the first ring in China. */
      if (self->call == NULL)
        self->call = call_new ("in", when);
      if (self->call->looked_up)
        break;
      g_clear_pointer (&self->call->number, g_free);
      if (event->number != NULL && event->number_reason == CRM_CALLER_ID_PRESENT)
        self->call->number = g_strdup (event->number);
      self->call->number_reason = event->number_reason;
      look_up (self);
      break;
    case CRM_CALL_EVENT_OFF_HOOK:
      if (self->call == NULL && g_get_monotonic_time () < self->dialled_until)
        break;
      if (self->call == NULL)
        {
          /* Picked up to call out. */
          self->call = call_new ("out", when);
          self->call->state = CALL_ANSWERED;
          self->call->answered_at = when;
          start_recording (self);
        }
      else if (self->call->state == CALL_RINGING)
        {
          self->call->state = CALL_ANSWERED;
          self->call->answered_at = when;
          start_recording (self);
        }
      else if (self->call->state == CALL_DIALING)
        {
          self->call->state = CALL_ANSWERED;
          self->call->answered_at = when;
          start_recording (self);
        }
      break;
    case CRM_CALL_EVENT_ON_HOOK:
      if (self->call != NULL && self->call->state != CALL_RINGING)
        end_call (self, when);
      break;
    case CRM_CALL_EVENT_RING_STOPPED:
      if (self->call != NULL && (self->call->state == CALL_RINGING || self->call->state == CALL_REJECTING))
        end_call (self, when);
      break;
    case CRM_CALL_EVENT_FAX_TONE:
      if (self->call != NULL)
        self->call->status = "fax";
      break;
    case CRM_CALL_EVENT_DIAL_RESULT:
      if (self->call != NULL && self->call->state == CALL_DIALING)
        {
          /* A modem dials, then hands the line to the handset: it cannot
           * tell when the conversation ends, so the call is logged now. */
          if (event->dial_result == CRM_DIAL_RESULT_OK)
            {
              self->call->answered_at = when;
              self->dialled_until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
            }
          else
            self->call->status = "missed";
          end_call (self, when);
        }
      break;
    case CRM_CALL_EVENT_DEVICE_LOST:
      self->device_present = FALSE;
      end_call (self, when);
      g_signal_emit (self, signals[SIGNAL_DEVICE_CHANGED], 0);
      break;
    case CRM_CALL_EVENT_DEVICE_BACK:
      self->device_present = TRUE;
      g_signal_emit (self, signals[SIGNAL_DEVICE_CHANGED], 0);
      break;
    case CRM_CALL_EVENT_DTMF:
    case CRM_CALL_EVENT_WARNING:
    default:
      break;
    }
}

gboolean
crm_call_center_dial (CrmCallCenter *self, const char *number, GError **error)
{
  g_autofree char *digits = NULL;

  g_return_val_if_fail (CRM_IS_CALL_CENTER (self), FALSE);
  if (self->call != NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_CONFLICT, _("The line is busy"));
      return FALSE;
    }
  if (!crm_phone_device_check_dial_number (number, error) ||
      !crm_phone_device_dial (self->device, number, error))
    return FALSE;
  self->call = call_new ("out", g_get_real_time ());
  self->call->state = CALL_DIALING;
  self->call->number = g_strdup (number);
  self->call->looked_up = TRUE;
  return TRUE;
}

void
crm_call_center_set_device_label (CrmCallCenter *self, const char *label)
{
  g_autofree char *valid = g_utf8_make_valid (label ? label : "", -1);

  /* The server takes at most 200 bytes: 48 characters always fit. */
  g_free (self->device_uri);
  self->device_uri = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 48));
}

CrmPhoneDevice *
crm_call_center_get_device (CrmCallCenter *self)
{
  return self->device;
}

CrmCallSpool *
crm_call_center_get_spool (CrmCallCenter *self)
{
  return self->spool;
}

CrmSession *
crm_call_center_get_session (CrmCallCenter *self)
{
  return self->session;
}

gboolean
crm_call_center_get_device_present (CrmCallCenter *self)
{
  return self->device_present;
}

static void
crm_call_center_dispose (GObject *object)
{
  CrmCallCenter *self = CRM_CALL_CENTER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->device != NULL && self->event_handler != 0)
    g_clear_signal_handler (&self->event_handler, self->device);
  g_clear_object (&self->recorder);
  g_clear_pointer (&self->call, call_free);
  g_clear_object (&self->device);
  g_clear_object (&self->spool);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (crm_call_center_parent_class)->dispose (object);
}

static void
crm_call_center_finalize (GObject *object)
{
  CrmCallCenter *self = CRM_CALL_CENTER (object);

  g_free (self->recorder_source);
  g_free (self->device_uri);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (crm_call_center_parent_class)->finalize (object);
}

static void
crm_call_center_class_init (CrmCallCenterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_call_center_dispose;
  object_class->finalize = crm_call_center_finalize;

  signals[SIGNAL_INCOMING] = g_signal_new ("incoming", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
  signals[SIGNAL_BLOCKED] = g_signal_new ("blocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
  signals[SIGNAL_CALL_ENDED] = g_signal_new ("call-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                             NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
  signals[SIGNAL_DEVICE_CHANGED] = g_signal_new ("device-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
crm_call_center_init (CrmCallCenter *self)
{
  self->cancellable = g_cancellable_new ();
  self->device_present = TRUE;
}

CrmCallCenter *
crm_call_center_new (CrmSession     *session,
                     CrmPhoneDevice *device,
                     CrmCallSpool   *spool,
                     const char     *recorder_source)
{
  CrmCallCenter *self = g_object_new (CRM_TYPE_CALL_CENTER, NULL);

  self->session = g_object_ref (session);
  self->device = g_object_ref (device);
  self->spool = g_object_ref (spool);
  self->recorder_source = g_strdup (recorder_source);
  self->device_uri = g_strdup (G_OBJECT_TYPE_NAME (device));
  self->event_handler = g_signal_connect (device, "event", G_CALLBACK (event_cb), self);
  return self;
}
