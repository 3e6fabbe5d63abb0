/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin"
#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "admin-test-util.h"

CrmTestServer *
admin_test_server (void)
{
  return crm_test_server_get_shared ("--demo-data 60");
}

CrmConnection *
admin_test_connect (const char *login, const char *password)
{
  return crm_test_server_connect_ok (admin_test_server (), login, password);
}

CrmConnection *
admin_test_connect_admin (void)
{
  return admin_test_connect ("admin", crm_test_server_get_admin_password (admin_test_server ()));
}

GVariant *
admin_call (CrmConnection *conn, guint id, GVariant *body)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply = crm_connection_call_sync (conn, id, body, NULL, &error);

  if (error != NULL)
    g_test_message ("%s failed: %s (field %s)", crm_message_lookup (id)->name, error->message,
                    crm_error_get_field (error));
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  return reply;
}

char *
admin_call_fails (CrmConnection *conn, guint id, GVariant *body, CrmErrorCode code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = crm_connection_call_sync (conn, id, body, NULL, &error);

  g_assert_null (reply);
  if (!g_error_matches (error, CRM_ERROR, (int)code))
    g_test_message ("%s: expected error %d, got %s", crm_message_lookup (id)->name, code,
                    error ? error->message : "success");
  g_assert_error (error, CRM_ERROR, (int)code);
  g_assert_cmpstr (error->message, !=, "");
  return g_strdup (crm_error_get_field (error));
}

char *
admin_call_expect (CrmConnection *conn, guint id, GVariant *body, CrmErrorCode fails_with)
{
  if (fails_with == 0)
    {
      g_variant_unref (admin_call (conn, id, body));
      return NULL;
    }
  return admin_call_fails (conn, id, body, fails_with);
}

GVariant *
admin_dict_new (const char *first_key, ...)
{
  g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  va_list ap;

  va_start (ap, first_key);
  for (const char *k = first_key; k != NULL; k = va_arg (ap, const char *))
    g_variant_dict_insert_value (&d, k, va_arg (ap, GVariant *));
  va_end (ap);
  return g_variant_dict_end (&d);
}

char *
admin_key (void)
{
  return crm_new_idempotency_key ();
}

gint64
admin_create_user (CrmConnection *admin, const char *login, const char *role, gint64 department_id,
                   gint64 leader_id)
{
  g_auto (GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  const char      *roles[] = { role, NULL };
  g_autofree char *key = admin_key ();
  g_autoptr (GVariant) reply = NULL;
  gint64 id;

  g_variant_dict_insert (&d, "login", "s", login);
  g_variant_dict_insert (&d, "display_name", "s", login);
  g_variant_dict_insert (&d, "password", "s", ADMIN_PASSWORD);
  g_variant_dict_insert (&d, "must_change_password", "b", FALSE);
  g_variant_dict_insert (&d, "roles", "^as", role ? roles : (const char *[]){ NULL });
  if (department_id)
    g_variant_dict_insert (&d, "department_id", "x", department_id);
  if (leader_id)
    g_variant_dict_insert (&d, "leader_id", "x", leader_id);
  reply = admin_call (admin, CRM_MSG_USER_CREATE,
                      g_variant_new ("(s@a{sv})", key, g_variant_dict_end (&d)));
  g_variant_get (reply, "(x)", &id);
  g_assert_cmpint (id, >, 0);
  return id;
}

gint64
admin_create_department (CrmConnection *admin, const char *name, gint64 parent_id)
{
  g_autofree char *key = admin_key ();
  g_autoptr (GVariant) reply = admin_call (admin, CRM_MSG_DEPARTMENT_CREATE,
                                           g_variant_new ("(ssx)", key, name, parent_id));
  gint64 id;

  g_variant_get (reply, "(x)", &id);
  return id;
}

gint64
admin_row_id (GVariant *rows, const char *key, const char *value)
{
  GVariantIter iter;
  GVariant    *row;

  g_variant_iter_init (&iter, rows);
  while ((row = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr (GVariant) owned = row;
      const char *v = NULL;
      gint64      id = 0;

      g_variant_lookup (row, key, "&s", &v);
      g_variant_lookup (row, "id", "x", &id);
      if (g_strcmp0 (v, value) == 0)
        return id;
    }
  return 0;
}

gint64
admin_user_id (CrmConnection *admin, const char *login)
{
  g_autoptr (GVariant) users = admin_call (admin, CRM_MSG_USER_LIST, NULL);
  gint64 id = admin_row_id (users, "login", login);

  if (id == 0)
    g_assert_not_reached ();
  return id;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
admin_wait_for (volatile guint *flag)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  /* Wakes the loop so the deadline is seen even when nothing arrives. */
  guint tick = g_timeout_add (100, tick_cb, NULL);

  while (*flag == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

char *
admin_db_query (const char *sql)
{
  g_autofree char *sockdir
      = g_build_filename (crm_test_server_get_data_dir (admin_test_server ()), "pg-socket", NULL);
  g_autofree char *conninfo = g_strdup_printf ("host='%s' port=5432 dbname=crm user=crm", sockdir);
  PGconn          *conn = PQconnectdb (conninfo);
  PGresult        *res;
  char            *value = NULL;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    g_test_message ("%s: %s", sql, PQresultErrorMessage (res));
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  if (PQntuples (res) > 0)
    value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  PQfinish (conn);
  return value;
}
