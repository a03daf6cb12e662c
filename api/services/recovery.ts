import { componentCredit, monthWindow, type ComponentCredit } from '../../core/compensation.ts'
import { DomainError, notFound } from '../../core/errors.ts'
import { postmortemTemplate } from '../../core/postmortem-template.ts'
import type { CompensationDecision, IncidentRecord, Postmortem } from '../../core/records.ts'
import { translationsOut, withField } from '../../core/localized.ts'
import { splitFields } from '../../core/localized-input.ts'
import { CHANNELS } from '../../core/channels.ts'
import {
  type CompensationInput,
  type CompensationView,
  type ImpactView,
  type PostmortemDraft,
  type PostmortemPublish,
} from '../../core/schemas/recovery.ts'
import { Locale } from '../../core/schemas/subscription.ts'
import { DOWNTIME_WEIGHTS, uptimeBetween, type StatusChange } from '../../core/uptime.ts'
import { getComponentsByIds, statusHistorySince } from '../../db/components.ts'
import { listFeedback } from '../../db/feedback.ts'
import { getIncident, updateIncident, upsertPostmortem } from '../../db/incidents.ts'
import { affectedSubscribers } from '../../db/recovery.ts'
import { catalogFor } from '../../templates/render.ts'
import type { Deps } from '../deps.ts'
import { commit, retryOnConflict, type WriteContext } from './write.ts'
import { loadForWrite } from './incidents.ts'

async function load(deps: Deps, id: string): Promise<IncidentRecord> {
  return (await getIncident(deps.db, id, 'incident')) ?? Promise.reject(notFound('incident', id))
}

const DAY = 86_400_000

function postmortemView(deps: Deps, r: IncidentRecord) {
  if (!r.postmortem)
    throw new DomainError('not_found', 'not_found', 'This incident has no post-mortem yet')
  const due =
    r.resolved_at && (r.impact === 'major' || r.impact === 'critical')
      ? new Date(
          Date.parse(r.resolved_at) + deps.config.recovery.slo.postmortemDays * DAY,
        ).toISOString()
      : null
  const { translations, ...postmortem } = r.postmortem
  return {
    incident_id: r.id,
    ...postmortem,
    due_at: due,
    translations: translationsOut(translations),
  }
}

/** The post-mortem with `body` (string or map) as its text, every language checked first. */
function withBody(
  deps: Deps,
  p: Postmortem | null,
  given: PostmortemDraft['body'],
  at: string,
): Postmortem {
  const { body } = splitFields({ body: given }, deps.config.locales)
  const base: Postmortem = p ?? {
    body: '',
    status: 'draft',
    created_at: at,
    updated_at: at,
    published_at: null,
  }
  return {
    ...base,
    body: body!.text,
    translations: withField(base.translations, 'body', body!.others),
  }
}

async function historyFor(
  deps: Deps,
  ids: readonly string[],
  since: Date,
): Promise<Map<string, StatusChange[]>> {
  const byId = new Map<string, StatusChange[]>(ids.map((id) => [id, []]))
  for (const h of await statusHistorySince(deps.db, since.toISOString())) {
    byId.get(h.component_id)?.push({ status: h.status, at: new Date(h.at) })
  }
  return byId
}

/** Components in the order the page lists them (as db/components.ts listComponents does). */
function inPageOrder<T extends { position: number; name: string }>(components: T[]): T[] {
  return components.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
}

/** Credits of the incident's components over the month it started in, in the page's zone. */
async function computeCredits(
  deps: Deps,
  r: IncidentRecord,
): Promise<{ month: string; credits: ComponentCredit[] }> {
  const month = monthWindow(new Date(r.started_at), deps.config.page.timeZone)
  const ids = r.components.map((c) => c.id)
  const components = inPageOrder(await getComponentsByIds(deps.db, ids))
  const history = await historyFor(
    deps,
    components.map((c) => c.id),
    month.start,
  )
  const now = deps.clock.now()
  const credits = components.map((c) =>
    componentCredit(c, history.get(c.id) ?? [], deps.config.recovery.creditPolicy, month, now),
  )
  return { month: month.month, credits }
}

/** What customers are told about the make-good, in `locale`'s words (the team's own text as written). */
export function compensationSentences(
  decision: CompensationDecision | null,
  computed: readonly ComponentCredit[],
  timeZone: string,
  locale: Locale = 'en',
): string[] {
  if (!decision) return []
  if (decision.decision === 'custom') return decision.text ? [decision.text] : []
  const t = catalogFor(locale)
  const sentences = computed.flatMap((c) => {
    const credit = decision.credits[c.component_id] ?? 0
    return credit > 0 ? [t.credit(c, credit, timeZone)] : []
  })
  return decision.text ? [...sentences, decision.text] : sentences
}

/**
 * The decision `input` makes over the credits as computed now. An override may only name the
 * incident's components (refused beside each unknown one, nothing written).
 */
