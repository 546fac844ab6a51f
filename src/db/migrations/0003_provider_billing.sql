-- Provider billing: reconciliation imports and their lines.

CREATE TABLE recon_imports (
  id                   text PRIMARY KEY,
  provider_account_id  text NOT NULL REFERENCES provider_accounts (id),
  file_name            text NOT NULL,
  content_hash         text NOT NULL,
  format               text NOT NULL,
  rows                 integer NOT NULL,
  imported             integer NOT NULL,
  replaced             integer NOT NULL,
  duplicates           integer NOT NULL,
  totals               jsonb NOT NULL,
  unmatched            jsonb NOT NULL,
  requested_by         text NOT NULL,
  imported_at          timestamptz NOT NULL,
  -- the same file twice adds nothing: the second attempt finds this row
  UNIQUE (provider_account_id, content_hash)
);

CREATE TABLE recon_lines (
  id                        bigserial PRIMARY KEY,
  provider_account_id       text NOT NULL REFERENCES provider_accounts (id),
  import_id                 text NOT NULL REFERENCES recon_imports (id),
  line_key                  text NOT NULL,
  format                    text NOT NULL,
  invoice_number            text,
  customer_tenant_id        text,
  customer_name             text,
  subscription_provider_id  text,
  order_id                  text,
  product_id                text,
  sku_id                    text,
  sku_name                  text,
  charge_type               text NOT NULL,
  charge_type_raw           text NOT NULL,
  charge_start              date,
  charge_end                date,
  quantity                  numeric NOT NULL,
  billable_quantity         numeric NOT NULL,
  unit_price                numeric,
  effective_unit_price      numeric,
  exchange_rate             numeric,
  currency                  text NOT NULL,
  subtotal                  bigint,
  tax                       bigint,
  total                     bigint,
  UNIQUE (provider_account_id, line_key)
);
CREATE INDEX recon_lines_invoice_idx ON recon_lines (provider_account_id, invoice_number);
CREATE INDEX recon_lines_customer_idx ON recon_lines (provider_account_id, customer_tenant_id);
