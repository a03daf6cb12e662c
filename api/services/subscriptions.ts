import { DomainError, notFound, type ErrorDetail } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import {
  Email,
  Locale,
  type Subscriber,
  type SubscriberStatus,
  type SubscriptionCreate,
} from '../../core/schemas/subscription.ts'
import { verifyToken, type TokenPurpose } from '../../core/signed-token.ts'
import type { Statement } from '../../db/client.ts'
import { listComponents, listGroups } from '../../db/components.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import {
  countSubscribers,
  deleteSubscriber,
  findSubscriberByEmail,
  findSubscribersByEmails,
  getSubscriber,
  insertSubscriber,
  listSubscribers,
  normalizeEmail,
  toSubscriber,
  updateSubscriber,
  type SubscriberRecord,
} from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import { loadComponents } from './component-status.ts'
import { subscriberLinks } from './links.ts'
import { signingSecret } from './secrets.ts'
import { commit, retryOnConflict, systemActor, type WriteContext } from './write.ts'

/**
 * A new confirmation request for an address within this interval changes nothing. The emails
 * themselves are bounded per address by CONFIRMATION_QUOTA, in the fan-out (db/deliveries.ts).
 */
export const CONFIRMATION_INTERVAL_MS = 10 * 60_000

/** The one answer to every accepted subscription request, whatever state the address is in. */
export const SUBSCRIBE_ACCEPTED = {
  status: 'pending_confirmation',
  message: 'If this address can receive mail, a confirmation link is on its way.',
} as const

/** Writes made through the public form and the links in emails: the subscriber is the actor. */
export const SELF_SERVICE: WriteContext = { actor: systemActor('subscriber') }

// Outbox payloads and audit details carry the random id only, never the address: deleting a
// subscriber must leave nothing personal behind in the append-only tables.
const event = (type: string, id: string): OutboxEvent => ({
  type,
  aggregateType: 'subscriber',
  aggregateId: id,
  payload: { subscriber_id: id },
})

const target = (id: string) => ({ type: 'subscriber', id })

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)]

/** Loads the subscriber a signed link is for, or null when the link is forged, expired or revoked. */
async function openLink(
  deps: Deps,
  purpose: TokenPurpose,
  token: string,
): Promise<SubscriberRecord | null> {
  const payload = await verifyToken(await signingSecret(deps), token, purpose, deps.clock.now())
  if (!payload) return null
  const s = await getSubscriber(deps.db, payload.s)
  if (!s) return null
  if (payload.v === s.token_version) return s
  // Unsubscribing revokes every earlier link, including the one just used. Pressing it again (or
  // a mail client retrying the one-click POST) should say "you are unsubscribed", not "invalid".
  return purpose === 'unsubscribe' && s.status === 'unsubscribed' && payload.v < s.token_version
    ? s
    : null
}

export interface Preferences {
  /** Empty: every component, including ones added later. */
  components: string[]
  locale: Locale
}

export interface ComponentChoice {
  id: string
  name: string
  chosen: boolean
}

/** A heading (a component group, or null for ungrouped components) and its components, in page order. */
export interface ChoiceSection {
  group: string | null
  components: ComponentChoice[]
}

export interface ImportReport {
  created: number
  updated: number
  skipped: number
  /** Always empty: a file with any invalid row is rejected as a whole (400) and writes nothing. */
  errors: { line: number; message: string }[]
}

export interface SubscriberCountsView {
  total: number
  by_status: Record<SubscriberStatus, number>
  /** Confirmed subscribers who receive mail about every component. */
  all_components: number
  /** Confirmed subscribers who receive mail about each component, "all components" ones included. */
  components: { id: string; name: string; confirmed: number }[]
}

