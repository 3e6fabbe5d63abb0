/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-money"

#include "config.h"

#include "crm-money.h"

/* placeholder until the implementation lands; keeps the library linkable */
