/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "crm-test-crmctl.h"
#include "crm-test-server.h"
#include "crmctl-csv.h"

/*
 * The crmctl binary against a real crm-server (embedded PostgreSQL, TLS),
 * as a user or a script would run it.  One server serves every test; each
 * test has its own state and config folders, so sessions and trusted
 * certificates never leak between tests.
 */

static CrmTestServer *server;

typedef struct {
  CrmTestCrmctlHome *h; /* home, state and config folders, password file, --server */
  char *out;
  char *err;
} Fixture;

/* Starts crmctl with `args` (NULL-terminated) in the fixture's home, its
 * three standard streams piped. */
static GSubprocess *
spawn_v (Fixture *f, const char * const *args)
{
  return crm_test_spawn_crmctl (f->h->state_dir, f->h->config_dir, args);
}

/* Runs crmctl with `args` (NULL-terminated) and `input` on its standard
 * input (NULL: none); returns its exit status and keeps its stdout/stderr
 * in the fixture. */
static int
run_v (Fixture *f, const char *input, const char * const *args)
{
  return crm_test_crmctl_home_run (f->h, input != NULL ? input : "", &f->out, &f->err, args);
}

#define run(f, ...) run_v ((f), NULL, (const char *[]) { __VA_ARGS__, NULL })

static void
login (Fixture *f)
{
  g_assert_cmpint (crm_test_crmctl_home_login (f->h, &f->out, &f->err), ==, 0);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->h = crm_test_crmctl_home_new (server, "crmctl-test-XXXXXX");
  if (data != NULL)
    login (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->h, crm_test_crmctl_home_free);
  g_free (f->out);
  g_free (f->err);
}

static gint64
customer_count (Fixture *f)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *reply;

  g_assert_cmpint (run (f, "--json", "call", "customer.count", "(@a{sv} {},)"), ==, 0);
  root = crm_test_parse_json (f->out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  reply = json_node_get_array (root);
  return json_array_get_int_element (reply, 0);
}

/* Starts `crmctl customer import path` and waits until the first rows are
 * stored (the count moves past `before`) or crmctl has ended; returns the
 * count then. */
static gint64
start_import (Fixture *f, const char *path, gint64 before, GSubprocess **proc)
{
  gint64 now = before;

  *proc = spawn_v (f, (const char *[]) { "customer", "import", path, NULL });
  /* (the identifier is NULL once the process has ended) */
  while (now == before && g_subprocess_get_identifier (*proc) != NULL)
    {
      g_usleep (G_USEC_PER_SEC / 20);
      now = customer_count (f);
    }
  return now;
}

/* ---- tests ---- */

