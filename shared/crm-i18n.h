/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Binds the "jinke-crm" gettext domain (UTF-8) for every program of the
 * project.  The catalogue is looked up in $CRM_LOCALEDIR if set, else in the
 * installed LOCALEDIR when it holds a catalogue, else in the build tree's
 * po/ (so uninstalled programs, the demo and the tests speak Chinese too).
 * Returns the directory chosen. */
const char *crm_i18n_init (void);

G_END_DECLS
