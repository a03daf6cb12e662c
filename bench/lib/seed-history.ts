/**
 * Seeds a database with a long incident history, fast: rows are written directly in the app's
 * schema (db/migrations/*.sql, the shapes of db/incidents.ts and db/components.ts) in large
 * batches, instead of going through the API. Deterministic for a given seed (ids included), so
 * runs are comparable.
 *
 * What it writes: component groups and components; incidents spread over `years` with 2–4
 * updates each (the last one "resolved") and 1–2 affected components; the component status
 * history those incidents imply (so uptime has something to compute); and `open` incidents that
 * started in the last two days and are still open (their components are degraded now).
 * No outbox rows: a full build (or a first start) publishes everything anyway.
 */
import type { InStatement } from '@libsql/client'
import { migrate } from '../../db/migrate.node.ts'
import { openDatabase } from '../../db/open.node.ts'
import { prng } from '../../tests/fixtures/prng.ts'

export interface SeedOptions {
  incidents: number
  components: number
  open: number
  years: number
  seed?: number
  /** "now" for the history; defaults to the wall clock. */
  now?: number
}

export interface SeedResult {
  incidents: number
  updates: number
  components: number
  statusChanges: number
  openIds: string[]
  seconds: number
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

const COMPONENTS: [string, string, number][] = [
  ['Dashboard', 'The web app', 0],
  ['Login', 'Sign-in, SSO and two-factor', 0],
  ['Public API', 'REST API', 0],
  ['Search', 'Full-text search', 0],
  ['Payments API', 'Card charges, refunds and payouts', 1],
  ['Checkout', 'Hosted checkout pages', 1],
  ['Payouts', 'Transfers to bank accounts', 1],
  ['Webhooks', 'Event delivery to your endpoints', -1],
  ['Email delivery', 'Receipts and notifications', -1],
  ['File storage', 'Uploads and exports', -1],
  ['Mobile push', 'Push notifications', -1],
  ['Reporting', 'Scheduled reports and exports', -1],
]

const SUBJECTS = [
  'Elevated error rates on',
  'Slow responses from',
  'Intermittent failures in',
  'Delays in',
  'Partial outage of',
  'Degraded performance of',
  'Timeouts on',
  'Outage of',
]
const CAUSES = [
  'a failed deploy on one cluster',
  'an expired certificate on an internal endpoint',
  'a slow database query after a schema change',
  'a network change at our hosting provider',
  'a spike in traffic from a single customer',
  'a full disk on a queue server',
  'a misconfigured load balancer rule',
  'a dependency returning errors upstream',
]
const INVESTIGATING = [
  'We are investigating reports of errors. Some requests fail with a 503 and others are slow.',
  'Some customers see errors or long loading times. We are looking into it and will post an update within 30 minutes.',
  'Our monitoring shows an increase in failed requests. The on-call team is investigating.',
]
const MONITORING = [
  'A fix has been deployed and error rates are back to normal. We are monitoring the results.',
  'Traffic has been moved to healthy servers. We are **watching it closely** before calling it resolved.',
  'The backlog is draining and new requests succeed. We keep monitoring.',
]
const RESOLVED = [
  'This incident has been resolved. Everything works normally again.',
  'Everything has worked normally for an hour. We are sorry for the disruption; a short account of what happened will follow on [our blog](https://example.com/blog).',
  'The issue is resolved. Requests that failed during the incident can be retried safely.',
]
const IMPACTS = ['none', 'minor', 'minor', 'minor', 'major', 'major', 'critical'] as const
const DURING = ['degraded_performance', 'partial_outage', 'partial_outage', 'major_outage'] as const

/** Writes the history into DATABASE_URL `url` (a fresh file database), after the app's migrations. */
export async function seedHistory(url: string, o: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now()
  const rnd = prng(o.seed ?? 42)
  const id = () => {
    let s = ''
    for (let i = 0; i < 12; i++) s += ALPHABET[Math.floor(rnd.next() * 36)]
    return s
  }
  const now = o.now ?? Date.now()
  const iso = (ms: number) => new Date(ms).toISOString()
  const db = await openDatabase(url)
  await migrate(db)

  const statements: InStatement[] = []
  const created = iso(now - o.years * 365 * DAY - 30 * DAY)

  const groups = [
    { id: id(), name: 'Core platform' },
    { id: id(), name: 'Payments' },
  ]
  groups.forEach((g, i) =>
    statements.push({
      sql: 'INSERT INTO component_groups (id, name, description, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      args: [g.id, g.name, null, i + 1, created, created],
    }),
  )
  const components = Array.from({ length: o.components }, (_, i) => {
    const [name, description, group] = COMPONENTS[i % COMPONENTS.length]!
    return {
      id: id(),
      name: i < COMPONENTS.length ? name : `${name} ${Math.floor(i / COMPONENTS.length) + 1}`,
      description,
      group_id: group >= 0 ? groups[group]!.id : null,
      position: i + 1,
      status: 'operational',
      updated_at: created,
    }
  })

  // Incident start times: evenly spread over the years (with jitter), oldest first; the open
  // ones start in the last two days.
  const span = o.years * 365 * DAY
  const closed = o.incidents - o.open
  let updates = 0
  let changes = 0
  const openIds: string[] = []
  for (let n = 0; n < o.incidents; n++) {
    const isOpen = n >= closed
    const startedAt = isOpen
      ? now - 2 * DAY + ((n - closed + 0.5) / o.open) * (2 * DAY - 2 * HOUR)
      : now - span + (n / closed) * (span - 3 * DAY) + rnd.next() * (span / closed) * 0.8
    const duration = rnd.int(10, 360) * MINUTE
    const incidentId = id()
    if (isOpen) openIds.push(incidentId)
    const affected = new Set<number>()
    const want = rnd.int(1, 2)
    while (affected.size < want) affected.add(rnd.int(0, components.length - 1))
    const affectedList = [...affected].map((i) => ({ c: components[i]!, during: rnd.pick(DURING) }))
    const subject = affectedList.map((a) => a.c.name).join(' and ')
    const name = `${rnd.pick(SUBJECTS)} ${subject}`
    const impact = rnd.pick(IMPACTS)

    // The timeline: investigating, [identified], [monitoring], resolved (2–4 entries); open
    // incidents stop before "resolved".
    const steps: string[] = ['investigating']
    const middle = rnd.int(0, 2)
    if (middle >= 1) steps.push('identified')
    if (middle >= 2) steps.push('monitoring')
    if (!isOpen) steps.push('resolved')
    else if (steps.length < 2) steps.push('identified')
    const cause = rnd.pick(CAUSES)
    const at = steps.map((_, i) => startedAt + (i === 0 ? 0 : (duration * i) / (steps.length - 1)))
    const status = steps.at(-1)!
    const stamp = (s: string) => {
      const i = steps.indexOf(s)
      return i >= 0 ? iso(at[i]!) : null
    }
    const resolvedAt = isOpen ? null : iso(at.at(-1)!)
    const updatedAt = iso(at.at(-1)!)
    statements.push({
      sql: `INSERT INTO incidents (id, kind, name, status, impact, workaround, started_at, identified_at,
              monitoring_at, resolved_at, scheduled_for, scheduled_until, auto_transition, cancelled_at,
              created_at, updated_at) VALUES (?, 'incident', ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, NULL, ?, ?)`,
      args: [
        incidentId,
        name,
        status,
        impact,
        rnd.next() < 0.15 ? 'Retrying the request after a few seconds usually succeeds.' : null,
        iso(startedAt),
        stamp('identified'),
        stamp('monitoring'),
        resolvedAt,
        iso(startedAt),
        updatedAt,
      ],
    })
    for (const a of affectedList) {
      statements.push({
        sql: 'INSERT INTO incident_components (incident_id, component_id, status) VALUES (?, ?, ?)',
        args: [incidentId, a.c.id, a.during],
      })
    }
    steps.forEach((s, i) => {
      const body =
        s === 'investigating'
          ? rnd.pick(INVESTIGATING)
          : s === 'identified'
            ? `We found the cause: ${cause}. We are working on a fix.`
            : s === 'monitoring'
              ? rnd.pick(MONITORING)
              : rnd.pick(RESOLVED)
      const affectedJson =
        i === 0
          ? affectedList.map((a) => ({
              code: a.c.id,
              name: a.c.name,
              old_status: 'operational',
              new_status: a.during,
            }))
          : s === 'resolved'
            ? affectedList.map((a) => ({
                code: a.c.id,
                name: a.c.name,
                old_status: a.during,
                new_status: 'operational',
              }))
            : null
      statements.push({
        sql: `INSERT INTO incident_updates (id, incident_id, status, body, workaround, deliver_notifications,
                affected_components, created_at, display_at) VALUES (?, ?, ?, ?, NULL, 0, ?, ?, ?)`,
        args: [
          id(),
          incidentId,
          s,
          body,
          affectedJson ? JSON.stringify(affectedJson) : null,
          iso(at[i]!),
          iso(at[i]!),
        ],
      })
      updates++
    })
    // Status history: the component goes to its status at the start, back when resolved.
    for (const a of affectedList) {
      statements.push({
        sql: 'INSERT INTO component_status_changes (component_id, status, at, incident_id) VALUES (?, ?, ?, ?)',
        args: [a.c.id, a.during, iso(startedAt), incidentId],
      })
      changes++
      if (resolvedAt) {
        statements.push({
          sql: 'INSERT INTO component_status_changes (component_id, status, at, incident_id) VALUES (?, ?, ?, ?)',
          args: [a.c.id, 'operational', resolvedAt, incidentId],
        })
        changes++
      } else {
        a.c.status = a.during
      }
      a.c.updated_at = resolvedAt ?? iso(startedAt)
    }
  }
  for (const c of components) {
    statements.push({
      sql: `INSERT INTO components (id, name, description, group_id, position, sla_target, status,
              only_show_if_degraded, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 99.9, ?, 0, ?, ?)`,
      args: [c.id, c.name, c.description, c.group_id, c.position, c.status, created, c.updated_at],
    })
  }
  // Components are referenced by the other rows: insert them first (foreign keys are on).
  const componentRows = statements.splice(statements.length - components.length)
  statements.splice(groups.length, 0, ...componentRows)

  const CHUNK = 20_000
  for (let i = 0; i < statements.length; i += CHUNK) {
    await db.batch(statements.slice(i, i + CHUNK), 'write')
  }
  await db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  return {
    incidents: o.incidents,
    updates,
    components: components.length,
    statusChanges: changes,
    openIds,
    seconds: (performance.now() - t0) / 1000,
  }
}
