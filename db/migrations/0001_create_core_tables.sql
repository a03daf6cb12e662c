-- Components, groups, incidents (and maintenance windows), their timelines, component status
-- history, API tokens, idempotency keys, the audit log and the outbox.

CREATE TABLE component_groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  position INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);

CREATE TABLE components (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  group_id TEXT REFERENCES component_groups(id),
  position INTEGER NOT NULL,
  sla_target REAL NOT NULL DEFAULT 99.9,
  status TEXT NOT NULL CHECK (status IN
    ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
  only_show_if_degraded INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX components_group ON components(group_id);

-- One row per status change; a status holds from `at` until the component's next row.
CREATE TABLE component_status_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  component_id TEXT NOT NULL REFERENCES components(id),
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  incident_id TEXT
);
CREATE INDEX component_status_changes_by_component ON component_status_changes(component_id, at);

CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('incident', 'maintenance')),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  impact TEXT NOT NULL,
  workaround TEXT,
  started_at TEXT NOT NULL,
  identified_at TEXT,
  monitoring_at TEXT,
  resolved_at TEXT,
  scheduled_for TEXT,
  scheduled_until TEXT,
  auto_transition INTEGER NOT NULL DEFAULT 0,
  cancelled_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX incidents_by_kind_status ON incidents(kind, status);
CREATE INDEX incidents_by_kind_started ON incidents(kind, started_at);

CREATE TABLE incident_components (
  incident_id TEXT NOT NULL REFERENCES incidents(id),
  component_id TEXT NOT NULL REFERENCES components(id),
  status TEXT NOT NULL,
  PRIMARY KEY (incident_id, component_id)
);
CREATE INDEX incident_components_by_component ON incident_components(component_id);

CREATE TABLE incident_updates (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents(id),
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  workaround TEXT,
  deliver_notifications INTEGER NOT NULL,
  affected_components TEXT, -- JSON array of {code, name, old_status, new_status}, or NULL
  created_at TEXT NOT NULL,
  display_at TEXT NOT NULL
);
CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id, created_at);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

-- The first response to a POST with an Idempotency-Key, written in the same batch as the change.
CREATE TABLE idempotency_keys (
  token_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (token_id, key)
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  details TEXT
);

-- Events for the consumers (publisher, mailer). Ids only grow, so a consumer's position is an id.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  aggregate_type TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
