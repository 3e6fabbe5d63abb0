/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The TLS handshake gate of both listening ports (protocol and HTTPS).
 *
 * A handshake occupies one of GLib's few TLS threads, so silent or stalled
 * peers must not start one: a peer competes for a slot only once a TLS
 * handshake record waits on its socket (crm_tls_gate_peek_client_hello),
 * at most `max_handshakes` run at once, and the others wait in arrival
 * order.  Deadlines on each phase stay with the owner of the peer.
 */
typedef struct _CrmTlsGate CrmTlsGate;

/* A waiting peer got a slot: start its handshake and return TRUE, or
 * return FALSE when it no longer wants one (closed, hung up meanwhile);
 * the slot then goes to the next.  The gate calls it from
 * crm_tls_gate_leave(), so it may itself call crm_tls_gate_leave(). */
typedef gboolean (*CrmTlsGateStartFunc) (gpointer peer, gpointer user_data);

/* `ref`/`unref` (may be NULL) keep waiting peers alive. */
CrmTlsGate *crm_tls_gate_new   (guint               max_handshakes,
                                CrmTlsGateStartFunc start,
                                gpointer            user_data,
                                GBoxedCopyFunc      ref,
                                GDestroyNotify      unref);
void        crm_tls_gate_free  (CrmTlsGate *gate);

/* TRUE: the peer holds a slot, start now.  FALSE: it waits; `start` is
 * called when its turn comes. */
gboolean    crm_tls_gate_enter (CrmTlsGate *gate, gpointer peer);
/* The peer's handshake ended (or it left while waiting): its slot, if it
 * held one, goes to the next peer still waiting.  A peer the gate does not
 * know is ignored. */
void        crm_tls_gate_leave (CrmTlsGate *gate, gpointer peer);
guint       crm_tls_gate_get_n_handshakes (CrmTlsGate *gate);

/* TRUE when the first byte waiting on the socket can start a TLS handshake
 * record (0x16).  A peer that hung up, or speaks something else (plain
 * protocol frames, HTTP) to the TLS port, is not worth a slot -- a flood of
 * those must not queue ahead of a real client. */
gboolean    crm_tls_gate_peek_client_hello (GSocketConnection *connection);

/* The listening socket of either port: a GSocketService (not started) on
 * `address` (an IP address) and `port` (0: a free one), with room for a
 * burst of connections (every client reconnecting after a restart); the
 * port it got in *port_out.  Errors are translated and name the port
 * (`https` chooses the HTTPS wording). */
GSocketService *crm_tls_gate_listen (const char *address,
                                     guint16     port,
                                     gboolean    https,
                                     guint16    *port_out,
                                     GError    **error);

G_END_DECLS
