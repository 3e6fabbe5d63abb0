/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-bench"
#include "config.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm-connection.h"
#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"
#include "crm-pinyin.h"

/*
 * Load generator for tests/bench/run.  Not a test: it prints one
 * `name value unit` line per figure, over the real protocol and TLS.
 *
 *   crm-bench rpc     --connections N --threads J --seconds S --max-id M
 *   crm-bench search  --count Q
 *   crm-bench list    --deep-row R
 *   crm-bench idle    --connections N --server-pid PID
 *   crm-bench silent  --silent N
 *
 * Every mode signs in once (--user, --password-file) and resumes that
 * session on its other connections, so Argon2 costs are not measured
 * except where sign-in is the thing measured (silent).
 */

static char *opt_host = NULL;
static int opt_port = 7420;
static char *opt_user = NULL;
static char *opt_password_file = NULL;
static char *opt_trust_file = NULL;
static int opt_connections = 1;
static int opt_threads = 2;
static int opt_seconds = 10;
static gint64 opt_max_id = 0;
static int opt_count = 200;
static gint64 opt_deep_row = 500000;
static int opt_server_pid = 0;
static int opt_silent = 300;
static char *opt_label = NULL;
static int opt_budget = 60;

static char *session_token = NULL;

static G_GNUC_NORETURN void
die (const char *what, const GError *error)
{
  fprintf (stderr, "crm-bench: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static CrmTrustStore *
trust_store (void)
{
  return crm_trust_store_new (opt_trust_file);
}

static char *
read_password (void)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (opt_password_file, &contents, NULL, &error))
    die ("password file", error);
  contents[strcspn (contents, "\r\n")] = '\0';
  return contents;
}

/* A connection signed in with the shared session (or a fresh login when
 * there is none yet). */
static CrmConnection *
open_signed_in (GError **error)
{
  g_autoptr(CrmTrustStore) trust = trust_store ();
  g_autoptr(CrmConnection) conn = crm_connection_new_sync (opt_host, opt_port, trust, TRUE,
                                                           "en", NULL, error);
  g_autoptr(GVariant) reply = NULL;

  if (conn == NULL)
    return NULL;
  if (session_token == NULL)
    {
      g_autofree char *password = read_password ();

      reply = crm_connection_login_sync (conn, opt_user, password, NULL, error);
      if (reply == NULL)
        return NULL;
      session_token = g_strdup (crm_connection_get_session_token (conn));
    }
  else
    {
      reply = crm_connection_call_sync (conn, CRM_MSG_AUTH_RESUME,
                                        g_variant_new ("(s)", session_token), NULL, error);
      if (reply == NULL)
        return NULL;
    }
  return g_steal_pointer (&conn);
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *ms, double p)
{
  gsize idx;

  if (ms->len == 0)
    return 0;
  qsort (ms->data, ms->len, sizeof (double), compare_double);
  idx = (gsize) (p * (ms->len - 1) + 0.5);
  return g_array_index (ms, double, MIN (idx, ms->len - 1));
}

/* ------------------------------------------------------------------ */
/* rpc: closed-loop customer.get on N connections over J threads.
 *
 * Like pgbench, the load generator speaks the protocol itself instead of
 * going through CrmConnection (which checks every reply against its type
 * and dispatches it through a GTask): on this 2-CPU machine the client
 * shares the CPUs with the server, so its cost per request shows in the
 * result.  Each connection is TLS (the certificate pinned by the first
 * sign-in), says hello, resumes the session, then has exactly one
 * customer.get in flight; a reply counts when its request id matches and
 * it is not an error frame.  The first reply of each connection is
 * decoded fully, as a check that the benchmark reads real customers. */

typedef struct {
  GIOStream     *stream;
  GSource       *source;
  GByteArray    *input;
  GRand         *rand;
  guint32        request_id;
  gboolean       checked;
  gboolean       active;
  gint64        *done;
  gint64        *errors;
  gint64         deadline;
} RpcLoop;

static gboolean
rpc_accept_certificate (GTlsConnection *tls, GTlsCertificate *certificate,
                        GTlsCertificateFlags flags, gpointer data)
{
  const char *pinned = data;
  g_autofree char *fingerprint = crm_certificate_fingerprint (certificate);

  return pinned != NULL && g_strcmp0 (fingerprint, pinned) == 0;
}

