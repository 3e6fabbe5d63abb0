-- SPDX-License-Identifier: GPL-3.0-or-later
-- Quick search over custom fields, frequent fragments (issue 4; numbered
-- 0096 because 0095 may already be applied where this index is missing): the
-- customers that have custom text, in id order, so that customer.search can
-- look through the first few thousand of them before it reads the trigram
-- index.  A fragment in many of them (对接, 138) is found there in about a
-- millisecond; the trigram index would first collect every match (20–60 ms
-- for a fragment in 50,000 of 300,000 customers with custom text, 1M
-- customers; tests/bench/RESULTS.md).
CREATE INDEX IF NOT EXISTS customers_custom_rows_idx ON customers (id)
  WHERE deleted_at IS NULL AND custom_search <> '';
