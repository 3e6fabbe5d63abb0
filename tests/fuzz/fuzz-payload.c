/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-payload"
#include "config.h"

#include "fuzz-common.h"

/* Input: one selector byte choosing the body type (index into the table's
 * types, wrapping), then the body. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GPtrArray *types = fuzz_all_types ();
  g_autoptr (GBytes) body = NULL;

  if (size < 1)
    return 0;
  body = g_bytes_new (data + 1, size - 1);
  fuzz_decode_one (body, types->pdata[data[0] % types->len]);
  return 0;
}

#ifndef CRM_FUZZING_LIBFUZZER
int
main (int argc, char *argv[])
{
  return fuzz_replay_main ("fuzz-payload", argc, argv);
}
#endif
