/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-collate"

#include "config.h"

#include "crm-collate.h"

#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

static void
collator_free (gpointer data)
{
  if (data != NULL)
    ucol_close (data);
}

static GPrivate collator_private = G_PRIVATE_INIT (collator_free);

static UCollator *
collator_get (void)
{
  UCollator *coll = g_private_get (&collator_private);
  UErrorCode status = U_ZERO_ERROR;

  if (coll != NULL)
    return coll;
  coll = ucol_open ("zh", &status);
  if (U_FAILURE (status))
    {
      g_warning ("Cannot open the ICU zh collator: %s", u_errorName (status));
      return NULL;
    }
  g_private_set (&collator_private, coll);
  return coll;
}

int
crm_collate_compare (const char *a, const char *b)
{
  UCollator *coll = collator_get ();
  g_autofree char *va = g_utf8_make_valid (a != NULL ? a : "", -1);
  g_autofree char *vb = g_utf8_make_valid (b != NULL ? b : "", -1);
  UErrorCode status = U_ZERO_ERROR;
  UCollationResult r;

  if (coll == NULL)
    return strcmp (va, vb);
  r = ucol_strcollUTF8 (coll, va, -1, vb, -1, &status);
  if (U_FAILURE (status))
    return strcmp (va, vb);
  return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

char *
crm_collate_key (const char *utf8)
{
  UCollator *coll = collator_get ();
  g_autofree char *valid = g_utf8_make_valid (utf8 != NULL ? utf8 : "", -1);
  g_autofree UChar *text = NULL;
  UErrorCode status = U_ZERO_ERROR;
  int32_t len = 0;
  int32_t size;
  guint8 *key;

  if (coll == NULL)
    return g_steal_pointer (&valid);
  u_strFromUTF8 (NULL, 0, &len, valid, -1, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE (status))
    return g_steal_pointer (&valid);
  status = U_ZERO_ERROR;
  text = g_new (UChar, (gsize) len + 1);
  u_strFromUTF8 (text, len + 1, NULL, valid, -1, &status);
  if (U_FAILURE (status))
    return g_steal_pointer (&valid);

  /* Sort keys are NUL-terminated and hold no other NUL byte. */
  size = ucol_getSortKey (coll, text, len, NULL, 0);
  key = g_malloc ((gsize) size);
  ucol_getSortKey (coll, text, len, key, size);
  return (char *) key;
}
