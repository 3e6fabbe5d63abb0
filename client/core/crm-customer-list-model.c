/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer-list"
#include "config.h"

#include "crm-customer-list-cursors.h"
#include "crm-customer-list-model.h"
#include "crm-error.h"
#include "crm-messages.h"

#define PAGE CRM_CUSTOMER_LIST_PAGE_ROWS
#define SKIP_PAGES (CRM_CUSTOMER_LIST_SKIP_ROWS / CRM_CUSTOMER_LIST_PAGE_ROWS)
#define MAX_WANTED 8
/* A page farther than this past the nearest known cursor is reached with
 * customer.seek (one request) rather than by walking (one per 5 pages). */
#define SEEK_PAGES (2 * SKIP_PAGES)

G_STATIC_ASSERT (CRM_CUSTOMER_LIST_SKIP_ROWS % CRM_CUSTOMER_LIST_PAGE_ROWS == 0);

/* Rows and cursors come in blocks: block 0 walks from the start of the
 * list, so its positions are exact; every customer.seek starts a new block
 * at an estimated position.  Within a block rows are contiguous.  Where two
 * blocks meet (adjacent pages of different blocks), the rows there could
 * overlap or leave a gap, so one block is dropped: block 0 always stays;
 * otherwise the block just extended (where the user scrolls) stays.  The
 * dropped block's places load again from the remaining block's cursors. */
typedef struct {
  guint      index;
  guint      block;
  GPtrArray *rows;   /* CrmCustomerRow */
  GList     *lru;    /* link in self->lru, data = this page */
} Page;

struct _CrmCustomerListModel
{
  GObject       parent_instance;

  CrmSession   *session;
  char         *sort_column;
  gboolean      descending;
  GVariant     *filters;

  guint         n_items;
  gboolean      exact;
  CrmCustomerListCursors *cursors;      /* where each page starts */
  CrmCustomerListCursors *back_cursors; /* listing the other way from it
                                        * gives the rows before that page */
  GHashTable   *seeked;      /* pages a seek was asked for */
  GHashTable   *jumped;      /* page whose cursor came from a seek → its block */
  GHashTable   *dropped;     /* blocks dropped at a seam */
  guint         next_block;
  guint         n_requests;
  guint         n_seams;
  GHashTable   *pages;       /* GUINT_TO_POINTER(index) → Page* */
  GQueue        lru;         /* Page*, most recent at head */
  GQueue        wanted;      /* GUINT_TO_POINTER(index), most recent at head */

  GCancellable *cancellable; /* the request in flight */
  guint         fetch_source;
  guint         generation;
  gboolean      started;
  GError       *error;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmCustomerListModel, crm_customer_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_EXACT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->rows);
  g_free (page);
}

static void schedule_fetch (CrmCustomerListModel *self);

