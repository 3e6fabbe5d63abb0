/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"
#define G_LOG_DOMAIN "crm-i18n"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "crm-net-i18n.h"

#define MO_MAGIC         0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u

typedef struct {
  GMappedFile *file;
  GHashTable  *strings; /* msgid → msgstr, both pointing into the mapping */
} Catalog;

static GMutex catalogs_lock;
static GHashTable *catalogs; /* language → Catalog* (NULL value = none found) */

static void
catalog_free (gpointer data)
{
  Catalog *catalog = data;

  if (catalog == NULL)
    return;
  g_hash_table_unref (catalog->strings);
  g_mapped_file_unref (catalog->file);
  g_free (catalog);
}

static gboolean
read_u32 (const guint8 *data, gsize length, gsize offset, gboolean swapped, guint32 *out)
{
  guint32 v;

  if (offset > length || length - offset < 4)
    return FALSE;
  memcpy (&v, data + offset, 4);
  *out = swapped ? GUINT32_SWAP_LE_BE (v) : v;
  return TRUE;
}

/* A string table entry: every offset and length is checked against the file
 * (a damaged catalogue must not crash the server), and the string must be
 * NUL-terminated inside it. */
static const char *
read_string (const guint8 *data, gsize length, guint32 table, guint32 index, gboolean swapped)
{
  guint32 len, off;
  gsize entry = (gsize) table + (gsize) index * 8;

  if (!read_u32 (data, length, entry, swapped, &len) ||
      !read_u32 (data, length, entry + 4, swapped, &off))
    return NULL;
  if ((gsize) off > length || length - off <= len || data[(gsize) off + len] != '\0')
    return NULL;
  return (const char *) data + off;
}

static Catalog *
catalog_load (const char *path)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  const guint8 *data;
  gsize length;
  guint32 magic, n, originals, translations;
  gboolean swapped;
  Catalog *catalog;

  if (file == NULL)
    return NULL;
  data = (const guint8 *) g_mapped_file_get_contents (file);
  length = g_mapped_file_get_length (file);
  if (!read_u32 (data, length, 0, FALSE, &magic))
    return NULL;
  if (magic == MO_MAGIC)
    swapped = FALSE;
  else if (magic == MO_MAGIC_SWAPPED)
    swapped = TRUE;
  else
    return NULL;
  if (!read_u32 (data, length, 8, swapped, &n) ||
      !read_u32 (data, length, 12, swapped, &originals) ||
      !read_u32 (data, length, 16, swapped, &translations))
    return NULL;

  catalog = g_new0 (Catalog, 1);
  catalog->strings = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint32 i = 0; i < n; i++)
    {
      const char *msgid = read_string (data, length, originals, i, swapped);
      const char *msgstr = read_string (data, length, translations, i, swapped);

      if (msgid == NULL || msgstr == NULL)
        break;
      if (*msgid == '\0' || *msgstr == '\0')
        continue; /* the header, or untranslated */
      g_hash_table_insert (catalog->strings, (gpointer) msgid, (gpointer) msgstr);
    }
  catalog->file = g_steal_pointer (&file);
  return catalog;
}

static Catalog *
catalog_find (const char *language)
{
  const char *dirs[4];
  guint n_dirs = 0;
  const char *env = g_getenv ("CRM_LOCALEDIR");

  if (env != NULL && *env != '\0')
    dirs[n_dirs++] = env;
  dirs[n_dirs++] = LOCALEDIR;
  /* Running from the build tree (tests, the demo script). */
  dirs[n_dirs++] = BUILD_ROOT "/po";

  for (guint i = 0; i < n_dirs; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], language, "LC_MESSAGES",
                                                GETTEXT_PACKAGE ".mo", NULL);
      Catalog *catalog = catalog_load (path);

      if (catalog != NULL)
        return catalog;
    }
  return NULL;
}

static const char *
lookup_language (const char *language, const char *msgid)
{
  Catalog *catalog;
  const char *result = NULL;

  g_mutex_lock (&catalogs_lock);
  if (catalogs == NULL)
    catalogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, catalog_free);
  if (!g_hash_table_lookup_extended (catalogs, language, NULL, (gpointer *) &catalog))
    {
      catalog = catalog_find (language);
      g_hash_table_insert (catalogs, g_strdup (language), catalog);
    }
  if (catalog != NULL)
    result = g_hash_table_lookup (catalog->strings, msgid);
  g_mutex_unlock (&catalogs_lock);
  /* Catalogues are never unloaded, so the string stays valid. */
  return result;
}

static gboolean
language_is_sane (const char *s, gsize len)
{
  if (len == 0 || len > 32)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '_' && s[i] != '-')
      return FALSE;
  return TRUE;
}

const char *
crm_net_translate (const char *locale, const char *msgid)
{
  g_autofree char *full = NULL;
  const char *result;
  gsize len;

  if (locale == NULL || *locale == '\0')
    return g_dgettext (GETTEXT_PACKAGE, msgid);

  /* "zh_CN.UTF-8@mod" → "zh_CN", then "zh".  The locale comes from a
   * client, so only plain identifiers reach the file system. */
  len = strcspn (locale, ".@");
  if (!language_is_sane (locale, len))
    return msgid;
  if ((len == 1 && locale[0] == 'C') || (len == 5 && strncmp (locale, "POSIX", 5) == 0))
    return msgid;

  full = g_strndup (locale, len);
  g_strdelimit (full, "-", '_');
  result = lookup_language (full, msgid);
  if (result == NULL)
    {
      char *underscore = strchr (full, '_');
      if (underscore != NULL)
        {
          *underscore = '\0';
          result = lookup_language (full, msgid);
        }
    }
  return result != NULL ? result : msgid;
}

char *
crm_net_translate_printf (const char *locale, const char *format, ...)
{
  va_list args;
  char *s;

  va_start (args, format);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  s = g_strdup_vprintf (crm_net_translate (locale, format), args);
#pragma GCC diagnostic pop
  va_end (args);
  return s;
}
