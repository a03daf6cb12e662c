import type { Row } from '@libsql/client'
import {
  Locale,
  SubscriberStatus,
  type Subscriber,
  type SubscriberStatus as Status,
} from '../core/schemas/subscription.ts'
import { ChannelName } from '../core/channels.ts'
import { placeholders, type Db, type Statement } from './client.ts'
import { bool, num, oneOf, str, strOrNull } from './rows.ts'
import { updateAtVersion } from './versions.ts'

/** A subscriber as stored: the API shape plus what only the server may see. */
export interface SubscriberRecord extends Omit<Subscriber, 'url' | 'phone'> {
  /** Email subscribers only (UNIQUE): the mailbox, lower-cased and trimmed. */
  email_normalized: string | null
  /** The URL or E.164 number of any other channel (`url`/`phone` in the API), and its key. */
  target: string | null
  target_key: string | null
  /** A webhook's signing secret, encrypted (api/services/secret-box.ts); never shown again. */
  secret: string | null
  /** Where the confirmation request goes: the channel itself or 'email' (the contact address). */
  confirm_via: ChannelName | null
  confirm_code_hash: string | null
  confirm_attempts: number
  confirmation_sent_at: string | null
  token_version: number
  /** The row's version, read with it: updateSubscriber writes only at it (db/versions.ts). */
  version: number
}

/** One subscription per mailbox however it is typed (the column is UNIQUE). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * The lifecycle fields of a subscriber made now: `pending` (asked to confirm, the request sent
 * now) or `confirmed` (staff or an import vouch for it).
 */
export function newSubscriberState(status: 'pending' | 'confirmed', at: string) {
  return {
    status,
    created_at: at,
    confirmed_at: status === 'confirmed' ? at : null,
    unsubscribed_at: null,
    quarantined_at: null,
    confirmation_sent_at: status === 'pending' ? at : null,
    confirm_code_hash: null,
    confirm_attempts: 0,
    permanent_failures: 0,
    token_version: 1,
    version: 0,
  }
}

/** The channel fields of an email subscriber (its mailbox is its address). */
export function emailChannelFields(email: string) {
  return {
    channel: 'email' as const,
    email,
    email_normalized: normalizeEmail(email),
    target: null,
    target_key: null,
    secret: null,
    confirm_via: null,
    confirm_code_hash: null,
    confirm_attempts: 0,
  }
}

const COLS = `id, channel, email, email_normalized, target, target_key, secret, confirm_via,
  confirm_code_hash, confirm_attempts, locale, all_components, status, created_at, confirmed_at,
  unsubscribed_at, quarantined_at, confirmation_sent_at, permanent_failures, token_version`
const READ_COLS = `${COLS}, version`

function rowToRecord(row: Row, components: string[]): SubscriberRecord {
  return {
    id: str(row, 'id'),
    channel: oneOf(row, 'channel', ChannelName.options),
    email: strOrNull(row, 'email'),
    email_normalized: strOrNull(row, 'email_normalized'),
    target: strOrNull(row, 'target'),
    target_key: strOrNull(row, 'target_key'),
    secret: strOrNull(row, 'secret'),
    confirm_via: row.confirm_via === null ? null : oneOf(row, 'confirm_via', ChannelName.options),
    confirm_code_hash: strOrNull(row, 'confirm_code_hash'),
    confirm_attempts: num(row, 'confirm_attempts'),
    locale: oneOf(row, 'locale', Locale.options),
    status: oneOf(row, 'status', SubscriberStatus.options),
    all_components: bool(row, 'all_components'),
    components,
    created_at: str(row, 'created_at'),
    confirmed_at: strOrNull(row, 'confirmed_at'),
    unsubscribed_at: strOrNull(row, 'unsubscribed_at'),
    quarantined_at: strOrNull(row, 'quarantined_at'),
    confirmation_sent_at: strOrNull(row, 'confirmation_sent_at'),
    permanent_failures: num(row, 'permanent_failures'),
    token_version: num(row, 'token_version'),
    version: num(row, 'version'),
  }
}

/** The API shape: never the token version or the normalised address. */
export function toSubscriber(r: SubscriberRecord): Subscriber {
  return {
    id: r.id,
    channel: r.channel,
    email: r.email,
    url: r.channel !== 'email' && r.channel !== 'sms' ? r.target : null,
    phone: r.channel === 'sms' ? r.target : null,
    locale: r.locale,
    status: r.status,
    all_components: r.all_components,
    components: r.components,
    created_at: r.created_at,
    confirmed_at: r.confirmed_at,
    unsubscribed_at: r.unsubscribed_at,
    quarantined_at: r.quarantined_at,
    permanent_failures: r.permanent_failures,
  }
}

