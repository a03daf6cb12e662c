import {
  checkFieldProblems,
  DEFAULT_EXPECTED_STATUS,
  formatHostPort,
  type CheckKind,
} from '../../core/checks.ts'
import { DomainError, notFound } from '../../core/errors.ts'
import { BASE62, newId, randomString } from '../../core/ids.ts'
import type {
  Check,
  CheckCreate,
  CheckCreated,
  CheckPatch,
  CheckResult,
} from '../../core/schemas/checks.ts'
import {
  checkOfTokenHash,
  deleteCheck,
  getCheck,
  insertCheck,
  insertResult,
  listChecks,
  restoreRun,
  setHeartbeatToken,
  resultsOf,
  savePing,
  updateCheck,
  type CheckTarget,
} from '../../db/checks.ts'
import { getComponent } from '../../db/components.ts'
import { hashToken } from '../auth.ts'
import type { Deps } from '../deps.ts'
import { checkOutboundTarget } from './outbound-target.ts'
import { recordSignals } from './signals.ts'
import { commit, commitRows, editDetails, type WriteContext } from './write.ts'

/** Who signs what checks write (signals, drafts they open). */
export const CHECKS_ACTOR = 'checks'

const DEFAULTS = { timeout_ms: 10_000, interval_seconds: 60, grace_seconds: 60 }
const MAX_RESULTS = 10_000
const DAY_MS = 86_400_000

const addSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString()

/**
 * Where a check goes, refused as webhooks are (api/services/outbound-target.ts): a private or
 * loopback address, or a name resolving to one, unless OUTBOUND_ALLOW_PRIVATE. A TCP host is
 * judged as the host of a URL, by the same rules.
 */
async function targetOf(
  deps: Deps,
  kind: CheckKind,
  f: { url?: string | undefined; host?: string | undefined; port?: number | undefined },
): Promise<CheckTarget> {
  if (kind === 'http') return checkOutboundTarget(deps, f.url!, 'url')
  if (kind === 'heartbeat') return null
  const bracketed = formatHostPort(f.host!, f.port!)
  await checkOutboundTarget(deps, `https://${bracketed}/`, 'host')
  return bracketed
}

async function requireComponent(deps: Deps, id: string) {
  if (!(await getComponent(deps.db, id))) {
    throw new DomainError('unprocessable', 'unknown_component', 'No such component', [
      { path: 'component_id', message: `No component with id ${id}` },
    ])
  }
}

async function existing(deps: Deps, id: string): Promise<Check> {
  const check = await getCheck(deps.db, id)
  if (!check) throw notFound('check', id)
  return check
}

/**
 * A check's signal: kind `check`, source `check:<id>`, key `<id>`; it joins or opens the
 * component's draft like any other (api/services/signals.ts). The only way checks touch drafts.
 */
export function signalCheck(
  deps: Deps,
  check: Check,
  status: 'firing' | 'resolved',
  summary: string,
) {
  return recordSignals(deps, CHECKS_ACTOR, [
    {
      kind: 'check',
      source: `check:${check.id}`,
      key: check.id,
      status,
      severity: null,
      summary,
      labels: { check: check.name, kind: check.kind },
      componentKey: check.component_id,
      componentStatus: check.component_status,
      autoPublish: false,
    },
  ])
}

const newHeartbeatToken = () => `amdbeat_${randomString(40, BASE62)}`
const pingUrlOf = (deps: Deps, token: string) => `${deps.config.siteUrl}/api/v1/heartbeats/${token}`

