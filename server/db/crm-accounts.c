/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-accounts"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-db-private.h"
#include "crm-modules.h"
#include "customers/crm-customer-fields.h"
#include "crm-demo.h"

#define DEMO_PASSWORD "demo1234"
#define DEMO_SEED 20261127

static gboolean
exec_ok (PGconn *conn, PGresult *res, GError **error)
{
  ExecStatusType st = PQresultStatus (res);

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    {
      PQclear (res);
      return TRUE;
    }
  g_propagate_error (error, crm_db_error_from_result (conn, res));
  PQclear (res);
  return FALSE;
}

char *
crm_accounts_create_admin (const char *conninfo, const char *login, GError **error)
{
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  gsize len = login ? strlen (login) : 0;

  if (len == 0 || len > 64 || strspn (login, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                   _("The login may use only letters, digits, “.”, “_” and “-” (at most 64)"));
      return NULL;
    }
  conn = crm_db_connect (conninfo, error);
  if (conn == NULL)
    return NULL;
  password = crm_password_generate (16);
  hash = password ? crm_password_hash (password) : NULL;
  if (hash == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("Cannot hash the password"));
      return NULL;
    }
  {
    const char *params[] = { login, hash };
    if (!exec_ok (conn, PQexec (conn, "BEGIN"), error) ||
        !exec_ok (conn, PQexecParams (conn,
                  "WITH u AS (INSERT INTO users (login, display_name, password_hash)"
                  "  VALUES ($1, $1, $2) ON CONFLICT (login) DO UPDATE SET"
                  "  password_hash = $2, disabled = false, failed_logins = 0,"
                  "  locked_until = NULL RETURNING id)"
                  " INSERT INTO user_roles (user_id, role_id)"
                  " SELECT u.id, r.id FROM u, roles r WHERE r.name = 'administrator'"
                  " ON CONFLICT DO NOTHING", 2, NULL, params, NULL, NULL, 0), error) ||
        !exec_ok (conn, PQexecParams (conn,
                  "INSERT INTO audit_log (action, entity, entity_id, after)"
                  " SELECT 'create_admin', 'user', id, jsonb_build_object ('login', login)"
                  " FROM users WHERE login = $1", 1, NULL, params, NULL, NULL, 0), error) ||
        !exec_ok (conn, PQexec (conn, "COMMIT"), error))
      return NULL;
  }
  return g_steal_pointer (&password);
}

/* ---- Demo data ---- */

typedef struct {
  const char *login;
  const char *display_name;
  const char *department;  /* name */
  const char *leader;      /* login */
  const char *role;
} DemoUser;

static const DemoUser demo_users[] = {
  { "manager", "张经理", "销售部",   NULL,      "department_manager" },
  { "lead1",   "李组长", "销售一部", "manager", "team_lead" },
  { "lead2",   "王组长", "销售二部", "manager", "team_lead" },
  { "sales1",  "赵小明", "销售一部", "lead1",   "salesperson" },
  { "sales2",  "钱小红", "销售一部", "lead1",   "salesperson" },
  { "sales3",  "孙小刚", "销售一部", "lead1",   "salesperson" },
  { "sales4",  "周小丽", "销售二部", "lead2",   "salesperson" },
  { "sales5",  "吴小军", "销售二部", "lead2",   "salesperson" },
  { "sales6",  "郑小芳", "销售二部", "lead2",   "salesperson" },
};

