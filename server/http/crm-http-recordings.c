/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-http-recordings"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "crm-checksum.h"
#include "crm-error.h"
#include "crm-http-recordings.h"
#include "crm-messages.h"
#include "crm-server.h"
#include "modules/calls/crm-call-retention.h"

/* A recording is Opus in Ogg: about 1 MB per ten minutes.  The caps leave
 * room for very long calls and bound what one request holds in memory. */
#define MAX_RECORDING_BYTES (G_GINT64_CONSTANT (512) * 1024 * 1024)
#define MAX_PIECE_BYTES     (16 * 1024 * 1024)
#define PREFIX              "/recordings/"

typedef struct _Purge Purge;

typedef struct {
  CrmHttp *http;   /* not owned: the handler lives as long as the server */
  CrmDbPool *pool; /* not owned, outlives the server */
  char *root;      /* data_dir/recordings */
  Purge *purge;    /* the retention pass running, or NULL */
  guint purge_timer_id;
  guint purge_timer_interval; /* 0 until the first pass */
} Recordings;

typedef struct {
  Recordings *rec;
  SoupServerMessage *msg;
  char sha[65];
  CrmSession *session;
} Request;

static void
request_free (Request *r)
{
  g_clear_object (&r->msg);
  g_clear_pointer (&r->session, crm_session_unref);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
respond_json (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *body;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, code ? "error" : "status");
  json_builder_add_string_value (b, code ? code : "ok");
  if (message != NULL)
    {
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, message);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
respond_error (SoupServerMessage *msg, const GError *error)
{
  guint status = crm_http_status_for_error (error);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"jinke-crm\"");
  respond_json (msg, status,
                error->domain == CRM_ERROR ? crm_error_code_to_string (error->code) : "internal",
                error->message);
}

static gboolean
parse_sha (const char *path, char out[65])
{
  const char *hex;

  if (!g_str_has_prefix (path, PREFIX))
    return FALSE;
  hex = path + strlen (PREFIX);
  if (strlen (hex) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isdigit (hex[i]) && !(hex[i] >= 'a' && hex[i] <= 'f'))
      return FALSE;
  memcpy (out, hex, 65);
  return TRUE;
}

static char *
final_path (Recordings *rec, const char *sha)
{
  char dir[3] = { sha[0], sha[1], 0 };
  g_autofree char *name = g_strconcat (sha, ".ogg", NULL);

  return g_build_filename (rec->root, dir, name, NULL);
}

static char *
partial_path (Recordings *rec, gint64 user_id, const char *sha)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT "-%s.part", user_id, sha);

  return g_build_filename (rec->root, "partial", name, NULL);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return -1;
  return st.st_size;
}

static void
set_offset_header (SoupServerMessage *msg, gint64 offset)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (offset, 0));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Upload-Offset", text);
}

/* ---- PUT ---- */

typedef enum {
  COMPLETE_STORED,
  COMPLETE_MISMATCH,
  COMPLETE_UNREADABLE,
  COMPLETE_NO_STORAGE,
} CompleteStatus;

typedef struct {
  char *part;
  char *final;
  char sha[65];
  gint64 total;
} Completion;

static void
completion_free (gpointer data)
{
  Completion *c = data;

  g_free (c->part);
  g_free (c->final);
  g_free (c);
}

static void
complete_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Completion *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sum = crm_file_sha256 (c->part, &error);
  g_autofree char *dir = g_path_get_dirname (c->final);

  if (sum == NULL)
    {
      g_warning ("cannot read back recording %s: %s", c->sha, error->message);
      g_task_return_int (task, COMPLETE_UNREADABLE);
    }
  else if (strcmp (sum, c->sha) != 0 || file_size (c->part) != c->total)
    {
      g_unlink (c->part);
      g_task_return_int (task, COMPLETE_MISMATCH);
    }
  else if (g_mkdir_with_parents (dir, 0700) != 0 || g_rename (c->part, c->final) != 0)
    {
      g_warning ("cannot store recording %s: %s", c->sha, g_strerror (errno));
      g_task_return_int (task, COMPLETE_NO_STORAGE);
    }
  else
    g_task_return_int (task, COMPLETE_STORED);
}

