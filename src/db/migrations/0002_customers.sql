-- Provider accounts, customers, subscriptions, provider operations, sync runs, webhook events.

CREATE TABLE provider_accounts (
  id                   text PRIMARY KEY,
  name                 text NOT NULL,
  cloud                text NOT NULL CHECK (cloud IN ('global', 'usgov', 'germany', 'china')),
  api_base_url         text NOT NULL,
  token_authority      text NOT NULL,
  scope                text NOT NULL,
  payee                text NOT NULL CHECK (payee IN ('microsoft', '21vianet')),
  currency             text NOT NULL,
  partner_tenant_id    text NOT NULL,
  app_id               text NOT NULL,
  -- AES-256-GCM envelope (core/secrets.ts); never returned by the API, never logged
  secret_enc           text,
  certificate_ref      text,
  webhook_secret_enc   text,
  support_entitlements jsonb NOT NULL DEFAULT '[]',
  demo                 boolean NOT NULL DEFAULT false,
  status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  last_sync_at         timestamptz,
  last_sync_status     text,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  UNIQUE (cloud, partner_tenant_id)
);

CREATE TABLE customers (
  id                   text PRIMARY KEY,
  provider_account_id  text NOT NULL REFERENCES provider_accounts (id),
  tenant_id            text NOT NULL,
  domain               text,
  company_name         text NOT NULL DEFAULT '',
  country              text,
  relationship         text NOT NULL DEFAULT 'direct',
  reseller_partner_id  text,
  billing_email        text,
  billing_culture      text,
  billing_language     text,
  -- from the billing profile's language; locale_override (local) wins
  locale               text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'de', 'zh-CN', 'ru')),
  locale_override      text CHECK (locale_override IN ('en', 'de', 'zh-CN', 'ru')),
  billing_currency     text NOT NULL,
  payment_terms_days   integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
  segment              text NOT NULL DEFAULT 'standard',
  tax_settings         jsonb NOT NULL DEFAULT '{"mode":"standard"}',
  status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed_upstream')),
  fraud_review_at      timestamptz,
  fraud_review_note    text,
  raw                  jsonb,
  synced_at            timestamptz,
  removed_upstream_at  timestamptz,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  UNIQUE (provider_account_id, tenant_id)
);
CREATE INDEX customers_company_idx ON customers (lower(company_name));

ALTER TABLE users ADD CONSTRAINT users_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);

CREATE TABLE subscriptions (
  id                         text PRIMARY KEY,
  customer_id                text NOT NULL REFERENCES customers (id),
  provider_subscription_id   text NOT NULL,
  offer_id                   text NOT NULL,
  offer_name                 text,
  product_id                 text,
  sku_id                     text,
  friendly_name              text,
  quantity                   integer NOT NULL DEFAULT 0,
  unit_type                  text,
  billing_type               text NOT NULL,
  billing_cycle              text,
  term_duration              text,
  commerce                   text NOT NULL CHECK (commerce IN ('legacy', 'nce')),
  -- the provider's status as last seen, kept verbatim (unknown future values too)
  status                     text NOT NULL,
  auto_renew                 boolean NOT NULL DEFAULT false,
  creation_date              timestamptz,
  effective_start_date       timestamptz,
  commitment_end_date        timestamptz,
  parent_provider_subscription_id text,
  suspension_reasons         jsonb NOT NULL DEFAULT '[]',
  etag                       text,
  -- what the desk asked for last (suspend → suspended, reactivate → active); drift = differs from status
  expected_status            text,
  -- new commerce: the partner keeps paying while suspended; auto-renew before suspension, to restore
  billed_while_suspended     boolean NOT NULL DEFAULT false,
  auto_renew_before_suspend  boolean,
  raw                        jsonb,
  synced_at                  timestamptz,
  removed_upstream_at        timestamptz,
  created_at                 timestamptz NOT NULL,
  updated_at                 timestamptz NOT NULL,
  UNIQUE (customer_id, provider_subscription_id)
);
CREATE INDEX subscriptions_status_idx ON subscriptions (status);

CREATE TABLE subscription_operations (
  id               text PRIMARY KEY,
  subscription_id  text NOT NULL REFERENCES subscriptions (id),
  customer_id      text NOT NULL REFERENCES customers (id),
  action           text NOT NULL CHECK (action IN ('suspend', 'reactivate')),
  reason           text NOT NULL,
  state            text NOT NULL CHECK (state IN ('requested', 'confirmed', 'retrying', 'failed')),
  -- MS-RequestId: one per logical operation, reused on every retry
  request_id       text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  provider_before  jsonb,
  provider_after   jsonb,
  error_code       text,
  provider_code    text,
  http_status      integer,
  error_message    text,
  requested_by     text NOT NULL,
  requested_at     timestamptz NOT NULL,
  completed_at     timestamptz,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX subscription_operations_sub_idx ON subscription_operations (subscription_id, requested_at);

CREATE TABLE sync_runs (
  id                   text PRIMARY KEY,
  provider_account_id  text NOT NULL REFERENCES provider_accounts (id),
  trigger              text NOT NULL,
  state                text NOT NULL CHECK (state IN ('running', 'done', 'partial', 'failed')),
  stats                jsonb NOT NULL DEFAULT '{}',
  errors               jsonb NOT NULL DEFAULT '[]',
  started_at           timestamptz NOT NULL,
  finished_at          timestamptz
);
CREATE INDEX sync_runs_account_idx ON sync_runs (provider_account_id, started_at);
-- one running sync per account, across processes
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (provider_account_id) WHERE state = 'running';

CREATE TABLE provider_events (
  id                   text PRIMARY KEY,
  provider_account_id  text NOT NULL REFERENCES provider_accounts (id),
  event_name           text NOT NULL,
  resource_uri         text,
  resource_change_at   text,
  payload              jsonb NOT NULL,
  state                text NOT NULL CHECK (state IN ('received', 'handled', 'ignored', 'pending')),
  note                 text,
  received_at          timestamptz NOT NULL,
  dedup_key            text NOT NULL UNIQUE
);
