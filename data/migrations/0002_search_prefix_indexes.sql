-- SPDX-License-Identifier: GPL-3.0-or-later
-- Quick search with one or two letters ("bj") matches pinyin / initials by
-- prefix: trigram indexes cannot serve patterns shorter than three letters.
CREATE INDEX customers_initials_prefix_idx ON customers (name_initials text_pattern_ops)
  WHERE deleted_at IS NULL;
CREATE INDEX customers_pinyin_prefix_idx ON customers (name_pinyin text_pattern_ops)
  WHERE deleted_at IS NULL;
