-- invoice_lines referenced invoices and credited lines through per-row foreign keys: one lookup
-- per inserted line. An invoice run of 10,000 customers writes ~370,000 lines in one statement,
-- and those checks were most of its time beyond grouping the charges (measured by bench:invoice:
-- the same 368k lines took 17.4 s into invoice_lines, 4.6 s into a copy without the foreign keys).
-- One check per statement over the new rows does the same job, as for recon_lines (0006).
ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_invoice_id_fkey;
ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_credits_line_id_fkey;

CREATE FUNCTION invoice_lines_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM invoice_lines_new n WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = n.invoice_id))
     OR EXISTS (SELECT 1 FROM invoice_lines_new n
                WHERE n.credits_line_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.id = n.credits_line_id)) THEN
    RAISE EXCEPTION 'invoice_lines: invoice_id and credits_line_id must name existing rows'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER invoice_lines_refs_insert AFTER INSERT ON invoice_lines
  REFERENCING NEW TABLE AS invoice_lines_new FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_check_refs();
CREATE TRIGGER invoice_lines_refs_update AFTER UPDATE ON invoice_lines
  REFERENCING NEW TABLE AS invoice_lines_new FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_check_refs();

-- The other side, as ON DELETE CASCADE did: deleting invoices (drafts: a cancelled run, a
-- discarded draft) deletes their lines. An issued invoice or credit note is never deleted.
CREATE FUNCTION invoices_delete_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM invoices_old o WHERE o.status <> 'draft') THEN
    RAISE EXCEPTION 'invoices: an issued invoice or credit note is never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  DELETE FROM invoice_lines l USING invoices_old o WHERE l.invoice_id = o.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER invoices_delete_lines AFTER DELETE ON invoices
  REFERENCING OLD TABLE AS invoices_old FOR EACH STATEMENT EXECUTE FUNCTION invoices_delete_lines();
