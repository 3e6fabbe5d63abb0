/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-error.h"
#include "crm-messages.h"
#include "crm-test-server.h"

G_BEGIN_DECLS

/* One server for the whole program, started with demo data (departments
 * 销售部 > 销售一部/销售二部, manager, lead1, lead2, sales1…6; password
 * demo1234). */
CrmTestServer *admin_test_server (void);
CrmConnection *admin_test_connect (const char *login, const char *password);
CrmConnection *admin_test_connect_admin (void);

/* Calls and asserts success; returns the reply. */
GVariant *admin_call (CrmConnection *conn, guint id, GVariant *body);
/* Calls and asserts failure with `code`; returns the field named. */
char *admin_call_fails (CrmConnection *conn, guint id, GVariant *body, CrmErrorCode code);
/* admin_call() when `fails_with` is 0 (the reply dropped; NULL returned),
 * else admin_call_fails() with `fails_with` (the field named returned). */
char *admin_call_expect (CrmConnection *conn, guint id, GVariant *body, CrmErrorCode fails_with);

char *admin_key (void); /* a fresh idempotency key */

/* An a{sv} (floating) of key, value pairs: a key (const char *) then its
 * value (a floating GVariant *), ending with NULL. */
GVariant *admin_dict_new (const char *first_key, ...) G_GNUC_NULL_TERMINATED;

/* user.create with a password and one role; no forced password change. */
gint64 admin_create_user (CrmConnection *admin, const char *login, const char *role,
                          gint64 department_id, gint64 leader_id);
gint64 admin_create_department (CrmConnection *admin, const char *name, gint64 parent_id);
gint64 admin_user_id (CrmConnection *admin, const char *login);
/* The "id" of the first row of the list `rows` (aa{sv}) whose string
 * `key` equals `value`; 0 when there is none. */
gint64 admin_row_id (GVariant *rows, const char *key, const char *value);

/* Iterates the main context until `*flag` is non-zero (30 s at most). */
void admin_wait_for (volatile guint *flag);

/* Reads the server's database directly (its embedded PostgreSQL's
 * socket): one text value of `sql`, for facts no message exposes. */
char *admin_db_query (const char *sql);

#define ADMIN_PASSWORD "secret-pass-1"

void admin_add_settings_tests (void);
void admin_add_matrix_tests (void);
void admin_add_recycle_tests (void);

G_END_DECLS
