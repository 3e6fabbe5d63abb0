/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Deterministic demo customers for Chinese sales offices: the same seed
 * always yields the same rows, on every machine.  Names are distinct within
 * one generator (a repeated name gets a branch, "…海淀分公司").  GTK-free.
 */

typedef struct
{
  guint64 index;        /* 1, 2, 3, … */
  char *code;           /* "KH00000001" */
  char *name;           /* "北京华信网络科技有限公司" */
  char *short_name;     /* "华信科技" */
  char *category;       /* "A类客户" … "D类客户" */
  char *industry;       /* "信息技术" */
  char *source;         /* "网络推广" */
  char *province;       /* "北京市", "广东省" */
  char *city;           /* "北京市", "深圳市" */
  char *district;       /* "海淀区" */
  char *region;         /* "北京市" or "广东省 深圳市" */
  char *value;          /* "重要", "普通", "一般", "潜在" */
  char **phones;        /* NULL-terminated, 1–3 numbers: a mobile first,
                         * then a landline with the city's area code
                         * ("010-62123456"), sometimes a 400 number */
  char *address;        /* "北京市海淀区中关村大街27号" */
  char *postal_code;    /* six digits, of the district */
  char *contact_name;   /* "王建国" */
  char *contact_title;  /* "采购经理" */
  char *contact_gender; /* "男" or "女" */
  char *contact_birthday; /* "1978-03-14" (ISO 8601), born 1960–2000 */
  char *contact_email;  /* "wangjianguo@huaxin.com.cn" */
  char *notes;          /* may be "" */
  char *name_pinyin;    /* as crm_pinyin_from_text (name) */
  char *name_initials;
} CrmDemoCustomer;

typedef struct _CrmDemoGenerator CrmDemoGenerator;

CrmDemoGenerator *crm_demo_generator_new  (guint64 seed);
void              crm_demo_generator_free (CrmDemoGenerator *gen);
/* Fills `out` (which must be zeroed or cleared) with the next customer. */
void              crm_demo_generator_next (CrmDemoGenerator *gen, CrmDemoCustomer *out);
/* Frees the fields and zeroes the struct; it can be reused. */
void              crm_demo_customer_clear (CrmDemoCustomer *customer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrmDemoGenerator, crm_demo_generator_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrmDemoCustomer, crm_demo_customer_clear)

G_END_DECLS
