-- Service recovery: apology, compensation, post-mortems, follow-up answers, customer feedback,
-- short-notice maintenance, and a ledger of clock-driven notices so each is sent once.

ALTER TABLE incidents ADD COLUMN apology TEXT;
-- JSON {decision: accepted|override|custom, credits: {component id: percent}, text, decided_at}
ALTER TABLE incidents ADD COLUMN compensation TEXT;
ALTER TABLE incidents ADD COLUMN short_notice INTEGER NOT NULL DEFAULT 0;

CREATE TABLE postmortems (
  incident_id TEXT PRIMARY KEY REFERENCES incidents(id),
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  published_at TEXT
);

CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  incident_id TEXT REFERENCES incidents(id),
  component_id TEXT REFERENCES components(id),
  subscriber_id TEXT,
  email TEXT,
  message TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('form', 'follow_up')),
  status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
  created_at TEXT NOT NULL,
  first_answered_at TEXT,
  closed_at TEXT
);
CREATE INDEX feedback_by_status ON feedback(status, created_at);

CREATE TABLE feedback_replies (
  id TEXT PRIMARY KEY,
  feedback_id TEXT NOT NULL REFERENCES feedback(id),
  body TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE follow_up_answers (
  incident_id TEXT NOT NULL REFERENCES incidents(id),
  subscriber_id TEXT NOT NULL,
  answer TEXT NOT NULL CHECK (answer IN ('all_good', 'still_affected')),
  comment TEXT,
  answered_at TEXT NOT NULL,
  PRIMARY KEY (incident_id, subscriber_id)
);

-- Reminders, follow-ups and nudges are due at a time; the row makes each one happen once.
CREATE TABLE notices_sent (
  target_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  due_at TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (target_id, kind, due_at)
);

-- History pages, the last 14 days and the feeds select by start time across both kinds.
CREATE INDEX incidents_by_started ON incidents(started_at);
