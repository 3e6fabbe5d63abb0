/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "crm-pinyin.h"

typedef struct
{
  const char *text;
  const char *pinyin;
  const char *initials;
} Vector;

static const Vector text_vectors[] = {
  { "北京智邦", "beijingzhibang", "bjzb" },
  { "ABC科技", "abckeji", "akj" },
  { "360科技公司", "360kejigongsi", "3kjgs" },
  { "", "", "" },
  { "   ", "", "" },
  { "ＡＢＣ１２３", "abc123", "a1" },
  { "A.B-C科技（北京）", "abckejibeijing", "abckjbj" },
  { "上海浦东发展银行", "shanghaipudongfazhanyinhang", "shpdfzyh" },
  { "重庆长安汽车", "chongqingchanganqiche", "cqcaqc" },
  { "厦门房地产", "xiamenfangdichan", "xmfdc" },
  { "成都", "chengdu", "cd" },
  { "佛山美的空调", "foshanmeidikongtiao", "fsmdkt" },
  { "西藏自治区", "xizangzizhiqu", "xzzzq" },
  { "二〇二六年", "erlingerliunian", "eleln" },
  { "绿色", "lvse", "ls" },
  { "Café 咖啡", "cafekafei", "ckf" },
  { "iPhone专卖店", "iphonezhuanmaidian", "izmd" },
  { "😀北京", "beijing", "bj" },
  { "Привет", "", "" },
  { "深圳市腾讯计算机系统有限公司", "shenzhenshitengxunjisuanjixitongyouxiangongsi", "szstxjsjxtyxgs" },
};

static void
test_pinyin_text_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (text_vectors); i++)
    {
      g_autofree char *initials = NULL;
      g_autofree char *pinyin = crm_pinyin_from_text (text_vectors[i].text, &initials);

      g_assert_nonnull (pinyin);
      g_assert_cmpstr (pinyin, ==, text_vectors[i].pinyin);
      g_assert_cmpstr (initials, ==, text_vectors[i].initials);
    }
}

static void
test_pinyin_text_no_initials (void)
{
  g_autofree char *pinyin = crm_pinyin_from_text ("北京", NULL);

  g_assert_cmpstr (pinyin, ==, "beijing");
}

static void
test_pinyin_text_null (void)
{
  g_autofree char *initials = NULL;
  g_autofree char *pinyin = crm_pinyin_from_text (NULL, &initials);

  g_assert_cmpstr (pinyin, ==, "");
  g_assert_cmpstr (initials, ==, "");
}

static void
test_pinyin_text_invalid_utf8 (void)
{
  static const char *const bad[] = {
    "\xff\xfe", "北京\xff智邦", "\xe5\x8c", "abc\xc0\xaf", "\xed\xa0\x80",
  };
  static const char *const expect[] = { "", "beijingzhibang", "", "abc", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *initials = NULL;
      g_autofree char *pinyin = crm_pinyin_from_text (bad[i], &initials);

      g_assert_nonnull (pinyin);
      g_assert_cmpstr (pinyin, ==, expect[i]);
      g_assert_true (g_utf8_validate (initials, -1, NULL));
    }
}

static void
test_pinyin_person_surnames (void)
{
  static const Vector names[] = {
    { "单田芳", "shantianfang", "stf" },
    { "曾国藩", "zengguofan", "zgf" },
    { "解缙", "xiejin", "xj" },
    { "尉迟恭", "yuchigong", "ycg" },
    { "王小明", "wangxiaoming", "wxm" },
    { "", "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *initials = NULL;
      g_autofree char *pinyin = crm_pinyin_from_person_name (names[i].text, &initials);

      g_assert_cmpstr (pinyin, ==, names[i].pinyin);
      g_assert_cmpstr (initials, ==, names[i].initials);
    }
  /* Outside a person's name the ordinary reading stays. */
  g_autofree char *word = crm_pinyin_from_text ("单位", NULL);
  g_assert_cmpstr (word, ==, "danwei");
}

static gpointer
thread_worker (gpointer data)
{
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *initials = NULL;
      g_autofree char *pinyin = crm_pinyin_from_text ("广州白云山制药股份有限公司", &initials);

      if (g_strcmp0 (pinyin, "guangzhoubaiyunshanzhiyaogufenyouxiangongsi") != 0
          || g_strcmp0 (initials, "gzbyszygfyxgs") != 0)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_pinyin_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("pinyin", thread_worker, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

static void
test_pinyin_long_input (void)
{
  g_autoptr(GString) in = g_string_new (NULL);
  g_autofree char *initials = NULL;
  g_autofree char *pinyin = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append (in, "中");
  pinyin = crm_pinyin_from_text (in->str, &initials);
  g_assert_cmpuint (strlen (pinyin), ==, 50000);
  g_assert_cmpuint (strlen (initials), ==, 10000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shared/pinyin/text/vectors", test_pinyin_text_vectors);
  g_test_add_func ("/shared/pinyin/text/no-initials", test_pinyin_text_no_initials);
  g_test_add_func ("/shared/pinyin/text/null", test_pinyin_text_null);
  g_test_add_func ("/shared/pinyin/text/invalid-utf8", test_pinyin_text_invalid_utf8);
  g_test_add_func ("/shared/pinyin/person/surnames", test_pinyin_person_surnames);
  g_test_add_func ("/shared/pinyin/threads", test_pinyin_threads);
  g_test_add_func ("/shared/pinyin/long-input", test_pinyin_long_input);
  return g_test_run ();
}
