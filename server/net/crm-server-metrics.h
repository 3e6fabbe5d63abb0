/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Counters for /metrics.  Updated and read on the main context only. */
typedef struct _CrmServerMetrics CrmServerMetrics;

CrmServerMetrics *crm_server_metrics_new  (void);
void              crm_server_metrics_free (CrmServerMetrics *metrics);

/* `result` is "ok" or a stable error name (crm_error_code_to_string). */
void crm_server_metrics_record_request (CrmServerMetrics *metrics,
                                        const char       *message,
                                        const char       *result,
                                        gint64            duration_us);
void crm_server_metrics_record_violation (CrmServerMetrics *metrics, const char *kind);
void crm_server_metrics_connection_opened (CrmServerMetrics *metrics);

guint64 crm_server_metrics_get_requests_total (CrmServerMetrics *metrics);

/* Appends the Prometheus text exposition of the counters. */
void crm_server_metrics_write (CrmServerMetrics *metrics, GString *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmServerMetrics, crm_server_metrics_free)

G_END_DECLS
