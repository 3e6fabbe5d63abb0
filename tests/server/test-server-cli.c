/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "test-server-cli"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* crm-server's command line and key file: every mistake is refused with a
 * clear message and exit status 2, before anything is started. */

static const char *
binary (void)
{
  const char *env = g_getenv ("CRM_SERVER_BINARY");

  g_assert_nonnull (env);
  return env;
}

static int
run (const char * const *args, char **out, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) binary ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
test_help (void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "--help", NULL };
  const char *flags[] = { "--config", "--listen", "--port", "--http-port", "--data-dir", "--database",
                          "--tls-cert", "--tls-key", "--no-tls", "--log-level", "--port-file",
                          "--create-admin", "--demo-data" };

  g_assert_cmpint (run (args, &out, &err), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (flags); i++)
    g_assert_nonnull (strstr (out, flags[i]));
}

static void
assert_refused (const char * const *args, const char *expected)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run (args, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, expected));
  g_assert_cmpstr (out, ==, "");
}

static void
test_bad_flags (void)
{
  const char *port[] = { "--port", "70000", NULL };
  const char *http_port[] = { "--http-port", "-5", NULL };
  const char *level[] = { "--log-level", "loud", NULL };
  const char *demo[] = { "--demo-data", "-1", NULL };
  const char *admin[] = { "--create-admin", "", NULL };
  const char *extra[] = { "surprise", NULL };
  const char *not_a_number[] = { "--port", "seventy", NULL };

  assert_refused (port, "--port must be between 0 and 65535");
  assert_refused (http_port, "--http-port must be between 0 and 65535");
  assert_refused (level, "Unknown log level “loud”");
  assert_refused (demo, "--demo-data");
  assert_refused (admin, "--create-admin needs a user name");
  assert_refused (extra, "unexpected argument “surprise”");
  assert_refused (not_a_number, "seventy");
}

static void
test_config_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("crm-cli-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *missing = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "server.conf", NULL);
  missing = g_build_filename (dir, "absent.conf", NULL);

  {
    const char *args[] = { "--config", missing, NULL };
    assert_refused (args, "Cannot read the configuration file");
  }

  g_file_set_contents (path, "[server]\nport=many\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "--config", path, NULL };
    assert_refused (args, "“port”");
  }

  /* Values from the file are checked like flags ... */
  g_file_set_contents (path, "[server]\nport=99999\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "--config", path, NULL };
    assert_refused (args, "--port must be between 0 and 65535");
  }
  /* ... and a flag overrides the file. */
  g_file_set_contents (path, "[server]\nlog-level=loud\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "--config", path, "--log-level", "quiet", NULL };
    assert_refused (args, "“quiet”");
  }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_version (void)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "--version", NULL };

  g_assert_cmpint (run (args, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "crm-server " PACKAGE_VERSION "\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/cli/help", test_help);
  g_test_add_func ("/server/cli/bad-flags", test_bad_flags);
  g_test_add_func ("/server/cli/config-file", test_config_file);
  g_test_add_func ("/server/cli/version", test_version);

  return g_test_run ();
}
