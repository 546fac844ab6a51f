-- Provider invoices and what the partner owes on them (provider payables).

-- Provider payment terms per account: the due date is the invoice date plus these days; finance
-- users are reminded this many days before it.
ALTER TABLE provider_accounts
  ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 60 CHECK (payment_terms_days BETWEEN 0 AND 365),
  ADD COLUMN payable_reminder_days integer NOT NULL DEFAULT 7 CHECK (payable_reminder_days BETWEEN 0 AND 90);

CREATE TABLE provider_invoices (
  id                   text PRIMARY KEY,
  provider_account_id  text NOT NULL REFERENCES provider_accounts (id),
  -- the provider's invoice number (G012345678, or a 21Vianet number); recon lines carry it too
  invoice_number       text NOT NULL,
  -- microsoft | 21vianet, from the account's cloud at the time the invoice arrived
  payee                text NOT NULL CHECK (payee IN ('microsoft', '21vianet')),
  source               text NOT NULL CHECK (source IN ('api', 'manual')),
  invoice_type         text,
  document_type        text,
  invoice_date         date NOT NULL,
  period_start         date,
  period_end           date,
  currency             text NOT NULL,
  -- minor units of `currency`; negative for a credit note
  total                bigint NOT NULL,
  -- what the provider reports as paid (informational; the desk's own record is provider_payments)
  provider_paid        bigint NOT NULL DEFAULT 0,
  due_date             date NOT NULL,
  -- a finance user's plan to pay on this date (status "scheduled" until paid)
  scheduled_for        date,
  -- the provider's line-item groups (provider/type) and how many items each had when fetched
  line_item_counts     jsonb NOT NULL DEFAULT '{}',
  lines_imported_at    timestamptz,
  raw                  jsonb,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  UNIQUE (provider_account_id, invoice_number)
);
CREATE INDEX provider_invoices_due_idx ON provider_invoices (due_date);

CREATE TABLE provider_payments (
  id                   text PRIMARY KEY,
  provider_invoice_id  text NOT NULL REFERENCES provider_invoices (id),
  amount               bigint NOT NULL CHECK (amount > 0),
  currency             text NOT NULL,
  paid_on              date NOT NULL,
  method               text NOT NULL CHECK (method IN ('bank_transfer', 'direct_debit', 'card', 'other')),
  reference            text,
  note                 text,
  recorded_by          text NOT NULL,
  recorded_at          timestamptz NOT NULL
);
CREATE INDEX provider_payments_invoice_idx ON provider_payments (provider_invoice_id);

-- one reminder and one overdue alert per invoice (and due date), however often the job runs
CREATE TABLE provider_payable_notices (
  provider_invoice_id  text NOT NULL REFERENCES provider_invoices (id),
  kind                 text NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
  due_date             date NOT NULL,
  sent_at              timestamptz NOT NULL,
  recipients           integer NOT NULL,
  PRIMARY KEY (provider_invoice_id, kind, due_date)
);
