/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_LOG_DOMAIN "crm-callerid"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "crm-callerid-error.h"
#include "crm-modem-parser.h"
#include "crm-modem-simulator.h"
#include "crm-serial-device.h"

/* A quiet line for this long ends a caller-ID block with no RING after it. */
#define IDLE_FLUSH_MS 400
#define COMMAND_TIMEOUT_MS 3000
#define DIAL_TIMEOUT_MS 60000
/* After "ATDT…;" returns, the handset has the call; the modem lets go. */
#define DIAL_RELEASE_MS 3000
#define REOPEN_INTERVAL_S 1
/* No RING for this long: the caller gave up (rings come every 4-6 s). */
#define RING_TIMEOUT_MS 8000

typedef enum
{
  CMD_ECHO_OFF,
  CMD_VCID,
  CMD_HASH_CID,
  CMD_DIAL,
  CMD_REJECT_OFF_HOOK,
  CMD_REJECT_ON_HOOK,
  CMD_HANG_UP,
} CommandKind;

typedef struct
{
  CommandKind kind;
  char       *text;
  char       *number;
} Command;

struct _CrmSerialDevice
{
  GObject parent_instance;

  char    *path;
  guint    baud;
  int      fd;
  gboolean started;
  gboolean lost;

  guint read_id;
  guint idle_id;
  guint reopen_id;
  guint command_timeout_id;
  guint pause_id;
  guint ring_id;
  guint ring_timeout_ms;

  CrmModemParser *parser;
  GQueue          commands;
  Command        *current;
  const char     *cid_command;
  guint           reject_pause_ms;

  CrmModemSimulator *simulator;
};

static void crm_serial_device_iface_init (CrmPhoneDeviceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmSerialDevice, crm_serial_device, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CRM_TYPE_PHONE_DEVICE,
                                                      crm_serial_device_iface_init))

enum
{
  PROP_0,
  PROP_PATH,
  PROP_BAUD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
command_free (Command *cmd)
{
  g_free (cmd->text);
  g_free (cmd->number);
  g_free (cmd);
}

static void
emit_kind (CrmSerialDevice *self, CrmCallEventKind kind)
{
  g_autoptr (CrmCallEvent) event = crm_call_event_new (kind);
  crm_phone_device_emit_event (CRM_PHONE_DEVICE (self), event);
}

static void
emit_warning (CrmSerialDevice *self, const char *message)
{
  g_autoptr (CrmCallEvent) event = crm_call_event_new (CRM_CALL_EVENT_WARNING);
  event->message = g_strdup (message);
  crm_phone_device_emit_event (CRM_PHONE_DEVICE (self), event);
}

static speed_t
baud_to_speed (guint baud)
{
  switch (baud)
    {
    case 1200:
      return B1200;
    case 2400:
      return B2400;
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    case 460800:
      return B460800;
    case 921600:
      return B921600;
    default:
      return B0;
    }
}

static int
open_tty (const char *path, guint baud, GError **error)
{
  struct termios tio;
  speed_t        speed = baud_to_speed (baud);
  int            fd, saved;

  if (speed == B0)
    {
      g_set_error (
          error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
          _ ("The serial speed %u is not supported; use 9600, 19200, 38400, 57600 or 115200."),
          baud);
      return -1;
    }
  fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot open the telephone device %s: %s"), path, g_strerror (saved));
      return -1;
    }
  if (tcgetattr (fd, &tio) != 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("%s is not a serial device: %s"), path, g_strerror (saved));
      return -1;
    }
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS | CSIZE);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);
  if (tcsetattr (fd, TCSANOW, &tio) != 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("Cannot configure the serial device %s: %s"), path, g_strerror (saved));
      return -1;
    }
  tcflush (fd, TCIOFLUSH);
  return fd;
}

static void send_next_command (CrmSerialDevice *self);
static void device_lost (CrmSerialDevice *self);

