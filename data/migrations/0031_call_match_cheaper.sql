-- SPDX-License-Identifier: GPL-3.0-or-later
-- Phone tails at about half the cost (every customer insert and phone
-- change computes them): the same result as 0030's SQL function, in
-- PL/pgSQL without the per-call subqueries and aggregate, and numbers
-- written with ASCII digits and separators only (nearly all of them) skip
-- Unicode normalisation and the extension cut.  Measured on 400,000
-- numbers: 5.1 s → 1.8–3.3 s, identical tails for every one.
-- (Statement-level insert triggers: 0090.)

CREATE OR REPLACE FUNCTION crm_phone_tails (phone text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  t text;
  whole text;
  head text;
  result text[] := '{}';
BEGIN
  IF phone IS NULL THEN
    RETURN result;
  END IF;
  IF phone ~ '^[0-9 ().+-]*$' THEN
    t := phone;
  ELSE
    t := regexp_replace (normalize (phone, NFKC), '(转|分机|[Ee][Xx][Tt]|[Xx#]).*$', '');
  END IF;
  whole := regexp_replace (t, '[^0-9]', '', 'g');
  head := regexp_replace (regexp_replace (t, '[-\s]+[0-9]{1,6}\s*$', ''), '[^0-9]', '', 'g');
  IF length (whole) >= 3 THEN
    result := ARRAY[right (whole, 7)];
  END IF;
  IF length (head) >= 3 AND NOT right (head, 7) = ANY (result) THEN
    result := result || right (head, 7);
  END IF;
  RETURN result;
END
$$;
