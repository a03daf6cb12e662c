import { SubscriberChannel } from '../core/schemas/recovery.ts'
import { placeholders, type Db } from './client.ts'
import { num, oneOf, str } from './rows.ts'

/**
 * The channel of a subscriber as SQL. Every subscriber is reached by email today (the table has
 * no channel column); a second channel makes this a column that the counts below group by, and
 * the rows they return already carry it.
 */
const CHANNEL = `'email'`
const CHANNELS = SubscriberChannel.options

export interface AffectedSubscribers {
  /** Distinct confirmed subscribers who hear about any of the components, per channel. */
  byChannel: { channel: SubscriberChannel; count: number }[]
  /** Per component and channel; "all components" subscribers count under every component. */
  byComponent: { component_id: string; channel: SubscriberChannel; count: number }[]
}

/** Confirmed subscribers who hear about these components (all-components subscribers included). */
export async function affectedSubscribers(
  db: Db,
  componentIds: readonly string[],
): Promise<AffectedSubscribers> {
  const ids = [...componentIds]
  const explicit = ids.length
    ? ` OR EXISTS (SELECT 1 FROM subscriber_components sc WHERE sc.subscriber_id = s.id AND sc.component_id IN (${placeholders(ids.length)}))`
    : ''
  const [channels, components] = await db.batch(
    [
      {
        sql: `SELECT ${CHANNEL} AS channel, COUNT(*) AS n FROM subscribers s
              WHERE s.status = 'confirmed' AND (s.all_components = 1${explicit})
              GROUP BY channel`,
        args: ids,
      },
      // Two indexed counts per component, not a join of every subscriber with every component.
      {
        sql: ids.length
          ? `SELECT c.id AS component_id, ${CHANNEL} AS channel,
               (SELECT COUNT(*) FROM subscribers s
                  WHERE s.status = 'confirmed' AND s.all_components = 1)
               + (SELECT COUNT(*) FROM subscriber_components sc
                    JOIN subscribers s ON s.id = sc.subscriber_id
                    WHERE sc.component_id = c.id AND s.status = 'confirmed'
                      AND s.all_components = 0) AS n
             FROM components c WHERE c.id IN (${placeholders(ids.length)})`
          : 'SELECT NULL AS component_id, NULL AS channel, 0 AS n WHERE 0',
        args: ids,
      },
    ],
    'read',
  )
  return {
    byChannel: channels!.rows.map((row) => ({
      channel: oneOf(row, 'channel', CHANNELS),
      count: num(row, 'n'),
    })),
    byComponent: components!.rows.map((row) => ({
      component_id: str(row, 'component_id'),
      channel: oneOf(row, 'channel', CHANNELS),
      count: num(row, 'n'),
    })),
  }
}

/** How many confirmed subscribers hear about these components, on any channel. */
export async function countAffectedSubscribers(
  db: Db,
  componentIds: readonly string[],
): Promise<number> {
  const { byChannel } = await affectedSubscribers(db, componentIds)
  return byChannel.reduce((n, c) => n + c.count, 0)
}
