/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A real crm-server process for tests: its own temporary data directory,
 * embedded PostgreSQL, free ports (port 0 + --port-file), TLS on, and an
 * administrator "admin" created first with --create-admin.
 *
 * The binary is $CRM_SERVER_BINARY when set, else the one in the build
 * tree.  $CRM_TEST_SERVER_ARGS adds flags to every run (e.g.
 * "--log-level debug" when chasing a failure).  Every call blocks; none
 * needs a running main loop.
 */

#include <gio/gio.h>

#include "crm-connection.h"

G_BEGIN_DECLS

typedef struct _CrmTestServer CrmTestServer;

/* `extra_args`: more command-line flags, shell-quoted ("--demo-data 50"),
 * or NULL. */
CrmTestServer *crm_test_server_start (const char *extra_args, GError **error);

guint16     crm_test_server_get_port           (CrmTestServer *self);
guint16     crm_test_server_get_http_port      (CrmTestServer *self);
const char *crm_test_server_get_admin_password (CrmTestServer *self);
const char *crm_test_server_get_data_dir       (CrmTestServer *self);
/* The server's process id, or 0 when it is not running. */
GPid        crm_test_server_get_pid            (CrmTestServer *self);

/* A connection (TLS, the certificate trusted on first use, locale
 * "en_US"), signed in as `user` unless `user` is NULL. */
CrmConnection *crm_test_server_connect (CrmTestServer *self,
                                        const char    *user,
                                        const char    *password,
                                        GError       **error);

/* crm_test_server_connect() that asserts it succeeded; the connection. */
CrmConnection *crm_test_server_connect_ok (CrmTestServer *self,
                                           const char    *user,
                                           const char    *password);

/* A customer.create body (floating): the idempotency key and a name. */
GVariant *crm_test_customer_create_body (const char *key, const char *name);

/* The test program's one server: started with `extra_args` on the first
 * call (asserting it started), the same server on every later call (their
 * `extra_args` are not looked at).  crm_test_server_stop_shared() ends it. */
CrmTestServer *crm_test_server_get_shared  (const char *extra_args);
void           crm_test_server_stop_shared (void);

/* crm_connection_call_sync() that asserts it succeeded; the reply. */
GVariant *crm_test_call_ok (CrmConnection *connection,
                            guint          message_id,
                            GVariant      *body);

/* Sends `signum` and waits for the process to end (SIGKILL leaves its
 * PostgreSQL running, as a real crash would). */
void     crm_test_server_kill    (CrmTestServer *self, int signum);
/* Starts the server again on the same data directory (new ports).  Stops
 * it first if it is still running. */
gboolean crm_test_server_restart (CrmTestServer *self, GError **error);
/* Exit status of the last run that ended (as from waitpid), -1 if none. */
int      crm_test_server_get_exit_status (CrmTestServer *self);

/* Restarts the embedded PostgreSQL under the running server
 * (pg_ctl restart -m fast), as an administrator might. */
gboolean crm_test_server_restart_database (CrmTestServer *self, GError **error);
/* Stops it (pg_ctl stop -m fast) under the running server; the next
 * crm_test_server_restart() starts it again. */
gboolean crm_test_server_stop_database    (CrmTestServer *self, GError **error);

/* SIGTERM, wait (then SIGKILL after 30 s), stop a leftover PostgreSQL,
 * delete the data directory, free.  NULL-safe. */
void crm_test_server_stop (CrmTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmTestServer, crm_test_server_stop)

G_END_DECLS
