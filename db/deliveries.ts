import type { Row } from '@libsql/client'
import { ChannelName } from '../core/channels.ts'
import { placeholders, type Db, type Statement } from './client.ts'
import { num, oneOf, str, strOrNull } from './rows.ts'

/**
 * The notifier's tables: deliveries (one row per event and recipient: a subscriber, or a plain
 * address such as a feedback reporter or on-call) and the outbox position of a consumer. Work is claimed with leases: a row belongs to whoever set `lease_owner` until
 * `lease_until`, so several notifier processes can share the work and a crashed one's rows are
 * picked up again once its lease runs out.
 */

/** Takes (or renews) a consumer's lease; returns its position, or null while another holds it. */
export async function claimConsumer(
  db: Db,
  consumer: string,
  owner: string,
  now: string,
  leaseUntil: string,
): Promise<number | null> {
  const [, claimed] = await db.batch(
    [
      {
        sql: 'INSERT INTO consumer_positions (consumer, event_id) VALUES (?, 0) ON CONFLICT DO NOTHING',
        args: [consumer],
      },
      {
        sql: `UPDATE consumer_positions SET lease_owner = ?, lease_until = ?
              WHERE consumer = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)
              RETURNING event_id`,
        args: [owner, leaseUntil, consumer, owner, now],
      },
    ],
    'write',
  )
  const row = claimed!.rows[0]
  return row ? num(row, 'event_id') : null
}

export function releaseConsumer(consumer: string, owner: string): Statement {
  return {
    sql: 'UPDATE consumer_positions SET lease_owner = NULL, lease_until = NULL WHERE consumer = ? AND lease_owner = ?',
    args: [consumer, owner],
  }
}

/**
 * Moves the position forward and renews the lease, only for the lease holder and never backwards.
 * Goes in the same batch as the event's deliveries, so both happen or neither does.
 */
export function advanceConsumer(
  consumer: string,
  owner: string,
  eventId: number,
  leaseUntil: string,
): Statement {
  return {
    sql: `UPDATE consumer_positions SET event_id = ?, lease_until = ?
          WHERE consumer = ? AND lease_owner = ? AND event_id < ?`,
    args: [eventId, leaseUntil, consumer, owner, eventId],
  }
}

/** Only the lease holder may fan an event out, and only once (a stale holder adds nothing). */
const HOLDER_GUARD = `EXISTS (SELECT 1 FROM consumer_positions
  WHERE consumer = :consumer AND lease_owner = :owner AND event_id < :event)`

interface FanOut {
  consumer: string
  owner: string
  eventId: number
  at: string
}

/**
 * One delivery per confirmed subscriber who follows every component or any component the record
 * holds. One statement whatever the audience size; UNIQUE(event_id, subscriber_id) makes a repeat
 * add nothing.
 */
export function fanOutToRecordAudience(
  f: FanOut & { recordId: string; channels?: readonly ChannelName[] },
): Statement {
  return {
    sql: `INSERT INTO deliveries (event_id, subscriber_id, channel, status, next_attempt_at, created_at)
          SELECT :event, s.id, s.channel, 'pending', :at, :at FROM subscribers s
          WHERE s.status = 'confirmed' ${channelGuard(f.channels)}
            AND (s.all_components = 1 OR EXISTS (
              SELECT 1 FROM subscriber_components sc
              JOIN incident_components ic ON ic.component_id = sc.component_id
              WHERE sc.subscriber_id = s.id AND ic.incident_id = :record))
            AND ${HOLDER_GUARD}
          ON CONFLICT DO NOTHING`,
    args: {
      event: f.eventId,
      at: f.at,
      record: f.recordId,
      consumer: f.consumer,
      owner: f.owner,
      ...channelArgs(f.channels),
    },
  }
}

/**
 * One delivery per confirmed subscriber of `channels` who follows every component or this one
 * (a component's status change).
 */
export function fanOutToComponentAudience(
  f: FanOut & { componentId: string; channels?: readonly ChannelName[] },
): Statement {
  return {
    sql: `INSERT INTO deliveries (event_id, subscriber_id, channel, status, next_attempt_at, created_at)
          SELECT :event, s.id, s.channel, 'pending', :at, :at FROM subscribers s
          WHERE s.status = 'confirmed' ${channelGuard(f.channels)}
            AND (s.all_components = 1 OR EXISTS (
              SELECT 1 FROM subscriber_components sc
              WHERE sc.subscriber_id = s.id AND sc.component_id = :component))
            AND ${HOLDER_GUARD}
          ON CONFLICT DO NOTHING`,
    args: {
      event: f.eventId,
      at: f.at,
      component: f.componentId,
      consumer: f.consumer,
      owner: f.owner,
      ...channelArgs(f.channels),
    },
  }
}