static gboolean
rpc_write_frame (GIOStream *stream, guint16 type, guint32 request_id, GVariant *body, GError **error)
{
  g_autoptr(GBytes) frame = crm_frame_encode (type, CRM_FRAME_FLAG_NONE, request_id, body);
  gsize size;
  gconstpointer data = g_bytes_get_data (frame, &size);

  return g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, size, NULL, NULL, error);
}

/* Blocking: the next frame's header and body (set-up only). */
static GBytes *
rpc_read_frame (GIOStream *stream, CrmFrameHeader *header, GError **error)
{
  guint8 head[CRM_FRAME_HEADER_SIZE];
  g_autofree guint8 *body = NULL;
  gsize n = 0;
  GInputStream *in = g_io_stream_get_input_stream (stream);

  if (!g_input_stream_read_all (in, head, sizeof head, &n, NULL, error))
    return NULL;
  if (n < sizeof head)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_CLOSED, "connection closed");
      return NULL;
    }
  if (!crm_frame_header_parse (head, sizeof head, CRM_FRAME_MAX_BODY, header, error))
    return NULL;
  body = g_malloc (header->body_length + 1);
  if (!g_input_stream_read_all (in, body, header->body_length, &n, NULL, error))
    return NULL;
  if (n < header->body_length)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_CLOSED, "connection closed");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&body), header->body_length);
}

/* One request and its reply, blocking (set-up only). */
static gboolean
rpc_call_blocking (GIOStream *stream, guint16 type, GVariant *body, GError **error)
{
  CrmFrameHeader header;
  g_autoptr(GBytes) reply = NULL;

  if (!rpc_write_frame (stream, type, 1, body, error))
    return FALSE;
  reply = rpc_read_frame (stream, &header, error);
  if (reply == NULL)
    return FALSE;
  if (header.flags & CRM_FRAME_FLAG_ERROR)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, "message %u refused", type);
      return FALSE;
    }
  return TRUE;
}

static GIOStream *
rpc_open (const char *pinned, GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) socket = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) address = NULL;

  socket = g_socket_client_connect_to_host (client, opt_host, opt_port, NULL, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_option (g_socket_connection_get_socket (socket), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  address = g_network_address_new (opt_host, opt_port);
  tls = g_tls_client_connection_new (G_IO_STREAM (socket), address, error);
  if (tls == NULL)
    return NULL;
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), NULL);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (rpc_accept_certificate), (gpointer) pinned);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;
  if (!rpc_call_blocking (tls, CRM_MSG_HELLO,
                          g_variant_new ("(qqss)", CRM_PROTOCOL_VERSION_MIN, CRM_PROTOCOL_VERSION_MAX,
                                         "crm-bench", "en"), error) ||
      !rpc_call_blocking (tls, CRM_MSG_AUTH_RESUME, g_variant_new ("(s)", session_token), error))
    return NULL;
  return g_steal_pointer (&tls);
}

static void
rpc_send (RpcLoop *loop)
{
  guint8 frame[CRM_FRAME_HEADER_SIZE + sizeof (gint64)];
  CrmFrameHeader header = { CRM_PROTOCOL_VERSION_MAX, CRM_MSG_CUSTOMER_GET, CRM_FRAME_FLAG_NONE, 0,
                            sizeof (gint64) };
  gint64 id = g_rand_int_range (loop->rand, 1, (gint32) MIN (opt_max_id, G_MAXINT32 - 1) + 1);
  g_autoptr(GError) error = NULL;

  /* "(x)" serialises as the integer itself, in host byte order. */
  header.request_id = ++loop->request_id;
  crm_frame_header_write (&header, frame);
  memcpy (frame + CRM_FRAME_HEADER_SIZE, &id, sizeof id);
  /* 28 bytes always fit in the socket buffer: the blocking write returns
   * at once. */
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (loop->stream), frame, sizeof frame,
                                  NULL, NULL, &error))
    {
      fprintf (stderr, "crm-bench: write: %s\n", error->message);
      (*loop->errors)++;
      loop->active = FALSE;
    }
}

