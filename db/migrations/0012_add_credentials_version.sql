-- A counter every change to a token or a person bumps, whichever process makes it: the API caches
-- token checks per process and re-reads one row to know they still hold (api/auth.ts), so a
-- revocation, a disabled person or a demotion counts on the next request everywhere.
CREATE TABLE credentials_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
CREATE TRIGGER credentials_token_insert AFTER INSERT ON api_tokens BEGIN
  INSERT INTO credentials_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1;
END;
-- Only the columns a token check reads: the minutely last_used_at touch leaves it alone.
CREATE TRIGGER credentials_token_update
AFTER UPDATE OF id, name, prefix, scope, token_hash, revoked_at, user_id ON api_tokens BEGIN
  INSERT INTO credentials_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER credentials_token_delete AFTER DELETE ON api_tokens BEGIN
  INSERT INTO credentials_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER credentials_user_update AFTER UPDATE OF id, email, name, role, status ON users BEGIN
  INSERT INTO credentials_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER credentials_user_delete AFTER DELETE ON users BEGIN
  INSERT INTO credentials_version (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1;
END;
