/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Money is an exact integer count of 分 (0.01 元). */
typedef gint64 CrmMoney;

/* "¥1,234,567.89"; negative as "-¥12.00". */
char    *crm_money_format (CrmMoney fen);
/* Accepts "1234.5", "1,234.56", "¥12", "12元", "12.3元"; rejects more than
 * two decimals, overflow and junk (CRM_ERROR_INVALID_FIELD). */
gboolean crm_money_parse  (const char *text, CrmMoney *out_fen, GError **error);
/* Chinese uppercase amount for contracts and receipts:
 * 1234.56 → "壹仟贰佰叁拾肆元伍角陆分"; 100 → "壹佰元整". */
char    *crm_money_to_chinese_upper (CrmMoney fen);

G_END_DECLS
