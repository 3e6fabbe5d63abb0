/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "crm-connection.h"

G_BEGIN_DECLS

/*
 * crmctl: the command-line client.  Every verb receives the parsed global
 * options in a CrmctlContext and returns a process exit status.
 */

/* Exit statuses, documented in `crmctl --help`. */
typedef enum {
  CRMCTL_EXIT_OK = 0,
  CRMCTL_EXIT_FAILURE = 1,      /* any other failure (server fault, I/O) */
  CRMCTL_EXIT_USAGE = 2,        /* bad command line or GVariant text */
  CRMCTL_EXIT_CONNECT = 3,      /* cannot reach the server, TLS trust refused */
  CRMCTL_EXIT_AUTH = 4,         /* sign-in failed, no session, session expired */
  CRMCTL_EXIT_PERMISSION = 5,   /* the account lacks the permission */
  CRMCTL_EXIT_NOT_FOUND = 6,    /* no such record (or outside your data scope) */
  CRMCTL_EXIT_CONFLICT = 7,     /* stale version or duplicate value */
  CRMCTL_EXIT_INVALID = 8,      /* invalid field, bad CSV file; nothing was written */
} CrmctlExit;

typedef struct {
  /* Global options. */
  char     *server;             /* "host[:port]" as given, NULL = remembered/default */
  char     *user;
  char     *password_file;
  gboolean  json;
  gboolean  trust_new_server;
  char     *locale;             /* e.g. "zh_CN"; NULL = from the environment */

  /* Resolved. */
  char     *host;
  guint16   port;
  CrmConnection *connection;
} CrmctlContext;

#define CRMCTL_DEFAULT_PORT 7420

void crmctl_context_clear (CrmctlContext *ctx);

/* The locale sent to the server in hello. */
char *crmctl_context_dup_locale (CrmctlContext *ctx);

/* Prints `error` on stderr (as JSON with --json) and returns the exit
 * status its code maps to. */
int crmctl_report_error (CrmctlContext *ctx, const GError *error);
int crmctl_exit_for_error (const GError *error);
/* Prints a usage error and returns CRMCTL_EXIT_USAGE. */
int crmctl_usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* ---- crmctl-session.c ---- */
/* Path of the session file: $XDG_STATE_HOME/jinke-crm/crmctl.session */
char    *crmctl_session_path (void);
/* Resolves ctx->host/port from --server, else the remembered server, else
 * the default. */
gboolean crmctl_resolve_server (CrmctlContext *ctx, GError **error);
/* Opens ctx->connection (TLS, trust store) without signing in. */
gboolean crmctl_connect (CrmctlContext *ctx, GError **error);
/* Connects and resumes the saved session; a clear error when there is none
 * or it expired. */
gboolean crmctl_connect_resumed (CrmctlContext *ctx, GError **error);

int crmctl_cmd_login  (CrmctlContext *ctx, int argc, char **argv);
int crmctl_cmd_logout (CrmctlContext *ctx, int argc, char **argv);
int crmctl_cmd_whoami (CrmctlContext *ctx, int argc, char **argv);

/* ---- crmctl-call.c ---- */
int crmctl_cmd_call   (CrmctlContext *ctx, int argc, char **argv);
int crmctl_cmd_health (CrmctlContext *ctx, int argc, char **argv);
/* Replaces a leading `@key` member by a fresh idempotency key. */
char *crmctl_expand_key (const char *text);

/* ---- crmctl-customer.c ---- */
int crmctl_cmd_customer (CrmctlContext *ctx, int argc, char **argv);

/* ---- crmctl-contact.c ---- */
int crmctl_cmd_contact  (CrmctlContext *ctx, int argc, char **argv);
int crmctl_cmd_followup (CrmctlContext *ctx, int argc, char **argv);

/* ---- crmctl-import.c ---- */
int crmctl_customer_import (CrmctlContext *ctx, int argc, char **argv);
int crmctl_customer_export (CrmctlContext *ctx, int argc, char **argv);

/* ---- crmctl-admin.c (admin console: team, accounts, roles, settings,
 * audit, recycle bin) ---- */
gboolean crmctl_admin_is_noun (const char *word);
int      crmctl_cmd_admin     (CrmctlContext *ctx, int argc, char **argv);

G_END_DECLS
