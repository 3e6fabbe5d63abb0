/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-admin"
#include "config.h"

#include "admin-test-util.h"

void
admin_add_settings_tests (void)
{
}
