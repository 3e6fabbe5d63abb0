/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-demo"

#include "config.h"

#include "crm-demo.h"

#include <string.h>

#include "crm-demo-tables.h"
#include "crm-pinyin.h"

/*
 * Every row is drawn from a xoshiro256** stream seeded through splitmix64,
 * so a seed names one reproducible data set independently of GLib's random
 * functions.  Names are built from parts (city, brand, trade, suffix,
 * branch) whose pinyin is computed once per part and cached: the name's
 * pinyin is the concatenation, which keeps a million rows fast.
 */

typedef struct
{
  char *pinyin;
  char *initials;
} PinyinPart;

struct _CrmDemoGenerator
{
  guint64 s[4];
  guint64 index;
  GHashTable *pinyin_parts; /* part text → PinyinPart */
  GHashTable *names;        /* 64-bit hashes of the names given out */
  guint city_weight;
  guint industry_weight;
};

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
next_u64 (CrmDemoGenerator *gen)
{
  guint64 *s = gen->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n); the modulo bias is below 2^-40 for our small n. */
static guint
below (CrmDemoGenerator *gen, gsize n)
{
  return (guint) (next_u64 (gen) % n);
}

/* TRUE with the given percentage. */
static gboolean
chance (CrmDemoGenerator *gen, guint percent)
{
  return below (gen, 100) < percent;
}

/* Favours the front of a frequency-ordered list (surnames). */
static guint
below_skewed (CrmDemoGenerator *gen, gsize n)
{
  double r = (double) (next_u64 (gen) >> 11) / (double) (G_GUINT64_CONSTANT (1) << 53);

  return MIN ((guint) (r * r * (double) n), (guint) n - 1);
}

static const char *
pick_weighted (CrmDemoGenerator *gen, const DemoWeighted *items, gsize n)
{
  guint total = 0;
  guint r;

  for (gsize i = 0; i < n; i++)
    total += items[i].weight;
  r = below (gen, total);
  for (gsize i = 0; i < n; i++)
    {
      if (r < items[i].weight)
        return items[i].text;
      r -= items[i].weight;
    }
  return items[n - 1].text;
}

static void
pinyin_part_free (gpointer data)
{
  PinyinPart *part = data;

  g_free (part->pinyin);
  g_free (part->initials);
  g_free (part);
}

CrmDemoGenerator *
crm_demo_generator_new (guint64 seed)
{
  CrmDemoGenerator *gen = g_new0 (CrmDemoGenerator, 1);
  guint64 x = seed;

  for (guint i = 0; i < 4; i++)
    gen->s[i] = splitmix64 (&x);
  gen->pinyin_parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pinyin_part_free);
  gen->names = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (gsize i = 0; i < demo_n_cities; i++)
    gen->city_weight += demo_cities[i].weight;
  for (gsize i = 0; i < demo_n_industries; i++)
    gen->industry_weight += demo_industries[i].weight;
  return gen;
}

void
crm_demo_generator_free (CrmDemoGenerator *gen)
{
  if (gen == NULL)
    return;
  g_hash_table_unref (gen->pinyin_parts);
  g_hash_table_unref (gen->names);
  g_free (gen);
}

void
crm_demo_customer_clear (CrmDemoCustomer *c)
{
  g_free (c->code);
  g_free (c->name);
  g_free (c->short_name);
  g_free (c->category);
  g_free (c->industry);
  g_free (c->source);
  g_free (c->province);
  g_free (c->city);
  g_free (c->district);
  g_free (c->region);
  g_free (c->value);
  g_strfreev (c->phones);
  g_free (c->address);
  g_free (c->postal_code);
  g_free (c->contact_name);
  g_free (c->contact_title);
  g_free (c->contact_gender);
  g_free (c->contact_birthday);
  g_free (c->contact_email);
  g_free (c->notes);
  g_free (c->name_pinyin);
  g_free (c->name_initials);
  memset (c, 0, sizeof *c);
}

/* A name under construction, with its pinyin built alongside. */
typedef struct
{
  GString *text;
  GString *pinyin;
  GString *initials;
} NameBuilder;

/* FNV-1a, 64 bits: a set of a million names costs 8 bytes a name. */
static gpointer
name_key (const char *name)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const unsigned char *p = (const unsigned char *) name; *p != '\0'; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  /* 0 would be a NULL key. */
  return GSIZE_TO_POINTER ((gsize) (h | 1));
}

