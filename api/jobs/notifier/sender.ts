import type { Statement } from '../../../db/client.ts'
import {
  claimDeliveries,
  markFailed,
  markRetry,
  markSent,
  markSkipped,
  releaseDeliveries,
  type ClaimedDelivery,
} from '../../../db/deliveries.ts'
import type { Deps } from '../../deps.ts'
import type { Outcome, Rendered } from './channels/channel.ts'
import type { Channels } from './channels/index.ts'
import { createContextLoader } from './context.ts'
import { backoffDelay, createPacer, type BackoffOptions } from './pacing.ts'
import { createWaker } from './wake.ts'

export interface SenderOptions {
  /** Identifies this process in leases. */
  owner: string
  /** How long a claimed delivery stays ours; a crashed sender's work is retried after it. */
  leaseMs: number
  /** How often to look for due deliveries when nothing wakes the sender. */
  pollMs: number
  backoff: BackoffOptions
  /** Permanent failures in a row after which an address is quarantined. */
  quarantineAfter: number
  /** Sends in flight at full speed (the paced channel: SMTP). */
  maxInFlight: number
  /**
   * HTTP calls (webhooks, chat, SMS) in flight at once. They do not share the SMTP pacer, and each
   * waits mostly on a remote server, so many run at once; bounded so a slow receiver cannot hold
   * more claimed rows than the sender can start well within their lease.
   */
  maxPostsInFlight?: number
  /** A reply slower than this counts as the server slowing down. */
  slowMs: number
  random?: () => number
}

const iso = (ms: number) => new Date(ms).toISOString()
const MAX_MARKS_PER_BATCH = 500
const MAX_CLAIM = 200
const MAX_POSTS_IN_FLIGHT = 64
const GATHER_MS = 5
// Sent but not yet recorded: if the database falls behind, sending waits for it.
const MAX_UNRECORDED = 1000

/**
 * Records outcomes with group commit: outcomes that arrive within a few milliseconds are written
 * in one batch. At thousands of messages a second this is a few hundred writes a second instead
 * of thousands; the price is that a crash can forget the last few milliseconds of sends (which
 * are then sent again with the same Message-ID, see decision 004).
 */
