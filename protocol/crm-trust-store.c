/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-protocol"
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "crm-error.h"
#include "crm-trust-store-private.h"

/* Key file layout:
 *   [known-servers]
 *   <host:port, URI-escaped> = <fingerprint>
 * Escaping keeps IPv6 literals ("[::1]:7400") valid as key names. */
#define GROUP "known-servers"

struct _CrmTrustStore
{
  GObject parent_instance;

  char       *path;
  GKeyFile   *keys;
  GHashTable *last_seen; /* host:port → fingerprint */
};

G_DEFINE_FINAL_TYPE (CrmTrustStore, crm_trust_store, G_TYPE_OBJECT)

static void
crm_trust_store_finalize (GObject *object)
{
  CrmTrustStore *self = CRM_TRUST_STORE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->keys, g_key_file_unref);
  g_clear_pointer (&self->last_seen, g_hash_table_unref);

  G_OBJECT_CLASS (crm_trust_store_parent_class)->finalize (object);
}

static void
crm_trust_store_class_init (CrmTrustStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = crm_trust_store_finalize;
}

static void
crm_trust_store_init (CrmTrustStore *self)
{
  self->keys = g_key_file_new ();
  self->last_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static char *
escape_key (const char *host_port)
{
  return g_uri_escape_string (host_port, ":.-_", FALSE);
}

CrmTrustStore *
crm_trust_store_new (const char *path)
{
  CrmTrustStore *self = g_object_new (CRM_TYPE_TRUST_STORE, NULL);
  g_autoptr (GError) error = NULL;

  self->path = g_strdup (path);
  if (path != NULL && !g_key_file_load_from_file (self->keys, path, G_KEY_FILE_NONE, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_warning ("Cannot read the known servers file %s: %s", path, error->message);

  return self;
}

char *
crm_trust_store_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "jinke-crm", "known-servers", NULL);
}

const char *
crm_trust_store_lookup (CrmTrustStore *self, const char *host_port)
{
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (CRM_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (host_port != NULL, NULL);

  key = escape_key (host_port);
  value = g_key_file_get_string (self->keys, GROUP, key, NULL);
  if (value == NULL || value[0] == '\0')
    return NULL;
  /* Return a pointer that lives as long as the entry: intern it. */
  return g_intern_string (value);
}

static gboolean
save (CrmTrustStore *self, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length;

  if (self->path == NULL)
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _ ("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (self->keys, &length, NULL);
  if (!g_file_set_contents_full (self->path, data, (gssize)length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _ ("Cannot save the known servers file: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
fingerprint_is_valid (const char *fingerprint)
{
  gsize len = strlen (fingerprint);

  /* 32 bytes: "xx:" × 31 + "xx" */
  if (len != 32 * 3 - 1)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (i % 3 == 2)
        {
          if (fingerprint[i] != ':')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (fingerprint[i]) || g_ascii_isupper (fingerprint[i]))
        return FALSE;
    }
  return TRUE;
}

gboolean
crm_trust_store_remember (CrmTrustStore *self, const char *host_port, const char *fingerprint,
                          GError **error)
{
  g_autofree char *key = NULL;
  g_autofree char *old = NULL;

  g_return_val_if_fail (CRM_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (host_port != NULL, FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);

  if (!fingerprint_is_valid (fingerprint))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD,
                   _ ("%s is not a SHA-256 certificate fingerprint"), fingerprint);
      return FALSE;
    }

  key = escape_key (host_port);
  old = g_key_file_get_string (self->keys, GROUP, key, NULL);
  g_key_file_set_string (self->keys, GROUP, key, fingerprint);
  if (!save (self, error))
    {
      /* Keep memory and disk in agreement. */
      if (old != NULL)
        g_key_file_set_string (self->keys, GROUP, key, old);
      else
        g_key_file_remove_key (self->keys, GROUP, key, NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
crm_trust_store_forget (CrmTrustStore *self, const char *host_port, GError **error)
{
  g_autofree char *key = NULL;
  g_autofree char *old = NULL;

  g_return_val_if_fail (CRM_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (host_port != NULL, FALSE);

  key = escape_key (host_port);
  old = g_key_file_get_string (self->keys, GROUP, key, NULL);
  if (old == NULL)
    return TRUE;
  g_key_file_remove_key (self->keys, GROUP, key, NULL);
  if (!save (self, error))
    {
      g_key_file_set_string (self->keys, GROUP, key, old);
      return FALSE;
    }
  return TRUE;
}

const char *
crm_trust_store_get_last_seen (CrmTrustStore *self, const char *host_port)
{
  g_return_val_if_fail (CRM_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (host_port != NULL, NULL);

  return g_hash_table_lookup (self->last_seen, host_port);
}

void
crm_trust_store_set_last_seen (CrmTrustStore *self, const char *host_port, const char *fingerprint)
{
  g_return_if_fail (CRM_IS_TRUST_STORE (self));
  g_return_if_fail (host_port != NULL);

  if (fingerprint == NULL)
    g_hash_table_remove (self->last_seen, host_port);
  else
    g_hash_table_replace (self->last_seen, g_strdup (host_port), g_strdup (fingerprint));
}

char *
crm_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GChecksum) checksum = NULL;
  guint8   digest[32];
  gsize    digest_len = sizeof digest;
  GString *out;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &digest_len);

  out = g_string_sized_new (digest_len * 3);
  for (gsize i = 0; i < digest_len; i++)
    g_string_append_printf (out, i == 0 ? "%02x" : ":%02x", digest[i]);
  return g_string_free (out, FALSE);
}
