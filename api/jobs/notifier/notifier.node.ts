import { hostname } from 'node:os'
import { randomString } from '../../../core/ids.ts'
import type { Deps } from '../../deps.ts'
import { createChannels } from './channels/index.ts'
import type { HttpPoster } from './channels/http-post.ts'
import { createSender } from './sender.ts'
import {
  mailboxTransport,
  smtpTransport,
  type MailTransport,
} from './channels/email-transport.node.ts'
import { createFanOut } from './fanout.ts'
import { DEFAULT_TIMING, type NotifierTiming } from './timing.ts'
import { createWaker } from './wake.ts'
import { retryDelay } from '../retry.ts'

/** SMTP when SMTP_URL is set; otherwise the dev mailbox, so a fresh `npm start` shows its mail. */
export function transportFor(mail: Deps['config']['mail']): MailTransport {
  return mail.smtpUrl
    ? smtpTransport({ ...mail, smtpUrl: mail.smtpUrl })
    : mailboxTransport(mail.mailboxDir)
}

export interface NotifierOptions {
  transport: MailTransport
  timing?: NotifierTiming
  /** Sends in flight at full speed; defaults to twice the SMTP pool, so no connection idles. */
  maxInFlight?: number
  /** HTTP calls (webhooks, chat, SMS) in flight at once (default: the sender's). */
  maxPostsInFlight?: number
  /** Leases name their holder; unique per process unless a test sets it. */
  owner?: string
  random?: () => number
  /** Makes the HTTP calls of the URL channels (webhooks, chat); tests inject failures here. */
  post?: HttpPoster
  /** The fan-out created deliveries (a notifier thread tells the others to look for work). */
  onDeliveries?: () => void
}

/**
 * The notifier: fan-out (outbox events → deliveries) and sender (deliveries → each recipient's
 * channel: SMTP, webhooks, chat, SMS), both lease-based, so any number of notifier processes can
 * run against one database.
 */
const COALESCE_MS = 20

export function createNotifier(deps: Deps, opts: NotifierOptions) {
  const timing = opts.timing ?? DEFAULT_TIMING
  const owner =
    opts.owner ??
    `${hostname()}:${process.pid}:${randomString(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}`
  const fanOut = createFanOut(deps, { owner, leaseMs: timing.leaseMs, batch: 200 })
  const channels = createChannels(deps, { transport: opts.transport, post: opts.post })
  const sender = createSender(deps, channels, {
    owner,
    leaseMs: timing.leaseMs,
    pollMs: timing.pollMs,
    backoff: timing.backoff,
    quarantineAfter: timing.quarantineAfter,
    maxInFlight: opts.maxInFlight ?? deps.config.mail.poolSize * 2,
    maxPostsInFlight: opts.maxPostsInFlight,
    slowMs: timing.slowMs,
    random: opts.random,
  })
  const waker = createWaker()
  let running = false
  let loop: Promise<void> | null = null

  async function fanOutLoop() {
    let failures = 0
    while (running) {
      try {
        const r = await fanOut.runOnce()
        if (r.deliveries > 0) {
          sender.kick()
          opts.onDeliveries?.()
        }
        if (failures > 0) deps.health?.set('notifier', 'ok')
        failures = 0
      } catch (err) {
        // Logged, reported on /healthz and retried after a growing delay; never fatal.
        failures++
        deps.log.error('fan-out failed', { error: (err as Error).message, failures })
        deps.health?.fail('notifier', err)
        // Kicks (every write) do not cut the delay short; stop() does.
        const until = Date.now() + retryDelay(failures)
        while (running && Date.now() < until) await waker.sleep(until - Date.now())
        continue
      }
      // Let a burst of writes gather (they are fanned out together in one batch), so the notifier
      // does not add a write of its own for every write the API makes.
      await new Promise((r) => setTimeout(r, COALESCE_MS))
      // Renew well before the lease runs out, even when there is nothing to do.
      await waker.sleep(Math.min(timing.pollMs, timing.leaseMs / 3))
    }
  }

  return {
    owner,
    transport: opts.transport,
    stats: sender.stats,
    fanOut,
    sender,
    start() {
      if (running) return
      running = true
      deps.health?.set('notifier', 'ok')
      loop = fanOutLoop()
      sender.start()
    },
    /** Something was written: fan out now rather than at the next poll (the fan-out wakes the
     * sender when it created deliveries). */
    kick() {
      waker.poke()
    },
    async stop() {
      running = false
      waker.poke()
      await loop
      await sender.stop()
      await fanOut.release().catch(() => {})
      await opts.transport.close()
    },
  }
}

export type Notifier = ReturnType<typeof createNotifier>
