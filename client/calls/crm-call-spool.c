/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-spool"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "crm-call-spool.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-recording-http.h"

#define PIECE_BYTES      (256 * 1024)
#define RETRY_MIN_S      2
#define RETRY_MAX_S      60

struct _CrmCallSpool {
  GObject parent_instance;

  CrmSession *session;
  char *dir;
  char *http_base;
  SoupSession *soup;
  GCancellable *cancellable;

  gboolean busy;         /* a pass is running */
  gboolean again;        /* kicked during a pass */
  guint retry_id;
  guint retry_s;
  gulong state_handler;

  /* The entry being sent. */
  char *call_path;
  char *call_id;
  char *sha;
  char *ogg_path;
  gint64 server_id;
  GBytes *data;
  gint64 offset;
};

G_DEFINE_FINAL_TYPE (CrmCallSpool, crm_call_spool, G_TYPE_OBJECT)

enum { SIGNAL_SENT, SIGNAL_RETRY, N_SIGNALS };
static guint signals[N_SIGNALS];

static void next_entry (CrmCallSpool *self);

static void
entry_clear (CrmCallSpool *self)
{
  g_clear_pointer (&self->call_path, g_free);
  g_clear_pointer (&self->call_id, g_free);
  g_clear_pointer (&self->sha, g_free);
  g_clear_pointer (&self->ogg_path, g_free);
  g_clear_pointer (&self->data, g_bytes_unref);
  self->server_id = 0;
  self->offset = 0;
}

static gboolean
retry_cb (gpointer data)
{
  CrmCallSpool *self = data;

  self->retry_id = 0;
  crm_call_spool_kick (self);
  return G_SOURCE_REMOVE;
}

/* Ends the pass after a failure; everything stays on disk. */
static void
fail_pass (CrmCallSpool *self, const GError *error)
{
  g_debug ("call spool: %s; retry in %u s", error->message, self->retry_s);
  entry_clear (self);
  self->busy = FALSE;
  g_signal_emit (self, signals[SIGNAL_RETRY], 0, error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->retry_s, retry_cb, self);
  self->retry_s = MIN (self->retry_s * 2, RETRY_MAX_S);
}

static void
entry_done (CrmCallSpool *self)
{
  g_autofree char *call_id = g_strdup (self->call_id);
  gint64 id = self->server_id;

  if (self->ogg_path != NULL)
    g_unlink (self->ogg_path);
  g_unlink (self->call_path);
  entry_clear (self);
  self->retry_s = RETRY_MIN_S;
  g_signal_emit (self, signals[SIGNAL_SENT], 0, call_id, id);
  next_entry (self);
}

/* ---- HTTPS ---- */

static SoupMessage *
new_message (CrmCallSpool *self, const char *method, GError **error)
{
  g_autofree char *base = crm_recording_http_base (self->session, self->http_base);

  return crm_recording_http_message (self->session, base, method, self->sha, error);
}

static void send_piece (CrmCallSpool *self);

static gint64
offset_header (SoupMessage *msg)
{
  const char *v = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Upload-Offset");

  return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}

static void
put_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallSpool) self = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status;

  if (body == NULL)
    {
      fail_pass (self, error);
      return;
    }
  status = soup_message_get_status (msg);
  switch (status)
    {
    case SOUP_STATUS_OK:
    case SOUP_STATUS_CREATED:
      entry_done (self);
      return;
    case SOUP_STATUS_ACCEPTED:
    case SOUP_STATUS_CONFLICT:
      self->offset = offset_header (msg);
      send_piece (self);
      return;
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      /* The file no longer matches the checksum it was logged with: keep it
       * aside for a person to look at, and let the call go. */
      {
        g_autofree char *bad = g_strconcat (self->ogg_path, ".bad", NULL);
        g_warning ("recording %s does not match its checksum; kept as %s", self->sha, bad);
        g_rename (self->ogg_path, bad);
        g_clear_pointer (&self->ogg_path, g_free);
        entry_done (self);
      }
      return;
    default:
      g_set_error (&error, CRM_ERROR, CRM_ERROR_UNAVAILABLE,
                   _("The server did not take the recording (HTTP %u); it will be sent later"), status);
      fail_pass (self, error);
    }
}

