/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * How a call of call.list (an a{sv} record) reads to a person: one
 * definition for the history page, the export and the printout.
 */

/* "Incoming" / "Outgoing", translated. */
const char *crm_call_direction_label (const char *direction);
/* "Answered", "Missed", …, translated; an unknown status is returned as is. */
const char *crm_call_status_label    (const char *status);
/* The number as the phone rules write it; "Withheld" for an incoming call
 * without one. */
char       *crm_call_number_display  (const char *number, const char *direction);
/* Local time "YYYY-MM-DD HH:MM:SS"; "" for 0. */
char       *crm_call_time_display    (gint64 unix_us);
/* "m:ss" (or "h:mm:ss"); "" when the call was not answered. */
char       *crm_call_duration_display (gint64 seconds, gboolean answered);

/* A period of the history's filter bar ("today", "last-7-days",
 * "this-month", "last-month") as call.list's from/to (µs; `to` exclusive,
 * 0 when the period runs past `now`), in `now`'s time zone.  FALSE for an
 * unknown name ("" = any time). */
gboolean    crm_call_period_range (const char *period, GDateTime *now, gint64 *from, gint64 *to);

/* The members of a call.list record the export and printout show, read in
 * one pass; strings point into `record` ("" when absent or of another
 * type) and live as long as it. */
typedef struct {
  const char *direction, *status, *number, *customer_name, *user_name;
  gint64      started_at, answered_at, duration;
} CrmCallFields;

void        crm_call_fields_init (CrmCallFields *fields, GVariant *record);

/* Record accessors tolerant of missing members ("" / 0). */
const char *crm_call_record_string (GVariant *record, const char *key);
gint64      crm_call_record_int64  (GVariant *record, const char *key);

G_END_DECLS
