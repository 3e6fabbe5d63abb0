/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-tls"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <string.h>
#include <unistd.h>

#include "crm-error.h"
#include "crm-tls-cert.h"

#define VALIDITY_SECONDS (10 * 365 * 24 * 3600LL + 3 * 24 * 3600LL)

static void
set_gnutls_error (GError **error, const char *what, int rc)
{
  g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
               _("Cannot create the server certificate (%s): %s"),
               what, gnutls_strerror (rc));
}

static gboolean
write_private_file (const char *path, const char *data, gsize length, GError **error)
{
  /* Written to a temporary file created 0600 from the start, then renamed,
   * so the key is never readable by others, even for a moment. */
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  gsize done = 0;

  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("Cannot write “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  while (done < length)
    {
      gssize n = write (fd, data + done, length - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int errsv = errno;
          close (fd);
          g_unlink (tmp);
          g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                       _("Cannot write “%s”: %s"), path, g_strerror (errsv));
          return FALSE;
        }
      done += (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0 || g_rename (tmp, path) != 0)
    {
      int errsv = errno;
      g_unlink (tmp);
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("Cannot write “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static gboolean
generate (const char *cert_path, const char *key_path, GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t key_pem = { NULL, 0 }, crt_pem = { NULL, 0 };
  const char *hostname = g_get_host_name ();
  guint8 serial[16];
  time_t now = time (NULL);
  static const guint8 ipv4_loopback[4] = { 127, 0, 0, 1 };
  static const guint8 ipv6_loopback[16] = { [15] = 1 };
  gboolean ok = FALSE;
  int rc;

  if ((rc = gnutls_x509_privkey_init (&key)) < 0 ||
      (rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                          GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0)
    {
      set_gnutls_error (error, "key", rc);
      goto out;
    }
  if ((rc = gnutls_x509_crt_init (&crt)) < 0)
    {
      set_gnutls_error (error, "init", rc);
      goto out;
    }

  /* RFC 5280: positive serial, at most 20 octets. */
  if ((rc = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
    {
      set_gnutls_error (error, "serial", rc);
      goto out;
    }
  serial[0] &= 0x7f;
  serial[0] |= 0x01; /* and not zero-led */

  if ((rc = gnutls_x509_crt_set_version (crt, 3)) < 0 ||
      (rc = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0 ||
      (rc = gnutls_x509_crt_set_activation_time (crt, now - 24 * 3600)) < 0 ||
      (rc = gnutls_x509_crt_set_expiration_time (crt, now + VALIDITY_SECONDS)) < 0 ||
      (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                           hostname, strlen (hostname))) < 0 ||
      (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                           "Jinke CRM", strlen ("Jinke CRM"))) < 0 ||
      (rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, hostname,
                                                  strlen (hostname), GNUTLS_FSAN_APPEND)) < 0 ||
      (rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                  strlen ("localhost"), GNUTLS_FSAN_APPEND)) < 0 ||
      (rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ipv4_loopback,
                                                  sizeof ipv4_loopback, GNUTLS_FSAN_APPEND)) < 0 ||
      (rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ipv6_loopback,
                                                  sizeof ipv6_loopback, GNUTLS_FSAN_APPEND)) < 0 ||
      (rc = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0 ||
      (rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
      (rc = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
      (rc = gnutls_x509_crt_set_key (crt, key)) < 0 ||
      (rc = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0)
    {
      set_gnutls_error (error, "certificate", rc);
      goto out;
    }

  if ((rc = gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &key_pem)) < 0 ||
      (rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem)) < 0)
    {
      set_gnutls_error (error, "export", rc);
      goto out;
    }

  /* Key first: a certificate without its key would be unusable. */
  if (!write_private_file (key_path, (const char *) key_pem.data, key_pem.size, error))
    goto out;
  if (!g_file_set_contents (cert_path, (const char *) crt_pem.data, crt_pem.size, error))
    goto out;

  g_message ("Generated a self-signed certificate for %s in %s", hostname, cert_path);
  ok = TRUE;

out:
  gnutls_free (key_pem.data);
  gnutls_free (crt_pem.data);
  if (crt)
    gnutls_x509_crt_deinit (crt);
  if (key)
    gnutls_x509_privkey_deinit (key);
  return ok;
}

GTlsCertificate *
crm_tls_certificate_load_or_create (const char  *data_dir,
                                    const char  *cert_path,
                                    const char  *key_path,
                                    GError     **error)
{
  g_autofree char *default_cert = NULL;
  g_autofree char *default_key = NULL;
  g_autoptr(GError) local_error = NULL;
  GTlsCertificate *certificate;

  if ((cert_path == NULL) != (key_path == NULL))
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("Both a TLS certificate and its key must be given"));
      return NULL;
    }

  if (cert_path == NULL)
    {
      default_cert = g_build_filename (data_dir, "server.crt", NULL);
      default_key = g_build_filename (data_dir, "server.key", NULL);
      cert_path = default_cert;
      key_path = default_key;
      if (!g_file_test (cert_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
        {
          if (!generate (cert_path, key_path, error))
            return NULL;
        }
    }

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, CRM_ERROR, CRM_ERROR_INTERNAL,
                   _("Cannot load the TLS certificate “%s”: %s"), cert_path, local_error->message);
      return NULL;
    }
  return certificate;
}
