-- Price rules (provider cost → customer price) and date-effective exchange rates.
-- The pricing itself is a pure function (src/modules/pricing/price.ts); these tables hold its inputs.

CREATE TABLE price_rules (
  id           text PRIMARY KEY,
  -- scope, who: a customer, or a segment (customers.segment), or neither (everyone)
  customer_id  text REFERENCES customers (id),
  segment      text,
  -- scope, what: a product (optionally one SKU of it), or a category, or neither (everything)
  product_id   text,
  sku_id       text,
  category     text CHECK (category IN ('m365', 'dynamics', 'power_platform', 'azure', 'software', 'other')),
  method       text NOT NULL CHECK (method IN ('markup', 'margin', 'fixed', 'list')),
  -- percent for markup / margin / list; a unit price in `currency` for fixed
  value        numeric(20, 6) NOT NULL,
  currency     text CHECK (currency ~ '^[A-Z]{3}$'),
  -- partner-earned credit: keep = price from the cost before PEC; pass_on = from the effective cost
  pec          text NOT NULL DEFAULT 'keep' CHECK (pec IN ('keep', 'pass_on')),
  rounding     text NOT NULL DEFAULT 'half_even' CHECK (rounding IN ('half_even', 'half_up', 'down', 'up', 'floor', 'ceiling')),
  valid_from   date,
  valid_to     date,
  active       boolean NOT NULL DEFAULT true,
  note         text,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT price_rules_one_who CHECK (customer_id IS NULL OR segment IS NULL),
  CONSTRAINT price_rules_one_what CHECK (product_id IS NULL OR category IS NULL),
  CONSTRAINT price_rules_sku_needs_product CHECK (sku_id IS NULL OR product_id IS NOT NULL),
  CONSTRAINT price_rules_dates CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_to >= valid_from),
  CONSTRAINT price_rules_value CHECK (
    (method IN ('markup', 'list') AND value >= -100 AND currency IS NULL)
    OR (method = 'margin' AND value >= 0 AND value < 100 AND currency IS NULL)
    OR (method = 'fixed' AND value >= 0 AND currency IS NOT NULL)
  ),
  CONSTRAINT price_rules_segment_text CHECK (segment IS NULL OR segment <> ''),
  CONSTRAINT price_rules_product_text CHECK ((product_id IS NULL OR product_id <> '') AND (sku_id IS NULL OR sku_id <> ''))
);
CREATE INDEX price_rules_customer_idx ON price_rules (customer_id) WHERE customer_id IS NOT NULL;

-- units of to_currency per unit of from_currency; the rate for a day is the latest with
-- effective_date on or before it
CREATE TABLE exchange_rates (
  id              text PRIMARY KEY,
  from_currency   text NOT NULL CHECK (from_currency ~ '^[A-Z]{3}$'),
  to_currency     text NOT NULL CHECK (to_currency ~ '^[A-Z]{3}$'),
  rate            numeric(20, 10) NOT NULL CHECK (rate > 0),
  effective_date  date NOT NULL,
  source          text NOT NULL DEFAULT 'manual',
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  CHECK (from_currency <> to_currency),
  UNIQUE (from_currency, to_currency, effective_date)
);