static void
write_line (CrmSerialDevice *self, const char *text)
{
  g_autofree char *line = g_strconcat (text, "\r", NULL);
  gsize            len = strlen (line), off = 0;
  guint            waits = 0;

  while (off < len && self->fd >= 0)
    {
      gssize n = write (self->fd, line + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN && waits++ < 200)
        {
          /* The tty buffer holds kilobytes and commands are a few bytes:
           * a buffer still full after 200 ms means the modem is wedged. */
          g_usleep (1000);
          continue;
        }
      if (n <= 0)
        {
          device_lost (self);
          return;
        }
      off += (gsize)n;
    }
}

static void
queue_command (CrmSerialDevice *self, CommandKind kind, const char *text, const char *number,
               gboolean front)
{
  Command *cmd = g_new0 (Command, 1);

  cmd->kind = kind;
  cmd->text = g_strdup (text);
  cmd->number = g_strdup (number);
  if (front)
    g_queue_push_head (&self->commands, cmd);
  else
    g_queue_push_tail (&self->commands, cmd);
  send_next_command (self);
}

static void
finish_command (CrmSerialDevice *self, CrmModemReply reply)
{
  Command *cmd = g_steal_pointer (&self->current);
  g_autoptr (CrmCallEvent) event = NULL;

  g_clear_handle_id (&self->command_timeout_id, g_source_remove);
  if (cmd == NULL)
    return;

  switch (cmd->kind)
    {
    case CMD_ECHO_OFF:
    case CMD_HANG_UP:
      break;
    case CMD_VCID:
      if (reply == CRM_MODEM_REPLY_OK)
        self->cid_command = "AT+VCID=1";
      else
        queue_command (self, CMD_HASH_CID, "AT#CID=1", NULL, TRUE);
      break;
    case CMD_HASH_CID:
      if (reply == CRM_MODEM_REPLY_OK)
        self->cid_command = "AT#CID=1";
      else
        emit_warning (
            self,
            _ ("The modem accepted neither AT+VCID=1 nor AT#CID=1; caller ID may not be shown."));
      break;
    case CMD_DIAL:
      event = crm_call_event_new (CRM_CALL_EVENT_DIAL_RESULT);
      event->dialed = g_strdup (cmd->number);
      switch (reply)
        {
        case CRM_MODEM_REPLY_OK:
        case CRM_MODEM_REPLY_CONNECT:
          event->dial_result = CRM_DIAL_RESULT_OK;
          break;
        case CRM_MODEM_REPLY_BUSY:
          event->dial_result = CRM_DIAL_RESULT_BUSY;
          break;
        case CRM_MODEM_REPLY_NO_ANSWER:
          event->dial_result = CRM_DIAL_RESULT_NO_ANSWER;
          break;
        case CRM_MODEM_REPLY_NO_CARRIER:
          event->dial_result = CRM_DIAL_RESULT_NO_CARRIER;
          break;
        case CRM_MODEM_REPLY_NO_DIALTONE:
          event->dial_result = CRM_DIAL_RESULT_NO_DIALTONE;
          break;
        case CRM_MODEM_REPLY_ERROR:
        default:
          event->dial_result = CRM_DIAL_RESULT_ERROR;
          break;
        }
      crm_phone_device_emit_event (CRM_PHONE_DEVICE (self), event);
      if (event->dial_result == CRM_DIAL_RESULT_OK)
        emit_kind (self, CRM_CALL_EVENT_OFF_HOOK);
      /* Release the line to the handset (or hang up after a failure);
       * sent when the pause set by on_reply() ends. */
      {
        Command *hang_up = g_new0 (Command, 1);
        hang_up->kind = CMD_HANG_UP;
        hang_up->text = g_strdup ("ATH0");
        g_queue_push_head (&self->commands, hang_up);
      }
      break;
    case CMD_REJECT_OFF_HOOK:
      emit_kind (self, CRM_CALL_EVENT_OFF_HOOK);
      break;
    case CMD_REJECT_ON_HOOK:
      emit_kind (self, CRM_CALL_EVENT_ON_HOOK);
      break;
    default:
      break;
    }
  command_free (cmd);
}

