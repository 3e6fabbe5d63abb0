/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-history"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-call-columns.h"
#include "crm-call-export.h"
#include "crm-call-fetch.h"
#include "crm-call-format.h"
#include "crm-call-history-page.h"
#include "crm-call-print.h"
#include "crm-call-row.h"
#include "crm-error.h"
#include "crm-messages.h"
#include "crm-recording-http.h"

#define PAGE_SIZE 200
/* A printout stops here (about 250 A4 pages). */
#define PRINT_MAX_ROWS 10000

struct _CrmCallHistoryPage {
  GtkBox parent_instance;

  CrmSession *session;
  char *http_base;
  GCancellable *cancellable;   /* the list request in flight */
  GCancellable *life;          /* cancelled in dispose */
  SoupSession *soup;
  GListStore *store;
  gint64 next_before;

  GtkDropDown *direction;
  GtkDropDown *status_filter;
  GtkDropDown *period;
  GtkSearchEntry *number;
  GtkColumnView *view;
  GtkLabel *status;
  GtkWidget *more_button;
  GtkMediaControls *controls;
  GtkMediaStream *stream;
};

G_DEFINE_FINAL_TYPE (CrmCallHistoryPage, crm_call_history_page, GTK_TYPE_BOX)

static const char * const direction_values[] = { "", "in", "out", NULL };
static const char * const period_values[] = { "", "today", "last-7-days", "this-month", "last-month", NULL };
static const char * const status_values[] = { "", "answered", "missed", "rejected", "blocked", "fax", NULL };

static void
set_status (CrmCallHistoryPage *self, const char *text)
{
  gtk_label_set_text (self->status, text);
}

/* ---- loading ---- */

static GVariant *
build_filters (CrmCallHistoryPage *self)
{
  g_auto(GVariantDict) d = G_VARIANT_DICT_INIT (NULL);
  guint dir = gtk_drop_down_get_selected (self->direction);
  guint st = gtk_drop_down_get_selected (self->status_filter);
  guint per = gtk_drop_down_get_selected (self->period);
  const char *number = gtk_editable_get_text (GTK_EDITABLE (self->number));

  if (dir > 0 && dir < G_N_ELEMENTS (direction_values) - 1)
    g_variant_dict_insert (&d, "direction", "s", direction_values[dir]);
  if (st > 0 && st < G_N_ELEMENTS (status_values) - 1)
    g_variant_dict_insert (&d, "status", "s", status_values[st]);
  if (*number != '\0')
    g_variant_dict_insert (&d, "number", "s", number);
  if (per > 0 && per < G_N_ELEMENTS (period_values) - 1)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      gint64 from, to;

      if (crm_call_period_range (period_values[per], now, &from, &to))
        {
          g_variant_dict_insert (&d, "from", "x", from);
          if (to != 0)
            g_variant_dict_insert (&d, "to", "x", to);
        }
    }
  return g_variant_dict_end (&d);
}

static void
list_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CrmCallHistoryPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  g_autoptr(GVariant) rows = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_variant_get (reply, "(@aa{sv}x)", &rows, &self->next_before);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (gsize i = 0; i < g_variant_n_children (rows); i++)
    g_ptr_array_add (items, crm_call_row_new (g_variant_get_child_value (rows, i)));
  /* One exact items-changed for the appended page. */
  g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                       items->pdata, items->len);
  gtk_widget_set_visible (self->more_button, self->next_before != 0);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u call", "%u calls",
                                       g_list_model_get_n_items (G_LIST_MODEL (self->store))),
                          g_list_model_get_n_items (G_LIST_MODEL (self->store)));
  set_status (self, text);
}

static void
load (CrmCallHistoryPage *self, gboolean from_start)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (from_start)
    {
      g_list_store_remove_all (self->store);
      self->next_before = 0;
    }
  set_status (self, _("Loading…"));
  crm_session_call_async (self->session, CRM_MSG_CALL_LIST,
                          g_variant_new ("(@a{sv}xi)", build_filters (self), self->next_before, PAGE_SIZE),
                          self->cancellable, list_done_cb, g_object_ref (self));
}

void
crm_call_history_page_refresh (CrmCallHistoryPage *self)
{
  load (self, TRUE);
}

/* ---- playback ---- */

typedef struct {
  CrmCallHistoryPage *self;
  char *sha;
} Download;

