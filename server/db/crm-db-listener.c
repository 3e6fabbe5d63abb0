/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-db-listener"
#include "config.h"

#include <glib-unix.h>
#include <string.h>
#include <stdlib.h>

#include "crm-db-private.h"

/*
 * LISTEN on a dedicated connection, driven by the main loop through a
 * GSource on PQsocket; reconnects with backoff when PostgreSQL goes away.
 * Payloads:
 *   crm_changes:  "entity id version action owner_id"
 *   crm_sessions: "revoke <token_hash> <reason…>" | "permissions <user_id>"
 */

struct _CrmDbListener {
  GObject  parent_instance;
  char    *conninfo;
  PGconn  *conn;
  guint    watch_id;
  guint    retry_id;
  guint    backoff_ms;
};

enum {
  RECORD_CHANGED,
  SESSION_REVOKED,
  PERMISSIONS_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CrmDbListener, crm_db_listener, G_TYPE_OBJECT)

static void listener_connect (CrmDbListener *self);

static void
listener_drop (CrmDbListener *self)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_clear_pointer (&self->conn, PQfinish);
}

static gboolean
retry_cb (gpointer data)
{
  CrmDbListener *self = data;

  self->retry_id = 0;
  listener_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CrmDbListener *self)
{
  listener_drop (self);
  self->backoff_ms = self->backoff_ms ? MIN (self->backoff_ms * 2, 10000) : 250;
  if (self->retry_id == 0)
    self->retry_id = g_timeout_add (self->backoff_ms, retry_cb, self);
}

static void
dispatch_notify (CrmDbListener *self, const PGnotify *n)
{
  if (strcmp (n->relname, "crm_changes") == 0)
    {
      g_auto(GStrv) parts = g_strsplit (n->extra, " ", 5);

      if (g_strv_length (parts) == 5)
        g_signal_emit (self, signals[RECORD_CHANGED], 0, parts[0],
                       g_ascii_strtoll (parts[1], NULL, 10),
                       g_ascii_strtoll (parts[2], NULL, 10), parts[3],
                       g_ascii_strtoll (parts[4], NULL, 10));
    }
  else if (strcmp (n->relname, "crm_sessions") == 0)
    {
      g_auto(GStrv) parts = g_strsplit (n->extra, " ", 3);
      guint len = g_strv_length (parts);

      if (len >= 2 && strcmp (parts[0], "revoke") == 0)
        g_signal_emit (self, signals[SESSION_REVOKED], 0, parts[1], len == 3 ? parts[2] : "");
      else if (len == 2 && strcmp (parts[0], "permissions") == 0)
        g_signal_emit (self, signals[PERMISSIONS_CHANGED], 0,
                       g_ascii_strtoll (parts[1], NULL, 10));
    }
}

static gboolean
socket_cb (gint fd, GIOCondition cond, gpointer data)
{
  CrmDbListener *self = data;
  PGnotify *n;

  if (!PQconsumeInput (self->conn) || PQstatus (self->conn) != CONNECTION_OK)
    {
      g_message ("change listener lost its connection; reconnecting");
      self->watch_id = 0;
      g_clear_pointer (&self->conn, PQfinish);
      schedule_retry (self);
      return G_SOURCE_REMOVE;
    }
  while ((n = PQnotifies (self->conn)) != NULL)
    {
      dispatch_notify (self, n);
      PQfreemem (n);
      if (self->conn == NULL)
        break;
    }
  return G_SOURCE_CONTINUE;
}

static void
listener_connect (CrmDbListener *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;

  self->conn = crm_db_connect (self->conninfo, &error);
  if (self->conn == NULL)
    {
      g_debug ("listener: %s", error->message);
      schedule_retry (self);
      return;
    }
  res = PQexec (self->conn, "LISTEN crm_changes; LISTEN crm_sessions");
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      g_warning ("LISTEN failed: %s", PQresultErrorMessage (res));
      schedule_retry (self);
      return;
    }
  PQsetnonblocking (self->conn, 1);
  self->backoff_ms = 0;
  self->watch_id = g_unix_fd_add (PQsocket (self->conn), G_IO_IN | G_IO_HUP | G_IO_ERR,
                                  socket_cb, self);
}

static void
crm_db_listener_finalize (GObject *object)
{
  CrmDbListener *self = CRM_DB_LISTENER (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  listener_drop (self);
  g_free (self->conninfo);
  G_OBJECT_CLASS (crm_db_listener_parent_class)->finalize (object);
}

static void
crm_db_listener_class_init (CrmDbListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = crm_db_listener_finalize;

  signals[RECORD_CHANGED] =
    g_signal_new ("record-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_INT64);
  signals[SESSION_REVOKED] =
    g_signal_new ("session-revoked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[PERMISSIONS_CHANGED] =
    g_signal_new ("permissions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
crm_db_listener_init (CrmDbListener *self)
{
}

CrmDbListener *
crm_db_listener_new (const char *conninfo)
{
  CrmDbListener *self = g_object_new (CRM_TYPE_DB_LISTENER, NULL);

  self->conninfo = g_strdup (conninfo);
  listener_connect (self);
  return self;
}
