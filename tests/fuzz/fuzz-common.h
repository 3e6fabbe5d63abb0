/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "crm-error.h"
#include "crm-frame.h"
#include "crm-messages.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Every body type of the protocol: requests, replies/pushes, errors. */
static inline GPtrArray *
fuzz_all_types (void)
{
  static GPtrArray *types;

  if (types == NULL)
    {
      gsize                 n;
      const CrmMessageInfo *all = crm_messages_all (&n);

      types = g_ptr_array_new ();
      for (gsize i = 0; i < n; i++)
        {
          if (all[i].request_type != NULL)
            g_ptr_array_add (types, (gpointer)all[i].request_type);
          g_ptr_array_add (types, (gpointer)all[i].reply_type);
        }
      g_ptr_array_add (types, (gpointer) "(uss)");
    }
  return types;
}

/* Decodes `body` as `type`; whatever the input, a decoded value must be
 * exactly the bytes it came from (normal form is unique) and usable. */
static inline void
fuzz_decode_one (GBytes *body, const char *type)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = crm_payload_decode (body, G_VARIANT_TYPE (type), &error);

  if (value == NULL)
    {
      g_assert_true (error != NULL);
      g_assert_true (error->domain == CRM_ERROR);
      return;
    }
  g_assert_true (error == NULL);
  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE (type)));
  if (g_bytes_get_size (body) > 0)
    {
      g_assert_true (g_variant_get_size (value) == g_bytes_get_size (body));
      g_assert_true (memcmp (g_variant_get_data (value), g_bytes_get_data (body, NULL),
                             g_bytes_get_size (body))
                     == 0);
    }
  /* Exercise the accessors a handler would use. */
  {
    g_autofree char *text = g_variant_print (value, FALSE);
    g_assert_true (text != NULL);
  }
  if (strcmp (type, "(uss)") == 0)
    {
      g_autoptr (GError) peer = crm_error_from_variant (value);
      g_assert_true (peer != NULL && peer->domain == CRM_ERROR);
    }
}

#ifndef CRM_FUZZING_LIBFUZZER
/* Plain test: replay every file of the seed corpus. */
static inline int
fuzz_replay_main (const char *target, int argc, char *argv[])
{
  g_autofree char *dir_path
      = g_build_filename (SOURCE_ROOT, "tests", "fuzz", "corpus", target, NULL);
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;
  guint       count = 0;

  dir = g_dir_open (argc > 1 ? argv[1] : dir_path, 0, &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argc > 1 ? argv[1] : dir_path, name, NULL);
      g_autofree char *contents = NULL;
      gsize            length;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *)contents, length);
      count++;
    }
  g_print ("%s: replayed %u inputs\n", target, count);
  return count > 0 ? 0 : 1;
}
#endif
