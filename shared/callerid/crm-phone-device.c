/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "crm-callerid-error.h"
#include "crm-phone-device.h"
#include "crm-serial-device.h"
#include "crm-modem-simulator.h"
#ifdef HAVE_GSTREAMER
#include "crm-audio-device.h"
#endif

G_DEFINE_INTERFACE (CrmPhoneDevice, crm_phone_device, G_TYPE_OBJECT)

enum
{
  SIGNAL_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
crm_phone_device_default_init (CrmPhoneDeviceInterface *iface)
{
  /**
   * CrmPhoneDevice::event:
   * @event: (type CrmCallEvent): what happened on the line
   */
  signals[SIGNAL_EVENT]
      = g_signal_new ("event", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, CRM_TYPE_CALL_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

gboolean
crm_phone_device_start (CrmPhoneDevice *self, GError **error)
{
  g_return_val_if_fail (CRM_IS_PHONE_DEVICE (self), FALSE);
  return CRM_PHONE_DEVICE_GET_IFACE (self)->start (self, error);
}

void
crm_phone_device_stop (CrmPhoneDevice *self)
{
  g_return_if_fail (CRM_IS_PHONE_DEVICE (self));
  CRM_PHONE_DEVICE_GET_IFACE (self)->stop (self);
}

gboolean
crm_phone_device_check_dial_number (const char *number, GError **error)
{
  gsize digits = 0;

  if (number == NULL || *number == '\0')
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                   _ ("There is no number to dial."));
      return FALSE;
    }
  for (const char *p = number; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!(*p == '*' || *p == '#' || *p == ',' || (*p == '+' && p == number)))
        {
          g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                       _ ("“%s” cannot be dialled: only digits, “*”, “#”, “,” and a leading “+” "
                          "are allowed."),
                       number);
          return FALSE;
        }
    }
  if (digits == 0 || strlen (number) > 40)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                   _ ("“%s” is not a telephone number that can be dialled."), number);
      return FALSE;
    }
  return TRUE;
}

gboolean
crm_phone_device_dial (CrmPhoneDevice *self, const char *number, GError **error)
{
  CrmPhoneDeviceInterface *iface;

  g_return_val_if_fail (CRM_IS_PHONE_DEVICE (self), FALSE);

  if (!crm_phone_device_check_dial_number (number, error))
    return FALSE;
  iface = CRM_PHONE_DEVICE_GET_IFACE (self);
  if (iface->dial == NULL)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_NOT_SUPPORTED,
                   _ ("This telephone device cannot dial out."));
      return FALSE;
    }
  return iface->dial (self, number, error);
}

gboolean
crm_phone_device_reject (CrmPhoneDevice *self, GError **error)
{
  CrmPhoneDeviceInterface *iface;

  g_return_val_if_fail (CRM_IS_PHONE_DEVICE (self), FALSE);

  iface = CRM_PHONE_DEVICE_GET_IFACE (self);
  if (iface->reject == NULL)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_NOT_SUPPORTED,
                   _ ("This telephone device cannot reject calls."));
      return FALSE;
    }
  return iface->reject (self, error);
}

void
crm_phone_device_emit_event (CrmPhoneDevice *self, const CrmCallEvent *event)
{
  g_return_if_fail (CRM_IS_PHONE_DEVICE (self));
  g_return_if_fail (event != NULL);

  if (g_log_get_debug_enabled ())
    {
      g_autofree char *s = crm_call_event_to_string (event);
      g_debug ("%s", s);
    }
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);
}

static CrmPhoneDevice *
new_serial (const char *spec, GError **error)
{
  g_autofree char *path = g_strdup (spec);
  char            *query = strchr (path, '?');
  guint64          baud = 115200;

  if (query != NULL)
    {
      *query++ = '\0';
      if (!g_str_has_prefix (query, "baud=")
          || !g_ascii_string_to_unsigned (query + 5, 10, 300, 4000000, &baud, NULL))
        {
          g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_BAD_URI,
                       _ ("The serial device option “%s” is not understood; use “baud=115200”."),
                       query);
          return NULL;
        }
    }
  if (*path != '/')
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_BAD_URI,
                   _ ("The serial device “%s” must be an absolute path such as /dev/ttyACM0."),
                   path);
      return NULL;
    }
  return CRM_PHONE_DEVICE (crm_serial_device_new (path, (guint)baud));
}

#ifdef HAVE_GSTREAMER
static void
unlink_and_free (gpointer path)
{
  g_unlink (path);
  g_free (path);
}

/* The script rendered to line audio with spandsp's transmitters and played
 * through the GStreamer capture path, decoder included. */
static CrmPhoneDevice *
new_sim_audio (const char *script, GError **error)
{
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new_from_file (script, error);
  g_autoptr (CrmPhoneDevice) device = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *wav = NULL;
  g_autofree char *spec = NULL;
  int              fd;

  if (sim == NULL)
    return NULL;
  fd = g_file_open_tmp ("jinke-crm-sim-XXXXXX.wav", &wav, &local);
  if (fd < 0)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot create the simulator’s directory: %s"), local->message);
      return NULL;
    }
  close (fd);
  if (!crm_modem_simulator_render_wav (sim, wav, -15.0f, error))
    {
      g_unlink (wav);
      return NULL;
    }
  spec = g_strconcat ("file:", wav, NULL);
  device = crm_audio_device_new (spec, error);
  if (device == NULL)
    {
      g_unlink (wav);
      return NULL;
    }
  g_object_set_data_full (G_OBJECT (device), "crm-sim-audio-file", g_steal_pointer (&wav),
                          unlink_and_free);
  return g_steal_pointer (&device);
}
#endif

CrmPhoneDevice *
crm_phone_device_new_for_uri (const char *uri, GError **error)
{
  g_return_val_if_fail (uri != NULL, NULL);

  if (g_str_has_prefix (uri, "serial:"))
    return new_serial (uri + 7, error);
  if (g_str_has_prefix (uri, "/dev/"))
    return new_serial (uri, error);
  if (g_str_has_prefix (uri, "sim:"))
    {
      g_autoptr (CrmModemSimulator) sim = NULL;
      g_autoptr (CrmSerialDevice) device = NULL;

      sim = crm_modem_simulator_new_from_file (uri + 4, error);
      if (sim == NULL)
        return NULL;
      device = crm_serial_device_new (crm_modem_simulator_get_path (sim), 115200);
      crm_serial_device_set_simulator (device, sim);
      return CRM_PHONE_DEVICE (g_steal_pointer (&device));
    }
#ifdef HAVE_GSTREAMER
  if (g_str_has_prefix (uri, "audio:"))
    return crm_audio_device_new (uri + 6, error);
  if (g_str_has_prefix (uri, "sim-audio:"))
    return new_sim_audio (uri + 10, error);
#endif

  g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_BAD_URI,
               _ ("The telephone device “%s” is not understood; use serial:/dev/ttyACM0, "
                  "audio:auto or sim:SCRIPT."),
               uri);
  return NULL;
}