export const subscriptions = {
  /**
   * Double opt-in. Creates or reuses a pending subscriber and asks the mailer for one confirmation
   * email, at most one per address per 10 minutes. The caller always gets SUBSCRIBE_ACCEPTED, and
   * every path does the same reads and exactly one write batch (an audit row at least), so neither
   * the answer nor its timing tells whether the address was known.
   */
  request(
    deps: Deps,
    ctx: WriteContext,
    input: SubscriptionCreate,
  ): Promise<typeof SUBSCRIBE_ACCEPTED> {
    return retryOnConflict(deps, async () => {
      const chosen = unique(input.components ?? [])
      await loadComponents(deps.db, chosen, 'components')
      const now = deps.clock.now()
      const at = now.toISOString()
      const normalized = normalizeEmail(input.email)
      const existing = await findSubscriberByEmail(deps.db, normalized)
      const choice = {
        all_components: chosen.length === 0,
        components: chosen,
        locale: input.locale,
      }
      const details = { components: chosen.length ? chosen : 'all', locale: input.locale }
      let change: { statements: Statement[]; action: string; id: string; mail: boolean }
      if (!existing) {
        const s: SubscriberRecord = {
          id: newId(),
          email: input.email,
          email_normalized: normalized,
          ...choice,
          status: 'pending',
          created_at: at,
          confirmed_at: null,
          unsubscribed_at: null,
          quarantined_at: null,
          confirmation_sent_at: at,
          permanent_failures: 0,
          token_version: 1,
          version: 0,
        }
        change = {
          statements: insertSubscriber(s),
          action: 'subscriber.create',
          id: s.id,
          mail: true,
        }
      } else if (existing.status === 'quarantined') {
        // The address bounced: never mail it again from this form, and answer exactly as for any
        // other address, so the form does not reveal that it bounced.
        change = {
          statements: [],
          action: 'subscriber.subscribe_quarantined',
          id: existing.id,
          mail: false,
        }
      } else if (existing.status === 'confirmed') {
        // Nothing changes without the mailbox owner's consent: anyone can type an address here, so
        // letting this form edit a confirmed subscription would let strangers change it. Every
        // email the subscriber gets carries a manage link for that. No mail either: a stranger
        // must not be able to make us write to a subscriber at will.
        change = {
          statements: [],
          action: 'subscriber.subscribe_repeated',
          id: existing.id,
          mail: false,
        }
      } else if (
        existing.confirmation_sent_at &&
        now.getTime() - new Date(existing.confirmation_sent_at).getTime() < CONFIRMATION_INTERVAL_MS
      ) {
        // Silently, not 429: a refusal would tell a stranger that someone just subscribed this address.
        change = {
          statements: [],
          action: 'subscriber.confirmation_throttled',
          id: existing.id,
          mail: false,
        }
      } else {
        // Pending or unsubscribed: a fresh opt-in, with the choices made just now.
        const s: SubscriberRecord = {
          ...existing,
          ...choice,
          email: input.email,
          status: 'pending',
          confirmed_at: null,
          unsubscribed_at: null,
          confirmation_sent_at: at,
        }
        change = {
          statements: updateSubscriber(s, true),
          action: 'subscriber.resubscribe',
          id: s.id,
          mail: true,
        }
      }
      try {
        await commit(deps, ctx, {
          statements: change.statements,
          action: change.action,
          target: target(change.id),
          events: change.mail ? [event('subscriber.confirmation_requested', change.id)] : [],
          status: 202,
          body: SUBSCRIBE_ACCEPTED,
          details,
        })
      } catch (err) {
        // Another process created this address a moment ago; its request sends the one email.
        if (!/UNIQUE.*email_normalized/i.test((err as Error).message)) throw err
      }
      return SUBSCRIBE_ACCEPTED
    })
  },

  /** The subscriber a link is for, without changing anything (GET pages: scanners prefetch them). */
  inspect(deps: Deps, purpose: 'confirm' | 'manage' | 'unsubscribe', token: string) {
    return openLink(deps, purpose, token)
  },

  /** Signed links for a subscriber's pages. */
  links(deps: Deps, s: SubscriberRecord) {
    return subscriberLinks(deps, s)
  },

  /** Confirms a pending subscription; a confirmed one stays as it is. Null: the link is not valid. */
  confirm(deps: Deps, ctx: WriteContext, token: string): Promise<SubscriberRecord | null> {
    return retryOnConflict(deps, async () => {
      const s = await openLink(deps, 'confirm', token)
      if (!s || (s.status !== 'pending' && s.status !== 'confirmed')) return null
      if (s.status === 'confirmed') return s
      const after: SubscriberRecord = {
        ...s,
        status: 'confirmed',
        confirmed_at: deps.clock.now().toISOString(),
      }
      return commit(deps, ctx, {
        statements: updateSubscriber(after, false),
        action: 'subscriber.confirm',
        target: target(s.id),
        events: [event('subscriber.confirmed', s.id)],
        status: 200,
        body: after,
      })
    })
  },

  /** The component list of the manage page, grouped as on the status page. */
  async choices(deps: Deps, s: SubscriberRecord): Promise<ChoiceSection[]> {
    const [all, groups] = await Promise.all([listComponents(deps.db), listGroups(deps.db)])
    const chosen = new Set(s.all_components ? [] : s.components)
    const choice = (c: { id: string; name: string }): ComponentChoice => ({
      id: c.id,
      name: c.name,
      chosen: chosen.has(c.id),
    })
    const sections: (ChoiceSection & { position: number })[] = [
      ...groups.map((g) => ({
        group: g.name,
        position: g.position,
        components: all.filter((c) => c.group_id === g.id).map(choice),
      })),
      ...all
        .filter((c) => c.group_id === null)
        .map((c) => ({ group: null, position: c.position, components: [choice(c)] })),
    ]
    return sections
      .sort((a, b) => a.position - b.position)
      .filter((x) => x.components.length > 0)
      .map(({ group, components }) => ({ group, components }))
  },

  /** Saves what a subscriber chose on the manage page. Null: the link is not valid. */
  updatePreferences(
    deps: Deps,
    ctx: WriteContext,
    token: string,
    prefs: Preferences,
  ): Promise<SubscriberRecord | null> {
    return retryOnConflict(deps, async () => {
      const s = await openLink(deps, 'manage', token)
      if (!s || s.status === 'unsubscribed') return null
      const chosen = unique(prefs.components)
      await loadComponents(deps.db, chosen, 'components')
      const after: SubscriberRecord = {
        ...s,
        all_components: chosen.length === 0,
        components: chosen,
        locale: prefs.locale,
      }
      return commit(deps, ctx, {
        statements: updateSubscriber(after, true),
        action: 'subscriber.update',
        target: target(s.id),
        events: [event('subscriber.updated', s.id)],
        status: 200,
        body: after,
        details: { components: chosen.length ? chosen : 'all', locale: prefs.locale },
      })
    })
  },

  /**
   * Unsubscribes (RFC 8058 one-click: no login, no cookie) and bumps token_version, so every link
   * issued before stops working. Null: the link is not valid.
   */
  unsubscribe(
    deps: Deps,
    ctx: WriteContext,
    token: string,
  ): Promise<{ subscriber: SubscriberRecord; already: boolean } | null> {
    return retryOnConflict(deps, async () => {
      const s = await openLink(deps, 'unsubscribe', token)
      if (!s) return null
      if (s.status === 'unsubscribed') return { subscriber: s, already: true }
      const after: SubscriberRecord = {
        ...s,
        status: 'unsubscribed',
        unsubscribed_at: deps.clock.now().toISOString(),
        token_version: s.token_version + 1,
      }
      await commit(deps, ctx, {
        statements: updateSubscriber(after, false),
        action: 'subscriber.unsubscribe',
        target: target(s.id),
        events: [event('subscriber.unsubscribed', s.id)],
        status: 200,
        body: null,
      })
      return { subscriber: after, already: false }
    })
  },

  // ---- administration (admin scope) ----

  async list(
    deps: Deps,
    q: { q?: string; status?: SubscriberStatus; component?: string } & Pagination,
  ): Promise<{ items: Subscriber[]; total: number }> {
    const { items, total } = await listSubscribers(deps.db, {
      q: q.q,
      status: q.status,
      component: q.component,
      limit: q.per_page,
      offset: (q.page - 1) * q.per_page,
    })
    return { items: items.map(toSubscriber), total }
  },

  async get(deps: Deps, id: string): Promise<Subscriber> {
    const s = await getSubscriber(deps.db, id)
    if (!s) throw notFound('subscriber', id)
    return toSubscriber(s)
  },

  async counts(deps: Deps): Promise<SubscriberCountsView> {
    const [counts, components] = await Promise.all([
      countSubscribers(deps.db),
      listComponents(deps.db),
    ])
    return {
      total: Object.values(counts.byStatus).reduce((a, b) => a + b, 0),
      by_status: counts.byStatus,
      all_components: counts.allComponents,
      components: components.map((c) => ({
        id: c.id,
        name: c.name,
        confirmed: counts.allComponents + (counts.explicit.get(c.id) ?? 0),
      })),
    }
  },

  /**
   * Erases a subscriber (right to erasure): the row, its choices and its delivery records are
   * deleted, not anonymised; an anonymised row would still be a record about that person, and
   * nothing needs it: audit and outbox rows name only the random id.
   */
  remove(deps: Deps, ctx: WriteContext, id: string): Promise<{ id: string; deleted_at: string }> {
    return retryOnConflict(deps, async () => {
      if (!(await getSubscriber(deps.db, id))) throw notFound('subscriber', id)
      // The body (stored for an idempotent retry) must not hold the erased address.
      const body = { id, deleted_at: deps.clock.now().toISOString() }
      return commit(deps, ctx, {
        statements: deleteSubscriber(id),
        action: 'subscriber.delete',
        target: target(id),
        events: [event('subscriber.deleted', id)],
        status: 200,
        body,
      })
    })
  },

  /**
   * Imports `email[,components][,locale]` CSV (components separated by ";", empty = all).
   * - All or nothing: any invalid row rejects the whole file (400, every problem listed with its
   *   line) and writes nothing, so the operator fixes the file and runs it again, never having to
   *   work out which half went in.
   * - New addresses are confirmed at once: the operator vouches for their consent (moving from
   *   another status page, say), and a burst of confirmation mails to an old list looks like spam.
   *   The admin token that did it is in the audit log.
   * - Pending addresses become confirmed; confirmed ones take the row's components and locale
   *   when those columns are present. Unsubscribed and quarantined addresses are skipped: an
   *   operator's list must never override someone's opt-out or a mailbox that bounces.
   */
  importCsv(deps: Deps, ctx: WriteContext, text: string): Promise<ImportReport> {
    return retryOnConflict(deps, async () => {
      const rows = await parseImport(deps, text)
      const at = deps.clock.now().toISOString()
      const existing = await findSubscribersByEmails(
        deps.db,
        rows.map((r) => r.normalized),
      )
      const statements: Statement[] = []
      const events: OutboxEvent[] = []
      const report: ImportReport = { created: 0, updated: 0, skipped: 0, errors: [] }
      for (const r of rows) {
        const s = existing.get(r.normalized)
        if (!s) {
          const created: SubscriberRecord = {
            id: newId(),
            email: r.email,
            email_normalized: r.normalized,
            locale: r.locale ?? 'en',
            all_components: !r.components?.length,
            components: r.components ?? [],
            status: 'confirmed',
            created_at: at,
            confirmed_at: at,
            unsubscribed_at: null,
            quarantined_at: null,
            confirmation_sent_at: null,
            permanent_failures: 0,
            token_version: 1,
            version: 0,
          }
          statements.push(...insertSubscriber(created))
          events.push(event('subscriber.imported', created.id))
          report.created++
          continue
        }
        if (s.status === 'unsubscribed' || s.status === 'quarantined') {
          report.skipped++
          continue
        }
        const after: SubscriberRecord = { ...s }
        if (r.components) {
          after.all_components = r.components.length === 0
          after.components = r.components
        }
        if (r.locale) after.locale = r.locale
        if (s.status === 'pending') {
          after.status = 'confirmed'
          after.confirmed_at = at
        }
        const componentsChanged =
          after.all_components !== s.all_components ||
          [...after.components].sort().join() !== [...s.components].sort().join()
        if (!componentsChanged && after.locale === s.locale && after.status === s.status) {
          report.skipped++
          continue
        }
        statements.push(...updateSubscriber(after, componentsChanged))
        events.push(event('subscriber.imported', s.id))
        report.updated++
      }
      return commit(deps, ctx, {
        statements,
        action: 'subscriber.import',
        target: { type: 'subscriber_import', id: newId() },
        events,
        status: 200,
        body: report,
        details: { created: report.created, updated: report.updated, skipped: report.skipped },
      })
    })
  },
}

