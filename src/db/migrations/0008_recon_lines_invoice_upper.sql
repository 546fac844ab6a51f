-- Invoice numbers compare upper-case (a number typed by hand in lower case is the same invoice):
-- the lines of an invoice are found through upper(invoice_number).
DROP INDEX recon_lines_invoice_idx;
CREATE INDEX recon_lines_invoice_upper_idx ON recon_lines (provider_account_id, upper(invoice_number));
