-- Subscribers, what they subscribe to, and the mail deliveries made from outbox events.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE subscribers (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  -- Lower-cased and trimmed: one subscription per mailbox, however it is typed.
  email_normalized TEXT NOT NULL UNIQUE,
  locale TEXT NOT NULL DEFAULT 'en',
  -- 1: every component, including ones added later; 0: only subscriber_components.
  all_components INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'quarantined')),
  created_at TEXT NOT NULL,
  confirmed_at TEXT,
  unsubscribed_at TEXT,
  quarantined_at TEXT,
  confirmation_sent_at TEXT,
  permanent_failures INTEGER NOT NULL DEFAULT 0,
  -- Bumped to invalidate every signed link issued before (after unsubscribe, say).
  token_version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX subscribers_by_status ON subscribers(status);

CREATE TABLE subscriber_components (
  subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
  component_id TEXT NOT NULL REFERENCES components(id),
  PRIMARY KEY (subscriber_id, component_id)
);
CREATE INDEX subscriber_components_by_component ON subscriber_components(component_id);

-- One row per (event, recipient): the UNIQUE key is what makes a fan-out safe to repeat. A
-- recipient is a subscriber, or a plain address that is no subscriber (a feedback reporter,
-- on-call: `address` is an email address or, for channel 'webhook', a URL). `recipient` is the
-- one key for both, so every delivery shares the same lease, retry and dedup machinery.
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL,
  subscriber_id TEXT REFERENCES subscribers(id),
  channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'webhook')),
  address TEXT,
  recipient TEXT GENERATED ALWAYS AS (COALESCE(subscriber_id, channel || ':' || lower(address))) VIRTUAL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_owner TEXT,
  lease_until TEXT,
  last_error TEXT,
  sent_at TEXT,
  created_at TEXT NOT NULL,
  CHECK ((subscriber_id IS NULL) <> (address IS NULL)),
  CHECK (subscriber_id IS NULL OR channel = 'email'),
  UNIQUE (event_id, recipient)
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);

-- How far a consumer (the mailer's fan-out) has read the outbox, and who holds it now.
CREATE TABLE consumer_positions (
  consumer TEXT PRIMARY KEY,
  event_id INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until TEXT
);
