/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-test-crmctl"
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "crm-test-crmctl.h"

/* crmctl ($CRMCTL) with `args`, its state and configuration folders and
 * locale set as crm-test-crmctl.h says; stdout and stderr piped, and stdin
 * too when `flags` says so. */
static GSubprocess *
spawn_crmctl (const char        *state_dir,
              const char        *config_dir,
              GSubprocessFlags   flags,
              const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE | flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("CRMCTL");
  GSubprocess *proc;

  g_assert_nonnull (binary);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_ptr_array_add (argv, g_strdup (binary));
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

GSubprocess *
crm_test_spawn_crmctl (const char        *state_dir,
                       const char        *config_dir,
                       const char *const *args)
{
  return spawn_crmctl (state_dir, config_dir, G_SUBPROCESS_FLAGS_STDIN_PIPE, args);
}

int
crm_test_run_crmctl_input (const char        *state_dir,
                           const char        *config_dir,
                           const char        *input,
                           char             **out,
                           char             **err,
                           const char *const *args)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *own_err = NULL;
  char **err_out = err != NULL ? err : &own_err;
  int status;

  g_clear_pointer (out, g_free);
  g_clear_pointer (err_out, g_free);
  proc = spawn_crmctl (state_dir, config_dir,
                       input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE, args);
  g_subprocess_communicate_utf8 (proc, input, NULL, out, err_out, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  status = g_subprocess_get_exit_status (proc);
  g_test_message ("crmctl %s %s → %d\n%s%s", args[0], args[0] && args[1] ? args[1] : "",
                  status, *out, *err_out);
  return status;
}

int
crm_test_run_crmctl (const char        *state_dir,
                     const char        *config_dir,
                     char             **out,
                     char             **err,
                     const char *const *args)
{
  return crm_test_run_crmctl_input (state_dir, config_dir, NULL, out, err, args);
}

JsonNode *
crm_test_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

CrmTestCrmctlHome *
crm_test_crmctl_home_new (CrmTestServer *server, const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  CrmTestCrmctlHome *self = g_new0 (CrmTestCrmctlHome, 1);

  self->home = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  self->state_dir = g_build_filename (self->home, "state", NULL);
  self->config_dir = g_build_filename (self->home, "config", NULL);
  self->password_file = g_build_filename (self->home, "password", NULL);
  g_file_set_contents (self->password_file, crm_test_server_get_admin_password (server), -1, &error);
  g_assert_no_error (error);
  self->server_arg = g_strdup_printf ("localhost:%u", crm_test_server_get_port (server));
  return self;
}

int
crm_test_crmctl_home_run (CrmTestCrmctlHome *self,
                          const char        *input,
                          char             **out,
                          char             **err,
                          const char *const *args)
{
  return crm_test_run_crmctl_input (self->state_dir, self->config_dir, input, out, err, args);
}

int
crm_test_crmctl_home_login (CrmTestCrmctlHome *self, char **out, char **err)
{
  const char *args[] = { "--server", self->server_arg, "--trust-new-server", "--user", "admin",
                         "--password-file", self->password_file, "login", NULL };

  return crm_test_crmctl_home_run (self, NULL, out, err, args);
}

/* rm -rf `path`: a folder's entries first; a symbolic link is removed
 * itself, never followed. */
static void
remove_tree (const char *path)
{
  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  if (g_remove (path) != 0)
    {
      int saved = errno;

      if (saved != ENOENT)
        g_test_message ("could not remove %s: %s", path, g_strerror (saved));
    }
}

void
crm_test_crmctl_home_free (CrmTestCrmctlHome *self)
{
  if (self == NULL)
    return;
  remove_tree (self->home);
  g_free (self->home);
  g_free (self->state_dir);
  g_free (self->config_dir);
  g_free (self->password_file);
  g_free (self->server_arg);
  g_free (self);
}
