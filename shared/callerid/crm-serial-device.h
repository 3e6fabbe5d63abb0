/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-phone-device.h"

G_BEGIN_DECLS

typedef struct _CrmModemSimulator CrmModemSimulator;

#define CRM_TYPE_SERIAL_DEVICE (crm_serial_device_get_type ())
G_DECLARE_FINAL_TYPE (CrmSerialDevice, crm_serial_device, CRM, SERIAL_DEVICE, GObject)

/* A caller-ID modem (or serial caller-ID box) on a tty: USB CDC-ACM
 * (ttyACM*) or USB-serial (ttyUSB*).  Raw 8N1 at `baud`.  Set-up sends
 * ATE0 then AT+VCID=1, falling back to AT#CID=1; boxes that answer neither
 * are still read (they print caller ID unasked).  A read error, EOF or
 * hang-up means the device was unplugged: DEVICE_LOST, then the path is
 * polled every second until it opens again, set up, DEVICE_BACK. */
CrmSerialDevice *crm_serial_device_new (const char *path, guint baud);
const char      *crm_serial_device_get_path (CrmSerialDevice *self);

/* Which caller-ID command the modem accepted ("AT+VCID=1", "AT#CID=1"),
 * or NULL before set-up finished or when neither was accepted. */
const char *crm_serial_device_get_cid_command (CrmSerialDevice *self);

/* Milliseconds between ATH1 and ATH0 when rejecting (default 1500). */
void crm_serial_device_set_reject_pause (CrmSerialDevice *self, guint msec);

/* RING_STOPPED is reported when no RING came for this long (default
 * 8000 ms, longer than any ring cadence's silence). */
void crm_serial_device_set_ring_timeout (CrmSerialDevice *self, guint msec);

/* Keeps the simulator playing the other end alive as long as the device. */
void crm_serial_device_set_simulator (CrmSerialDevice *self, CrmModemSimulator *simulator);
CrmModemSimulator *crm_serial_device_get_simulator (CrmSerialDevice *self);

G_END_DECLS
