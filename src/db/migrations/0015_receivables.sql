-- Receivables: a double-entry journal, customer payments and their allocations, refunds,
-- disputes, and bank statements with their entries and match decisions.

-- The journal. Entries are appended under one lock (modules/payments/ledger.ts), each chained to
-- the one before by a SHA-256 over its content, so `partnerdesk ledger check` can prove that
-- nothing was changed or removed. Balances are sums over lines, never stored.
CREATE TABLE ledger_entries (
  seq             bigint PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  posted_at       timestamptz NOT NULL,
  -- the business date of the posting (an invoice's issue date, a payment's value date)
  effective_date  date NOT NULL,
  kind            text NOT NULL,
  -- the document it posts: invoice (and credit note), payment, allocation, refund, provider_invoice, provider_payment
  doc_type        text NOT NULL,
  doc_id          text NOT NULL,
  customer_id     text,
  memo            text,
  prev_hash       text NOT NULL,
  hash            text NOT NULL UNIQUE
);
CREATE INDEX ledger_entries_doc_idx ON ledger_entries (doc_type, doc_id);
CREATE INDEX ledger_entries_customer_idx ON ledger_entries (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE ledger_lines (
  entry_seq  bigint NOT NULL REFERENCES ledger_entries (seq),
  line_no    integer NOT NULL,
  account    text NOT NULL CHECK (account IN ('receivables', 'revenue', 'tax_payable', 'bank', 'unapplied_cash', 'provider_payables', 'cost_of_sales')),
  -- the customer (receivables, unapplied cash) or provider account (provider payables) a line is for
  party      text,
  currency   text NOT NULL,
  debit      bigint NOT NULL CHECK (debit >= 0),
  credit     bigint NOT NULL CHECK (credit >= 0),
  CHECK ((debit = 0) <> (credit = 0)),
  PRIMARY KEY (entry_seq, line_no)
);
CREATE INDEX ledger_lines_account_idx ON ledger_lines (account, party, currency);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only' USING ERRCODE = 'P0001';
END
$$;
CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_lines_no_change BEFORE UPDATE OR DELETE ON ledger_lines FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_lines_no_truncate BEFORE TRUNCATE ON ledger_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- Every entry balances per currency when its transaction commits (the code checks first; this is
-- the floor under it).
CREATE FUNCTION ledger_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_lines WHERE entry_seq = NEW.entry_seq GROUP BY currency HAVING sum(debit) <> sum(credit)) THEN
    RAISE EXCEPTION 'ledger entry % does not balance', NEW.entry_seq USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ledger_lines_balance AFTER INSERT ON ledger_lines DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances();

-- How customers pay. A payment is money received (amount > 0); what it pays is its allocations.
-- The rest is unapplied credit the customer can use later or get back as a refund.
CREATE TABLE payments (
  id               text PRIMARY KEY,
  customer_id      text NOT NULL REFERENCES customers (id),
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         text NOT NULL,
  received_on      date NOT NULL,
  method           text NOT NULL CHECK (method IN ('bank_transfer', 'direct_debit', 'card', 'cash', 'check', 'other')),
  reference        text,
  payer_name       text,
  payer_iban       text,
  note             text,
  source           text NOT NULL CHECK (source IN ('manual', 'bank')),
  bank_entry_id    text,
  status           text NOT NULL DEFAULT 'posted' CHECK (status IN ('posted', 'reversed')),
  reversed_on      date,
  reversed_at      timestamptz,
  reversal_reason  text,
  -- a reversal (returned direct debit, bounced transfer) is flagged for a person to look at
  flagged          boolean NOT NULL DEFAULT false,
  recorded_by      text NOT NULL,
  recorded_at      timestamptz NOT NULL
);
CREATE INDEX payments_customer_idx ON payments (customer_id, received_on);
CREATE UNIQUE INDEX payments_bank_entry_idx ON payments (bank_entry_id) WHERE bank_entry_id IS NOT NULL;

