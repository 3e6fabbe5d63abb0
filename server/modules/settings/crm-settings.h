/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Settings that every module uses by declaring, not by rewriting
 * (issue 4): custom fields, numbering rules, entry rules.  Handlers of an
 * entity (customers, later contracts …) call these inside their own
 * transaction.
 *
 * Custom fields travel in records as "cf.<key>":
 *   text, phone, email, date ("YYYY-MM-DD"), choice → "s"
 *   number → "d" (accepts "d", "x" or a numeric "s")
 *   money → "x" in 分 (accepts "x" or "s" as crm_money_parse() reads it)
 *   multi_choice → "as"
 * An empty string or empty array clears the value.  They are stored in
 * the entity's jsonb column "custom", keyed by the field key.
 */

#include "crm-modules.h"

G_BEGIN_DECLS

/* Tells every signed-in client that settings changed (push.record_changed
 * with entity "settings", id 0, version 0, action `what`: "choice",
 * "custom_field", "numbering", "entry_rule" or "setting"), at commit. */
gboolean crm_settings_changed (CrmDb *db, const char *what, GError **error);

/* The custom fields and entry rule of one entity, read once and reused
 * for many records (customer.import checks thousands of rows with one read
 * of each).  Valid within the caller's transaction. */
typedef struct _CrmSettingsRules CrmSettingsRules;

CrmSettingsRules *crm_settings_rules_new  (const char *entity);
void              crm_settings_rules_free (CrmSettingsRules *rules);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmSettingsRules, crm_settings_rules_free)

/* As crm_settings_custom_parse and crm_settings_entry_check, with `rules`. */
gboolean crm_settings_rules_custom_parse (CrmSettingsRules *rules, CrmDb *db, GVariant *fields,
                                          gboolean create, char **json_out, GError **error);
gboolean crm_settings_rules_entry_check  (CrmSettingsRules *rules, CrmDb *db, GVariant *values,
                                          gint64 exclude_id, gboolean partial, GError **error);

/* TRUE for keys that crm_settings_custom_parse() handles ("cf.…"). */
gboolean crm_settings_is_custom_key (const char *key);

/* Validates every "cf.<key>" of `fields` (a{sv}) against the entity's
 * fields and writes a JSON object to merge into "custom" (`custom ||
 * $n::jsonb`; cleared values are JSON null and removed by
 * crm_settings_custom_merge_sql).  `create`: required fields must be
 * present.  Retired or unknown keys are refused (INVALID_FIELD naming the
 * key). `*json_out` is "{}" when nothing was sent. */
gboolean crm_settings_custom_parse (CrmDb *db, const char *entity, GVariant *fields,
                                    gboolean create, char **json_out, GError **error);

/* SQL expression merging parameter $n (from crm_settings_custom_parse)
 * into column `column`: jsonb_strip_nulls (column || $n::jsonb). */
#define CRM_SETTINGS_CUSTOM_MERGE(column, param)                                                   \
  "jsonb_strip_nulls (" column " || " param "::jsonb)"

/* Adds the "cf.<key>" entries of a stored "custom" JSON text to `d`. */
void crm_settings_custom_to_dict (GVariantDict *d, const char *json);

/* A filter "cf.<key>" → JSON containment operand for `custom @> $n::jsonb`
 * (choice: any item; multi_choice: contains the value; others: equal).
 * NULL + INVALID_FIELD naming the filter for a wrong type. */
char *crm_settings_custom_filter_json (const char *key, GVariant *value, GError **error);

/* Reserves `n` consecutive numbers of the entity's numbering rule for the
 * current period, in the caller's transaction (the counter row stays locked
 * until commit: unique and without gaps).  Returns n formatted numbers. */
GStrv crm_settings_reserve_numbers (CrmDb *db, const char *entity, guint n, GError **error);

/* Entry rules: required fields non-empty in `values` (a{sv}), formats,
 * and duplicate_name == "forbid" (DUPLICATE on "name" when another live
 * record has the same name; `exclude_id` is the record itself, 0 on
 * create).  `partial` (updates): only the keys present are checked, so
 * records stored under older rules stay editable.  "warn" is advice the
 * client gives from customer.search before saving; the server accepts. */
gboolean crm_settings_entry_check (CrmDb *db, const char *entity, GVariant *values,
                                   gint64 exclude_id, gboolean partial, GError **error);

G_END_DECLS
