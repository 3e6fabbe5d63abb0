-- SPDX-License-Identifier: GPL-3.0-or-later
-- Retention (run with every call.log) looks only at recordings still
-- served: without this index it would walk every old call each time.
CREATE INDEX calls_live_recordings_idx ON calls (started_at)
  WHERE recording_sha256 IS NOT NULL AND recording_deleted_at IS NULL;