static void
play_file (CrmCallHistoryPage *self, const char *path)
{
  g_clear_object (&self->stream);
  self->stream = gtk_media_file_new_for_filename (path);
  gtk_media_controls_set_media_stream (self->controls, self->stream);
  gtk_widget_set_visible (GTK_WIDGET (self->controls), TRUE);
  gtk_media_stream_play (self->stream);
}

static char *
cache_path (const char *sha)
{
  g_autofree char *name = g_strconcat (sha, ".ogg", NULL);

  return g_build_filename (g_get_user_cache_dir (), "jinke-crm", "recordings", name, NULL);
}

static void
downloaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Download *dl = data;
  g_autoptr(CrmCallHistoryPage) self = dl->self;
  g_autofree char *sha = dl->sha;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autofree char *got = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  g_free (dl);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body == NULL)
    {
      set_status (self, error->message);
      return;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      set_status (self, soup_message_get_status (msg) == SOUP_STATUS_NOT_FOUND
                          ? _("This recording is not available")
                          : _("The recording could not be downloaded"));
      return;
    }
  got = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  if (strcmp (got, sha) != 0)
    {
      set_status (self, _("The downloaded recording is damaged"));
      return;
    }
  path = cache_path (sha);
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (path, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      set_status (self, error->message);
      return;
    }
  set_status (self, "");
  play_file (self, path);
}

static void
play_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  CrmCallHistoryPage *self = CRM_CALL_HISTORY_PAGE (widget);
  const char *sha = g_variant_get_string (param, NULL);
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  Download *dl;

  if (strlen (sha) != 64)
    return;
  path = cache_path (sha);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      play_file (self, path);
      return;
    }
  base = crm_recording_http_base (self->session, self->http_base);
  msg = crm_recording_http_message (self->session, base, "GET", sha, &error);
  if (msg == NULL)
    {
      set_status (self, error->message);
      return;
    }
  set_status (self, _("Downloading the recording…"));
  dl = g_new0 (Download, 1);
  dl->self = g_object_ref (self);
  dl->sha = g_strdup (sha);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, self->life, downloaded_cb, dl);
}

/* ---- export and printing: every call the filters match ---- */

/* The filters in words, for the printout's title. */
static char *
filter_text (CrmCallHistoryPage *self)
{
  const char *number = gtk_editable_get_text (GTK_EDITABLE (self->number));
  GtkStringObject *dir = gtk_drop_down_get_selected_item (self->direction);
  GtkStringObject *st = gtk_drop_down_get_selected_item (self->status_filter);
  GtkStringObject *per = gtk_drop_down_get_selected_item (self->period);
  GString *text = g_string_new (per ? gtk_string_object_get_string (per) : "");

  g_string_append_printf (text, " · %s", dir ? gtk_string_object_get_string (dir) : "");
  g_string_append_printf (text, " · %s", st ? gtk_string_object_get_string (st) : "");
  if (*number != '\0')
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("Number contains “%s”"), number);
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  CrmCallHistoryPage *self;
  CrmCallExport *export;
  char *pdf_path;     /* printing: NULL = the print dialog */
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_clear_pointer (&job->export, crm_call_export_free);
  g_free (job->pdf_path);
  g_free (job);
}

static void
export_record_cb (GVariant *record, gpointer data)
{
  Job *job = data;

  crm_call_export_add (job->export, record);
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  gboolean truncated = FALSE;
  g_autoptr(GPtrArray) none = crm_call_fetch_all_finish (CRM_SESSION (source), result, &truncated, &error);
  guint n = crm_call_export_get_n_rows (job->export);

  if (none == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (job->self, error->message);
    }
  else if (!crm_call_export_finish (g_steal_pointer (&job->export), &error))
    set_status (job->self, error->message);
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u call",
                                                            "Exported %u calls", n), n);

      if (truncated)
        {
          g_autofree char *more = g_strdup_printf ("%s — %s", text, _("more calls match; narrow the filters for the rest"));
          set_status (job->self, more);
        }
      else
        set_status (job->self, text);
    }
  job_free (job);
}

/* Writes every call the filters match (not only the loaded pages): .xlsx
 * when the name ends so, CSV otherwise. */