static void
test_login_whoami (Fixture *f, gconstpointer data)
{
  g_autofree char *session = g_build_filename (f->h->home, "state", "jinke-crm", "crmctl.session", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *who;
  GStatBuf st;

  login (f);
  g_assert_cmpint (g_stat (session, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The server is remembered with the session: no --server needed now. */
  g_assert_cmpint (run (f, "--json", "whoami"), ==, 0);
  root = crm_test_parse_json (f->out);
  who = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (who, "login"), ==, "admin");
  g_assert_cmpint (json_object_get_int_member (who, "user_id"), >, 0);
  /* The token is a credential and is never printed. */
  g_assert_null (strstr (f->out, "token"));

  g_assert_cmpint (run (f, "whoami"), ==, 0);
  g_assert_nonnull (strstr (f->out, "admin"));

  g_assert_cmpint (run (f, "health"), ==, 0);
  g_assert_nonnull (strstr (f->out, "status"));
  g_assert_cmpint (run (f, "--json", "health"), ==, 0);
  {
    g_autoptr(JsonNode) health = crm_test_parse_json (f->out);

    g_assert_true (JSON_NODE_HOLDS_OBJECT (health));
    g_assert_true (json_object_has_member (json_node_get_object (health), "status"));
  }
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  g_autofree char *bad = g_build_filename (f->h->home, "bad-password", NULL);

  g_file_set_contents (bad, "not-the-password\n", -1, NULL);
  g_assert_cmpint (run (f, "--server", f->h->server_arg, "--trust-new-server", "--user", "admin",
                        "--password-file", bad, "login"), ==, 4);
  g_assert_cmpstr (f->out, ==, "");
  g_assert_cmpuint (strlen (f->err), >, 0);
}

static void
test_password_from_stdin (Fixture *f, gconstpointer data)
{
  g_autofree char *line = g_strdup_printf ("%s\n", crm_test_server_get_admin_password (server));
  int status = run_v (f, line, (const char *[]) { "--server", f->h->server_arg, "--trust-new-server",
                                                  "--user", "admin", "login", NULL });

  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (run (f, "whoami"), ==, 0);
}

static void
test_unknown_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *known = g_build_filename (f->h->home, "config", "jinke-crm", "known-servers", NULL);

  g_assert_cmpint (run (f, "--server", f->h->server_arg, "--user", "admin",
                        "--password-file", f->h->password_file, "login"), ==, 3);
  /* The refusal shows the fingerprint and the way to accept it. */
  g_assert_nonnull (strstr (f->err, "--trust-new-server"));
  g_assert_true (g_regex_match_simple ("([0-9a-f]{2}:){31}[0-9a-f]{2}", f->err, 0, 0));
  g_assert_false (g_file_test (known, G_FILE_TEST_EXISTS));

  login (f);
  g_assert_true (g_file_test (known, G_FILE_TEST_EXISTS));
  /* Once trusted, no flag is needed any more. */
  g_assert_cmpint (run (f, "--server", f->h->server_arg, "--user", "admin",
                        "--password-file", f->h->password_file, "login"), ==, 0);

  /* A different certificate under the same address is refused, even with
   * --trust-new-server: that flag only covers servers never seen. */
  {
    g_autoptr(GKeyFile) keys = g_key_file_new ();
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) names = NULL;

    g_key_file_load_from_file (keys, known, G_KEY_FILE_NONE, &error);
    g_assert_no_error (error);
    names = g_key_file_get_keys (keys, "known-servers", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (names), ==, 1);
    g_key_file_set_string (keys, "known-servers", names[0],
                           "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
                           "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff");
    g_key_file_save_to_file (keys, known, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run (f, "--trust-new-server", "whoami"), ==, 3);
    g_assert_nonnull (strstr (f->err, "changed"));
  }
}

static gint64
json_id (const char *out)
{
  g_autoptr(JsonNode) root = crm_test_parse_json (out);

  return json_object_get_int_member (json_node_get_object (root), "id");
}

static void
test_customer_crud (Fixture *f, gconstpointer data)
{
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(JsonNode) edited = NULL;
  g_autoptr(JsonNode) found = NULL;
  JsonObject *record;
  JsonArray *rows;
  gint64 version;
  gboolean hit = FALSE;

  g_assert_cmpint (run (f, "--json", "customer", "add", "--name", "北京智邦科技有限公司",
                        "--short-name", "智邦", "--phone", "010-6212 3456",
                        "--phone", "13800138000", "--postal-code", "100080"), ==, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_id (f->out));

  g_assert_cmpint (run (f, "--json", "customer", "show", id), ==, 0);
  shown = crm_test_parse_json (f->out);
  record = json_node_get_object (shown);
  g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, "北京智邦科技有限公司");
  g_assert_cmpstr (json_object_get_string_member (record, "short_name"), ==, "智邦");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (record, "phones")), ==, 2);
  version = json_object_get_int_member (record, "version");

  /* Human output names the fields and shows the Chinese text. */
  g_assert_cmpint (run (f, "customer", "show", id), ==, 0);
  g_assert_nonnull (strstr (f->out, "北京智邦科技有限公司"));

  g_assert_cmpint (run (f, "customer", "edit", id, "--notes", "重要客户", "--region", "北京"), ==, 0);
  g_assert_cmpint (run (f, "--json", "customer", "show", id), ==, 0);
  edited = crm_test_parse_json (f->out);
  record = json_node_get_object (edited);
  g_assert_cmpstr (json_object_get_string_member (record, "notes"), ==, "重要客户");
  g_assert_cmpstr (json_object_get_string_member (record, "region"), ==, "北京");
  g_assert_cmpint (json_object_get_int_member (record, "version"), >, version);

  g_assert_cmpint (run (f, "--json", "customer", "search", "智邦"), ==, 0);
  found = crm_test_parse_json (f->out);
  rows = json_node_get_array (found);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    if (json_object_get_int_member (json_array_get_object_element (rows, i), "id") ==
        g_ascii_strtoll (id, NULL, 10))
      hit = TRUE;
  g_assert_true (hit);

  /* An edit naming the old version is refused as a conflict. */
  {
    g_autofree char *stale = g_strdup_printf ("(@key, %s, %" G_GINT64_FORMAT ", {'notes': <'旧版本'>})",
                                              id, version);

    g_assert_cmpint (run (f, "call", "customer.update", stale), ==, 7);
  }

  /* A bad value is refused before anything is sent. */
  g_assert_cmpint (run (f, "customer", "edit", id, "--postal-code", "12"), ==, 8);
  g_assert_cmpint (run (f, "customer", "edit", id, "--colour", "red"), ==, 2);

  g_assert_cmpint (run (f, "customer", "delete", id), ==, 0);
  g_assert_cmpint (run (f, "customer", "show", id), ==, 6);
  g_assert_cmpuint (strlen (f->err), >, 0);
  g_assert_cmpint (run (f, "customer", "show", "abc"), ==, 2);
}

