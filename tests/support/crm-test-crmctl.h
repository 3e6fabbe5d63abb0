/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "crm-test-server.h"

G_BEGIN_DECLS

/* Runs the crmctl binary ($CRMCTL) as a script would, with `args`
 * (NULL-terminated), its state in `state_dir` and its configuration in
 * `config_dir`, in the C.UTF-8 locale, nothing on its standard input.
 * Asserts it ran and exited; returns its exit status, its standard output
 * and error in `*out` and `*err` (what they held is freed; `err` may be
 * NULL). */
int crm_test_run_crmctl (const char        *state_dir,
                         const char        *config_dir,
                         char             **out,
                         char             **err,
                         const char *const *args);

/* The same with `input` written to its standard input (NULL: nothing, as
 * crm_test_run_crmctl). */
int crm_test_run_crmctl_input (const char        *state_dir,
                               const char        *config_dir,
                               const char        *input,
                               char             **out,
                               char             **err,
                               const char *const *args);

/* Starts crmctl with the same environment, its three standard streams
 * piped, for a test that acts while it runs; the caller ends it (e.g.
 * g_subprocess_communicate_utf8) and checks its exit. */
GSubprocess *crm_test_spawn_crmctl (const char        *state_dir,
                                    const char        *config_dir,
                                    const char *const *args);

/* Parses `text` (what `crmctl --json` printed) and returns its root
 * node; asserts it is well-formed JSON. */
JsonNode *crm_test_parse_json (const char *text);

/* A test program's crmctl home: a new temporary folder (named from
 * `tmpl`, as g_dir_make_tmp) holding crmctl's state and configuration
 * folders and a file with `server`'s admin password, and the server's
 * address as --server takes it.  Asserts each step worked. */
typedef struct
{
  char *home;          /* the temporary folder */
  char *state_dir;     /* XDG_STATE_HOME: home/state */
  char *config_dir;    /* XDG_CONFIG_HOME: home/config */
  char *password_file; /* home/password */
  char *server_arg;    /* "localhost:PORT" */
} CrmTestCrmctlHome;

CrmTestCrmctlHome *crm_test_crmctl_home_new (CrmTestServer *server,
                                             const char    *tmpl);

/* crm_test_run_crmctl_input in this home. */
int crm_test_crmctl_home_run (CrmTestCrmctlHome *self,
                              const char        *input,
                              char             **out,
                              char             **err,
                              const char *const *args);

/* `crmctl --server ADDRESS --trust-new-server --user admin
 * --password-file FILE login` in this home; its exit status. */
int crm_test_crmctl_home_login (CrmTestCrmctlHome *self,
                                char             **out,
                                char             **err);

/* Deletes the folder and everything in it (symbolic links are removed,
 * not followed), frees.  NULL-safe. */
void crm_test_crmctl_home_free (CrmTestCrmctlHome *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmTestCrmctlHome, crm_test_crmctl_home_free)

G_END_DECLS
