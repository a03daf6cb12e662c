-- Subscribers of every channel. A subscriber was a mailbox; now it is a channel and an address on
-- it: a mailbox (email), an https URL (webhook, slack, teams, discord) or an E.164 phone number
-- (sms). SQLite cannot relax NOT NULL or CHECK in place, so subscribers and deliveries are rebuilt
-- (migrate() runs this with foreign keys off and checks them before it commits).

CREATE TABLE subscribers_new (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL DEFAULT 'email'
    CHECK (channel IN ('email', 'webhook', 'slack', 'teams', 'discord', 'sms')),
  -- The mailbox of an email subscriber; for any other channel the contact address that confirms
  -- the subscription and hears when the endpoint is quarantined (optional when staff add one).
  email TEXT,
  -- Lower-cased and trimmed, email subscribers only: one subscription per mailbox.
  email_normalized TEXT UNIQUE,
  -- The URL or phone number a non-email subscriber is reached at, and its one key
  -- (`<channel>:<normalised address>`): one subscription per endpoint and channel.
  target TEXT,
  target_key TEXT UNIQUE,
  -- A webhook's signing secret, encrypted with a key derived from SIGNING_SECRET (it must be
  -- usable to sign, so it cannot be hashed); shown once when the subscription is made.
  secret TEXT,
  -- Where the confirmation request goes: the channel itself (a chat message with a link, a text
  -- with a code) or 'email' (the contact address).
  confirm_via TEXT
    CHECK (confirm_via IN ('email', 'webhook', 'slack', 'teams', 'discord', 'sms')),
  -- A text's 6-digit confirmation code, as SHA-256 of the subscriber id and the code.
  confirm_code_hash TEXT,
  confirm_attempts INTEGER NOT NULL DEFAULT 0,
  locale TEXT NOT NULL DEFAULT 'en',
  all_components INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'quarantined')),
  created_at TEXT NOT NULL,
  confirmed_at TEXT,
  unsubscribed_at TEXT,
  quarantined_at TEXT,
  confirmation_sent_at TEXT,
  permanent_failures INTEGER NOT NULL DEFAULT 0,
  token_version INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 0,
  CHECK ((channel = 'email') = (email_normalized IS NOT NULL)),
  CHECK ((channel = 'email') = (target IS NULL)),
  CHECK ((target IS NULL) = (target_key IS NULL))
);
INSERT INTO subscribers_new (id, channel, email, email_normalized, locale, all_components, status,
  created_at, confirmed_at, unsubscribed_at, quarantined_at, confirmation_sent_at,
  permanent_failures, token_version, version)
SELECT id, 'email', email, email_normalized, locale, all_components, status, created_at,
  confirmed_at, unsubscribed_at, quarantined_at, confirmation_sent_at, permanent_failures,
  token_version, version
FROM subscribers;
DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;
CREATE INDEX subscribers_by_status ON subscribers(status);
CREATE INDEX subscribers_by_channel ON subscribers(channel, status);

-- Any channel for any delivery: a subscriber's deliveries go through its channel, its
-- confirmation request through confirm_via, its quarantine notice to the contact address.
CREATE TABLE deliveries_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL,
  subscriber_id TEXT REFERENCES subscribers(id),
  channel TEXT NOT NULL DEFAULT 'email'
    CHECK (channel IN ('email', 'webhook', 'slack', 'teams', 'discord', 'sms')),
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
  quota_key TEXT,
  CHECK ((subscriber_id IS NULL) <> (address IS NULL)),
  UNIQUE (event_id, recipient)
);
INSERT INTO deliveries_new (id, event_id, subscriber_id, channel, address, status, attempts,
  next_attempt_at, lease_owner, lease_until, last_error, sent_at, created_at, quota_key)
SELECT id, event_id, subscriber_id, channel, address, status, attempts, next_attempt_at,
  lease_owner, lease_until, last_error, sent_at, created_at, quota_key
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_quota_key ON deliveries(quota_key, created_at);

-- One name for the subsystem: the fan-out's outbox position was kept under 'mailer'.
UPDATE consumer_positions SET consumer = 'notifier' WHERE consumer = 'mailer';
