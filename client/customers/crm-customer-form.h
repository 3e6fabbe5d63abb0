/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-custom-field-defs.h"

G_BEGIN_DECLS

/*
 * CrmCustomerForm: create/edit form for a customer with validation messages
 * under each field (shared/crm-validate.h, the same checks the server runs).
 * Buttons name the customer.save and customer.cancel actions of the view.
 */
#define CRM_TYPE_CUSTOMER_FORM (crm_customer_form_get_type ())
G_DECLARE_FINAL_TYPE (CrmCustomerForm, crm_customer_form, CRM, CUSTOMER_FORM, GtkBox)

/* NULL starts a new customer. `record` is "a{sv}". */
void      crm_customer_form_set_record        (CrmCustomerForm *self,
                                               GVariant        *record);
/* The record the form started from (NULL when new). */
GVariant *crm_customer_form_get_record        (CrmCustomerForm *self);
gint64    crm_customer_form_get_id            (CrmCustomerForm *self);
gint64    crm_customer_form_get_version       (CrmCustomerForm *self);
/* Rebases the edit on a newer version ("keep mine" after a conflict):
 * the typed values stay, and changes are computed against `record`. */
void      crm_customer_form_rebase            (CrmCustomerForm *self,
                                               GVariant        *record);
gboolean  crm_customer_form_is_dirty          (CrmCustomerForm *self);

/* Checks every field, showing messages at the fields; focuses the first
 * bad one.  TRUE when all are valid. */
gboolean  crm_customer_form_validate          (CrmCustomerForm *self);
/* The fields as "a{sv}": all of them for a new customer, only the changed
 * ones for an edit.  Call after crm_customer_form_validate(). */
GVariant *crm_customer_form_build_fields      (CrmCustomerForm *self);
/* Shows a server-side validation error; `field` like "name" or "phones[1]". */
void      crm_customer_form_show_field_error  (CrmCustomerForm *self,
                                               const char      *field,
                                               const char      *message);
/* A banner: someone else changed this customer while it is being edited. */
void      crm_customer_form_set_changed_elsewhere (CrmCustomerForm *self,
                                                   gboolean         changed);
void      crm_customer_form_set_busy          (CrmCustomerForm *self,
                                               gboolean         busy);
void      crm_customer_form_focus_first       (CrmCustomerForm *self);

/* Custom fields (issue 4): after the built-in fields, one input per active
 * definition of `defs` (chosen by its type) and, read-only, each retired
 * field the record holds a value of.  Follows the definitions live. */
void      crm_customer_form_set_custom_fields (CrmCustomerForm    *self,
                                               CrmCustomFieldDefs *defs);

/* The custom keys ("cf.…") `record` holds values for, in the order of the
 * definitions the form was given (others after). */
GStrv     crm_customer_dup_custom_keys       (GVariant *record);

/* The label of a record key in the user's language ("name" → "Name"). */
const char *crm_customer_field_label          (const char *key);

/* For the UI tests. */
GtkEditable *crm_customer_form_get_entry      (CrmCustomerForm *self,
                                               const char      *key);
/* The input of a custom field ("cf.<key>"): a GtkEntry, GtkDropDown or
 * GtkFlowBox of GtkCheckButtons; NULL when the form does not show it. */
GtkWidget   *crm_customer_form_get_custom_input (CrmCustomerForm *self,
                                                 const char      *record_key);
const char  *crm_customer_form_get_custom_label (CrmCustomerForm *self,
                                                 const char      *record_key);
gboolean     crm_customer_form_custom_is_read_only (CrmCustomerForm *self,
                                                    const char      *record_key);
/* The message under a field, or NULL when it is valid. */
const char  *crm_customer_form_get_error      (CrmCustomerForm *self,
                                               const char      *key);

G_END_DECLS
