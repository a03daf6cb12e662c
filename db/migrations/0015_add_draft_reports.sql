-- Customer reports attached to the draft their spike opened (issue 15): the draft page lists them,
-- and when the draft is published each one is linked to the incident and its reporter, if they
-- left an address, is thanked. A report joins one draft at most: the first that was open.
ALTER TABLE feedback ADD COLUMN draft_id TEXT REFERENCES drafts (id);
CREATE INDEX feedback_by_draft ON feedback (draft_id) WHERE draft_id IS NOT NULL;
