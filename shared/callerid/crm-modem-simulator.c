/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posix_openpt, grantpt, unlockpt, ptsname */
#define _GNU_SOURCE
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "crm-callerid-error.h"
#include "crm-modem-simulator.h"
#ifdef HAVE_SPANDSP
#include "crm-cid-generator.h"
#endif

#define MAX_SCRIPT_CALLS 10000
#define CID_AFTER_RING_MS 500
#define SECOND_RING_MS 1500

struct _CrmModemSimulator
{
  GObject parent_instance;

  GPtrArray *calls; /* CrmSimulatedCall */
  guint      next_call;
  gboolean   accept_vcid;

  char      *dir;
  char      *link_path;
  int        master;
  guint      read_id;
  guint      step_id;
  guint      rearm_id;
  int        step; /* 0 wait, 1 ring, 2 caller ID, 3 second ring */
  gboolean   cid_enabled;
  GString   *input;
  GPtrArray *commands;
};

G_DEFINE_FINAL_TYPE (CrmModemSimulator, crm_modem_simulator, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACCEPT_VCID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
simulated_call_free (gpointer p)
{
  CrmSimulatedCall *call = p;
  g_free (call->number);
  g_free (call->name);
  g_free (call);
}

static void
send_text (CrmModemSimulator *self, const char *text)
{
  gsize len = strlen (text), off = 0;

  while (off < len && self->master >= 0)
    {
      gssize n = write (self->master, text + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* Nobody reads the slave (backend not started): drop it, like a
           * modem talking to an unopened port. */
          return;
        }
      off += (gsize)n;
    }
}

static void schedule_step (CrmModemSimulator *self, guint msec);

static gboolean
step_cb (gpointer user_data)
{
  CrmModemSimulator      *self = user_data;
  const CrmSimulatedCall *call;

  self->step_id = 0;
  if (self->next_call >= self->calls->len || self->master < 0)
    return G_SOURCE_REMOVE;
  call = self->calls->pdata[self->next_call];

  switch (self->step)
    {
    case 0:
    case 1:
      send_text (self, "\r\nRING\r\n");
      self->step = 2;
      schedule_step (self, CID_AFTER_RING_MS);
      break;
    case 2:
      {
        g_autoptr (GDateTime) now = g_date_time_new_now_local ();
        g_autofree char *when = g_date_time_format (now, "%m%d\r\nTIME = %H%M");
        g_autofree char *text = g_strdup_printf (
            "\r\nDATE = %s\r\nNMBR = %s\r\n%s%s%s", when, call->number, call->name ? "NAME = " : "",
            call->name ? call->name : "", call->name ? "\r\n" : "");
        send_text (self, text);
        self->step = 3;
        schedule_step (self, SECOND_RING_MS);
      }
      break;
    default:
      send_text (self, "\r\nRING\r\n");
      self->next_call++;
      self->step = 0;
      if (self->next_call < self->calls->len)
        {
          const CrmSimulatedCall *next = self->calls->pdata[self->next_call];
          self->step = 1;
          schedule_step (self, (guint)(next->delay * 1000));
        }
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_step (CrmModemSimulator *self, guint msec)
{
  g_clear_handle_id (&self->step_id, g_source_remove);
  self->step_id = g_timeout_add (msec, step_cb, self);
}

static void
start_script (CrmModemSimulator *self)
{
  if (self->cid_enabled)
    return;
  self->cid_enabled = TRUE;
  if (self->step_id == 0 && self->next_call < self->calls->len)
    {
      const CrmSimulatedCall *call = self->calls->pdata[self->next_call];
      self->step = 1;
      schedule_step (self, (guint)(call->delay * 1000));
    }
}

static void
handle_command (CrmModemSimulator *self, const char *line)
{
  g_autofree char *cmd = g_ascii_strup (line, -1);

  g_ptr_array_add (self->commands, g_strdup (line));
  if (g_str_equal (cmd, "AT+VCID=1"))
    {
      if (!self->accept_vcid)
        {
          send_text (self, "\r\nERROR\r\n");
          return;
        }
      send_text (self, "\r\nOK\r\n");
      start_script (self);
    }
  else if (g_str_equal (cmd, "AT#CID=1"))
    {
      send_text (self, "\r\nOK\r\n");
      start_script (self);
    }
  else if (g_str_has_prefix (cmd, "ATDT"))
    send_text (self, g_str_has_suffix (cmd, ";") ? "\r\nOK\r\n" : "\r\nNO CARRIER\r\n");
  else if (g_str_has_prefix (cmd, "AT"))
    send_text (self, "\r\nOK\r\n");
  else
    send_text (self, "\r\nERROR\r\n");
}

static gboolean master_read_cb (int fd, GIOCondition condition, gpointer user_data);

static gboolean
rearm_cb (gpointer user_data)
{
  CrmModemSimulator *self = user_data;

  self->rearm_id = 0;
  if (self->master >= 0)
    self->read_id = g_unix_fd_add (self->master, G_IO_IN, master_read_cb, self);
  return G_SOURCE_REMOVE;
}

static gboolean
master_read_cb (int fd, GIOCondition condition, gpointer user_data)
{
  CrmModemSimulator *self = user_data;
  char               buf[256];
  gssize             n = read (fd, buf, sizeof buf);

  if (n <= 0)
    {
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
      /* EIO/HUP: no backend has the slave open (yet, or any more).  Poll
       * gently instead of spinning on a level-triggered hang-up. */
      self->read_id = 0;
      self->rearm_id = g_timeout_add (100, rearm_cb, self);
      return G_SOURCE_REMOVE;
    }
  for (gssize i = 0; i < n; i++)
    {
      if (buf[i] == '\r' || buf[i] == '\n')
        {
          if (self->input->len > 0)
            handle_command (self, self->input->str);
          g_string_truncate (self->input, 0);
        }
      else if (self->input->len < 256)
        g_string_append_c (self->input, buf[i]);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
open_pty (CrmModemSimulator *self, GError **error)
{
  int            fd, saved;
  const char    *slave;
  struct termios tio;

  fd = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 || grantpt (fd) != 0 || unlockpt (fd) != 0 || (slave = ptsname (fd)) == NULL)
    {
      saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot create a pseudo-terminal for the simulated modem: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  /* Raw from the start, so nothing is echoed before the backend sets the
   * slave up itself. */
  if (tcgetattr (fd, &tio) == 0)
    {
      cfmakeraw (&tio);
      tcsetattr (fd, TCSANOW, &tio);
    }
  g_unlink (self->link_path);
  if (symlink (slave, self->link_path) != 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot create the simulated device node %s: %s"), self->link_path,
                   g_strerror (saved));
      return FALSE;
    }
  g_unix_set_fd_nonblocking (fd, TRUE, NULL);
  self->master = fd;
  self->read_id = g_unix_fd_add (fd, G_IO_IN, master_read_cb, self);
  self->cid_enabled = FALSE;
  return TRUE;
}

static gboolean
parse_script (CrmModemSimulator *self, const char *script, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (script, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      g_auto (GStrv) f = NULL;
      CrmSimulatedCall *call;
      char             *end = NULL;
      guint             n;

      if (*line == '\0' || *line == '#')
        continue;
      f = g_strsplit (line, ",", 5);
      n = g_strv_length (f);
      if (n < 3 || n > 4)
        {
          g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                       _ ("Line %u of the call script must be “number,name,delay”."), i + 1);
          return FALSE;
        }
      call = g_new0 (CrmSimulatedCall, 1);
      g_ptr_array_add (self->calls, call);
      call->number = g_strstrip (g_strdup (f[0]));
      call->name = g_strstrip (g_strdup (f[1]));
      if (*call->name == '\0')
        g_clear_pointer (&call->name, g_free);
      call->delay = g_ascii_strtod (g_strstrip (f[2]), &end);
      if (*call->number == '\0' || strpbrk (call->number, "\r\n")
          || (call->name && (strlen (call->name) > 50 || !g_utf8_validate (call->name, -1, NULL))))
        {
          g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                       _ ("Line %u of the call script has an empty number or an unusable name."),
                       i + 1);
          return FALSE;
        }
      if (end == f[2] || *end != '\0' || !(call->delay >= 0 && call->delay <= 3600))
        {
          g_set_error (
              error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
              _ ("Line %u of the call script: the delay must be between 0 and 3600 seconds."),
              i + 1);
          return FALSE;
        }
      call->modulation = CRM_CALLER_ID_SOURCE_FSK_BELL202;
      if (n == 4)
        {
          const char *m = g_strstrip (f[3]);
          if (g_str_equal (m, "v23"))
            call->modulation = CRM_CALLER_ID_SOURCE_FSK_V23;
          else if (g_str_equal (m, "dtmf"))
            call->modulation = CRM_CALLER_ID_SOURCE_DTMF;
          else if (!g_str_equal (m, "fsk"))
            {
              g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                           _ ("Line %u of the call script: the signal must be fsk, v23 or dtmf."),
                           i + 1);
              return FALSE;
            }
        }
      if (self->calls->len > MAX_SCRIPT_CALLS)
        {
          g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                       _ ("The call script has more than %d calls."), MAX_SCRIPT_CALLS);
          return FALSE;
        }
    }
  return TRUE;
}

