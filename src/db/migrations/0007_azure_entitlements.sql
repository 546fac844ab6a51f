-- The Azure subscriptions (entitlements) under an Azure plan subscription, as synced from the
-- provider: Azure usage lines and fraud events name these ids, not the plan's.
ALTER TABLE subscriptions ADD COLUMN azure_entitlements jsonb NOT NULL DEFAULT '[]';
CREATE INDEX subscriptions_azure_entitlements_idx ON subscriptions USING gin (azure_entitlements jsonb_path_ops);
