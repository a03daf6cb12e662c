import type { Statement } from './client.ts'
import { RESTORED_AT } from './settings.ts'

/**
 * The database is behind what its consumers have seen (restored from a backup): outbox ids
 * carry on above every id anyone recorded (`seen`, from outside the database, and the consumer
 * positions inside it), so no event id is used twice: Message-IDs are built from event ids, and a
 * reused id would make a new email look like one already delivered (receivers drop it). The time
 * is kept so the scheduler does not emit again the notices the lost rows had recorded.
 *
 * Idempotent, so every consumer that notices the restore may run it: the counter only moves up,
 * and a `restored_at` later than `seenAt` (when the last event seen was written, before the
 * restore) is this very restore, recorded by whoever noticed first: it is kept, so notices that
 * fell due since then are not suppressed. Without `seenAt` (unknown) the time is written.
 */
export function afterRestore(seen: number, seenAt: string | null, at: string): Statement[] {
  const floor = `MAX(?, COALESCE((SELECT MAX(event_id) FROM consumer_positions), 0))`
  return [
    {
      sql: `INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox', 0
            WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox')`,
      args: [],
    },
    {
      sql: `UPDATE sqlite_sequence SET seq = MAX(seq, ${floor}) WHERE name = 'outbox'`,
      args: [seen],
    },
    {
      sql: `INSERT INTO settings (key, value) VALUES (?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            WHERE ? IS NULL OR settings.value < ?`,
      args: [RESTORED_AT, at, seenAt, seenAt],
    },
  ]
}
