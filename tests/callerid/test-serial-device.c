/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The serial caller-ID modem backend against the pseudo-terminal
 * simulator: set-up, calls, dial-out, rejection, unplug and replug. */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "crm-callerid-error.h"
#include "crm-modem-simulator.h"
#include "crm-phone-device.h"
#include "crm-serial-device.h"

typedef struct
{
  GPtrArray *events;
} Fixture;

static void
on_event (CrmPhoneDevice *device, CrmCallEvent *event, Fixture *fx)
{
  g_ptr_array_add (fx->events, crm_call_event_copy (event));
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  fx->events = g_ptr_array_new_with_free_func ((GDestroyNotify)crm_call_event_free);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_ptr_array_unref (fx->events);
}

static guint
count (Fixture *fx, CrmCallEventKind kind)
{
  guint n = 0;
  for (guint i = 0; i < fx->events->len; i++)
    if (((CrmCallEvent *)fx->events->pdata[i])->kind == kind)
      n++;
  return n;
}

static CrmCallEvent *
find (Fixture *fx, CrmCallEventKind kind, guint nth)
{
  for (guint i = 0; i < fx->events->len; i++)
    {
      CrmCallEvent *e = fx->events->pdata[i];
      if (e->kind == kind && nth-- == 0)
        return e;
    }
  return NULL;
}

static gboolean
guard_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until `count (kind) >= n`.  The guard only stops a
 * hung test; nothing is asserted about how long it took. */
