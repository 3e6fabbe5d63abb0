/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Sensitive record members (cost price, profit, salary, …): hidden by
 * permission, on the server.  A module registers each member name with
 * the permission that may read it, at start-up; from then on every reply
 * is stripped of those members, wherever a record ("a{sv}") sits in it,
 * for sessions without that permission (crm-handlers.c applies it).
 *
 * A member name is sensitive in every record that carries it, so modules
 * pick specific names ("cost_price", not "price").  The permission goes in
 * the message table's permission catalogue (protocol/crm-messages.c) so
 * that roles can grant it, e.g. { "product.view_cost", "product", … }.
 * Hiding covers replies only: a module must not offer sorting or filtering
 * by a sensitive member to sessions that cannot read it.
 */

#include "crm-modules.h"

G_BEGIN_DECLS

/* `member` and `permission` are static strings (not copied).  Registering
 * a member again replaces its permission. */
void crm_sensitive_register (const char *member, const char *permission);

/* TRUE once anything is registered (until then replies are untouched). */
gboolean crm_sensitive_any (void);

/* `reply` (taken: floating or a full reference) without the sensitive
 * members `session` may not read; a full reference to the same value when
 * nothing is hidden, else to a copy.  NULL `session` (before sign-in)
 * reads none of them. */
GVariant *crm_sensitive_filter (const CrmSession *session, GVariant *reply);

/* Forgets every registration (tests). */
void crm_sensitive_reset (void);

G_END_DECLS
