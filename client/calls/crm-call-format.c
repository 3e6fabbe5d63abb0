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
