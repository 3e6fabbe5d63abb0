/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Word lists behind the demo generator (crm-demo-tables.c).  Internal. */

typedef struct
{
  const char *name;   /* "海淀区" */
  const char *postal; /* "100080" */
} DemoDistrict;

typedef struct
{
  const char *province;   /* "广东省"; the city itself for municipalities */
  const char *city;       /* "深圳市" */
  const char *short_city; /* "深圳" */
  const char *area_code;  /* "0755" */
  guint local_digits;     /* digits after the area code: 7 or 8 */
  guint weight;           /* relative share of customers */
  DemoDistrict districts[7]; /* ends with { NULL } */
  const char *streets[7];    /* city-specific streets, NULL-terminated */
} DemoCity;

typedef struct
{
  const char *word;  /* in the full name: "网络科技" */
  const char *brief; /* in the short name: "科技" */
} DemoTrade;

typedef struct
{
  const char *industry; /* "信息技术" */
  guint weight;
  DemoTrade trades[9];  /* ends with { NULL } */
} DemoIndustry;

typedef struct
{
  const char *text;
  guint weight;
} DemoWeighted;

extern const DemoCity demo_cities[];
extern const gsize demo_n_cities;
extern const DemoIndustry demo_industries[];
extern const gsize demo_n_industries;

extern const char *const demo_brand_chars[];
extern const gsize demo_n_brand_chars;
extern const char *const demo_streets[];
extern const gsize demo_n_streets;
extern const char *const demo_surnames[];
extern const gsize demo_n_surnames;
extern const char *const demo_given_male[];
extern const gsize demo_n_given_male;
extern const char *const demo_given_female[];
extern const gsize demo_n_given_female;
extern const char *const demo_titles[];
extern const gsize demo_n_titles;
extern const char *const demo_mobile_prefixes[];
extern const gsize demo_n_mobile_prefixes;
extern const char *const demo_products[];
extern const gsize demo_n_products;

extern const DemoWeighted demo_suffixes[];
extern const gsize demo_n_suffixes;
extern const DemoWeighted demo_categories[];
extern const gsize demo_n_categories;
extern const DemoWeighted demo_values[];
extern const gsize demo_n_values;
extern const DemoWeighted demo_sources[];
extern const gsize demo_n_sources;

G_END_DECLS