static void
set_loading (CrmCustomerListModel *self,
             GCancellable         *cancellable)
{
  gboolean was = self->cancellable != NULL;

  g_clear_object (&self->cancellable);
  self->cancellable = cancellable;
  if (was != (cancellable != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_n_items (CrmCustomerListModel *self,
             guint                 n_items)
{
  guint old = self->n_items;

  if (old == n_items)
    return;
  self->n_items = n_items;
  if (n_items > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n_items - old);
  else
    g_list_model_items_changed (G_LIST_MODEL (self), n_items, old - n_items, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static const char *
cursor_for (CrmCustomerListModel *self,
            guint                 page)
{
  return crm_customer_list_cursors_get (self->cursors, page);
}

static guint
cursor_block (CrmCustomerListModel *self,
              guint                 page)
{
  return crm_customer_list_cursors_get_block (self->cursors, page);
}

static gboolean
block_alive (CrmCustomerListModel *self,
             guint                 block)
{
  return !g_hash_table_contains (self->dropped, GUINT_TO_POINTER (block));
}

static void
set_cursor (CrmCustomerListModel *self,
            guint                 page,
            const char           *cursor,
            guint                 block)
{
  if (block_alive (self, block))
    crm_customer_list_cursors_put (self->cursors, page, cursor, block);
}

static const char *
back_cursor_for (CrmCustomerListModel *self,
                 guint                 page)
{
  return crm_customer_list_cursors_get (self->back_cursors, page);
}

static guint
back_cursor_block (CrmCustomerListModel *self,
                   guint                 page)
{
  return crm_customer_list_cursors_get_block (self->back_cursors, page);
}

static void
set_back_cursor (CrmCustomerListModel *self,
                 guint                 page,
                 const char           *cursor,
                 guint                 block)
{
  if (block_alive (self, block))
    crm_customer_list_cursors_put (self->back_cursors, page, cursor, block);
}

/* Forgets every row and cursor of `block`; its cached ranges are announced
 * (they read as placeholders until loaded again from another block). */
static void
drop_block (CrmCustomerListModel *self,
            guint                 block)
{
  g_autoptr(GArray) dropped = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer key, value;

  g_debug ("seam: dropping block %u", block);
  g_hash_table_add (self->dropped, GUINT_TO_POINTER (block));
  self->n_seams++;
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Page *page = value;

      if (page->block != block)
        continue;
      g_array_append_val (dropped, page->index);
      g_queue_delete_link (&self->lru, page->lru);
      g_hash_table_iter_remove (&iter);
    }
  crm_customer_list_cursors_drop_block (self->cursors, block);
  crm_customer_list_cursors_drop_block (self->back_cursors, block);
  g_hash_table_iter_init (&iter, self->jumped);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) == block)
      g_hash_table_iter_remove (&iter);

  /* After every change to the state: the view may read items at once. */
  for (guint i = 0; i < dropped->len; i++)
    {
      guint position = g_array_index (dropped, guint, i) * PAGE;

      if (position < self->n_items)
        {
          guint n = MIN ((guint) PAGE, self->n_items - position);
          g_list_model_items_changed (G_LIST_MODEL (self), position, n, n);
        }
    }
}

/* Before page `index` of `block` is stored: where it meets a cached page of
 * another block, one of the two blocks goes.  Returns FALSE when it is
 * `block` (the page must not be stored). */
static gboolean
resolve_seams (CrmCustomerListModel *self,
               guint                 index,
               guint                 block)
{
  guint neighbours[3] = { index, index + 1, index > 0 ? index - 1 : index };

  for (guint i = 0; i < G_N_ELEMENTS (neighbours); i++)
    {
      Page *other = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (neighbours[i]));
      guint loser;

      if (other == NULL || other->block == block)
        continue;
      loser = other->block == 0 ? block : other->block;
      drop_block (self, loser);
      if (loser == block)
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_wanted (CrmCustomerListModel *self,
           guint                 page)
{
  return g_queue_find (&self->wanted, GUINT_TO_POINTER (page)) != NULL;
}

static void
want (CrmCustomerListModel *self,
      guint                 page)
{
  GList *link = g_queue_find (&self->wanted, GUINT_TO_POINTER (page));

  if (link)
    g_queue_unlink (&self->wanted, link), g_list_free (link);
  g_queue_push_head (&self->wanted, GUINT_TO_POINTER (page));
  /* A fast scroll leaves a trail of pages nobody looks at any more. */
  while (g_queue_get_length (&self->wanted) > MAX_WANTED)
    g_queue_pop_tail (&self->wanted);
}

static void
unwant (CrmCustomerListModel *self,
        guint                 page)
{
  g_queue_remove_all (&self->wanted, GUINT_TO_POINTER (page));
}

static void
evict (CrmCustomerListModel *self)
{
  while (g_queue_get_length (&self->lru) > CRM_CUSTOMER_LIST_MAX_PAGES)
    {
      Page *page = g_queue_pop_tail (&self->lru);

      /* Not announced: nothing displays an evicted page (the view holds
       * only visible items), and asking again yields a placeholder that
       * the reload replaces with items-changed. */
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->index));
    }
}

/* Stores `n` rows (n ≤ PAGE) starting at rows[offset] as page `index` and
 * announces the range. */
static gboolean
store_page (CrmCustomerListModel *self,
            guint                 index,
            guint                 block,
            GVariant             *rows,
            gsize                 offset,
            gsize                 n)
{
  Page *page, *old;
  guint position = index * PAGE;
  guint changed;

  if (!block_alive (self, block) || !resolve_seams (self, index, block))
    return FALSE;
  page = g_new0 (Page, 1);
  old = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (old != NULL)
    {
      g_queue_delete_link (&self->lru, old->lru);
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (index));
    }
  page->index = index;
  page->block = block;
  page->rows = g_ptr_array_new_full (n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) record = g_variant_get_child_value (rows, offset + i);
      g_ptr_array_add (page->rows, crm_customer_row_new (record));
    }
  g_hash_table_replace (self->pages, GUINT_TO_POINTER (index), page);
  g_queue_push_head (&self->lru, page);
  page->lru = self->lru.head;
  unwant (self, index);
  evict (self);

  if (position < self->n_items)
    {
      changed = MIN ((guint) n, self->n_items - position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, changed, changed);
    }
  return TRUE;
}

