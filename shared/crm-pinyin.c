/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-pinyin"

#include "config.h"

#include "crm-pinyin.h"

#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/*
 * Han characters are transliterated one at a time (ICU's Han-Latin is almost
 * entirely per character, so nothing is lost) and the syllable is cached per
 * thread: that gives exact syllable boundaries for the initials and makes
 * repeated names (demo data, imports) cheap.  A short table of words fixes
 * the polyphonic characters that matter most in company and place names,
 * where ICU's single reading is wrong ("银行" is yínháng, not yínxíng).
 */

typedef struct
{
  UTransliterator *trans;
  GHashTable *cache; /* gunichar → char* syllable ("" when none) */
} PinyinThread;

static void
pinyin_thread_free (gpointer data)
{
  PinyinThread *pt = data;

  if (pt == NULL)
    return;
  if (pt->trans != NULL)
    utrans_close (pt->trans);
  g_clear_pointer (&pt->cache, g_hash_table_unref);
  g_free (pt);
}

static GPrivate pinyin_private = G_PRIVATE_INIT (pinyin_thread_free);

static PinyinThread *
pinyin_thread_get (void)
{
  PinyinThread *pt = g_private_get (&pinyin_private);
  UErrorCode status = U_ZERO_ERROR;
  UChar id[32];

  if (pt != NULL)
    return pt;

  u_uastrcpy (id, "Han-Latin");
  pt = g_new0 (PinyinThread, 1);
  pt->trans = utrans_openU (id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
  if (U_FAILURE (status))
    {
      g_warning ("Cannot open ICU transliterator Han-Latin: %s", u_errorName (status));
      g_free (pt);
      return NULL;
    }
  pt->cache = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_private_set (&pinyin_private, pt);
  return pt;
}

/* Characters whose ICU reading is rarely the one used in names of companies,
 * places and streets. */
static const struct
{
  gunichar ch;
  const char *syllable;
} char_overrides[] = {
  { 0x5730, "di" },   /* 地: 地区, 房地产 (ICU: de) */
  { 0x90FD, "du" },   /* 都: 成都, 首都 (ICU: dou) */
  { 0x957F, "chang" }, /* 长: 长沙, 长城, 长春 (ICU: zhang) */
  { 0x7387, "lv" },   /* 率: 效率 (ICU: lu) */
  { 0x4F5B, "fo" },   /* 佛: 佛山 (ICU: fu) */
};

/* Words whose reading differs from the per-character one.  Syllables are
 * separated by spaces. */
static const struct
{
  const char *word;
  const char *syllables;
} word_overrides[] = {
  { "重庆", "chong qing" },
  { "厦门", "xia men" },
  { "蚌埠", "beng bu" },
  { "六安", "lu an" },
  { "番禺", "pan yu" },
  { "乐清", "yue qing" },
  { "银行", "yin hang" },
  { "商行", "shang hang" },
  { "车行", "che hang" },
  { "琴行", "qin hang" },
  { "分行", "fen hang" },
  { "支行", "zhi hang" },
  { "总行", "zong hang" },
  { "行业", "hang ye" },
  { "同行", "tong hang" },
  { "会计", "kuai ji" },
  { "音乐", "yin yue" },
  { "乐器", "yue qi" },
  { "董事长", "dong shi zhang" },
  { "厂长", "chang zhang" },
  { "校长", "xiao zhang" },
  { "院长", "yuan zhang" },
  { "市长", "shi zhang" },
  { "局长", "ju zhang" },
  { "部长", "bu zhang" },
  { "组长", "zu zhang" },
  { "增长", "zeng zhang" },
  { "成长", "cheng zhang" },
  { "生长", "sheng zhang" },
  { "家长", "jia zhang" },
  { "空调", "kong tiao" },
  { "西藏", "xi zang" },
  { "还款", "huan kuan" },
  { "便宜", "pian yi" },
  { "美的", "mei di" },
  { "目的", "mu di" },
  { "的士", "di shi" },
};

/* First character of each word of word_overrides, so that the words are
 * only compared where one can start. */
static gunichar word_first[G_N_ELEMENTS (word_overrides)];

static void
word_first_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (word_overrides); i++)
        word_first[i] = g_utf8_get_char (word_overrides[i].word);
      g_once_init_leave (&done, 1);
    }
}

/* Surname readings, used only at the start of a person's name. */
static const struct
{
  const char *surname;
  const char *syllables;
} surname_overrides[] = {
  { "万俟", "mo qi" }, { "尉迟", "yu chi" }, { "长孙", "zhang sun" },
  { "单", "shan" },    { "曾", "zeng" },     { "解", "xie" },
  { "仇", "qiu" },     { "朴", "piao" },     { "区", "ou" },
  { "查", "zha" },     { "乐", "yue" },      { "覃", "qin" },
  { "翟", "zhai" },    { "盖", "ge" },       { "缪", "miao" },
  { "繁", "po" },      { "员", "yun" },      { "种", "chong" },
  { "秘", "bi" },      { "召", "shao" },     { "折", "she" },
  { "黑", "he" },      { "重", "chong" },    { "句", "gou" },
  { "长", "chang" },   { "能", "nai" },      { "尉", "yu" },
};

/* Appends the ASCII form of one ICU syllable ("lǚ" → "lv", "běi" → "bei"). */
static void
fold_syllable (GString *out, const char *utf8)
{
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      gunichar decomp[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
      gsize n = g_unichar_fully_decompose (ch, FALSE, decomp, G_N_ELEMENTS (decomp));
      gunichar base;

      if (n == 0)
        continue;
      base = g_unichar_tolower (decomp[0]);
      if (base >= 'a' && base <= 'z')
        {
          if (base == 'u' && n > 1 && decomp[1] == 0x0308)
            base = 'v';
          g_string_append_c (out, (char) base);
        }
    }
}

