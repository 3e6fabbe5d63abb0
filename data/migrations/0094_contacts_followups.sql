-- SPDX-License-Identifier: GPL-3.0-or-later
-- Contacts (客户联系人) and follow-ups (跟进) of customers (SPEC modules 2
-- and 4, first cut): the schema, caller matching on contacts' numbers,
-- contact names in the customers' quick search, and the permissions of the
-- role templates.  A contact's or follow-up's data scope is its customer's:
-- the owner is never stored twice.

CREATE TABLE contacts (
  id           bigserial PRIMARY KEY,
  version      bigint NOT NULL DEFAULT 1,
  customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length (name) BETWEEN 1 AND 50),
  title        text NOT NULL DEFAULT '' CHECK (length (title) <= 50),
  gender       text NOT NULL DEFAULT '' CHECK (gender IN ('', 'male', 'female')),
  phones       text[] NOT NULL DEFAULT '{}' CHECK (cardinality (phones) <= 10),
  mobile       text NOT NULL DEFAULT '' CHECK (length (mobile) <= 40),
  email        text NOT NULL DEFAULT '' CHECK (length (email) <= 100),
  qq           text NOT NULL DEFAULT '' CHECK (length (qq) <= 20),
  wechat       text NOT NULL DEFAULT '' CHECK (length (wechat) <= 50),
  birthday     date,
  is_primary   boolean NOT NULL DEFAULT false,
  notes        text NOT NULL DEFAULT '' CHECK (length (notes) <= 2000),
  created_by   bigint REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz,
  deleted_by   bigint REFERENCES users (id)
);
-- Contacts of a customer (primary first, then in the order they were added).
CREATE INDEX contacts_customer_idx ON contacts (customer_id, id) WHERE deleted_at IS NULL;
-- One primary contact per customer among the live ones.
CREATE UNIQUE INDEX contacts_one_primary_idx ON contacts (customer_id)
  WHERE is_primary AND deleted_at IS NULL;
