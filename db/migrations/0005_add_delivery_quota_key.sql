-- Per-recipient mail quotas (thank-yous, confirmation requests) count deliveries by the address
-- with any +tag removed from its local part, so victim+1@, victim+2@… share one quota. The key is
-- written with each delivery (db/deliveries.ts quotaKeySql) and indexed, so a count is an index
-- range, not a table scan.
ALTER TABLE deliveries ADD COLUMN quota_key TEXT;
CREATE INDEX deliveries_quota_key ON deliveries(quota_key, created_at);
