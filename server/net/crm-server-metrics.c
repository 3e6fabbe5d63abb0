/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-metrics"

#include <stdlib.h>
#include <string.h>

#include "crm-server-metrics.h"

/* Upper bounds of the latency histogram, seconds. */
static const double buckets[] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
};
#define N_BUCKETS G_N_ELEMENTS (buckets)

struct _CrmServerMetrics {
  GHashTable *requests;   /* "message\nresult" → guint64* */
  GHashTable *violations; /* kind → guint64* */
  guint64 bucket_counts[N_BUCKETS + 1];
  double  latency_sum;
  guint64 latency_count;
  guint64 connections_total;
};

CrmServerMetrics *
crm_server_metrics_new (void)
{
  CrmServerMetrics *m = g_new0 (CrmServerMetrics, 1);

  m->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  m->violations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return m;
}

void
crm_server_metrics_free (CrmServerMetrics *m)
{
  if (m == NULL)
    return;
  g_hash_table_unref (m->requests);
  g_hash_table_unref (m->violations);
  g_free (m);
}

static void
bump (GHashTable *table, char *key /* owned */)
{
  guint64 *count = g_hash_table_lookup (table, key);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (table, key, count);
    }
  else
    g_free (key);
  (*count)++;
}

void
crm_server_metrics_record_request (CrmServerMetrics *m,
                                   const char       *message,
                                   const char       *result,
                                   gint64            duration_us)
{
  double seconds = MAX (duration_us, 0) / 1e6;
  gsize i;
  char key[160];
  guint64 *count;

  /* The key is only copied the first time (once per message and result). */
  g_snprintf (key, sizeof key, "%s\n%s", message, result);
  count = g_hash_table_lookup (m->requests, key);
  if (count != NULL)
    (*count)++;
  else
    bump (m->requests, g_strdup (key));
  for (i = 0; i < N_BUCKETS; i++)
    if (seconds <= buckets[i])
      break;
  m->bucket_counts[i]++;
  m->latency_sum += seconds;
  m->latency_count++;
}

void
crm_server_metrics_record_violation (CrmServerMetrics *m, const char *kind)
{
  bump (m->violations, g_strdup (kind));
}

void
crm_server_metrics_connection_opened (CrmServerMetrics *m)
{
  m->connections_total++;
}

guint64
crm_server_metrics_get_requests_total (CrmServerMetrics *m)
{
  return m->latency_count;
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

void
crm_server_metrics_write (CrmServerMetrics *m, GString *out)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;
  guint64 cumulative = 0;

  g_string_append (out,
                   "# HELP crm_requests_total Protocol requests answered, by message and result.\n"
                   "# TYPE crm_requests_total counter\n");
  /* Sorted so that two scrapes are easy to compare by eye. */
  keys = g_hash_table_get_keys_as_array (m->requests, &n);
  qsort (keys, n, sizeof (gpointer), compare_keys);
  for (guint i = 0; i < n; i++)
    {
      const char *key = keys[i];
      const char *nl = strchr (key, '\n');
      guint64 *count = g_hash_table_lookup (m->requests, key);

      g_string_append_printf (out, "crm_requests_total{message=\"%.*s\",result=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              (int) (nl - key), key, nl + 1, *count);
    }

  g_string_append (out,
                   "# HELP crm_request_duration_seconds Time from a request's last byte to its reply being queued.\n"
                   "# TYPE crm_request_duration_seconds histogram\n");
  for (gsize i = 0; i < N_BUCKETS; i++)
    {
      char le[G_ASCII_DTOSTR_BUF_SIZE];

      cumulative += m->bucket_counts[i];
      g_ascii_formatd (le, sizeof le, "%g", buckets[i]);
      g_string_append_printf (out, "crm_request_duration_seconds_bucket{le=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              le, cumulative);
    }
  cumulative += m->bucket_counts[N_BUCKETS];
  {
    char sum[G_ASCII_DTOSTR_BUF_SIZE];

    g_ascii_formatd (sum, sizeof sum, "%.6f", m->latency_sum);
    g_string_append_printf (out,
                            "crm_request_duration_seconds_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT "\n"
                            "crm_request_duration_seconds_sum %s\n"
                            "crm_request_duration_seconds_count %" G_GUINT64_FORMAT "\n",
                            cumulative, sum, m->latency_count);
  }

  g_string_append (out,
                   "# HELP crm_protocol_violations_total Connections closed for breaking the protocol, by kind.\n"
                   "# TYPE crm_protocol_violations_total counter\n");
  g_clear_pointer (&keys, g_free);
  keys = g_hash_table_get_keys_as_array (m->violations, &n);
  qsort (keys, n, sizeof (gpointer), compare_keys);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "crm_protocol_violations_total{kind=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            (const char *) keys[i],
                            *(guint64 *) g_hash_table_lookup (m->violations, keys[i]));

  g_string_append_printf (out,
                          "# HELP crm_connections_accepted_total Protocol connections accepted.\n"
                          "# TYPE crm_connections_accepted_total counter\n"
                          "crm_connections_accepted_total %" G_GUINT64_FORMAT "\n",
                          m->connections_total);
}
