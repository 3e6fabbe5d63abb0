-- SPDX-License-Identifier: GPL-3.0-or-later
-- The blacklist in the recycle bin (helper "callcenter"; 0093 was already
-- applied in shared databases, hence a number of its own): a delete sets
-- deleted_at / deleted_by, restore clears them, purge deletes the row.  A
-- pattern is unique among live entries only, so a deleted number can be
-- listed again (restoring the old entry is then refused).
ALTER TABLE blacklist
  ADD COLUMN deleted_at  timestamptz,
  ADD COLUMN deleted_by  bigint REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE blacklist DROP CONSTRAINT blacklist_pattern_key;
CREATE UNIQUE INDEX blacklist_pattern_live_idx ON blacklist (pattern) WHERE deleted_at IS NULL;
CREATE INDEX blacklist_deleted_idx ON blacklist (deleted_at, id) WHERE deleted_at IS NOT NULL;
