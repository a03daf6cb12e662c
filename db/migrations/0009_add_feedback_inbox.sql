-- The feedback inbox (issue 11): who is answering a report, who wants the digest of new ones,
-- and the digest's ledger.

-- The person a report is assigned to (NULL: nobody yet).
ALTER TABLE feedback ADD COLUMN assigned_to TEXT REFERENCES users (id);
CREATE INDEX feedback_by_assignee ON feedback (assigned_to, created_at);
-- The console's menu counts the reports still waiting for a first answer on every page.
CREATE INDEX feedback_waiting ON feedback (created_at) WHERE status = 'open' AND first_answered_at IS NULL;

-- 1: this person gets the email digest of new reports (at most one every 15 minutes).
ALTER TABLE users ADD COLUMN inbox_digest INTEGER NOT NULL DEFAULT 0;

-- One row per digest, written in the same batch as its outbox event. The key is the outbox event
-- the previous digest ended at: two schedulers that read the same last digest compute the same
-- key, and only one of them can insert it, so each digest goes out once.
CREATE TABLE feedback_digests (
  after_event INTEGER PRIMARY KEY,
  through_event INTEGER NOT NULL,
  reports INTEGER NOT NULL,
  sent_at TEXT NOT NULL
);
-- The digest reads the `feedback.received` events after its last one, and a reply's email the
-- answers sent before it: by type, in id order (the rowid every index entry ends with).
CREATE INDEX outbox_by_type ON outbox (type);
