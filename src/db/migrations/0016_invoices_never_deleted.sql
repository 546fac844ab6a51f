-- Payments and credit notes now reference invoices (allocations, disputes): deleting an issued
-- document would first meet those foreign keys and fail with a less telling error. Refuse it
-- before anything else, with the same message as the statement trigger of 0014.
CREATE FUNCTION invoices_refuse_delete_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'draft' THEN
    RAISE EXCEPTION 'invoices: an issued invoice or credit note is never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN OLD;
END
$$;
CREATE TRIGGER invoices_refuse_delete_issued BEFORE DELETE ON invoices
  FOR EACH ROW WHEN (OLD.status <> 'draft') EXECUTE FUNCTION invoices_refuse_delete_issued();