/** `AND` the subscriber's channel is one of `channels` (nothing when every channel is meant). */
function channelGuard(channels: readonly ChannelName[] | undefined): string {
  if (!channels) return ''
  return `AND s.channel IN (${channels.map((_, i) => `:channel_${i}`).join(', ')})`
}

function channelArgs(channels: readonly ChannelName[] | undefined): Record<string, string> {
  return Object.fromEntries((channels ?? []).map((c, i) => [`channel_${i}`, c]))
}

/**
 * One email to the contact address of a non-email subscriber (its quarantine notice), whatever
 * its status; none when it left no contact address.
 */
export function fanOutToContact(f: FanOut & { subscriberId: string }): Statement {
  return {
    sql: `INSERT INTO deliveries (event_id, subscriber_id, channel, status, next_attempt_at, created_at)
          SELECT :event, s.id, 'email', 'pending', :at, :at FROM subscribers s
          WHERE s.id = :subscriber AND s.channel != 'email' AND trim(COALESCE(s.email, '')) != ''
            AND ${HOLDER_GUARD}
          ON CONFLICT DO NOTHING`,
    args: {
      event: f.eventId,
      at: f.at,
      subscriber: f.subscriberId,
      consumer: f.consumer,
      owner: f.owner,
    },
  }
}

/**
 * Exactly one delivery to one subscriber, pending or confirmed (a confirmation request); never to
 * an unsubscribed or quarantined one. With `quota`, none once the address has had its share.
 * It goes through the subscriber's channel, or its `confirm_via` (a confirmation request sent to
 * a webhook's contact address, say).
 */
export function fanOutToSubscriber(
  f: FanOut & { subscriberId: string; quota?: RecipientQuota },
): Statement {
  // A mailbox (a subscriber's, or a webhook's contact address) shares a quota however it is
  // tagged; a request sent through another channel counts against that endpoint.
  const key = `(CASE WHEN COALESCE(s.confirm_via, s.channel) = 'email'
    THEN ${quotaKeySql('s.email')} ELSE s.target_key END)`
  return {
    sql: `INSERT INTO deliveries (event_id, subscriber_id, channel, status, next_attempt_at, created_at, quota_key)
          SELECT :event, s.id, COALESCE(s.confirm_via, s.channel), 'pending', :at, :at, ${key}
          FROM subscribers s
          WHERE s.id = :subscriber AND s.status IN ('pending', 'confirmed')
            AND ${HOLDER_GUARD} ${quotaGuard(key, f.quota)}
          ON CONFLICT DO NOTHING`,
    args: {
      event: f.eventId,
      at: f.at,
      subscriber: f.subscriberId,
      consumer: f.consumer,
      owner: f.owner,
      ...quotaArgs(f.quota),
    },
  }
}

/**
 * Exactly one delivery to a plain address that is no subscriber (on-call's mailbox or webhook).
 * The recipient key is the channel and the lower-cased address, so a repeat adds nothing.
 */
export function fanOutToAddress(f: FanOut & { channel: ChannelName; address: string }): Statement {
  return {
    sql: `INSERT INTO deliveries (event_id, channel, address, status, next_attempt_at, created_at)
          SELECT :event, :channel, :address, 'pending', :at, :at WHERE ${HOLDER_GUARD}
          ON CONFLICT DO NOTHING`,
    args: {
      event: f.eventId,
      at: f.at,
      channel: f.channel,
      address: f.address,
      consumer: f.consumer,
      owner: f.owner,
    },
  }
}

/**
 * One delivery to every active person who asked for the inbox digest (users.inbox_digest), read
 * at fan-out time. The recipient key is the lower-cased address, so a person whose address is
 * also ONCALL_EMAIL gets one copy.
 */
export function fanOutToDigestReaders(f: FanOut): Statement {
  return {
    sql: `INSERT INTO deliveries (event_id, channel, address, status, next_attempt_at, created_at)
          SELECT :event, 'email', u.email, 'pending', :at, :at FROM users u
          WHERE u.inbox_digest = 1 AND u.status = 'active' AND ${HOLDER_GUARD}
          ON CONFLICT DO NOTHING`,
    args: { event: f.eventId, at: f.at, consumer: f.consumer, owner: f.owner },
  }
}

/**
 * How many mails of one kind (thank-yous, confirmation requests) one address may get: counted
 * over the deliveries already made for `eventType` events to it, so the limit holds across
 * processes and restarts.
 */
