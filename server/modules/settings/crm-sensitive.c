/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-sensitive"
#include "config.h"

#include <string.h>

#include "crm-sensitive.h"

static GRWLock     registry_lock;
static GHashTable *registry; /* member → permission (static strings) */
static gint        registry_size;

void
crm_sensitive_register (const char *member, const char *permission)
{
  g_return_if_fail (member != NULL && permission != NULL);

  g_rw_lock_writer_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_replace (registry, (gpointer)member, (gpointer)permission);
  g_atomic_int_set (&registry_size, (gint)g_hash_table_size (registry));
  g_rw_lock_writer_unlock (&registry_lock);
}

void
crm_sensitive_reset (void)
{
  g_rw_lock_writer_lock (&registry_lock);
  g_clear_pointer (&registry, g_hash_table_unref);
  g_atomic_int_set (&registry_size, 0);
  g_rw_lock_writer_unlock (&registry_lock);
}

gboolean
crm_sensitive_any (void)
{
  return g_atomic_int_get (&registry_size) > 0;
}

/* Whether `session` may not read `member` (registry read-locked). */
static gboolean
hidden_locked (const CrmSession *session, const char *member)
{
  const char *permission = g_hash_table_lookup (registry, member);

  return permission != NULL && !crm_session_has_permission (session, permission);
}

/* `value` with hidden members removed at every depth; NULL when nothing
 * inside it changes (the caller keeps the original). */
static GVariant *
strip (const CrmSession *session, GVariant *value)
{
  const GVariantType *type = g_variant_get_type (value);
  gsize               n;
  GVariant          **children = NULL;
  gboolean            changed = FALSE;
  gboolean            is_vardict = g_variant_type_equal (type, G_VARIANT_TYPE_VARDICT);
  gsize               kept = 0;

  if (g_variant_type_is_basic (type))
    return NULL;
  if (g_variant_type_is_variant (type))
    {
      g_autoptr (GVariant) inner = g_variant_get_variant (value);
      GVariant *stripped = strip (session, inner);

      return stripped ? g_variant_new_variant (stripped) : NULL;
    }
  n = g_variant_n_children (value);
  if (n == 0)
    return NULL;
  children = g_new0 (GVariant *, n);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (value, i);
      GVariant *stripped;

      if (is_vardict)
        {
          const char *member;

          g_variant_get_child (value, i, "{&sv}", &member, NULL);
          if (hidden_locked (session, member))
            {
              changed = TRUE;
              continue;
            }
        }
      stripped = strip (session, child);
      if (stripped != NULL)
        changed = TRUE;
      children[kept++] = stripped ? g_variant_ref_sink (stripped) : g_variant_ref (child);
    }
  if (!changed)
    {
      for (gsize i = 0; i < kept; i++)
        g_variant_unref (children[i]);
      g_free (children);
      return NULL;
    }
  {
    GVariant *result;

    if (g_variant_type_is_tuple (type))
      result = g_variant_new_tuple (children, kept);
    else if (g_variant_type_is_dict_entry (type))
      result = g_variant_new_dict_entry (children[0], children[1]);
    else if (g_variant_type_is_maybe (type))
      result = g_variant_new_maybe (g_variant_type_element (type), kept ? children[0] : NULL);
    else
      result = g_variant_new_array (g_variant_type_element (type), children, kept);
    for (gsize i = 0; i < kept; i++)
      g_variant_unref (children[i]);
    g_free (children);
    return result;
  }
}

GVariant *
crm_sensitive_filter (const CrmSession *session, GVariant *reply)
{
  GVariant *stripped = NULL;

  g_return_val_if_fail (reply != NULL, NULL);

  /* A handler's reply is floating or a full reference: own it either way. */
  reply = g_variant_take_ref (reply);
  if (!crm_sensitive_any ())
    return reply;
  g_rw_lock_reader_lock (&registry_lock);
  if (registry != NULL)
    stripped = strip (session, reply);
  g_rw_lock_reader_unlock (&registry_lock);
  if (stripped == NULL)
    return reply;
  g_variant_unref (reply);
  return g_variant_ref_sink (stripped);
}