typedef struct {
  CrmCustomerListModel *self;
  guint                 generation;
  guint                 first_page;
  guint                 block;
  guint                 limit;
  gboolean              reverse;  /* listing the other way, nearest first */
  guint                 skip;     /* reverse: rows to drop first */
} Fetch;

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree Fetch *fetch = user_data;
  g_autoptr(CrmCustomerListModel) self = fetch->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) rows = NULL;
  const char *next;
  gint64 estimate;
  gsize n_rows;
  guint end;

  reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  if (fetch->generation != self->generation)
    return;
  set_loading (self, NULL);

  if (reply == NULL)
    {
      g_warning ("customer.list failed: %s", error->message);
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      /* Do not spin on a persistent error; the view offers a reload. */
      g_queue_clear (&self->wanted);
      return;
    }
  g_clear_error (&self->error);

  g_variant_get (reply, "(@aa{sv}&sx)", &rows, &next, &estimate);
  n_rows = g_variant_n_children (rows);
  /* Its block met another one while this was on the way. */
  if (!block_alive (self, fetch->block))
    {
      schedule_fetch (self);
      return;
    }
  g_debug ("reply page %u rows %zu next %s n_items %u", fetch->first_page, n_rows, *next ? "yes" : "no", self->n_items);

  if (fetch->reverse)
    {
      GVariantBuilder b;
      gsize n = n_rows > fetch->skip ? n_rows - fetch->skip : 0;

      /* The rows before page first_page + 1, nearest first (after the
       * `skip` rows of that page itself): put them back in list order.
       * Where the start of the list was reached (the jump's position was
       * an estimate), they fill the page from its start. */
      g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
      for (gsize i = n_rows; i > fetch->skip; i--)
        g_variant_builder_add_value (&b, g_variant_get_child_value (rows, i - 1));
      g_clear_pointer (&rows, g_variant_unref);
      rows = g_variant_ref_sink (g_variant_builder_end (&b));
      if (n_rows < fetch->limit && fetch->block != 0)
        {
          /* The start of the list, reached earlier than the jump's
           * estimated position said: the block's positions are off by the
           * rows missing here.  Its places load again from the start. */
          drop_block (self, fetch->block);
          schedule_fetch (self);
          return;
        }
      if (*next != '\0' && n_rows == fetch->limit)
        set_back_cursor (self, fetch->first_page, next, fetch->block);
      if (n == 0 || !store_page (self, fetch->first_page, fetch->block, rows, 0, n))
        unwant (self, fetch->first_page);
      schedule_fetch (self);
      return;
    }

  /* Correct the size first so that the page ranges below are exact. */
  if (fetch->first_page == 0 && self->n_items == 0 && !self->exact && estimate > 0)
    set_n_items (self, (guint) CLAMP (estimate, 0, G_MAXUINT - PAGE));

  end = fetch->first_page * PAGE + (guint) n_rows;
  if (*next == '\0' || n_rows < fetch->limit)
    {
      set_n_items (self, end);
      if (!self->exact)
        {
          self->exact = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXACT]);
        }
    }
  else
    {
      set_cursor (self, fetch->first_page + fetch->limit / PAGE, next, fetch->block);
      /* The estimate was low: there is at least one more row. */
      if (end >= self->n_items)
        set_n_items (self, end + 1);
    }

  for (gsize offset = 0; offset < n_rows; offset += PAGE)
    {
      guint index = fetch->first_page + (guint) (offset / PAGE);

      if ((is_wanted (self, index) || fetch->limit == PAGE) &&
          !store_page (self, index, fetch->block, rows, offset, MIN ((gsize) PAGE, n_rows - offset)))
        {
          unwant (self, index);
          if (!block_alive (self, fetch->block))
            break;
        }
    }

  schedule_fetch (self);
}