static void
test_list (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonNode) root = NULL;

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("列表测试公司%d", i);

      g_assert_cmpint (run (f, "customer", "add", "--name", name), ==, 0);
    }
  g_assert_cmpint (run (f, "--json", "customer", "list", "--limit", "2"), ==, 0);
  root = crm_test_parse_json (f->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 2);
  g_assert_cmpint (run (f, "customer", "list", "--all", "--sort", "name", "--desc"), ==, 0);
  g_assert_nonnull (strstr (f->out, "列表测试公司2"));
  g_assert_cmpint (run (f, "customer", "list", "--limit", "0"), ==, 2);

  /* Filters reach the server: only the customer of that region. */
  {
    g_autoptr(JsonNode) filtered = NULL;
    JsonArray *rows;

    g_assert_cmpint (run (f, "customer", "add", "--name", "过滤测试有限公司", "--region", "过滤测试区"), ==, 0);
    g_assert_cmpint (run (f, "--json", "customer", "list", "--filter", "region=过滤测试区"), ==, 0);
    filtered = crm_test_parse_json (f->out);
    rows = json_node_get_array (filtered);
    g_assert_cmpuint (json_array_get_length (rows), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "name"), ==,
                     "过滤测试有限公司");
    g_assert_cmpint (run (f, "customer", "list", "--filter", "region"), ==, 2);
  }
}

static void
test_call (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) got = NULL;
  g_autofree char *get_arg = NULL;
  JsonArray *pair;

  g_assert_cmpint (run (f, "--json", "call", "customer.create",
                        "(@key, {'name': <'上海调用测试有限公司'>, 'phones': <['021-55551234']>})"), ==, 0);
  created = crm_test_parse_json (f->out);
  pair = json_node_get_array (created);
  g_assert_cmpuint (json_array_get_length (pair), ==, 2);

  get_arg = g_strdup_printf ("(%" G_GINT64_FORMAT ",)", json_array_get_int_element (pair, 0));
  g_assert_cmpint (run (f, "--json", "call", "customer.get", get_arg), ==, 0);
  got = crm_test_parse_json (f->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (got), "name"), ==,
                   "上海调用测试有限公司");

  /* GVariant text output. */
  g_assert_cmpint (run (f, "call", "customer.get", get_arg), ==, 0);
  g_assert_nonnull (strstr (f->out, "'name': <'上海调用测试有限公司'>"));

  /* The same idempotency key twice: applied once, the same reply twice. */
  {
    const char *text = "('crmctl-test-key-0001', {'name': <'重试测试有限公司'>})";
    g_autofree char *first = NULL;

    g_assert_cmpint (run (f, "call", "customer.create", text), ==, 0);
    first = g_strdup (f->out);
    g_assert_cmpint (run (f, "call", "customer.create", text), ==, 0);
    g_assert_cmpstr (f->out, ==, first);
  }

  /* Wrong type, unknown message, missing key: usage errors, nothing sent. */
  g_assert_cmpint (run (f, "call", "customer.get", "('one',)"), ==, 2);
  g_assert_nonnull (strstr (f->err, "(x)"));
  g_assert_cmpint (run (f, "call", "customer.explode", "()"), ==, 2);
  g_assert_cmpint (run (f, "call", "customer.create", "('short', {'name': <'x'>})"), ==, 2);

  /* --json errors are JSON too, with the stable code. */
  g_assert_cmpint (run (f, "--json", "call", "customer.get", "(999999999,)"), ==, 6);
  {
    g_autoptr(JsonNode) err = crm_test_parse_json (f->err);
    JsonObject *e = json_object_get_object_member (json_node_get_object (err), "error");

    g_assert_cmpstr (json_object_get_string_member (e, "code"), ==, "not-found");
  }
}