/* A complete reply: count it, check it, send the next request. */
static void
rpc_reply (RpcLoop *loop, const CrmFrameHeader *header, const guint8 *body)
{
  (*loop->done)++;
  if (header->request_id != loop->request_id || (header->flags & CRM_FRAME_FLAG_ERROR) != 0)
    (*loop->errors)++;
  else if (!loop->checked)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, header->body_length);
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = crm_payload_decode (bytes, G_VARIANT_TYPE ("a{sv}"), &error);
      g_autoptr(GVariant) name = reply ? g_variant_lookup_value (reply, "name", G_VARIANT_TYPE_STRING) : NULL;

      if (name == NULL)
        {
          fprintf (stderr, "crm-bench: customer.get replied without a name\n");
          (*loop->errors)++;
        }
      loop->checked = TRUE;
    }
  if (g_get_monotonic_time () < loop->deadline)
    rpc_send (loop);
  else
    loop->active = FALSE;
}

static gboolean
rpc_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  RpcLoop *loop = data;
  GPollableInputStream *in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (loop->stream));

  while (loop->active)
    {
      g_autoptr(GError) error = NULL;
      CrmFrameHeader header;
      guint len = loop->input->len;
      gssize n;

      if (len >= CRM_FRAME_HEADER_SIZE)
        {
          if (!crm_frame_header_parse (loop->input->data, CRM_FRAME_HEADER_SIZE, CRM_FRAME_MAX_BODY,
                                       &header, &error))
            {
              fprintf (stderr, "crm-bench: %s\n", error->message);
              (*loop->errors)++;
              loop->active = FALSE;
              break;
            }
          if (len - CRM_FRAME_HEADER_SIZE >= header.body_length)
            {
              rpc_reply (loop, &header, loop->input->data + CRM_FRAME_HEADER_SIZE);
              g_byte_array_remove_range (loop->input, 0, CRM_FRAME_HEADER_SIZE + header.body_length);
              /* One request is in flight per connection: once its reply
               * is taken and the next request sent, nothing more can be
               * waiting, so back to poll without a read that would only
               * say "would block" (pgbench does not make one either). */
              if (loop->input->len == 0 && loop->active)
                return G_SOURCE_CONTINUE;
              continue;
            }
        }
      g_byte_array_set_size (loop->input, len + 16384);
      n = g_pollable_input_stream_read_nonblocking (in, loop->input->data + len, 16384, NULL, &error);
      g_byte_array_set_size (loop->input, len + MAX (n, 0));
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      if (n <= 0)
        {
          fprintf (stderr, "crm-bench: connection lost: %s\n", error ? error->message : "end of stream");
          (*loop->errors)++;
          loop->active = FALSE;
        }
    }
  g_clear_pointer (&loop->source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* Threads open their connections, then wait at a barrier; the main thread
 * starts the clock once all are ready, so that connection set-up is not
 * measured. */
typedef struct {
  GMutex   lock;
  GCond    cond;
  int      n_ready;
  gboolean go;
  gint64   deadline;
} RpcBarrier;

typedef struct {
  int         n_connections;
  const char *pinned;
  RpcBarrier *barrier;
  gint64      done;
  gint64      errors;
  GError     *error;
} RpcThread;

static gpointer
rpc_thread (gpointer data)
{
  RpcThread *t = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  RpcLoop *loops = g_new0 (RpcLoop, t->n_connections);
  int n_open = 0;
  gboolean any;
  gint64 deadline;

  g_main_context_push_thread_default (context);
  for (; n_open < t->n_connections; n_open++)
    {
      loops[n_open].stream = rpc_open (t->pinned, &t->error);
      if (loops[n_open].stream == NULL)
        break;
    }

  g_mutex_lock (&t->barrier->lock);
  t->barrier->n_ready++;
  g_cond_broadcast (&t->barrier->cond);
  while (!t->barrier->go)
    g_cond_wait (&t->barrier->cond, &t->barrier->lock);
  deadline = t->barrier->deadline;
  g_mutex_unlock (&t->barrier->lock);

  if (t->error == NULL)
    {
      for (int i = 0; i < n_open; i++)
        {
          RpcLoop *loop = &loops[i];
          g_autoptr(GIOStream) base = NULL;

          loop->input = g_byte_array_new ();
          loop->rand = g_rand_new_with_seed (g_random_int () + i);
          loop->done = &t->done;
          loop->errors = &t->errors;
          loop->deadline = deadline;
          loop->active = TRUE;
          /* Readiness from the socket itself, and not blocked around each
           * dispatch, as the server does (attach_io_source and
           * pump_input in server/net/crm-server-connection.c): the TLS
           * stream's source costs eventfd writes per reply. */
          g_object_get (loop->stream, "base-io-stream", &base, NULL);
          loop->source = g_socket_create_source (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)),
                                                 G_IO_IN, NULL);
          g_source_set_callback (loop->source, G_SOURCE_FUNC (rpc_readable), loop, NULL);
          g_source_set_can_recurse (loop->source, TRUE);
          g_source_attach (loop->source, context);
          rpc_send (loop);
        }
      do
        {
          g_main_context_iteration (context, TRUE);
          any = FALSE;
          for (int i = 0; i < n_open; i++)
            any |= loops[i].active;
        }
      while (any);
    }
  for (int i = 0; i < n_open; i++)
    {
      if (loops[i].source != NULL)
        {
          g_source_destroy (loops[i].source);
          g_source_unref (loops[i].source);
        }
      g_io_stream_close (loops[i].stream, NULL, NULL);
      g_object_unref (loops[i].stream);
      g_clear_pointer (&loops[i].input, g_byte_array_unref);
      g_clear_pointer (&loops[i].rand, g_rand_free);
    }
  g_free (loops);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static int
