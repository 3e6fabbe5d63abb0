/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "test-server-unit"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "crm-error.h"
#include "crm-net-i18n.h"
#include "crm-tls-cert.h"
#include "crm-tls-gate.h"

/* Pieces of the server's network side that need no database: the
 * self-signed certificate and the per-client translation lookup. */

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("crm-server-unit-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
rm_rf (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static gboolean
has_san (gnutls_x509_crt_t crt, unsigned int want_type, const void *want, size_t want_len)
{
  for (unsigned int i = 0;; i++)
    {
      char buf[256];
      size_t len = sizeof buf;
      unsigned int critical = 0;
      int type = gnutls_x509_crt_get_subject_alt_name (crt, i, buf, &len, &critical);

      if (type < 0)
        return FALSE;
      if ((unsigned int) type == want_type && len == want_len && memcmp (buf, want, len) == 0)
        return TRUE;
    }
}

static void
test_certificate_generated (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *key_path = g_build_filename (dir, "server.key", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "server.crt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) first = NULL;
  g_autoptr(GTlsCertificate) again = NULL;
  g_autofree char *pem = NULL;
  gsize pem_len = 0;
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;
  GStatBuf st;
  static const guint8 loopback[4] = { 127, 0, 0, 1 };
  time_t expires;

  first = crm_tls_certificate_load_or_create (dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);

  /* The private key is readable by its owner only. */
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_file_get_contents (cert_path, &pem, &pem_len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) pem_len;
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_true (has_san (crt, GNUTLS_SAN_DNSNAME, "localhost", strlen ("localhost")));
  g_assert_true (has_san (crt, GNUTLS_SAN_DNSNAME, g_get_host_name (), strlen (g_get_host_name ())));
  g_assert_true (has_san (crt, GNUTLS_SAN_IPADDRESS, loopback, sizeof loopback));
  expires = gnutls_x509_crt_get_expiration_time (crt);
  g_assert_cmpint (expires - time (NULL), >, (time_t) 9 * 365 * 24 * 3600);
  gnutls_x509_crt_deinit (crt);

  /* A second start keeps the same certificate: clients have pinned it. */
  again = crm_tls_certificate_load_or_create (dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_tls_certificate_is_same (first, again));

  rm_rf (dir);
}

static void
test_certificate_bad_input (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *junk = g_build_filename (dir, "junk.pem", NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *cert;

  cert = crm_tls_certificate_load_or_create (dir, junk, NULL, &error);
  g_assert_null (cert);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INTERNAL);
  g_clear_error (&error);

  g_file_set_contents (junk, "-----BEGIN CERTIFICATE-----\nnot base64\n", -1, &error);
  g_assert_no_error (error);
  cert = crm_tls_certificate_load_or_create (dir, junk, junk, &error);
  g_assert_null (cert);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, junk));

  rm_rf (dir);
}

/* Written with msgfmt-compatible layout by hand: one entry. */
static GBytes *
tiny_mo (const char *msgid, const char *msgstr)
{
  GByteArray *mo = g_byte_array_new ();
  guint32 header[7] = { 0x950412de, 0, 1, 28, 36, 0, 0 };
  guint32 entry[2];
  guint32 strings = 44;

  g_byte_array_append (mo, (guint8 *) header, sizeof header);
  entry[0] = strlen (msgid);
  entry[1] = strings;
  g_byte_array_append (mo, (guint8 *) entry, sizeof entry);
  entry[0] = strlen (msgstr);
  entry[1] = strings + strlen (msgid) + 1;
  g_byte_array_append (mo, (guint8 *) entry, sizeof entry);
  g_byte_array_append (mo, (guint8 *) msgid, strlen (msgid) + 1);
  g_byte_array_append (mo, (guint8 *) msgstr, strlen (msgstr) + 1);
  return g_byte_array_free_to_bytes (mo);
}

static void
write_catalog (const char *root, const char *lang, const void *data, gsize len)
{
  g_autofree char *dir = g_build_filename (root, lang, "LC_MESSAGES", NULL);
  g_autofree char *path = g_build_filename (dir, GETTEXT_PACKAGE ".mo", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static void
test_translate (void)
{
  g_autofree char *root = make_tmp_dir ();
  g_autoptr(GBytes) zh = tiny_mo ("Sign in first", "请先登录");
  g_autoptr(GBytes) truncated = NULL;
  const guint8 garbage[] = { 0xde, 0x12, 0x04, 0x95, 0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f };

  write_catalog (root, "zh_CN", g_bytes_get_data (zh, NULL), g_bytes_get_size (zh));
  /* Damaged catalogues: offsets pointing outside the file. */
  write_catalog (root, "xx", garbage, sizeof garbage);
  truncated = g_bytes_new_from_bytes (zh, 0, g_bytes_get_size (zh) - 6);
  write_catalog (root, "yy", g_bytes_get_data (truncated, NULL), g_bytes_get_size (truncated));
  g_setenv ("CRM_LOCALEDIR", root, TRUE);

  g_assert_cmpstr (crm_net_translate ("zh_CN", "Sign in first"), ==, "请先登录");
  g_assert_cmpstr (crm_net_translate ("zh_CN.UTF-8", "Sign in first"), ==, "请先登录");
  g_assert_cmpstr (crm_net_translate ("zh-CN", "Sign in first"), ==, "请先登录");
  g_assert_cmpstr (crm_net_translate ("zh_CN", "Not in the catalogue"), ==, "Not in the catalogue");
  g_assert_cmpstr (crm_net_translate ("en_US", "Sign in first"), ==, "Sign in first");
  g_assert_cmpstr (crm_net_translate ("xx", "Sign in first"), ==, "Sign in first");
  g_assert_cmpstr (crm_net_translate ("yy", "Sign in first"), ==, "Sign in first");
  /* A locale from the network never reaches the file system as a path. */
  g_assert_cmpstr (crm_net_translate ("../../etc/passwd", "Sign in first"), ==, "Sign in first");
  g_assert_cmpstr (crm_net_translate ("zh_CN/../zh_CN", "Sign in first"), ==, "Sign in first");
  g_assert_cmpstr (crm_net_translate ("", "Sign in first"), ==, g_dgettext (GETTEXT_PACKAGE, "Sign in first"));

  rm_rf (root);
}

/* ---- The TLS handshake gate (crm-tls-gate.c) ---- */

typedef struct {
  CrmTlsGate *gate;
  GString    *started;   /* peer names, in the order their turn came */
  GHashTable *gone;      /* peers that no longer want a slot */
  const char *leave_on_start; /* a peer that leaves from inside its start */
  guint       refs;      /* references the gate holds */
} GateFixture;

static gboolean
gate_start (gpointer peer, gpointer data)
{
  GateFixture *f = data;

  if (g_hash_table_contains (f->gone, peer))
    return FALSE;
  g_string_append (f->started, peer);
  if (f->leave_on_start != NULL && strcmp (peer, f->leave_on_start) == 0)
    {
      /* Its handshake fails at once: the slot goes on from inside. */
      crm_tls_gate_leave (f->gate, peer);
      return TRUE;
    }
  return TRUE;
}

static GateFixture *gate_fixture;

static gpointer
gate_ref (gpointer peer)
{
  gate_fixture->refs++;
  return peer;
}

static void
gate_unref (gpointer peer)
{
  g_assert_cmpuint (gate_fixture->refs, >, 0);
  gate_fixture->refs--;
}

static void
test_tls_gate (void)
{
  GateFixture f = { 0 };
  static const char *const peers[] = { "a", "b", "c", "d", "e", "f" };

  gate_fixture = &f;
  f.started = g_string_new (NULL);
  f.gone = g_hash_table_new (NULL, NULL);
  f.gate = crm_tls_gate_new (2, gate_start, &f, gate_ref, gate_unref);

  /* Two slots: a and b start at once, the others wait in arrival order. */
  g_assert_true (crm_tls_gate_enter (f.gate, (gpointer) peers[0]));
  g_assert_true (crm_tls_gate_enter (f.gate, (gpointer) peers[1]));
  for (guint i = 2; i < 6; i++)
    g_assert_false (crm_tls_gate_enter (f.gate, (gpointer) peers[i]));
  g_assert_cmpuint (crm_tls_gate_get_n_handshakes (f.gate), ==, 2);
  g_assert_cmpuint (f.refs, ==, 4);
  /* Entering twice changes nothing. */
  g_assert_true (crm_tls_gate_enter (f.gate, (gpointer) peers[0]));
  g_assert_false (crm_tls_gate_enter (f.gate, (gpointer) peers[2]));
  g_assert_cmpuint (f.refs, ==, 4);

  /* d hung up while it waited: it leaves the queue, no slot is used. */
  crm_tls_gate_leave (f.gate, (gpointer) peers[3]);
  g_assert_cmpuint (f.refs, ==, 3);
  /* e is gone too but still queued: its turn is skipped. */
  g_hash_table_add (f.gone, (gpointer) peers[4]);

  /* a finishes: c gets the slot. */
  crm_tls_gate_leave (f.gate, (gpointer) peers[0]);
  g_assert_cmpstr (f.started->str, ==, "c");
  g_assert_cmpuint (crm_tls_gate_get_n_handshakes (f.gate), ==, 2);

  /* b finishes: e no longer wants one, so f gets it, and f's handshake
   * ends at once from inside its start: the slot stays free. */
  f.leave_on_start = "f";
  crm_tls_gate_leave (f.gate, (gpointer) peers[1]);
  g_assert_cmpstr (f.started->str, ==, "cf");
  g_assert_cmpuint (crm_tls_gate_get_n_handshakes (f.gate), ==, 1);
  g_assert_cmpuint (f.refs, ==, 0);

  /* A stranger leaving is ignored; the last one frees the gate. */
  crm_tls_gate_leave (f.gate, (gpointer) "stranger");
  crm_tls_gate_leave (f.gate, (gpointer) peers[2]);
  g_assert_cmpuint (crm_tls_gate_get_n_handshakes (f.gate), ==, 0);
  g_assert_true (crm_tls_gate_enter (f.gate, (gpointer) peers[5]));

  /* Freed with peers waiting: their references are dropped. */
  g_assert_true (crm_tls_gate_enter (f.gate, (gpointer) peers[0]));
  g_assert_false (crm_tls_gate_enter (f.gate, (gpointer) peers[1]));
  g_assert_cmpuint (f.refs, ==, 1);
  crm_tls_gate_free (f.gate);
  g_assert_cmpuint (f.refs, ==, 0);

  g_hash_table_unref (f.gone);
  g_string_free (f.started, TRUE);
  gate_fixture = NULL;
}

/* Both ports open their socket through crm_tls_gate_listen: a free port
 * when asked for 0, and clear errors for an address that is no IP address
 * and for a port already taken (worded for the port in question). */
static void
test_tls_gate_listen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketService) first = NULL;
  g_autoptr(GSocketService) again = NULL;
  g_autoptr(GSocketService) bad = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *plain_message = NULL;
  guint16 port = 0, unused = 0;

  bad = crm_tls_gate_listen ("not-an-address", 0, FALSE, &unused, &error);
  g_assert_null (bad);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, "not-an-address"));
  g_clear_error (&error);

  first = crm_tls_gate_listen ("127.0.0.1", 0, FALSE, &port, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_cmpuint (port, >, 0);

  /* The messages may be translated: check that they name the port and
   * that the HTTPS one is worded apart. */
  port_text = g_strdup_printf ("%u", port);
  again = crm_tls_gate_listen ("127.0.0.1", port, FALSE, &unused, &error);
  g_assert_null (again);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, port_text));
  plain_message = g_strdup (error->message);
  g_clear_error (&error);

  again = crm_tls_gate_listen ("127.0.0.1", port, TRUE, &unused, &error);
  g_assert_null (again);
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INTERNAL);
  g_assert_nonnull (strstr (error->message, port_text));
  g_assert_cmpstr (error->message, !=, plain_message);
  g_socket_listener_close (G_SOCKET_LISTENER (first));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/tls/certificate-generated", test_certificate_generated);
  g_test_add_func ("/server/tls/certificate-bad-input", test_certificate_bad_input);
  g_test_add_func ("/server/i18n/translate", test_translate);
  g_test_add_func ("/server/tls/gate", test_tls_gate);
  g_test_add_func ("/server/tls/listen", test_tls_gate_listen);

  return g_test_run ();
}