interface ImportRow {
  line: number
  email: string
  normalized: string
  /** Undefined: the file has no components column (leave existing choices alone). */
  components: string[] | undefined
  locale: Locale | undefined
}

const COLUMNS = ['email', 'components', 'locale'] as const
type Column = (typeof COLUMNS)[number]

const csvError = (message: string, details: ErrorDetail[]) =>
  new DomainError('invalid', 'invalid_csv', message, details)

/** Validates every row, collecting every problem; the path is `lines.<line number>.<column>`. */
async function parseImport(deps: Deps, text: string): Promise<ImportRow[]> {
  const records = parseCsv(text)
  const header = records.shift()
  const usage = 'The first line must be a header: email[,components][,locale]'
  if (!header) throw csvError('The file is empty', [{ path: 'lines.1', message: usage }])
  const cols = header.fields.map((h) => h.trim().toLowerCase())
  const bad = cols.filter(
    (c, i) => !(COLUMNS as readonly string[]).includes(c) || cols.indexOf(c) !== i,
  )
  if (!cols.includes('email') || bad.length) {
    const message = bad.length
      ? `Unknown or repeated column(s): ${bad.join(', ')}. ${usage}`
      : usage
    throw csvError('The header is not valid', [{ path: 'lines.1', message }])
  }
  if (records.length === 0)
    throw csvError('The file has no subscriber rows', [
      { path: 'lines.2', message: 'Add one row per address' },
    ])

  const known = new Set((await listComponents(deps.db)).map((c) => c.id))
  const errors: ErrorDetail[] = []
  const seen = new Map<string, number>()
  const rows: ImportRow[] = []
  for (const r of records) {
    const fail = (col: string, message: string) =>
      errors.push({ path: `lines.${r.line}${col ? `.${col}` : ''}`, message })
    const cell = (name: Column) => {
      const i = cols.indexOf(name)
      return i < 0 ? undefined : (r.fields[i] ?? '').trim()
    }
    if (r.fields.length > cols.length)
      fail('', `Has ${r.fields.length} fields; the header has ${cols.length}`)
    const email = Email.safeParse(cell('email') ?? '')
    if (!email.success) fail('email', email.error.issues[0]?.message ?? 'Must be an email address')
    const rawComponents = cell('components')
    const components =
      rawComponents === undefined
        ? undefined
        : unique(
            rawComponents
              .split(';')
              .map((x) => x.trim())
              .filter(Boolean),
          )
    for (const id of components ?? [])
      if (!known.has(id)) fail('components', `No component with id ${id}`)
    const rawLocale = cell('locale')
    const locale = rawLocale ? Locale.safeParse(rawLocale) : undefined
    if (locale && !locale.success) fail('locale', `Must be one of ${Locale.options.join(', ')}`)
    if (!email.success) continue
    const normalized = normalizeEmail(email.data)
    const first = seen.get(normalized)
    if (first !== undefined) fail('email', `The same address as line ${first}`)
    else seen.set(normalized, r.line)
    rows.push({
      line: r.line,
      email: email.data,
      normalized,
      components,
      locale: locale?.success ? locale.data : undefined,
    })
  }
  if (errors.length) {
    throw csvError(
      `The file has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was imported`,
      errors,
    )
  }
  return rows
}

/**
 * RFC 4180 records, each with the line it starts on: quoted fields may hold commas, doubled quotes
 * and line breaks; CRLF or LF; a byte-order mark and blank lines are ignored.
 */
export function parseCsv(input: string): { line: number; fields: string[] }[] {
  const text = input.replace(/^\uFEFF/, '')
  const records: { line: number; fields: string[] }[] = []
  let fields: string[] = []
  let field = ''
  let started = false
  let quoted = false
  let line = 1
  let start = 1
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') {
        quoted = false
      } else {
        if (ch === '\n') line++
        field += ch
      }
    } else if (ch === '"') {
      quoted = started = true
    } else if (ch === ',') {
      fields.push(field)
      field = ''
      started = true
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      if (started || field) records.push({ line: start, fields: [...fields, field] })
      fields = []
      field = ''
      started = false
      start = ++line
    } else {
      field += ch
    }
  }
  if (quoted)
    throw csvError('A quoted field is never closed', [
      { path: `lines.${start}`, message: 'Close the quote (") opened here' },
    ])
  if (started || field) records.push({ line: start, fields: [...fields, field] })
  return records
}
