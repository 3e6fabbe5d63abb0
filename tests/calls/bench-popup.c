/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-popup"
#include "config.h"

#include <signal.h>
#include <string.h>

#include "crm-calls.h"
#include "crm-client-resources.h"
#include "crm-messages.h"
#include "crm-phone.h"
#include "crm-test-server.h"

/*
 * Not a test: caller ID decoded → pop-up drawn, in the real client.  A
 * CALLER_ID event is emitted on the phone device exactly as a backend
 * emits it after decoding; the clock stops when the pop-up showing that
 * caller's customer has been painted (GdkFrameClock "after-paint").  Each
 * sample is a different customer's number, so every lookup reaches the
 * database.  Prints `popup_p50_ms`, `popup_p99_ms` and the scale.
 *
 *   bench-popup [--customers N] [--samples S]     (own server, N demo customers)
 *   bench-popup --server HOST:PORT --user U --password P [--samples S]
 * Needs a display (xvfb-run).
 */

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_for (Condition cond, gpointer data, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (5, wake_cb, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!crm_session_sign_in_finish (CRM_SESSION (source), result, &error))
    g_error ("sign-in failed: %s", error->message);
  *(gboolean *) data = TRUE;
}

typedef struct {
  CrmSession *session;
  GVariant *reply;
  gboolean done;
} Call;

static void
call_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *c = data;
  g_autoptr(GError) error = NULL;

  c->reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  if (c->reply == NULL)
    g_error ("request failed: %s", error->message);
  c->done = TRUE;
}

static GVariant *
call_sync (CrmSession *session, guint id, GVariant *body)
{
  Call c = { session, NULL, FALSE };

  crm_session_call_async (session, id, body, NULL, call_cb, &c);
  wait_for (flag_set, &c.done, 120);
  return c.reply;
}

typedef struct {
  gint64 id;
  char *number;
} Target;

/* Customers with a mobile number, spread over the table by walking pages. */
static GArray *
pick_targets (CrmSession *session, guint wanted)
{
  GArray *targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_autofree char *cursor = g_strdup ("");

  while (targets->len < wanted)
    {
      g_autoptr(GVariant) reply = call_sync (session, CRM_MSG_CUSTOMER_LIST,
                                             g_variant_new ("(sb@a{sv}si)", "code", FALSE,
                                                            g_variant_new ("a{sv}", NULL), cursor, 500));
      g_autoptr(GVariant) rows = g_variant_get_child_value (reply, 0);
      const char *next = NULL;

      for (gsize i = 0; i < g_variant_n_children (rows) && targets->len < wanted; i += 5)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (rows, i);
          g_autofree const char **phones = NULL;

          if (!g_variant_lookup (row, "phones", "^a&s", &phones))
            continue;
          for (guint p = 0; phones[p] != NULL; p++)
            {
              CrmPhoneKind kind;
              g_autofree char *n = crm_phone_normalize (phones[p], &kind, NULL);

              if (n != NULL && kind == CRM_PHONE_MOBILE)
                {
                  Target t = { 0, g_steal_pointer (&n) };
                  g_variant_lookup (row, "id", "x", &t.id);
                  g_array_append_val (targets, t);
                  break;
                }
            }
        }
      g_variant_get_child (reply, 1, "&s", &next);
      if (next == NULL || *next == '\0')
        break;
      g_free (cursor);
      cursor = g_strdup (next);
    }
  return targets;
}

typedef struct {
  CrmCalls *calls;
  gint64 customer_id;
} Drawn;

static gboolean
popup_drawn (gpointer data)
{
  Drawn *d = data;
  CrmCallPopup *popup = crm_calls_get_popup (d->calls);

  return popup != NULL && crm_calls_get_drawn_time (d->calls) != 0 &&
         crm_call_popup_get_customer_id (popup) == d->customer_id;
}

