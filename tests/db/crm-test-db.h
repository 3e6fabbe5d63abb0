/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-db-private.h"

G_BEGIN_DECLS

/*
 * One private PostgreSQL cluster per test program (started in main, torn
 * down at exit), migrated, with a worker pool.  Each test resets the data
 * and builds the same small organisation:
 *
 *   销售部 ─┬─ 一部: lead1 (team lead, leader manager), sa (salesperson, leader lead1)
 *           └─ 二部: sb (salesperson, leader manager)
 *   其他部:       sc (salesperson)
 *   manager: department manager of 销售部;  admin: administrator
 *
 * Every password is "secret-pass".
 */

#define TEST_PASSWORD "secret-pass"

typedef struct {
  char          *data_dir;
  CrmEmbeddedPg *pg;
  char          *conninfo;
  CrmDbPool     *pool;
  PGconn        *sql;      /* direct connection for setup and checks */
} CrmTestDb;

extern CrmTestDb *crm_test_db;

/* Call from main() after g_test_init; registers teardown at exit. */
void crm_test_db_start (void);
void crm_test_db_stop (void);

/* Empties every table but roles and recreates the organisation. */
void crm_test_db_reset (void);

/* The fixture of a test that starts from crm_test_db_reset (): declare it
 * `static void test_x (CrmTestDbFixture *f, gconstpointer data)` and add
 * it with crm_test_db_add (). */
typedef struct { int unused; } CrmTestDbFixture;
void crm_test_db_fixture_reset (CrmTestDbFixture *f, gconstpointer data);
#define crm_test_db_add(path, func) \
  g_test_add ((path), CrmTestDbFixture, NULL, crm_test_db_fixture_reset, (func), NULL)
/* The same with `teardown` (same signature as a test) run after the test,
 * for a program whose tests change something the reset does not restore. */
#define crm_test_db_add_full(path, func, teardown) \
  g_test_add ((path), CrmTestDbFixture, NULL, crm_test_db_fixture_reset, (func), (teardown))

/* Puts the role templates back as the migrations left them (truncating
 * users cascades to roles since migration 0092). */
void crm_test_db_restore_roles (void);

gint64 crm_test_db_user_id (const char *login);

/* Runs one message through the pool and waits for it. `session` may be
 * NULL (preauth).  A MUTATES request gets `key` (NULL = a fresh one) as its
 * idempotency key; the request must already contain it as first member. */
GVariant *crm_test_db_run (CrmSession  *session,
                           CrmMessageId id,
                           GVariant    *request,
                           const char  *key,
                           const char  *locale,
                           CrmRequestContext **ctx_out,
                           GError     **error);

/* A request context as crm_test_db_run makes one: `id`'s message,
 * `session` (may be NULL), locale "C", a loopback peer, a new request id
 * and, for a MUTATES message, `key` as idempotency key (NULL = a fresh
 * one).  For tests that put requests in flight themselves with
 * crm_db_pool_run_async (). */
CrmRequestContext *crm_test_db_context_new (CrmSession  *session,
                                            CrmMessageId id,
                                            const char  *key);

/* Signs `login` in with TEST_PASSWORD and returns the new session. */
CrmSession *crm_test_db_login (const char *login);
/* The same with another password (the demo users'); asserts it succeeds. */
CrmSession *crm_test_db_login_password (const char *login, const char *password);

/* A fresh idempotency key. */
char *crm_test_db_key (void);

/* Single-value query on the direct connection. */
char  *crm_test_db_query_string (const char *sql);
gint64 crm_test_db_query_int (const char *sql);
void   crm_test_db_exec (const char *sql);

/* customer.create with a name and optional phone; returns the id. */
gint64 crm_test_db_create_customer (CrmSession *session, const char *name, const char *phone);

/* customer.search for `query` without filters, at most `limit` rows;
 * returns the rows ("aa{sv}") or NULL with `error` set. */
GVariant *crm_test_db_search (CrmSession *session, const char *query, gint32 limit, GError **error);

/* customer.import of `rows` ("aa{sv}", floating or not) under idempotency
 * key `key` (NULL = a fresh one) in `locale` (NULL = "C"); returns the
 * reply "(xa(uss))" or NULL with `error` set. */
GVariant *crm_test_db_import (CrmSession *session, GVariant *rows, const char *key,
                              const char *locale, GError **error);

G_END_DECLS
