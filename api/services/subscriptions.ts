import { CHANNELS, isChatChannel, maskedUrl, type ChannelName } from '../../core/channels.ts'
import { csvRecord } from '../../core/csv.ts'
import { notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import {
  Locale,
  type ConfirmCode,
  type Subscriber,
  type SubscriberCreate,
  type SubscriberStatus,
  type SubscriptionCreate,
} from '../../core/schemas/subscription.ts'
import { verifyToken, type TokenPurpose } from '../../core/signed-token.ts'
import { listComponents, listGroups } from '../../db/components.ts'
import {
  countSubscribers,
  deleteSubscriber,
  getSubscriber,
  listConfirmedSubscribers,
  listSubscribers,
  toSubscriber,
  updateSubscriber,
  type SubscriberRecord,
} from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import { loadComponents } from './component-status.ts'
import { subscriberLinks } from './links.ts'
import { openSecret } from './secret-box.ts'
import { signingSecret } from './secrets.ts'
import { confirmCode, type CodeResult } from './sms-confirmation.ts'
import { createSubscriber, rotateSecret, type CreatedSubscriber } from './subscriber-admin.ts'
import { subscriberEvent, subscriberTarget } from './subscriber-endpoint.ts'
import {
  commitImport,
  IMPORT_COLUMNS,
  planImport,
  type ImportPlan,
  type ImportReport,
} from './subscriber-import.ts'
import { requestSubscription, type SubscribeAccepted } from './subscription-request.ts'
import { commit, retryOnConflict, type WriteContext } from './write.ts'

export {
  CONFIRMATION_INTERVAL_MS,
  SELF_SERVICE,
  SUBSCRIBE_ACCEPTED,
  type SubscribeAccepted,
} from './subscription-request.ts'
export type { CodeResult } from './sms-confirmation.ts'
export type { CreatedSubscriber } from './subscriber-admin.ts'
export { enabledChannels } from './subscriber-endpoint.ts'

const event = subscriberEvent
const target = subscriberTarget
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
    channel: ChannelName
    count: number
  }[]
  /** Subscribers in any status per channel (every channel, zeros included). */
  by_channel: Record<ChannelName, number>
}

/** A confirmation by link: the subscriber, and a webhook's signing secret the first time only. */
export interface Confirmed {
  subscriber: SubscriberRecord
  /** Set only by the request that confirmed a webhook: shown once, never again. */
  signingSecret: string | null
}

export const subscriptions = {
  /** Double opt-in for every channel (subscription-request.ts). */
  request(deps: Deps, ctx: WriteContext, input: SubscriptionCreate): Promise<SubscribeAccepted> {
    return requestSubscription(deps, ctx, input)
  },

  /** Confirms an SMS subscription with the texted code (sms-confirmation.ts). */
  confirmCode(deps: Deps, ctx: WriteContext, input: ConfirmCode): Promise<CodeResult> {
    return confirmCode(deps, ctx, input.token, input.code)
  },

  /** The subscriber a link is for, without changing anything (GET pages: scanners prefetch them). */
  inspect(deps: Deps, purpose: 'confirm' | 'manage' | 'unsubscribe' | 'calendar', token: string) {
    return openLink(deps, purpose, token)
  },

  /** Signed links for a subscriber's pages. */
  links(deps: Deps, s: SubscriberRecord) {
    return subscriberLinks(deps, s)
  },

  /**
   * Confirms a pending subscription by its link; a confirmed one stays as it is. Null: the link is
   * not valid (an SMS subscription is confirmed only by its code). The request that confirms a
   * webhook gets its signing secret, once: a second POST, or any later page, never shows it.
   */
  confirm(deps: Deps, ctx: WriteContext, token: string): Promise<Confirmed | null> {
    return retryOnConflict(deps, async () => {
      const s = await openLink(deps, 'confirm', token)
      if (!s || s.confirm_via === 'sms' || (s.status !== 'pending' && s.status !== 'confirmed'))
        return null
      if (s.status === 'confirmed') return { subscriber: s, signingSecret: null }
      const after: SubscriberRecord = {
        ...s,
        status: 'confirmed',
        confirmed_at: deps.clock.now().toISOString(),
      }
      // Opened before the batch: a secret that cannot be read confirms nothing.
      const signingSecret =
        s.channel === 'webhook' && s.secret ? await openSecret(deps, s.secret) : null
      await commit(deps, ctx, {
        statements: updateSubscriber(after, false),
        action: 'subscriber.confirm',
        target: target(s.id),
        events: [event('subscriber.confirmed', s.id)],
        status: 200,
        body: null,
      })
      return { subscriber: after, signingSecret }
    })
  },

  /** The component list of the manage and subscribe pages, grouped as on the status page. */
  async choices(
    deps: Deps,
    s: { all_components: boolean; components: readonly string[] },
  ): Promise<ChoiceSection[]> {
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

  /** Newest first; a chat URL masked (its path is a secret: lists end up in screenshots). */
  async list(
    deps: Deps,
    q: {
      q?: string
      status?: SubscriberStatus
      channel?: ChannelName
      component?: string
    } & Pagination,
  ): Promise<{ items: Subscriber[]; total: number }> {
    const { items, total } = await listSubscribers(deps.db, {
      q: q.q,
      status: q.status,
      channel: q.channel,
      component: q.component,
      limit: q.per_page,
      offset: (q.page - 1) * q.per_page,
    })
    const masked = (s: Subscriber): Subscriber =>
      isChatChannel(s.channel) && s.url ? { ...s, url: maskedUrl(s.url) } : s
    return { items: items.map((s) => masked(toSubscriber(s))), total }
  },

  /** A confirmed subscriber of any channel, made by staff (subscriber-admin.ts). */
  create(deps: Deps, ctx: WriteContext, input: SubscriberCreate): Promise<CreatedSubscriber> {
    return createSubscriber(deps, ctx, input)
  },

  /** A new signing secret for a webhook subscriber, answered once (subscriber-admin.ts). */
  rotateSecret(deps: Deps, ctx: WriteContext, id: string) {
    return rotateSecret(deps, ctx, id)
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
    const sum = (m: ReadonlyMap<ChannelName, number> | undefined) =>
      [...(m?.values() ?? [])].reduce((a, b) => a + b, 0)
    const everything = sum(counts.allComponents)
    return {
      total: Object.values(counts.byStatus).reduce((a, b) => a + b, 0),
      by_status: counts.byStatus,
      all_components: everything,
      components: components.map((c) => ({
        id: c.id,
        name: c.name,
        confirmed: everything + sum(counts.explicit.get(c.id)),
      })),
      by_component_channel: components.flatMap((c) =>
        CHANNELS.map((channel) => ({
          component_id: c.id,
          component: c.name,
          channel,
          count:
            (counts.allComponents.get(channel) ?? 0) +
            (counts.explicit.get(c.id)?.get(channel) ?? 0),
        })).filter((r) => r.count > 0),
      ),
      by_channel: Object.fromEntries(
        CHANNELS.map((ch) => [ch, counts.byChannel.get(ch) ?? 0]),
      ) as Record<ChannelName, number>,
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
