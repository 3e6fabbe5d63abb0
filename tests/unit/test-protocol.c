/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-protocol"
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "crm-connection.h"
#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"
#include "crm-trust-store.h"

/* ---- /protocol/error ---- */

static void
test_error_field (void)
{
  g_autoptr (GError) e
      = crm_error_new_field (CRM_ERROR_INVALID_FIELD, "phones[1]", "Bad phone %d", 2);
  g_autoptr (GError) copy = NULL;
  g_autoptr (GError) none = crm_error_new_field (CRM_ERROR_CONFLICT, NULL, "stale");
  g_autoptr (GError) empty = crm_error_new_field (CRM_ERROR_CONFLICT, "", "stale");
  g_autoptr (GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_error (e, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_assert_cmpstr (e->message, ==, "Bad phone 2");
  g_assert_cmpstr (crm_error_get_field (e), ==, "phones[1]");

  /* the field survives g_error_copy (extended error) */
  copy = g_error_copy (e);
  g_assert_cmpstr (crm_error_get_field (copy), ==, "phones[1]");
  crm_error_set_field (e, "name");
  g_assert_cmpstr (crm_error_get_field (e), ==, "name");
  g_assert_cmpstr (crm_error_get_field (copy), ==, "phones[1]");

  g_assert_null (crm_error_get_field (none));
  g_assert_null (crm_error_get_field (empty));
  g_assert_null (crm_error_get_field (other));
  g_assert_null (crm_error_get_field (NULL));

  /* plain g_set_error in the domain works and has no field */
  {
    g_autoptr (GError) plain = NULL;
    g_set_error (&plain, CRM_ERROR, CRM_ERROR_NOT_FOUND, "gone");
    g_assert_null (crm_error_get_field (plain));
  }
}

static void
test_error_code_names (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpstr (crm_error_code_to_string (CRM_ERROR_CONFLICT), ==, "conflict");
  g_assert_cmpstr (crm_error_code_to_string (CRM_ERROR_INTERNAL), ==, "internal");
  g_assert_cmpstr (crm_error_code_to_string (CRM_ERROR_CERTIFICATE_CHANGED), ==,
                   "certificate-changed");
  g_assert_cmpstr (crm_error_code_to_string (9999), ==, "unknown");

  for (int code = CRM_ERROR_INTERNAL; code <= CRM_ERROR_PASSWORD_CHANGE_REQUIRED; code++)
    {
      const char *name = crm_error_code_to_string (code);

      g_assert_cmpstr (name, !=, "unknown");
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer)name);
    }
}

static void
test_error_variant (void)
{
  g_autoptr (GError) e = crm_error_new_field (CRM_ERROR_DUPLICATE, "code", "客户编号已存在");
  g_autoptr (GVariant) v = g_variant_ref_sink (crm_error_to_variant (e));
  g_autoptr (GError) back = NULL;
  guint32     code;
  const char *msg, *field;

  g_assert_cmpstr (g_variant_get_type_string (v), ==, "(uss)");
  g_variant_get (v, "(u&s&s)", &code, &msg, &field);
  g_assert_cmpuint (code, ==, CRM_ERROR_DUPLICATE);
  g_assert_cmpstr (msg, ==, "客户编号已存在");
  g_assert_cmpstr (field, ==, "code");

  back = crm_error_from_variant (v);
  g_assert_error (back, CRM_ERROR, CRM_ERROR_DUPLICATE);
  g_assert_cmpstr (back->message, ==, "客户编号已存在");
  g_assert_cmpstr (crm_error_get_field (back), ==, "code");

  /* non-CRM errors go out as INTERNAL, with no field */
  {
    g_autoptr (GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk");
    g_autoptr (GVariant) iv = g_variant_ref_sink (crm_error_to_variant (io));
    g_variant_get (iv, "(u&s&s)", &code, &msg, &field);
    g_assert_cmpuint (code, ==, CRM_ERROR_INTERNAL);
    g_assert_cmpstr (field, ==, "");
  }
}

static void
test_error_from_peer (void)
{
  /* unknown codes and local-only codes from a peer become INTERNAL; the
   * message is kept; "" field is NULL */
  const guint32 codes[] = { 0,
                            20,
                            99,
                            CRM_ERROR_CLOSED,
                            CRM_ERROR_CERTIFICATE_CHANGED,
                            CRM_ERROR_CERTIFICATE_UNKNOWN,
                            G_MAXUINT32 };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new ("(uss)", codes[i], "boom", ""));
      g_autoptr (GError) e = crm_error_from_variant (v);

      g_assert_error (e, CRM_ERROR, CRM_ERROR_INTERNAL);
      g_assert_cmpstr (e->message, ==, "boom");
      g_assert_null (crm_error_get_field (e));
    }
  /* wrong type */
  {
    g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new ("(us)", 3, "x"));
    g_autoptr (GError) e = crm_error_from_variant (v);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_BAD_PAYLOAD);
  }
  /* empty message gets a generic one */
  {
    g_autoptr (GVariant) v
        = g_variant_ref_sink (g_variant_new ("(uss)", CRM_ERROR_CONFLICT, "", "version"));
    g_autoptr (GError) e = crm_error_from_variant (v);
    g_assert_error (e, CRM_ERROR, CRM_ERROR_CONFLICT);
    g_assert_cmpstr (e->message, !=, "");
    g_assert_cmpstr (crm_error_get_field (e), ==, "version");
  }
}

