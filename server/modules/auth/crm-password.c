/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-auth"
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "crm-modules.h"

/*
 * Argon2id with libsodium's interactive limits (64 MiB each): at most two
 * hashes run at once so that a burst of sign-ins cannot exhaust memory.
 */

#define MAX_CONCURRENT_HASHES 2

static GMutex hash_lock;
static GCond  hash_cond;
static guint  hashes_running;

void
crm_auth_hash_enter (void)
{
  g_mutex_lock (&hash_lock);
  while (hashes_running >= MAX_CONCURRENT_HASHES)
    g_cond_wait (&hash_cond, &hash_lock);
  hashes_running++;
  g_mutex_unlock (&hash_lock);
}

void
crm_auth_hash_leave (void)
{
  g_mutex_lock (&hash_lock);
  hashes_running--;
  g_cond_signal (&hash_cond);
  g_mutex_unlock (&hash_lock);
}

static void
ensure_sodium (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      if (sodium_init () < 0)
        g_error ("libsodium failed to initialise");
      g_once_init_leave (&once, 1);
    }
}

char *
crm_password_hash (const char *password)
{
  char out[crypto_pwhash_STRBYTES];
  int rc;

  ensure_sodium ();
  crm_auth_hash_enter ();
  rc = crypto_pwhash_str (out, password, strlen (password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE);
  crm_auth_hash_leave ();
  if (rc != 0)
    {
      g_warning ("password hashing failed (out of memory?)");
      return NULL;
    }
  return g_strdup (out);
}

gboolean
crm_password_verify (const char *hash, const char *password)
{
  int rc;

  ensure_sodium ();
  if (hash == NULL || strlen (hash) >= crypto_pwhash_STRBYTES)
    return FALSE;
  crm_auth_hash_enter ();
  rc = crypto_pwhash_str_verify (hash, password, strlen (password));
  crm_auth_hash_leave ();
  return rc == 0;
}

char *
crm_password_generate (guint length)
{
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  char buf[64];

  g_return_val_if_fail (length < sizeof buf, NULL);
  if (sodium_init () < 0)
    return NULL;
  for (guint i = 0; i < length; i++)
    buf[i] = alphabet[randombytes_uniform (sizeof alphabet - 1)];
  buf[length] = '\0';
  return g_strdup (buf);
}