static void
send_piece (CrmCallSpool *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  gsize total = g_bytes_get_size (self->data);
  gsize start = (gsize) CLAMP (self->offset, 0, (gint64) total);
  gsize length;
  g_autoptr(GBytes) piece = NULL;

  if (start >= total)
    start = 0; /* the server lost the part: start over */
  length = MIN (PIECE_BYTES, total - start);
  piece = g_bytes_new_from_bytes (self->data, start, length);
  msg = new_message (self, "PUT", &error);
  if (msg == NULL)
    {
      fail_pass (self, error);
      return;
    }
  soup_message_headers_set_content_range (soup_message_get_request_headers (msg),
                                          start, start + length - 1, total);
  soup_message_set_request_body_from_bytes (msg, "audio/ogg", piece);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_LOW, self->cancellable,
                                    put_done_cb, g_object_ref (self));
}

static void
head_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallSpool) self = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status;

  if (body == NULL)
    {
      fail_pass (self, error);
      return;
    }
  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_OK)
    {
      entry_done (self); /* already there: never uploaded twice */
      return;
    }
  if (status != SOUP_STATUS_NOT_FOUND)
    {
      g_set_error (&error, CRM_ERROR, CRM_ERROR_UNAVAILABLE,
                   _("The server did not take the recording (HTTP %u); it will be sent later"), status);
      fail_pass (self, error);
      return;
    }
  self->offset = offset_header (msg);
  send_piece (self);
}

static void
upload_recording (CrmCallSpool *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (self->ogg_path, FALSE, &error);
  g_autoptr(SoupMessage) msg = NULL;

  if (mapped == NULL)
    {
      fail_pass (self, error);
      return;
    }
  self->data = g_mapped_file_get_bytes (mapped);
  if (g_bytes_get_size (self->data) == 0)
    {
      g_warning ("recording %s is empty; dropped", self->ogg_path);
      entry_done (self);
      return;
    }
  msg = new_message (self, "HEAD", &error);
  if (msg == NULL)
    {
      fail_pass (self, error);
      return;
    }
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_LOW, self->cancellable,
                                    head_done_cb, g_object_ref (self));
}

/* ---- call.log ---- */

static void
logged_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallSpool) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);

  if (reply == NULL)
    {
      if (error->domain == CRM_ERROR && (error->code == CRM_ERROR_INVALID_FIELD ||
                                         error->code == CRM_ERROR_BAD_PAYLOAD))
        {
          /* The server will never take it: set it aside instead of
           * retrying for ever. */
          g_autofree char *bad = g_strconcat (self->call_path, ".bad", NULL);
          g_warning ("call %s refused by the server (%s); kept as %s", self->call_id, error->message, bad);
          g_rename (self->call_path, bad);
          entry_clear (self);
          next_entry (self);
          return;
        }
      fail_pass (self, error);
      return;
    }
  g_variant_get (reply, "(x)", &self->server_id);
  if (self->ogg_path != NULL && g_file_test (self->ogg_path, G_FILE_TEST_EXISTS))
    upload_recording (self);
  else
    {
      g_clear_pointer (&self->ogg_path, g_free);
      entry_done (self);
    }
}