/* ---- /protocol/messages ---- */

static void
test_messages_sorted_unique (void)
{
  gsize                 n;
  const CrmMessageInfo *all = crm_messages_all (&n);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, >, 0);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_assert_cmpuint (all[i - 1].id, <, all[i].id);
      g_assert_cmpuint (all[i].id, <=, G_MAXUINT16);
      g_assert_false (g_hash_table_contains (names, all[i].name));
      g_hash_table_add (names, (gpointer)all[i].name);
      g_assert_true (crm_message_lookup (all[i].id) == &all[i]);
      g_assert_true (crm_message_lookup_name (all[i].name) == &all[i]);
      g_assert_nonnull (all[i].summary);
    }
  g_assert_null (crm_message_lookup (0));
  g_assert_null (crm_message_lookup (65535));
  g_assert_null (crm_message_lookup_name ("customer.nope"));
}

static void
test_messages_types (void)
{
  gsize                 n;
  const CrmMessageInfo *all = crm_messages_all (&n);

  for (gsize i = 0; i < n; i++)
    {
      gboolean push = (all[i].flags & CRM_MSG_FLAG_PUSH) != 0;

      g_assert_nonnull (all[i].reply_type);
      g_assert_true (g_variant_type_string_is_valid (all[i].reply_type));
      g_assert_true (g_variant_type_is_definite (G_VARIANT_TYPE (all[i].reply_type)));
      if (push)
        {
          g_assert_null (all[i].request_type);
          g_assert_false (all[i].flags & (CRM_MSG_FLAG_MUTATES | CRM_MSG_FLAG_PREAUTH));
        }
      else
        {
          g_assert_nonnull (all[i].request_type);
          g_assert_true (g_variant_type_string_is_valid (all[i].request_type));
          g_assert_true (g_variant_type_is_tuple (G_VARIANT_TYPE (all[i].request_type)));
          g_assert_true (g_variant_type_is_definite (G_VARIANT_TYPE (all[i].request_type)));
        }
      if (all[i].flags & CRM_MSG_FLAG_MUTATES)
        g_assert_true (g_str_has_prefix (all[i].request_type, "(s"));
    }
}

static void
test_messages_permissions (void)
{
  gsize                    n, np;
  const CrmMessageInfo    *all = crm_messages_all (&n);
  const CrmPermissionInfo *perms = crm_permissions_all (&np);
  g_autoptr (GHashTable) catalogue = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; i < np; i++)
    {
      g_autofree char *prefix = g_strconcat (perms[i].module, ".", NULL);

      g_assert_false (g_hash_table_contains (catalogue, perms[i].permission));
      g_hash_table_add (catalogue, (gpointer)perms[i].permission);
      g_assert_true (g_str_has_prefix (perms[i].permission, prefix));
      g_assert_nonnull (perms[i].label);
    }
  for (gsize i = 0; i < n; i++)
    if (all[i].permission != NULL)
      g_assert_true (g_hash_table_contains (catalogue, all[i].permission));
}

