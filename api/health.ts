import type { Db } from '../db/client.ts'

/**
 * What each part of the server is doing, for `/healthz`. A part is 'ok', 'off' (not run in this
 * process), 'starting', 'unavailable' (the database) or 'failing: <last error>'. The whole is
 * 'ok' (HTTP 200) only when every part is 'ok' or 'off'; anything else is 'degraded' (HTTP 503),
 * so a load balancer or uptime check sees a server that answers but cannot do all its work.
 */
export type PartName = 'database' | 'publisher' | 'notifier' | 'scheduler' | 'server'
export type PartState = 'ok' | 'off' | 'starting' | 'unavailable' | `failing: ${string}`

export interface HealthReport {
  status: 'ok' | 'degraded'
  parts: Partial<Record<PartName, string>>
}

export interface Health {
  set(part: PartName, state: PartState): void
  /** Records a failure of `part` (the message is shortened to one line). */
  fail(part: PartName, err: unknown): void
  get(part: PartName): PartState | undefined
  report(): HealthReport
}

const MAX_MESSAGE = 200

export function failing(err: unknown): `failing: ${string}` {
  const message = err instanceof Error ? err.message : String(err)
  return `failing: ${message.replace(/\s+/g, ' ').slice(0, MAX_MESSAGE)}`
}

export function createHealth(): Health {
  const parts = new Map<PartName, PartState>()
  return {
    set: (part, state) => void parts.set(part, state),
    fail: (part, err) => void parts.set(part, failing(err)),
    get: (part) => parts.get(part),
    report() {
      const out: HealthReport['parts'] = Object.fromEntries(parts)
      const ok = [...parts.values()].every((s) => s === 'ok' || s === 'off')
      return { status: ok ? 'ok' : 'degraded', parts: out }
    },
  }
}

const PROBE_MS = 2_000

/**
 * The health report with the database probed now (one `SELECT 1`, bounded in time), so a
 * database that went away since the last write shows at once.
 */
export async function healthReport(db: Db, health?: Health): Promise<HealthReport> {
  const h = health ?? createHealth()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 2 s')), PROBE_MS)
  })
  try {
    await Promise.race([db.execute('SELECT 1'), timeout])
    h.set('database', 'ok')
  } catch {
    h.set('database', 'unavailable')
  } finally {
    clearTimeout(timer)
  }
  return h.report()
}
