/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-settings.h"

G_BEGIN_DECLS

/* The rules of one entity, each part loaded on first use (see
 * crm_settings_rules_new in crm-settings.h). */
struct _CrmSettingsRules
{
  char      *entity;
  GPtrArray *defs;          /* custom field definitions; NULL until loaded */
  gboolean   entry_loaded;
  gboolean   entry_present; /* a row exists */
  GStrv      required;
  GStrv      format_keys;
  GStrv      formats;
  char      *duplicate_name;
};

G_END_DECLS
