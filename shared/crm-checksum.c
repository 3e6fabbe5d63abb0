/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-shared"
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "crm-checksum.h"

char *
crm_file_sha256 (const char *path, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guchar buf[65536];
  size_t n;
  FILE *in = g_fopen (path, "rb");

  if (in == NULL)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot open “%s”: %s"),
                   name, g_strerror (saved));
      return NULL;
    }
  while ((n = fread (buf, 1, sizeof buf, in)) > 0)
    g_checksum_update (sum, buf, n);
  if (ferror (in))
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);

      fclose (in);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot read “%s”: %s"),
                   name, g_strerror (saved));
      return NULL;
    }
  fclose (in);
  return g_strdup (g_checksum_get_string (sum));
}
