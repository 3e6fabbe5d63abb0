/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-test-crmctl"
#include "config.h"

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
