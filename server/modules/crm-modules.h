/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "crm-db-private.h"

G_BEGIN_DECLS

#define CRM_DECLARE_HANDLER(fn) \
  GVariant *fn (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)

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

/* users/ */
CRM_DECLARE_HANDLER (crm_user_create);
CRM_DECLARE_HANDLER (crm_user_list);
CRM_DECLARE_HANDLER (crm_user_unlock);
CRM_DECLARE_HANDLER (crm_role_list);
CRM_DECLARE_HANDLER (crm_department_list);
CRM_DECLARE_HANDLER (crm_department_create);

/* Password hashing shared by auth, users and accounts (Argon2id,
 * interactive limits, at most two at once). NULL on failure. */
char    *crm_password_hash   (const char *password);
gboolean crm_password_verify (const char *hash, const char *password);

G_END_DECLS
