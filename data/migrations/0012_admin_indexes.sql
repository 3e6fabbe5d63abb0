-- SPDX-License-Identifier: GPL-3.0-or-later
-- The audit viewer filters by user and time; customer codes handed out by
-- the older counter (demo loading) keep the numbering rule's counter ahead.
CREATE INDEX audit_log_user_idx ON audit_log (user_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION crm_code_counter_mirror () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO numbering_counters AS k (entity, period, last)
  VALUES ('customer', to_char (NEW.day, 'YYYY-MM-DD'), NEW.last)
  ON CONFLICT (entity, period) DO UPDATE SET last = greatest (k.last, excluded.last);
  RETURN NULL;
END
$$;
CREATE TRIGGER customer_code_counters_mirror
  AFTER INSERT OR UPDATE ON customer_code_counters
  FOR EACH ROW EXECUTE FUNCTION crm_code_counter_mirror ();