void
crm_call_history_page_export (CrmCallHistoryPage *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  Job *job;

  if (path == NULL)
    {
      set_status (self, _("Choose a folder on this computer to export to"));
      return;
    }
  job = g_new0 (Job, 1);
  job->self = g_object_ref (self);
  job->export = crm_call_export_new (crm_call_export_format_for_path (path), path, &error);
  if (job->export == NULL)
    {
      set_status (self, error->message);
      job_free (job);
      return;
    }
  set_status (self, _("Exporting…"));
  crm_call_fetch_all_async (self->session, build_filters (self), CRM_CALL_EXPORT_MAX_ROWS, FALSE,
                            export_record_cb, job,
                            self->life, export_done_cb, job);
}

static void
print_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  gboolean truncated = FALSE;
  g_autoptr(GPtrArray) records = crm_call_fetch_all_finish (CRM_SESSION (source), result, &truncated, &error);
  g_autofree char *filters = NULL;
  GtkRoot *root;
  GtkPrintOperationResult res;

  if (records == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (job->self, error->message);
      job_free (job);
      return;
    }
  filters = filter_text (job->self);
  if (truncated)
    {
      /* The title says the printout is not the whole history. */
      g_autofree char *note = g_strdup_printf (_("the newest %u calls"), records->len);
      g_autofree char *whole = g_strdup_printf ("%s · %s", filters, note);

      g_free (filters);
      filters = g_steal_pointer (&whole);
    }
  root = gtk_widget_get_root (GTK_WIDGET (job->self));
  res = crm_call_print_run (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, filters, records,
                            job->pdf_path, &error);
  if (res == GTK_PRINT_OPERATION_RESULT_ERROR)
    set_status (job->self, error->message);
  else if (res == GTK_PRINT_OPERATION_RESULT_APPLY)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Printed %u call",
                                                            "Printed %u calls", records->len), records->len);
      set_status (job->self, text);
    }
  else
    set_status (job->self, "");
  job_free (job);
}

/* Prints every call the filters match; `pdf_path` non-NULL writes that PDF
 * instead of showing the print dialog. */
void
crm_call_history_page_print (CrmCallHistoryPage *self, const char *pdf_path)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->pdf_path = g_strdup (pdf_path);
  set_status (self, _("Preparing the printout…"));
  crm_call_fetch_all_async (self->session, build_filters (self), PRINT_MAX_ROWS, TRUE, NULL, NULL,
                            self->life, print_done_cb, job);
}

static void
print_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  crm_call_history_page_print (CRM_CALL_HISTORY_PAGE (widget), NULL);
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, gpointer data)
{
  CrmCallHistoryPage *self = data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      crm_call_history_page_export (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  CrmCallHistoryPage *self = CRM_CALL_HISTORY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Export Calls"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));

  GtkFileFilter *xlsx = gtk_file_filter_new ();
  GtkFileFilter *csv = gtk_file_filter_new ();

  gtk_file_filter_set_name (csv, _("CSV (comma-separated)"));
  gtk_file_filter_add_suffix (csv, "csv");
  if (crm_call_export_format_available (CRM_CALL_EXPORT_XLSX))
    {
      gtk_file_filter_set_name (xlsx, _("Excel workbook (.xlsx)"));
      gtk_file_filter_add_suffix (xlsx, "xlsx");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), xlsx);
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), csv);
  g_object_unref (xlsx);
  g_object_unref (csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog),
                                     crm_call_export_format_available (CRM_CALL_EXPORT_XLSX)
                                       ? _("calls.xlsx") : _("calls.csv"));
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
refresh_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  load (CRM_CALL_HISTORY_PAGE (widget), TRUE);
}

static void
load_more_activated (GtkWidget *widget, const char *action_name, GVariant *param)
{
  CrmCallHistoryPage *self = CRM_CALL_HISTORY_PAGE (widget);

  if (self->next_before != 0)
    load (self, FALSE);
}

/* ---- columns ---- */

static char *text_started (CrmCallRow *r) { return crm_call_time_display (crm_call_row_get_int64 (r, "started_at")); }
static char *text_direction (CrmCallRow *r) { return g_strdup (crm_call_direction_label (crm_call_row_get_string (r, "direction"))); }
static char *text_status (CrmCallRow *r) { return g_strdup (crm_call_status_label (crm_call_row_get_string (r, "status"))); }
static char *text_customer (CrmCallRow *r) { return g_strdup (crm_call_row_get_string (r, "customer_name")); }
static char *text_user (CrmCallRow *r) { return g_strdup (crm_call_row_get_string (r, "user_name")); }

