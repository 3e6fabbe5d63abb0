/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-health"
#include "config.h"

#include <glib/gi18n-lib.h>

#include "crm-modules.h"

GVariant *
crm_health (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(PGresult) res =
    crm_db_exec (db, "health",
                 "SELECT current_setting ('server_version'),"
                 " (SELECT max (version) FROM schema_migrations),"
                 " (SELECT reltuples::bigint FROM pg_class WHERE oid = 'customers'::regclass)",
                 0, NULL, error);

  if (res == NULL)
    return NULL;
  g_variant_dict_insert (&dict, "status", "s", "ok");
  g_variant_dict_insert (&dict, "version", "s", PACKAGE_VERSION);
  g_variant_dict_insert (&dict, "database", "s", crm_db_get_string (res, 0, 0));
  g_variant_dict_insert (&dict, "schema", "x", crm_db_get_int64 (res, 0, 1));
  g_variant_dict_insert (&dict, "customers_estimate", "x", MAX (0, crm_db_get_int64 (res, 0, 2)));
  g_variant_dict_insert (&dict, "time", "x", g_get_real_time ());
  return g_variant_dict_end (&dict);
}

GVariant *
crm_permission_catalogue (CrmDb *db, CrmRequestContext *ctx, GVariant *request, GError **error)
{
  GVariantBuilder b;
  gsize n = 0;
  const CrmPermissionInfo *all = crm_permissions_all (&n);

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(sss)"));
  for (gsize i = 0; i < n; i++)
    g_variant_builder_add (&b, "(sss)", all[i].permission, all[i].module, _(all[i].label));
  return g_variant_builder_end (&b);
}