function createMarks(deps: Deps) {
  let sent: { id: number; done: () => void }[] = []
  let other: { statements: Statement[]; done: () => void }[] = []
  let flushing: Promise<void> | null = null

  async function flush(): Promise<void> {
    while (sent.length || other.length) {
      const s = sent.splice(0, MAX_MARKS_PER_BATCH)
      const o = other.splice(0, MAX_MARKS_PER_BATCH)
      const at = deps.clock.now().toISOString()
      const statements = [
        ...(s.length
          ? markSent(
              s.map((x) => x.id),
              at,
            )
          : []),
        ...o.flatMap((x) => x.statements),
      ]
      try {
        await deps.db.batch(statements, 'write')
        for (const x of [...s, ...o]) x.done()
      } catch (err) {
        // The mail went out; losing the record would send it again after the lease. Keep it.
        deps.log.error('recording deliveries failed; retrying', { error: (err as Error).message })
        sent = [...s, ...sent]
        other = [...o, ...other]
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  }

  // A local libSQL file commits synchronously, so "whatever arrived during the last write" would
  // be nothing: outcomes are gathered for a few milliseconds instead (or until a batch is full).
  let timer: ReturnType<typeof setTimeout> | null = null
  function kick() {
    if (flushing || timer) return
    const go = () => {
      timer = null
      flushing = flush().finally(() => {
        flushing = null
        if (sent.length || other.length) kick()
      })
    }
    if (sent.length + other.length >= MAX_MARKS_PER_BATCH) go()
    else timer = setTimeout(go, GATHER_MS)
  }

  return {
    sent(id: number): Promise<void> {
      return new Promise((done) => {
        sent.push({ id, done })
        kick()
      })
    },
    record(statements: Statement[]): Promise<void> {
      return new Promise((done) => {
        other.push({ statements, done })
        kick()
      })
    },
  }
}

/**
 * Sends due deliveries. Claims a few windows' worth at a time (one when the server is pushing
 * back), starts as many as the pacer allows to talk to the mail server at once and up to
 * `maxPostsInFlight` HTTP calls, and records each outcome right after the server's answer.
 * Claimed rows that wait too long go back unsent, and at most MAX_UNRECORDED outcomes may wait
 * for the database, so sending never runs far ahead of it.
 */
export function createSender(deps: Deps, channels: Channels, opts: SenderOptions) {
  const random = opts.random ?? Math.random
  const now = () => deps.clock.now().getTime()
  const contextOf = createContextLoader(deps)
  const pacer = createPacer(
    { max: opts.maxInFlight, slowMs: opts.slowMs, maxSpacingMs: 30_000 },
    () => performance.now(),
  )
  const marks = createMarks(deps)
  // Every started delivery until its outcome is recorded (for stop() and back-pressure)...
  const inFlight = new Set<Promise<void>>()
  // ...and those of them still talking to the SMTP server, which is what the pacer limits: a
  // message waiting for the group commit must not hold a connection's turn; HTTP calls (not
  // paced) are counted apart, up to maxPosts.
  let sending = 0
  let posting = 0
  const maxPosts = opts.maxPostsInFlight ?? MAX_POSTS_IN_FLIGHT
  const isPaced = (d: ClaimedDelivery) => channels[d.channel]?.paced === true
  const stats = { sent: 0, retried: 0, failed: 0, skipped: 0 }
  let running = false
  let loop: Promise<void> | null = null
  const waker = createWaker()
  const sleep = waker.sleep

  async function sendOne(d: ClaimedDelivery, slotDone: () => void): Promise<void> {
    const channel = channels[d.channel]
    let rendered: Rendered<unknown>
    try {
      const ctx = await contextOf(d.eventId)
      rendered =
        ctx.type === 'gone'
          ? { skip: ctx.reason }
          : channel
            ? await channel.render(d, ctx)
            : { skip: `skipped: no ${d.channel} channel is configured` }
    } catch (err) {
      const message = `render failed: ${(err as Error).message}`
      deps.log.error('render failed', { delivery: d.id, channel: d.channel, error: message })
      await marks.record([
        markRetry(d.id, iso(now() + backoffDelay(d.attempts, opts.backoff, random)), message),
      ])
      stats.retried++
      return
    }
    if ('skip' in rendered || !channel) {
      await marks.record([markSkipped(d.id, 'skip' in rendered ? rendered.skip : 'skipped')])
      stats.skipped++
      return
    }
    const started = performance.now()
    if (channel.paced) pacer.started()
    let outcome: Outcome
    try {
      outcome = await channel.send(rendered.message)
    } catch (err) {
      outcome = { result: 'retry', message: (err as Error).message }
    }
    slotDone()
    if (outcome.result === 'delivered') {
      if (channel.paced) pacer.success(performance.now() - started)
      stats.sent++
      await marks.sent(d.id)
      return
    }
    if (outcome.result === 'permanent') {
      stats.failed++
      deps.log.warn('delivery failed permanently', {
        delivery: d.id,
        channel: d.channel,
        error: outcome.message,
      })
      await marks.record(
        markFailed(
          d.id,
          d.subscriber?.id ?? null,
          outcome.message,
          deps.clock.now().toISOString(),
          opts.quarantineAfter,
        ),
      )
      return
    }
    stats.retried++
    if (outcome.pushBack && channel.paced) pacer.pushBack()
    // Never sooner than the backoff; later when the receiver asked for longer (Retry-After).
    const delay = Math.max(
      backoffDelay(d.attempts, opts.backoff, random),
      outcome.retryAfterMs ?? 0,
    )
    await marks.record([markRetry(d.id, iso(now() + delay), outcome.message)])
  }

  // Claimed rows not started yet, with when their lease began. Claiming several windows' worth at
  // once keeps the claim query off the per-message path.
  let ready: { d: ClaimedDelivery; at: number }[] = []

  function launch(d: ClaimedDelivery) {
    const paced = isPaced(d)
    if (paced) sending++
    else posting++
    let smtp = true
    const smtpDone = () => {
      if (!smtp) return
      smtp = false
      if (paced) sending--
      else posting--
      waker.poke()
    }
    const p: Promise<void> = sendOne(d, smtpDone)
      .catch((err: Error) =>
        deps.log.error('send failed unexpectedly', { delivery: d.id, error: err.message }),
      )
      .finally(() => {
        smtpDone()
        inFlight.delete(p)
        waker.poke()
      })
    inFlight.add(p)
  }

  /** Hands unstarted rows back at once, so another sender need not wait for the lease to end. */
  async function giveBack(rows: { d: ClaimedDelivery }[]) {
    if (rows.length === 0) return
    await marks.record([
      releaseDeliveries(
        rows.map((r) => r.d.id),
        opts.owner,
      ),
    ])
  }

  async function run(): Promise<void> {
    while (running) {
      const wait = pacer.wait()
      if (wait > 0) {
        await sleep(wait)
        continue
      }
      // When spaced out, one message at a time, so the gap holds between every two sends.
      const slow = pacer.spacing > 0
      const limit = slow ? 1 : pacer.limit
      // A row must start well within its lease; one held back too long (the server pushed back
      // meanwhile) goes back to the pool rather than risk being sent by two senders.
      const t0 = now()
      const stale = ready.filter((r) => t0 - r.at > opts.leaseMs / 2 || (slow && ready.length > 1))
      if (stale.length) {
        ready = ready.filter((r) => !stale.includes(r))
        await giveBack(stale)
      }
      // The pacer is about the mail server: HTTP calls do not take its turns.
      const canStart = (d: ClaimedDelivery) => (isPaced(d) ? sending < limit : posting < maxPosts)
      if ((sending >= limit && posting >= maxPosts) || inFlight.size >= MAX_UNRECORDED) {
        await sleep(opts.pollMs)
        continue
      }
      if (ready.length === 0) {
        let claimed: ClaimedDelivery[]
        try {
          const t = now()
          const want = slow ? 1 : Math.min(MAX_CLAIM, limit * 4 + maxPosts)
          claimed = await claimDeliveries(deps.db, opts.owner, iso(t), iso(t + opts.leaseMs), want)
          ready = claimed.map((d) => ({ d, at: t }))
        } catch (err) {
          deps.log.error('claiming deliveries failed', { error: (err as Error).message })
          await sleep(opts.pollMs)
          continue
        }
        if (ready.length === 0) {
          await sleep(opts.pollMs)
          continue
        }
      }
      let started = 0
      for (let i = 0; i < ready.length && inFlight.size < MAX_UNRECORDED;) {
        if (!canStart(ready[i]!.d)) {
          i++
          continue
        }
        launch(ready.splice(i, 1)[0]!.d)
        started++
      }
      if (started === 0) await sleep(opts.pollMs)
    }
    await giveBack(ready)
    ready = []
  }

  return {
    stats,
    pacer,
    start() {
      if (running) return
      running = true
      loop = run()
    },
    /** Something may be due now (a fan-out just happened): look without waiting for the poll. */
    kick: waker.poke,
    /**
     * Stops claiming, then waits (up to `graceMs`) for what is in flight to be sent and recorded.
     * Past that (the database is down, say) it gives up: the leases run out and the work is
     * picked up again, by this process after a restart or by another.
     */
    async stop(graceMs = 15_000) {
      running = false
      waker.poke()
      let timer: ReturnType<typeof setTimeout> | undefined
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))
      await Promise.race([
        (async () => {
          await loop
          await Promise.all([...inFlight])
        })(),
        grace,
      ])
      clearTimeout(timer)
    },
  }
}

export type Sender = ReturnType<typeof createSender>
