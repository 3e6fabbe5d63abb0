-- SPDX-License-Identifier: GPL-3.0-or-later
-- The recycle bin for departments and roles: a delete sets deleted_at and
-- deleted_by; restore clears them, purge deletes the row.  Names stay
-- unique among live rows only, so a deleted name can be used again (and
-- restoring the old row is then refused by the index).

ALTER TABLE departments
  ADD COLUMN deleted_at  timestamptz,
  ADD COLUMN deleted_by  bigint REFERENCES users (id) ON DELETE SET NULL;
DROP INDEX departments_sibling_name_idx;
CREATE UNIQUE INDEX departments_sibling_name_idx ON departments (coalesce (parent_id, 0), name)
  WHERE deleted_at IS NULL;
CREATE INDEX departments_deleted_idx ON departments (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- Roles keep no foreign key to users (as before): who deleted one is only
-- shown (users are disabled, never deleted), and a TRUNCATE of users must
-- not cascade into the roles.
ALTER TABLE roles
  ADD COLUMN deleted_at  timestamptz,
  ADD COLUMN deleted_by  bigint;
ALTER TABLE roles DROP CONSTRAINT roles_name_key;
CREATE UNIQUE INDEX roles_name_live_idx ON roles (name) WHERE deleted_at IS NULL;
CREATE INDEX roles_deleted_idx ON roles (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- A deleted role gives nothing even if someone still held it (delete is
-- refused while anyone does; this keeps a direct SQL edit harmless too).
CREATE OR REPLACE FUNCTION crm_role_deleted () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
    DELETE FROM user_roles WHERE role_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER roles_deleted
  AFTER UPDATE OF deleted_at ON roles
  FOR EACH ROW EXECUTE FUNCTION crm_role_deleted ();