export interface RecipientQuota {
  eventType: string
  perHour: number
  perDay: number
  hourAgo: string
  dayAgo: string
}

/**
 * The one key an address is counted under by the quotas, as SQL over the column `email`: trimmed,
 * lower-cased, and with any `+tag` removed from the local part, so victim+1@example.org and
 * victim+2@example.org share victim@example.org's quota.
 */
export function quotaKeySql(email: string): string {
  const a = `lower(trim(${email}))`
  const plus = `instr(${a}, '+')`
  const at = `instr(${a}, '@')`
  return `(CASE WHEN ${plus} > 0 AND ${plus} < ${at}
    THEN substr(${a}, 1, ${plus} - 1) || substr(${a}, ${at}) ELSE ${a} END)`
}

/** `AND` the address keyed `key` has had fewer than its share of `quota` (nothing without one). */
function quotaGuard(key: string, quota: RecipientQuota | undefined): string {
  if (!quota) return ''
  const had = (since: string) =>
    `(SELECT COUNT(*) FROM deliveries d JOIN outbox o ON o.id = d.event_id
      WHERE d.quota_key = ${key} AND d.created_at > :${since} AND o.type = :quota_type)`
  return `AND ${had('hour_ago')} < :per_hour AND ${had('day_ago')} < :per_day`
}

function quotaArgs(q: RecipientQuota | undefined): Record<string, string | number> {
  return q
    ? {
        quota_type: q.eventType,
        hour_ago: q.hourAgo,
        day_ago: q.dayAgo,
        per_hour: q.perHour,
        per_day: q.perDay,
      }
    : {}
}

/**
 * One delivery to whoever sent a piece of feedback, when they left an address; with `quota`,
 * none once that address has had its share (checked in the same statement, so two reports at
 * once cannot both slip under it).
 */
export function fanOutToFeedbackReporter(
  f: FanOut & { feedbackId: string; quota?: RecipientQuota },
): Statement {
  const key = quotaKeySql('fb.email')
  return {
    sql: `INSERT INTO deliveries (event_id, channel, address, status, next_attempt_at, created_at, quota_key)
          SELECT :event, 'email', trim(fb.email), 'pending', :at, :at, ${key} FROM feedback fb
          WHERE fb.id = :feedback AND trim(COALESCE(fb.email, '')) != '' AND ${HOLDER_GUARD}
            ${quotaGuard(key, f.quota)}
          ON CONFLICT DO NOTHING`,
    args: {
      event: f.eventId,
      at: f.at,
      feedback: f.feedbackId,
      consumer: f.consumer,
      owner: f.owner,
      ...quotaArgs(f.quota),
    },
  }
}

export interface SubscriberRecipient {
  id: string
  channel: ChannelName
  /** The mailbox, or another channel's contact address (may be absent). */
  email: string | null
  /** The URL or E.164 number of a non-email subscription. */
  target: string | null
  /** A webhook's signing secret, encrypted (api/services/secret-box.ts). */
  secret: string | null
  locale: string
  allComponents: boolean
  status: string
  tokenVersion: number
  /** When the last confirmation was asked for (a text's code derives from it). */
  confirmationSentAt: string | null
  /** Component ids, for a subscriber who does not follow everything. */
  components: string[]
}

/** A claimed delivery with what rendering needs: the recipient and the event. */
export interface ClaimedDelivery {
  id: number
  eventId: number
  attempts: number
  /** The channel this delivery goes through (not always the subscriber's: see fanOutToSubscriber). */
  channel: ChannelName
  /** The subscriber, or null for a delivery to a plain `address`. */
  subscriber: SubscriberRecipient | null
  address: string | null
}

/**
 * Claims up to `limit` due pending deliveries for `owner` in one atomic statement: a row whose
 * lease is live belongs to someone else and is skipped. Counts the attempt at claim time, so a
 * message that crashes its sender still moves towards its backoff.
 */