static gboolean
command_timeout_cb (gpointer user_data)
{
  CrmSerialDevice *self = user_data;
  /* Handlers of the events below may drop the last reference. */
  g_autoptr (CrmSerialDevice) keep = g_object_ref (self);

  self->command_timeout_id = 0;
  g_debug ("%s: no reply to %s", self->path, self->current ? self->current->text : "?");
  finish_command (self, CRM_MODEM_REPLY_ERROR);
  send_next_command (self);
  return G_SOURCE_REMOVE;
}

static void
send_next_command (CrmSerialDevice *self)
{
  Command *cmd;

  if (self->current != NULL || self->fd < 0 || self->pause_id != 0)
    return;
  cmd = g_queue_pop_head (&self->commands);
  if (cmd == NULL)
    return;
  self->current = cmd;
  write_line (self, cmd->text);
  if (self->current == cmd)
    self->command_timeout_id = g_timeout_add (
        cmd->kind == CMD_DIAL ? DIAL_TIMEOUT_MS : COMMAND_TIMEOUT_MS, command_timeout_cb, self);
}

static gboolean
reject_pause_cb (gpointer user_data)
{
  CrmSerialDevice *self = user_data;
  g_autoptr (CrmSerialDevice) keep = g_object_ref (self);

  self->pause_id = 0;
  send_next_command (self);
  return G_SOURCE_REMOVE;
}

static void
on_reply (CrmModemReply reply, gpointer user_data)
{
  CrmSerialDevice *self = user_data;
  gboolean         was_reject_off = self->current && self->current->kind == CMD_REJECT_OFF_HOOK;
  gboolean         was_dial_ok = self->current && self->current->kind == CMD_DIAL
                         && (reply == CRM_MODEM_REPLY_OK || reply == CRM_MODEM_REPLY_CONNECT);

  finish_command (self, reply);
  /* Rejecting: stay off-hook a moment so the exchange drops the caller. */
  if (was_reject_off)
    self->pause_id = g_timeout_add (self->reject_pause_ms, reject_pause_cb, self);
  else if (was_dial_ok)
    self->pause_id = g_timeout_add (DIAL_RELEASE_MS, reject_pause_cb, self);
  send_next_command (self);
}

static gboolean
ring_timeout_cb (gpointer user_data)
{
  CrmSerialDevice *self = user_data;

  self->ring_id = 0;
  emit_kind (self, CRM_CALL_EVENT_RING_STOPPED);
  return G_SOURCE_REMOVE;
}

static void
on_parser_event (CrmCallEvent *event, gpointer user_data)
{
  CrmSerialDevice *self = user_data;

  /* The modem says nothing when the caller hangs up before an answer;
   * the rings just stop. */
  if (event->kind == CRM_CALL_EVENT_RING)
    {
      g_clear_handle_id (&self->ring_id, g_source_remove);
      self->ring_id = g_timeout_add (self->ring_timeout_ms, ring_timeout_cb, self);
    }
  else if (event->kind == CRM_CALL_EVENT_OFF_HOOK)
    g_clear_handle_id (&self->ring_id, g_source_remove);
  crm_phone_device_emit_event (CRM_PHONE_DEVICE (self), event);
}

static gboolean
idle_flush_cb (gpointer user_data)
{
  CrmSerialDevice *self = user_data;

  self->idle_id = 0;
  crm_modem_parser_flush (self->parser);
  return G_SOURCE_REMOVE;
}

