-- Customer invoicing: charges (rated provider lines, recurring fees, manual), invoice runs, invoices
-- and credit notes with gapless numbers, and delivery.

-- The billing address printed on invoices (from the provider's billing profile, editable locally)
-- and the person invoices are addressed to.
ALTER TABLE customers ADD COLUMN billing_address jsonb;
ALTER TABLE customers ADD COLUMN billing_contact_name text;

-- Fees the partner charges on its own: a support plan, a managed service. Billed per interval from
-- start_date, prorated by day on start and stop. billed_through: the last day already charged.
CREATE TABLE recurring_fees (
  id              text PRIMARY KEY,
  customer_id     text NOT NULL REFERENCES customers (id),
  name            text NOT NULL,
  product_code    text,
  category        text NOT NULL DEFAULT 'service',
  quantity        numeric(20, 6) NOT NULL CHECK (quantity > 0),
  unit_price      numeric(20, 6) NOT NULL CHECK (unit_price >= 0),
  currency        text NOT NULL,
  interval        text NOT NULL CHECK (interval IN ('month', 'year')),
  start_date      date NOT NULL,
  -- the last day of service (inclusive); null: until stopped
  end_date        date CHECK (end_date IS NULL OR end_date >= start_date),
  billed_through  date,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX recurring_fees_customer_idx ON recurring_fees (customer_id);

-- What a customer owes before it is invoiced. amount is in minor units of currency (the
-- customer's), already priced; cost is the provider's cost converted to the same currency.
-- source_ref makes rating idempotent: a provider line or a fee period is charged once.
CREATE TABLE charges (
  id                  text PRIMARY KEY,
  seq                 bigserial NOT NULL UNIQUE,
  customer_id         text NOT NULL REFERENCES customers (id),
  source              text NOT NULL CHECK (source IN ('recon', 'recurring', 'manual')),
  source_ref          text,
  billing_period      text NOT NULL CHECK (billing_period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  subscription_id     text,
  group_key           text NOT NULL,
  group_title         text NOT NULL,
  description         text NOT NULL,
  category            text,
  product_id          text,
  sku_id              text,
  period_start        date NOT NULL,
  period_end          date NOT NULL CHECK (period_end >= period_start),
  quantity            numeric(20, 6) NOT NULL,
  unit_price          numeric(20, 6) NOT NULL,
  amount              bigint NOT NULL,
  currency            text NOT NULL,
  cost                bigint,
  -- { days, of }: a prorated charge
  proration           jsonb,
  price_rule_id       text,
  price_method        text,
  fx_rate             numeric(20, 10),
  invoice_id          text,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL,
  UNIQUE (source, source_ref)
);
CREATE INDEX charges_open_idx ON charges (customer_id, billing_period) WHERE invoice_id IS NULL;
CREATE INDEX charges_invoice_idx ON charges (invoice_id) WHERE invoice_id IS NOT NULL;

-- One run per billing period at a time (drafting → draft → issuing → issued; or cancelled).
-- cutoff_seq: the charges the run's drafts cover (charges.seq ≤ cutoff_seq); later ones wait for
-- the next run.
CREATE TABLE invoice_runs (
  id            text PRIMARY KEY,
  period        text NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  state         text NOT NULL CHECK (state IN ('drafting', 'draft', 'issuing', 'issued', 'cancelled')),
  cutoff_seq    bigint NOT NULL,
  customers     integer NOT NULL DEFAULT 0,
  invoices      integer NOT NULL DEFAULT 0,
  held          integer NOT NULL DEFAULT 0,
  issued        integer NOT NULL DEFAULT 0,
  totals        jsonb NOT NULL DEFAULT '[]',
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  finished_at   timestamptz
);
CREATE UNIQUE INDEX invoice_runs_active_idx ON invoice_runs (period) WHERE state IN ('drafting', 'draft', 'issuing');

-- Gapless numbers: one counter row per series (e.g. INV-2026), taken under its row lock in the
-- issuing transaction, so a rolled-back issue leaves no hole.
CREATE TABLE invoice_series (
  series    text PRIMARY KEY,
  next_seq  integer NOT NULL
);

CREATE TABLE invoices (
  id                 text PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  run_id             text REFERENCES invoice_runs (id),
  customer_id        text NOT NULL REFERENCES customers (id),
  currency           text NOT NULL,
  period             text,
  period_start       date,
  period_end         date,
  status             text NOT NULL CHECK (status IN ('draft', 'issued', 'void')),
  hold_reason        text,
  -- a hold the desk found (no billing contact…), as opposed to one a person set
  hold_code          text,
  note               text,
  series             text,
  seq                integer,
  number             text UNIQUE,
  issue_date         date,
  due_date           date,
  net                bigint NOT NULL DEFAULT 0,
  tax                bigint NOT NULL DEFAULT 0,
  gross              bigint NOT NULL DEFAULT 0,
  tax_mode           text NOT NULL DEFAULT 'standard',
  tax_rate           numeric(7, 4) NOT NULL DEFAULT 0,
  locale             text NOT NULL,
  -- what was printed, fixed at issue: the customer's and the partner's names and addresses
  customer_snapshot  jsonb,
  issuer_snapshot    jsonb,
  credits_invoice_id text REFERENCES invoices (id),
  reason             text,
  delivery_status    text NOT NULL DEFAULT 'none' CHECK (delivery_status IN ('none', 'queued', 'sent', 'retrying', 'bounced', 'failed')),
  delivery           jsonb NOT NULL DEFAULT '[]',
  issued_at          timestamptz,
  voided_at          timestamptz,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  UNIQUE (series, seq),
  CHECK (status = 'draft' OR (number IS NOT NULL AND issue_date IS NOT NULL)),
  CHECK (gross = net + tax),
  CHECK ((kind = 'credit_note') = (credits_invoice_id IS NOT NULL))
);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, created_at DESC);
CREATE INDEX invoices_run_idx ON invoices (run_id) WHERE run_id IS NOT NULL;
CREATE UNIQUE INDEX invoices_run_customer_idx ON invoices (run_id, customer_id, currency) WHERE kind = 'invoice' AND run_id IS NOT NULL;

-- Lines: an invoice's lines are charges summed per group (subscription or product), description,
-- unit price and service period; a credit note's lines credit lines of the invoice.
CREATE TABLE invoice_lines (
  id               text PRIMARY KEY,
  invoice_id       text NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
  position         integer NOT NULL,
  group_key        text NOT NULL,
  group_title      text NOT NULL,
  description      text NOT NULL,
  period_start     date NOT NULL,
  period_end       date NOT NULL,
  quantity         numeric(20, 6) NOT NULL,
  unit_price       numeric(20, 6) NOT NULL,
  amount           bigint NOT NULL,
  proration        jsonb,
  charges          integer NOT NULL DEFAULT 0,
  -- a person changed the line in review: the amount the charges gave, and why
  adjusted_from    bigint,
  adjust_note      text,
  credits_line_id  text REFERENCES invoice_lines (id),
  UNIQUE (invoice_id, position)
);
CREATE INDEX invoice_lines_credits_idx ON invoice_lines (credits_line_id) WHERE credits_line_id IS NOT NULL;

ALTER TABLE charges ADD CONSTRAINT charges_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id);
