-- Reconciliation imports: where the lines came from, and runs with progress for the API.

-- csv: a CSV file; graph: a Microsoft Graph reconciliation export (JSON lines); api: line items
-- fetched from the provider API
ALTER TABLE recon_imports ADD COLUMN source text NOT NULL DEFAULT 'csv';
-- the provider invoice the lines were fetched for (provider_invoices.id; no foreign key on purpose:
-- an import may arrive before the invoice is synced)
ALTER TABLE recon_imports ADD COLUMN provider_invoice_id text;

-- One row per import started through the API. It lives outside the import's transaction: while
-- the import runs it shows progress, afterwards its outcome (a rejected file keeps its errors here,
-- and nothing else). Recon lines are only ever written by the import's own transaction.
CREATE TABLE recon_import_runs (
  id                   text PRIMARY KEY,
  provider_account_id  text NOT NULL REFERENCES provider_accounts (id),
  file_name            text NOT NULL,
  -- running | done | rejected | failed
  state                text NOT NULL,
  bytes                bigint NOT NULL DEFAULT 0,
  total_bytes          bigint,
  rows                 integer NOT NULL DEFAULT 0,
  -- the import it produced (null while running, when rejected, or when the file was a duplicate)
  import_id            text REFERENCES recon_imports (id),
  -- the import summary once finished (done or rejected)
  summary              jsonb,
  -- failed: { code, params }
  error                jsonb,
  requested_by         text NOT NULL,
  started_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  finished_at          timestamptz
);
CREATE INDEX recon_import_runs_started_idx ON recon_import_runs (started_at DESC);