static const DemoCity *
pick_city (CrmDemoGenerator *gen)
{
  guint r = below (gen, gen->city_weight);

  for (gsize i = 0; i < demo_n_cities; i++)
    {
      if (r < demo_cities[i].weight)
        return &demo_cities[i];
      r -= demo_cities[i].weight;
    }
  return &demo_cities[demo_n_cities - 1];
}

static const DemoIndustry *
pick_industry (CrmDemoGenerator *gen)
{
  guint r = below (gen, gen->industry_weight);

  for (gsize i = 0; i < demo_n_industries; i++)
    {
      if (r < demo_industries[i].weight)
        return &demo_industries[i];
      r -= demo_industries[i].weight;
    }
  return &demo_industries[demo_n_industries - 1];
}

static gsize
count_districts (const DemoCity *city)
{
  gsize n = 0;

  while (n < G_N_ELEMENTS (city->districts) && city->districts[n].name != NULL)
    n++;
  return n;
}

static gsize
count_strv (const char *const *v, gsize max)
{
  gsize n = 0;

  while (n < max && v[n] != NULL)
    n++;
  return n;
}

static gsize
count_trades (const DemoIndustry *industry)
{
  gsize n = 0;

  while (n < G_N_ELEMENTS (industry->trades) && industry->trades[n].word != NULL)
    n++;
  return n;
}

static gboolean
is_municipality (const DemoCity *city)
{
  return strcmp (city->province, city->city) == 0;
}

static void
append_digits (CrmDemoGenerator *gen, GString *out, guint n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_c (out, (char) ('0' + below (gen, 10)));
}

static char *
make_mobile (CrmDemoGenerator *gen)
{
  GString *s = g_string_new (demo_mobile_prefixes[below (gen, demo_n_mobile_prefixes)]);

  append_digits (gen, s, 8);
  return g_string_free (s, FALSE);
}

static char *
make_landline (CrmDemoGenerator *gen, const DemoCity *city)
{
  GString *s = g_string_new (city->area_code);

  g_string_append_c (s, '-');
  /* Local numbers start with 2–8. */
  g_string_append_c (s, (char) ('2' + below (gen, 7)));
  append_digits (gen, s, city->local_digits - 1);
  return g_string_free (s, FALSE);
}

static char *
make_service_number (CrmDemoGenerator *gen)
{
  GString *s = g_string_new ("400-");

  append_digits (gen, s, 3);
  g_string_append_c (s, '-');
  append_digits (gen, s, 4);
  return g_string_free (s, FALSE);
}

/* "海淀区" → "海淀" for "海淀分公司"; short names keep their suffix. */
static char *
district_stem (const char *district)
{
  glong len = g_utf8_strlen (district, -1);

  if (len > 2 && (g_str_has_suffix (district, "区") || g_str_has_suffix (district, "镇")))
    return g_utf8_substring (district, 0, len - 1);
  if (len > 3 && g_str_has_suffix (district, "街道"))
    return g_utf8_substring (district, 0, len - 2);
  return g_strdup (district);
}

/* Pinyin of a part, through the generator's cache. */
static const PinyinPart *
part_pinyin (CrmDemoGenerator *gen, const char *part, gboolean surname)
{
  g_autofree char *key = surname ? g_strconcat ("@", part, NULL) : NULL;
  const char *lookup = surname ? key : part;
  PinyinPart *cached = g_hash_table_lookup (gen->pinyin_parts, lookup);

  if (cached == NULL)
    {
      cached = g_new0 (PinyinPart, 1);
      cached->pinyin = surname ? crm_pinyin_from_person_name (part, &cached->initials)
                               : crm_pinyin_from_text (part, &cached->initials);
      if (cached->pinyin == NULL)
        {
          cached->pinyin = g_strdup ("");
          cached->initials = g_strdup ("");
        }
      g_hash_table_insert (gen->pinyin_parts, g_strdup (lookup), cached);
    }
  return cached;
}

static void
name_append (CrmDemoGenerator *gen, NameBuilder *b, const char *part)
{
  const PinyinPart *cached = part_pinyin (gen, part, FALSE);

  g_string_append (b->text, part);
  g_string_append (b->pinyin, cached->pinyin);
  g_string_append (b->initials, cached->initials);
}

