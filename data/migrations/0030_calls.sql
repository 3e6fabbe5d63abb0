-- SPDX-License-Identifier: GPL-3.0-or-later
-- Call center: settings, caller matching keys, calls with recordings,
-- blacklist/whitelist, and the permissions of the role templates.

CREATE TABLE call_settings (
  one              boolean PRIMARY KEY DEFAULT true CHECK (one),
  -- Recordings older than this many days are purged; 0 = kept for ever.
  retention_days   integer NOT NULL DEFAULT 365 CHECK (retention_days BETWEEN 0 AND 3650),
  -- The office's area code: local 7-8 digit numbers (as caller ID delivers
  -- local calls) are matched as if dialled with it.
  local_area_code  text NOT NULL DEFAULT '' CHECK (local_area_code ~ '^(0[1-9][0-9]{1,2})?$'),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO call_settings DEFAULT VALUES;

-- Caller matching.  The exact rules (+86, trunk 0, area codes, extensions)
-- live in C (crm_phone_match_key); the database only narrows the customers
-- down to those with a number ending in the same last 7 digits, which every
-- written form of the same line shares, and the server checks each
-- candidate with the C rules.  Extensions are cut first ("转801", "分机",
-- "ext", "x", "#"); a "-801" group after a complete landline gives a
-- second tail so that both readings are candidates.
CREATE FUNCTION crm_phone_tails (phone text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH cut AS (
    SELECT regexp_replace (normalize (coalesce (phone, ''), NFKC),
                           '(转|分机|[Ee][Xx][Tt]|[Xx#]).*$', '') AS t
  ), parts AS (
    SELECT regexp_replace (t, '[^0-9]', '', 'g') AS whole,
           regexp_replace (regexp_replace (t, '[-\s]+[0-9]{1,6}\s*$', ''), '[^0-9]', '', 'g') AS head
      FROM cut
  )
  SELECT coalesce (array_agg (DISTINCT right (d, 7)) FILTER (WHERE length (d) >= 3), '{}')
    FROM parts, LATERAL (VALUES (whole), (head)) AS v (d)
$$;

CREATE TABLE customer_phone_tails (
  customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  tail         text NOT NULL,
  PRIMARY KEY (tail, customer_id)
);
CREATE INDEX customer_phone_tails_customer_idx ON customer_phone_tails (customer_id);

CREATE FUNCTION crm_customer_phone_tails_sync () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.phones IS NOT DISTINCT FROM OLD.phones THEN
      RETURN NULL;
    END IF;
    DELETE FROM customer_phone_tails WHERE customer_id = NEW.id;
  END IF;
  INSERT INTO customer_phone_tails (customer_id, tail)
  SELECT DISTINCT NEW.id, t
    FROM unnest (NEW.phones) AS p (phone), unnest (crm_phone_tails (p.phone)) AS u (t)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER customers_phone_tails
  AFTER INSERT OR UPDATE OF phones ON customers
  FOR EACH ROW EXECUTE FUNCTION crm_customer_phone_tails_sync ();

-- Existing customers.
INSERT INTO customer_phone_tails (customer_id, tail)
SELECT DISTINCT c.id, t
  FROM customers c, unnest (c.phones) AS p (phone), unnest (crm_phone_tails (p.phone)) AS u (t)
ON CONFLICT DO NOTHING;

CREATE TABLE calls (
  id                    bigserial PRIMARY KEY,
  user_id               bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Chosen by the client when the call starts: logging the same call again
  -- (after a lost reply or a restart) finds this row instead of adding one.
  client_call_id        text NOT NULL CHECK (length (client_call_id) BETWEEN 1 AND 100),
  direction             text NOT NULL CHECK (direction IN ('in', 'out')),
  status                text NOT NULL CHECK (status IN ('answered', 'missed', 'rejected', 'blocked', 'fax')),
  number                text NOT NULL DEFAULT '' CHECK (length (number) <= 128),
  match_key             text NOT NULL DEFAULT '',
  customer_id           bigint REFERENCES customers (id) ON DELETE SET NULL,
  started_at            timestamptz NOT NULL,
  answered_at           timestamptz,
  ended_at              timestamptz,
  device                text NOT NULL DEFAULT '' CHECK (length (device) <= 200),
  recording_sha256      text CHECK (recording_sha256 ~ '^[0-9a-f]{64}$'),
  recording_deleted_at  timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, client_call_id),
  CHECK (answered_at IS NULL OR answered_at >= started_at),
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX calls_user_idx ON calls (user_id, id);
CREATE INDEX calls_customer_idx ON calls (customer_id, id);
CREATE INDEX calls_match_key_idx ON calls (match_key, id);
CREATE INDEX calls_started_idx ON calls (started_at);
CREATE INDEX calls_recording_idx ON calls (recording_sha256) WHERE recording_sha256 IS NOT NULL;

-- 骚扰电话: a pattern is a match key ("13812345678", "01062123456") or a
-- prefix of one ending in "*" ("0755*", "170*").  "allow" entries override
-- "block" entries.
CREATE TABLE blacklist (
  id          bigserial PRIMARY KEY,
  pattern     text NOT NULL UNIQUE CHECK (pattern ~ '^\+?[0-9]{1,20}\*?$'),
  kind        text NOT NULL CHECK (kind IN ('block', 'allow')),
  reason      text NOT NULL DEFAULT '' CHECK (length (reason) <= 200),
  created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO role_permissions (role_id, permission, scope)
SELECT r.id, p.permission, p.scope
  FROM roles r
  JOIN (VALUES
    ('salesperson', 'call.view', 0),
    ('salesperson', 'call.log', 0),
    ('salesperson', 'call.recording.listen', 0),
    ('team_lead', 'call.view', 1),
    ('team_lead', 'call.log', 1),
    ('team_lead', 'call.recording.listen', 1),
    ('department_manager', 'call.view', 2),
    ('department_manager', 'call.log', 2),
    ('department_manager', 'call.recording.listen', 2),
    ('department_manager', 'blacklist.manage', 2),
    ('after_sales', 'call.view', 0),
    ('after_sales', 'call.log', 0),
    ('administrator', 'call.view', 3),
    ('administrator', 'call.view_all', 3),
    ('administrator', 'call.log', 3),
    ('administrator', 'call.recording.listen', 3),
    ('administrator', 'call.recording.delete', 3),
    ('administrator', 'blacklist.manage', 3)
  ) AS p (role, permission, scope) ON p.role = r.name
ON CONFLICT DO NOTHING;
