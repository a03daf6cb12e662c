-- Early warning (issue 15, item 2): checks Amends runs itself (HTTP(S), TCP) and heartbeats that a
-- cron job sends. A check confirmed down opens a draft through the signals; results feed uptime.

-- `target`: the URL (http) or host:port (tcp); NULL for a heartbeat, which is found by the hash of
-- its token instead. `next_run_at` is when the check is due (for a heartbeat: when a ping is
-- overdue); a process claims a due check by moving it only if it still holds what it read.
-- `failures` counts consecutive failed runs; `down` is set once `confirm_after` of them in a row
-- confirmed it (its signal fires) and cleared by the next success (its signal resolves).
CREATE TABLE checks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('http', 'tcp', 'heartbeat')),
  target TEXT,
  expected_status TEXT,
  keyword TEXT,
  timeout_ms INTEGER NOT NULL,
  interval_seconds INTEGER NOT NULL,
  grace_seconds INTEGER NOT NULL DEFAULT 0,
  confirm_after INTEGER NOT NULL,
  component_id TEXT NOT NULL REFERENCES components (id),
  component_status TEXT NOT NULL
    CHECK (component_status IN ('degraded_performance', 'partial_outage', 'major_outage')),
  token_hash TEXT UNIQUE,
  enabled INTEGER NOT NULL DEFAULT 1,
  next_run_at TEXT NOT NULL,
  last_run_at TEXT,
  last_ping_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  down INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX checks_due ON checks (next_run_at) WHERE enabled = 1;

-- One row per run (or heartbeat ping): up or down, how long the answer took, and why it failed.
-- Pruned after CHECK_RETENTION_DAYS.
CREATE TABLE check_results (
  id TEXT PRIMARY KEY,
  check_id TEXT NOT NULL REFERENCES checks (id),
  at TEXT NOT NULL,
  up INTEGER NOT NULL,
  response_ms INTEGER,
  error TEXT
);
CREATE INDEX check_results_by_check ON check_results (check_id, at);
CREATE INDEX check_results_by_at ON check_results (at);