static GVariant *
filters_or_empty (CrmCustomerListModel *self)
{
  return self->filters ? self->filters : g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static void
fetch_page (CrmCustomerListModel *self,
            guint                 first_page,
            guint                 limit)
{
  GCancellable *cancellable = g_cancellable_new ();
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = g_object_ref (self);
  fetch->generation = self->generation;
  fetch->first_page = first_page;
  fetch->block = cursor_block (self, first_page);
  fetch->limit = limit;
  set_loading (self, cancellable);
  self->n_requests++;
  g_debug ("list page %u limit %u", first_page, limit);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_LIST,
                          g_variant_new ("(sb@a{sv}si)", self->sort_column, self->descending,
                                         filters_or_empty (self), cursor_for (self, first_page),
                                         (gint32) limit),
                          cancellable, fetch_cb, fetch);
}

/* Page `page` listing the other way from `cursor` (which is at or after
 * its end), dropping the first `skip` rows. */
static void
fetch_page_before (CrmCustomerListModel *self,
                   guint                 page,
                   const char           *cursor,
                   guint                 block,
                   guint                 skip)
{
  GCancellable *cancellable = g_cancellable_new ();
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = g_object_ref (self);
  fetch->generation = self->generation;
  fetch->first_page = page;
  fetch->block = block;
  fetch->limit = PAGE + skip;
  fetch->skip = skip;
  fetch->reverse = TRUE;
  set_loading (self, cancellable);
  self->n_requests++;
  g_debug ("list before page %u skip %u", page, skip);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_LIST,
                          g_variant_new ("(sb@a{sv}si)", self->sort_column, !self->descending,
                                         filters_or_empty (self), cursor, (gint32) fetch->limit),
                          cancellable, fetch_cb, fetch);
}

static void
seek_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree Fetch *fetch = user_data;
  g_autoptr(CrmCustomerListModel) self = fetch->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *cursor;
  gint64 row;

  reply = crm_session_call_finish (CRM_SESSION (source), result, &error);
  if (fetch->generation != self->generation)
    return;
  set_loading (self, NULL);
  if (reply == NULL)
    {
      /* An older server without customer.seek, or a passing failure: the
       * page is reached by walking instead. */
      g_debug ("customer.seek failed: %s", error->message);
      schedule_fetch (self);
      return;
    }
  g_variant_get (reply, "(&sx)", &cursor, &row);
  /* The page goes where it was asked for: positions past the pages walked
   * from the start are estimates anyway.  An empty cursor (the start of
   * the list) says nothing about this page: walk. */
  if (*cursor != '\0' && cursor_for (self, fetch->first_page) == NULL)
    {
      guint block = ++self->next_block;

      set_cursor (self, fetch->first_page, cursor, block);
      g_hash_table_insert (self->jumped, GUINT_TO_POINTER (fetch->first_page),
                           GUINT_TO_POINTER (block));
      fetch_page (self, fetch->first_page, PAGE);
      return;
    }
  schedule_fetch (self);
}

