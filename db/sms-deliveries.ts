import type { Db } from './client.ts'
import { strOrNull } from './rows.ts'

/**
 * What only texts need of the deliveries table. A text's `sent_at` is set when it is handed to
 * the provider, before the answer: on a pending row it means "handed over, outcome not recorded"
 * (a crash or a lost answer since), which is what the next attempt checks with the provider
 * before it sends again; markSent sets it once more when the answer is recorded. `quota_key` is
 * the number's target key (`sms:+E164`), under which the texts to that number are counted.
 */

export interface SmsSlot {
  /** A slot in the number's hourly allowance is this delivery's: it may be sent. */
  granted: boolean
  /** When an earlier attempt handed this text over without its outcome being recorded. */
  handedOverAt: string | null
  /** When the number's allowance has room again (when not granted). */
  freeAt: string | null
}

/**
 * Takes one of the `perHour` texts a number may get in an hour, for delivery `id`, in one
 * atomic statement (counted across every notifier process: SQLite runs writes one at a time).
 * Texts that failed for good do not count; a delivery's own earlier attempts do not count twice.
 * Keeps the first hand-over time of a text retried after an unknown outcome.
 */
export async function takeSmsSlot(
  db: Db,
  o: { id: number; key: string; now: string; hourAgo: string; perHour: number },
): Promise<SmsSlot> {
  const count = { id: o.id, key: o.key, hour_ago: o.hourAgo, per_hour: o.perHour }
  const others = `FROM deliveries WHERE quota_key = :key AND channel = 'sms' AND id != :id
    AND sent_at > :hour_ago AND status != 'failed'`
  const [before, taken, oldest] = await db.batch(
    [
      { sql: "SELECT sent_at FROM deliveries WHERE id = ? AND status = 'pending'", args: [o.id] },
      {
        sql: `UPDATE deliveries SET sent_at = COALESCE(sent_at, :now), quota_key = :key
              WHERE id = :id AND status = 'pending' AND (SELECT COUNT(*) ${others}) < :per_hour`,
        args: { ...count, now: o.now },
      },
      // The text whose hour running out makes room: the per_hour-th most recent.
      {
        sql: `SELECT sent_at ${others} ORDER BY sent_at DESC LIMIT 1 OFFSET :per_hour - 1`,
        args: count,
      },
    ],
    'write',
  )
  const row = before!.rows[0]
  const oldestRow = oldest!.rows[0]
  return {
    granted: taken!.rowsAffected > 0,
    handedOverAt: row ? strOrNull(row, 'sent_at') : null,
    freeAt: oldestRow ? strOrNull(oldestRow, 'sent_at') : null,
  }
}

/**
 * Whether a later event about the same incident or maintenance already has a text for this
 * subscriber, waiting or sent (`types` are the events that make texts). Looks only at events after
 * this one (the outbox's key) and each one's delivery by its unique key, so it stays cheap
 * whatever the size of the tables.
 */
export async function laterSmsAbout(
  db: Db,
  o: {
    subscriberId: string
    eventId: number
    aggregateType: string
    aggregateId: string
    types: readonly string[]
  },
): Promise<boolean> {
  const rs = await db.execute({
    sql: `SELECT 1 FROM outbox o
          JOIN deliveries d ON d.event_id = o.id AND d.recipient = ?
          WHERE o.id > ? AND o.aggregate_type = ? AND o.aggregate_id = ?
            AND o.type IN (${o.types.map(() => '?').join(', ')})
            AND d.channel = 'sms' AND d.status IN ('pending', 'sent')
          LIMIT 1`,
    args: [o.subscriberId, o.eventId, o.aggregateType, o.aggregateId, ...o.types],
  })
  return rs.rows.length > 0
}