run_rpc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) first = NULL;
  g_autoptr(CrmTrustStore) trust = NULL;
  g_autofree char *host_port = NULL;
  RpcBarrier barrier = { 0 };
  int n_threads = MAX (1, MIN (opt_threads, opt_connections));
  RpcThread *threads = g_new0 (RpcThread, n_threads);
  GThread **handles = g_new0 (GThread *, n_threads);
  gint64 done = 0, errors = 0, start, elapsed;

  if (opt_max_id <= 0)
    {
      fprintf (stderr, "crm-bench: rpc needs --max-id\n");
      return 2;
    }
  /* Sign in once on this thread (pinning the certificate); the workers
   * resume the session. */
  first = open_signed_in (&error);
  if (first == NULL)
    die ("sign in", error);
  trust = trust_store ();
  host_port = g_strdup_printf ("%s:%d", opt_host, opt_port);

  g_mutex_init (&barrier.lock);
  g_cond_init (&barrier.cond);
  for (int i = 0; i < n_threads; i++)
    {
      threads[i].n_connections = opt_connections / n_threads + (i < opt_connections % n_threads);
      threads[i].pinned = crm_trust_store_lookup (trust, host_port);
      threads[i].barrier = &barrier;
      handles[i] = g_thread_new ("rpc", rpc_thread, &threads[i]);
    }
  g_mutex_lock (&barrier.lock);
  while (barrier.n_ready < n_threads)
    g_cond_wait (&barrier.cond, &barrier.lock);
  start = g_get_monotonic_time ();
  barrier.deadline = start + (gint64) opt_seconds * G_USEC_PER_SEC;
  barrier.go = TRUE;
  g_cond_broadcast (&barrier.cond);
  g_mutex_unlock (&barrier.lock);

  for (int i = 0; i < n_threads; i++)
    {
      g_thread_join (handles[i]);
      if (threads[i].error != NULL)
        die ("connect", threads[i].error);
      done += threads[i].done;
      errors += threads[i].errors;
    }
  /* The last replies arrive a little after the deadline. */
  elapsed = g_get_monotonic_time () - start;
  if (errors > 0)
    fprintf (stderr, "crm-bench: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " calls failed\n",
             errors, done);
  printf ("%s %.1f rps\n", opt_label != NULL ? opt_label : "rpc_get",
          (double) done * G_USEC_PER_SEC / (double) elapsed);
  g_free (threads);
  g_free (handles);
  g_mutex_clear (&barrier.lock);
  g_cond_clear (&barrier.cond);
  return 0;
}

/* ------------------------------------------------------------------ */
/* search: quick-search latency for three kinds of query. */

static GPtrArray *
sample_rows (CrmConnection *conn, int n_samples)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (int s = 0; s < n_samples; s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) page = NULL;
      gint64 after = opt_max_id > 1 ? g_rand_int_range (rand, 0, (gint32) MIN (opt_max_id, G_MAXINT32)) : 0;
      gint64 last;
      GVariantIter iter;
      GVariant *row;

      reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_EXPORT,
                                        g_variant_new ("(@a{sv}xi)",
                                                       g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                       after, 20),
                                        NULL, &error);
      if (reply == NULL)
        die ("customer.export", error);
      g_variant_get (reply, "(@aa{sv}x)", &page, &last);
      g_variant_iter_init (&iter, page);
      while ((row = g_variant_iter_next_value (&iter)) != NULL)
        g_ptr_array_add (rows, row);
    }
  return rows;
}

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

