import { csvRecord } from '../../core/csv.ts'
import { notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import {
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
  emailChannelFields,
  findSubscriberByEmail,
  getSubscriber,
  insertSubscriber,
  listConfirmedSubscribers,
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
import {
  commitImport,
  IMPORT_COLUMNS,
  planImport,
  type ImportPlan,
  type ImportReport,
} from './subscriber-import.ts'
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

/**
 * The one way a subscription ends, whoever ends it (the link in a message, a STOP reply at the SMS
 * provider): unsubscribed, every earlier link revoked (token_version), audited with `details`
 * (never the address). Throws StaleWrite when `s` changed since it was read.
 */
export async function endSubscription(
  deps: Deps,
  ctx: WriteContext,
  s: SubscriberRecord,
  details?: Record<string, unknown>,
): Promise<SubscriberRecord> {
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
    details,
  })
  return after
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

export interface SubscriberCountsView {
  total: number
  by_status: Record<SubscriberStatus, number>
  /** Confirmed subscribers who receive mail about every component. */
  all_components: number
  /** Confirmed subscribers who receive mail about each component, "all components" ones included. */
  components: { id: string; name: string; confirmed: number }[]
  /**
   * Confirmed subscribers per component and channel, one row each (a channel with none has no
   * rows): the shape stays when chat or webhook subscriptions join email.
   */
  by_component_channel: {
    component_id: string
    component: string
    channel: SubscriberChannel
    count: number
  }[]
}

/** How subscribers are reached; every subscriber today is an email address. */
export type SubscriberChannel = 'email'

export const subscriptions = {
  /**
   * Double opt-in. Creates or reuses a pending subscriber and asks the notifier for one confirmation
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
          ...emailChannelFields(input.email),
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
  inspect(deps: Deps, purpose: 'confirm' | 'manage' | 'unsubscribe' | 'calendar', token: string) {
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
      return { subscriber: await endSubscription(deps, ctx, s), already: false }
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
    const perComponent = components.map((c) => ({
      id: c.id,
      name: c.name,
      confirmed: counts.allComponents + (counts.explicit.get(c.id) ?? 0),
    }))
    return {
      total: Object.values(counts.byStatus).reduce((a, b) => a + b, 0),
      by_status: counts.byStatus,
      all_components: counts.allComponents,
      components: perComponent,
      by_component_channel: perComponent
        .filter((c) => c.confirmed > 0)
        .map((c) => ({
          component_id: c.id,
          component: c.name,
          channel: 'email' as const,
          count: c.confirmed,
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

  /** What importing this CSV would do now, row by row (a dry run: writes nothing). */
  planImport(deps: Deps, text: string): Promise<ImportPlan> {
    return planImport(deps, text)
  },

  /**
   * Imports `email[,components][,locale]` CSV (components separated by ";", empty = all): the
   * same plan as `planImport`, written in one batch. All or nothing: any invalid row rejects the
   * whole file (400, every problem listed with its line) and writes nothing, so the operator
   * fixes the file and runs it again, never having to work out which half went in. With
   * `digest` (from a preview), only while the plan is still the one previewed (else 409).
   */
  importCsv(
    deps: Deps,
    ctx: WriteContext,
    text: string,
    opts: { digest?: string } = {},
  ): Promise<ImportReport> {
    return commitImport(deps, ctx, text, opts)
  },

  /**
   * The confirmed subscribers as CSV, in the columns the import takes (export → import gives the
   * same subscriptions), every cell safe to open in a spreadsheet (core/csv.ts). Pending,
   * unsubscribed and quarantined addresses are left out: importing them anywhere would confirm
   * people who never confirmed or who opted out. The export is audited (who took the list).
   */
  async exportCsv(deps: Deps, ctx: WriteContext): Promise<{ csv: string; count: number }> {
    const list = await listConfirmedSubscribers(deps.db)
    const csv =
      csvRecord(IMPORT_COLUMNS) +
      list
        .map((s) =>
          csvRecord([
            s.email ?? '',
            s.all_components ? '' : [...s.components].sort().join(';'),
            s.locale,
          ]),
        )
        .join('')
    await commit(deps, ctx, {
      statements: [],
      action: 'subscriber.export',
      target: { type: 'subscriber_export', id: newId() },
      events: [],
      status: 200,
      body: null,
      details: { count: list.length },
    })
    return { csv, count: list.length }
  },
}