static void
seek_page (CrmCustomerListModel *self,
           guint                 page)
{
  GCancellable *cancellable = g_cancellable_new ();
  Fetch *fetch = g_new0 (Fetch, 1);
  double fraction = self->n_items > 0 ? (double) page * PAGE / self->n_items : 0.0;

  g_hash_table_add (self->seeked, GUINT_TO_POINTER (page));
  fetch->self = g_object_ref (self);
  fetch->generation = self->generation;
  fetch->first_page = page;
  set_loading (self, cancellable);
  self->n_requests++;
  g_debug ("seek page %u fraction %g", page, fraction);
  crm_session_call_async (self->session, CRM_MSG_CUSTOMER_SEEK,
                          g_variant_new ("(sb@a{sv}d)", self->sort_column, self->descending,
                                         filters_or_empty (self), CLAMP (fraction, 0.0, 1.0)),
                          cancellable, seek_cb, fetch);
}

static gboolean
fetch_next_cb (gpointer user_data)
{
  CrmCustomerListModel *self = user_data;

  self->fetch_source = 0;
  if (self->cancellable != NULL)
    return G_SOURCE_REMOVE;   /* one request at a time; its reply reschedules */

  while (!g_queue_is_empty (&self->wanted))
    {
      guint target = GPOINTER_TO_UINT (g_queue_peek_head (&self->wanted));
      guint from;

      if (g_hash_table_contains (self->pages, GUINT_TO_POINTER (target)) ||
          (self->exact && target * PAGE >= self->n_items))
        {
          unwant (self, target);
          continue;
        }
      if (cursor_for (self, target) != NULL)
        {
          fetch_page (self, target, PAGE);
          return G_SOURCE_REMOVE;
        }
      /* Before a page reached by listing backwards: on backwards. */
      if (back_cursor_for (self, target + 1) != NULL)
        {
          fetch_page_before (self, target, back_cursor_for (self, target + 1),
                             back_cursor_block (self, target + 1), 0);
          return G_SOURCE_REMOVE;
        }
      /* Just before a page reached by a jump: backwards from that page's
       * last row (the cursor of the page after it; the page was full, as
       * it has one), past its other rows.  The jump's own cursor only
       * positions forwards. */
      if (g_hash_table_contains (self->jumped, GUINT_TO_POINTER (target + 1)))
        {
          Page *next_page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (target + 1));
          guint block = GPOINTER_TO_UINT (g_hash_table_lookup (self->jumped,
                                                               GUINT_TO_POINTER (target + 1)));

          if (cursor_for (self, target + 2) != NULL && cursor_block (self, target + 2) == block)
            {
              fetch_page_before (self, target, cursor_for (self, target + 2), block, PAGE - 1);
              return G_SOURCE_REMOVE;
            }
          /* The jump landed on the last page: backwards from the end. */
          if (next_page != NULL && next_page->block == block && self->exact &&
              (target + 1) * PAGE + next_page->rows->len >= self->n_items)
            {
              fetch_page_before (self, target, "", block, next_page->rows->len);
              return G_SOURCE_REMOVE;
            }
          if (next_page == NULL)
            {
              fetch_page (self, target + 1, PAGE);
              return G_SOURCE_REMOVE;
            }
        }
      from = MIN (target, crm_customer_list_cursors_get_len (self->cursors));
      while (from > 0 && cursor_for (self, from) == NULL)
        from--;
      /* Far from every known cursor: one customer.seek. */
      if (target - from > SEEK_PAGES &&
          !g_hash_table_contains (self->seeked, GUINT_TO_POINTER (target)))
        {
          seek_page (self, target);
          return G_SOURCE_REMOVE;
        }
      /* Walk forward from the nearest known cursor before the target. */
      fetch_page (self, from, target - from >= SKIP_PAGES ? CRM_CUSTOMER_LIST_SKIP_ROWS : PAGE);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_fetch (CrmCustomerListModel *self)
{
  if (self->fetch_source == 0 && self->cancellable == NULL)
    self->fetch_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, fetch_next_cb, self, NULL);
}