function decisionOf(
  input: CompensationInput,
  credits: readonly ComponentCredit[],
  at: string,
): CompensationDecision {
  if (input.decision === 'override') {
    const known = new Set(credits.map((c) => c.component_id))
    const unknown = Object.keys(input.credits).filter((cid) => !known.has(cid))
    if (unknown.length) {
      throw new DomainError(
        'invalid',
        'invalid_input',
        'Credits can only be given for the incident’s components',
        unknown.map((cid) => ({
          path: `credits.${cid}`,
          message: 'Not a component of this incident',
        })),
      )
    }
  }
  return {
    decision: input.decision,
    credits:
      input.decision === 'accepted'
        ? Object.fromEntries(credits.map((c) => [c.component_id, c.credit]))
        : input.decision === 'override'
          ? input.credits
          : {},
    text: input.decision === 'accepted' ? null : (input.text ?? null),
    decided_at: at,
  }
}

function compensationView(
  deps: Deps,
  id: string,
  month: string,
  credits: ComponentCredit[],
  decision: CompensationDecision | null,
): CompensationView {
  const tz = deps.config.page.timeZone
  const byLocale = Object.fromEntries(
    Locale.options.map((l) => [l, compensationSentences(decision, credits, tz, l)]),
  ) as Record<Locale, string[]>
  return {
    incident_id: id,
    month,
    policy: deps.config.recovery.creditPolicy,
    computed: credits,
    decision,
    sentences: byLocale.en,
    sentences_by_locale: byLocale,
  }
}

/** How many of an incident's reports the impact lists (the total is always given). */
const REPORTS_LISTED = 50

