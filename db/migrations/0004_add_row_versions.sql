-- Optimistic concurrency (docs/decisions/001): every row a service reads, computes on and writes
-- back carries a version. Such an update applies only at the version it read and bumps it; a
-- guard statement in the same batch aborts the whole batch when it matched nothing.

ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE components ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE component_groups ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- Never holds a row: a guard inserts into it only when its condition does not hold, and the
-- CHECK then fails the statement, which rolls back the batch it is in. The constraint's name is
-- how the services recognise the failure, locally and over the remote protocol alike.
CREATE TABLE write_guards (
  reason TEXT NOT NULL,
  CONSTRAINT stale_write CHECK (reason IS NULL)
);