static void
emit (CrmPhoneDevice *device, CrmCallEventKind kind, const char *number)
{
  g_autoptr(CrmCallEvent) event = crm_call_event_new (kind);

  event->time_us = g_get_real_time ();
  if (number != NULL)
    {
      event->source = CRM_CALLER_ID_SOURCE_FSK_BELL202;
      event->number = g_strdup (number);
    }
  crm_phone_device_emit_event (device, event);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted, double p)
{
  guint i = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

int
main (int argc, char **argv)
{
  int customers = 20000, samples = 200;
  g_autofree char *server_address = NULL, *user = NULL, *password = NULL;
  GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers, "Demo customers of the own server", "N" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &samples, "Calls to time", "S" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_address, "Use this server instead", "HOST:PORT" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "User on --server", "LOGIN" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Password on --server", "PASSWORD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— caller ID to pop-up latency");
  g_autoptr(GError) error = NULL;
  CrmTestServer *server = NULL;
  g_autoptr(GtkApplication) app = NULL;
  g_autoptr(CrmTrustStore) trust = NULL;
  g_autoptr(CrmSession) session = NULL;
  g_autoptr(CrmCalls) calls = NULL;
  g_autoptr(GArray) targets = NULL;
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *tmp = g_dir_make_tmp ("bench-popup-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (tmp, "idle.txt", NULL);
  g_autofree char *uri = g_strconcat ("sim:", script, NULL);
  g_autofree char *trust_path = g_build_filename (tmp, "trust", NULL);
  g_autofree char *spool = g_build_filename (tmp, "spool", NULL);
  gboolean signed_in = FALSE;
  CrmPhoneDevice *device;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  gtk_init ();
  (void) crm_client_get_resource ();

  if (server_address == NULL)
    {
      g_autofree char *args = g_strdup_printf ("--demo-data %d", customers);

      g_printerr ("bench-popup: starting a server with %d demo customers\n", customers);
      server = crm_test_server_start (args, &error);
      if (server == NULL)
        g_error ("%s", error->message);
      server_address = g_strdup_printf ("127.0.0.1:%u", crm_test_server_get_port (server));
      user = g_strdup ("admin");
      password = g_strdup (crm_test_server_get_admin_password (server));
    }

  app = gtk_application_new ("cn.jinke.Crm.BenchPopup", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  trust = crm_trust_store_new (trust_path);
  session = crm_session_new (trust, "en_US");
  crm_session_sign_in_async (session, server_address, user, password, TRUE, NULL, signed_in_cb, &signed_in);
  wait_for (flag_set, &signed_in, 60);

  targets = pick_targets (session, samples);
  g_printerr ("bench-popup: %u callers\n", targets->len);
  g_file_set_contents (script, "13800000000,,3600\n", -1, NULL);
  calls = crm_calls_new (app, session, uri, spool, "", &error);
  if (calls == NULL)
    g_error ("%s", error->message);
  device = crm_call_center_get_device (crm_calls_get_center (calls));

  for (guint i = 0; i < targets->len + 5; i++)
    {
      /* The first five warm up (pop-up realized, statements prepared). */
      Target *t = &g_array_index (targets, Target, i < 5 ? i : i - 5);
      Drawn d = { calls, t->id };

      emit (device, CRM_CALL_EVENT_RING, NULL);
      emit (device, CRM_CALL_EVENT_CALLER_ID, t->number);
      if (!wait_for (popup_drawn, &d, 30))
        g_error ("no pop-up for %s", t->number);
      if (i >= 5)
        {
          double v = (crm_calls_get_drawn_time (calls) - crm_calls_get_event_time (calls)) / 1000.0;
          g_array_append_val (ms, v);
          if (v > 100)
            g_printerr ("bench-popup: sample %u took %.1f ms\n", i - 5, v);
        }
      emit (device, CRM_CALL_EVENT_RING_STOPPED, NULL);
    }

  g_array_sort (ms, compare_double);
  g_print ("popup_samples %u calls\n", ms->len);
  g_print ("popup_customers %d customers\n", server ? customers : -1);
  g_print ("popup_p50_ms %.1f ms\n", percentile (ms, 0.50));
  g_print ("popup_p99_ms %.1f ms\n", percentile (ms, 0.99));

  g_clear_object (&calls);
  g_clear_object (&session);
  crm_test_server_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return 0;
}
