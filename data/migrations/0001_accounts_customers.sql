-- SPDX-License-Identifier: GPL-3.0-or-later
-- Accounts, roles and data scope, sessions, audit, idempotency, customers.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE departments (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  parent_id   bigint REFERENCES departments (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX departments_sibling_name_idx ON departments (coalesce (parent_id, 0), name);

CREATE TABLE users (
  id                    bigserial PRIMARY KEY,
  login                 text NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 64),
  display_name          text NOT NULL,
  password_hash         text NOT NULL,
  department_id         bigint REFERENCES departments (id),
  leader_id             bigint REFERENCES users (id),
  disabled              boolean NOT NULL DEFAULT false,
  must_change_password  boolean NOT NULL DEFAULT false,
  failed_logins         integer NOT NULL DEFAULT 0,
  locked_until          timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_leader_idx ON users (leader_id);
CREATE INDEX users_department_idx ON users (department_id);

CREATE TABLE roles (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  is_template   boolean NOT NULL DEFAULT false
);

CREATE TABLE role_permissions (
  role_id     bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  permission  text NOT NULL,
  scope       smallint NOT NULL DEFAULT 0 CHECK (scope BETWEEN 0 AND 3),
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE user_roles (
  user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id  bigint NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, role_id)
);

CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created     timestamptz NOT NULL DEFAULT now(),
  last_seen   timestamptz NOT NULL DEFAULT now(),
  expires     timestamptz NOT NULL,
  peer        text,
  revoked     boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_history (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  login    text NOT NULL,
  user_id  bigint REFERENCES users (id) ON DELETE SET NULL,
  peer     text,
  success  boolean NOT NULL,
  reason   text
);
CREATE INDEX login_history_peer_idx ON login_history (peer, at);

CREATE TABLE customer_code_counters (
  day   date PRIMARY KEY,
  last  integer NOT NULL
);

CREATE TABLE customers (
  id              bigserial PRIMARY KEY,
  version         bigint NOT NULL DEFAULT 1,
  code            text NOT NULL UNIQUE,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  short_name      text NOT NULL DEFAULT '',
  category        text NOT NULL DEFAULT '',
  industry        text NOT NULL DEFAULT '',
  source          text NOT NULL DEFAULT '',
  region          text NOT NULL DEFAULT '',
  value           text NOT NULL DEFAULT '',
  phones          text[] NOT NULL DEFAULT '{}',
  address         text NOT NULL DEFAULT '',
  postal_code     text NOT NULL DEFAULT '',
  notes           text NOT NULL DEFAULT '',
  owner_id        bigint NOT NULL REFERENCES users (id),
  created_by      bigint REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz,
  deleted_by      bigint REFERENCES users (id),
  name_pinyin     text NOT NULL DEFAULT '',
  name_initials   text NOT NULL DEFAULT '',
  phone_digits    text NOT NULL DEFAULT '',
  search_bigrams  text[] NOT NULL DEFAULT '{}'
);

-- Keyset pages: one index per sort column, id as the tie breaker; names in
-- pinyin order through ICU.
CREATE INDEX customers_name_idx ON customers (name COLLATE "zh-x-icu", id) WHERE deleted_at IS NULL;
CREATE INDEX customers_short_name_idx ON customers (short_name COLLATE "zh-x-icu", id) WHERE deleted_at IS NULL;
CREATE INDEX customers_code_idx ON customers (code, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_category_idx ON customers (category, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_industry_idx ON customers (industry, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_source_idx ON customers (source, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_region_idx ON customers (region, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_value_idx ON customers (value, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_owner_idx ON customers (owner_id, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_created_idx ON customers (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_updated_idx ON customers (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customers_deleted_idx ON customers (deleted_at, id) WHERE deleted_at IS NOT NULL;
-- Quick search.
CREATE INDEX customers_bigrams_idx ON customers USING gin (search_bigrams) WHERE deleted_at IS NULL;
CREATE INDEX customers_pinyin_trgm_idx ON customers USING gin (name_pinyin gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX customers_initials_trgm_idx ON customers USING gin (name_initials gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX customers_phone_trgm_idx ON customers USING gin (phone_digits gin_trgm_ops) WHERE deleted_at IS NULL;

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     bigint REFERENCES users (id) ON DELETE SET NULL,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   bigint,
  before      jsonb,
  after       jsonb,
  request_id  bigint,
  peer        text
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

CREATE TABLE idempotency (
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key         text NOT NULL,
  message     integer NOT NULL,
  reply       bytea,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_created_idx ON idempotency (created_at);

-- Owner ids a user may reach with a permission, by the strongest scope any
-- of the user's roles grants for it.  NULL = everyone (scope "all");
-- an empty array = nobody.
CREATE FUNCTION crm_scope_owners (p_user bigint, p_permission text)
RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  s smallint;
  d bigint;
  result bigint[];
BEGIN
  SELECT max(rp.scope) INTO s
    FROM user_roles ur
    JOIN role_permissions rp ON rp.role_id = ur.role_id
    JOIN users u ON u.id = ur.user_id
   WHERE ur.user_id = p_user AND NOT u.disabled
     AND (rp.permission = p_permission
          OR rp.permission = split_part (p_permission, '.', 1) || '.*'
          OR rp.permission = '*');
  IF s IS NULL THEN
    RETURN '{}'::bigint[];
  ELSIF s >= 3 THEN
    RETURN NULL;
  ELSIF s = 2 THEN
    SELECT department_id INTO d FROM users WHERE id = p_user;
    IF d IS NULL THEN
      RETURN ARRAY[p_user];
    END IF;
    WITH RECURSIVE tree (id) AS (
      SELECT d
      UNION
      SELECT dp.id FROM departments dp JOIN tree ON dp.parent_id = tree.id
    )
    SELECT array_agg (u.id) INTO result
      FROM users u WHERE u.department_id IN (SELECT id FROM tree);
    RETURN array_append (coalesce (result, '{}'), p_user);
  ELSIF s = 1 THEN
    WITH RECURSIVE team (id) AS (
      SELECT p_user
      UNION
      SELECT u.id FROM users u JOIN team ON u.leader_id = team.id
    )
    SELECT array_agg (id) INTO result FROM team;
    RETURN result;
  ELSE
    RETURN ARRAY[p_user];
  END IF;
END
$$;

-- Role templates (display names are what Chinese offices call them).
INSERT INTO roles (name, display_name, is_template) VALUES
  ('salesperson', '业务员', true),
  ('team_lead', '组长', true),
  ('department_manager', '部门经理', true),
  ('accountant', '财务', true),
  ('cashier', '出纳', true),
  ('after_sales', '售后', true),
  ('administrator', '管理员', true);

INSERT INTO role_permissions (role_id, permission, scope)
SELECT r.id, p.permission, p.scope
  FROM roles r
  JOIN (VALUES
    ('salesperson', 'customer.view', 0),
    ('salesperson', 'customer.add', 0),
    ('salesperson', 'customer.edit', 0),
    ('salesperson', 'customer.delete', 0),
    ('team_lead', 'customer.view', 1),
    ('team_lead', 'customer.add', 1),
    ('team_lead', 'customer.edit', 1),
    ('team_lead', 'customer.delete', 1),
    ('team_lead', 'customer.export', 1),
    ('team_lead', 'user.view', 1),
    ('department_manager', 'customer.view', 2),
    ('department_manager', 'customer.add', 2),
    ('department_manager', 'customer.edit', 2),
    ('department_manager', 'customer.delete', 2),
    ('department_manager', 'customer.import', 2),
    ('department_manager', 'customer.export', 2),
    ('department_manager', 'user.view', 2),
    ('accountant', 'customer.view', 3),
    ('accountant', 'customer.export', 3),
    ('cashier', 'customer.view', 3),
    ('after_sales', 'customer.view', 3),
    ('after_sales', 'customer.edit', 3),
    ('administrator', 'customer.view', 3),
    ('administrator', 'customer.add', 3),
    ('administrator', 'customer.edit', 3),
    ('administrator', 'customer.delete', 3),
    ('administrator', 'customer.import', 3),
    ('administrator', 'customer.export', 3),
    ('administrator', 'user.view', 3),
    ('administrator', 'user.manage', 3),
    ('administrator', 'team.manage', 3)
  ) AS p (role, permission, scope) ON p.role = r.name;