async function withComponents(db: Db, rows: Row[]): Promise<SubscriberRecord[]> {
  const ids = rows.map((r) => str(r, 'id'))
  const byId = new Map<string, string[]>()
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    const rs = await db.execute({
      sql: `SELECT subscriber_id, component_id FROM subscriber_components
            WHERE subscriber_id IN (${placeholders(chunk.length)}) ORDER BY component_id`,
      args: chunk,
    })
    for (const row of rs.rows) {
      const s = str(row, 'subscriber_id')
      byId.set(s, [...(byId.get(s) ?? []), str(row, 'component_id')])
    }
  }
  return rows.map((row) => rowToRecord(row, byId.get(str(row, 'id')) ?? []))
}

export async function getSubscriber(db: Db, id: string): Promise<SubscriberRecord | null> {
  const rs = await db.execute({
    sql: `SELECT ${READ_COLS} FROM subscribers WHERE id = ?`,
    args: [id],
  })
  return (await withComponents(db, rs.rows))[0] ?? null
}

export async function findSubscriberByEmail(
  db: Db,
  normalized: string,
): Promise<SubscriberRecord | null> {
  const rs = await db.execute({
    sql: `SELECT ${READ_COLS} FROM subscribers WHERE email_normalized = ?`,
    args: [normalized],
  })
  return (await withComponents(db, rs.rows))[0] ?? null
}

/** The subscriber of a non-email endpoint, by its key (`<channel>:<normalised address>`). */
export async function findSubscriberByTargetKey(
  db: Db,
  key: string,
): Promise<SubscriberRecord | null> {
  const rs = await db.execute({
    sql: `SELECT ${READ_COLS} FROM subscribers WHERE target_key = ?`,
    args: [key],
  })
  return (await withComponents(db, rs.rows))[0] ?? null
}

/** Existing subscribers by normalised address, for an import. */
export async function findSubscribersByEmails(
  db: Db,
  normalized: readonly string[],
): Promise<Map<string, SubscriberRecord>> {
  const rows: Row[] = []
  for (let i = 0; i < normalized.length; i += 500) {
    const chunk = normalized.slice(i, i + 500)
    const rs = await db.execute({
      sql: `SELECT ${READ_COLS} FROM subscribers WHERE email_normalized IN (${placeholders(chunk.length)})`,
      args: [...chunk],
    })
    rows.push(...rs.rows)
  }
  return new Map((await withComponents(db, rows)).map((s) => [s.email_normalized ?? '', s]))
}

export function insertSubscriber(s: SubscriberRecord): Statement[] {
  return [
    {
      sql: `INSERT INTO subscribers (${COLS}) VALUES (${placeholders(20)})`,
      args: [
        s.id,
        s.channel,
        s.email,
        s.email_normalized,
        s.target,
        s.target_key,
        s.secret,
        s.confirm_via,
        s.confirm_code_hash,
        s.confirm_attempts,
        s.locale,
        s.all_components ? 1 : 0,
        s.status,
        s.created_at,
        s.confirmed_at,
        s.unsubscribed_at,
        s.quarantined_at,
        s.confirmation_sent_at,
        s.permanent_failures,
        s.token_version,
      ],
    },
    ...insertComponents(s.id, s.all_components ? [] : s.components),
  ]
}

/** Writes every mutable field, only at `s.version`; with `components`, also the list. */
export function updateSubscriber(s: SubscriberRecord, components: boolean): Statement[] {
  const out: Statement[] = updateAtVersion(
    'subscribers',
    s.id,
    s.version,
    `email = ?, locale = ?, all_components = ?, status = ?, confirmed_at = ?, unsubscribed_at = ?,
     confirmation_sent_at = ?, token_version = ?, confirm_code_hash = ?, confirm_attempts = ?,
     secret = ?, confirm_via = ?`,
    [
      s.email,
      s.locale,
      s.all_components ? 1 : 0,
      s.status,
      s.confirmed_at,
      s.unsubscribed_at,
      s.confirmation_sent_at,
      s.token_version,
      s.confirm_code_hash,
      s.confirm_attempts,
      s.secret,
      s.confirm_via,
    ],
  )
  if (components) {
    out.push(
      { sql: 'DELETE FROM subscriber_components WHERE subscriber_id = ?', args: [s.id] },
      ...insertComponents(s.id, s.all_components ? [] : s.components),
    )
  }
  return out
}

function insertComponents(subscriberId: string, componentIds: readonly string[]): Statement[] {
  return componentIds.map((c) => ({
    sql: 'INSERT INTO subscriber_components (subscriber_id, component_id) VALUES (?, ?)',
    args: [subscriberId, c],
  }))
}

/**
 * Erases a subscriber: the address, the choices and the record of which mails went to it.
 * Audit rows and outbox events name only the random id, so nothing personal is left behind.
 */
