/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-ui-test"
#include "config.h"

#include "crm-ui-test.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "crm-sign-in-window.h"

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until `cond` holds or `seconds` pass.  The
 * short timer keeps the iteration from blocking when nothing else is due. */
gboolean
crm_ui_test_wait_for (CrmUiTestCondition cond,
                      gpointer           data,
                      guint              seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static gboolean
elapsed_cb (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* Lets the windows lay out and paint for `ms` milliseconds. */
void
crm_ui_test_settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  crm_ui_test_wait_for (elapsed_cb, &until, ms / 1000 + 10);
}

/* Renders `widget` with its window's renderer and saves it as
 * $CRM_SCREENSHOT_DIR/`file_name`; does nothing when that is unset. */
void
crm_ui_test_save_screenshot (GtkWidget  *widget,
                             const char *file_name)
{
  const char *dir = g_getenv ("CRM_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  /* A widget that has not been drawn since it changed gives no render
   * node yet (seen under heavy load): let it paint, for up to 10 s. */
  for (int attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      if (attempt > 0)
        crm_ui_test_settle (100);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot %s", path);
}

void
crm_ui_test_type_text (GtkEditable *editable,
                       const char  *text)
{
  gtk_widget_grab_focus (GTK_WIDGET (editable));
  gtk_editable_set_text (editable, text);
}

/* A condition: `app` (a CrmApplication) has its main window, or its sign-in
 * window has stopped with an error or a certificate to trust. */
gboolean
crm_ui_test_sign_in_settled (gpointer app)
{
  GtkWindow *sign_in = crm_application_get_sign_in_window (CRM_APPLICATION (app));
  CrmSignInWindow *window = sign_in ? CRM_SIGN_IN_WINDOW (sign_in) : NULL;

  return crm_application_get_main_window (CRM_APPLICATION (app)) != NULL ||
         (window && !crm_sign_in_window_is_busy (window) &&
          (crm_sign_in_window_get_error_text (window) || crm_sign_in_window_is_asking_trust (window)));
}

void
crm_ui_test_fill_sign_in (CrmSignInWindow *window,
                          const char      *address,
                          const char      *user,
                          const char      *password)
{
  crm_ui_test_type_text (crm_sign_in_window_get_server_entry (window), address);
  crm_ui_test_type_text (crm_sign_in_window_get_user_entry (window), user);
  crm_ui_test_type_text (crm_sign_in_window_get_password_entry (window), password);
}

/* The demo runs in Chinese; so do the screenshots, when the system has the
 * locale and $CRM_UI_LOCALE_MO_DIR holds the catalogue.  The catalogue is
 * linked into a locale tree under `tmp_dir`. */
void
crm_ui_test_use_chinese (const char *tmp_dir)
{
  const char *mo_dir = g_getenv ("CRM_UI_LOCALE_MO_DIR");
  g_autofree char *mo = mo_dir ? g_build_filename (mo_dir, "jinke-crm.mo", NULL) : NULL;
  g_autofree char *locale_dir = g_build_filename (tmp_dir, "locale", NULL);
  g_autofree char *messages = g_build_filename (locale_dir, "zh_CN", "LC_MESSAGES", NULL);
  g_autofree char *link = g_build_filename (messages, "jinke-crm.mo", NULL);

  if (mo && g_file_test (mo, G_FILE_TEST_EXISTS) && setlocale (LC_ALL, "zh_CN.UTF-8"))
    {
      g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
      g_setenv ("LANGUAGE", "zh_CN", TRUE);
      g_mkdir_with_parents (messages, 0755);
      g_assert_cmpint (symlink (mo, link), ==, 0);
      bindtextdomain (GETTEXT_PACKAGE, locale_dir);
    }
  else
    setlocale (LC_ALL, "");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}

static guint screenshot_counter;

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

void
crm_ui_test_screenshot (GtkWidget  *widget,
                        const char *prefix,
                        const char *name,
                        guint       settle_ms,
                        gboolean    after_paint)
{
  g_autofree char *file = NULL;

  crm_ui_test_settle (settle_ms);
  file = g_strdup_printf ("%s%02u-%s.png", prefix, ++screenshot_counter, name);
  if (after_paint)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
      gboolean painted = FALSE;
      gulong handler;

      handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
      gtk_widget_queue_draw (widget);
      g_assert_true (crm_ui_test_wait_for (flag_set, &painted, 30));
      g_signal_handler_disconnect (clock, handler);
    }
  crm_ui_test_save_screenshot (widget, file);
}

CrmSignInWindow *
crm_ui_test_sign_in_window (CrmApplication *app)
{
  GtkWindow *window = crm_application_get_sign_in_window (app);

  return window ? CRM_SIGN_IN_WINDOW (window) : NULL;
}

CrmWindow *
crm_ui_test_main_window (CrmApplication *app)
{
  GtkWindow *window = crm_application_get_main_window (app);

  return window ? CRM_WINDOW (window) : NULL;
}

CrmCustomerListView *
crm_ui_test_customer_view (CrmApplication *app)
{
  return crm_window_get_customer_view (crm_ui_test_main_window (app));
}

char *
crm_ui_test_init (int         *argc,
                  char      ***argv,
                  const char  *tmp_template)
{
  g_autoptr(GError) error = NULL;
  char *tmp_dir = g_dir_make_tmp (tmp_template, &error);

  g_assert_no_error (error);
  /* A private trust store and settings. */
  g_setenv ("XDG_CONFIG_HOME", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* In-process driving needs no accessibility bus (and CI has no session
   * bus to find one on). */
  g_setenv ("GTK_A11Y", "none", TRUE);
  crm_ui_test_use_chinese (tmp_dir);
  textdomain (GETTEXT_PACKAGE);
  g_test_init (argc, argv, NULL);
  return tmp_dir;
}

static GPid server_pid;

/* A failed assertion aborts the test program; the server it started must
 * not outlive it (kill() is async-signal-safe). */
static void
on_fatal_signal (int signum)
{
  if (server_pid > 0)
    kill (server_pid, SIGTERM);
  signal (signum, SIG_DFL);
  raise (signum);
}

CrmTestServer *
crm_ui_test_start_server (const char *extra_args)
{
  g_autoptr(GError) error = NULL;
  CrmTestServer *server;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display (run under xvfb-run)");
      return NULL;
    }
  server = crm_test_server_start (extra_args, &error);
  if (server == NULL)
    {
      g_test_message ("cannot start crm-server: %s", error->message);
      g_test_skip ("crm-server not available");
      return NULL;
    }
  server_pid = crm_test_server_get_pid (server);
  signal (SIGABRT, on_fatal_signal);
  signal (SIGTRAP, on_fatal_signal);
  signal (SIGSEGV, on_fatal_signal);
  return server;
}

CrmConnection *
crm_ui_test_connect_admin (CrmTestServer *server)
{
  g_autoptr(GError) error = NULL;
  CrmConnection *connection;

  connection = crm_test_server_connect (server, "admin",
                                        crm_test_server_get_admin_password (server), &error);
  g_assert_no_error (error);
  return connection;
}

static void
sign_in_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (crm_session_sign_in_finish (CRM_SESSION (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

CrmSession *
crm_ui_test_sign_in_admin (CrmTestServer *server,
                           const char    *trust_path,
                           const char    *locale)
{
  g_autoptr(CrmTrustStore) trust = crm_trust_store_new (trust_path);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", crm_test_server_get_port (server));
  CrmSession *session = crm_session_new (trust, locale);
  gboolean signed_in = FALSE;

  crm_session_sign_in_async (session, address, "admin", crm_test_server_get_admin_password (server),
                             TRUE, NULL, sign_in_done, &signed_in);
  g_assert_true (crm_ui_test_wait_for (flag_set, &signed_in, 60));
  return session;
}

CrmApplication *
crm_ui_test_new_application (void)
{
  g_autoptr(GError) error = NULL;
  CrmApplication *app = crm_application_new (G_APPLICATION_NON_UNIQUE);

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

void
crm_ui_test_clear_application (CrmApplication **app)
{
  if (*app == NULL)
    return;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (*app)); l;
       l = gtk_application_get_windows (GTK_APPLICATION (*app)))
    gtk_window_destroy (l->data);
  g_clear_object (app);
}

void
crm_ui_test_clear_connection (CrmConnection **connection)
{
  if (*connection)
    crm_connection_close (*connection);
  g_clear_object (connection);
}

void
crm_ui_test_finish (CrmTestServer *server,
                    char          *tmp_dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);

  crm_test_server_stop (server);
  (void) !system (cmd);
  g_free (tmp_dir);
}
