/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include "crm-test-crmctl.h"
#include "crm-test-server.h"

/*
 * crmctl contact list|add|edit|delete and followup list|add, the real
 * binary against a real crm-server, as a script would run them.
 */

static CrmTestServer     *server;
static CrmTestCrmctlHome *crmctl;
static char              *out;
static char              *err;

#define run(...) crm_test_crmctl_home_run (crmctl, NULL, &out, &err, (const char *[]) { __VA_ARGS__, NULL })

static char *
json_id (void)
{
  g_autoptr(JsonNode) root = crm_test_parse_json (out);

  return g_strdup_printf ("%" G_GINT64_FORMAT,
                          json_object_get_int_member (json_node_get_object (root), "id"));
}

static void
test_contacts_and_followups (void)
{
  g_autofree char *customer = NULL;
  g_autofree char *contact = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) timeline = NULL;
  JsonObject *first;

  g_assert_cmpint (run ("--json", "customer", "add", "--name", "厦门鹭岛茶业有限公司"), ==, 0);
  customer = json_id ();

  /* Add, list (human and JSON), edit. */
  g_assert_cmpint (run ("--json", "contact", "add", customer, "--name", "陈美玲", "--title", "店长",
                        "--mobile", "13859001234", "--phone", "0592-5123456", "--primary"), ==, 0);
  contact = json_id ();
  g_assert_cmpint (run ("contact", "list", customer), ==, 0);
  g_assert_nonnull (strstr (out, "陈美玲"));
  g_assert_nonnull (strstr (out, "0592-5123456"));
  g_assert_cmpint (run ("contact", "edit", contact, "--wechat", "chen_meiling", "--birthday", "1990-07-01"), ==, 0);
  g_assert_cmpint (run ("--json", "contact", "list", customer), ==, 0);
  list = crm_test_parse_json (out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  first = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "wechat"), ==, "chen_meiling");
  g_assert_cmpstr (json_object_get_string_member (first, "birthday"), ==, "1990-07-01");
  g_assert_true (json_object_get_boolean_member (first, "is_primary"));

  /* Follow-ups: newest first. */
  g_assert_cmpint (run ("followup", "add", customer, "--content", "电话沟通秋茶报价", "--contact", contact,
                        "--next", "2030-09-01"), ==, 0);
  g_assert_cmpint (run ("followup", "add", customer, "--method", "visit", "--content", "到店品鉴"), ==, 0);
  g_assert_cmpint (run ("--json", "followup", "list", customer, "--all"), ==, 0);
  timeline = crm_test_parse_json (out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (timeline)), ==, 2);
  first = json_array_get_object_element (json_node_get_array (timeline), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "content"), ==, "到店品鉴");
  g_assert_cmpstr (json_object_get_string_member (first, "method"), ==, "visit");
  first = json_array_get_object_element (json_node_get_array (timeline), 1);
  g_assert_cmpstr (json_object_get_string_member (first, "contact_name"), ==, "陈美玲");
  g_assert_cmpint (run ("followup", "list", customer, "--limit", "1"), ==, 0);
  g_assert_nonnull (strstr (out, "到店品鉴"));
  g_assert_null (strstr (out, "秋茶"));

  /* Refused input: exit statuses as documented. */
  g_assert_cmpint (run ("contact", "add", customer, "--name", "错误", "--email", "not-an-address"), ==, 8);
  g_assert_cmpint (run ("contact", "add", customer, "--name", "错误", "--colour", "red"), ==, 2);
  g_assert_cmpint (run ("contact", "add", "abc", "--name", "错误"), ==, 2);
  g_assert_cmpint (run ("contact", "add", customer), ==, 2);
  g_assert_cmpint (run ("followup", "add", customer, "--method", "fax", "--content", "x"), ==, 8);
  g_assert_cmpint (run ("followup", "list", customer, "--limit", "0"), ==, 2);
  g_assert_cmpint (run ("contact", "list", "999999"), ==, 6);

  /* Delete: gone from the list; a second delete finds nothing. */
  g_assert_cmpint (run ("contact", "delete", contact), ==, 0);
  g_assert_cmpint (run ("--json", "contact", "list", customer), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "[]");
  g_assert_cmpint (run ("contact", "delete", contact), ==, 6);
}

/* The first line of `text` (a human table's header), newly allocated. */
static char *
first_line (const char *text)
{
  const char *end = strchr (text, '\n');

  return end != NULL ? g_strndup (text, (gsize) (end - text)) : g_strdup (text);
}

/* The line of `text` whose first cell is `label`, newly allocated, or NULL. */
static char *
line_starting_with (const char *text, const char *label)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (gsize i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (g_strchug (lines[i]), label))
      return g_strdup (lines[i]);
  return NULL;
}

/* A person's name reads 姓名 in Chinese (C_("person", "Name")), not the
 * customer's 客户名称 nor the record's 名称: the contact table's header and
 * whoami's row.  Customers keep 客户名称. */
static void
test_contacts_person_name_zh_cn (void)
{
  g_autofree char *customer = NULL;
  g_autofree char *header = NULL;
  g_autofree char *row = NULL;

  g_assert_cmpint (run ("--json", "customer", "add", "--name", "泉州安溪铁观音茶厂"), ==, 0);
  customer = json_id ();
  g_assert_cmpint (run ("contact", "add", customer, "--name", "林志强", "--mobile", "13905951234"), ==, 0);

  g_assert_cmpint (run ("--locale", "zh_CN", "contact", "list", customer), ==, 0);
  g_assert_nonnull (strstr (out, "林志强"));
  header = first_line (out);
  g_test_message ("contact list header: %s", header);
  g_assert_nonnull (strstr (header, "姓名"));
  g_assert_null (strstr (header, "客户名称"));
  g_assert_null (strstr (header, "名称"));
  g_assert_null (strstr (header, "Name"));

  g_assert_cmpint (run ("--locale", "zh_CN", "whoami"), ==, 0);
  row = line_starting_with (out, "姓名");
  g_assert_nonnull (row);
  g_assert_null (strstr (out, "客户名称"));

  g_clear_pointer (&header, g_free);
  g_assert_cmpint (run ("--locale", "zh_CN", "customer", "list"), ==, 0);
  header = first_line (out);
  g_assert_nonnull (strstr (header, "客户名称"));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  /* --locale zh_CN reads this tree's catalogue (built from po/zh_CN.po),
   * never one an earlier install left in LOCALEDIR. */
  g_setenv ("CRM_LOCALEDIR", BUILD_ROOT "/po", FALSE);
  g_test_init (&argc, &argv, NULL);
  server = crm_test_server_start (NULL, &error);
  g_assert_no_error (error);
  crmctl = crm_test_crmctl_home_new (server, "crmctl-contacts-XXXXXX");
  g_assert_cmpint (crm_test_crmctl_home_login (crmctl, &out, &err), ==, 0);

  g_test_add_func ("/crmctl/contacts/contacts-and-followups", test_contacts_and_followups);
  g_test_add_func ("/crmctl/contacts/person-name-zh-cn", test_contacts_person_name_zh_cn);
  status = g_test_run ();

  crm_test_server_stop (server);
  g_clear_pointer (&crmctl, crm_test_crmctl_home_free);
  g_free (out);
  g_free (err);
  return status;
}
