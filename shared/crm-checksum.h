/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The SHA-256 of a file's contents as 64 lower-case hex digits, or NULL
 * with `error` set (G_FILE_ERROR).  Client spool and server upload check
 * recordings with it, so both sides compute the same text. */
char *crm_file_sha256 (const char *path, GError **error);

G_END_DECLS