static void
close_fd (CrmSerialDevice *self)
{
  g_clear_handle_id (&self->read_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_handle_id (&self->command_timeout_id, g_source_remove);
  g_clear_handle_id (&self->pause_id, g_source_remove);
  g_clear_handle_id (&self->ring_id, g_source_remove);
  g_clear_pointer (&self->current, command_free);
  g_queue_clear_full (&self->commands, (GDestroyNotify)command_free);
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  crm_modem_parser_reset (self->parser);
}

static gboolean reopen_cb (gpointer user_data);

static void
device_lost (CrmSerialDevice *self)
{
  if (self->lost)
    return;
  g_message ("%s: telephone device lost", self->path);
  close_fd (self);
  self->lost = TRUE;
  self->cid_command = NULL;
  self->reopen_id = g_timeout_add_seconds (REOPEN_INTERVAL_S, reopen_cb, self);
  emit_kind (self, CRM_CALL_EVENT_DEVICE_LOST);
}

static gboolean
read_cb (int fd, GIOCondition condition, gpointer user_data)
{
  CrmSerialDevice *self = user_data;
  g_autoptr (CrmSerialDevice) keep = g_object_ref (self);
  guint8 buf[512];
  gssize n;

  n = read (fd, buf, sizeof buf);
  if (n > 0)
    {
      g_clear_handle_id (&self->idle_id, g_source_remove);
      crm_modem_parser_feed (self->parser, buf, (gsize)n);
      /* A handler may have stopped us. */
      if (self->fd == fd)
        self->idle_id = g_timeout_add (IDLE_FLUSH_MS, idle_flush_cb, self);
      return self->fd == fd ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
    }
  if (n < 0 && (errno == EAGAIN || errno == EINTR) && !(condition & (G_IO_HUP | G_IO_ERR)))
    return G_SOURCE_CONTINUE;

  /* EOF, EIO or hang-up: the USB device went away. */
  self->read_id = 0;
  device_lost (self);
  return G_SOURCE_REMOVE;
}

static gboolean
open_and_setup (CrmSerialDevice *self, GError **error)
{
  int fd = open_tty (self->path, self->baud, error);

  if (fd < 0)
    return FALSE;
  self->fd = fd;
  self->read_id = g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, read_cb, self);
  queue_command (self, CMD_ECHO_OFF, "ATE0", NULL, FALSE);
  queue_command (self, CMD_VCID, "AT+VCID=1", NULL, FALSE);
  return TRUE;
}

static gboolean
reopen_cb (gpointer user_data)
{
  CrmSerialDevice *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!open_and_setup (self, &error))
    {
      g_debug ("%s", error->message);
      return G_SOURCE_CONTINUE;
    }
  self->reopen_id = 0;
  self->lost = FALSE;
  g_message ("%s: telephone device back", self->path);
  emit_kind (self, CRM_CALL_EVENT_DEVICE_BACK);
  return G_SOURCE_REMOVE;
}

static gboolean
crm_serial_device_start (CrmPhoneDevice *device, GError **error)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (device);

  if (self->started)
    return TRUE;
  if (!open_and_setup (self, error))
    return FALSE;
  self->started = TRUE;
  return TRUE;
}

static void
crm_serial_device_stop (CrmPhoneDevice *device)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (device);

  close_fd (self);
  g_clear_handle_id (&self->reopen_id, g_source_remove);
  self->started = FALSE;
  self->lost = FALSE;
}