export async function claimDeliveries(
  db: Db,
  owner: string,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const claimed = await db.execute({
    sql: `UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
          WHERE id IN (
            SELECT id FROM deliveries
            WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
            ORDER BY next_attempt_at LIMIT ?)
          RETURNING id`,
    args: [owner, leaseUntil, now, now, limit],
  })
  const ids = claimed.rows.map((r) => num(r, 'id'))
  if (ids.length === 0) return []
  const [rows, comps] = await db.batch(
    [
      {
        sql: `SELECT d.id, d.event_id, d.attempts, d.channel, d.address, s.id AS subscriber_id,
                s.channel AS subscriber_channel, s.email, s.target, s.secret, s.locale,
                s.all_components, s.status, s.token_version, s.confirmation_sent_at
              FROM deliveries d LEFT JOIN subscribers s ON s.id = d.subscriber_id
              WHERE d.id IN (${placeholders(ids.length)}) ORDER BY d.id`,
        args: ids,
      },
      {
        sql: `SELECT sc.subscriber_id, sc.component_id FROM subscriber_components sc
              JOIN deliveries d ON d.subscriber_id = sc.subscriber_id
              JOIN subscribers s ON s.id = sc.subscriber_id AND s.all_components = 0
              WHERE d.id IN (${placeholders(ids.length)})`,
        args: ids,
      },
    ],
    'read',
  )
  const bySubscriber = new Map<string, Set<string>>()
  for (const r of comps!.rows) {
    const sid = str(r, 'subscriber_id')
    let set = bySubscriber.get(sid)
    if (!set) bySubscriber.set(sid, (set = new Set()))
    set.add(str(r, 'component_id'))
  }
  return rows!.rows.map((r) => rowToClaimed(r, bySubscriber))
}

function rowToClaimed(r: Row, comps: Map<string, Set<string>>): ClaimedDelivery {
  const base = {
    id: num(r, 'id'),
    eventId: num(r, 'event_id'),
    attempts: num(r, 'attempts'),
    channel: oneOf(r, 'channel', ChannelName.options),
  }
  const sid = strOrNull(r, 'subscriber_id')
  if (sid === null) return { ...base, subscriber: null, address: strOrNull(r, 'address') }
  return {
    ...base,
    address: null,
    subscriber: {
      id: sid,
      channel: oneOf(r, 'subscriber_channel', ChannelName.options),
      email: strOrNull(r, 'email'),
      target: strOrNull(r, 'target'),
      secret: strOrNull(r, 'secret'),
      locale: str(r, 'locale'),
      allComponents: num(r, 'all_components') === 1,
      status: str(r, 'status'),
      tokenVersion: num(r, 'token_version'),
      confirmationSentAt: strOrNull(r, 'confirmation_sent_at'),
      components: [...(comps.get(sid) ?? [])],
    },
  }
}

/** Gives claimed, unstarted rows back (the claim's attempt did not happen). */
export function releaseDeliveries(ids: readonly number[], owner: string): Statement {
  return {
    sql: `UPDATE deliveries SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
          WHERE id IN (${placeholders(ids.length)}) AND lease_owner = ? AND +status = 'pending'`,
    args: [...ids, owner],
  }
}

/**
 * Sent: the server answered 250. A success also ends a run of permanent failures.
 * (`+status` keeps SQLite on the primary key: through the status index it would walk every
 * pending row, 100,000 of them during a large fan-out, for each batch of marks.)
 */
export function markSent(ids: readonly number[], at: string): Statement[] {
  const list = placeholders(ids.length)
  return [
    {
      sql: `UPDATE deliveries SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL,
              last_error = NULL
            WHERE id IN (${list}) AND +status = 'pending'`,
      args: [at, ...ids],
    },
    {
      sql: `UPDATE subscribers SET permanent_failures = 0
            WHERE permanent_failures > 0
              AND id IN (SELECT subscriber_id FROM deliveries WHERE id IN (${list}))`,
      args: [...ids],
    },
  ]
}

/** Not this time (4xx, network): try again at `nextAttemptAt`, by whoever claims it then. */
export function markRetry(id: number, nextAttemptAt: string, error: string): Statement {
  return {
    sql: `UPDATE deliveries SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
          WHERE id = ? AND status = 'pending'`,
    args: [nextAttemptAt, error.slice(0, 1000), id],
  }
}

/** Will not be sent (the subscriber left, say), without counting against the address. */
export function markSkipped(id: number, reason: string): Statement {
  return {
    sql: `UPDATE deliveries SET status = 'failed', last_error = ?, lease_owner = NULL, lease_until = NULL
          WHERE id = ? AND status = 'pending'`,
    args: [reason, id],
  }
}

/**
 * A permanent rejection (a 5xx to RCPT, a 4xx from a webhook, a refused address): the delivery
 * fails, and the subscriber is quarantined after `quarantineAfter` permanent failures in a row, so
 * a dead mailbox or endpoint stops receiving. A non-email subscriber with a contact address gets
 * a `subscriber.quarantined` event in the same batch, exactly when this failure quarantines it
 * (its contact is told once: routes.ts).
 *
 * Every statement is guarded by the delivery still being pending, and the delivery is failed last:
 * a delivery another sender already settled counts nothing and announces nothing.
 */
