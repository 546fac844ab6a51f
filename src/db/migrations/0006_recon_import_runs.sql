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

-- recon_lines referenced its import and account through per-row foreign keys: two lookups for
-- every inserted line, about 7 of the 22 s a 1,000,000-line merge took. One check per statement
-- over the statement's new rows does the same job. (recon_imports keeps its own foreign key to
-- provider_accounts, so a line whose import exists has an existing account.)
ALTER TABLE recon_lines DROP CONSTRAINT recon_lines_provider_account_id_fkey;
ALTER TABLE recon_lines DROP CONSTRAINT recon_lines_import_id_fkey;

CREATE FUNCTION recon_lines_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM (SELECT DISTINCT provider_account_id, import_id FROM recon_lines_new) n
    WHERE NOT EXISTS (SELECT 1 FROM recon_imports i WHERE i.id = n.import_id AND i.provider_account_id = n.provider_account_id)
  ) THEN
    RAISE EXCEPTION 'recon_lines: import_id and provider_account_id must name a recon_imports row'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER recon_lines_refs_insert AFTER INSERT ON recon_lines
  REFERENCING NEW TABLE AS recon_lines_new FOR EACH STATEMENT EXECUTE FUNCTION recon_lines_check_refs();
CREATE TRIGGER recon_lines_refs_update AFTER UPDATE ON recon_lines
  REFERENCING NEW TABLE AS recon_lines_new FOR EACH STATEMENT EXECUTE FUNCTION recon_lines_check_refs();

-- and the other side: an import that has lines keeps its id and account (imports are never deleted
-- by the desk; this scans recon_lines, which has no index on import_id)
CREATE FUNCTION recon_imports_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' OR NEW.id IS DISTINCT FROM OLD.id OR NEW.provider_account_id IS DISTINCT FROM OLD.provider_account_id)
     AND EXISTS (SELECT 1 FROM recon_lines l WHERE l.import_id = OLD.id) THEN
    RAISE EXCEPTION 'recon_imports % still has recon_lines', OLD.id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER recon_imports_keep_referenced BEFORE DELETE OR UPDATE OF id, provider_account_id ON recon_imports
  FOR EACH ROW EXECUTE FUNCTION recon_imports_keep_referenced();
