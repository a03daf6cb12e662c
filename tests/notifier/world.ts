import { afterEach } from 'vitest'
import { systemClock } from '../../core/clock.ts'
import { newId } from '../../core/ids.ts'
import type { Deps } from '../../api/deps.ts'
import { smtpTransport } from '../../api/jobs/notifier/channels/email-transport.node.ts'
import type { HttpPoster } from '../../api/jobs/notifier/channels/http-post.ts'
import { createNotifier, type Notifier } from '../../api/jobs/notifier/notifier.node.ts'
import { DEFAULT_TIMING, type NotifierTiming } from '../../api/jobs/notifier/timing.ts'
import type { Db } from '../../db/client.ts'
import { openDatabase } from '../../db/open.node.ts'
import { deliveryCounts } from '../../db/deliveries.ts'
import { startSmtpSink, type SinkBehaviour, type SmtpSink } from '../fixtures/smtp-sink.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

/** Short enough that retries and expired leases happen within a test. */
export const FAST: NotifierTiming = {
  ...DEFAULT_TIMING,
  leaseMs: 2_000,
  pollMs: 20,
  backoff: { baseMs: 20, capMs: 200 },
}

export interface SubscriberSpec {
  email?: string
  locale?: 'en' | 'zh-CN'
  status?: 'pending' | 'confirmed' | 'unsubscribed' | 'quarantined'
  /** Omitted: every component. */
  components?: string[]
}

/**
 * Subscribers are written straight into the tables (the subscriptions API is built separately);
 * the columns are the ones migration 0002 defines.
 */
export async function addSubscriber(db: Db, spec: SubscriberSpec = {}) {
  const id = newId()
  const email = spec.email ?? `${id}@example.org`
  const all = spec.components === undefined
  await db.batch(
    [
      {
        sql: `INSERT INTO subscribers (id, email, email_normalized, locale, all_components, status, created_at,
                confirmed_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          id,
          email,
          email.toLowerCase(),
          spec.locale ?? 'en',
          all ? 1 : 0,
          spec.status ?? 'confirmed',
          '2026-03-01T00:00:00.000Z',
          spec.status === 'pending' ? null : '2026-03-01T00:00:00.000Z',
        ],
      },
      ...(spec.components ?? []).map((c) => ({
        sql: 'INSERT INTO subscriber_components (subscriber_id, component_id) VALUES (?, ?)',
        args: [id, c],
      })),
    ],
    'write',
  )
  return { id, email }
}

/** Adds `n` confirmed all-components subscribers in a few statements. */
export async function addManySubscribers(db: Db, n: number, prefix = 'bulk'): Promise<void> {
  const at = '2026-03-01T00:00:00.000Z'
  await db.execute({
    sql: `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
          INSERT INTO subscribers (id, email, email_normalized, locale, all_components, status, created_at, confirmed_at)
          SELECT ? || '-' || i, ? || '-' || i || '@example.org', ? || '-' || i || '@example.org', 'en', 1,
            'confirmed', ?, ? FROM seq`,
    args: [n, prefix, prefix, prefix, at, at],
  })
}

export interface MailWorld {
  t: TestApp
  sink: SmtpSink
  /** The app's deps with a real clock: retries and leases need time to pass. */
  deps: Deps
  notifier: Notifier
  /** Runs the notifier until every delivery is settled (sent or failed). */
  settle(timeoutMs?: number): Promise<void>
  /** Another notifier on its own database connection (same file) and the same sink. */
  another(owner: string): Promise<Notifier>
}

const worlds: MailWorld[] = []
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
  for (const w of worlds.splice(0)) {
    await w.notifier.stop()
    await w.sink.close()
  }
})

export async function createMailWorld(
  opts: {
    env?: Record<string, string>
    sink?: SinkBehaviour
    timing?: Partial<NotifierTiming>
    /** The URL channels' HTTP calls (default: the outbound poster the configuration gives). */
    post?: HttpPoster
  } = {},
): Promise<MailWorld> {
  const t = await createTestApp({ env: opts.env })
  const sink = await startSmtpSink(opts.sink)
  const deps: Deps = { ...t.deps, clock: systemClock }
  const timing = { ...FAST, ...opts.timing }
  const make = (owner: string, d: Deps = deps) =>
    createNotifier(d, {
      transport: smtpTransport({ ...d.config.mail, smtpUrl: sink.url }),
      timing,
      owner,
      post: opts.post,
    })
  const notifier = make('test-1')
  const others: { db: Db; notifier: Notifier }[] = []
  const world: MailWorld = {
    t,
    sink,
    deps,
    notifier,
    async another(owner) {
      const db = await openDatabase(t.testDb.url)
      const n = make(owner, { ...deps, db })
      others.push({ db, notifier: n })
      return n
    },
    async settle(timeoutMs = 15_000) {
      notifier.start()
      const until = Date.now() + timeoutMs
      for (;;) {
        notifier.kick()
        const counts = await deliveryCounts(t.deps.db)
        const unread = await t.deps.db.execute(
          "SELECT COUNT(*) AS n FROM outbox WHERE id > COALESCE((SELECT event_id FROM consumer_positions WHERE consumer = 'notifier'), 0)",
        )
        if (counts.pending === 0 && Number(unread.rows[0]!.n) === 0) return
        if (Date.now() > until) throw new Error(`not settled: ${JSON.stringify(counts)}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
  }
  worlds.push(world)
  cleanups.push(async () => {
    for (const o of others) {
      await o.notifier.stop()
      o.db.close()
    }
  })
  return world
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** One raw header's value (unfolded), straight from the bytes the server received. */
export function rawHeader(raw: Buffer | string, name: string): string | null {
  const text = raw.toString()
  const head = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ')
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':')
    if (line.slice(0, i).toLowerCase() === name.toLowerCase()) return line.slice(i + 1).trim()
  }
  return null
}
