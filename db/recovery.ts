import { ChannelName } from '../core/channels.ts'
import { placeholders, type Db } from './client.ts'
import { num, oneOf, str } from './rows.ts'

export interface AffectedSubscribers {
  /** Distinct confirmed subscribers who hear about any of the components, per channel. */
  byChannel: { channel: ChannelName; count: number }[]
  /** Per component and channel; "all components" subscribers count under every component. */
  byComponent: { component_id: string; channel: ChannelName; count: number }[]
  /** The channels any confirmed subscriber uses (affected or not), in CHANNELS order. */
  inUse: ChannelName[]
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
  const [channels, everything, chosen, inUse] = await db.batch(
    [
      {
        sql: `SELECT s.channel, COUNT(*) AS n FROM subscribers s
              WHERE s.status = 'confirmed' AND (s.all_components = 1${explicit})
              GROUP BY s.channel`,
        args: ids,
      },
      // Per component: those who follow everything (once per channel), plus those who chose it.
      `SELECT channel, COUNT(*) AS n FROM subscribers
         WHERE status = 'confirmed' AND all_components = 1 GROUP BY channel`,
      {
        sql: ids.length
          ? `SELECT sc.component_id, s.channel, COUNT(*) AS n FROM subscriber_components sc
               JOIN subscribers s ON s.id = sc.subscriber_id
               WHERE sc.component_id IN (${placeholders(ids.length)})
                 AND s.status = 'confirmed' AND s.all_components = 0
               GROUP BY sc.component_id, s.channel`
          : 'SELECT NULL AS component_id, NULL AS channel, 0 AS n WHERE 0',
        args: ids,
      },
      // subscribers_by_channel (channel, status) answers this from the index.
      `SELECT DISTINCT channel FROM subscribers WHERE status = 'confirmed'`,
    ],
    'read',
  )
  const all = new Map(
    everything!.rows.map((row) => [oneOf(row, 'channel', ChannelName.options), num(row, 'n')]),
  )
  const picked = new Map(
    chosen!.rows.map((row) => [
      `${str(row, 'component_id')} ${str(row, 'channel')}`,
      num(row, 'n'),
    ]),
  )
  const used = new Set(inUse!.rows.map((row) => oneOf(row, 'channel', ChannelName.options)))
  const channelsInUse = ChannelName.options.filter((c) => used.has(c))
  return {
    byChannel: channels!.rows.map((row) => ({
      channel: oneOf(row, 'channel', ChannelName.options),
      count: num(row, 'n'),
    })),
    byComponent: ids.flatMap((id) =>
      channelsInUse.map((channel) => ({
        component_id: id,
        channel,
        count: (all.get(channel) ?? 0) + (picked.get(`${id} ${channel}`) ?? 0),
      })),
    ),
    inUse: channelsInUse,
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
