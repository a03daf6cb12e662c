import { afterRun, type CheckKind } from '../../core/checks.ts'
import { newId } from '../../core/ids.ts'
import type { Check } from '../../core/schemas/checks.ts'
import {
  claimCheck,
  dueChecks,
  insertResult,
  pruneResults,
  restoreRun,
  saveRun,
} from '../../db/checks.ts'
import type { Deps } from '../deps.ts'
import { signalCheck } from '../services/checks.ts'

/** One probe's answer: up or down, how long it took, and why it is down. */
export interface ProbeOutcome {
  up: boolean
  responseMs: number | null
  error: string | null
}

/**
 * The network half of checks, where a runtime can open connections (Node:
 * api/http/check-probes.node.ts). Without it only heartbeats are judged.
 */
export interface CheckProbes {
  http(c: {
    url: string
    expectedStatus: string
    keyword: string | null
    timeoutMs: number
  }): Promise<ProbeOutcome>
  tcp(c: { host: string; port: number; timeoutMs: number }): Promise<ProbeOutcome>
}

const BATCH = 100
const DAY_MS = 86_400_000

function probe(probes: CheckProbes, check: Check): Promise<ProbeOutcome> {
  if (check.kind === 'http') {
    return probes.http({
      url: check.url!,
      expectedStatus: check.expected_status!,
      keyword: check.keyword,
      timeoutMs: check.timeout_ms,
    })
  }
  if (check.kind === 'tcp') {
    return probes.tcp({ host: check.host!, port: check.port!, timeoutMs: check.timeout_ms })
  }
  // A heartbeat due is a heartbeat missed: a ping would have moved it.
  const since = check.last_ping_at ?? check.created_at
  return Promise.resolve({ up: false, responseMs: null, error: `No ping since ${since}` })
}

/** Runs one claimed check, keeps its result and state, and signals a confirmed change. */
async function runOne(deps: Deps, probes: CheckProbes | undefined, check: Check, next: string) {
  const outcome = await probe(probes!, check).catch((err: Error): ProbeOutcome => ({
    up: false,
    responseMs: null,
    error: err.message,
  }))
  const at = deps.clock.now().toISOString()
  const before = { failures: check.consecutive_failures, down: check.state === 'down' }
  const { state, signal } = afterRun(before, outcome.up, check.confirm_after)
  const [saved] = await deps.db.batch(
    [
      saveRun(check.id, next, state, at),
      insertResult(newId(), check.id, {
        at,
        up: outcome.up,
        response_ms: outcome.responseMs === null ? null : Math.round(outcome.responseMs),
        error: outcome.error?.slice(0, 500) ?? null,
      }),
    ],
    'write',
  )
  // Moved since it was claimed (a ping, an edit): the fresher word stands.
  if (!signal || saved!.rowsAffected !== 1) return
  const summary =
    signal === 'firing'
      ? `${check.name}: down ${state.failures} times in a row (${outcome.error ?? 'failed'})`
      : `${check.name}: up again`
  try {
    await signalCheck(deps, check, signal, summary)
  } catch (err) {
    // Undo the transition so the next run makes it again: a signal is never silently lost.
    await deps.db.execute(restoreRun(check.id, before))
    throw err
  }
}

/**
 * Runs the checks that are due, from any number of processes on one database: each due check is
 * claimed by moving `next_run_at` only if it still holds the value read (db/checks.ts claimCheck),
 * so a check runs once per interval whoever ticks. At most `checks.concurrency` probes at once.
 * Prunes results older than CHECK_RETENTION_DAYS. Returns how many checks this process ran.
 */
export async function runDueChecks(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const cutoff = new Date(now.getTime() - deps.config.checks.retentionDays * DAY_MS)
  await deps.db.execute(pruneResults(cutoff.toISOString()))
  const kinds: CheckKind[] = deps.probes ? ['http', 'tcp', 'heartbeat'] : ['heartbeat']
  const due = await dueChecks(deps.db, now.toISOString(), kinds, BATCH)
  const queue = [...due]
  let ran = 0
  const worker = async () => {
    for (let check = queue.shift(); check; check = queue.shift()) {
      const next = new Date(now.getTime() + check.interval_seconds * 1000).toISOString()
      if (!(await claimCheck(deps.db, check.id, check.next_run_at, next))) continue
      ran++
      await runOne(deps, deps.probes, check, next).catch((err: Error) =>
        deps.log.error('check run failed', { check: check.id, error: err.message }),
      )
    }
  }
  const lanes = Math.min(deps.config.checks.concurrency, queue.length)
  await Promise.all(Array.from({ length: lanes }, worker))
  return ran
}
