/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

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

G_END_DECLS