static void
completed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(Request) r = data;

  switch (g_task_propagate_int (G_TASK (result), NULL))
    {
    case COMPLETE_STORED:
      respond_json (r->msg, SOUP_STATUS_CREATED, NULL, NULL);
      break;
    case COMPLETE_MISMATCH:
      respond_json (r->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "checksum",
                    _("The recording does not match its checksum; upload it again"));
      break;
    case COMPLETE_NO_STORAGE:
      respond_json (r->msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "storage", _("The server cannot store the recording"));
      break;
    case COMPLETE_UNREADABLE:
    default:
      respond_json (r->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", _("Internal server error"));
      break;
    }
  soup_server_message_unpause (r->msg);
}

/* TRUE when answered now (the caller unpauses); FALSE when the request
 * was taken from *rp to finish later. */
static gboolean
handle_put (Request **rp)
{
  Request *r = *rp;
  SoupServerMessage *msg = r->msg;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) data = soup_message_body_flatten (body);
  gsize length = g_bytes_get_size (data);
  g_autofree char *final = final_path (r->rec, r->sha);
  g_autofree char *part = partial_path (r->rec, r->session->user_id, r->sha);
  goffset start = 0, end = -1, total = -1;
  gint64 have;
  g_autoptr(GError) error = NULL;

  if (!crm_session_has_permission (r->session, "call.log"))
    {
      respond_json (msg, SOUP_STATUS_FORBIDDEN, "permission_denied", _("You do not have permission to do this"));
      return TRUE;
    }
  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      respond_json (msg, SOUP_STATUS_OK, NULL, NULL);
      return TRUE;
    }
  if (soup_message_headers_get_one (req_headers, "Content-Range") != NULL)
    {
      if (!soup_message_headers_get_content_range (req_headers, &start, &end, &total) ||
          total <= 0 || start < 0 || end < start || end >= total ||
          (gsize) (end - start + 1) != length)
        {
          respond_json (msg, SOUP_STATUS_BAD_REQUEST, "bad_range", _("The Content-Range header does not match the data"));
          return TRUE;
        }
    }
  else
    {
      start = 0;
      end = (goffset) length - 1;
      total = (goffset) length;
    }
  if (total > MAX_RECORDING_BYTES || length > MAX_PIECE_BYTES)
    {
      respond_json (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", _("The recording is too large"));
      return TRUE;
    }
  if (total == 0 || length == 0)
    {
      respond_json (msg, SOUP_STATUS_BAD_REQUEST, "empty", _("The recording is empty"));
      return TRUE;
    }

  have = file_size (part);
  if (start == 0 && have > 0)
    {
      g_unlink (part);
      have = 0;
    }
  if (have < 0)
    have = 0;
  if (start != have)
    {
      set_offset_header (msg, have);
      respond_json (msg, SOUP_STATUS_CONFLICT, "offset", _("The upload must continue where it stopped"));
      return TRUE;
    }

  {
    g_autofree char *dir = g_path_get_dirname (part);
    g_autoptr(GFile) file = g_file_new_for_path (part);
    g_autoptr(GFileOutputStream) out = NULL;

    if (g_mkdir_with_parents (dir, 0700) != 0 ||
        (out = g_file_append_to (file, G_FILE_CREATE_PRIVATE, NULL, &error)) == NULL ||
        !g_output_stream_write_all (G_OUTPUT_STREAM (out), g_bytes_get_data (data, NULL), length,
                                    NULL, NULL, &error) ||
        !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error))
      {
        g_warning ("cannot store part of recording %s: %s", r->sha,
                   error ? error->message : g_strerror (errno));
        respond_json (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "storage", _("The server cannot store the recording"));
        return TRUE;
      }
  }

  if (end + 1 < total)
    {
      set_offset_header (msg, end + 1);
      respond_json (msg, SOUP_STATUS_ACCEPTED, NULL, NULL);
      return TRUE;
    }

  /* Complete: the checksum decides, on a worker thread (a large file
   * would stall every connection of the main loop). */
  {
    Completion *c = g_new0 (Completion, 1);
    g_autoptr(GTask) task = g_task_new (NULL, NULL, completed_cb, g_steal_pointer (rp));

    c->part = g_steal_pointer (&part);
    c->final = g_steal_pointer (&final);
    memcpy (c->sha, r->sha, sizeof c->sha);
    c->total = total;
    g_task_set_task_data (task, c, completion_free);
    g_task_run_in_thread (task, complete_in_thread);
  }
  return FALSE;
}

/* ---- HEAD ---- */

