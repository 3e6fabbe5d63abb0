/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "crm-checksum.h"

/*
 * crm_file_sha256: the recording spool (client) and the upload check
 * (server) both compare its text, so it must be the exact SHA-256 of the
 * whole file, across the function's 64 KiB read buffer, and fail cleanly.
 */

/* crm-checksum.c reads in chunks of this size. */
#define READ_BUFFER 65536

static char *tmp_dir;

/* Writes `len` bytes of `data` to a new file in the test's folder and
 * returns its path. */
static char *
write_file (const char *name, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_file_set_contents (path, data, (gssize)len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
sha256_of_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *sum = crm_file_sha256 (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sum);
  return sum;
}

static void
test_checksum_empty (void)
{
  g_autofree char *path = write_file ("empty", "", 0);
  g_autofree char *sum = sha256_of_file (path);

  g_assert_cmpstr (sum, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_remove (path);
}

static void
test_checksum_abc (void)
{
  g_autofree char *path = write_file ("abc", "abc", 3);
  g_autofree char *sum = sha256_of_file (path);

  g_assert_cmpstr (sum, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_remove (path);
}

/* The FIPS 180-2 vector of one million 'a': more than fifteen read
 * buffers and a partial last one. */
static void
test_checksum_million_a (void)
{
  gsize            len = 1000000;
  g_autofree char *data = g_malloc (len);
  g_autofree char *path = NULL;
  g_autofree char *sum = NULL;

  g_assert_cmpuint (len, >, READ_BUFFER);
  memset (data, 'a', len);
  path = write_file ("million-a", data, len);
  sum = sha256_of_file (path);
  g_assert_cmpstr (sum, ==, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  g_remove (path);
}

/* Sizes around the read buffer, with bytes that differ from chunk to
 * chunk (a dropped, repeated or reordered chunk changes the sum); the
 * reference is the sum of the same bytes in memory. */
static void
test_checksum_buffer_edges (void)
{
  static const gsize sizes[] = {
    READ_BUFFER - 1, READ_BUFFER, READ_BUFFER + 1, 2 * READ_BUFFER, 3 * READ_BUFFER + 7,
  };
  gsize              max = 3 * READ_BUFFER + 7;
  g_autofree guchar *data = g_malloc (max);

  for (gsize i = 0; i < max; i++)
    data[i] = (guchar)((i * 2654435761u) >> 13);

  for (gsize k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      g_autofree char *name = g_strdup_printf ("edge-%" G_GSIZE_FORMAT, sizes[k]);
      g_autofree char *path = write_file (name, data, sizes[k]);
      g_autofree char *sum = sha256_of_file (path);
      g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, sizes[k]);
      g_autofree char *truncated
          = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, sizes[k] - 1);

      g_test_message ("%" G_GSIZE_FORMAT " bytes: %s", sizes[k], sum);
      g_assert_cmpuint (strlen (sum), ==, 64);
      g_assert_cmpstr (sum, ==, expected);
      g_assert_cmpstr (sum, !=, truncated);
      g_remove (path);
    }
}

static void
test_checksum_missing (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-recording.wav", NULL);
  g_autofree char *sum = NULL;

  sum = crm_file_sha256 (path, &error);
  g_assert_null (sum);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  /* The message names the file, for the log line and the user. */
  g_assert_nonnull (strstr (error->message, "no-such-recording.wav"));

  /* Without a GError: still NULL, nothing else happens. */
  g_assert_null (crm_file_sha256 (path, NULL));
}

/* A folder opens but cannot be read: the read error, not a sum of
 * nothing. */
static void
test_checksum_directory (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sum = crm_file_sha256 (tmp_dir, &error);

  g_assert_null (sum);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("crm-checksum-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/shared/checksum/empty", test_checksum_empty);
  g_test_add_func ("/shared/checksum/abc", test_checksum_abc);
  g_test_add_func ("/shared/checksum/million-a", test_checksum_million_a);
  g_test_add_func ("/shared/checksum/buffer-edges", test_checksum_buffer_edges);
  g_test_add_func ("/shared/checksum/missing", test_checksum_missing);
  g_test_add_func ("/shared/checksum/directory", test_checksum_directory);
  status = g_test_run ();

  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