CrmModemSimulator *
crm_modem_simulator_new (const char *script, GError **error)
{
  g_autoptr (CrmModemSimulator) self = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (script != NULL, NULL);

  self = g_object_new (CRM_TYPE_MODEM_SIMULATOR, NULL);
  if (!parse_script (self, script, error))
    return NULL;
  self->dir = g_dir_make_tmp ("jinke-crm-sim-XXXXXX", &local);
  if (self->dir == NULL)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot create the simulator’s directory: %s"), local->message);
      return NULL;
    }
  self->link_path = g_build_filename (self->dir, "ttySIM0", NULL);
  if (!open_pty (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CrmModemSimulator *
crm_modem_simulator_new_from_file (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  gsize len;

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_BAD_URI,
                   _ ("Cannot read the call script: %s"), local->message);
      return NULL;
    }
  if (len > 1024 * 1024 || memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_MALFORMED,
                   _ ("The call script %s is not a text file of calls."), path);
      return NULL;
    }
  return crm_modem_simulator_new (text, error);
}

const char *
crm_modem_simulator_get_path (CrmModemSimulator *self)
{
  g_return_val_if_fail (CRM_IS_MODEM_SIMULATOR (self), NULL);
  return self->link_path;
}

guint
crm_modem_simulator_get_n_calls (CrmModemSimulator *self)
{
  g_return_val_if_fail (CRM_IS_MODEM_SIMULATOR (self), 0);
  return self->calls->len;
}