static char *
make_query (GVariant *row, const char *kind, GRand *rand)
{
  const char *name = NULL;

  g_variant_lookup (row, "name", "&s", &name);
  if (strcmp (kind, "cjk2") == 0 && name != NULL)
    {
      glong n = g_utf8_strlen (name, -1);

      for (int attempt = 0; attempt < 8 && n >= 2; attempt++)
        {
          glong at = g_rand_int_range (rand, 0, (gint32) n - 1);
          const char *a = g_utf8_offset_to_pointer (name, at);
          const char *b = g_utf8_next_char (a);
          const char *e = g_utf8_next_char (b);

          if (is_han (g_utf8_get_char (a)) && is_han (g_utf8_get_char (b)))
            return g_strndup (a, e - a);
        }
      return NULL;
    }
  if (strcmp (kind, "initials") == 0 && name != NULL)
    {
      g_autofree char *initials = NULL;
      g_autofree char *pinyin = crm_pinyin_from_text (name, &initials);
      gsize len = initials != NULL ? strlen (initials) : 0;

      if (len < 2)
        return NULL;
      /* Users type the start: "bjzb" for 北京智邦… */
      return g_strndup (initials, MIN (len, (gsize) g_rand_int_range (rand, 2, 5)));
    }
  if (strcmp (kind, "phone") == 0)
    {
      g_autofree const char **phones = NULL;
      g_autoptr(GVariant) value = g_variant_lookup_value (row, "phones", G_VARIANT_TYPE_STRING_ARRAY);
      g_autoptr(GString) digits = g_string_new (NULL);
      gsize len;
      guint at;

      if (value == NULL)
        return NULL;
      phones = g_variant_get_strv (value, NULL);
      if (phones[0] == NULL)
        return NULL;
      for (const char *p = phones[0]; *p; p++)
        if (g_ascii_isdigit (*p))
          g_string_append_c (digits, *p);
      len = (gsize) g_rand_int_range (rand, 4, 8);
      if (digits->len < len)
        return NULL;
      at = g_rand_int_range (rand, 0, (gint32) (digits->len - len) + 1);
      return g_strndup (digits->str + at, len);
    }
  return NULL;
}

static int
run_search (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) conn = open_signed_in (&error);
  g_autoptr(GPtrArray) rows = NULL;
  const char *kinds[] = { "cjk2", "initials", "phone" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  if (conn == NULL)
    die ("sign in", error);
  rows = sample_rows (conn, MAX (1, opt_count / 20));
  if (rows->len == 0)
    die ("no customers to sample", NULL);

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      gint64 failures = 0;
      /* Slow searches would make the run endless: stop at the budget and
       * report over the queries measured so far. */
      gint64 stop_at = g_get_monotonic_time () + (gint64) opt_budget * G_USEC_PER_SEC;

      for (int q = 0; q < opt_count + 10 && g_get_monotonic_time () < stop_at; q++)
        {
          g_autofree char *query = make_query (rows->pdata[q % rows->len], kinds[k], rand);
          g_autoptr(GVariant) reply = NULL;
          g_autoptr(GError) call_error = NULL;
          gint64 t0;
          double elapsed;

          if (query == NULL)
            continue;
          t0 = g_get_monotonic_time ();
          reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_SEARCH,
                                            g_variant_new ("(s@a{sv}i)", query,
                                                           g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                           20),
                                            NULL, &call_error);
          elapsed = (g_get_monotonic_time () - t0) / 1000.0;
          if (reply == NULL)
            {
              if (failures++ == 0)
                fprintf (stderr, "crm-bench: search “%s”: %s\n", query, call_error->message);
              continue;
            }
          if (q >= 10) /* the first ones warm caches */
            g_array_append_val (ms, elapsed);
        }
      if (ms->len == 0)
        {
          fprintf (stderr, "crm-bench: no %s query succeeded\n", kinds[k]);
          continue;
        }
      fprintf (stderr, "crm-bench: %u %s queries measured\n", ms->len, kinds[k]);
      printf ("search_p50_%s_ms %.2f ms\n", kinds[k], percentile (ms, 0.50));
      printf ("search_p95_%s_ms %.2f ms\n", kinds[k], percentile (ms, 0.95));
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* list: first page, and the page at the deep row reached by cursor. */

