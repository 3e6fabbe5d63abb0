/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Private to the customers module: what customer.list and customer.seek
 * share so that a cursor from one is valid in the other, and both see the
 * same rows for the same filters.
 */

#include "crm-modules.h"

G_BEGIN_DECLS

/* " FROM customers c WHERE <scope> AND <deleted> <filters>" and its
 * parameters; $1 is always the data scope. */
typedef struct {
  GString   *sql;
  GPtrArray *params;     /* char *, NULL = SQL NULL */
  gboolean   deleted;
  gboolean   filtered;
  gboolean   scope_all;
} CrmCustomerQuery;

void      crm_customer_query_clear (CrmCustomerQuery *q);
/* Adds a parameter (taking it) and returns its placeholder number. */
guint     crm_customer_query_param (CrmCustomerQuery *q,
                                    char             *value);
/* Starts `q` (zero-initialised) from the data scope of `permission` and
 * the list filters "a{sv}"; an unknown filter or a wrong type is an error
 * naming "filters.<key>".  Clear `q` either way. */
gboolean  crm_customer_query_begin (CrmDb             *db,
                                    CrmRequestContext *ctx,
                                    const char        *permission,
                                    GVariant          *filters,
                                    CrmCustomerQuery  *q,
                                    GError           **error) G_GNUC_WARN_UNUSED_RESULT;
/* Runs prefix + q->sql + suffix as a prepared statement. */
PGresult *crm_customer_query_run   (CrmDb             *db,
                                    CrmCustomerQuery  *q,
                                    const char        *prefix,
                                    const char        *suffix,
                                    GError           **error);
/* Estimated rows of the query: pg_class for the whole live table, else
 * the planner's estimate; -1 when there are no statistics. */
gboolean  crm_customer_query_estimate (CrmDb            *db,
                                       CrmCustomerQuery *q,
                                       gint64           *estimate,
                                       GError          **error) G_GNUC_WARN_UNUSED_RESULT;

/* A customer.list cursor: base64url of the GVariant "(sx)", the sort
 * value as text and the id.  The wire format clients keep. */
char     *crm_customer_cursor_encode (const char *sort_value,
                                      gint64      id);
/* FALSE for anything that is not a cursor of this form. */
gboolean  crm_customer_cursor_decode (const char  *cursor,
                                      char       **sort_value,
                                      gint64      *id) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
