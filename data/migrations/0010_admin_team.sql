-- SPDX-License-Identifier: GPL-3.0-or-later
-- Team, accounts and permissions of the admin console (issue 4): the
-- department tree with groups, leaders and branches; per-user grants and
-- denials; client installations (device binding); customers' ownership
-- history; permission changes pushed to signed-in sessions.

ALTER TABLE departments
  ADD COLUMN kind       text NOT NULL DEFAULT 'department' CHECK (kind IN ('department', 'group')),
  ADD COLUMN leader_id  bigint REFERENCES users (id) ON DELETE SET NULL,
  ADD COLUMN branch     text NOT NULL DEFAULT '' CHECK (length (branch) <= 100),
  ADD COLUMN sort       integer NOT NULL DEFAULT 0;

ALTER TABLE users
  ADD COLUMN branch          text NOT NULL DEFAULT '' CHECK (length (branch) <= 100),
  ADD COLUMN status          text NOT NULL DEFAULT 'active'
                             CHECK (status IN ('active', 'probation', 'on_leave', 'resigned')),
  ADD COLUMN device_binding  boolean NOT NULL DEFAULT false;

-- The client's self-description at sign-in, for the sessions page.
ALTER TABLE sessions ADD COLUMN client text NOT NULL DEFAULT '';

-- Per-user exceptions to the roles: a grant adds a permission (scope: own
-- records unless a role gives more), a denial removes it whatever the roles say.
CREATE TABLE user_permission_overrides (
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  permission  text NOT NULL CHECK (length (permission) BETWEEN 1 AND 64),
  granted     boolean NOT NULL,
  PRIMARY KEY (user_id, permission)
);

CREATE TRIGGER user_permission_overrides_scope_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_permission_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION crm_scope_changed ();

-- Client installations enrolled on first sign-in of a user with
-- device_binding; an administrator approves them.
CREATE TABLE devices (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_key  text NOT NULL CHECK (length (client_key) BETWEEN 1 AND 128),
  name        text NOT NULL DEFAULT '',
  approved    boolean NOT NULL DEFAULT false,
  first_seen  timestamptz NOT NULL DEFAULT now (),
  last_seen   timestamptz NOT NULL DEFAULT now (),
  UNIQUE (user_id, client_key)
);

-- Who owned a customer, in which department, from when: written when the
-- owner changes and when the owner moves to another department, so a move
-- never rewrites the past.
CREATE TABLE customer_owner_history (
  id             bigserial PRIMARY KEY,
  customer_id    bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  owner_id       bigint NOT NULL REFERENCES users (id),
  department_id  bigint REFERENCES departments (id) ON DELETE SET NULL,
  since          timestamptz NOT NULL DEFAULT now (),
  reason         text NOT NULL CHECK (reason IN ('created', 'reassigned', 'owner_moved'))
);
CREATE INDEX customer_owner_history_customer_idx ON customer_owner_history (customer_id, since);

CREATE FUNCTION crm_customer_owner_changed () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.owner_id IS DISTINCT FROM OLD.owner_id THEN
    INSERT INTO customer_owner_history (customer_id, owner_id, department_id, reason)
    SELECT NEW.id, NEW.owner_id, u.department_id,
           CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'reassigned' END
      FROM users u WHERE u.id = NEW.owner_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER customers_owner_history
  AFTER INSERT OR UPDATE OF owner_id ON customers
  FOR EACH ROW EXECUTE FUNCTION crm_customer_owner_changed ();

CREATE FUNCTION crm_user_moved () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.department_id IS DISTINCT FROM OLD.department_id THEN
    INSERT INTO customer_owner_history (customer_id, owner_id, department_id, reason)
    SELECT c.id, NEW.id, NEW.department_id, 'owner_moved'
      FROM customers c WHERE c.owner_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER users_moved_history
  AFTER UPDATE OF department_id ON users
  FOR EACH ROW EXECUTE FUNCTION crm_user_moved ();

-- The history starts with today's owners.
INSERT INTO customer_owner_history (customer_id, owner_id, department_id, since, reason)
SELECT c.id, c.owner_id, u.department_id, c.created_at, 'created'
  FROM customers c JOIN users u ON u.id = c.owner_id;

-- Effective permissions: union of the roles' and the user's grants, minus
-- the user's denials.  Scope: the strongest any role gives; a grant alone
-- gives own records.
CREATE FUNCTION crm_user_permissions (p_user bigint)
RETURNS TABLE (permission text, scope smallint)
LANGUAGE sql STABLE AS $$
  SELECT p.permission, max (p.scope)::smallint
    FROM (SELECT rp.permission, rp.scope
            FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
           WHERE ur.user_id = p_user
          UNION ALL
          SELECT o.permission, 0::smallint
            FROM user_permission_overrides o
           WHERE o.user_id = p_user AND o.granted) p
   WHERE NOT EXISTS (SELECT 1 FROM user_permission_overrides d
                      WHERE d.user_id = p_user AND NOT d.granted
                        AND d.permission = p.permission)
   GROUP BY p.permission
$$;

CREATE OR REPLACE FUNCTION crm_scope_owners (p_user bigint, p_permission text)
RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  s smallint;
  d bigint;
  result bigint[];
BEGIN
  IF EXISTS (SELECT 1 FROM user_permission_overrides o
              WHERE o.user_id = p_user AND NOT o.granted AND o.permission = p_permission) THEN
    RETURN '{}'::bigint[];
  END IF;
  SELECT max (p.scope) INTO s
    FROM (SELECT rp.scope, rp.permission
            FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
           WHERE ur.user_id = p_user
          UNION ALL
          SELECT 0::smallint, o.permission
            FROM user_permission_overrides o
           WHERE o.user_id = p_user AND o.granted) p
    JOIN users u ON u.id = p_user
   WHERE NOT u.disabled
     AND (p.permission = p_permission
          OR p.permission = split_part (p_permission, '.', 1) || '.*'
          OR p.permission = '*');
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

-- Signed-in users see a permission change at once: the server listens on
-- crm_sessions and pushes the new list ("permissions 0" = everyone).
CREATE FUNCTION crm_permissions_changed_user () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify ('crm_sessions', 'permissions ' || OLD.user_id);
  ELSE
    PERFORM pg_notify ('crm_sessions', 'permissions ' || NEW.user_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER user_roles_notify
  AFTER INSERT OR UPDATE OR DELETE ON user_roles
  FOR EACH ROW EXECUTE FUNCTION crm_permissions_changed_user ();
CREATE TRIGGER user_permission_overrides_notify
  AFTER INSERT OR UPDATE OR DELETE ON user_permission_overrides
  FOR EACH ROW EXECUTE FUNCTION crm_permissions_changed_user ();

CREATE FUNCTION crm_permissions_changed_all () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify ('crm_sessions', 'permissions 0');
  RETURN NULL;
END
$$;
CREATE TRIGGER role_permissions_notify
  AFTER INSERT OR UPDATE OR DELETE ON role_permissions
  FOR EACH STATEMENT EXECUTE FUNCTION crm_permissions_changed_all ();

-- The administrator template reaches every page of the console.
INSERT INTO role_permissions (role_id, permission, scope)
SELECT r.id, p.permission, 3
  FROM roles r,
       (VALUES ('role.manage'), ('settings.manage'), ('audit.view'), ('recycle.manage'))
       AS p (permission)
 WHERE r.name = 'administrator'
ON CONFLICT DO NOTHING;