-- What pays an invoice: a payment, or a credit note (its own invoice first, then others).
-- Released allocations (a reversed payment, an undone allocation) stay, with the date.
CREATE TABLE allocations (
  id              text PRIMARY KEY,
  customer_id     text NOT NULL REFERENCES customers (id),
  currency        text NOT NULL,
  payment_id      text REFERENCES payments (id),
  credit_note_id  text REFERENCES invoices (id),
  invoice_id      text NOT NULL REFERENCES invoices (id),
  amount          bigint NOT NULL CHECK (amount > 0),
  applied_on      date NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  released_on     date,
  released_at     timestamptz,
  release_reason  text CHECK (release_reason IN ('reversal', 'undone')),
  CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL))
);
CREATE INDEX allocations_invoice_idx ON allocations (invoice_id);
CREATE INDEX allocations_payment_idx ON allocations (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX allocations_credit_idx ON allocations (credit_note_id) WHERE credit_note_id IS NOT NULL;

CREATE TABLE refunds (
  id           text PRIMARY KEY,
  payment_id   text NOT NULL REFERENCES payments (id),
  customer_id  text NOT NULL REFERENCES customers (id),
  amount       bigint NOT NULL CHECK (amount > 0),
  currency     text NOT NULL,
  refunded_on  date NOT NULL,
  method       text NOT NULL,
  reference    text,
  reason       text NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX refunds_payment_idx ON refunds (payment_id);

-- A customer disputes (part of) an invoice. The support desk will open these from tickets; the
-- collections engine leaves the disputed amount alone while it is open.
CREATE TABLE disputes (
  id           text PRIMARY KEY,
  invoice_id   text NOT NULL REFERENCES invoices (id),
  customer_id  text NOT NULL REFERENCES customers (id),
  currency     text NOT NULL,
  amount       bigint NOT NULL CHECK (amount > 0),
  reason       text NOT NULL,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost', 'withdrawn')),
  opened_on    date NOT NULL,
  closed_on    date,
  resolution   text,
  ticket_id    text,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX disputes_customer_idx ON disputes (customer_id) WHERE status = 'open';

-- A reference the customer quotes when paying (printed on invoices), matched in remittance text.
ALTER TABLE customers ADD COLUMN payment_reference text UNIQUE;

-- Bank statements as imported. The same file twice (content hash) or the same statement of the
-- same account adds nothing; an entry seen in a camt.053 and a camt.054 is one entry (entry_key).
CREATE TABLE bank_statements (
  id                text PRIMARY KEY,
  format            text NOT NULL,
  version           text,
  statement_ref     text NOT NULL,
  account_key       text NOT NULL,
  account_iban      text,
  account_currency  text,
  from_date         date,
  to_date           date,
  opening_balance   bigint,
  closing_balance   bigint,
  content_hash      text NOT NULL,
  file_name         text,
  entries           integer NOT NULL,
  imported_by       text NOT NULL,
  imported_at       timestamptz NOT NULL,
  UNIQUE (format, account_key, statement_ref)
);
CREATE INDEX bank_statements_hash_idx ON bank_statements (content_hash);

CREATE TABLE bank_entries (
  id                text PRIMARY KEY,
  statement_id      text NOT NULL REFERENCES bank_statements (id),
  entry_key         text NOT NULL UNIQUE,
  position          integer NOT NULL,
  booking_date      date,
  value_date        date,
  amount            bigint NOT NULL CHECK (amount > 0),
  currency          text NOT NULL,
  direction         text NOT NULL CHECK (direction IN ('credit', 'debit')),
  reversal          boolean NOT NULL DEFAULT false,
  bank_reference    text,
  end_to_end_id     text,
  remittance        text NOT NULL DEFAULT '',
  payer_name        text,
  payer_iban        text,
  transaction_code  text,
  return_reason     text,
  -- matched: posted automatically; suggested: waits for a person; confirmed: a person decided;
  -- unmatched: nobody yet; ignored: not customer money (outgoing, pending); error: cannot be booked
  match_status      text NOT NULL CHECK (match_status IN ('matched', 'suggested', 'confirmed', 'unmatched', 'ignored', 'error')),
  match_reason      text,
  customer_id       text REFERENCES customers (id),
  -- candidates for a person: [{ customerId, invoiceIds, reason }]
  suggestions       jsonb NOT NULL DEFAULT '[]',
  payment_id        text REFERENCES payments (id),
  reversed_payment_id text REFERENCES payments (id),
  error_code        text,
  error_params      jsonb,
  decided_by        text,
  decided_at        timestamptz,
  created_at        timestamptz NOT NULL
);
CREATE INDEX bank_entries_status_idx ON bank_entries (match_status, created_at);
CREATE INDEX bank_entries_statement_idx ON bank_entries (statement_id, position);

-- A bank's CSV export layout, saved once and chosen on import.
CREATE TABLE bank_csv_mappings (
  name        text PRIMARY KEY,
  mapping     jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- Payer accounts learned from confirmed matches: the next payment from this IBAN is the customer's.
CREATE TABLE payer_accounts (
  iban         text PRIMARY KEY,
  customer_id  text NOT NULL REFERENCES customers (id),
  learned_at   timestamptz NOT NULL
);

-- Postings emitted for other modules (collections): one row per subscriber and event, so a
-- subscriber acts once per posting however often the outbox delivers it.
CREATE TABLE event_receipts (
  subscriber   text NOT NULL,
  event_id     text NOT NULL,
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (subscriber, event_id)
);