void
crm_customer_list_model_reload (CrmCustomerListModel *self)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST_MODEL (self));

  self->generation++;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  set_loading (self, NULL);
  g_clear_handle_id (&self->fetch_source, g_source_remove);
  g_clear_error (&self->error);

  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
  g_queue_clear (&self->wanted);
  crm_customer_list_cursors_clear (self->cursors);
  crm_customer_list_cursors_clear (self->back_cursors);
  g_hash_table_remove_all (self->seeked);
  g_hash_table_remove_all (self->jumped);
  g_hash_table_remove_all (self->dropped);
  self->next_block = 0;
  set_cursor (self, 0, "", 0);
  self->exact = FALSE;
  self->started = TRUE;
  set_n_items (self, 0);

  want (self, 0);
  schedule_fetch (self);
}

void
crm_customer_list_model_set_sort (CrmCustomerListModel *self,
                                  const char           *column,
                                  gboolean              descending)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST_MODEL (self));
  g_return_if_fail (column != NULL);

  if (g_strcmp0 (self->sort_column, column) == 0 && self->descending == descending &&
      self->started)
    return;
  g_free (self->sort_column);
  self->sort_column = g_strdup (column);
  self->descending = descending;
  crm_customer_list_model_reload (self);
}

const char *
crm_customer_list_model_get_sort_column (CrmCustomerListModel *self)
{
  return self->sort_column;
}

gboolean
crm_customer_list_model_get_sort_descending (CrmCustomerListModel *self)
{
  return self->descending;
}

void
crm_customer_list_model_set_filters (CrmCustomerListModel *self,
                                     GVariant             *filters)
{
  g_return_if_fail (CRM_IS_CUSTOMER_LIST_MODEL (self));
  g_return_if_fail (filters == NULL || g_variant_is_of_type (filters, G_VARIANT_TYPE_VARDICT));

  g_clear_pointer (&self->filters, g_variant_unref);
  if (filters)
    self->filters = g_variant_ref_sink (filters);
  crm_customer_list_model_reload (self);
}

gboolean
crm_customer_list_model_update_record (CrmCustomerListModel *self,
                                       GVariant             *record)
{
  g_autoptr(CrmCustomerRow) row = NULL;
  GHashTableIter iter;
  gpointer value;
  gint64 id;

  g_return_val_if_fail (CRM_IS_CUSTOMER_LIST_MODEL (self), FALSE);

  row = crm_customer_row_new (record);
  id = crm_customer_row_get_id (row);
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Page *page = value;

      for (guint i = 0; i < page->rows->len; i++)
        if (crm_customer_row_get_id (g_ptr_array_index (page->rows, i)) == id)
          {
            guint position = page->index * PAGE + i;

            g_object_unref (g_ptr_array_index (page->rows, i));
            g_ptr_array_index (page->rows, i) = g_steal_pointer (&row);
            if (position < self->n_items)
              g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
            return TRUE;
          }
    }
  return FALSE;
}

gboolean
crm_customer_list_model_get_loading (CrmCustomerListModel *self)
{
  /* A queued fetch counts: its request is only an idle away. */
  return self->cancellable != NULL || self->fetch_source != 0;
}

gboolean
crm_customer_list_model_get_exact (CrmCustomerListModel *self)
{
  return self->exact;
}

guint
crm_customer_list_model_get_n_requests (CrmCustomerListModel *self)
{
  return self->n_requests;
}

guint
crm_customer_list_model_get_n_seams (CrmCustomerListModel *self)
{
  return self->n_seams;
}

