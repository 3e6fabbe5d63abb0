-- SPDX-License-Identifier: GPL-3.0-or-later
-- Settings every module uses (issue 4): choice lists, custom fields,
-- numbering rules with gap-free counters, entry rules, global switches.

-- Items keep a stable id.  Records store the label (customers.industry …);
-- a rename rewrites those records in the same transaction (choice.save),
-- so nothing ever points at a label that no longer exists.
CREATE TABLE choice_items (
  id       bigserial PRIMARY KEY,
  list     text NOT NULL CHECK (list ~ '^[a-z][a-z0-9_]{0,31}$'),
  label    text NOT NULL CHECK (length (label) BETWEEN 1 AND 50),
  sort     integer NOT NULL DEFAULT 0,
  retired  boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX choice_items_label_idx ON choice_items (list, label);

INSERT INTO choice_items (list, label, sort)
SELECT l.list, l.label, l.sort
  FROM (VALUES
    ('category', 'A类客户', 1), ('category', 'B类客户', 2), ('category', 'C类客户', 3),
    ('category', 'D类客户', 4),
    ('value', '重要', 1), ('value', '普通', 2), ('value', '一般', 3), ('value', '潜在', 4),
    ('source', '电话营销', 1), ('source', '网络推广', 2), ('source', '朋友介绍', 3),
    ('source', '展会', 4), ('source', '老客户推荐', 5), ('source', '陌生拜访', 6),
    ('source', '广告', 7), ('source', '招投标', 8), ('source', '其他', 9),
    ('industry', '制造业', 1), ('industry', '批发零售', 2), ('industry', '信息技术', 3),
    ('industry', '建筑', 4), ('industry', '餐饮', 5), ('industry', '教育', 6),
    ('industry', '医疗', 7), ('industry', '物流', 8), ('industry', '金融服务', 9),
    ('industry', '房地产', 10), ('industry', '农业', 11), ('industry', '广告传媒', 12),
    ('industry', '咨询服务', 13), ('industry', '能源环保', 14),
    ('urgency', '紧急', 1), ('urgency', '高', 2), ('urgency', '中', 3), ('urgency', '低', 4)
  ) AS l (list, label, sort);

-- Regions: whatever the customers already use, then the largest cities.
INSERT INTO choice_items (list, label, sort)
SELECT 'region', r.region, row_number () OVER (ORDER BY r.region)
  FROM (SELECT DISTINCT region FROM customers WHERE region <> '' AND length (region) <= 50) r
ON CONFLICT DO NOTHING;
INSERT INTO choice_items (list, label, sort)
SELECT 'region', c.label, 1000 + c.n
  FROM (VALUES ('北京', 1), ('上海', 2), ('广州', 3), ('深圳', 4), ('天津', 5), ('重庆', 6),
               ('杭州', 7), ('南京', 8), ('成都', 9), ('武汉', 10), ('西安', 11), ('苏州', 12))
       AS c (label, n)
ON CONFLICT DO NOTHING;

-- Custom fields: values live in a jsonb column "custom" of the entity,
-- keyed by the field's key; a retired field keeps its values.
CREATE TABLE custom_fields (
  id        bigserial PRIMARY KEY,
  entity    text NOT NULL CHECK (entity ~ '^[a-z][a-z0-9_]{0,31}$'),
  key       text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,31}$'),
  label     text NOT NULL CHECK (length (label) BETWEEN 1 AND 50),
  type      text NOT NULL CHECK (type IN ('text', 'number', 'money', 'date', 'choice',
                                          'multi_choice', 'phone', 'email')),
  required  boolean NOT NULL DEFAULT false,
  choices   text[] NOT NULL DEFAULT '{}',
  retired   boolean NOT NULL DEFAULT false,
  sort      integer NOT NULL DEFAULT 0,
  UNIQUE (entity, key)
);

ALTER TABLE customers ADD COLUMN IF NOT EXISTS custom jsonb NOT NULL DEFAULT '{}';
CREATE INDEX IF NOT EXISTS customers_custom_idx ON customers USING gin (custom jsonb_path_ops)
  WHERE deleted_at IS NULL;

-- Numbering: one rule per entity, one counter per entity and period key
-- (crm_numbering_period).  The creating transaction locks the counter row,
-- so numbers are unique and without gaps.
CREATE TABLE numbering_rules (
  entity        text PRIMARY KEY CHECK (entity ~ '^[a-z][a-z0-9_]{0,31}$'),
  prefix        text NOT NULL DEFAULT '',
  date_pattern  text NOT NULL DEFAULT '',
  separator     text NOT NULL DEFAULT '',
  width         integer NOT NULL DEFAULT 4 CHECK (width BETWEEN 1 AND 12),
  reset         text NOT NULL DEFAULT 'never' CHECK (reset IN ('never', 'daily', 'monthly', 'yearly'))
);
INSERT INTO numbering_rules (entity, prefix, date_pattern, separator, width, reset)
VALUES ('customer', 'KH', 'yyyyMMdd', '-', 4, 'daily');

CREATE TABLE numbering_counters (
  entity  text NOT NULL,
  period  text NOT NULL,
  last    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (entity, period)
);
-- Customer codes handed out so far keep counting on.
INSERT INTO numbering_counters (entity, period, last)
SELECT 'customer', to_char (day, 'YYYY-MM-DD'), last FROM customer_code_counters;

-- Entry rules per entity.
CREATE TABLE entry_rules (
  entity          text PRIMARY KEY CHECK (entity ~ '^[a-z][a-z0-9_]{0,31}$'),
  required        text[] NOT NULL DEFAULT '{}',
  formats         jsonb NOT NULL DEFAULT '{}',
  duplicate_name  text NOT NULL DEFAULT 'warn' CHECK (duplicate_name IN ('allow', 'warn', 'forbid'))
);
INSERT INTO entry_rules (entity) VALUES ('customer');

-- Global switches for later modules.
CREATE TABLE settings (
  key    text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
  value  jsonb NOT NULL
);
INSERT INTO settings (key, value) VALUES
  ('points_enabled', 'false'),
  ('approval_enabled', 'false'),
  ('company_name', '""');
