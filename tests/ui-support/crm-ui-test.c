/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-ui-test"
#include "config.h"

#include "crm-ui-test.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
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
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
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
