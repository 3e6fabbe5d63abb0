/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Money is an exact integer count of 分 (0.01 元). */
typedef gint64 CrmMoney;

/* "¥1,234,567.89"; negative as "-¥12.00". */
char    *crm_money_format (CrmMoney fen);
/* "1234567.89" and "-12.00": no symbol, no separators; for edit fields,
 * exports and CSV.  crm_money_parse() reads it back exactly. */
char    *crm_money_format_plain (CrmMoney fen);
/* Overflow-checked arithmetic for totals: FALSE (and *out untouched) when
 * the exact result does not fit. */
gboolean crm_money_add      (CrmMoney a, CrmMoney b, CrmMoney *out) G_GNUC_WARN_UNUSED_RESULT;
gboolean crm_money_multiply (CrmMoney fen, gint64 quantity, CrmMoney *out) G_GNUC_WARN_UNUSED_RESULT;
/* Accepts "1234.5", "1,234.56", "¥12", "12元", "12.3元"; rejects more than
 * two decimals, overflow and junk (CRM_ERROR_INVALID_FIELD). */
gboolean crm_money_parse  (const char *text, CrmMoney *out_fen, GError **error);
/* Chinese uppercase amount for contracts and receipts:
 * 1234.56 → "壹仟贰佰叁拾肆元伍角陆分"; 100 → "壹佰元整". */
char    *crm_money_to_chinese_upper (CrmMoney fen);

G_END_DECLS