export const recovery = {
  async postmortem(deps: Deps, id: string) {
    return postmortemView(deps, await load(deps, id))
  },

  /**
   * A starting point in the five sections, its timeline written from the updates in the page's
   * zone (core/postmortem-template.ts); in `locale`, else the incident's playbook language, else
   * English.
   */
  async postmortemTemplate(deps: Deps, id: string, locale?: Locale): Promise<{ body: string }> {
    const r = await load(deps, id)
    // In the page's display order, as the status page lists them.
    const held = await getComponentsByIds(
      deps.db,
      r.components.map((c) => c.id),
    )
    held.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
    const body = postmortemTemplate(
      {
        components: held.map((c) => c.name),
        started_at: r.started_at,
        resolved_at: r.status === 'resolved' ? r.resolved_at : null,
        updates: r.updates,
      },
      catalogFor(locale ?? r.playbook?.locale ?? 'en'),
      deps.config.page.timeZone,
    )
    return { body }
  },

  saveDraft(deps: Deps, ctx: WriteContext, id: string, input: PostmortemDraft) {
    return retryOnConflict(deps, async () => {
      const { record: r, version } = await loadForWrite(deps, id)
      const at = deps.clock.now().toISOString()
      r.postmortem = { ...withBody(deps, r.postmortem, input.body, at), updated_at: at }
      const published = r.postmortem.status === 'published'
      return commit(deps, ctx, {
        statements: upsertPostmortem(id, r.postmortem, version),
        action: 'postmortem.save',
        target: { type: 'incident', id },
        // A published post-mortem that is edited must be re-published on the site and feeds.
        events: published
          ? [
              {
                type: 'incident.postmortem_updated',
                aggregateType: 'incident',
                aggregateId: id,
                payload: { incident_id: id, deliver_notifications: false },
              },
            ]
          : [],
        status: 200,
        body: postmortemView(deps, r),
      })
    })
  },

  /**
   * Publishes the post-mortem; with `draft`, that text (the console's editor) in the same batch,
   * so what is published is what was typed, and a refusal leaves the stored draft as it was.
   */
  publish(
    deps: Deps,
    ctx: WriteContext,
    id: string,
    input: PostmortemPublish,
    draft?: PostmortemDraft,
  ) {
    return retryOnConflict(deps, async () => {
      const { record: r, version } = await loadForWrite(deps, id)
      if (draft) {
        const at = deps.clock.now().toISOString()
        r.postmortem = withBody(deps, r.postmortem, draft.body, at)
      }
      if (!r.postmortem)
        throw new DomainError(
          'conflict',
          'no_postmortem',
          'Write a draft first (PUT .../postmortem)',
        )
      if (r.postmortem.status === 'published')
        throw new DomainError(
          'conflict',
          'postmortem_published',
          'This post-mortem is already published',
        )
      if (r.status !== 'resolved')
        throw new DomainError(
          'conflict',
          'incident_not_resolved',
          'Publish the post-mortem once the incident is resolved',
        )
      const at = deps.clock.now().toISOString()
      r.postmortem = { ...r.postmortem, status: 'published', published_at: at, updated_at: at }
      return commit(deps, ctx, {
        statements: upsertPostmortem(id, r.postmortem, version),
        action: 'postmortem.publish',
        target: { type: 'incident', id },
        events: [
          {
            type: 'incident.postmortem_published',
            aggregateType: 'incident',
            aggregateId: id,
            payload: { incident_id: id, deliver_notifications: input.notify },
          },
        ],
        status: 201,
        body: postmortemView(deps, r),
      })
    })
  },

  async compensation(deps: Deps, id: string): Promise<CompensationView> {
    const r = await load(deps, id)
    const { month, credits } = await computeCredits(deps, r)
    return compensationView(deps, id, month, credits, r.compensation)
  },

  /** What deciding `input` would tell customers, with nothing written (the console's preview). */
  async previewCompensation(
    deps: Deps,
    id: string,
    input: CompensationInput,
  ): Promise<CompensationView> {
    const r = await load(deps, id)
    const { month, credits } = await computeCredits(deps, r)
    const decision = decisionOf(input, credits, deps.clock.now().toISOString())
    return compensationView(deps, id, month, credits, decision)
  },

  decideCompensation(
    deps: Deps,
    ctx: WriteContext,
    id: string,
    input: CompensationInput,
  ): Promise<CompensationView> {
    return retryOnConflict(deps, async () => {
      const { record: r, version } = await loadForWrite(deps, id)
      const { month, credits } = await computeCredits(deps, r)
      const at = deps.clock.now().toISOString()
      r.compensation = decisionOf(input, credits, at)
      r.updated_at = at
      return commit(deps, ctx, {
        statements: updateIncident(r, version),
        action: 'compensation.decide',
        target: { type: 'incident', id },
        events: [
          {
            type: 'incident.edited',
            aggregateType: 'incident',
            aggregateId: id,
            payload: { incident_id: id, fields: ['compensation'] },
          },
        ],
        status: 200,
        body: compensationView(deps, id, month, credits, r.compensation),
        details: input,
      })
    })
  },

  /**
   * Who and what the incident touched: subscribers reached per component and channel, each
   * component's outage (weighted as uptime and credits weigh it), the customers' reports. The
   * API and the console's Impact page show exactly this.
   */
  async impact(deps: Deps, id: string): Promise<ImpactView> {
    const r = await load(deps, id)
    const ids = r.components.map((c) => c.id)
    const from = new Date(r.started_at)
    const to = r.resolved_at ? new Date(r.resolved_at) : deps.clock.now()
    const [components, history, affected, reports] = await Promise.all([
      getComponentsByIds(deps.db, ids),
      historyFor(deps, ids, from),
      affectedSubscribers(deps.db, ids),
      listFeedback(deps.db, { incidentId: id }, REPORTS_LISTED, 0),
    ])
    const rows = inPageOrder(components).map((c) => {
      const t = uptimeBetween(history.get(c.id) ?? [], from, to)
      return {
        id: c.id,
        name: c.name,
        outage_seconds: t.major_seconds + t.partial_seconds + t.degraded_seconds,
        major_seconds: t.major_seconds,
        partial_seconds: t.partial_seconds,
        degraded_seconds: t.degraded_seconds,
        weighted_outage_seconds: t.down_seconds,
      }
    })
    const counts = new Map(affected.byComponent.map((x) => [`${x.component_id} ${x.channel}`, x]))
    const perChannel = new Map(affected.byChannel.map((x) => [x.channel, x.count]))
    // Email always (the channel everyone knows), and every channel someone is reached on.
    const channels = CHANNELS.filter((ch) => ch === 'email' || affected.inUse.includes(ch))
    const sum = (f: (c: (typeof rows)[number]) => number) => rows.reduce((n, c) => n + f(c), 0)
    return {
      incident_id: id,
      affected_subscribers: affected.byChannel.reduce((n, x) => n + x.count, 0),
      duration_seconds: Math.max(0, to.getTime() - from.getTime()) / 1000,
      components: rows,
      total_outage_seconds: sum((c) => c.outage_seconds),
      total_weighted_outage_seconds: sum((c) => c.weighted_outage_seconds),
      downtime_weights: {
        major_outage: DOWNTIME_WEIGHTS.major_outage,
        partial_outage: DOWNTIME_WEIGHTS.partial_outage,
        degraded_performance: DOWNTIME_WEIGHTS.degraded_performance,
      },
      // Every component with every channel in use, zeros included: "nobody follows it" is a
      // figure too.
      subscribers: rows.flatMap((c) =>
        channels.map((channel) => ({
          component_id: c.id,
          component_name: c.name,
          channel,
          count: counts.get(`${c.id} ${channel}`)?.count ?? 0,
        })),
      ),
      channels: channels.map((channel) => ({
        channel,
        count: perChannel.get(channel) ?? 0,
      })),
      reports: {
        total: reports.total,
        items: reports.items.map((f) => ({
          id: f.id,
          source: f.source,
          status: f.status,
          component_id: f.component_id,
          message: f.message,
          created_at: f.created_at,
        })),
      },
    }
  },
}
