/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-client-bench"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "crm-application.h"
#include "crm-customer-list-view.h"
#include "crm-sign-in-window.h"
#include "crm-window.h"

/*
 * Client benchmarks against a running server, printed as `name value unit`:
 *
 *   client_ready_ms          start of main() → signed-in main window with the
 *                            first page of customers drawn
 *   client_search_p95_ms     quick search: keystroke → results drawn, 95th
 *                            percentile (typing delay, request, reply, model
 *                            update and the first frame painted after it)
 *   client_search_sent_p95_ms    request sent → results drawn
 *   client_search_reply_p95_ms   request sent → reply received (the server)
 *   client_search_render_p95_ms  reply received → results drawn (the client)
 *   client_search_typing_p95_ms  typing a word at 120 ms a key: last
 *                            keystroke → the whole word's results drawn
 *   On stderr: p50/p95 of each phase (keystroke → sent → reply → model
 *   updated → drawn).
 *   client_scroll_rss_mb     peak RSS after scrolling the list from top to
 *                            bottom, every row position visited in steps
 *
 *   crm-client-bench --server HOST:PORT --user U --password P
 *                    [--searches 60] [--scroll-steps 200]
 */

static gint64 t_start;
static CrmApplication *app;

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_for (Condition cond,
          gpointer  data,
          guint     seconds)
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
never (gpointer data)
{
  return FALSE;
}