/** Checks Amends runs (HTTP, TCP) or waits for (heartbeats); runs are api/jobs/checks.ts. */
export const checks = {
  list: (deps: Deps) => listChecks(deps.db),
  get: existing,

  async create(deps: Deps, ctx: WriteContext, input: CheckCreate): Promise<CheckCreated> {
    await requireComponent(deps, input.component_id)
    const target = await targetOf(deps, input.kind, input)
    const at = deps.clock.now().toISOString()
    const heartbeat = input.kind === 'heartbeat'
    const token = heartbeat ? newHeartbeatToken() : null
    const interval = input.interval_seconds ?? DEFAULTS.interval_seconds
    const grace = heartbeat ? (input.grace_seconds ?? DEFAULTS.grace_seconds) : 0
    const id = newId()
    const columns = {
      name: input.name,
      target,
      expected_status:
        input.kind === 'http' ? (input.expected_status ?? DEFAULT_EXPECTED_STATUS) : null,
      keyword: input.keyword ?? null,
      timeout_ms: input.timeout_ms ?? DEFAULTS.timeout_ms,
      interval_seconds: interval,
      grace_seconds: grace,
      // A heartbeat's grace is its confirmation: one missed period + grace is down.
      confirm_after: input.confirm_after ?? (heartbeat ? 1 : 3),
      component_id: input.component_id,
      component_status: input.component_status ?? 'major_outage',
      enabled: input.enabled ?? true,
      // A heartbeat is first due when its first ping is overdue; a probe runs at once.
      next_run_at: heartbeat ? addSeconds(at, interval + grace) : at,
      updated_at: at,
    }
    await commit(deps, ctx, {
      statements: [insertCheck(id, input.kind, columns, token && (await hashToken(token)))],
      action: 'check.created',
      target: { type: 'check', id },
      events: [],
      status: 201,
      // What a resent form or request learns: which check it made (never the token again).
      body: { id },
      details: { ...input, target },
    })
    const check = await existing(deps, id)
    if (!token) return check
    return { ...check, token, ping_url: pingUrlOf(deps, token) }
  },

  /**
   * A heartbeat's new ping URL (the old one was lost or leaked): shown once like the first, and
   * the old token stops working in the same write. The check's schedule is left as it is.
   */
  async newPingUrl(deps: Deps, ctx: WriteContext, id: string): Promise<CheckCreated> {
    const check = await existing(deps, id)
    if (check.kind !== 'heartbeat') {
      throw new DomainError(
        'unprocessable',
        'not_a_heartbeat',
        'Only a heartbeat has a ping URL: this check calls its target itself',
      )
    }
    const token = newHeartbeatToken()
    await commit(deps, ctx, {
      statements: [setHeartbeatToken(id, await hashToken(token), deps.clock.now().toISOString())],
      action: 'check.token_rotated',
      target: { type: 'check', id },
      events: [],
      status: 200,
      body: { id },
      details: { name: check.name },
    })
    return { ...(await existing(deps, id)), token, ping_url: pingUrlOf(deps, token) }
  },

  async edit(deps: Deps, ctx: WriteContext, id: string, patch: CheckPatch): Promise<Check> {
    const before = await existing(deps, id)
    const merged = { ...before, ...patch }
    const problems = checkFieldProblems(before.kind, {
      url: before.kind === 'http' ? merged.url : patch.url,
      host: before.kind === 'tcp' ? merged.host : patch.host,
      port: before.kind === 'tcp' ? merged.port : patch.port,
      expected_status: patch.expected_status,
      keyword: patch.keyword,
      timeout_ms: before.kind === 'heartbeat' ? patch.timeout_ms : undefined,
      grace_seconds: before.kind === 'heartbeat' ? undefined : patch.grace_seconds,
    })
    if (problems.length)
      throw new DomainError('unprocessable', 'invalid_check', problems[0]!.message, problems)
    if (patch.component_id) await requireComponent(deps, patch.component_id)
    const target = await targetOf(deps, before.kind, {
      url: merged.url ?? undefined,
      host: merged.host ?? undefined,
      port: merged.port ?? undefined,
    })
    // Down and pointed elsewhere: the old component's signal resolves, the new one is confirmed
    // afresh by the next runs (its own N failures).
    const moved =
      before.state === 'down' &&
      (merged.component_id !== before.component_id ||
        merged.component_status !== before.component_status)
    // Down and paused: nothing will run to clear it, so its signal resolves now (else the draft
    // would wait for a check that no longer runs); resuming confirms any outage afresh.
    const paused = before.state === 'down' && before.enabled && merged.enabled === false
    if (moved) await signalCheck(deps, before, 'resolved', 'The check was pointed elsewhere')
    else if (paused) await signalCheck(deps, before, 'resolved', 'The check was paused')
    const at = deps.clock.now().toISOString()
    // A new schedule starts now; a heartbeat keeps counting from its last ping.
    const rescheduled =
      patch.interval_seconds !== undefined ||
      patch.grace_seconds !== undefined ||
      patch.enabled === true
    const since = before.last_ping_at ?? before.created_at
    const next = !rescheduled
      ? before.next_run_at
      : before.kind === 'heartbeat'
        ? addSeconds(since, merged.interval_seconds + merged.grace_seconds)
        : at
    await commit(deps, ctx, {
      statements: [
        updateCheck(id, {
          name: merged.name,
          target,
          expected_status: merged.expected_status,
          keyword: merged.keyword,
          timeout_ms: merged.timeout_ms,
          interval_seconds: merged.interval_seconds,
          grace_seconds: merged.grace_seconds,
          confirm_after: merged.confirm_after,
          component_id: merged.component_id,
          component_status: merged.component_status,
          enabled: merged.enabled,
          next_run_at: next,
          updated_at: at,
        }),
        ...(moved || paused ? [restoreRun(id, { failures: 0, down: false })] : []),
      ],
      action: 'check.updated',
      target: { type: 'check', id },
      events: [],
      status: 200,
      body: { id },
      details: editDetails(before, patch),
    })
    return existing(deps, id)
  },

  /** Deletes a check and its results; a check that was down resolves its signal first. */
  async remove(deps: Deps, ctx: WriteContext, id: string): Promise<void> {
    const check = await existing(deps, id)
    if (check.state === 'down') await signalCheck(deps, check, 'resolved', 'The check was deleted')
    await commit(deps, ctx, {
      statements: deleteCheck(id),
      action: 'check.deleted',
      target: { type: 'check', id },
      events: [],
      status: 204,
      body: { id },
      details: check,
    })
  },

  /** Results from `since` (default: the last day), oldest first, for the uptime view. */
  async results(deps: Deps, id: string, since?: string): Promise<CheckResult[]> {
    await existing(deps, id)
    const from = since ?? new Date(deps.clock.now().getTime() - DAY_MS).toISOString()
    return resultsOf(deps.db, id, new Date(from).toISOString(), MAX_RESULTS)
  },

  /**
   * A heartbeat's ping, authenticated by its token alone (404 for any other string): up now, due
   * again after period + grace; the first ping after an outage resolves its signal.
   */
  async ping(deps: Deps, token: string): Promise<{ check_id: string; next_due_at: string }> {
    const check = await checkOfTokenHash(deps.db, await hashToken(token))
    if (!check || check.kind !== 'heartbeat') {
      throw new DomainError('not_found', 'not_found', 'No heartbeat with this token')
    }
    const at = deps.clock.now().toISOString()
    const due = addSeconds(at, check.interval_seconds + check.grace_seconds)
    await commitRows(deps, { type: 'check', id: check.id }, [
      savePing(check.id, at, due),
      insertResult(newId(), check.id, { at, up: true, response_ms: null, error: null }),
    ])
    if (check.state === 'down') await signalCheck(deps, check, 'resolved', 'Heartbeat received')
    return { check_id: check.id, next_due_at: due }
  },
}