export function deleteSubscriber(id: string): Statement[] {
  return [
    { sql: 'DELETE FROM deliveries WHERE subscriber_id = ?', args: [id] },
    { sql: 'DELETE FROM subscriber_components WHERE subscriber_id = ?', args: [id] },
    { sql: 'DELETE FROM subscribers WHERE id = ?', args: [id] },
  ]
}

export interface SubscriberFilter {
  /** A substring of the address (mailbox, contact address, URL or number), case-insensitive. */
  q?: string
  status?: Status
  channel?: ChannelName
  /** Subscribers who get mail about this component (explicitly or through "all"). */
  component?: string
  limit: number
  offset: number
}

export async function listSubscribers(
  db: Db,
  f: SubscriberFilter,
): Promise<{ items: SubscriberRecord[]; total: number }> {
  const where: string[] = []
  const args: (string | number)[] = []
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`
    where.push(
      `(lower(COALESCE(email, '')) LIKE ? ESCAPE '\\' OR lower(COALESCE(target, '')) LIKE ? ESCAPE '\\')`,
    )
    args.push(like, like)
  }
  if (f.status) {
    where.push('status = ?')
    args.push(f.status)
  }
  if (f.channel) {
    where.push('channel = ?')
    args.push(f.channel)
  }
  if (f.component) {
    where.push(
      '(all_components = 1 OR id IN (SELECT subscriber_id FROM subscriber_components WHERE component_id = ?))',
    )
    args.push(f.component)
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const [page, count] = await db.batch(
    [
      {
        sql: `SELECT ${READ_COLS} FROM subscribers ${whereSql} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
        args: [...args, f.limit, f.offset],
      },
      { sql: `SELECT COUNT(*) AS n FROM subscribers ${whereSql}`, args },
    ],
    'read',
  )
  return { items: await withComponents(db, page!.rows), total: num(count!.rows[0]!, 'n') }
}

/**
 * Every confirmed subscriber (those who receive mail), by address: an export. Read in pages of
 * 1,000 so a large list never makes one huge result.
 */
export async function listConfirmedSubscribers(db: Db): Promise<SubscriberRecord[]> {
  const out: SubscriberRecord[] = []
  for (let after = ''; ;) {
    const rs = await db.execute({
      sql: `SELECT ${READ_COLS} FROM subscribers WHERE status = 'confirmed' AND email_normalized > ?
            ORDER BY email_normalized LIMIT 1000`,
      args: [after],
    })
    out.push(...(await withComponents(db, rs.rows)))
    if (rs.rows.length < 1000) return out
    after = out.at(-1)!.email_normalized ?? ''
  }
}

export interface SubscriberCounts {
  byStatus: Record<Status, number>
  /** Subscribers in any status, per channel. */
  byChannel: Map<ChannelName, number>
  /** Confirmed subscribers who chose every component, per channel. */
  allComponents: Map<ChannelName, number>
  /** Confirmed subscribers who chose a component explicitly: component id → channel → count. */
  explicit: Map<string, Map<ChannelName, number>>
}

export async function countSubscribers(db: Db): Promise<SubscriberCounts> {
  const [statuses, channels, all, explicit] = await db.batch(
    [
      'SELECT status, COUNT(*) AS n FROM subscribers GROUP BY status',
      'SELECT channel, COUNT(*) AS n FROM subscribers GROUP BY channel',
      `SELECT channel, COUNT(*) AS n FROM subscribers
         WHERE status = 'confirmed' AND all_components = 1 GROUP BY channel`,
      `SELECT sc.component_id, s.channel, COUNT(*) AS n FROM subscriber_components sc
         JOIN subscribers s ON s.id = sc.subscriber_id
         WHERE s.status = 'confirmed' AND s.all_components = 0
         GROUP BY sc.component_id, s.channel`,
    ],
    'read',
  )
  const byStatus: Record<Status, number> = {
    pending: 0,
    confirmed: 0,
    unsubscribed: 0,
    quarantined: 0,
  }
  for (const row of statuses!.rows)
    byStatus[oneOf(row, 'status', SubscriberStatus.options)] = num(row, 'n')
  const perChannel = (rows: Row[]) =>
    new Map(rows.map((row) => [oneOf(row, 'channel', ChannelName.options), num(row, 'n')]))
  const byComponent = new Map<string, Map<ChannelName, number>>()
  for (const row of explicit!.rows) {
    const id = str(row, 'component_id')
    const m = byComponent.get(id) ?? new Map<ChannelName, number>()
    m.set(oneOf(row, 'channel', ChannelName.options), num(row, 'n'))
    byComponent.set(id, m)
  }
  return {
    byStatus,
    byChannel: perChannel(channels!.rows),
    allComponents: perChannel(all!.rows),
    explicit: byComponent,
  }
}
