-- SPDX-License-Identifier: GPL-3.0-or-later
-- A counter bumped by every change that can move a data scope (who leads
-- whom, who is in which department, which roles grant what).  Servers cache
-- crm_scope_owners() per user and permission, tagged with this counter; a
-- read whose tag is stale matches nothing and is retried with a fresh scope.
CREATE TABLE scope_generation (
  one  boolean PRIMARY KEY DEFAULT true CHECK (one),
  n    bigint NOT NULL
);
INSERT INTO scope_generation (n) VALUES (1);

CREATE FUNCTION crm_scope_changed () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE scope_generation SET n = n + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER users_scope_changed
  AFTER INSERT OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION crm_scope_changed ();
CREATE TRIGGER users_scope_moved
  AFTER UPDATE OF department_id, leader_id, disabled ON users
  FOR EACH STATEMENT EXECUTE FUNCTION crm_scope_changed ();
CREATE TRIGGER user_roles_scope_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_roles
  FOR EACH STATEMENT EXECUTE FUNCTION crm_scope_changed ();
CREATE TRIGGER role_permissions_scope_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_permissions
  FOR EACH STATEMENT EXECUTE FUNCTION crm_scope_changed ();
CREATE TRIGGER departments_scope_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments
  FOR EACH STATEMENT EXECUTE FUNCTION crm_scope_changed ();