static gboolean
check_ready (CrmSerialDevice *self, GError **error)
{
  if (self->fd < 0)
    {
      g_set_error (error, CRM_CALLERID_ERROR, CRM_CALLERID_ERROR_DEVICE,
                   _ ("The telephone device is not connected."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
crm_serial_device_dial (CrmPhoneDevice *device, const char *number, GError **error)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (device);
  g_autofree char *cmd = NULL;

  if (!check_ready (self, error))
    return FALSE;
  /* The trailing ';' returns the modem to command mode off-hook: a voice
   * call for the handset, not a data connection. */
  cmd = g_strdup_printf ("ATDT%s;", number);
  queue_command (self, CMD_DIAL, cmd, number, FALSE);
  return TRUE;
}

static gboolean
crm_serial_device_reject (CrmPhoneDevice *device, GError **error)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (device);

  if (!check_ready (self, error))
    return FALSE;
  /* A rejected call is not a missed one. */
  g_clear_handle_id (&self->ring_id, g_source_remove);
  queue_command (self, CMD_REJECT_OFF_HOOK, "ATH1", NULL, FALSE);
  queue_command (self, CMD_REJECT_ON_HOOK, "ATH0", NULL, FALSE);
  return TRUE;
}

static void
crm_serial_device_iface_init (CrmPhoneDeviceInterface *iface)
{
  iface->start = crm_serial_device_start;
  iface->stop = crm_serial_device_stop;
  iface->dial = crm_serial_device_dial;
  iface->reject = crm_serial_device_reject;
}

static void
crm_serial_device_dispose (GObject *object)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (object);

  crm_serial_device_stop (CRM_PHONE_DEVICE (self));
  g_clear_object (&self->simulator);
  G_OBJECT_CLASS (crm_serial_device_parent_class)->dispose (object);
}

static void
crm_serial_device_finalize (GObject *object)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (object);

  crm_modem_parser_free (self->parser);
  g_free (self->path);
  G_OBJECT_CLASS (crm_serial_device_parent_class)->finalize (object);
}

static void
crm_serial_device_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_BAUD:
      g_value_set_uint (value, self->baud);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_serial_device_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  CrmSerialDevice *self = CRM_SERIAL_DEVICE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_BAUD:
      self->baud = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_serial_device_class_init (CrmSerialDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_serial_device_dispose;
  object_class->finalize = crm_serial_device_finalize;
  object_class->get_property = crm_serial_device_get_property;
  object_class->set_property = crm_serial_device_set_property;

  properties[PROP_PATH]
      = g_param_spec_string ("path", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BAUD]
      = g_param_spec_uint ("baud", NULL, NULL, 300, 4000000, 115200,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
crm_serial_device_init (CrmSerialDevice *self)
{
  self->fd = -1;
  self->reject_pause_ms = 1500;
  self->ring_timeout_ms = RING_TIMEOUT_MS;
  self->parser = crm_modem_parser_new (on_parser_event, self);
  crm_modem_parser_set_reply_func (self->parser, on_reply, self);
  g_queue_init (&self->commands);
}

CrmSerialDevice *
crm_serial_device_new (const char *path, guint baud)
{
  g_return_val_if_fail (path != NULL, NULL);
  return g_object_new (CRM_TYPE_SERIAL_DEVICE, "path", path, "baud", baud, NULL);
}

const char *
crm_serial_device_get_path (CrmSerialDevice *self)
{
  g_return_val_if_fail (CRM_IS_SERIAL_DEVICE (self), NULL);
  return self->path;
}

const char *
crm_serial_device_get_cid_command (CrmSerialDevice *self)
{
  g_return_val_if_fail (CRM_IS_SERIAL_DEVICE (self), NULL);
  return self->cid_command;
}

void
crm_serial_device_set_reject_pause (CrmSerialDevice *self, guint msec)
{
  g_return_if_fail (CRM_IS_SERIAL_DEVICE (self));
  self->reject_pause_ms = msec;
}

void
crm_serial_device_set_ring_timeout (CrmSerialDevice *self, guint msec)
{
  g_return_if_fail (CRM_IS_SERIAL_DEVICE (self));
  g_return_if_fail (msec > 0);
  self->ring_timeout_ms = msec;
}

void
crm_serial_device_set_simulator (CrmSerialDevice *self, CrmModemSimulator *simulator)
{
  g_return_if_fail (CRM_IS_SERIAL_DEVICE (self));
  g_set_object (&self->simulator, simulator);
}

CrmModemSimulator *
crm_serial_device_get_simulator (CrmSerialDevice *self)
{
  g_return_val_if_fail (CRM_IS_SERIAL_DEVICE (self), NULL);
  return self->simulator;
}
