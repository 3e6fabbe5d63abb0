/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-fetch"
#include "config.h"

#include "crm-call-export.h"
#include "crm-call-fetch.h"
#include "crm-messages.h"

/* Every page of call.list for one filter, one request after the other. */

typedef struct {
  GVariant *filters;
  gboolean keep;
  CrmCallRecordFunc record_cb;
  gpointer record_data;
  GPtrArray *records;
  gint64 before;
  guint read;
  guint max_rows;
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_variant_unref (f->filters);
  g_ptr_array_unref (f->records);
  g_free (f);
}

static void fetch_next (GTask *task);

static void
fetch_page_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_autoptr(GVariant) rows = NULL;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_variant_get (reply, "(@aa{sv}x)", &rows, &f->before);
  for (gsize i = 0; i < g_variant_n_children (rows) && f->read < f->max_rows; i++)
    {
      g_autoptr(GVariant) record = g_variant_get_child_value (rows, i);

      if (f->record_cb != NULL)
        f->record_cb (record, f->record_data);
      if (f->keep)
        g_ptr_array_add (f->records, g_steal_pointer (&record));
      f->read++;
    }
  if (f->before != 0 && f->read < f->max_rows)
    {
      fetch_next (g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_ptr_array_ref (f->records), (GDestroyNotify) g_ptr_array_unref);
}

static void
fetch_next (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);
  gint limit = (gint) MIN (CRM_CALL_EXPORT_PAGE_ROWS, f->max_rows - f->read);

  crm_session_call_async (CRM_SESSION (g_task_get_source_object (task)), CRM_MSG_CALL_LIST,
                          g_variant_new ("(@a{sv}xi)", f->filters, f->before, limit),
                          g_task_get_cancellable (task), fetch_page_cb, task);
}

void
crm_call_fetch_all_async (CrmSession          *session,
                          GVariant            *filters,
                          guint                max_rows,
                          gboolean             keep,
                          CrmCallRecordFunc    record_cb,
                          gpointer             record_data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  Fetch *f = g_new0 (Fetch, 1);

  f->filters = g_variant_ref_sink (filters);
  f->max_rows = CLAMP (max_rows, 1, CRM_CALL_EXPORT_MAX_ROWS);
  f->keep = keep;
  f->record_cb = record_cb;
  f->record_data = record_data;
  f->records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_task_set_source_tag (task, crm_call_fetch_all_async);
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);
  fetch_next (task);
}

GPtrArray *
crm_call_fetch_all_finish (CrmSession *session, GAsyncResult *result, gboolean *truncated, GError **error)
{
  Fetch *f = g_task_get_task_data (G_TASK (result));

  if (truncated != NULL)
    *truncated = f->before != 0;
  return g_task_propagate_pointer (G_TASK (result), error);
}