static char *
text_number (CrmCallRow *r)
{
  return crm_call_number_display (crm_call_row_get_string (r, "number"), crm_call_row_get_string (r, "direction"));
}

static char *
text_duration (CrmCallRow *r)
{
  return crm_call_duration_display (crm_call_row_get_int64 (r, "duration"),
                                    crm_call_row_get_int64 (r, "answered_at") != 0);
}

static void
play_setup (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("media-playback-start-symbolic");

  gtk_widget_set_tooltip_text (button, _("Play the recording"));
  gtk_widget_add_css_class (button, "flat");
  /* A target of the right type from the start; "" plays nothing. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "calls.play");
  gtk_list_item_set_child (item, button);
}

static void
play_bind (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  CrmCallHistoryPage *self = data;
  CrmCallRow *row = gtk_list_item_get_item (item);
  GtkWidget *button = gtk_list_item_get_child (item);
  gboolean available = crm_call_row_get_bool (row, "recording_available") &&
                       crm_session_has_permission (self->session, "call.recording.listen");

  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", crm_call_row_get_string (row, "recording_sha256"));
  gtk_widget_set_visible (button, available);
}

static void
play_unbind (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  gtk_actionable_set_action_target (GTK_ACTIONABLE (gtk_list_item_get_child (item)), "s", "");
}

static void
filter_changed (CrmCallHistoryPage *self)
{
  load (self, TRUE);
}

static GtkDropDown *
new_drop_down (const char * const *labels)
{
  return GTK_DROP_DOWN (gtk_drop_down_new_from_strings (labels));
}

static void
crm_call_history_page_dispose (GObject *object)
{
  CrmCallHistoryPage *self = CRM_CALL_HISTORY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->life);
  if (self->stream != NULL)
    gtk_media_stream_pause (self->stream);
  g_clear_object (&self->stream);
  g_clear_object (&self->store);
  g_clear_object (&self->soup);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (crm_call_history_page_parent_class)->dispose (object);
}

static void
crm_call_history_page_finalize (GObject *object)
{
  CrmCallHistoryPage *self = CRM_CALL_HISTORY_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->life);
  g_free (self->http_base);
  G_OBJECT_CLASS (crm_call_history_page_parent_class)->finalize (object);
}

static void
crm_call_history_page_class_init (CrmCallHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_call_history_page_dispose;
  object_class->finalize = crm_call_history_page_finalize;
  gtk_widget_class_install_action (widget_class, "calls.refresh", NULL, refresh_activated);
  gtk_widget_class_install_action (widget_class, "calls.load-more", NULL, load_more_activated);
  gtk_widget_class_install_action (widget_class, "calls.play", "s", play_activated);
  gtk_widget_class_install_action (widget_class, "calls.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "calls.print", NULL, print_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "calls.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "calls.refresh", NULL);
}

static void
crm_call_history_page_init (CrmCallHistoryPage *self)
{
  const char *periods[] = { _("Any time"), _("Today"), _("Last 7 days"), _("This month"), _("Last month"), NULL };
  const char *directions[] = { _("All directions"), _("Incoming"), _("Outgoing"), NULL };
  const char *statuses[] = { _("Any status"), _("Answered"), _("Missed"), _("Rejected"), _("Blocked"), _("Fax"), NULL };
  GtkWidget *bar;
  GtkWidget *refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkListItemFactory *play_factory;
  g_autoptr(GtkColumnViewColumn) play_column = NULL;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->cancellable = g_cancellable_new ();
  self->life = g_cancellable_new ();
  self->soup = soup_session_new_with_options ("timeout", 60, NULL);
  self->store = g_list_store_new (CRM_TYPE_CALL_ROW);

  bar = crm_call_page_add_bar (GTK_BOX (self));
  self->period = new_drop_down (periods);
  self->direction = new_drop_down (directions);
  self->status_filter = new_drop_down (statuses);
  self->number = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->number), 20);
  g_object_set (self->number, "placeholder-text", C_("phone", "Number"), NULL);
  gtk_widget_set_tooltip_text (refresh, _("Refresh"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "calls.refresh");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->period));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->direction));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->status_filter));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->number));
  gtk_box_append (GTK_BOX (bar), refresh);
  {
    GtkWidget *export = gtk_button_new_with_mnemonic (_("E_xport…"));
    GtkWidget *print = gtk_button_new_from_icon_name ("document-print-symbolic");

    gtk_actionable_set_action_name (GTK_ACTIONABLE (export), "calls.export");
    gtk_box_append (GTK_BOX (bar), export);
    gtk_widget_set_tooltip_text (print, _("Print (Ctrl+P)"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (print), "calls.print");
    gtk_box_append (GTK_BOX (bar), print);
  }
  g_signal_connect_swapped (self->period, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->direction, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->number, "search-changed", G_CALLBACK (filter_changed), self);

  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (
      GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->store))))));
  gtk_column_view_set_show_column_separators (self->view, TRUE);
  crm_call_columns_append (self->view, _("Time"), text_started, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_columns_append (self->view, _("Direction"), text_direction, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_columns_append (self->view, _("Status"), text_status, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_columns_append (self->view, C_("phone", "Number"), text_number, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_columns_append (self->view, _("Customer"), text_customer, CRM_CALL_COLUMN_RESIZABLE | CRM_CALL_COLUMN_EXPAND);
  crm_call_columns_append (self->view, _("User"), text_user, CRM_CALL_COLUMN_RESIZABLE);
  crm_call_columns_append (self->view, _("Duration"), text_duration, CRM_CALL_COLUMN_RESIZABLE | CRM_CALL_COLUMN_NUMERIC);
  play_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (play_factory, "setup", G_CALLBACK (play_setup), self);
  g_signal_connect (play_factory, "bind", G_CALLBACK (play_bind), self);
  g_signal_connect (play_factory, "unbind", G_CALLBACK (play_unbind), self);
  play_column = gtk_column_view_column_new (_("Recording"), play_factory);
  gtk_column_view_append_column (self->view, play_column);
  crm_call_page_add_list (GTK_BOX (self), self->view);

  self->controls = GTK_MEDIA_CONTROLS (gtk_media_controls_new (NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->controls), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->controls));

  gtk_widget_set_margin_start (bottom, 6);
  gtk_widget_set_margin_end (bottom, 6);
  gtk_widget_set_margin_bottom (bottom, 6);
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status), TRUE);
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (self->status));
  self->more_button = gtk_button_new_with_mnemonic (_("Load _More"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->more_button), "calls.load-more");
  gtk_widget_set_visible (self->more_button, FALSE);
  gtk_box_append (GTK_BOX (bottom), self->more_button);
  gtk_box_append (GTK_BOX (self), bottom);
}

CrmCallHistoryPage *
crm_call_history_page_new (CrmSession *session, const char *http_base)
{
  CrmCallHistoryPage *self = g_object_new (CRM_TYPE_CALL_HISTORY_PAGE, NULL);

  self->session = g_object_ref (session);
  self->http_base = g_strdup (http_base);
  load (self, TRUE);
  return self;
}

static guint
value_index (const char * const *values, const char *value)
{
  for (guint i = 1; value != NULL && values[i] != NULL; i++)
    if (strcmp (values[i], value) == 0)
      return i;
  return 0;
}

void
crm_call_history_page_set_period (CrmCallHistoryPage *self, const char *period)
{
  gtk_drop_down_set_selected (self->period, value_index (period_values, period));
}

void
crm_call_history_page_set_filter (CrmCallHistoryPage *self,
                                  const char         *direction,
                                  const char         *status,
                                  const char         *number)
{
  gtk_drop_down_set_selected (self->direction, value_index (direction_values, direction));
  gtk_drop_down_set_selected (self->status_filter, value_index (status_values, status));
  gtk_editable_set_text (GTK_EDITABLE (self->number), number != NULL ? number : "");
}

GListModel *
crm_call_history_page_get_model (CrmCallHistoryPage *self)
{
  return G_LIST_MODEL (self->store);
}

const char *
crm_call_history_page_get_status (CrmCallHistoryPage *self)
{
  return gtk_label_get_text (self->status);
}

GtkMediaStream *
crm_call_history_page_get_stream (CrmCallHistoryPage *self)
{
  return self->stream;
}
