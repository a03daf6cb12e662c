import type { Statement } from '../../../db/client.ts'
import {
  advanceConsumer,
  claimConsumer,
  fanOutToAddress,
  fanOutToComponentAudience,
  fanOutToContact,
  fanOutToDigestReaders,
  fanOutToFeedbackReporter,
  fanOutToRecordAudience,
  fanOutToSubscriber,
  releaseConsumer,
} from '../../../db/deliveries.ts'
import { readOutbox, type StoredEvent } from '../../../db/journal.ts'
import type { Deps } from '../../deps.ts'
import { CONFIRMATION_QUOTA, THANK_YOU_QUOTA } from '../../services/rate-limit.ts'
import { emailRouteOf } from './routes.ts'

export const FANOUT_CONSUMER = 'notifier'

export interface FanOutOptions {
  /** Identifies this process in leases. */
  owner: string
  leaseMs: number
  /** Events read per query. */
  batch: number
}

export interface FanOutResult {
  /** False when another process holds the fan-out lease. */
  held: boolean
  events: number
  deliveries: number
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Turns outbox events into deliveries. One process at a time holds the fan-out (a lease on its
 * row in consumer_positions); each mailed event is one batch: a single INSERT … SELECT for the
 * whole audience plus the position moving past it, so a crash leaves either both or neither.
 * Has no Node-only imports: it could run wherever the database is reachable.
 */
export function createFanOut(deps: Deps, opts: FanOutOptions) {
  const { owner, leaseMs } = opts

  function statementsFor(e: StoredEvent, at: string): Statement[] {
    const route = emailRouteOf(e)
    if (!route) return []
    const base = { consumer: FANOUT_CONSUMER, owner, eventId: e.id, at }
    // Mail to any address a stranger types (a confirmation request, a thank-you): at most so
    // many per address, counted in the database.
    const now = Date.parse(at)
    const quotaOf = (q: { perHour: number; perDay: number }) => ({
      ...q,
      eventType: e.type,
      hourAgo: iso(now - 3_600_000),
      dayAgo: iso(now - 86_400_000),
    })
    if (route.audience === 'subscriber') {
      const subscriberId = e.payload.subscriber_id
      if (typeof subscriberId !== 'string') return []
      const quota = route.kind === 'confirmation' ? quotaOf(CONFIRMATION_QUOTA) : undefined
      return [fanOutToSubscriber({ ...base, subscriberId, quota })]
    }
    if (route.audience === 'contact') {
      const subscriberId = e.payload.subscriber_id
      if (typeof subscriberId !== 'string') return []
      return [fanOutToContact({ ...base, subscriberId })]
    }
    if (route.audience === 'component') {
      return [
        fanOutToComponentAudience({
          ...base,
          componentId: e.aggregateId,
          channels: route.channels,
        }),
      ]
    }
    if (route.audience === 'feedback') {
      const feedbackId = e.payload.feedback_id
      if (typeof feedbackId !== 'string') return []
      // Mail to an address anyone may type into the form keeps to the thank-you quota; an answer
      // is written by staff to this one report, so it always goes.
      const quota = route.kind !== 'feedback_answered' ? quotaOf(THANK_YOU_QUOTA) : undefined
      return [fanOutToFeedbackReporter({ ...base, feedbackId, quota })]
    }
    if (route.audience === 'oncall') {
      // Read at fan-out time: the addresses are then part of the delivery rows, so a retry
      // after a configuration change still goes where the nudge was first meant to go.
      const { oncallEmail, oncallWebhookUrl } = deps.config.recovery
      return [
        ...(oncallEmail
          ? [fanOutToAddress({ ...base, channel: 'email', address: oncallEmail })]
          : []),
        ...(oncallWebhookUrl
          ? [fanOutToAddress({ ...base, channel: 'webhook', address: oncallWebhookUrl })]
          : []),
      ]
    }
    if (route.audience === 'staff') {
      const { oncallEmail } = deps.config.recovery
      return [
        ...(oncallEmail
          ? [fanOutToAddress({ ...base, channel: 'email', address: oncallEmail })]
          : []),
        fanOutToDigestReaders(base),
      ]
    }
    if (route.audience === 'person') {
      // The address the link was made for (the service limits how often: people.ts).
      const email = e.payload.email
      if (typeof email !== 'string' || !email) return []
      return [fanOutToAddress({ ...base, channel: 'email', address: email })]
    }
    return [fanOutToRecordAudience({ ...base, recordId: e.aggregateId, channels: route.channels })]
  }

  /** Fans out everything written since the position; returns what it did. */
  async function runOnce(): Promise<FanOutResult> {
    const now = deps.clock.now().getTime()
    const start = await claimConsumer(deps.db, FANOUT_CONSUMER, owner, iso(now), iso(now + leaseMs))
    const result: FanOutResult = { held: start !== null, events: 0, deliveries: 0 }
    if (start === null) return result
    let position = start
    for (;;) {
      const events = await readOutbox(deps.db, position, opts.batch)
      if (events.length === 0) return result
      // Events nobody is mailed about are skipped together: one position move for the run.
      let skipTo = position
      for (const e of events) {
        const at = deps.clock.now()
        const fan = statementsFor(e, at.toISOString())
        if (fan.length === 0) {
          skipTo = e.id
          continue
        }
        const lease = iso(at.getTime() + leaseMs)
        if (skipTo > position) {
          if (!(await advance(skipTo, lease))) return result
        }
        const rs = await deps.db.batch(
          [...fan, advanceConsumer(FANOUT_CONSUMER, owner, e.id, lease)],
          'write',
        )
        // The lease moved to another process (we stalled past it): stop; it carries on from here.
        if (rs.at(-1)!.rowsAffected === 0) return result
        for (const r of rs.slice(0, -1)) result.deliveries += r.rowsAffected
        result.events++
        position = skipTo = e.id
      }
      if (skipTo > position) {
        const lease = iso(deps.clock.now().getTime() + leaseMs)
        if (!(await advance(skipTo, lease))) return result
        position = skipTo
      }
    }
  }

  async function advance(to: number, lease: string): Promise<boolean> {
    const rs = await deps.db.execute(advanceConsumer(FANOUT_CONSUMER, owner, to, lease))
    return rs.rowsAffected > 0
  }

  return {
    runOnce,
    /** Lets another process take over at once instead of waiting for the lease to run out. */
    async release() {
      await deps.db.execute(releaseConsumer(FANOUT_CONSUMER, owner))
    },
  }
}

export type FanOut = ReturnType<typeof createFanOut>
