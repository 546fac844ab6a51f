-- The parameters of a hold the desk found (e.g. the currencies and day of a missing exchange
-- rate), so the reason can be shown in any language from its catalog key (hold_code).
ALTER TABLE invoices ADD COLUMN hold_params jsonb;
