-- Sign-ins through OpenID Connect in progress (api/services/oidc.ts). The browser holds a random
-- key in a short-lived cookie; only its SHA-256 is stored, beside what the callback must check
-- (state, nonce, the PKCE verifier, which never leaves the server) and where to go afterwards.
-- Single use: the callback deletes the row it reads. Rows past expires_at are swept whenever a
-- new sign-in starts, so the table holds at most ten minutes of attempts.
CREATE TABLE sso_flows (
  secret_hash TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  next TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sso_flows_by_expiry ON sso_flows (expires_at);
