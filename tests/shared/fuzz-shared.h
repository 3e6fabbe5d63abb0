/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * libFuzzer targets of the shared helpers.  With -Dfuzzing=true and clang
 * each is a real fuzzer; otherwise it is a plain test (suite 'fuzz') that
 * replays its seed corpus (tests/shared/corpus/<target>/) and then a fixed,
 * seeded stream of inputs assembled from the target's tokens, so the test
 * explores combinations (prefixes, separators, markers, odd bytes) on every
 * run without being flaky.
 */

#include <glib.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#ifndef CRM_FUZZING_LIBFUZZER
static int
fuzz_shared_main (const char *target, const char *const *tokens, gsize n_tokens, guint generated,
                  int argc, char *argv[])
{
  g_autofree char *dir_path = g_build_filename (SOURCE_ROOT, "tests", "shared", "corpus", target, NULL);
  const char *path_in = argc > 1 ? argv[1] : dir_path;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  const char *name;
  guint count = 0;

  dir = g_dir_open (path_in, 0, &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (path_in, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
      count++;
    }

  for (guint i = 0; i < generated; i++)
    {
      g_autoptr(GString) input = g_string_new (NULL);
      guint parts = g_rand_int_range (rand, 1, 9);

      for (guint p = 0; p < parts; p++)
        {
          if (g_rand_int_range (rand, 0, 20) == 0)
            g_string_append_c (input, (char) g_rand_int_range (rand, 1, 256));
          else
            g_string_append (input, tokens[g_rand_int_range (rand, 0, (gint32) n_tokens)]);
        }
      LLVMFuzzerTestOneInput ((const uint8_t *) input->str, input->len);
    }

  g_print ("%s: replayed %u corpus inputs and %u generated inputs\n", target, count, generated);
  return count > 0 ? 0 : 1;
}
#endif