static const char good_csv[] =
  "\xEF\xBB\xBF客户名称,简称,分类,行业,电话,邮编,备注\r\n"
  "杭州导入测试一号有限公司,导入一号,A类,制造业,0571-88881111,310000,\"多行\n备注\"\r\n"
  "杭州导入测试二号有限公司,导入二号,B类,零售,13900001111、13900002222,310001,\"带,逗号\"\r\n"
  "杭州导入测试三号有限公司,,C类,,,,\r\n";

static void
test_import_export (Fixture *f, gconstpointer data)
{
  g_autofree char *bad = g_build_filename (f->h->home, "bad.csv", NULL);
  g_autofree char *good = g_build_filename (f->h->home, "good.csv", NULL);
  g_autofree char *gbk = g_build_filename (f->h->home, "gbk.csv", NULL);
  g_autofree char *exported = g_build_filename (f->h->home, "export.csv", NULL);
  g_autofree char *gbk_data = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gsize gbk_len = 0, length;
  gint64 before;
  guint matched = 0;

  before = customer_count (f);

  /* Line 3 has a bad phone, line 4 no name: nothing at all is imported,
   * and both lines are named. */
  g_file_set_contents (bad, "客户名称,电话\n"
                            "宁波好公司,0574-87654321\n"
                            "宁波坏电话公司,abc\n"
                            ",13800138000\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "import", bad), ==, 8);
  g_assert_nonnull (strstr (f->err, "Line 3"));
  g_assert_nonnull (strstr (f->err, "Line 4"));
  g_assert_null (strstr (f->err, "Line 2"));
  g_assert_cmpint (customer_count (f), ==, before);

  g_file_set_contents (good, good_csv, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "import", good), ==, 0);
  g_assert_cmpint (customer_count (f), ==, before + 3);

  /* The same kind of file as Excel saves it on Chinese Windows. */
  gbk_data = g_convert ("客户名称,电话\n苏州国标编码有限公司,0512-66667777\n", -1,
                        "GB18030", "UTF-8", NULL, &gbk_len, &error);
  g_assert_no_error (error);
  g_file_set_contents (gbk, gbk_data, gbk_len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "import", gbk), ==, 0);
  g_assert_cmpint (customer_count (f), ==, before + 4);

  g_assert_cmpint (run (f, "customer", "export", exported), ==, 0);
  g_file_get_contents (exported, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF客户名称,简称,"));
  records = crmctl_csv_parse (contents + 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (records->len - 1, ==, customer_count (f));

  for (guint i = 1; i < records->len; i++)
    {
      CrmctlCsvRecord *r = records->pdata[i];

      /* Columns: 客户名称 简称 分类 行业 来源 地区 价值 电话 地址 邮编 备注 */
      g_assert_cmpuint (r->n_cells, ==, 11);
      if (strcmp (r->cells[0], "杭州导入测试一号有限公司") == 0)
        {
          g_assert_cmpstr (r->cells[1], ==, "导入一号");
          g_assert_cmpstr (r->cells[2], ==, "A类");
          g_assert_cmpstr (r->cells[7], ==, "0571-88881111");
          g_assert_cmpstr (r->cells[9], ==, "310000");
          g_assert_cmpstr (r->cells[10], ==, "多行\n备注");
          matched++;
        }
      else if (strcmp (r->cells[0], "杭州导入测试二号有限公司") == 0)
        {
          g_assert_cmpstr (r->cells[7], ==, "13900001111、13900002222");
          g_assert_cmpstr (r->cells[10], ==, "带,逗号");
          matched++;
        }
      else if (strcmp (r->cells[0], "苏州国标编码有限公司") == 0)
        {
          g_assert_cmpstr (r->cells[7], ==, "0512-66667777");
          matched++;
        }
    }
  g_assert_cmpuint (matched, ==, 3);
}

/* Creates a custom field of customers through `crmctl call`; returns its id. */
static gint64
add_custom_field (Fixture *f, const char *key, const char *label, const char *type,
                  const char *choices)
{
  g_autofree char *extra = choices ? g_strdup_printf (", 'choices': <%s>", choices) : g_strdup ("");
  g_autofree char *arg = g_strdup_printf ("(@key, {'entity': <'customer'>, 'key': <'%s'>,"
                                          " 'label': <'%s'>, 'type': <'%s'>%s})",
                                          key, label, type, extra);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpint (run (f, "--json", "call", "custom_field.save", arg), ==, 0);
  reply = crm_test_parse_json (f->out);
  return json_array_get_int_element (json_node_get_array (reply), 0);
}

static void
retire_custom_field (Fixture *f, gint64 id)
{
  g_autofree char *arg = g_strdup_printf ("(@key, %" G_GINT64_FORMAT ")", id);

  g_assert_cmpint (run (f, "call", "custom_field.retire", arg), ==, 0);
}

/* Custom fields (issue 4) are CSV columns headed by their label, both ways:
 * imported by label, exported with every active field, and a file
 * exported imports back to the same values. */
static void
test_import_export_custom (Fixture *f, gconstpointer data)
{
  g_autofree char *in = g_build_filename (f->h->home, "custom.csv", NULL);
  g_autofree char *bad = g_build_filename (f->h->home, "custom-bad.csv", NULL);
  g_autofree char *exported = g_build_filename (f->h->home, "custom-export.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  CrmctlCsvRecord *header;
  gint64 level, interests, budget, before;
  int c_level = -1, c_interests = -1, c_budget = -1;
  guint matched = 0;

  level = add_custom_field (f, "cli_level", "客户等级", "choice", "['金牌', '银牌']");
  interests = add_custom_field (f, "cli_interests", "关注渠道", "multi_choice", "['展会', '网络', '电话']");
  budget = add_custom_field (f, "cli_budget", "年采购额", "money", NULL);
  before = customer_count (f);

  /* A value that is not one of the choices: nothing is imported. */
  g_file_set_contents (bad, "客户名称,客户等级\n嘉兴自定义坏值公司,铜牌\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "import", bad), !=, 0);
  g_assert_cmpint (customer_count (f), ==, before);

  g_file_set_contents (in,
                       "客户名称,客户等级,关注渠道,年采购额,无此列\n"
                       "嘉兴自定义字段一号公司,金牌,展会、网络,12345.60,x\n"
                       "嘉兴自定义字段二号公司,银牌,电话,,y\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "import", in), ==, 0);
  g_assert_nonnull (strstr (f->err, "无此列"));
  g_assert_cmpint (customer_count (f), ==, before + 2);

  g_assert_cmpint (run (f, "customer", "export", exported), ==, 0);
  g_file_get_contents (exported, &contents, NULL, &error);
  g_assert_no_error (error);
  records = crmctl_csv_parse (contents + 3, &error);
  g_assert_no_error (error);
  header = records->pdata[0];
  for (guint c = 0; c < header->n_cells; c++)
    {
      if (strcmp (header->cells[c], "客户等级") == 0)
        c_level = c;
      else if (strcmp (header->cells[c], "关注渠道") == 0)
        c_interests = c;
      else if (strcmp (header->cells[c], "年采购额") == 0)
        c_budget = c;
    }
  g_assert_cmpint (c_level, >=, 11);
  g_assert_cmpint (c_interests, >=, 11);
  g_assert_cmpint (c_budget, >=, 11);
  for (guint i = 1; i < records->len; i++)
    {
      CrmctlCsvRecord *r = records->pdata[i];

      g_assert_cmpuint (r->n_cells, ==, header->n_cells);
      if (strcmp (r->cells[0], "嘉兴自定义字段一号公司") == 0)
        {
          g_assert_cmpstr (r->cells[c_level], ==, "金牌");
          g_assert_cmpstr (r->cells[c_interests], ==, "展会、网络");
          g_assert_cmpstr (r->cells[c_budget], ==, "12345.60");
          matched++;
        }
      else if (strcmp (r->cells[0], "嘉兴自定义字段二号公司") == 0)
        {
          g_assert_cmpstr (r->cells[c_level], ==, "银牌");
          g_assert_cmpstr (r->cells[c_interests], ==, "电话");
          g_assert_cmpstr (r->cells[c_budget], ==, "");
          matched++;
        }
    }
  g_assert_cmpuint (matched, ==, 2);

  /* A retired field leaves the export. */
  retire_custom_field (f, budget);
  g_assert_cmpint (run (f, "customer", "export", exported), ==, 0);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (exported, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (contents, "年采购额"));
  g_assert_nonnull (strstr (contents, "客户等级"));
  retire_custom_field (f, level);
  retire_custom_field (f, interests);
}

/* More rows than one request carries: several batches in flight at once,
 * and a bad row in the last batch still stops the whole file. */
static void
test_import_batches (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->h->home, "many.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("客户名称,电话\r\n");
  g_autoptr(GError) error = NULL;
  const guint n = 12000;
  gint64 before = customer_count (f);

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (csv, "批量导入测试有限公司%05u,139%08u\r\n", i, i);
  /* Line n + 1 is the last data row: make it bad. */
  g_string_append (csv, "批量导入坏行有限公司,not-a-phone\r\n");
  g_file_set_contents (path, csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "import", path), ==, 8);
  g_assert_nonnull (strstr (f->err, "Line 12002"));
  g_assert_cmpint (customer_count (f), ==, before);

  /* Without the bad row: every row, across several batches. */
  g_string_truncate (csv, csv->len - strlen ("批量导入坏行有限公司,not-a-phone\r\n"));
  g_file_set_contents (path, csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "import", path), ==, 0);
  g_assert_cmpint (customer_count (f), ==, before + n);
}

/* The database stops while batches are in flight: crmctl connects again
 * and sends every unconfirmed batch once more under its idempotency key,
 * so each row is stored exactly once. */
static void
test_import_database_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->h->home, "restart.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("客户名称,电话,备注\r\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const guint n = 40000;
  gint64 before = customer_count (f);
  gint64 now;
  gint64 restarted_at = -1;

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (csv, "断线重传测试有限公司%05u,138%08u,重传\r\n", i, i);
  g_file_set_contents (path, csv->str, csv->len, &error);
  g_assert_no_error (error);

  /* Once the first batch is stored, restart PostgreSQL under the server. */
  now = start_import (f, path, before, &proc);
  if (now < before + n)
    {
      /* Down for a moment (requests in flight fail), then started again
       * (pg_ctl restart starts a stopped cluster). */
      restarted_at = now - before;
      g_assert_true (crm_test_server_stop_database (server, &error));
      g_assert_no_error (error);
      g_usleep (G_USEC_PER_SEC);
      g_assert_true (crm_test_server_restart_database (server, &error));
      g_assert_no_error (error);
    }
  g_subprocess_communicate_utf8 (proc, "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("restarted after %" G_GINT64_FORMAT " rows; crmctl said:\n%s%s",
                restarted_at, out, err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  /* Exactly n more: a batch stored twice would show here. */
  g_assert_cmpint (customer_count (f), ==, before + n);
}

/* A free TCP port on 127.0.0.1 (bound, read, released). */
static guint16
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (sock);
  g_assert_true (g_socket_bind (sock, any, TRUE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The server is killed (SIGKILL) while batches are in flight and started
 * again on the same port: crmctl connects again, resumes its session and
 * sends the unconfirmed batches under their keys.  Batches the dead server
 * had committed are answered from the idempotency record, the others are
 * stored now: every row exactly once. */
static void
test_import_server_killed (Fixture *f, gconstpointer data)
{
  guint16 port = free_port ();
  g_autofree char *extra = g_strdup_printf ("--port %u", port);
  g_autoptr(CrmTestServer) own = NULL;
  g_autofree char *server_arg = g_strdup_printf ("localhost:%u", port);
  g_autofree char *path = g_build_filename (f->h->home, "killed.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("客户名称,电话\r\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const guint n = 40000;
  gint64 before, now;
  gboolean killed = FALSE;

  own = crm_test_server_start (extra, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (crm_test_server_get_port (own), ==, port);
  g_file_set_contents (f->h->password_file, crm_test_server_get_admin_password (own), -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "--server", server_arg, "--trust-new-server", "--user", "admin",
                        "--password-file", f->h->password_file, "login"), ==, 0);
  before = customer_count (f);

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (csv, "断线续传测试有限公司%05u,137%08u\r\n", i, i);
  g_file_set_contents (path, csv->str, csv->len, &error);
  g_assert_no_error (error);

  now = start_import (f, path, before, &proc);
  if (now < before + n)
    {
      crm_test_server_kill (own, SIGKILL);
      g_assert_true (crm_test_server_restart (own, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (crm_test_server_get_port (own), ==, port);
      killed = TRUE;
    }
  g_subprocess_communicate_utf8 (proc, "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("killed after %" G_GINT64_FORMAT " rows: %d; crmctl said:\n%s%s",
                now - before, killed, out, err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  if (killed)
    g_assert_nonnull (strstr (err, "sending"));
  g_assert_cmpint (customer_count (f), ==, before + n);
}

static void
test_sessions (Fixture *f, gconstpointer data)
{
  g_autofree char *session = g_build_filename (f->h->home, "state", "jinke-crm", "crmctl.session", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  /* Never signed in. */
  g_assert_cmpint (run (f, "--server", f->h->server_arg, "--trust-new-server", "whoami"), ==, 4);
  g_assert_nonnull (strstr (f->err, "crmctl login"));

  /* A token the server does not know (expired, or ended elsewhere). */
  login (f);
  g_key_file_load_from_file (keys, session, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_key_file_set_string (keys, "session", "token", "0000000000000000000000000000000000000000000");
  g_key_file_save_to_file (keys, session, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, "customer", "list"), ==, 4);
  g_assert_nonnull (strstr (f->err, "expired"));

  /* Logout ends the session on the server and locally. */
  login (f);
  g_assert_cmpint (run (f, "logout"), ==, 0);
  g_assert_false (g_file_test (session, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run (f, "whoami"), ==, 4);
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run (f, "--help"), ==, 0);
  g_assert_nonnull (strstr (f->out, "Exit status"));
  g_assert_cmpint (run (f, "frobnicate"), ==, 2);
  g_assert_cmpint (run (f, "customer", "import"), ==, 2);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  server = crm_test_server_start (NULL, &error);
  g_assert_no_error (error);

#define ADD(path, fn, signed_in) \
  g_test_add (path, Fixture, (signed_in) ? "" : NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/crmctl/cli/usage", test_usage, FALSE);
  ADD ("/crmctl/cli/login-whoami", test_login_whoami, FALSE);
  ADD ("/crmctl/cli/wrong-password", test_wrong_password, FALSE);
  ADD ("/crmctl/cli/password-stdin", test_password_from_stdin, FALSE);
  ADD ("/crmctl/cli/unknown-certificate", test_unknown_certificate, FALSE);
  ADD ("/crmctl/cli/sessions", test_sessions, FALSE);
  ADD ("/crmctl/cli/customer-crud", test_customer_crud, TRUE);
  ADD ("/crmctl/cli/list", test_list, TRUE);
  ADD ("/crmctl/cli/call", test_call, TRUE);
  ADD ("/crmctl/cli/import-export", test_import_export, TRUE);
  ADD ("/crmctl/cli/import-export-custom", test_import_export_custom, TRUE);
  ADD ("/crmctl/cli/import-batches", test_import_batches, TRUE);
  ADD ("/crmctl/cli/import-database-restart", test_import_database_restart, TRUE);
  ADD ("/crmctl/cli/import-server-killed", test_import_server_killed, FALSE);
#undef ADD

  status = g_test_run ();
  crm_test_server_stop (server);
  return status;
}
