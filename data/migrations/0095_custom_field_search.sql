-- SPDX-License-Identifier: GPL-3.0-or-later
-- Quick search over custom fields (issue 4): the values of a customer's
-- text, phone and e-mail custom fields, lower-cased (phone numbers also as
-- bare digits), kept in one column by a trigger, with a trigram index over
-- the customers that have any.  customer.search looks there when the names,
-- pinyin and phones give fewer matches than asked for.
--
-- A customer without custom values costs nothing: the column keeps its
-- constant default (no table rewrite), the insert trigger does not fire
-- (WHEN clause) and the partial index leaves the row out.

ALTER TABLE customers ADD COLUMN IF NOT EXISTS custom_search text NOT NULL DEFAULT '';

CREATE OR REPLACE FUNCTION crm_customer_custom_search (custom jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  result text := '';
  f record;
  v text;
BEGIN
  IF custom IS NULL OR custom = '{}'::jsonb THEN
    RETURN '';
  END IF;
  FOR f IN SELECT key, type FROM custom_fields
           WHERE entity = 'customer' AND type IN ('text', 'phone', 'email')
           ORDER BY id LOOP
    IF jsonb_typeof (custom -> f.key) = 'string' THEN
      v := custom ->> f.key;
      result := result || ' ' || lower (v);
      IF f.type = 'phone' THEN
        result := result || ' ' || regexp_replace (v, '[^0-9]', '', 'g');
      END IF;
    END IF;
  END LOOP;
  RETURN btrim (result);
END $$;

CREATE OR REPLACE FUNCTION crm_customers_custom_search () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.custom_search := crm_customer_custom_search (NEW.custom);
  RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS customers_custom_search_insert ON customers;
CREATE TRIGGER customers_custom_search_insert BEFORE INSERT ON customers
  FOR EACH ROW WHEN (NEW.custom <> '{}'::jsonb)
  EXECUTE FUNCTION crm_customers_custom_search ();
DROP TRIGGER IF EXISTS customers_custom_search_update ON customers;
CREATE TRIGGER customers_custom_search_update BEFORE UPDATE OF custom ON customers
  FOR EACH ROW WHEN (NEW.custom IS DISTINCT FROM OLD.custom)
  EXECUTE FUNCTION crm_customers_custom_search ();

UPDATE customers SET custom_search = crm_customer_custom_search (custom)
 WHERE custom <> '{}'::jsonb;

CREATE INDEX IF NOT EXISTS customers_custom_search_idx ON customers
  USING gin (custom_search gin_trgm_ops)
  WHERE deleted_at IS NULL AND custom_search <> '';
