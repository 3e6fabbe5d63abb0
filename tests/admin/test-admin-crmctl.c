/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin-crmctl"
#include "config.h"

#include <locale.h>
#include <string.h>

#include "crm-test-crmctl.h"
#include "crm-test-server.h"

/*
 * The admin verbs of the crmctl binary against a real server, as a script
 * would run them: exit statuses and output.
 */

static CrmTestServer     *server;
static CrmTestCrmctlHome *crmctl;
static char              *out;
static char              *err;

#define run(...)                                                                                   \
  crm_test_crmctl_home_run (crmctl, NULL, &out, &err, (const char *[]){ __VA_ARGS__, NULL })

static void
test_verbs (void)
{
  g_autofree char *dep_id = NULL;

  g_assert_cmpint (crm_test_crmctl_home_login (crmctl, &out, &err), ==, 0);

  g_assert_cmpint (run ("department", "create", "命令行部"), ==, 0);
  dep_id = g_strstrip (g_strdup (out));
  g_assert_cmpint (g_ascii_strtoll (dep_id, NULL, 10), >, 0);
  g_assert_cmpint (run ("department", "update", dep_id, "kind=group", "branch=深圳"), ==, 0);
  g_assert_cmpint (run ("department", "list"), ==, 0);
  g_assert_nonnull (strstr (out, "命令行部"));

  g_assert_cmpint (run ("user", "list"), ==, 0);
  g_assert_nonnull (strstr (out, "admin"));

  g_assert_cmpint (run ("role", "create", "name=script_role", "display_name=脚本角色",
                        "grants=audit.view:3,customer.view:0"),
                   ==, 0);
  g_assert_cmpint (run ("--json", "role", "list"), ==, 0);
  g_assert_nonnull (strstr (out, "script_role"));
  g_assert_cmpint (run ("role", "create", "name=script_role", "display_name=again"), ==, 7);
  g_assert_cmpint (run ("role", "create", "name=x", "display_name=y", "grants=audit.view:9"), ==,
                   2);

  g_assert_cmpint (run ("setting", "set", "points_enabled=true"), ==, 0);
  g_assert_cmpint (run ("setting", "get"), ==, 0);
  g_assert_nonnull (strstr (out, "points_enabled"));
  g_assert_null (strstr (out, "Postal code"));
  g_assert_cmpint (run ("--json", "setting", "get"), ==, 0);
  g_assert_nonnull (strstr (out, "true"));

  g_assert_cmpint (run ("field", "save", "entity=customer", "key=grade", "label=等级",
                        "type=choice", "choices=甲,乙"),
                   ==, 0);
  g_assert_cmpint (run ("field", "list", "customer"), ==, 0);
  g_assert_nonnull (strstr (out, "grade"));
  g_assert_cmpint (run ("numbering", "get", "customer"), ==, 0);
  g_assert_nonnull (strstr (out, "KH"));

  g_assert_cmpint (run ("audit", "entity=role", "action=create"), ==, 0);
  g_assert_nonnull (strstr (out, "script_role"));

  /* Statuses a script relies on. */
  g_assert_cmpint (run ("user", "disable", "999999"), ==, 6);
  g_assert_cmpint (run ("user", "disable"), ==, 2);
  g_assert_cmpint (run ("user", "disable", "abc"), ==, 2);
  g_assert_cmpint (run ("role", "frobnicate"), ==, 2);
  g_assert_cmpint (run ("department", "update", dep_id, "parent_id=not-a-number"), ==, 2);
  g_assert_cmpint (run ("department", "update", dep_id,
                        "parent_id="
                        "999999"),
                   ==, 8);

  /* The recycle bin: a deleted department listed by kind, restored once. */
  {
    g_autofree char *bin_id = NULL;

    g_assert_cmpint (run ("department", "create", "回收命令部"), ==, 0);
    bin_id = g_strstrip (g_strdup (out));
    g_assert_cmpint (run ("department", "delete", bin_id), ==, 0);
    g_assert_cmpint (run ("recycle", "kinds"), ==, 0);
    g_assert_nonnull (strstr (out, "department"));
    g_assert_nonnull (strstr (out, "role"));
    g_assert_cmpint (run ("recycle", "list", "department"), ==, 0);
    g_assert_nonnull (strstr (out, "回收命令部"));
    g_assert_cmpint (run ("recycle", "list"), ==, 0);
    g_assert_nonnull (strstr (out, "回收命令部"));
    g_assert_cmpint (run ("recycle", "restore", "department", bin_id), ==, 0);
    g_assert_cmpint (run ("recycle", "restore", "department", bin_id), ==, 6);
    g_assert_cmpint (run ("department", "list"), ==, 0);
    g_assert_nonnull (strstr (out, "回收命令部"));
  }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  server = crm_test_server_start (NULL, &error);
  g_assert_no_error (error);
  crmctl = crm_test_crmctl_home_new (server, "crmctl-admin-XXXXXX");
  g_test_add_func ("/admin/crmctl/verbs", test_verbs);
  status = g_test_run ();
  crm_test_server_stop (server);
  g_clear_pointer (&crmctl, crm_test_crmctl_home_free);
  g_free (out);
  g_free (err);
  return status;
}