static GVariant *
list_page (CrmConnection *conn, const char *cursor, int limit, double *ms, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  GVariant *reply;

  reply = crm_connection_call_sync (conn, CRM_MSG_CUSTOMER_LIST,
                                    g_variant_new ("(sb@a{sv}si)", "name", FALSE,
                                                   g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                   cursor, limit),
                                    NULL, error);
  if (ms != NULL)
    *ms = (g_get_monotonic_time () - t0) / 1000.0;
  return reply;
}

static double
time_page (CrmConnection *conn, const char *cursor)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < 21; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = NULL;
      double elapsed;

      reply = list_page (conn, cursor, 50, &elapsed, &error);
      if (reply == NULL)
        die ("customer.list", error);
      if (i > 0)
        g_array_append_val (ms, elapsed);
    }
  return percentile (ms, 0.5);
}

static int
run_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) conn = open_signed_in (&error);
  g_autofree char *cursor = g_strdup ("");
  gint64 row = 0;

  if (conn == NULL)
    die ("sign in", error);
  printf ("list_first_page_ms %.2f ms\n", time_page (conn, ""));

  /* Walk to the deep row by cursor, 500 rows a page, as a client would. */
  while (row < opt_deep_row)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) page = NULL;
      const char *next;
      gint64 estimated;
      int limit = (int) MIN (500, opt_deep_row - row);

      reply = list_page (conn, cursor, limit, NULL, &error);
      if (reply == NULL)
        die ("customer.list", error);
      g_variant_get (reply, "(@aa{sv}&sx)", &page, &next, &estimated);
      if (*next == '\0')
        {
          fprintf (stderr, "crm-bench: the list ends at row %" G_GINT64_FORMAT "\n",
                   row + (gint64) g_variant_n_children (page));
          break;
        }
      row += g_variant_n_children (page);
      g_free (cursor);
      cursor = g_strdup (next);
    }
  printf ("list_deep_page_ms %.2f ms\n", time_page (conn, cursor));
  fprintf (stderr, "crm-bench: deep page at row %" G_GINT64_FORMAT "\n", row);
  return 0;
}

/* ------------------------------------------------------------------ */
/* idle: N signed-in connections doing nothing; the server's RSS. */

static double
server_rss_mb (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  line = strstr (contents, "VmRSS:");
  if (line == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

typedef struct {
  int       pending;
  int       opened;
  GError   *error;
  GPtrArray *conns;
  CrmTrustStore *trust;
} IdleState;

static void
idle_resumed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IdleState *state = user_data;
  g_autoptr(GVariant) reply = crm_connection_call_finish (CRM_CONNECTION (source), result,
                                                          state->error == NULL ? &state->error : NULL);

  state->pending--;
  if (reply != NULL)
    state->opened++;
}

static void
idle_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IdleState *state = user_data;
  g_autoptr(GError) error = NULL;
  CrmConnection *conn = crm_connection_new_finish (result, &error);

  if (conn == NULL)
    {
      state->pending--;
      if (state->error == NULL)
        state->error = g_steal_pointer (&error);
      return;
    }
  g_ptr_array_add (state->conns, conn);
  crm_connection_call_async (conn, CRM_MSG_AUTH_RESUME, g_variant_new ("(s)", session_token),
                             NULL, idle_resumed, state);
}

