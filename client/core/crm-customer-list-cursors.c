/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-list"
#include "config.h"

#include "crm-customer-list-cursors.h"

typedef struct {
  char  *key;
  guint  block;
} Cursor;

struct _CrmCustomerListCursors
{
  GPtrArray *cursors;   /* Cursor*, index = page; NULL = not known */
};

static void
cursor_free (gpointer data)
{
  Cursor *cursor = data;

  if (cursor != NULL)
    {
      g_free (cursor->key);
      g_free (cursor);
    }
}

CrmCustomerListCursors *
crm_customer_list_cursors_new (void)
{
  CrmCustomerListCursors *self = g_new0 (CrmCustomerListCursors, 1);

  self->cursors = g_ptr_array_new_with_free_func (cursor_free);
  return self;
}

void
crm_customer_list_cursors_free (CrmCustomerListCursors *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->cursors);
  g_free (self);
}

void
crm_customer_list_cursors_clear (CrmCustomerListCursors *self)
{
  g_ptr_array_set_size (self->cursors, 0);
}

static Cursor *
cursor_at (CrmCustomerListCursors *self,
           guint                   page)
{
  return page < self->cursors->len ? g_ptr_array_index (self->cursors, page) : NULL;
}

const char *
crm_customer_list_cursors_get (CrmCustomerListCursors *self,
                               guint                   page)
{
  Cursor *cursor = cursor_at (self, page);

  return cursor ? cursor->key : NULL;
}

guint
crm_customer_list_cursors_get_block (CrmCustomerListCursors *self,
                                     guint                   page)
{
  Cursor *cursor = cursor_at (self, page);

  return cursor ? cursor->block : 0;
}

void
crm_customer_list_cursors_put (CrmCustomerListCursors *self,
                               guint                   page,
                               const char             *key,
                               guint                   block)
{
  Cursor *old, *cursor;

  g_return_if_fail (key != NULL);

  if (page >= self->cursors->len)
    g_ptr_array_set_size (self->cursors, page + 1);
  old = g_ptr_array_index (self->cursors, page);
  if (old != NULL && (old->block == block || block != 0))
    return;
  cursor = g_new (Cursor, 1);
  cursor->key = g_strdup (key);
  cursor->block = block;
  cursor_free (old);
  g_ptr_array_index (self->cursors, page) = cursor;
}

void
crm_customer_list_cursors_drop_block (CrmCustomerListCursors *self,
                                      guint                   block)
{
  for (guint i = 0; i < self->cursors->len; i++)
    {
      Cursor *cursor = g_ptr_array_index (self->cursors, i);

      if (cursor != NULL && cursor->block == block)
        {
          cursor_free (cursor);
          g_ptr_array_index (self->cursors, i) = NULL;
        }
    }
}

guint
crm_customer_list_cursors_get_len (CrmCustomerListCursors *self)
{
  return self->cursors->len;
}