export function markFailed(
  id: number,
  subscriberId: string | null,
  error: string,
  at: string,
  quarantineAfter: number,
): Statement[] {
  const failed: Statement = {
    sql: `UPDATE deliveries SET status = 'failed', last_error = ?, lease_owner = NULL, lease_until = NULL
          WHERE id = ? AND status = 'pending'`,
    args: [error.slice(0, 1000), id],
  }
  // A plain address has no subscription to quarantine.
  if (subscriberId === null) return [failed]
  const pending = `EXISTS (SELECT 1 FROM deliveries WHERE id = :delivery AND status = 'pending')`
  const quarantines = `s.permanent_failures + 1 >= :after AND s.status IN ('pending', 'confirmed')`
  const args = { delivery: id, subscriber: subscriberId, after: quarantineAfter, at }
  return [
    {
      // Read before the counter moves: this failure is the one that quarantines.
      sql: `INSERT INTO outbox (type, aggregate_type, aggregate_id, payload, created_at)
            SELECT 'subscriber.quarantined', 'subscriber', s.id,
              json_object('subscriber_id', s.id, 'error', :error), :at
            FROM subscribers s
            WHERE s.id = :subscriber AND ${quarantines}
              AND s.channel != 'email' AND trim(COALESCE(s.email, '')) != '' AND ${pending}`,
      args: { ...args, error: error.slice(0, 300) },
    },
    {
      // The version moves with the status, so a subscriber edit read before cannot undo it.
      sql: `UPDATE subscribers AS s SET
              permanent_failures = permanent_failures + 1, version = version + 1,
              status = CASE WHEN ${quarantines} THEN 'quarantined' ELSE status END,
              quarantined_at = CASE WHEN ${quarantines} THEN :at ELSE quarantined_at END
            WHERE s.id = :subscriber AND ${pending}`,
      args,
    },
    failed,
  ]
}

export interface DeliveryCounts {
  pending: number
  sent: number
  failed: number
}

export async function deliveryCounts(db: Db, eventId?: number): Promise<DeliveryCounts> {
  const rs = await db.execute({
    sql: `SELECT status, COUNT(*) AS n FROM deliveries ${eventId === undefined ? '' : 'WHERE event_id = ?'}
          GROUP BY status`,
    args: eventId === undefined ? [] : [eventId],
  })
  const out: DeliveryCounts = { pending: 0, sent: 0, failed: 0 }
  for (const r of rs.rows) out[str(r, 'status') as keyof DeliveryCounts] = num(r, 'n')
  return out
}

/** The earliest time a pending delivery becomes due (for sleeping until then), or null. */
export async function nextDueAt(db: Db): Promise<string | null> {
  const rs = await db.execute(
    "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'",
  )
  return strOrNull(rs.rows[0]!, 'at')
}

/**
 * What the feedback emails need: the report's incident (for the link), its reporter's language,
 * and the answer if any. Never the reporter's own words: no email quotes them.
 */
export interface FeedbackMail {
  id: string
  incidentId: string | null
  createdAt: string
  /** The linked subscriber's locale, or null when the reporter is no subscriber. */
  locale: string | null
  reply: { body: string; author: string; createdAt: string } | null
}

/**
 * Reads a piece of feedback (and one reply) for the notifier. A narrow read of the feedback
 * tables written by the feedback service: the notifier needs nothing else from them.
 */
export async function feedbackForMail(
  db: Db,
  feedbackId: string,
  replyId: string | null,
): Promise<FeedbackMail | null> {
  const [fb, reply] = await db.batch(
    [
      {
        sql: `SELECT f.id, f.incident_id, f.created_at, s.locale FROM feedback f
              LEFT JOIN subscribers s ON s.id = f.subscriber_id WHERE f.id = ?`,
        args: [feedbackId],
      },
      {
        sql: 'SELECT body, author, created_at FROM feedback_replies WHERE id = ? AND feedback_id = ?',
        args: [replyId ?? '', feedbackId],
      },
    ],
    'read',
  )
  const row = fb!.rows[0]
  if (!row) return null
  const r = reply!.rows[0]
  return {
    id: str(row, 'id'),
    incidentId: strOrNull(row, 'incident_id'),
    createdAt: str(row, 'created_at'),
    locale: strOrNull(row, 'locale'),
    reply: r
      ? { body: str(r, 'body'), author: str(r, 'author'), createdAt: str(r, 'created_at') }
      : null,
  }
}
