-- Per-recipient limits (at most so many thank-yous to one address an hour and a day) count the
-- recent deliveries to an address; this keeps that count an index range, not a table scan.
CREATE INDEX deliveries_recipient ON deliveries(recipient, created_at);
