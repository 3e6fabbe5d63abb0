-- SPDX-License-Identifier: GPL-3.0-or-later
-- customer.seek (server/modules/customers/crm-customer-seek.c) reads the
-- sort key at a fraction of the list from the planner's statistics instead
-- of counting: finer histograms for every sortable column (1,000 buckets,
-- about 0.1 % of the rows each), and statistics on the names in pinyin
-- order (the column's own histogram is in the database's collation).
CREATE STATISTICS customers_name_sort_stats ON (name COLLATE "zh-x-icu") FROM customers;
CREATE STATISTICS customers_short_name_sort_stats ON (short_name COLLATE "zh-x-icu") FROM customers;
ALTER STATISTICS customers_name_sort_stats SET STATISTICS 1000;
ALTER STATISTICS customers_short_name_sort_stats SET STATISTICS 1000;
ALTER TABLE customers
  ALTER COLUMN code SET STATISTICS 1000,
  ALTER COLUMN category SET STATISTICS 1000,
  ALTER COLUMN industry SET STATISTICS 1000,
  ALTER COLUMN source SET STATISTICS 1000,
  ALTER COLUMN region SET STATISTICS 1000,
  ALTER COLUMN value SET STATISTICS 1000,
  ALTER COLUMN owner_id SET STATISTICS 1000,
  ALTER COLUMN created_at SET STATISTICS 1000,
  ALTER COLUMN updated_at SET STATISTICS 1000,
  ALTER COLUMN id SET STATISTICS 1000;
ANALYZE customers;
