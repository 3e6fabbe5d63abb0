/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-call-format"
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-call-format.h"
#include "crm-phone.h"

const char *
crm_call_direction_label (const char *direction)
{
  return strcmp (direction, "in") == 0 ? _("Incoming") : _("Outgoing");
}

const char *
crm_call_status_label (const char *status)
{
  if (strcmp (status, "answered") == 0) return _("Answered");
  if (strcmp (status, "missed") == 0) return _("Missed");
  if (strcmp (status, "rejected") == 0) return _("Rejected");
  if (strcmp (status, "blocked") == 0) return _("Blocked");
  if (strcmp (status, "fax") == 0) return _("Fax");
  return status;
}

char *
crm_call_number_display (const char *number, const char *direction)
{
  char *display = *number ? crm_phone_format (number) : NULL;

  if (display != NULL)
    return display;
  if (*number != '\0')
    return g_strdup (number);
  /* Picked up and dialled on the handset: the box did not tell the number. */
  return g_strdup (strcmp (direction, "in") == 0 ? _("Withheld") : "");
}

char *
crm_call_time_display (gint64 unix_us)
{
  g_autoptr(GDateTime) t = unix_us ? g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC) : NULL;

  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

char *
crm_call_duration_display (gint64 seconds, gboolean answered)
{
  if (!answered)
    return g_strdup ("");
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", seconds / 60, (int) (seconds % 60));
}

const char *
crm_call_record_string (GVariant *record, const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (record, key, "&s", &value))
    return "";
  return value;
}

gint64
crm_call_record_int64 (GVariant *record, const char *key)
{
  gint64 value = 0;

  if (!g_variant_lookup (record, key, "x", &value))
    return 0;
  return value;
}

void
crm_call_fields_init (CrmCallFields *f, GVariant *record)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  f->direction = f->status = f->number = f->customer_name = f->user_name = "";
  f->started_at = f->answered_at = f->duration = 0;
  g_variant_iter_init (&iter, record);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      const char **text = NULL;
      gint64 *number = NULL;

      if (strcmp (key, "direction") == 0) text = &f->direction;
      else if (strcmp (key, "status") == 0) text = &f->status;
      else if (strcmp (key, "number") == 0) text = &f->number;
      else if (strcmp (key, "customer_name") == 0) text = &f->customer_name;
      else if (strcmp (key, "user_name") == 0) text = &f->user_name;
      else if (strcmp (key, "started_at") == 0) number = &f->started_at;
      else if (strcmp (key, "answered_at") == 0) number = &f->answered_at;
      else if (strcmp (key, "duration") == 0) number = &f->duration;
      /* The string stays in the record's data (serialised or tree form)
       * after the boxed value goes. */
      if (text != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        *text = g_variant_get_string (value, NULL);
      else if (number != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        *number = g_variant_get_int64 (value);
      g_variant_unref (value);
    }
}

static gint64
day_start_us (GDateTime *now, int year, int month, int day)
{
  g_autoptr(GDateTime) t = g_date_time_new (g_date_time_get_timezone (now), year, month, day, 0, 0, 0);

  return g_date_time_to_unix (t) * G_USEC_PER_SEC;
}

gboolean
crm_call_period_range (const char *period, GDateTime *now, gint64 *from, gint64 *to)
{
  int y = g_date_time_get_year (now), m = g_date_time_get_month (now), d = g_date_time_get_day_of_month (now);
  gint64 now_us = g_date_time_to_unix (now) * G_USEC_PER_SEC;

  *from = *to = 0;
  if (strcmp (period, "today") == 0)
    *from = day_start_us (now, y, m, d);
  else if (strcmp (period, "last-7-days") == 0)
    *from = now_us - G_GINT64_CONSTANT (7) * 86400 * G_USEC_PER_SEC;
  else if (strcmp (period, "this-month") == 0)
    *from = day_start_us (now, y, m, 1);
  else if (strcmp (period, "last-month") == 0)
    {
      *from = m == 1 ? day_start_us (now, y - 1, 12, 1) : day_start_us (now, y, m - 1, 1);
      *to = day_start_us (now, y, m, 1);
    }
  else
    return FALSE;
  return TRUE;
}
