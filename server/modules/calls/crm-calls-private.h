/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-modules.h"

G_BEGIN_DECLS

/* The customer a caller's number belongs to, as far as the caller's user
 * may know it.  Customers outside the user's "customer.view" scope are
 * reported only by their owner (outside_scope), so that a salesperson knows
 * the caller is someone else's customer without seeing the record. */
typedef struct {
  gint64   customer_id;    /* 0 = no customer in scope */
  char    *customer_name;
  gint64   owner_id;
  char    *owner_name;
  gboolean outside_scope;
  /* The customer's contact whose number it is (0 = the customer's own
   * number or no match). */
  gint64   contact_id;
  char    *contact_name;
} CrmCallMatch;

void crm_call_match_clear (CrmCallMatch *match);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrmCallMatch, crm_call_match_clear)

/* The office's area code ("" when not set). */
char *crm_calls_local_area_code (CrmDb *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Matches `key` (a crm_phone_match_key()) against customers' numbers.
 * TRUE with match->customer_id == 0 and !outside_scope when none. */
gboolean crm_calls_match_customer (CrmDb         *db,
                                   gint64         user_id,
                                   const char    *key,
                                   const char    *area_code,
                                   CrmCallMatch  *match,
                                   GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* Adds what the pop-up shows of the matched customer's contacts and
 * follow-ups to a call.lookup reply: contact_id x, contact_name s (the
 * matched contact), primary_contact s, primary_contact_phone s and
 * recent_followups aa{sv} (the last 3, newest first), each empty when
 * unknown or outside the user's contact.view / followup.view scope. */
gboolean crm_calls_lookup_add_contacts (CrmDb               *db,
                                        gint64               user_id,
                                        const CrmCallMatch  *match,
                                        GVariantDict        *dict,
                                        GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* Whitelist first, then the longest matching blacklist pattern.  `key` may
 * be "" (private number): nothing matches. */
gboolean crm_blacklist_lookup (CrmDb       *db,
                               const char  *key,
                               gboolean    *blocked,
                               gboolean    *whitelisted,
                               char       **reason,
                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* Reads an optional member of a request dictionary: FALSE with an
 * INVALID_FIELD error when it is present with another type; *value NULL
 * when absent. */
gboolean crm_calls_dict_get (GVariant            *dict,
                             const char          *key,
                             const GVariantType  *type,
                             GVariant           **value,
                             GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