-- Recycle bin pages.
CREATE INDEX contacts_deleted_idx ON contacts (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- 跟进 methods are a fixed set of codes that every client translates.
CREATE TABLE followups (
  id           bigserial PRIMARY KEY,
  version      bigint NOT NULL DEFAULT 1,
  customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  contact_id   bigint REFERENCES contacts (id) ON DELETE SET NULL,
  user_id      bigint NOT NULL REFERENCES users (id),
  at           timestamptz NOT NULL DEFAULT now(),
  method       text NOT NULL CHECK (method IN ('phone', 'visit', 'wechat', 'email', 'other')),
  content      text NOT NULL CHECK (length (content) BETWEEN 1 AND 4000),
  next_date    date,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz,
  deleted_by   bigint REFERENCES users (id)
);
-- The latest follow-ups of a customer (the timeline's keyset pages).
CREATE INDEX followups_customer_idx ON followups (customer_id, at DESC, id DESC)
  WHERE deleted_at IS NULL;
-- Next follow-ups due, per writer (待联 lists).
CREATE INDEX followups_next_idx ON followups (user_id, next_date)
  WHERE deleted_at IS NULL AND next_date IS NOT NULL;
CREATE INDEX followups_deleted_idx ON followups (deleted_at, id) WHERE deleted_at IS NOT NULL;

-- ---- Caller matching on contacts' numbers (as customer_phone_tails) ----
CREATE TABLE contact_phone_tails (
  contact_id  bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  tail        text NOT NULL,
  PRIMARY KEY (tail, contact_id)
);
CREATE INDEX contact_phone_tails_contact_idx ON contact_phone_tails (contact_id);

CREATE FUNCTION crm_contact_phone_tails_sync () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.phones IS NOT DISTINCT FROM OLD.phones AND NEW.mobile IS NOT DISTINCT FROM OLD.mobile THEN
      RETURN NULL;
    END IF;
    DELETE FROM contact_phone_tails WHERE contact_id = NEW.id;
  END IF;
  INSERT INTO contact_phone_tails (contact_id, tail)
  SELECT DISTINCT NEW.id, t
    FROM unnest (array_append (NEW.phones, NEW.mobile)) AS p (phone),
         unnest (crm_phone_tails (p.phone)) AS u (t)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER contacts_phone_tails
  AFTER INSERT OR UPDATE OF phones, mobile ON contacts
  FOR EACH ROW EXECUTE FUNCTION crm_contact_phone_tails_sync ();

-- ---- Contact names in the customers' quick search ----
-- customer.search finds names by their 2-character substrings
-- (search_bigrams, computed by the server from name and short name).  The
-- live contacts' names and bigrams are kept on the customer too, and merged
-- into search_bigrams: by the contacts' trigger when contacts change, and
-- by a customers' trigger when the server rewrites search_bigrams.
ALTER TABLE customers
  ADD COLUMN contact_names text NOT NULL DEFAULT '',
  ADD COLUMN contact_bigrams text[] NOT NULL DEFAULT '{}';

-- The same substrings as the server's crm_customer_bigrams().
CREATE FUNCTION crm_text_bigrams (t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce (array_agg (DISTINCT substr (l, i, 2)), '{}')
    FROM (SELECT lower (coalesce (t, '')) AS l) s,
         generate_series (1, char_length (s.l) - 1) AS i
$$;

CREATE FUNCTION crm_customer_contacts_refresh (p_customer bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  names text;
  grams text[];
BEGIN
  SELECT coalesce (string_agg (k.name, ' ' ORDER BY k.id), '')
    INTO names
    FROM contacts k WHERE k.customer_id = p_customer AND k.deleted_at IS NULL;
  SELECT coalesce (array_agg (DISTINCT g), '{}')
    INTO grams
    FROM contacts k, unnest (crm_text_bigrams (k.name)) AS g
   WHERE k.customer_id = p_customer AND k.deleted_at IS NULL;
  UPDATE customers c
     SET contact_names = names, contact_bigrams = grams,
         search_bigrams = ARRAY (SELECT DISTINCT g
                                   FROM unnest (crm_text_bigrams (c.name)
                                                || crm_text_bigrams (c.short_name)
                                                || grams) AS g)
   WHERE c.id = p_customer
     AND (c.contact_names IS DISTINCT FROM names OR c.contact_bigrams IS DISTINCT FROM grams);
END
$$;

CREATE FUNCTION crm_contacts_search_sync () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM crm_customer_contacts_refresh (OLD.customer_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.customer_id <> OLD.customer_id) THEN
    PERFORM crm_customer_contacts_refresh (NEW.customer_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER contacts_search
  AFTER INSERT OR DELETE OR UPDATE OF name, customer_id, deleted_at ON contacts
  FOR EACH ROW EXECUTE FUNCTION crm_contacts_search_sync ();

-- The server writes a customer's own bigrams; the contacts' stay merged in.
CREATE FUNCTION crm_customers_keep_contact_bigrams () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_bigrams := ARRAY (SELECT DISTINCT g
                                 FROM unnest (NEW.search_bigrams || NEW.contact_bigrams) AS g);
  RETURN NEW;
END
$$;
CREATE TRIGGER customers_keep_contact_bigrams
  BEFORE UPDATE OF search_bigrams ON customers
  FOR EACH ROW
  WHEN (cardinality (NEW.contact_bigrams) > 0
        AND NEW.contact_bigrams IS NOT DISTINCT FROM OLD.contact_bigrams)
  EXECUTE FUNCTION crm_customers_keep_contact_bigrams ();

-- ---- Permissions of the role templates ----
INSERT INTO role_permissions (role_id, permission, scope)
SELECT r.id, p.permission, p.scope
  FROM roles r
  JOIN (VALUES
    ('salesperson', 'contact.view', 0),
    ('salesperson', 'contact.add', 0),
    ('salesperson', 'contact.edit', 0),
    ('salesperson', 'contact.delete', 0),
    ('salesperson', 'followup.view', 0),
    ('salesperson', 'followup.add', 0),
    ('salesperson', 'followup.edit', 0),
    ('salesperson', 'followup.delete', 0),
    ('team_lead', 'contact.view', 1),
    ('team_lead', 'contact.add', 1),
    ('team_lead', 'contact.edit', 1),
    ('team_lead', 'contact.delete', 1),
    ('team_lead', 'followup.view', 1),
    ('team_lead', 'followup.add', 1),
    ('team_lead', 'followup.edit', 1),
    ('team_lead', 'followup.delete', 1),
    ('department_manager', 'contact.view', 2),
    ('department_manager', 'contact.add', 2),
    ('department_manager', 'contact.edit', 2),
    ('department_manager', 'contact.delete', 2),
    ('department_manager', 'followup.view', 2),
    ('department_manager', 'followup.add', 2),
    ('department_manager', 'followup.edit', 2),
    ('department_manager', 'followup.delete', 2),
    ('accountant', 'contact.view', 3),
    ('accountant', 'followup.view', 3),
    ('cashier', 'contact.view', 3),
    ('after_sales', 'contact.view', 3),
    ('after_sales', 'contact.add', 3),
    ('after_sales', 'contact.edit', 3),
    ('after_sales', 'followup.view', 3),
    ('after_sales', 'followup.add', 3),
    ('administrator', 'contact.view', 3),
    ('administrator', 'contact.add', 3),
    ('administrator', 'contact.edit', 3),
    ('administrator', 'contact.delete', 3),
    ('administrator', 'followup.view', 3),
    ('administrator', 'followup.add', 3),
    ('administrator', 'followup.edit', 3),
    ('administrator', 'followup.delete', 3)
  ) AS p (role, permission, scope) ON p.role = r.name
ON CONFLICT DO NOTHING;
