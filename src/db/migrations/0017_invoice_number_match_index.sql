-- Bank matching looks invoice numbers up as written in remittance text, without punctuation
-- ("INV2026000042" for INV-2026-000042): an index on that form keeps the lookup from reading
-- every issued invoice for each imported entry.
CREATE INDEX invoices_number_key_idx ON invoices (upper(regexp_replace(number, '[^A-Za-z0-9]', '', 'g')))
  WHERE kind = 'invoice' AND status = 'issued' AND number IS NOT NULL;
