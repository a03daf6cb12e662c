import type { Statement } from './client.ts'
import { putSetting, RESTORED_AT } from './settings.ts'

/**
 * The database is behind what its consumers have seen (restored from a backup): outbox ids
 * carry on above every id anyone recorded (`seen`, from outside the database, and the consumer
 * positions inside it), so no event id is used twice: Message-IDs are built from event ids, and a
 * reused id would make a new email look like one already delivered (receivers drop it). The time
 * is kept so the scheduler does not emit again the notices the lost rows had recorded.
 */
export function afterRestore(seen: number, at: string): Statement[] {
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
    putSetting(RESTORED_AT, at),
  ]
}
