-- SPDX-License-Identifier: GPL-3.0-or-later
-- Call center, continued: the retention purge and the blacklist kept by
-- every user of the call center.

-- A recording past the retention period is marked expired: its file goes
-- at the next purge.  One a user deleted waits the grace period first.
ALTER TABLE calls ADD COLUMN recording_expired boolean NOT NULL DEFAULT false;
ALTER TABLE call_settings
  ADD COLUMN deleted_grace_days integer NOT NULL DEFAULT 7 CHECK (deleted_grace_days BETWEEN 0 AND 365);

-- The purge asks, for each file on disk, whether some call still serves it.
CREATE INDEX calls_deleted_recordings_idx ON calls (recording_sha256)
  WHERE recording_sha256 IS NOT NULL AND recording_deleted_at IS NOT NULL;

-- 骚扰电话 are kept by users and administrators: "blacklist.manage" is
-- scoped like every other permission (own entries for a salesperson,
-- the team's for a team lead, everything for an administrator).
INSERT INTO role_permissions (role_id, permission, scope)
SELECT r.id, p.permission, p.scope
  FROM roles r
  JOIN (VALUES
    ('salesperson', 'blacklist.manage', 0),
    ('team_lead', 'blacklist.manage', 1),
    ('after_sales', 'blacklist.manage', 0)
  ) AS p (role, permission, scope) ON p.role = r.name AND r.is_template
ON CONFLICT DO NOTHING;