static void
copy_escape (GString *out, const char *text)
{
  for (const char *p = text; *p; p++)
    switch (*p)
      {
      case '\\': g_string_append (out, "\\\\"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      default:   g_string_append_c (out, *p);
      }
}

static gboolean
demo_users_create (PGconn *conn, gint64 owners[6], gint64 *admin_like, GError **error)
{
  g_autofree char *hash = crm_password_hash (DEMO_PASSWORD);
  g_autoptr(PGresult) top = NULL;
  const char *top_params[] = { "销售部" };

  if (hash == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL, _("Cannot hash the password"));
      return FALSE;
    }
  if (!exec_ok (conn, PQexecParams (conn,
                "INSERT INTO departments (name) SELECT $1 WHERE NOT EXISTS"
                " (SELECT 1 FROM departments WHERE name = $1 AND parent_id IS NULL)",
                1, NULL, top_params, NULL, NULL, 0), error))
    return FALSE;
  for (guint i = 1; i <= 2; i++)
    {
      const char *params[] = { i == 1 ? "销售一部" : "销售二部", "销售部" };
      if (!exec_ok (conn, PQexecParams (conn,
                    "INSERT INTO departments (name, parent_id)"
                    " SELECT $1, p.id FROM departments p WHERE p.name = $2 AND p.parent_id IS NULL"
                    " AND NOT EXISTS (SELECT 1 FROM departments d WHERE d.name = $1"
                    "  AND d.parent_id = p.id)", 2, NULL, params, NULL, NULL, 0), error))
        return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    {
      const DemoUser *u = &demo_users[i];
      const char *params[] = { u->login, u->display_name, hash, u->department, u->leader, u->role };
      PGresult *res = PQexecParams (conn,
          "WITH ins AS (INSERT INTO users (login, display_name, password_hash, department_id, leader_id)"
          "  SELECT $1, $2, $3, (SELECT id FROM departments WHERE name = $4 ORDER BY id LIMIT 1),"
          "  (SELECT id FROM users WHERE login = $5)"
          "  ON CONFLICT (login) DO UPDATE SET display_name = excluded.display_name RETURNING id),"
          " r AS (INSERT INTO user_roles (user_id, role_id)"
          "  SELECT ins.id, roles.id FROM ins, roles WHERE roles.name = $6 ON CONFLICT DO NOTHING)"
          " SELECT id FROM ins", 6, NULL, params, NULL, NULL, 0);

      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return exec_ok (conn, res, error);
      if (i >= 3)
        owners[i - 3] = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
      else if (i == 0)
        *admin_like = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
      PQclear (res);
    }
  return TRUE;
}

gboolean
crm_demo_load_if_empty (const char *conninfo, guint n_customers, GError **error)
{
  g_autoptr(PGconn) conn = crm_db_connect (conninfo, error);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(CrmDemoGenerator) gen = NULL;
  g_autoptr(GString) buf = NULL;
  g_autofree char *count = g_strdup_printf ("%u", n_customers);
  gint64 owners[6] = { 0 };
  gint64 manager = 0;
  gint64 first;
  char day[16];

  if (conn == NULL)
    return FALSE;
  if (!exec_ok (conn, PQexec (conn, "BEGIN"), error) ||
      !exec_ok (conn, PQexec (conn, "SELECT pg_advisory_xact_lock (7151960264)"), error))
    return FALSE;
  res = PQexec (conn, "SELECT EXISTS (SELECT 1 FROM customers)");
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    return exec_ok (conn, g_steal_pointer (&res), error);
  if (PQgetvalue (res, 0, 0)[0] == 't')
    {
      PQclear (PQexec (conn, "ROLLBACK"));
      return TRUE;
    }
  g_clear_pointer (&res, PQclear);
  if (!demo_users_create (conn, owners, &manager, error))
    return FALSE;
  if (n_customers == 0)
    return exec_ok (conn, PQexec (conn, "COMMIT"), error);

  {
    const char *params[] = { count };
    res = PQexecParams (conn,
                        "INSERT INTO customer_code_counters AS k (day, last) VALUES (current_date, $1)"
                        " ON CONFLICT (day) DO UPDATE SET last = k.last + $1"
                        " RETURNING to_char (day, 'YYYYMMDD'), last", 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
      return exec_ok (conn, g_steal_pointer (&res), error);
    g_strlcpy (day, PQgetvalue (res, 0, 0), sizeof day);
    first = g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10) - n_customers + 1;
    g_clear_pointer (&res, PQclear);
  }

  res = PQexec (conn, "COPY customers (code, name, short_name, category, industry, source,"
                      " region, value, phones, address, postal_code, notes, owner_id, created_by,"
                      " name_pinyin, name_initials, phone_digits, search_bigrams) FROM STDIN");
  if (PQresultStatus (res) != PGRES_COPY_IN)
    return exec_ok (conn, g_steal_pointer (&res), error);
  g_clear_pointer (&res, PQclear);

  gen = crm_demo_generator_new (DEMO_SEED);
  buf = g_string_sized_new (1 << 20);
  for (guint i = 0; i < n_customers; i++)
    {
      g_auto(CrmDemoCustomer) c = { 0 };
      CrmCustomerFields f = { 0 };
      CrmCustomerDerived der = { 0 };
      g_autofree char *code = NULL;
      g_autofree char *phones = NULL;
      const char *texts[CF_N_TEXT];
      gint64 owner;

      crm_demo_generator_next (gen, &c);
      texts[CF_NAME] = c.name;
      texts[CF_SHORT_NAME] = c.short_name;
      texts[CF_CATEGORY] = c.category;
      texts[CF_INDUSTRY] = c.industry;
      texts[CF_SOURCE] = c.source;
      texts[CF_REGION] = c.region;
      texts[CF_VALUE] = c.value;
      texts[CF_ADDRESS] = c.address;
      texts[CF_POSTAL_CODE] = c.postal_code;
      texts[CF_NOTES] = c.notes ? c.notes : "";
      for (guint k = 0; k < CF_N_TEXT; k++)
        f.text[k] = (char *) (texts[k] ? texts[k] : "");
      f.phones = c.phones;
      crm_customer_derive (&f, &der);
      code = g_strdup_printf ("KH-%s-%04" G_GINT64_FORMAT, day, first + i);
      phones = crm_db_text_array ((const char * const *) c.phones, -1);
      owner = owners[i % G_N_ELEMENTS (owners)];

      copy_escape (buf, code);
      for (guint k = CF_NAME; k <= CF_VALUE; k++)
        {
          g_string_append_c (buf, '\t');
          copy_escape (buf, f.text[k]);
        }
      g_string_append_c (buf, '\t');
      copy_escape (buf, phones);
      for (guint k = CF_ADDRESS; k <= CF_NOTES; k++)
        {
          g_string_append_c (buf, '\t');
          copy_escape (buf, f.text[k]);
        }
      g_string_append_printf (buf, "\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t",
                              owner, manager);
      copy_escape (buf, der.pinyin);
      g_string_append_c (buf, '\t');
      copy_escape (buf, der.initials);
      g_string_append_c (buf, '\t');
      copy_escape (buf, der.phone_digits);
      g_string_append_c (buf, '\t');
      copy_escape (buf, der.bigrams);
      g_string_append_c (buf, '\n');
      crm_customer_derived_clear (&der);

      if (buf->len >= (1 << 20) || i + 1 == n_customers)
        {
          if (PQputCopyData (conn, buf->str, (int) buf->len) != 1)
            {
              g_set_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE, "%s", PQerrorMessage (conn));
              return FALSE;
            }
          g_string_truncate (buf, 0);
        }
    }
  if (PQputCopyEnd (conn, NULL) != 1)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_UNAVAILABLE, "%s", PQerrorMessage (conn));
      return FALSE;
    }
  res = PQgetResult (conn);
  if (!exec_ok (conn, g_steal_pointer (&res), error))
    return FALSE;
  while ((res = PQgetResult (conn)) != NULL)
    g_clear_pointer (&res, PQclear);
  if (!exec_ok (conn, PQexec (conn, "COMMIT"), error) ||
      !exec_ok (conn, PQexec (conn, "ANALYZE customers"), error))
    return FALSE;
  g_message ("loaded %u demo customers; demo logins manager, lead1, lead2, sales1…sales6"
             " (password " DEMO_PASSWORD ")", n_customers);
  return TRUE;
}
