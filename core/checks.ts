/**
 * Checks Amends runs itself (issue 15, item 2), without I/O: which fields each kind takes, what an
 * HTTP answer must be, and when a run's outcome confirms an outage or ends one.
 */

export type CheckKind = 'http' | 'tcp' | 'heartbeat'

/** Up to this many bytes of an HTTP check's answer are searched for its keyword. */
export const KEYWORD_WINDOW_BYTES = 4096

export const DEFAULT_EXPECTED_STATUS = '200-399'

/** Whether `status` is in `expected`: one status (`200`) or an inclusive range (`200-399`). */
export function statusExpected(expected: string, status: number): boolean {
  const [low, high = low] = expected.split('-').map(Number) as [number, number?]
  return status >= low && status <= high
}

interface KindFields {
  url?: unknown
  host?: unknown
  port?: unknown
  expected_status?: unknown
  keyword?: unknown
  timeout_ms?: unknown
  grace_seconds?: unknown
}

const KIND_FIELDS = [
  'url',
  'host',
  'port',
  'expected_status',
  'keyword',
  'timeout_ms',
  'grace_seconds',
] as const

const FIELDS_OF: Record<CheckKind, { required: (keyof KindFields)[]; allowed: Set<string> }> = {
  http: {
    required: ['url'],
    allowed: new Set(['url', 'expected_status', 'keyword', 'timeout_ms']),
  },
  tcp: { required: ['host', 'port'], allowed: new Set(['host', 'port', 'timeout_ms']) },
  heartbeat: { required: [], allowed: new Set(['grace_seconds']) },
}

/**
 * What is wrong with a check's kind-specific fields (empty: nothing): those its kind needs are
 * present, and none of another kind's is set. The one rule for a new check and an edited one.
 */
export function checkFieldProblems(
  kind: CheckKind,
  fields: KindFields,
): { path: string; message: string }[] {
  const { required, allowed } = FIELDS_OF[kind]
  const problems: { path: string; message: string }[] = []
  for (const f of required) {
    if (fields[f] === undefined || fields[f] === null)
      problems.push({ path: f, message: `Required for a ${kind} check` })
  }
  for (const f of KIND_FIELDS) {
    const v = fields[f]
    if (v !== undefined && v !== null && !allowed.has(f))
      problems.push({ path: f, message: `Not a field of a ${kind} check` })
  }
  return problems
}

/** A TCP check's target as stored: `host:port`, an IPv6 address in brackets. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

export function parseHostPort(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':')
  return { host: target.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(target.slice(at + 1)) }
}

export interface RunState {
  /** Consecutive failed runs. */
  failures: number
  /** Confirmed down: its signal is firing. */
  down: boolean
}

/**
 * The state after one run, and the signal it sends: `firing` on the run that makes
 * `confirmAfter` consecutive failures (never again while down), `resolved` on the first success
 * after that, otherwise none. A failure short of confirmation, and a success while up, say nothing.
 */
export function afterRun(
  state: RunState,
  up: boolean,
  confirmAfter: number,
): { state: RunState; signal: 'firing' | 'resolved' | null } {
  if (up) return { state: { failures: 0, down: false }, signal: state.down ? 'resolved' : null }
  const failures = state.failures + 1
  if (state.down) return { state: { failures, down: true }, signal: null }
  const confirmed = failures >= confirmAfter
  return { state: { failures, down: confirmed }, signal: confirmed ? 'firing' : null }
}

/** Runs in a window: how many, and how many of them were up. */
export interface ResultTally {
  total: number
  up: number
}

/** Uptime in percent over a window's runs; null when nothing ran (no data is not 100%). */
export function uptimePercent(t: ResultTally): number | null {
  return t.total === 0 ? null : (t.up / t.total) * 100
}
