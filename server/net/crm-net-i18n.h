/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Translates `msgid` (domain "jinke-crm") into `locale` ("zh_CN",
 * "zh_CN.UTF-8", "zh", "en_US", NULL = the server's own locale) for errors
 * sent to one client.  The process locale is shared by every connection and
 * the server may run where zh_CN.UTF-8 was never generated, so compiled
 * catalogues (.mo) are read directly and cached, one per language.  Thread
 * safe.  Returns `msgid` itself when there is no translation. */
const char *crm_net_translate (const char *locale, const char *msgid);

/* Formats a translated message: the format is looked up with
 * crm_net_translate() first.  The translated format must keep the
 * arguments of the original (as msgfmt --check enforces). */
char *crm_net_translate_printf (const char *locale, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