/* The cached pinyin of one Han character; "" when ICU has none. */
static const char *
syllable_for (PinyinThread *pt, gunichar ch)
{
  const char *cached = g_hash_table_lookup (pt->cache, GUINT_TO_POINTER (ch));
  UChar buf[64];
  int32_t len = 0;
  int32_t limit;
  UErrorCode status = U_ZERO_ERROR;
  char utf8[256];
  g_autoptr(GString) folded = NULL;

  if (cached != NULL)
    return cached;

  for (gsize i = 0; i < G_N_ELEMENTS (char_overrides); i++)
    if (char_overrides[i].ch == ch)
      {
        char *copy = g_strdup (char_overrides[i].syllable);
        g_hash_table_insert (pt->cache, GUINT_TO_POINTER (ch), copy);
        return copy;
      }

  U16_APPEND_UNSAFE (buf, len, ch);
  limit = len;
  utrans_transUChars (pt->trans, buf, &len, G_N_ELEMENTS (buf), 0, &limit, &status);
  folded = g_string_new (NULL);
  if (U_SUCCESS (status))
    {
      u_strToUTF8 (utf8, sizeof utf8, NULL, buf, len, &status);
      if (U_SUCCESS (status) && status != U_STRING_NOT_TERMINATED_WARNING)
        fold_syllable (folded, utf8);
    }
  /* A character ICU leaves untouched is not Han-Latin: it stays Han. */
  if (folded->len > 6)
    g_string_truncate (folded, 0);

  cached = g_string_free (g_steal_pointer (&folded), FALSE);
  g_hash_table_insert (pt->cache, GUINT_TO_POINTER (ch), (gpointer) cached);
  return cached;
}

typedef struct
{
  GString *pinyin;
  GString *initials;
  int last_class; /* 0 none, 1 letters, 2 digits */
} Output;

static void
emit_syllable (Output *o, const char *syllable, gsize len)
{
  if (len == 0)
    return;
  g_string_append_len (o->pinyin, syllable, len);
  g_string_append_c (o->initials, syllable[0]);
  o->last_class = 0;
}

static void
emit_syllables (Output *o, const char *spaced)
{
  const char *start = spaced;

  for (const char *p = spaced;; p++)
    if (*p == ' ' || *p == '\0')
      {
        emit_syllable (o, start, p - start);
        if (*p == '\0')
          break;
        start = p + 1;
      }
}

/* Letters of Latin words (any accents dropped) and digit runs. */
static gboolean
emit_latin (Output *o, gunichar ch)
{
  gunichar decomp[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;
  int klass;
  char c;

  if (ch >= '0' && ch <= '9')
    {
      c = (char) ch;
      klass = 2;
    }
  else
    {
      n = g_unichar_fully_decompose (ch, FALSE, decomp, G_N_ELEMENTS (decomp));
      if (n == 0)
        return FALSE;
      ch = g_unichar_tolower (decomp[0]);
      if (ch < 'a' || ch > 'z')
        return FALSE;
      c = (char) ch;
      klass = 1;
    }
  if (o->last_class != klass)
    g_string_append_c (o->initials, c);
  g_string_append_c (o->pinyin, c);
  o->last_class = klass;
  return TRUE;
}

static char *
pinyin_convert (const char *utf8, gboolean person, char **initials)
{
  PinyinThread *pt;
  g_autofree char *valid = NULL;
  g_autofree char *text = NULL;
  Output o = { 0 };
  const char *p;

  if (initials != NULL)
    *initials = NULL;
  pt = pinyin_thread_get ();
  if (pt == NULL)
    return NULL;
  word_first_init ();

  if (utf8 == NULL)
    utf8 = "";
  /* Invalid bytes become U+FFFD, which is then dropped like any symbol. */
  valid = g_utf8_make_valid (utf8, -1);
  /* NFKC turns full-width letters and digits into ASCII. */
  text = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  if (text == NULL)
    text = g_strdup ("");

  o.pinyin = g_string_new (NULL);
  o.initials = g_string_new (NULL);

  p = text;
  if (person)
    for (gsize i = 0; i < G_N_ELEMENTS (surname_overrides); i++)
      if (g_str_has_prefix (p, surname_overrides[i].surname))
        {
          emit_syllables (&o, surname_overrides[i].syllables);
          p += strlen (surname_overrides[i].surname);
          break;
        }

  while (*p != '\0')
    {
      gunichar ch = g_utf8_get_char (p);
      gboolean matched = FALSE;

      /* 〇 (U+3007) is a Chinese numeral though not of the Han script. */
      if (g_unichar_get_script (ch) == G_UNICODE_SCRIPT_HAN || ch == 0x3007)
        {
          for (gsize i = 0; i < G_N_ELEMENTS (word_overrides); i++)
            if (word_first[i] == ch && g_str_has_prefix (p, word_overrides[i].word))
              {
                emit_syllables (&o, word_overrides[i].syllables);
                p += strlen (word_overrides[i].word);
                matched = TRUE;
                break;
              }
          if (matched)
            continue;
          emit_syllables (&o, syllable_for (pt, ch));
          o.last_class = 0;
        }
      else if (!emit_latin (&o, ch))
        o.last_class = 0;
      p = g_utf8_next_char (p);
    }

  if (initials != NULL)
    *initials = g_string_free (o.initials, FALSE);
  else
    g_string_free (o.initials, TRUE);
  return g_string_free (o.pinyin, FALSE);
}

char *
crm_pinyin_from_text (const char *utf8, char **initials)
{
  return pinyin_convert (utf8, FALSE, initials);
}

char *
crm_pinyin_from_person_name (const char *utf8, char **initials)
{
  return pinyin_convert (utf8, TRUE, initials);
}