static void
test_messages_idempotency_key (void)
{
  g_autofree char *key = crm_new_idempotency_key ();
  g_autofree char *key2 = crm_new_idempotency_key ();

  g_assert_true (crm_idempotency_key_is_valid (key));
  g_assert_cmpstr (key, !=, key2);
  g_assert_false (crm_idempotency_key_is_valid (NULL));
  g_assert_false (crm_idempotency_key_is_valid ("short"));
  g_assert_false (crm_idempotency_key_is_valid ("0123456789abcdef 123"));
  g_assert_false (crm_idempotency_key_is_valid ("0123456789abcdef'; DROP"));
  g_assert_true (crm_idempotency_key_is_valid ("0123456789abcdef"));
}

static void
test_messages_readme (void)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "protocol", "README.md", NULL);
  g_autofree char *readme = NULL;
  g_autoptr (GError) error = NULL;
  gsize                 n;
  const CrmMessageInfo *all = crm_messages_all (&n);

  g_assert_true (g_file_get_contents (path, &readme, NULL, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *cell = g_strdup_printf ("| %u | `%s` |", all[i].id, all[i].name);

      if (strstr (readme, cell) == NULL)
        g_error ("protocol/README.md does not document %s (expected “%s”)", all[i].name, cell);
    }
  for (int code = CRM_ERROR_INTERNAL; code <= CRM_ERROR_PASSWORD_CHANGE_REQUIRED; code++)
    {
      g_autofree char *cell
          = g_strdup_printf ("| %d | `%s` |", code, crm_error_code_to_string (code));
      if (strstr (readme, cell) == NULL)
        g_error ("protocol/README.md does not document error %s", cell);
    }
}

/* ---- /protocol/trust ---- */

static const char *fp_a = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:"
                          "88:99:aa:bb:cc:dd:ee:ff";
static const char *fp_b = "ff:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:"
                          "88:99:aa:bb:cc:dd:ee:00";