static void
handle_head (Request *r)
{
  g_autofree char *final = final_path (r->rec, r->sha);
  g_autofree char *part = partial_path (r->rec, r->session->user_id, r->sha);
  gint64 size = file_size (final);

  if (!crm_session_has_permission (r->session, "call.log") &&
      !crm_session_has_permission (r->session, "call.recording.listen"))
    {
      soup_server_message_set_status (r->msg, SOUP_STATUS_FORBIDDEN, NULL);
      return;
    }
  if (size >= 0)
    {
      soup_server_message_set_status (r->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_length (soup_server_message_get_response_headers (r->msg), size);
      return;
    }
  set_offset_header (r->msg, file_size (part));
  soup_server_message_set_status (r->msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* ---- GET ---- */

static void
serve_file (Request *r)
{
  SoupServerMessage *msg = r->msg;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp_headers = soup_server_message_get_response_headers (msg);
  g_autofree char *final = final_path (r->rec, r->sha);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (final, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  gsize total;
  SoupRange *ranges = NULL;
  int n_ranges = 0;

  if (mapped == NULL)
    {
      respond_json (msg, SOUP_STATUS_NOT_FOUND, "not_found", _("The recording has not been uploaded yet"));
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  total = g_bytes_get_size (bytes);
  soup_message_headers_replace (resp_headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (resp_headers, "Cache-Control", "private, max-age=0");
  soup_message_headers_replace (resp_headers, "ETag", r->sha);
  if (soup_message_headers_get_one (req_headers, "Range") != NULL)
    {
      if (!soup_message_headers_get_ranges (req_headers, total, &ranges, &n_ranges) || n_ranges < 1)
        {
          g_autofree char *cr = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, total);

          soup_message_headers_replace (resp_headers, "Content-Range", cr);
          soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
          return;
        }
      {
        /* One range (the first) is all a player asks for. */
        goffset s = ranges[0].start, e = ranges[0].end;
        g_autoptr(GBytes) slice = g_bytes_new_from_bytes (bytes, s, e - s + 1);

        soup_message_headers_free_ranges (req_headers, ranges);
        soup_message_headers_set_content_range (resp_headers, s, e, total);
        soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
        soup_message_headers_set_content_type (resp_headers, "audio/ogg", NULL);
        soup_message_body_append_bytes (soup_server_message_get_response_body (msg), slice);
        return;
      }
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (resp_headers, "audio/ogg", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
visible_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_db_pool_run_finish (r->rec->pool, result, NULL, &error);
  g_autoptr(GVariant) rows = NULL;
  gboolean available = FALSE;

  if (reply == NULL)
    respond_error (r->msg, error);
  else
    {
      rows = g_variant_get_child_value (reply, 0);
      for (gsize i = 0; i < g_variant_n_children (rows) && !available; i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
          gboolean a = FALSE;

          if (g_variant_lookup (row, "recording_available", "b", &a) && a)
            available = TRUE;
        }
      if (available)
        serve_file (r);
      else
        {
          /* Every call that references it has had its recording deleted
           * (by a user or the retention period): the file goes too. */
          if (g_variant_n_children (rows) > 0)
            {
              g_autofree char *final = final_path (r->rec, r->sha);
              g_unlink (final);
            }
          respond_json (r->msg, SOUP_STATUS_NOT_FOUND, "not_found", _("No such recording"));
        }
    }
  soup_server_message_unpause (r->msg);
}

/* The recording must belong to a call this user may see. */
static void
check_visible (Request *r)
{
  CrmRequestContext *ctx = g_new0 (CrmRequestContext, 1);
  g_auto(GVariantDict) filters = G_VARIANT_DICT_INIT (NULL);
  const char *language = soup_message_headers_get_one (soup_server_message_get_request_headers (r->msg),
                                                       "Accept-Language");

  ctx->message = crm_message_lookup (CRM_MSG_CALL_LIST);
  ctx->session = crm_session_ref (r->session);
  ctx->locale = g_strdup (language != NULL && g_str_has_prefix (language, "zh") ? "zh_CN" : "C");
  ctx->peer_address = g_strdup (soup_server_message_get_remote_host (r->msg));
  g_variant_dict_insert (&filters, "recording_sha256", "s", r->sha);
  crm_db_pool_run_async (r->rec->pool, ctx,
                         g_variant_new ("(@a{sv}xi)", g_variant_dict_end (&filters), (gint64) 0, 20),
                         NULL, visible_done_cb, r);
}

static void
authenticated_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  const char *method = soup_server_message_get_method (r->msg);

  r->session = crm_http_authenticate_finish (CRM_HTTP (source), result, &error);
  if (r->session == NULL)
    {
      if (strcmp (method, "HEAD") == 0)
        soup_server_message_set_status (r->msg, crm_http_status_for_error (error), NULL);
      else
        respond_error (r->msg, error);
    }
  else if (strcmp (method, "PUT") == 0)
    {
      if (!handle_put (&r))
        return;
    }
  else if (strcmp (method, "HEAD") == 0)
    handle_head (r);
  else if (!crm_session_has_permission (r->session, "call.recording.listen"))
    respond_json (r->msg, SOUP_STATUS_FORBIDDEN, "permission_denied", _("You do not have permission to do this"));
  else
    {
      check_visible (g_steal_pointer (&r));
      return;
    }
  soup_server_message_unpause (r->msg);
}

/* ---- Retention: the files no call serves any more ---- */

#define PURGE_FIRST_SECONDS    60
#define PURGE_INTERVAL_SECONDS 3600
/* Partial uploads nobody resumed for this long are dropped. */
#define PARTIAL_MAX_AGE_US     (G_GINT64_CONSTANT (7) * 86400 * G_USEC_PER_SEC)

typedef struct {
  char sha[65];
  gint64 mtime_us;
} StoredFile;

struct _Purge {
  Recordings *rec;          /* NULL once the server is gone */
  CrmSession *session;      /* the administrator's (POST), or NULL: the system */
  SoupServerMessage *msg;   /* POST /recordings/purge, or NULL: the timer */
  char *locale;
  GArray *files;            /* StoredFile */
  guint next;               /* first file of the next batch */
  gint64 expired;
  guint removed;
};

static void
purge_free (Purge *p)
{
  if (p->rec != NULL && p->rec->purge == p)
    p->rec->purge = NULL;
  g_clear_pointer (&p->session, crm_session_unref);
  g_clear_object (&p->msg);
  g_clear_pointer (&p->files, g_array_unref);
  g_free (p->locale);
  g_free (p);
}

static gboolean
is_sha_name (const char *name, char out[65])
{
  if (strlen (name) != 68 || !g_str_has_suffix (name, ".ogg"))
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isdigit (name[i]) && !(name[i] >= 'a' && name[i] <= 'f'))
      return FALSE;
  memcpy (out, name, 64);
  out[64] = '\0';
  return TRUE;
}

/* Worker thread: every stored recording with its modification time, and
 * stale partial uploads removed on the way. */
static void
list_files_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const char *root = data;
  g_autoptr(GArray) files = g_array_new (FALSE, FALSE, sizeof (StoredFile));
  g_autoptr(GDir) top = g_dir_open (root, 0, NULL);
  g_autofree char *partial = g_build_filename (root, "partial", NULL);
  g_autoptr(GDir) parts = g_dir_open (partial, 0, NULL);
  gint64 now = g_get_real_time ();
  const char *name;

  while (top != NULL && (name = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *sub = NULL;
      g_autoptr(GDir) dir = NULL;
      const char *file;

      if (strlen (name) != 2 || !g_ascii_isxdigit (name[0]) || !g_ascii_isxdigit (name[1]))
        continue;
      sub = g_build_filename (root, name, NULL);
      dir = g_dir_open (sub, 0, NULL);
      while (dir != NULL && (file = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (sub, file, NULL);
          StoredFile f;
          GStatBuf st;

          if (!is_sha_name (file, f.sha) || g_stat (path, &st) != 0)
            continue;
          f.mtime_us = (gint64) st.st_mtime * G_USEC_PER_SEC;
          g_array_append_val (files, f);
        }
    }
  while (parts != NULL && (name = g_dir_read_name (parts)) != NULL)
    {
      g_autofree char *path = g_build_filename (partial, name, NULL);
      GStatBuf st;

      if (g_str_has_suffix (name, ".part") && g_stat (path, &st) == 0 &&
          (gint64) st.st_mtime * G_USEC_PER_SEC < now - PARTIAL_MAX_AGE_US)
        g_unlink (path);
    }
  g_task_return_pointer (task, g_steal_pointer (&files), (GDestroyNotify) g_array_unref);
}

static void
purge_finish (Purge *p, const GError *error)
{
  if (error != NULL)
    g_warning ("recordings purge: %s", error->message);
  else if (p->removed > 0 || p->expired > 0)
    g_message ("recordings purge: %" G_GINT64_FORMAT " expired, %u files removed", p->expired, p->removed);
  if (p->msg != NULL)
    {
      if (error != NULL)
        respond_error (p->msg, error);
      else
        {
          g_autofree char *body = g_strdup_printf ("{\"status\": \"ok\", \"expired\": %" G_GINT64_FORMAT
                                                   ", \"files\": %u}", p->expired, p->removed);
          gsize len = strlen (body);

          soup_server_message_set_status (p->msg, SOUP_STATUS_OK, NULL);
          soup_message_headers_replace (soup_server_message_get_response_headers (p->msg),
                                        "Cache-Control", "no-store");
          soup_server_message_set_response (p->msg, "application/json", SOUP_MEMORY_TAKE,
                                            g_steal_pointer (&body), len);
        }
      soup_server_message_unpause (p->msg);
    }
  purge_free (p);
}

static void purge_next_batch (Purge *p);

static void
batch_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Purge *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) purge = NULL;
  gint64 expired = 0;

  if (p->rec == NULL)
    {
      /* The server went away in between: its pool answered the last one. */
      reply = crm_db_pool_run_finish (NULL, result, NULL, NULL);
      purge_free (p);
      return;
    }
  reply = crm_db_pool_run_finish (p->rec->pool, result, NULL, &error);
  if (reply == NULL)
    {
      purge_finish (p, error);
      return;
    }
  if (g_variant_lookup (reply, "expired", "x", &expired))
    p->expired += expired;
  purge = g_variant_lookup_value (reply, "purge", G_VARIANT_TYPE ("as"));
  for (gsize i = 0; purge != NULL && i < g_variant_n_children (purge); i++)
    {
      const char *sha;
      g_autofree char *path = NULL;

      g_variant_get_child (purge, i, "&s", &sha);
      path = final_path (p->rec, sha);
      if (g_unlink (path) == 0)
        p->removed++;
      else if (errno != ENOENT)
        g_warning ("cannot remove %s: %s", path, g_strerror (errno));
    }
  if (p->next >= p->files->len)
    purge_finish (p, NULL);
  else
    purge_next_batch (p);
}

/* One call.purge_recordings per batch; the first also expires what passed
 * the retention period, so an empty folder still makes one request. */
static void
purge_next_batch (Purge *p)
{
  CrmRequestContext *ctx;
  GVariantBuilder files;
  guint end = MIN (p->next + CRM_CALL_PURGE_BATCH, p->files->len);

  if (p->session != NULL)
    {
      ctx = g_new0 (CrmRequestContext, 1);
      ctx->message = crm_message_lookup (CRM_MSG_CALL_PURGE_RECORDINGS);
      ctx->session = crm_session_ref (p->session);
      ctx->locale = g_strdup (p->locale);
      ctx->peer_address = g_strdup (soup_server_message_get_remote_host (p->msg));
    }
  else
    ctx = crm_call_retention_context_new ();
  g_variant_builder_init (&files, G_VARIANT_TYPE ("a(sx)"));
  for (; p->next < end; p->next++)
    {
      StoredFile *f = &g_array_index (p->files, StoredFile, p->next);
      g_variant_builder_add (&files, "(sx)", f->sha, f->mtime_us);
    }
  crm_db_pool_run_async (p->rec->pool, ctx, g_variant_new ("(s@a(sx))", "", g_variant_builder_end (&files)),
                         NULL, batch_done_cb, p);
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Purge *p = data;
  g_autoptr(GError) error = NULL;

  p->files = g_task_propagate_pointer (G_TASK (result), &error);
  if (p->rec == NULL)
    {
      purge_free (p);
      return;
    }
  if (p->files == NULL)
    {
      purge_finish (p, error);
      return;
    }
  purge_next_batch (p);
}

/* One pass at a time: a second request while one runs gets 409. */
static gboolean
purge_start (Recordings *rec, CrmSession *session, SoupServerMessage *msg)
{
  Purge *p;
  g_autoptr(GTask) task = NULL;

  if (rec->purge != NULL)
    return FALSE;
  p = g_new0 (Purge, 1);
  p->rec = rec;
  p->session = session != NULL ? crm_session_ref (session) : NULL;
  p->msg = msg != NULL ? g_object_ref (msg) : NULL;
  if (msg != NULL)
    {
      const char *language = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                           "Accept-Language");
      p->locale = g_strdup (language != NULL && g_str_has_prefix (language, "zh") ? "zh_CN" : "C");
    }
  rec->purge = p;
  task = g_task_new (NULL, NULL, listed_cb, p);
  g_task_set_task_data (task, g_strdup (rec->root), g_free);
  g_task_run_in_thread (task, list_files_in_thread);
  return TRUE;
}

static gboolean
purge_timer_cb (gpointer data)
{
  Recordings *rec = data;

  if (rec->purge_timer_interval == 0)
    {
      /* After the first pass, every hour. */
      rec->purge_timer_interval = PURGE_INTERVAL_SECONDS;
      rec->purge_timer_id = g_timeout_add_seconds (PURGE_INTERVAL_SECONDS, purge_timer_cb, rec);
      purge_start (rec, NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  purge_start (rec, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

/* CRM_RECORDINGS_PURGE_FIRST_SECONDS (1–86400) moves the first pass, for
 * tests and for an operator who wants it at once after a restart. */
static guint
purge_first_seconds (void)
{
  const char *env = g_getenv ("CRM_RECORDINGS_PURGE_FIRST_SECONDS");
  guint64 seconds;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 86400, &seconds, NULL))
    return (guint) seconds;
  return PURGE_FIRST_SECONDS;
}

static void
purge_authenticated_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;

  r->session = crm_http_authenticate_finish (CRM_HTTP (source), result, &error);
  if (r->session == NULL)
    respond_error (r->msg, error);
  else if (!crm_session_has_permission (r->session, "settings.manage"))
    respond_json (r->msg, SOUP_STATUS_FORBIDDEN, "permission_denied", _("You do not have permission to do this"));
  else if (!purge_start (r->rec, r->session, r->msg))
    respond_json (r->msg, SOUP_STATUS_CONFLICT, "busy", _("A purge is already running; try again later"));
  else
    return; /* purge_finish() answers */
  soup_server_message_unpause (r->msg);
}

static void
recordings_cb (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  Recordings *rec = data;
  const char *method = soup_server_message_get_method (msg);
  Request *r;

  if (strcmp (path, PREFIX "purge") == 0)
    {
      if (strcmp (method, "POST") != 0)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
          respond_json (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method", NULL);
          return;
        }
      r = g_new0 (Request, 1);
      r->rec = rec;
      r->msg = g_object_ref (msg);
      soup_server_message_pause (msg);
      crm_http_authenticate_async (rec->http, msg, NULL, purge_authenticated_cb, r);
      return;
    }
  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0 && strcmp (method, "PUT") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD, PUT");
      respond_json (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method", NULL);
      return;
    }
  r = g_new0 (Request, 1);
  if (!parse_sha (path, r->sha))
    {
      g_free (r);
      respond_json (msg, SOUP_STATUS_NOT_FOUND, "not_found", _("No such recording"));
      return;
    }
  r->rec = rec;
  r->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  crm_http_authenticate_async (rec->http, msg, NULL, authenticated_cb, r);
}

/* Refuses oversized pieces before their body is read. */
static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (strcmp (soup_server_message_get_method (msg), "PUT") != 0)
    {
      /* GET, HEAD and POST /recordings/purge take no body: none is read. */
      if (encoding == SOUP_ENCODING_CHUNKED ||
          (encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (headers) > 0))
        respond_json (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large", _("This request takes no body"));
      return;
    }
  if (encoding != SOUP_ENCODING_CONTENT_LENGTH ||
      soup_message_headers_get_content_length (headers) > MAX_PIECE_BYTES)
    respond_json (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
                  _("Send the recording in pieces of at most 16 MiB with Content-Length"));
}

static void
recordings_free (gpointer data)
{
  Recordings *rec = data;

  g_clear_handle_id (&rec->purge_timer_id, g_source_remove);
  if (rec->purge != NULL)
    rec->purge->rec = NULL; /* finishes without us */
  g_free (rec->root);
  g_free (rec);
}

void
crm_http_recordings_register (CrmHttp *http, CrmDbPool *pool, const char *data_dir)
{
  Recordings *rec = g_new0 (Recordings, 1);
  SoupServer *soup = crm_http_get_soup_server (http);

  rec->http = http;
  rec->pool = pool;
  rec->root = g_build_filename (data_dir, "recordings", NULL);
  if (g_mkdir_with_parents (rec->root, 0700) != 0)
    g_warning ("cannot create %s: %s", rec->root, g_strerror (errno));
  soup_server_add_early_handler (soup, "/recordings", early_cb, rec, NULL);
  soup_server_add_handler (soup, "/recordings", recordings_cb, rec, recordings_free);
  rec->purge_timer_id = g_timeout_add_seconds (purge_first_seconds (), purge_timer_cb, rec);
}