/* A contact: name, gender, and the name's pinyin for an e-mail address. */
static void
make_person (CrmDemoGenerator *gen, CrmDemoCustomer *out)
{
  gboolean male = chance (gen, 55);
  const char *const *given = male ? demo_given_male : demo_given_female;
  gsize n_given = male ? demo_n_given_male : demo_n_given_female;
  const char *surname = demo_surnames[below_skewed (gen, demo_n_surnames)];
  const char *g1 = given[below (gen, n_given)];
  const char *g2 = chance (gen, 65) ? given[below (gen, n_given)] : NULL;
  GString *pinyin = g_string_new (part_pinyin (gen, surname, TRUE)->pinyin);

  g_string_append (pinyin, part_pinyin (gen, g1, FALSE)->pinyin);
  if (g2 != NULL)
    g_string_append (pinyin, part_pinyin (gen, g2, FALSE)->pinyin);
  out->contact_name = g_strconcat (surname, g1, g2, NULL);
  out->contact_gender = g_strdup (male ? "男" : "女");
  g_free (out->contact_email);
  out->contact_email = g_string_free (pinyin, FALSE);
}

static char *
make_notes (CrmDemoGenerator *gen, const CrmDemoCustomer *c)
{
  guint month = 1 + below (gen, 12);
  guint day = 1 + below (gen, 28);
  const char *product = demo_products[below (gen, demo_n_products)];

  switch (below (gen, 10))
    {
    case 0:
    case 1:
    case 2:
      return g_strdup ("");
    case 3:
      return g_strdup_printf ("主要联系人%s（%s），%u月%u日电话沟通，对%s有采购意向。",
                              c->contact_name, c->contact_title, month, day, product);
    case 4:
      return g_strdup_printf ("年采购额约%u万元，关注价格和售后服务。", 5 + below (gen, 500));
    case 5:
      return g_strdup_printf ("通过%s获得的线索，已发送%s资料，待回访。", c->source, product);
    case 6:
      return g_strdup_printf ("老客户，合作%u年，付款及时。", 1 + below (gen, 12));
    case 7:
      return g_strdup_printf ("计划%u月%u日上门拜访，准备%s报价单。", month, day, product);
    case 8:
      return g_strdup ("对方正在比较三家供应商，下周提交方案；需要开具增值税专用发票。");
    default:
      return g_strdup ("决策周期较长，需持续跟进。");
    }
}

