/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One field of a customer record as crmctl shows, edits, imports and
 * exports it. */
typedef struct {
  const char *key;        /* record key on the wire: "short_name" */
  const char *option;     /* command-line option: "short-name" */
  const char *header_zh;  /* CSV header used by Chinese spreadsheets: "简称" */
  const char *label;      /* N_("Short name") */
  gboolean    is_list;    /* "as" (phones); otherwise "s" */
  gsize       max_chars;  /* local check before sending; the server checks too */
} CrmctlField;

/* The editable customer fields, in display and CSV order. */
const CrmctlField *crmctl_fields_all (gsize *n_fields);
const CrmctlField *crmctl_field_by_option (const char *option);
/* Matches a CSV header cell: the Chinese header, the key, or the English
 * label, ignoring case and surrounding spaces. */
const CrmctlField *crmctl_field_by_header (const char *header);
const CrmctlField *crmctl_field_by_key (const char *key);

/* Sets field `f` in `builder` ("a{sv}") from text; list fields split the
 * text on "、", ";", "；", "," or "，" (one phone per piece). */
void crmctl_field_add_text (const CrmctlField *f, GVariantBuilder *builder, const char *text);

/* Checks `text` for field `f` with the shared validators (the same the
 * server runs); `field_name` names it in the error. */
gboolean crmctl_field_validate (const CrmctlField *f, const char *text, GError **error);

G_END_DECLS
