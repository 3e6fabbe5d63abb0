/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-db-private.h"

G_BEGIN_DECLS

#define CRM_DECLARE_HANDLER(fn) \
  GVariant *fn (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)

/* Start-up: crm_modules_init() (crm-handlers.c) runs each module's
 * crm_<module>_module_init() once, before the first request is handled;
 * modules register there what other modules read (the recycle bin's
 * kinds, audit/crm-recycle.h). */
void crm_modules_init (void);
void crm_customers_module_init (void);
void crm_contacts_module_init (void);
void crm_team_module_init (void);
void crm_calls_module_init (void);

/* auth/ */
CRM_DECLARE_HANDLER (crm_auth_login);
CRM_DECLARE_HANDLER (crm_auth_resume);
CRM_DECLARE_HANDLER (crm_auth_logout);
CRM_DECLARE_HANDLER (crm_auth_change_password);
CRM_DECLARE_HANDLER (crm_auth_whoami);

/* health/ */
CRM_DECLARE_HANDLER (crm_health);
CRM_DECLARE_HANDLER (crm_permission_catalogue);

/* customers/ */
CRM_DECLARE_HANDLER (crm_customer_get);
CRM_DECLARE_HANDLER (crm_customer_list);
CRM_DECLARE_HANDLER (crm_customer_search);
CRM_DECLARE_HANDLER (crm_customer_create);
CRM_DECLARE_HANDLER (crm_customer_update);
CRM_DECLARE_HANDLER (crm_customer_delete);
CRM_DECLARE_HANDLER (crm_customer_count);
CRM_DECLARE_HANDLER (crm_customer_import);
CRM_DECLARE_HANDLER (crm_customer_export);
CRM_DECLARE_HANDLER (crm_customer_seek);

/* users/ */
CRM_DECLARE_HANDLER (crm_user_create);
CRM_DECLARE_HANDLER (crm_user_list);
CRM_DECLARE_HANDLER (crm_user_unlock);
CRM_DECLARE_HANDLER (crm_role_list);
CRM_DECLARE_HANDLER (crm_department_list);
CRM_DECLARE_HANDLER (crm_department_create);

/* team/ (issue 4) */
CRM_DECLARE_HANDLER (crm_department_update);
CRM_DECLARE_HANDLER (crm_department_delete);
CRM_DECLARE_HANDLER (crm_user_update);
CRM_DECLARE_HANDLER (crm_user_set_disabled);
CRM_DECLARE_HANDLER (crm_user_reset_password);
CRM_DECLARE_HANDLER (crm_user_login_history);
CRM_DECLARE_HANDLER (crm_session_list);
CRM_DECLARE_HANDLER (crm_session_revoke);
CRM_DECLARE_HANDLER (crm_device_list);
CRM_DECLARE_HANDLER (crm_device_approve);
CRM_DECLARE_HANDLER (crm_role_create);
CRM_DECLARE_HANDLER (crm_role_update);
CRM_DECLARE_HANDLER (crm_role_delete);
/* Device binding and the session's client label, used by auth.login
 * (team/crm-devices.c). */
void     crm_team_split_client       (const char *client, char **name, char **key);
gboolean crm_team_device_check       (CrmDb *db, gint64 user_id, const char *client,
                                      GError **error);
gboolean crm_team_session_set_client (CrmDb *db, const char *token_hash, const char *client,
                                      const char *client_version, GError **error);

/* settings/ (issue 4) */
CRM_DECLARE_HANDLER (crm_choice_list);
CRM_DECLARE_HANDLER (crm_choice_save);
CRM_DECLARE_HANDLER (crm_custom_field_list);
CRM_DECLARE_HANDLER (crm_custom_field_save);
CRM_DECLARE_HANDLER (crm_custom_field_retire);
CRM_DECLARE_HANDLER (crm_numbering_get);
CRM_DECLARE_HANDLER (crm_numbering_save);
CRM_DECLARE_HANDLER (crm_entry_rule_get);
CRM_DECLARE_HANDLER (crm_entry_rule_save);
CRM_DECLARE_HANDLER (crm_setting_get);
CRM_DECLARE_HANDLER (crm_setting_set);

/* audit/ (issue 4) */
CRM_DECLARE_HANDLER (crm_audit_list);
CRM_DECLARE_HANDLER (crm_recycle_list);
CRM_DECLARE_HANDLER (crm_recycle_restore);
CRM_DECLARE_HANDLER (crm_recycle_purge);
CRM_DECLARE_HANDLER (crm_recycle_kinds);

/* calls/ */
CRM_DECLARE_HANDLER (crm_call_lookup);
CRM_DECLARE_HANDLER (crm_call_log);
CRM_DECLARE_HANDLER (crm_call_list);
CRM_DECLARE_HANDLER (crm_call_stats);
CRM_DECLARE_HANDLER (crm_call_delete_recording);
CRM_DECLARE_HANDLER (crm_call_settings_get);
CRM_DECLARE_HANDLER (crm_call_settings_set);
CRM_DECLARE_HANDLER (crm_call_purge_recordings);
CRM_DECLARE_HANDLER (crm_blacklist_list);
CRM_DECLARE_HANDLER (crm_blacklist_save);
CRM_DECLARE_HANDLER (crm_blacklist_delete);
CRM_DECLARE_HANDLER (crm_blacklist_check);

/* contacts/ (SPEC modules 2 and 4) */
CRM_DECLARE_HANDLER (crm_contact_list);
CRM_DECLARE_HANDLER (crm_contact_get);
CRM_DECLARE_HANDLER (crm_contact_create);
CRM_DECLARE_HANDLER (crm_contact_update);
CRM_DECLARE_HANDLER (crm_contact_delete);
CRM_DECLARE_HANDLER (crm_followup_list);
CRM_DECLARE_HANDLER (crm_followup_get);
CRM_DECLARE_HANDLER (crm_followup_create);
CRM_DECLARE_HANDLER (crm_followup_update);
CRM_DECLARE_HANDLER (crm_followup_delete);

/* Password hashing shared by auth, users and accounts (Argon2id,
 * interactive limits, at most two at once). NULL on failure. */
char    *crm_password_hash   (const char *password);
gboolean crm_password_verify (const char *hash, const char *password);
/* A random password of `length` (< 64) characters from an alphabet
 * without 0/O and 1/l/I, to be read aloud or typed from a printout
 * (crm-server --create-admin, user.reset_password). NULL on failure. */
char    *crm_password_generate (guint length);

G_END_DECLS
