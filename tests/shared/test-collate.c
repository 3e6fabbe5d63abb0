/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "crm-collate.h"

/* Chinese names in the order a Chinese user expects: by pinyin.  ICU (and
 * so PostgreSQL's zh-x-icu) gives a polyphonic character one reading
 * (长 sorts as zhang, 重 as zhong), so the list avoids them. */
static const char *const pinyin_order[] = {
  "阿里巴巴", "安徽合力", "百度", "北京智邦", "北京智能", "常州机械", "成都银行",
  "大连万达", "华为", "京东", "美的", "腾讯", "小米", "张江高科", "中国银行",
};

static void
test_collate_pinyin_order (void)
{
  for (gsize i = 0; i + 1 < G_N_ELEMENTS (pinyin_order); i++)
    {
      g_autofree char *k1 = crm_collate_key (pinyin_order[i]);
      g_autofree char *k2 = crm_collate_key (pinyin_order[i + 1]);

      g_test_message ("pair %" G_GSIZE_FORMAT, i);
      g_assert_cmpint (crm_collate_compare (pinyin_order[i], pinyin_order[i + 1]), <, 0);
      g_assert_cmpint (crm_collate_compare (pinyin_order[i + 1], pinyin_order[i]), >, 0);
      g_assert_cmpint (strcmp (k1, k2), <, 0);
    }
}

static void
test_collate_shuffled_sort (void)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const char *shuffled[G_N_ELEMENTS (pinyin_order)];

  memcpy (shuffled, pinyin_order, sizeof shuffled);
  for (gsize i = G_N_ELEMENTS (shuffled) - 1; i > 0; i--)
    {
      gsize j = (gsize) g_rand_int_range (rand, 0, (gint32) i + 1);
      const char *t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (shuffled); i++)
    g_ptr_array_add (keys, crm_collate_key (shuffled[i]));
  /* Sorting by key gives the pinyin order. */
  for (gsize i = 0; i < G_N_ELEMENTS (shuffled); i++)
    {
      gsize rank = 0;
      g_autofree char *mine = crm_collate_key (shuffled[i]);

      for (gsize j = 0; j < G_N_ELEMENTS (shuffled); j++)
        if (strcmp (keys->pdata[j], mine) < 0)
          rank++;
      g_assert_cmpstr (shuffled[i], ==, pinyin_order[rank]);
    }
}

static void
test_collate_edge_cases (void)
{
  g_autofree char *empty = crm_collate_key ("");
  g_autofree char *null_key = crm_collate_key (NULL);
  g_autofree char *bad = crm_collate_key ("北京\xff");

  g_assert_cmpint (crm_collate_compare ("", ""), ==, 0);
  g_assert_cmpint (crm_collate_compare (NULL, "a"), <, 0);
  g_assert_cmpint (crm_collate_compare ("北京", "北京"), ==, 0);
  g_assert_cmpint (crm_collate_compare ("北京", "北京\xff"), <, 0);
  g_assert_cmpint (crm_collate_compare ("abc", "ABD"), <, 0);
  g_assert_nonnull (empty);
  g_assert_nonnull (null_key);
  g_assert_nonnull (bad);
  g_assert_cmpstr (empty, ==, null_key);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shared/collate/pinyin-order", test_collate_pinyin_order);
  g_test_add_func ("/shared/collate/shuffled-sort", test_collate_shuffled_sort);
  g_test_add_func ("/shared/collate/edge-cases", test_collate_edge_cases);
  return g_test_run ();
}