const CrmSimulatedCall *
crm_modem_simulator_get_call (CrmModemSimulator *self, guint index)
{
  g_return_val_if_fail (CRM_IS_MODEM_SIMULATOR (self), NULL);
  g_return_val_if_fail (index < self->calls->len, NULL);
  return self->calls->pdata[index];
}

GStrv
crm_modem_simulator_dup_commands (CrmModemSimulator *self)
{
  GStrvBuilder *b = g_strv_builder_new ();
  GStrv         out;

  for (guint i = 0; i < self->commands->len; i++)
    g_strv_builder_add (b, self->commands->pdata[i]);
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}

guint
crm_modem_simulator_get_n_played (CrmModemSimulator *self)
{
  g_return_val_if_fail (CRM_IS_MODEM_SIMULATOR (self), 0);
  return self->next_call;
}

void
crm_modem_simulator_unplug (CrmModemSimulator *self)
{
  g_return_if_fail (CRM_IS_MODEM_SIMULATOR (self));

  g_clear_handle_id (&self->read_id, g_source_remove);
  g_clear_handle_id (&self->step_id, g_source_remove);
  g_clear_handle_id (&self->rearm_id, g_source_remove);
  if (self->master >= 0)
    {
      close (self->master);
      self->master = -1;
    }
  if (self->link_path)
    g_unlink (self->link_path);
  /* A call cut off by the unplug starts again from its first ring. */
  self->step = 0;
  self->cid_enabled = FALSE;
  g_string_truncate (self->input, 0);
}

gboolean
crm_modem_simulator_replug (CrmModemSimulator *self, GError **error)
{
  g_return_val_if_fail (CRM_IS_MODEM_SIMULATOR (self), FALSE);

  if (self->master >= 0)
    return TRUE;
  return open_pty (self, error);
}

#ifdef HAVE_SPANDSP
static void
put_le16 (guint8 *p, guint16 v)
{
  p[0] = (guint8)v;
  p[1] = (guint8)(v >> 8);
}

static void
put_le32 (guint8 *p, guint32 v)
{
  put_le16 (p, (guint16)v);
  put_le16 (p + 2, (guint16)(v >> 16));
}
#endif