static void
test_trust_persist (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crm-trust-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "known-servers", NULL);
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  {
    g_autoptr (CrmTrustStore) store = crm_trust_store_new (path);

    g_assert_null (crm_trust_store_lookup (store, "crm.example.cn:7400"));
    g_assert_true (crm_trust_store_remember (store, "crm.example.cn:7400", fp_a, &error));
    g_assert_no_error (error);
    g_assert_true (crm_trust_store_remember (store, "[::1]:7400", fp_b, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (crm_trust_store_lookup (store, "crm.example.cn:7400"), ==, fp_a);
  }
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  {
    g_autoptr (CrmTrustStore) store = crm_trust_store_new (path);

    g_assert_cmpstr (crm_trust_store_lookup (store, "crm.example.cn:7400"), ==, fp_a);
    g_assert_cmpstr (crm_trust_store_lookup (store, "[::1]:7400"), ==, fp_b);
    g_assert_null (crm_trust_store_lookup (store, "crm.example.cn:7401"));
    g_assert_true (crm_trust_store_forget (store, "crm.example.cn:7400", &error));
    g_assert_no_error (error);
    g_assert_true (crm_trust_store_forget (store, "never.seen:1", &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr (CrmTrustStore) store = crm_trust_store_new (path);

    g_assert_null (crm_trust_store_lookup (store, "crm.example.cn:7400"));
    g_assert_cmpstr (crm_trust_store_lookup (store, "[::1]:7400"), ==, fp_b);
  }

  g_remove (path);
  g_autofree char *sub = g_path_get_dirname (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_trust_bad_input (void)
{
  g_autoptr (CrmTrustStore) store = crm_trust_store_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *upper = g_ascii_strup (fp_a, -1);

  g_assert_false (crm_trust_store_remember (store, "h:1", "not-a-fingerprint", &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  g_assert_false (crm_trust_store_remember (store, "h:1", upper, &error));
  g_assert_error (error, CRM_ERROR, CRM_ERROR_INVALID_FIELD);
  g_clear_error (&error);
  /* key file metacharacters in the host are harmless */
  g_assert_true (crm_trust_store_remember (store, "a=b[c]\n:1", fp_a, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (crm_trust_store_lookup (store, "a=b[c]\n:1"), ==, fp_a);
  g_assert_null (crm_trust_store_lookup (store, "a=b[c]:1"));
}

static void
test_trust_unwritable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crm-trust-XXXXXX", NULL);
  g_autofree char *blocker = g_build_filename (dir, "file", NULL);
  g_autofree char *path = g_build_filename (blocker, "known-servers", NULL);
  g_autoptr (CrmTrustStore) store = NULL;
  g_autoptr (GError) error = NULL;

  /* the parent "folder" is a regular file: saving must fail cleanly and
   * leave the store unchanged */
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  g_test_expect_message ("crm-protocol", G_LOG_LEVEL_WARNING, "*known servers*");
  store = crm_trust_store_new (path);
  g_test_assert_expected_messages ();
  g_assert_false (crm_trust_store_remember (store, "h:1", fp_a, &error));
  g_assert_nonnull (error);
  g_assert_null (crm_trust_store_lookup (store, "h:1"));

  g_remove (blocker);
  g_rmdir (dir);
}

static void
test_trust_corrupt_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("crm-trust-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "known-servers", NULL);
  g_autoptr (CrmTrustStore) store = NULL;

  g_assert_true (g_file_set_contents (path, "\xff\xfe garbage [[[ = \n", -1, NULL));
  g_test_expect_message ("crm-protocol", G_LOG_LEVEL_WARNING, "*known servers*");
  store = crm_trust_store_new (path);
  g_test_assert_expected_messages ();
  g_assert_null (crm_trust_store_lookup (store, "h:1"));

  g_remove (path);
  g_rmdir (dir);
}

static void
test_trust_fingerprint (void)
{
  g_autofree char *cert_path
      = g_build_filename (SOURCE_ROOT, "tests", "unit", "test-cert1.pem", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = g_tls_certificate_new_from_file (cert_path, &error);
  g_autofree char *fp = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cmd = NULL;
  int              status;

  g_assert_no_error (error);
  fp = crm_certificate_fingerprint (cert);
  g_assert_cmpuint (strlen (fp), ==, 95);

  /* compare with openssl's own computation */
  cmd = g_strdup_printf ("openssl x509 -noout -fingerprint -sha256 -in %s", cert_path);
  if (!g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL) || status != 0)
    {
      g_test_skip ("openssl not available");
      return;
    }
  g_strstrip (out);
  expected = g_ascii_strdown (strchr (out, '=') + 1, -1);
  g_assert_cmpstr (fp, ==, expected);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/error/field", test_error_field);
  g_test_add_func ("/protocol/error/code-names", test_error_code_names);
  g_test_add_func ("/protocol/error/variant", test_error_variant);
  g_test_add_func ("/protocol/error/from-peer", test_error_from_peer);
  g_test_add_func ("/protocol/messages/sorted-unique", test_messages_sorted_unique);
  g_test_add_func ("/protocol/messages/types", test_messages_types);
  g_test_add_func ("/protocol/messages/permissions", test_messages_permissions);
  g_test_add_func ("/protocol/messages/idempotency-key", test_messages_idempotency_key);
  g_test_add_func ("/protocol/messages/readme", test_messages_readme);
  g_test_add_func ("/protocol/trust/persist", test_trust_persist);
  g_test_add_func ("/protocol/trust/bad-input", test_trust_bad_input);
  g_test_add_func ("/protocol/trust/unwritable", test_trust_unwritable);
  g_test_add_func ("/protocol/trust/corrupt-file", test_trust_corrupt_file);
  g_test_add_func ("/protocol/trust/fingerprint", test_trust_fingerprint);

  return g_test_run ();
}
