-- SPDX-License-Identifier: GPL-3.0-or-later
-- Quick search over custom fields, made cheap (issue 4; numbered 0096
-- because 0095 may already be applied where these are missing).
--
-- 1. Custom phone fields are found by the phone search itself: their
--    digits follow the customer's own phones in phone_digits, after " |"
--    (the trigram index there already serves every digit search).  Measured
--    at 1M customers, 300,000 with custom values: a separate look-up of
--    digits in custom_search added ~10 ms to the median phone search and
--    took p95 from ~20 to ~55 ms (tests/bench/RESULTS.md).  custom_search
--    keeps text and e-mail values and phone numbers as typed.
-- 2. The customers that have custom text, in id order (a partial index), so
--    that customer.search can look through the first few thousand of them
--    before it reads the trigram index: a fragment found in many of them
--    (对接, wxid) is found there in about a millisecond, where the trigram
--    index would first collect every match (20–60 ms for a fragment in
--    50,000 of 300,000 customers with custom text).

CREATE OR REPLACE FUNCTION crm_customer_custom_search (custom jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  result text := '';
  f record;
BEGIN
  IF custom IS NULL OR custom = '{}'::jsonb THEN
    RETURN '';
  END IF;
  FOR f IN SELECT key FROM custom_fields
           WHERE entity = 'customer' AND type IN ('text', 'phone', 'email')
           ORDER BY id LOOP
    IF jsonb_typeof (custom -> f.key) = 'string' THEN
      result := result || ' ' || lower (custom ->> f.key);
    END IF;
  END LOOP;
  RETURN btrim (result);
END $$;

CREATE OR REPLACE FUNCTION crm_customer_custom_phone_digits (custom jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  result text := '';
  f record;
  d text;
BEGIN
  IF custom IS NULL OR custom = '{}'::jsonb THEN
    RETURN '';
  END IF;
  FOR f IN SELECT key FROM custom_fields
           WHERE entity = 'customer' AND type = 'phone' ORDER BY id LOOP
    IF jsonb_typeof (custom -> f.key) = 'string' THEN
      d := regexp_replace (custom ->> f.key, '[^0-9]', '', 'g');
      IF d <> '' THEN
        result := result || ' ' || d;
      END IF;
    END IF;
  END LOOP;
  RETURN btrim (result);
END $$;

-- The customer's own phones (what the server wrote), then " |" and the
-- custom phones' digits.
CREATE OR REPLACE FUNCTION crm_customer_with_custom_digits (phone_digits text, custom jsonb)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  own text := regexp_replace (phone_digits, ' ?\|.*$', '');
  extra text := crm_customer_custom_phone_digits (custom);
BEGIN
  IF extra = '' THEN
    RETURN own;
  END IF;
  RETURN own || ' |' || extra;
END $$;

CREATE OR REPLACE FUNCTION crm_customers_custom_search () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.custom_search := crm_customer_custom_search (NEW.custom);
  NEW.phone_digits := crm_customer_with_custom_digits (NEW.phone_digits, NEW.custom);
  RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS customers_custom_search_update ON customers;
CREATE TRIGGER customers_custom_search_update BEFORE UPDATE OF custom, phone_digits ON customers
  FOR EACH ROW WHEN (NEW.custom IS DISTINCT FROM OLD.custom
                     OR NEW.phone_digits IS DISTINCT FROM OLD.phone_digits)
  EXECUTE FUNCTION crm_customers_custom_search ();

UPDATE customers
   SET custom_search = crm_customer_custom_search (custom),
       phone_digits = crm_customer_with_custom_digits (phone_digits, custom)
 WHERE custom <> '{}'::jsonb;

CREATE INDEX IF NOT EXISTS customers_custom_rows_idx ON customers (id)
  WHERE deleted_at IS NULL AND custom_search <> '';
