-- Early warning (issue 15): monitoring alerts open draft incidents that staff publish or dismiss.

-- The secret each monitoring source presents (its hash), one per source; a write-scope API token
-- works as well. Rotating replaces the row.
CREATE TABLE alert_sources (
  source TEXT PRIMARY KEY CHECK (source IN ('alertmanager', 'grafana', 'generic')),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

-- Which alerts mean which component is in which state: every label in `match` (a JSON object)
-- must be equal; the first rule by position wins. `source` NULL: any source.
CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  source TEXT CHECK (source IN ('alertmanager', 'grafana', 'generic')),
  match TEXT NOT NULL,
  component_id TEXT NOT NULL REFERENCES components (id),
  component_status TEXT NOT NULL
    CHECK (component_status IN ('degraded_performance', 'partial_outage', 'major_outage')),
  auto_publish INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL,
  created_at TEXT NOT NULL
);

-- A draft incident: never public. `proposal` is the incident it would publish (the API's
-- IncidentCreate, JSON), edited by staff until published (`incident_id`) or dismissed with a reason.
-- `component_key` is the component's id, or '' for alerts no rule maps: one open draft per key.
CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  component_key TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'published', 'dismissed')),
  origin TEXT NOT NULL CHECK (origin IN ('alert', 'check', 'reports')),
  proposal TEXT NOT NULL,
  auto_publish INTEGER NOT NULL DEFAULT 0,
  edited_at TEXT,
  incident_id TEXT REFERENCES incidents (id),
  first_signal_at TEXT NOT NULL,
  last_signal_at TEXT NOT NULL,
  -- Set while every signal of the draft is resolved: a proposal to resolve (or dismiss).
  cleared_at TEXT,
  dismissed_reason TEXT,
  created_at TEXT NOT NULL,
  published_at TEXT,
  dismissed_at TEXT,
  version INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX drafts_one_open_per_component ON drafts (component_key) WHERE state = 'open';
CREATE INDEX drafts_by_incident ON drafts (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX drafts_by_state ON drafts (state, created_at);

-- What made a draft: one row per alert (by the source's fingerprint) for the draft's life, so a
-- repeated or flapping alert updates its row (`fired` counts its firings) instead of adding one.
CREATE TABLE signals (
  id TEXT PRIMARY KEY,
  draft_id TEXT NOT NULL REFERENCES drafts (id),
  kind TEXT NOT NULL CHECK (kind IN ('alert', 'check', 'reports')),
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  component_status TEXT,
  severity TEXT,
  summary TEXT NOT NULL,
  labels TEXT NOT NULL,
  fired INTEGER NOT NULL DEFAULT 1,
  first_at TEXT NOT NULL,
  last_at TEXT NOT NULL,
  resolved_at TEXT
);
CREATE UNIQUE INDEX signals_once_per_draft ON signals (draft_id, source, key);

-- Customer reports counted per component in a sliding window, and over the week before it.
CREATE INDEX feedback_by_time ON feedback (created_at);
CREATE INDEX follow_up_answers_by_time ON follow_up_answers (answered_at);
