/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runtime failures of the call-center device layer.  Local only: these
 * never travel on the wire, so they live in their own domain. */
typedef enum
{
  CRM_CALLERID_ERROR_MALFORMED = 1, /* a caller-ID message that cannot be decoded */
  CRM_CALLERID_ERROR_TRUNCATED,     /* message shorter than its declared length */
  CRM_CALLERID_ERROR_CHECKSUM,      /* message checksum does not verify */
  CRM_CALLERID_ERROR_BAD_URI,       /* device URI not understood */
  CRM_CALLERID_ERROR_DEVICE,        /* device cannot be opened or configured */
  CRM_CALLERID_ERROR_IO,            /* read/write failure on an open device */
  CRM_CALLERID_ERROR_NOT_SUPPORTED, /* operation the backend cannot do */
  CRM_CALLERID_ERROR_BUSY,          /* the device is busy with another command */
} CrmCallerIdError;

#define CRM_CALLERID_ERROR (crm_callerid_error_quark ())
GQuark crm_callerid_error_quark (void);

G_END_DECLS
