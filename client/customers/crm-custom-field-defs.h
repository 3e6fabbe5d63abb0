/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "crm-session.h"

G_BEGIN_DECLS

/*
 * CrmCustomFieldDefs: the custom field definitions of one kind of record
 * (custom_field.list), as the customer form, list columns and filters show
 * them.  One instance per session and entity; it re-reads the definitions
 * when the server pushes a settings change ("settings" / "custom_field")
 * and after a reconnection, then emits "changed".  Records carry the
 * values as "cf.<key>"; keys never change, labels may.
 */
#define CRM_TYPE_CUSTOM_FIELD_DEFS (crm_custom_field_defs_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomFieldDefs, crm_custom_field_defs, CRM, CUSTOM_FIELD_DEFS, GObject)

typedef enum {
  CRM_CUSTOM_FIELD_TEXT,
  CRM_CUSTOM_FIELD_NUMBER,
  CRM_CUSTOM_FIELD_MONEY,
  CRM_CUSTOM_FIELD_DATE,
  CRM_CUSTOM_FIELD_CHOICE,
  CRM_CUSTOM_FIELD_MULTI_CHOICE,
  CRM_CUSTOM_FIELD_PHONE,
  CRM_CUSTOM_FIELD_EMAIL,
} CrmCustomFieldType;

typedef struct {
  char              *key;        /* without "cf." */
  char              *record_key; /* "cf.<key>" */
  char              *label;
  CrmCustomFieldType type;
  gboolean           required;
  gboolean           retired;
  GStrv              choices;
} CrmCustomFieldDef;

/* The shared instance for `session` and `entity` (e.g. "customer");
 * borrowed, lives as long as the session.  Starts loading at once. */
CrmCustomFieldDefs      *crm_custom_field_defs_get_for_session (CrmSession *session,
                                                                const char *entity);
/* A private instance, for tests. */
CrmCustomFieldDefs      *crm_custom_field_defs_new       (CrmSession *session,
                                                          const char *entity);
/* Re-reads the definitions from the server. */
void                     crm_custom_field_defs_reload    (CrmCustomFieldDefs *self);
gboolean                 crm_custom_field_defs_is_loaded (CrmCustomFieldDefs *self);
/* How many times the definitions changed (a reload that brings the same
 * definitions does not count, nor emit "changed"). */
guint                    crm_custom_field_defs_get_generation (CrmCustomFieldDefs *self);
/* Every definition, retired ones included, in the administrator's order. */
guint                    crm_custom_field_defs_get_n     (CrmCustomFieldDefs *self);
const CrmCustomFieldDef *crm_custom_field_defs_get       (CrmCustomFieldDefs *self,
                                                          guint               i);
/* By record key ("cf.grade"), or NULL. */
const CrmCustomFieldDef *crm_custom_field_defs_lookup    (CrmCustomFieldDefs *self,
                                                          const char         *record_key);

/* A stored value as a list cell or read-only field shows it (money with
 * thousands separators, choices joined); "" when absent. */
char                    *crm_custom_field_format_value   (GVariant *value);

G_END_DECLS