static void
wait_for (Fixture *fx, CrmCallEventKind kind, guint n)
{
  gboolean expired = FALSE;
  guint    guard = g_timeout_add_seconds (30, guard_cb, &expired);

  while (count (fx, kind) < n && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (guard);
  g_assert_cmpuint (count (fx, kind), >=, n);
}

static gboolean
has_command (CrmModemSimulator *sim, const char *cmd, guint times)
{
  g_auto (GStrv) cmds = crm_modem_simulator_dup_commands (sim);
  guint n = 0;
  for (guint i = 0; cmds[i]; i++)
    if (g_str_equal (cmds[i], cmd))
      n++;
  return n >= times;
}

static void
wait_for_command (CrmModemSimulator *sim, const char *cmd, guint times)
{
  gboolean expired = FALSE;
  guint    guard = g_timeout_add_seconds (30, guard_cb, &expired);

  while (!has_command (sim, cmd, times) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (guard);
  g_assert_true (has_command (sim, cmd, times));
}

static char *
write_script (const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int   fd = g_file_open_tmp ("crm-sim-XXXXXX.txt", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_sim_calls (Fixture *fx, gconstpointer data)
{
  g_autofree char *script = write_script (
      "# demo calls\n13912345678,ZHANG SAN,0.1\nP,,0.1\n02161234567,上海金客,0.1\n");
  g_autofree char *uri = g_strconcat ("sim:", script, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmPhoneDevice) device = crm_phone_device_new_for_uri (uri, &error);
  CrmModemSimulator *sim;
  CrmCallEvent      *e;

  g_assert_no_error (error);
  g_assert_true (CRM_IS_SERIAL_DEVICE (device));
  sim = crm_serial_device_get_simulator (CRM_SERIAL_DEVICE (device));
  g_signal_connect (device, "event", G_CALLBACK (on_event), fx);
  g_assert_true (crm_phone_device_start (device, &error));
  g_assert_no_error (error);

  wait_for (fx, CRM_CALL_EVENT_CALLER_ID, 3);
  g_assert_cmpstr (crm_serial_device_get_cid_command (CRM_SERIAL_DEVICE (device)), ==, "AT+VCID=1");
  g_assert_true (has_command (sim, "ATE0", 1));
  e = find (fx, CRM_CALL_EVENT_CALLER_ID, 0);
  g_assert_cmpstr (e->number, ==, "13912345678");
  g_assert_cmpstr (e->name, ==, "ZHANG SAN");
  g_assert_true (e->datetime_valid);
  e = find (fx, CRM_CALL_EVENT_CALLER_ID, 1);
  g_assert_null (e->number);
  g_assert_cmpint (e->number_reason, ==, CRM_CALLER_ID_PRIVATE);
  e = find (fx, CRM_CALL_EVENT_CALLER_ID, 2);
  g_assert_cmpstr (e->name, ==, "上海金客");
  g_assert_cmpuint (count (fx, CRM_CALL_EVENT_RING), >=, 5);
  g_unlink (script);
}

static void
test_cid_fallback (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new ("13800138000,LI SI,0.1\n", &error);
  g_autoptr (CrmSerialDevice) device = NULL;

  g_assert_no_error (error);
  g_object_set (sim, "accept-vcid", FALSE, NULL);
  device = crm_serial_device_new (crm_modem_simulator_get_path (sim), 115200);
  g_signal_connect (device, "event", G_CALLBACK (on_event), fx);
  g_assert_true (crm_phone_device_start (CRM_PHONE_DEVICE (device), &error));
  wait_for (fx, CRM_CALL_EVENT_CALLER_ID, 1);
  g_assert_true (has_command (sim, "AT+VCID=1", 1));
  g_assert_true (has_command (sim, "AT#CID=1", 1));
  g_assert_cmpstr (crm_serial_device_get_cid_command (device), ==, "AT#CID=1");
  g_assert_cmpstr (find (fx, CRM_CALL_EVENT_CALLER_ID, 0)->number, ==, "13800138000");
}

static void
test_dial (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) bad = NULL;
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new ("", &error);
  g_autoptr (CrmSerialDevice) device
      = crm_serial_device_new (crm_modem_simulator_get_path (sim), 115200);
  CrmCallEvent *e;

  g_signal_connect (device, "event", G_CALLBACK (on_event), fx);
  g_assert_true (crm_phone_device_start (CRM_PHONE_DEVICE (device), &error));
  g_assert_false (crm_phone_device_dial (CRM_PHONE_DEVICE (device), "139;ATH", &bad));
  g_assert_error (bad, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED);
  g_assert_true (crm_phone_device_dial (CRM_PHONE_DEVICE (device), "013912345678", &error));
  wait_for (fx, CRM_CALL_EVENT_DIAL_RESULT, 1);
  e = find (fx, CRM_CALL_EVENT_DIAL_RESULT, 0);
  g_assert_cmpint (e->dial_result, ==, CRM_DIAL_RESULT_OK);
  g_assert_cmpstr (e->dialed, ==, "013912345678");
  g_assert_true (has_command (sim, "ATDT013912345678;", 1));
  /* The modem lets go of the line once the handset has the call. */
  wait_for_command (sim, "ATH0", 1);
}

static void
test_reject (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new ("", &error);
  g_autoptr (CrmSerialDevice) device
      = crm_serial_device_new (crm_modem_simulator_get_path (sim), 115200);
  g_auto (GStrv) cmds = NULL;
  int h1 = -1, h0 = -1;

  crm_serial_device_set_reject_pause (device, 200);
  g_signal_connect (device, "event", G_CALLBACK (on_event), fx);
  g_assert_true (crm_phone_device_start (CRM_PHONE_DEVICE (device), &error));
  g_assert_true (crm_phone_device_reject (CRM_PHONE_DEVICE (device), &error));
  wait_for (fx, CRM_CALL_EVENT_ON_HOOK, 1);
  g_assert_cmpuint (count (fx, CRM_CALL_EVENT_OFF_HOOK), ==, 1);
  cmds = crm_modem_simulator_dup_commands (sim);
  for (int i = 0; cmds[i]; i++)
    {
      if (g_str_equal (cmds[i], "ATH1"))
        h1 = i;
      if (g_str_equal (cmds[i], "ATH0"))
        h0 = i;
    }
  g_assert_cmpint (h1, >=, 0);
  g_assert_cmpint (h0, >, h1);
}

static void
test_unplug_replug (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new ("13700137000,WANG WU,1.0\n", &error);
  g_autoptr (CrmSerialDevice) device
      = crm_serial_device_new (crm_modem_simulator_get_path (sim), 115200);

  g_signal_connect (device, "event", G_CALLBACK (on_event), fx);
  g_assert_true (crm_phone_device_start (CRM_PHONE_DEVICE (device), &error));
  wait_for_command (sim, "AT+VCID=1", 1);

  crm_modem_simulator_unplug (sim);
  wait_for (fx, CRM_CALL_EVENT_DEVICE_LOST, 1);
  g_assert_cmpuint (count (fx, CRM_CALL_EVENT_CALLER_ID), ==, 0);
  g_assert_false (crm_phone_device_dial (CRM_PHONE_DEVICE (device), "10086", &error));
  g_assert_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE);
  g_clear_error (&error);

  g_assert_true (crm_modem_simulator_replug (sim, &error));
  wait_for (fx, CRM_CALL_EVENT_DEVICE_BACK, 1);
  /* Set up again, and calls come through again. */
  wait_for_command (sim, "AT+VCID=1", 2);
  wait_for (fx, CRM_CALL_EVENT_CALLER_ID, 1);
  g_assert_cmpstr (find (fx, CRM_CALL_EVENT_CALLER_ID, 0)->number, ==, "13700137000");
  g_assert_cmpuint (count (fx, CRM_CALL_EVENT_DEVICE_LOST), ==, 1);
}

static void
test_ring_stopped (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new ("13600136000,MISSED,0.1\n", &error);
  g_autoptr (CrmSerialDevice) device
      = crm_serial_device_new (crm_modem_simulator_get_path (sim), 115200);
  guint last_ring = 0, stopped = 0;

  /* The simulator rings twice, 2 s apart: a 2.5 s timeout must not fire
   * between the rings, only after the last. */
  crm_serial_device_set_ring_timeout (device, 2500);
  g_signal_connect (device, "event", G_CALLBACK (on_event), fx);
  g_assert_true (crm_phone_device_start (CRM_PHONE_DEVICE (device), &error));
  wait_for (fx, CRM_CALL_EVENT_RING_STOPPED, 1);
  for (guint i = 0; i < fx->events->len; i++)
    {
      CrmCallEvent *e = fx->events->pdata[i];
      if (e->kind == CRM_CALL_EVENT_RING)
        last_ring = i;
      if (e->kind == CRM_CALL_EVENT_RING_STOPPED)
        stopped = i;
    }
  g_assert_cmpuint (count (fx, CRM_CALL_EVENT_RING), ==, 2);
  g_assert_cmpuint (count (fx, CRM_CALL_EVENT_RING_STOPPED), ==, 1);
  g_assert_cmpuint (stopped, >, last_ring);
  g_assert_cmpuint (count (fx, CRM_CALL_EVENT_CALLER_ID), ==, 1);
}

static void
drop_on_lost (CrmPhoneDevice *device, CrmCallEvent *event, gpointer user_data)
{
  /* The application closes the device from inside its own event. */
  if (event->kind == CRM_CALL_EVENT_DEVICE_LOST)
    g_object_unref (device);
}

static void
test_unref_in_handler (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new ("", &error);
  CrmSerialDevice *device = crm_serial_device_new (crm_modem_simulator_get_path (sim), 115200);
  gboolean         expired = FALSE;
  guint            guard;

  g_object_add_weak_pointer (G_OBJECT (device), (gpointer *)&device);
  g_signal_connect (device, "event", G_CALLBACK (drop_on_lost), NULL);
  g_assert_true (crm_phone_device_start (CRM_PHONE_DEVICE (device), &error));
  wait_for_command (sim, "AT+VCID=1", 1);
  crm_modem_simulator_unplug (sim);
  guard = g_timeout_add_seconds (30, guard_cb, &expired);
  while (device != NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (guard);
  g_assert_null (device);
}

static void
test_open_errors (Fixture *fx, gconstpointer data)
{
  static const struct
  {
    const char *uri;
    int         code;
    gboolean    at_start;
  } cases[] = {
    { "bogus:thing", CRM_CALLERID_ERROR_BAD_URI, FALSE },
    { "serial:relative/tty", CRM_CALLERID_ERROR_BAD_URI, FALSE },
    { "serial:/dev/ttyACM0?baud=fast", CRM_CALLERID_ERROR_BAD_URI, FALSE },
    { "serial:/dev/ttyACM0?parity=odd", CRM_CALLERID_ERROR_BAD_URI, FALSE },
    { "sim:/nonexistent/script.txt", CRM_CALLERID_ERROR_BAD_URI, FALSE },
    { "serial:/nonexistent/ttyACM9", CRM_CALLERID_ERROR_DEVICE, TRUE },
    { "serial:/dev/null", CRM_CALLERID_ERROR_DEVICE, TRUE },
    { "serial:/dev/null?baud=12345", CRM_CALLERID_ERROR_DEVICE, TRUE },
  };
  static const char *bad_scripts[] = {
    "13800138000\n", "13800138000,NAME,soon\n", ",NAME,1\n",
    "1,N,-5\n",      "1,N,1,morse\n",           "1,N,99999\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrmPhoneDevice) device = crm_phone_device_new_for_uri (cases[i].uri, &error);

      if (cases[i].at_start)
        {
          g_assert_no_error (error);
          g_assert_false (crm_phone_device_start (device, &error));
        }
      else
        g_assert_null (device);
      g_assert_error (error, CRM_CALLERID_ERROR, cases[i].code);
      g_assert_nonnull (error->message);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_scripts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CrmModemSimulator) sim = crm_modem_simulator_new (bad_scripts[i], &error);
      g_assert_null (sim);
      g_assert_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, "1"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/callerid/serial/sim-calls", test_sim_calls);
  ADD ("/callerid/serial/cid-fallback", test_cid_fallback);
  ADD ("/callerid/serial/dial", test_dial);
  ADD ("/callerid/serial/reject", test_reject);
  ADD ("/callerid/serial/unplug-replug", test_unplug_replug);
  ADD ("/callerid/serial/ring-stopped", test_ring_stopped);
  ADD ("/callerid/serial/unref-in-handler", test_unref_in_handler);
  ADD ("/callerid/serial/open-errors", test_open_errors);
  return g_test_run ();
}