gboolean
crm_modem_simulator_render_wav (CrmModemSimulator *self, const char *path, float level_dbm0,
                                GError **error)
{
#ifdef HAVE_SPANDSP
  g_autoptr (GByteArray) wav = g_byte_array_new ();
  g_autoptr (GArray) pcm = g_array_new (FALSE, TRUE, sizeof (gint16));
  guint8  header[44];
  guint32 data_len;

  for (guint i = 0; i < self->calls->len; i++)
    {
      const CrmSimulatedCall *call = self->calls->pdata[i];
      g_autoptr (CrmCallEvent) cid = crm_call_event_new (CRM_CALL_EVENT_CALLER_ID);
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      g_autofree char   *mmdd = g_date_time_format (now, "%m%d");
      g_autofree char   *hhmm = g_date_time_format (now, "%H%M");
      g_autofree gint16 *samples = NULL;
      gsize              n = 0;

      if (g_str_equal (call->number, "P") || g_str_equal (call->number, "O"))
        cid->number_reason
            = call->number[0] == 'P' ? CRM_CALLER_ID_PRIVATE : CRM_CALLER_ID_UNAVAILABLE;
      else
        cid->number = g_strdup (call->number);
      cid->name = g_strdup (call->name);
      cid->name_reason = call->name ? CRM_CALLER_ID_PRESENT : CRM_CALLER_ID_ABSENT;
      crm_call_event_set_datetime (cid, mmdd, hhmm);
      g_array_set_size (pcm, pcm->len + (guint)(call->delay * 8000));
      if (call->modulation == CRM_CALLER_ID_SOURCE_DTMF)
        samples = crm_cid_generate_dtmf (cid, level_dbm0, &n);
      else
        samples = crm_cid_generate_fsk (cid, call->modulation, FALSE, level_dbm0, &n);
      if (samples)
        g_array_append_vals (pcm, samples, (guint)n);
    }
  g_array_set_size (pcm, pcm->len + 8000);

  data_len = pcm->len * 2;
  memcpy (header, "RIFF", 4);
  put_le32 (header + 4, 36 + data_len);
  memcpy (header + 8, "WAVEfmt ", 8);
  put_le32 (header + 16, 16);
  put_le16 (header + 20, 1);
  put_le16 (header + 22, 1);
  put_le32 (header + 24, 8000);
  put_le32 (header + 28, 16000);
  put_le16 (header + 32, 2);
  put_le16 (header + 34, 16);
  memcpy (header + 36, "data", 4);
  put_le32 (header + 40, data_len);
  g_byte_array_append (wav, header, sizeof header);
  for (guint i = 0; i < pcm->len; i++)
    {
      guint16 s = GUINT16_TO_LE ((guint16)g_array_index (pcm, gint16, i));
      g_byte_array_append (wav, (const guint8 *)&s, 2);
    }
  return g_file_set_contents (path, (const char *)wav->data, wav->len, error);
#else
  g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_NOT_SUPPORTED,
               _ ("Caller-ID audio needs spandsp, which this build lacks."));
  return FALSE;
#endif
}

static void
crm_modem_simulator_finalize (GObject *object)
{
  CrmModemSimulator *self = CRM_MODEM_SIMULATOR (object);

  crm_modem_simulator_unplug (self);
  if (self->dir)
    g_rmdir (self->dir);
  g_free (self->dir);
  g_free (self->link_path);
  g_ptr_array_unref (self->calls);
  g_ptr_array_unref (self->commands);
  g_string_free (self->input, TRUE);
  G_OBJECT_CLASS (crm_modem_simulator_parent_class)->finalize (object);
}

static void
crm_modem_simulator_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrmModemSimulator *self = CRM_MODEM_SIMULATOR (object);

  switch (prop_id)
    {
    case PROP_ACCEPT_VCID:
      g_value_set_boolean (value, self->accept_vcid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_modem_simulator_set_property (GObject *object, guint prop_id, const GValue *value,
                                  GParamSpec *pspec)
{
  CrmModemSimulator *self = CRM_MODEM_SIMULATOR (object);

  switch (prop_id)
    {
    case PROP_ACCEPT_VCID:
      if (self->accept_vcid != g_value_get_boolean (value))
        {
          self->accept_vcid = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_modem_simulator_class_init (CrmModemSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = crm_modem_simulator_finalize;
  object_class->get_property = crm_modem_simulator_get_property;
  object_class->set_property = crm_modem_simulator_set_property;

  /* FALSE plays an older (Rockwell-class) modem that only knows AT#CID. */
  properties[PROP_ACCEPT_VCID]
      = g_param_spec_boolean ("accept-vcid", NULL, NULL, TRUE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
crm_modem_simulator_init (CrmModemSimulator *self)
{
  self->master = -1;
  self->accept_vcid = TRUE;
  self->calls = g_ptr_array_new_with_free_func (simulated_call_free);
  self->commands = g_ptr_array_new_with_free_func (g_free);
  self->input = g_string_new (NULL);
}