/* Runs the main loop for `ms` milliseconds. */
static void
pump_ms (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  guint wake = g_timeout_add (2, wake_cb, NULL);

  while (!never (NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Waits until `widget`'s window has painted a frame that includes the
 * current state; returns the time of that paint. */
static gint64
wait_drawn (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler;

  if (clock == NULL)
    return g_get_monotonic_time ();
  gtk_widget_queue_draw (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  wait_for (flag_set, &painted, 10);
  g_signal_handler_disconnect (clock, handler);
  return g_get_monotonic_time ();
}

static CrmWindow *
main_window (void)
{
  GtkWindow *window = crm_application_get_main_window (app);

  return window ? CRM_WINDOW (window) : NULL;
}

static CrmCustomerListView *
view (void)
{
  return crm_window_get_customer_view (main_window ());
}

static gboolean
sign_in_done (gpointer data)
{
  GtkWindow *window = crm_application_get_sign_in_window (app);

  if (main_window ())
    return TRUE;
  return window && !crm_sign_in_window_is_busy (CRM_SIGN_IN_WINDOW (window)) &&
         (crm_sign_in_window_is_asking_trust (CRM_SIGN_IN_WINDOW (window)) ||
          crm_sign_in_window_get_error_text (CRM_SIGN_IN_WINDOW (window)));
}

static gboolean
list_ready (gpointer data)
{
  GListModel *model;
  g_autoptr(CrmCustomerRow) first = NULL;

  if (main_window () == NULL)
    return FALSE;
  model = crm_customer_list_view_get_shown_model (view ());
  if (g_list_model_get_n_items (model) == 0)
    return FALSE;
  first = g_list_model_get_item (model, 0);
  return !crm_customer_row_is_placeholder (first);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  gsize index;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  index = (gsize) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, MIN (index, values->len - 1));
}

typedef struct {
  gint64 shown_before;
} SearchWait;

/* The answer to the text typed last is in the model: shown after `data`
 * (the last keystroke) with no search pending or in flight. */
static gboolean
typed_search_shown (gpointer data)
{
  return crm_customer_list_view_get_search_shown_at (view ()) > *(gint64 *) data &&
         !crm_customer_list_view_is_searching (view ());
}

static gboolean
search_shown (gpointer data)
{
  SearchWait *wait = data;

  return crm_customer_list_view_get_search_shown_at (view ()) != wait->shown_before &&
         !crm_customer_list_view_is_searching (view ()) &&
         !CRM_IS_CUSTOMER_LIST_MODEL (crm_customer_list_view_get_shown_model (view ()));
}

/* The end of the last frame painted (GdkFrameClock::after-paint). */
static gint64 last_paint_at;

static void
on_after_paint_time (GdkFrameClock *clock,
                     gpointer       data)
{
  last_paint_at = g_get_monotonic_time ();
}

static gboolean
painted_since (gpointer data)
{
  return last_paint_at > *(gint64 *) data;
}

static void
print_phase (const char *name,
             GArray     *values)
{
  double p50 = percentile (values, 0.5);
  double p95 = percentile (values, 0.95);

  g_printerr ("  %-22s p50 %7.1f ms   p95 %7.1f ms\n", name, p50, p95);
}

static gboolean
list_shown (gpointer data)
{
  return !crm_customer_list_view_is_busy (view ()) &&
         CRM_IS_CUSTOMER_LIST_MODEL (crm_customer_list_view_get_shown_model (view ()));
}

static gboolean
row_loaded (gpointer data)
{
  guint position = GPOINTER_TO_UINT (data);
  GListModel *model = G_LIST_MODEL (crm_customer_list_view_get_list_model (view ()));
  g_autoptr(CrmCustomerRow) row = NULL;

  if (position >= g_list_model_get_n_items (model))
    return TRUE;
  row = g_list_model_get_item (model, position);
  return !crm_customer_row_is_placeholder (row);
}

static double
rss_peak_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line ? g_ascii_strtod (line + 6, NULL) / 1024.0 : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  g_autofree char *tmp = NULL;
  int searches = 60, scroll_steps = 200;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, "Server address", "HOST:PORT" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "User", "NAME" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Password", "PASSWORD" },
    { "searches", 0, 0, G_OPTION_ARG_INT, &searches, "Number of searches", "N" },
    { "scroll-steps", 0, 0, G_OPTION_ARG_INT, &scroll_steps, "Scroll positions visited", "N" },
    { NULL }
  };
  static const char *queries[] = {
    "bjzb", "sh", "北京", "上海", "科技", "138", "1590", "hf", "wh", "cd", "sz", "tj",
    "贸易", "有限", "zx", "jn", "xa", "0755", "021", "gz", "深圳", "物流", "nj", "cq",
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sent_to_drawn = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) key_to_drawn = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sent_to_shown = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) reply_to_drawn = g_array_new (FALSE, FALSE, sizeof (double));
  CrmSignInWindow *sign_in;
  GtkAdjustment *adjustment;
  GListModel *model;
  gint64 t_ready, t_scroll;
  guint n_items;

  t_start = g_get_monotonic_time ();
  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !server || !user || !password)
    {
      g_printerr ("%s\n", error ? error->message : "--server, --user and --password are required");
      return 2;
    }

  /* A private trust store and settings, like a first start. */
  tmp = g_dir_make_tmp ("crm-client-bench-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", tmp, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("no display\n");
      return 77;
    }

  app = crm_application_new (G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_application_activate (G_APPLICATION (app));
  sign_in = CRM_SIGN_IN_WINDOW (crm_application_get_sign_in_window (app));
  gtk_editable_set_text (crm_sign_in_window_get_server_entry (sign_in), server);
  gtk_editable_set_text (crm_sign_in_window_get_user_entry (sign_in), user);
  gtk_editable_set_text (crm_sign_in_window_get_password_entry (sign_in), password);
  gtk_widget_activate_action (GTK_WIDGET (sign_in), "sign-in.submit", NULL);
  if (!wait_for (sign_in_done, NULL, 60))
    g_error ("sign-in timed out");
  if (main_window () == NULL && crm_sign_in_window_is_asking_trust (sign_in))
    {
      gtk_widget_activate_action (GTK_WIDGET (sign_in), "sign-in.trust", NULL);
      wait_for (sign_in_done, NULL, 60);
    }
  if (main_window () == NULL)
    g_error ("sign-in failed: %s", crm_sign_in_window_get_error_text (sign_in));
  if (!wait_for (list_ready, NULL, 60))
    g_error ("the first page did not arrive");
  t_ready = wait_drawn (GTK_WIDGET (main_window ()));
  g_print ("client_ready_ms %.1f ms\n", (t_ready - t_start) / 1000.0);

  {
    g_autoptr(GArray) key_to_sent = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) shown_to_drawn = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) reply_to_shown = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GHashTable) slowest = g_hash_table_new (g_str_hash, g_str_equal);  /* query → worst reply µs */
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (main_window ()));
    gulong paint_handler = g_signal_connect (clock, "after-paint",
                                             G_CALLBACK (on_after_paint_time), NULL);

    for (int i = 0; i < searches; i++)
      {
        SearchWait wait = { crm_customer_list_view_get_search_shown_at (view ()) };
        const char *query = queries[i % G_N_ELEMENTS (queries)];
        gint64 t_key, t_drawn, t_sent, t_reply, t_shown;

        /* A pause between searches, as between two lookups by a user. */
        g_usleep (300 * 1000);
        t_key = g_get_monotonic_time ();
        gtk_editable_set_text (crm_customer_list_view_get_search_entry (view ()), query);
        if (!wait_for (search_shown, &wait, 30))
          g_error ("search “%s” timed out", query);
        t_shown = crm_customer_list_view_get_search_shown_at (view ());
        if (!wait_for (painted_since, &t_shown, 10))
          g_error ("search “%s”: no frame painted", query);
        t_drawn = last_paint_at;
        t_sent = crm_customer_list_view_get_search_sent_at (view ());
        t_reply = crm_customer_list_view_get_search_reply_at (view ());
        g_array_append_val (key_to_sent, ((double) { (t_sent - t_key) / 1000.0 }));
        g_array_append_val (sent_to_shown, ((double) { (t_reply - t_sent) / 1000.0 }));
        g_array_append_val (reply_to_shown, ((double) { (t_shown - t_reply) / 1000.0 }));
        g_array_append_val (shown_to_drawn, ((double) { (t_drawn - t_shown) / 1000.0 }));
        g_array_append_val (sent_to_drawn, ((double) { (t_drawn - t_sent) / 1000.0 }));
        g_array_append_val (reply_to_drawn, ((double) { (t_drawn - t_reply) / 1000.0 }));
        g_array_append_val (key_to_drawn, ((double) { (t_drawn - t_key) / 1000.0 }));
        if ((gsize) (t_reply - t_sent) > GPOINTER_TO_SIZE (g_hash_table_lookup (slowest, query)))
          g_hash_table_insert (slowest, (gpointer) query, GSIZE_TO_POINTER ((gsize) (t_reply - t_sent)));
      }
    g_signal_handler_disconnect (clock, paint_handler);
    g_printerr ("quick search, %d searches:\n", searches);
    print_phase ("keystroke → sent", key_to_sent);
    print_phase ("sent → reply", sent_to_shown);
    print_phase ("reply → model updated", reply_to_shown);
    print_phase ("model updated → drawn", shown_to_drawn);
    print_phase ("keystroke → drawn", key_to_drawn);
    g_printerr ("  slowest server reply per query (ms):");
    for (gsize q = 0; q < G_N_ELEMENTS (queries); q++)
      g_printerr (" %s %.0f", queries[q],
                  GPOINTER_TO_SIZE (g_hash_table_lookup (slowest, queries[q])) / 1000.0);
    g_printerr ("\n");
  }
  g_print ("client_search_p95_ms %.1f ms\n", percentile (key_to_drawn, 0.95));
  g_print ("client_search_sent_p95_ms %.1f ms\n", percentile (sent_to_drawn, 0.95));
  g_print ("client_search_reply_p95_ms %.1f ms\n", percentile (sent_to_shown, 0.95));
  g_print ("client_search_render_p95_ms %.1f ms\n", percentile (reply_to_drawn, 0.95));

  /* Typing: one key every 120 ms (a quick typist), each keystroke a new
   * query; measured from the last keystroke to the first frame painted
   * with the answer to the whole word. */
  {
    static const char *words[] = { "beijing", "shanghai", "zhibang", "shenzhen", "hangzhou",
                                   "guangzhou", "wuhan", "chengdu", "13800", "159012" };
    g_autoptr(GArray) last_key_to_drawn = g_array_new (FALSE, FALSE, sizeof (double));
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (main_window ()));
    gulong paint_handler = g_signal_connect (clock, "after-paint",
                                             G_CALLBACK (on_after_paint_time), NULL);
    GtkEditable *entry = crm_customer_list_view_get_search_entry (view ());

    for (int round = 0; round < MAX (1, searches / 20); round++)
      for (gsize w = 0; w < G_N_ELEMENTS (words); w++)
        {
          gint64 t_last = 0, t_shown;

          gtk_editable_set_text (entry, "");
          pump_ms (400);
          for (gsize k = 1; k <= strlen (words[w]); k++)
            {
              g_autofree char *prefix = g_strndup (words[w], k);

              if (k > 1)
                pump_ms (120);
              t_last = g_get_monotonic_time ();
              gtk_editable_set_text (entry, prefix);
            }
          if (!wait_for (typed_search_shown, &t_last, 30))
            g_error ("typing “%s” timed out", words[w]);
          t_shown = crm_customer_list_view_get_search_shown_at (view ());
          if (!wait_for (painted_since, &t_shown, 10))
            g_error ("typing “%s”: no frame painted", words[w]);
          g_array_append_val (last_key_to_drawn, ((double) { (last_paint_at - t_last) / 1000.0 }));
        }
    g_signal_handler_disconnect (clock, paint_handler);
    g_printerr ("typing, %u words at 120 ms a key:\n", last_key_to_drawn->len);
    print_phase ("last keystroke → drawn", last_key_to_drawn);
    g_print ("client_search_typing_p95_ms %.1f ms\n", percentile (last_key_to_drawn, 0.95));
  }

  gtk_editable_set_text (crm_customer_list_view_get_search_entry (view ()), "");
  wait_for (list_shown, NULL, 30);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (crm_customer_list_view_get_column_view (view ())));
  model = G_LIST_MODEL (crm_customer_list_view_get_list_model (view ()));
  t_scroll = g_get_monotonic_time ();
  for (int step = 0; step <= scroll_steps; step++)
    {
      double upper = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
      double fraction = (double) step / scroll_steps;

      n_items = g_list_model_get_n_items (model);
      gtk_adjustment_set_value (adjustment, upper * fraction);
      wait_drawn (GTK_WIDGET (main_window ()));
      if (!wait_for (row_loaded, GUINT_TO_POINTER ((guint) ((n_items - 1) * fraction)), 300))
        g_error ("rows at %.0f%% did not load", fraction * 100);
      wait_drawn (GTK_WIDGET (main_window ()));
    }
  g_print ("client_scroll_rss_mb %.1f MB\n", rss_peak_mb ());
  g_print ("client_scroll_rows %u rows\n", g_list_model_get_n_items (model));
  g_print ("client_scroll_s %.1f s\n", (g_get_monotonic_time () - t_scroll) / 1e6);
  g_print ("client_cached_pages %u pages\n",
           crm_customer_list_model_get_n_cached_pages (CRM_CUSTOMER_LIST_MODEL (model)));

  for (GList *l; (l = gtk_application_get_windows (GTK_APPLICATION (app))); )
    gtk_window_destroy (l->data);
  g_clear_object (&app);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);
    (void) !system (cmd);
  }
  return 0;
}