static int
run_idle (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmConnection) first = open_signed_in (&error);
  IdleState state = { 0 };
  double before;
  int started = 0;

  if (first == NULL)
    die ("sign in", error);
  if (opt_server_pid <= 0)
    {
      fprintf (stderr, "crm-bench: idle needs --server-pid\n");
      return 2;
    }
  before = server_rss_mb (opt_server_pid);
  state.conns = g_ptr_array_new_with_free_func (g_object_unref);
  state.trust = trust_store ();
  /* At most 32 handshakes at a time, as many clients arriving would. */
  while (started < opt_connections || state.pending > 0)
    {
      while (started < opt_connections && state.pending < 32 && state.error == NULL)
        {
          state.pending++;
          started++;
          crm_connection_new_async (opt_host, opt_port, state.trust, TRUE, "en", NULL,
                                    idle_connected, &state);
        }
      if (state.error != NULL && state.pending == 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (state.error != NULL)
    die ("opening idle connections", state.error);
  /* Let the server settle (buffers freed, pool idle). */
  for (int i = 0; i < 20; i++)
    {
      g_usleep (100 * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  fprintf (stderr, "crm-bench: %d idle signed-in connections; server RSS before %.1f MB\n",
           state.opened, before);
  /* The server's size before the connections, after the sections run
   * before this one: a figure that grows from run to run is a leak (one
   * was found this way). */
  printf ("server_rss_before_idle_mb %.1f MB\n", before);
  printf ("rss_%d_idle_mb %.1f MB\n", opt_connections, server_rss_mb (opt_server_pid));
  for (guint i = 0; i < state.conns->len; i++)
    crm_connection_close (state.conns->pdata[i]);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_ptr_array_unref (state.conns);
  g_object_unref (state.trust);
  return 0;
}

/* ------------------------------------------------------------------ */
/* silent: N TCP connections that never start TLS; then one real sign-in. */

static int
run_silent (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(CrmTrustStore) trust = trust_store ();
  g_autoptr(CrmConnection) conn = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *password = read_password ();
  gint64 t0;

  for (int i = 0; i < opt_silent; i++)
    {
      GSocketConnection *c = g_socket_client_connect_to_host (client, opt_host, opt_port, NULL, &error);

      if (c == NULL)
        die ("silent connection", error);
      g_ptr_array_add (silent, c);
    }
  /* Give the server time to accept them all and start their handshakes. */
  g_usleep (500 * 1000);

  t0 = g_get_monotonic_time ();
  conn = crm_connection_new_sync (opt_host, opt_port, trust, TRUE, "en", NULL, &error);
  if (conn == NULL)
    die ("connect beside silent connections", error);
  reply = crm_connection_login_sync (conn, opt_user, password, NULL, &error);
  if (reply == NULL)
    die ("sign in beside silent connections", error);
  printf ("signin_with_%d_silent_ms %.1f ms\n", opt_silent, (g_get_monotonic_time () - t0) / 1000.0);
  crm_connection_close (conn);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("rpc|search|list|idle|silent");
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &opt_host, "Server host", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "Protocol port", "PORT" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "Account", "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_password_file, "Password file", "FILE" },
    { "trust-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_trust_file, "Trust store (TOFU)", "FILE" },
    { "connections", 0, 0, G_OPTION_ARG_INT, &opt_connections, "Connections", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "Client threads (rpc)", "J" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Duration (rpc)", "S" },
    { "max-id", 0, 0, G_OPTION_ARG_INT64, &opt_max_id, "Largest customer id", "ID" },
    { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "Queries per kind (search)", "N" },
    { "deep-row", 0, 0, G_OPTION_ARG_INT64, &opt_deep_row, "Row of the deep page (list)", "R" },
    { "server-pid", 0, 0, G_OPTION_ARG_INT, &opt_server_pid, "Server process (idle)", "PID" },
    { "silent", 0, 0, G_OPTION_ARG_INT, &opt_silent, "Silent TCP connections", "N" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &opt_label, "Name of the printed figure (rpc)", "NAME" },
    { "budget", 0, 0, G_OPTION_ARG_INT, &opt_budget, "Seconds at most per query kind (search)", "S" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "crm-bench: %s\n", error != NULL ? error->message : "one mode needed");
      return 2;
    }
  if (opt_host == NULL)
    opt_host = g_strdup ("localhost");
  if (opt_user == NULL || opt_password_file == NULL)
    {
      fprintf (stderr, "crm-bench: --user and --password-file are needed\n");
      return 2;
    }
  if (strcmp (argv[1], "rpc") == 0)
    return run_rpc ();
  if (strcmp (argv[1], "search") == 0)
    return run_search ();
  if (strcmp (argv[1], "list") == 0)
    return run_list ();
  if (strcmp (argv[1], "idle") == 0)
    return run_idle ();
  if (strcmp (argv[1], "silent") == 0)
    return run_silent ();
  fprintf (stderr, "crm-bench: unknown mode “%s”\n", argv[1]);
  return 2;
}
