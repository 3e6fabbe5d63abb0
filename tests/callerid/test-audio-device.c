/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GStreamer capture backend, end to end: simulator script → spandsp
 * caller-ID audio (WAV) → filesrc/wavparse/audioresample/appsink →
 * decoder → "event" signal.  Also a real 44.1 kHz recording. */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "crm-audio-device.h"
#include "crm-callerid-error.h"
#include "crm-modem-simulator.h"
#include "crm-phone-device.h"

static void
on_event (CrmPhoneDevice *device, CrmCallEvent *event, GPtrArray *events)
{
  if (event->kind == CRM_CALL_EVENT_CALLER_ID)
    g_ptr_array_add (events, crm_call_event_copy (event));
}

static gboolean
guard_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Plays `uri` to the end; the guard only stops a hung test. */
static GPtrArray *
play (const char *uri)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmPhoneDevice) device = crm_phone_device_new_for_uri (uri, &error);
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify)crm_call_event_free);
  gboolean   expired = FALSE;
  guint      guard;

  g_assert_no_error (error);
  g_assert_true (CRM_IS_AUDIO_DEVICE (device));
  g_signal_connect (device, "event", G_CALLBACK (on_event), events);
  g_assert_true (crm_phone_device_start (device, &error));
  g_assert_no_error (error);
  guard = g_timeout_add_seconds (60, guard_cb, &expired);
  while (!crm_audio_device_is_finished (CRM_AUDIO_DEVICE (device)) && !expired)
    g_main_context_iteration (NULL, TRUE);
  /* Deliver events still queued from the streaming thread. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (!expired)
    g_source_remove (guard);
  g_assert_true (crm_audio_device_is_finished (CRM_AUDIO_DEVICE (device)));
  crm_phone_device_stop (device);
  return events;
}

static void
test_simulated_audio (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new ("13912345678,ZHANG SAN,0.5,fsk\n"
                                                               "02161234567,LI SI,1.0,v23\n"
                                                               "075512345678,,1.0,dtmf\n"
                                                               "P,,1.0,fsk\n",
                                                               &error);
  g_autofree char *wav = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (GPtrArray) events = NULL;
  int           fd;
  CrmCallEvent *e;

  g_assert_no_error (error);
  fd = g_file_open_tmp ("crm-sim-XXXXXX.wav", &wav, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (crm_modem_simulator_render_wav (sim, wav, -15.0f, &error));
  g_assert_no_error (error);
  uri = g_strconcat ("audio:file:", wav, NULL);
  events = play (uri);
  g_unlink (wav);

  g_assert_cmpuint (events->len, ==, 4);
  e = events->pdata[0];
  g_assert_cmpstr (e->number, ==, "13912345678");
  g_assert_cmpstr (e->name, ==, "ZHANG SAN");
  g_assert_true (e->datetime_valid);
  g_assert_cmpint (e->source, ==, CRM_CALLER_ID_SOURCE_FSK_BELL202);
  e = events->pdata[1];
  g_assert_cmpstr (e->number, ==, "02161234567");
  g_assert_cmpstr (e->name, ==, "LI SI");
  g_assert_cmpint (e->source, ==, CRM_CALLER_ID_SOURCE_FSK_V23);
  e = events->pdata[2];
  g_assert_cmpstr (e->number, ==, "075512345678");
  g_assert_cmpint (e->source, ==, CRM_CALLER_ID_SOURCE_DTMF);
  e = events->pdata[3];
  g_assert_null (e->number);
  g_assert_cmpint (e->number_reason, ==, CRM_CALLER_ID_PRIVATE);
}

static void
test_sim_audio_uri (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *script = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (GPtrArray) events = NULL;
  int fd = g_file_open_tmp ("crm-sim-XXXXXX.txt", &script, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (script, "13312345678,WANG WU,0.2,dtmf\n", -1, NULL));
  uri = g_strconcat ("sim-audio:", script, NULL);
  events = play (uri);
  g_unlink (script);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (((CrmCallEvent *)events->pdata[0])->number, ==, "13312345678");
}

static void
test_real_44k (void)
{
  const char      *env = g_getenv ("CRM_TESTDATA_DIR");
  g_autofree char *path = g_build_filename (env ? env : CRM_TESTDATA_DIR, "callerid", "audio",
                                            "FSK-CallerID-decoding_test1.wav", NULL);
  g_autofree char *uri = NULL;
  g_autoptr (GPtrArray) events = NULL;
  CrmCallEvent *e;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("shared/testdata/callerid is absent (set CRM_TESTDATA_DIR)");
      return;
    }
  uri = g_strconcat ("audio:file:", path, NULL);
  events = play (uri);
  g_assert_cmpuint (events->len, ==, 1);
  e = events->pdata[0];
  g_assert_cmpstr (e->number, ==, "4806343526");
  g_assert_cmpstr (e->name, ==, "Cell Phone   AZ");
  g_assert_cmpstr (e->date, ==, "0813");
  g_assert_cmpstr (e->time, ==, "1817");
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  g_autoptr (GError) error3 = NULL;
  g_autoptr (CrmPhoneDevice) missing = NULL;
  g_autoptr (CrmPhoneDevice) bogus = crm_phone_device_new_for_uri ("audio:speaker", &error);

  g_assert_null (bogus);
  g_assert_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_BAD_URI);

  missing = crm_phone_device_new_for_uri ("audio:file:/nonexistent/line.wav", &error2);
  g_assert_no_error (error2);
  g_assert_false (crm_phone_device_start (missing, &error2));
  g_assert_error (error2, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE);
  /* The sound device cannot take the line off-hook. */
  g_assert_false (crm_phone_device_dial (missing, "10086", &error3));
  g_assert_error (error3, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_NOT_SUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/callerid/gst/simulated-audio", test_simulated_audio);
  g_test_add_func ("/callerid/gst/sim-audio-uri", test_sim_audio_uri);
  g_test_add_func ("/callerid/gst/real-44k-recording", test_real_44k);
  g_test_add_func ("/callerid/gst/errors", test_errors);
  return g_test_run ();
}