guint
crm_customer_list_model_get_n_cached_pages (CrmCustomerListModel *self)
{
  return g_hash_table_size (self->pages);
}

const GError *
crm_customer_list_model_get_error (CrmCustomerListModel *self)
{
  return self->error;
}

static GType
crm_customer_list_model_get_item_type (GListModel *model)
{
  return CRM_TYPE_CUSTOMER_ROW;
}

static guint
crm_customer_list_model_get_n_items (GListModel *model)
{
  return CRM_CUSTOMER_LIST_MODEL (model)->n_items;
}

static gpointer
crm_customer_list_model_get_item (GListModel *model,
                                  guint       position)
{
  CrmCustomerListModel *self = CRM_CUSTOMER_LIST_MODEL (model);
  guint index = position / PAGE;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page != NULL && position % PAGE < page->rows->len)
    {
      if (self->lru.head != page->lru)
        {
          g_queue_unlink (&self->lru, page->lru);
          g_queue_push_head_link (&self->lru, page->lru);
        }
      return g_object_ref (g_ptr_array_index (page->rows, position % PAGE));
    }

  /* Never load synchronously or emit from inside get_item: the view may be
   * in the middle of handling items-changed.  A placeholder per call: GTK
   * warns about one item at several positions.  A page is asked for once
   * in a row (a view may read many items in order). */
  if (page == NULL &&
      (g_queue_is_empty (&self->wanted) ||
       GPOINTER_TO_UINT (g_queue_peek_head (&self->wanted)) != index))
    {
      want (self, index);
      schedule_fetch (self);
    }
  return crm_customer_row_new_placeholder ();
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = crm_customer_list_model_get_item_type;
  iface->get_n_items = crm_customer_list_model_get_n_items;
  iface->get_item = crm_customer_list_model_get_item;
}

CrmCustomerListModel *
crm_customer_list_model_new (CrmSession *session)
{
  CrmCustomerListModel *self;

  g_return_val_if_fail (CRM_IS_SESSION (session), NULL);

  self = g_object_new (CRM_TYPE_CUSTOMER_LIST_MODEL, NULL);
  self->session = g_object_ref (session);
  return self;
}

static void
crm_customer_list_model_dispose (GObject *object)
{
  CrmCustomerListModel *self = CRM_CUSTOMER_LIST_MODEL (object);

  self->generation++;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->fetch_source, g_source_remove);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (crm_customer_list_model_parent_class)->dispose (object);
}

static void
crm_customer_list_model_finalize (GObject *object)
{
  CrmCustomerListModel *self = CRM_CUSTOMER_LIST_MODEL (object);

  g_queue_clear (&self->lru);
  g_queue_clear (&self->wanted);
  g_hash_table_unref (self->pages);
  crm_customer_list_cursors_free (self->cursors);
  crm_customer_list_cursors_free (self->back_cursors);
  g_hash_table_unref (self->seeked);
  g_hash_table_unref (self->jumped);
  g_hash_table_unref (self->dropped);
  g_clear_pointer (&self->filters, g_variant_unref);
  g_free (self->sort_column);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (crm_customer_list_model_parent_class)->finalize (object);
}

static void
crm_customer_list_model_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CrmCustomerListModel *self = CRM_CUSTOMER_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->cancellable != NULL);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_EXACT:
      g_value_set_boolean (value, self->exact);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_customer_list_model_class_init (CrmCustomerListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = crm_customer_list_model_dispose;
  object_class->finalize = crm_customer_list_model_finalize;
  object_class->get_property = crm_customer_list_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXACT] =
    g_param_spec_boolean ("exact", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
crm_customer_list_model_init (CrmCustomerListModel *self)
{
  self->sort_column = g_strdup ("name");
  self->cursors = crm_customer_list_cursors_new ();
  self->back_cursors = crm_customer_list_cursors_new ();
  self->seeked = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->jumped = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->dropped = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->pages = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, page_free);
  g_queue_init (&self->lru);
  g_queue_init (&self->wanted);
}