static GVariant *
read_entry (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GVariant) v = NULL;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  v = g_variant_parse (G_VARIANT_TYPE ("(sa{sv})"), text, NULL, NULL, error);
  return v ? g_variant_ref_sink (g_steal_pointer (&v)) : NULL;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_entries (CrmCallSpool *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".call"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void
next_entry (CrmCallSpool *self)
{
  g_autoptr(GPtrArray) names = list_entries (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) request = NULL;
  g_autoptr(GVariant) call = NULL;
  const char *sha = NULL;

  if (names->len == 0 || crm_session_get_state (self->session) == CRM_SESSION_STATE_OFFLINE)
    {
      self->busy = FALSE;
      if (self->again && names->len > 0)
        {
          self->again = FALSE;
          crm_call_spool_kick (self);
        }
      return;
    }
  self->call_path = g_build_filename (self->dir, names->pdata[0], NULL);
  request = read_entry (self->call_path, &error);
  if (request == NULL)
    {
      g_autofree char *bad = g_strconcat (self->call_path, ".bad", NULL);
      g_warning ("unreadable spooled call %s: %s", self->call_path, error->message);
      g_rename (self->call_path, bad);
      entry_clear (self);
      next_entry (self);
      return;
    }
  g_variant_get (request, "(s@a{sv})", NULL, &call);
  g_variant_lookup (call, "client_call_id", "s", &self->call_id);
  if (g_variant_lookup (call, "recording_sha256", "&s", &sha) && strlen (sha) == 64)
    {
      g_autofree char *name = g_strconcat (sha, ".ogg", NULL);
      self->sha = g_strdup (sha);
      self->ogg_path = g_build_filename (self->dir, name, NULL);
    }
  crm_session_call_async (self->session, CRM_MSG_CALL_LOG, g_steal_pointer (&request),
                          self->cancellable, logged_cb, g_object_ref (self));
}

void
crm_call_spool_kick (CrmCallSpool *self)
{
  g_return_if_fail (CRM_IS_CALL_SPOOL (self));

  if (self->busy)
    {
      self->again = TRUE;
      return;
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->busy = TRUE;
  self->again = FALSE;
  next_entry (self);
}

gboolean
crm_call_spool_add (CrmCallSpool *self, GVariant *call, const char *recording, GError **error)
{
  g_autoptr(GVariant) sunk = g_variant_ref_sink (call);
  const char *call_id = NULL, *sha = NULL;
  g_autofree char *key = NULL, *text = NULL, *name = NULL, *path = NULL, *tmp = NULL;
  gint64 started = 0;

  g_return_val_if_fail (CRM_IS_CALL_SPOOL (self), FALSE);
  if (!g_variant_lookup (sunk, "client_call_id", "&s", &call_id) || !crm_idempotency_key_is_valid (call_id))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD, _("The call has no valid id"));
      return FALSE;
    }
  if (recording != NULL)
    {
      g_autofree char *ogg = NULL;

      if (!g_variant_lookup (sunk, "recording_sha256", "&s", &sha) || strlen (sha) != 64)
        {
          g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD, _("The recording has no checksum"));
          return FALSE;
        }
      ogg = g_strdup_printf ("%s/%s.ogg", self->dir, sha);
      if (g_rename (recording, ogg) != 0)
        {
          g_autoptr(GFile) from = g_file_new_for_path (recording);
          g_autoptr(GFile) to = g_file_new_for_path (ogg);

          if (!g_file_move (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
            return FALSE;
        }
    }
  /* Sorted by start time, so that calls reach the server in order. */
  g_variant_lookup (sunk, "started_at", "x", &started);
  key = g_strconcat ("log-", call_id, NULL);
  text = g_variant_print (g_variant_new ("(s@a{sv})", key, sunk), TRUE);
  name = g_strdup_printf ("%020" G_GINT64_FORMAT "-%s.call", started, call_id);
  path = g_build_filename (self->dir, name, NULL);
  /* g_file_set_contents writes a temporary file and renames it: a crash
   * leaves either no entry or a whole one. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  crm_call_spool_kick (self);
  return TRUE;
}

guint
crm_call_spool_get_n_pending (CrmCallSpool *self)
{
  g_autoptr(GPtrArray) names = list_entries (self);

  return names->len;
}

const char *
crm_call_spool_get_dir (CrmCallSpool *self)
{
  return self->dir;
}

void
crm_call_spool_set_http_base (CrmCallSpool *self, const char *base_uri)
{
  g_free (self->http_base);
  self->http_base = g_strdup (base_uri);
}

static void
session_state_cb (GObject *session, GParamSpec *pspec, gpointer data)
{
  CrmCallSpool *self = data;

  if (crm_session_get_state (CRM_SESSION (session)) == CRM_SESSION_STATE_ONLINE)
    {
      self->retry_s = RETRY_MIN_S;
      crm_call_spool_kick (self);
    }
}

static void
crm_call_spool_dispose (GObject *object)
{
  CrmCallSpool *self = CRM_CALL_SPOOL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->session && self->state_handler)
    g_clear_signal_handler (&self->state_handler, self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->soup);
  G_OBJECT_CLASS (crm_call_spool_parent_class)->dispose (object);
}

static void
crm_call_spool_finalize (GObject *object)
{
  CrmCallSpool *self = CRM_CALL_SPOOL (object);

  entry_clear (self);
  g_free (self->dir);
  g_free (self->http_base);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (crm_call_spool_parent_class)->finalize (object);
}

static void
crm_call_spool_class_init (CrmCallSpoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_call_spool_dispose;
  object_class->finalize = crm_call_spool_finalize;

  signals[SIGNAL_SENT] = g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
  signals[SIGNAL_RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
crm_call_spool_init (CrmCallSpool *self)
{
  self->cancellable = g_cancellable_new ();
  self->retry_s = RETRY_MIN_S;
  self->soup = soup_session_new_with_options ("timeout", 60, NULL);
}

CrmCallSpool *
crm_call_spool_new (CrmSession *session, const char *dir)
{
  CrmCallSpool *self = g_object_new (CRM_TYPE_CALL_SPOOL, NULL);

  self->session = g_object_ref (session);
  self->dir = dir ? g_strdup (dir) : g_build_filename (g_get_user_data_dir (), "jinke-crm", "call-spool", NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    g_warning ("cannot create the call spool %s", self->dir);
  self->state_handler = g_signal_connect (session, "notify::state", G_CALLBACK (session_state_cb), self);
  return self;
}
