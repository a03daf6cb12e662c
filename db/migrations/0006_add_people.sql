-- People who run the page (docs/decisions/007): accounts with a role, server-side sessions, the
-- single-use links that set a password (first admin, invitation, reset), sign-in failures for the
-- rate limit (in the database: several processes share it), and the person behind a token or an
-- audit entry.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  -- Lower-cased on the way in: one person, one address, whatever the case they type.
  email TEXT NOT NULL UNIQUE,
  name TEXT,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
  password_hash TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);

-- The cookie holds a random secret; only its SHA-256 is stored, so a copy of the database opens
-- no session. Ending a session stamps ended_at (kept for the audit of who was signed in when).
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  ended_at TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id) WHERE ended_at IS NULL;

-- Setup (the first admin), invitation and password-reset links: single use, expiring.
CREATE TABLE user_links (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'invite', 'reset')),
  user_id TEXT REFERENCES users (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- One row per failed sign-in, per key ('account:<email>' and 'ip:<address or /64>').
CREATE TABLE sign_in_failures (
  key TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);

-- A personal token belongs to a person and stops working when they are disabled.
ALTER TABLE api_tokens ADD COLUMN user_id TEXT REFERENCES users (id);

-- Who did it, as people know them: the address beside the display name.
ALTER TABLE audit_log ADD COLUMN actor_email TEXT;
ALTER TABLE audit_log ADD COLUMN actor_user_id TEXT;