void
crm_demo_generator_next (CrmDemoGenerator *gen, CrmDemoCustomer *out)
{
  const DemoCity *city;
  const DemoDistrict *district;
  const DemoIndustry *industry;
  const DemoTrade *trade;
  const char *brand1;
  const char *brand2;
  const char *suffix;
  g_autofree char *brand = NULL;
  g_autofree char *stem = NULL;
  NameBuilder b;
  gsize base_text, base_pinyin, base_initials;
  guint style;
  GPtrArray *phones;
  GString *addr;
  gsize n_streets;

  g_return_if_fail (gen != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->index = ++gen->index;
  out->code = g_strdup_printf ("KH%08" G_GUINT64_FORMAT, out->index);

  city = pick_city (gen);
  district = &city->districts[below (gen, count_districts (city))];
  industry = pick_industry (gen);
  trade = &industry->trades[below (gen, count_trades (industry))];
  brand1 = demo_brand_chars[below (gen, demo_n_brand_chars)];
  do
    brand2 = demo_brand_chars[below (gen, demo_n_brand_chars)];
  while (brand2 == brand1);
  brand = g_strconcat (brand1, brand2, NULL);
  suffix = pick_weighted (gen, demo_suffixes, demo_n_suffixes);
  style = below (gen, 100);

  /* The name: "深圳市华信网络科技有限公司", "深圳华信…", "华信（深圳）…". */
  b.text = g_string_new (NULL);
  b.pinyin = g_string_new (NULL);
  b.initials = g_string_new (NULL);
  if (style < 85)
    {
      name_append (gen, &b, style < 60 ? city->city : city->short_city);
      name_append (gen, &b, brand);
    }
  else
    {
      name_append (gen, &b, brand);
      name_append (gen, &b, "（");
      name_append (gen, &b, city->short_city);
      name_append (gen, &b, "）");
    }
  name_append (gen, &b, trade->word);
  name_append (gen, &b, suffix);

  /* A name already given out becomes a branch office: "…海淀分公司",
   * then "…第2分公司", "…第3分公司", … */
  stem = district_stem (district->name);
  base_text = b.text->len;
  base_pinyin = b.pinyin->len;
  base_initials = b.initials->len;
  for (guint k = 1; g_hash_table_contains (gen->names, name_key (b.text->str)); k++)
    {
      g_string_truncate (b.text, base_text);
      g_string_truncate (b.pinyin, base_pinyin);
      g_string_truncate (b.initials, base_initials);
      if (k == 1)
        name_append (gen, &b, stem);
      else
        {
          char number[16];

          g_snprintf (number, sizeof number, "%u", k);
          name_append (gen, &b, "第");
          name_append (gen, &b, number);
        }
      name_append (gen, &b, "分公司");
    }
  g_hash_table_add (gen->names, name_key (b.text->str));
  out->name = g_string_free (b.text, FALSE);
  out->name_pinyin = g_string_free (b.pinyin, FALSE);
  out->name_initials = g_string_free (b.initials, FALSE);

  out->short_name = chance (gen, 70) ? g_strconcat (brand, trade->brief, NULL)
                                     : g_strconcat (city->short_city, brand, NULL);
  out->category = g_strdup (pick_weighted (gen, demo_categories, demo_n_categories));
  out->industry = g_strdup (industry->industry);
  out->source = g_strdup (pick_weighted (gen, demo_sources, demo_n_sources));
  out->province = g_strdup (city->province);
  out->city = g_strdup (city->city);
  out->district = g_strdup (district->name);
  out->region = is_municipality (city) ? g_strdup (city->city)
                                       : g_strconcat (city->province, " ", city->city, NULL);
  out->value = g_strdup (pick_weighted (gen, demo_values, demo_n_values));

  phones = g_ptr_array_new ();
  g_ptr_array_add (phones, make_mobile (gen));
  if (chance (gen, 75))
    g_ptr_array_add (phones, make_landline (gen, city));
  if (chance (gen, 10))
    g_ptr_array_add (phones, chance (gen, 30) ? make_service_number (gen) : make_mobile (gen));
  g_ptr_array_add (phones, NULL);
  out->phones = (char **) g_ptr_array_free (phones, FALSE);

  addr = g_string_new (NULL);
  if (!is_municipality (city))
    g_string_append (addr, city->province);
  g_string_append (addr, city->city);
  g_string_append (addr, district->name);
  n_streets = count_strv (city->streets, G_N_ELEMENTS (city->streets));
  if (n_streets > 0 && chance (gen, 60))
    g_string_append (addr, city->streets[below (gen, n_streets)]);
  else
    g_string_append (addr, demo_streets[below (gen, demo_n_streets)]);
  g_string_append_printf (addr, "%u号", 1 + below_skewed (gen, 999));
  switch (below (gen, 10))
    {
    case 0:
    case 1:
    case 2:
      g_string_append_printf (addr, "%s大厦%u层", brand, 2 + below (gen, 30));
      break;
    case 3:
    case 4:
      g_string_append_printf (addr, "%u栋%u%02u室", 1 + below (gen, 12), 1 + below (gen, 25),
                              1 + below (gen, 20));
      break;
    default:
      break;
    }
  out->address = g_string_free (addr, FALSE);
  out->postal_code = g_strdup (district->postal);

  make_person (gen, out);
  out->contact_title = g_strdup (demo_titles[below (gen, demo_n_titles)]);
  out->notes = make_notes (gen, out);

  /* Drawn last, so that the fields above stay as they were before these
   * existed. */
  {
    static const char *const tlds[] = { ".com", ".cn", ".com.cn", ".net" };
    GDate birthday;
    char iso[16];
    const char *local = out->contact_email; /* the pinyin, set by make_person */
    g_autofree char *email = NULL;

    g_date_clear (&birthday, 1);
    g_date_set_dmy (&birthday, 1, G_DATE_JANUARY, 1960);
    g_date_add_days (&birthday, below (gen, 14610)); /* 1960-01-01 … 1999-12-31 */
    g_snprintf (iso, sizeof iso, "%04u-%02u-%02u", g_date_get_year (&birthday),
                (guint) g_date_get_month (&birthday), g_date_get_day (&birthday));
    out->contact_birthday = g_strdup (iso);
    email = g_strdup_printf ("%s%s@%s%s", local, chance (gen, 30) ? "2" : "",
                             part_pinyin (gen, brand, FALSE)->pinyin, tlds[below (gen, G_N_ELEMENTS (tlds))]);
    g_free (out->contact_email);
    out->contact_email = g_steal_pointer (&email);
  }
}
