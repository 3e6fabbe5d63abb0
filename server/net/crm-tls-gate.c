/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-tls-gate"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>

#include "crm-error.h"
#include "crm-tls-gate.h"

struct _CrmTlsGate {
  guint               max;
  CrmTlsGateStartFunc start;
  gpointer            user_data;
  GBoxedCopyFunc      ref;
  GDestroyNotify      unref;
  GHashTable         *active;  /* peers holding a slot */
  GQueue              waiting; /* peers (referenced), in arrival order */
};

CrmTlsGate *
crm_tls_gate_new (guint               max_handshakes,
                  CrmTlsGateStartFunc start,
                  gpointer            user_data,
                  GBoxedCopyFunc      ref,
                  GDestroyNotify      unref)
{
  CrmTlsGate *gate = g_new0 (CrmTlsGate, 1);

  g_return_val_if_fail (max_handshakes > 0 && start != NULL, NULL);
  gate->max = max_handshakes;
  gate->start = start;
  gate->user_data = user_data;
  gate->ref = ref;
  gate->unref = unref;
  gate->active = g_hash_table_new (NULL, NULL);
  g_queue_init (&gate->waiting);
  return gate;
}

void
crm_tls_gate_free (CrmTlsGate *gate)
{
  gpointer peer;

  if (gate == NULL)
    return;
  while ((peer = g_queue_pop_head (&gate->waiting)) != NULL)
    if (gate->unref != NULL)
      gate->unref (peer);
  g_hash_table_unref (gate->active);
  g_free (gate);
}

gboolean
crm_tls_gate_enter (CrmTlsGate *gate, gpointer peer)
{
  if (g_hash_table_contains (gate->active, peer))
    return TRUE;
  if (g_hash_table_size (gate->active) < gate->max)
    {
      g_hash_table_add (gate->active, peer);
      return TRUE;
    }
  if (g_queue_find (&gate->waiting, peer) == NULL)
    g_queue_push_tail (&gate->waiting, gate->ref != NULL ? gate->ref (peer) : peer);
  return FALSE;
}

void
crm_tls_gate_leave (CrmTlsGate *gate, gpointer peer)
{
  GList *link = g_queue_find (&gate->waiting, peer);

  if (link != NULL)
    {
      g_queue_delete_link (&gate->waiting, link);
      if (gate->unref != NULL)
        gate->unref (peer);
      return;
    }
  if (!g_hash_table_remove (gate->active, peer))
    return;

  /* Hand the slot on to the next peer that still wants it. */
  while (!g_queue_is_empty (&gate->waiting) && g_hash_table_size (gate->active) < gate->max)
    {
      gpointer next = g_queue_pop_head (&gate->waiting);

      g_hash_table_add (gate->active, next);
      if (!gate->start (next, gate->user_data))
        g_hash_table_remove (gate->active, next);
      if (gate->unref != NULL)
        gate->unref (next);
    }
}

guint
crm_tls_gate_get_n_handshakes (CrmTlsGate *gate)
{
  return g_hash_table_size (gate->active);
}

gboolean
crm_tls_gate_peek_client_hello (GSocketConnection *connection)
{
  guint8 first = 0;
  gssize n;

  do
    n = recv (g_socket_get_fd (g_socket_connection_get_socket (connection)), &first, 1,
              MSG_PEEK | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  return n == 1 && first == 0x16;
}

GSocketService *
crm_tls_gate_listen (const char *address, guint16 port, gboolean https, guint16 *port_out,
                     GError **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) requested = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GError) local_error = NULL;

  if (inet == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("“%s” is not an IP address to listen on"), address);
      return NULL;
    }
  requested = g_inet_socket_address_new (inet, port);
  service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), 1024);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), requested,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &local_error))
    {
      if (https)
        g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                     _("Cannot listen for HTTPS on %s port %u: %s"), address, port,
                     local_error->message);
      else
        g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                     _("Cannot listen on %s port %u: %s"), address, port, local_error->message);
      return NULL;
    }
  *port_out = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return g_steal_pointer (&service);
}
