import { z } from 'zod'
import { REPORT_GOAL_S, REPORT_LIMIT_S, reportResponse } from '../../core/communication-slo.ts'
import { uneditedCanned } from '../../core/canned-replies.ts'
import { DomainError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type { IncidentRecord } from '../../core/records.ts'
import { Id, MarkdownBody } from '../../core/schemas/common.ts'
import { Email } from '../../core/schemas/subscription.ts'
import { userText } from '../../core/schemas/text.ts'
import type { Scope } from '../../core/schemas/token.ts'
import { verifyToken } from '../../core/signed-token.ts'
import { getComponent } from '../../db/components.ts'
import {
  countFeedback,
  countWaiting,
  getFeedback,
  getFollowUpAnswer,
  insertFeedback,
  insertReply,
  listFeedback,
  repliesFor,
  updateFeedbackState,
  upsertFollowUpAnswer,
  type FeedbackFilter,
  type FeedbackRecord,
  type FeedbackStatus,
  type FollowUpAnswerRecord,
  type ReplyRecord,
} from '../../db/feedback.ts'
import { getIncident } from '../../db/incidents.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import { getSubscriber, type SubscriberRecord } from '../../db/subscribers.ts'
import { getUser, setInboxDigest } from '../../db/users.ts'
import { readVersion } from '../../db/versions.ts'
import type { Deps } from '../deps.ts'
import { checkReportSpikes } from './report-spikes.ts'
import type { FollowUpAnswer } from './links.ts'
import { signingSecret } from './secrets.ts'
import { sitePath } from './site-data.ts'
import {
  commit,
  customerSignature,
  retryOnConflict,
  systemActor,
  type WriteContext,
} from './write.ts'

export const MESSAGE_MAX = 5_000

/** What a customer sends from the public form (or the JSON variant). */
export const FeedbackCreate = z
  .object({
    email: Email.optional().meta({ description: 'Where to send our answer; optional' }),
    component: Id.optional().meta({ description: 'The component the problem is with' }),
    incident: Id.optional().meta({ description: 'The incident the reporter is affected by' }),
    message: userText()
      .min(1, 'Tell us what is not working')
      .max(MESSAGE_MAX, `At most ${MESSAGE_MAX} characters`),
    website: userText()
      .max(2_000)
      .optional()
      .meta({ description: 'Leave empty (a trap for form-filling bots)' }),
  })
  .strict()
  .meta({ id: 'FeedbackCreate' })
export type FeedbackCreate = z.infer<typeof FeedbackCreate>

export const THANK_YOU = "Thank you — we read every report. We'll answer within 24 hours." as const

/** Reports from the public form and answers through follow-up links: the customer is the actor. */
const REPORTER: WriteContext = { actor: systemActor('reporter') }

/** A reply as the API shows it. */
export type ReplyView = Omit<ReplyRecord, 'feedback_id'>

export interface FeedbackView extends FeedbackRecord {
  age_seconds: number
  /** Still waiting for a first answer after 2 hours: no longer feels like a conversation. */
  late: boolean
  /** Still waiting for a first answer after 24 hours: the promise is broken. */
  overdue: boolean
  replies: ReplyView[]
}

/**
 * A reporter's address as a token of `scope` may see it: whole for admin, masked otherwise
 * (`r***@example.net`): enough to tell that an answer will be mailed, and where to roughly,
 * without handing every read token a list of customers' addresses.
 */
export function maskedEmail(email: string | null, scope: Scope): string | null {
  if (email === null || scope === 'admin') return email
  const at = email.lastIndexOf('@')
  return `${at > 0 ? email[0] : ''}***${at >= 0 ? email.slice(at) : ''}`
}

/** A feedback view with the reporter's address as `scope` may see it. */
export function feedbackFor<T extends { email: string | null }>(view: T, scope: Scope): T {
  return { ...view, email: maskedEmail(view.email, scope) }
}

export interface FeedbackListQuery {
  status?: FeedbackStatus | undefined
  overdue?: boolean | undefined
  /** Only items unanswered after 2 hours (overdue ones included). */
  late?: boolean | undefined
  incident?: string | undefined
  /** Only items assigned to this person; null: to nobody. */
  assigned_to?: string | null | undefined
  page: number
  per_page: number
}

export type FeedbackFilterQuery = Omit<FeedbackListQuery, 'page' | 'per_page'>

function filterOf(q: FeedbackFilterQuery, now: Date): FeedbackFilter {
  const cutoff = new Date(now.getTime() - REPORT_LIMIT_S * 1000).toISOString()
  return {
    status: q.status,
    incidentId: q.incident,
    overdue: q.overdue === undefined ? undefined : { cutoff, is: q.overdue },
    lateBefore: q.late ? lateCutoff(now) : undefined,
    assignedTo: q.assigned_to,
  }
}

/** A reply: markdown, mailed to the reporter when they left an address. */
export const FeedbackReplyCreate = z
  .object({ body: MarkdownBody })
  .strict()
  .meta({ id: 'FeedbackReplyCreate' })
export type FeedbackReplyCreate = z.infer<typeof FeedbackReplyCreate>

export const FeedbackAssign = z
  .object({
    assigned_to: Id.nullable().meta({
      description: 'The person (user id) who answers it: any active person; null: nobody',
    }),
  })
  .strict()
  .meta({ id: 'FeedbackAssign' })
export type FeedbackAssign = z.infer<typeof FeedbackAssign>

/** Close and reopen take nothing: send `{}`. */
export const FeedbackEmpty = z.object({}).strict().meta({ id: 'FeedbackClose' })

// Ids only: the message and the address stay in the feedback row, which can be erased, and out
// of the append-only outbox and audit log.
const received = (id: string): OutboxEvent => ({
  type: 'feedback.received',
  aggregateType: 'feedback',
  aggregateId: id,
  payload: { feedback_id: id },
})

const target = (id: string) => ({ type: 'feedback', id })

/** Reports created before this instant and still unanswered are late (2 h: PRODUCT.md). */
export const lateCutoff = (now: Date) =>
  new Date(now.getTime() - REPORT_GOAL_S * 1000).toISOString()

function toView(f: FeedbackRecord, replies: readonly ReplyRecord[], now: Date): FeedbackView {
  const ageMs = Math.max(0, now.getTime() - Date.parse(f.created_at))
  const { state } = reportResponse(f, now)
  return {
    ...f,
    age_seconds: Math.floor(ageMs / 1000),
    late: state === 'late' || state === 'overdue',
    overdue: state === 'overdue',
    replies: replies.map(({ feedback_id: _, ...r }) => r),
  }
}

async function load(deps: Deps, id: string): Promise<FeedbackRecord> {
  const f = await getFeedback(deps.db, id)
  if (!f) throw notFound('feedback', id)
  return f
}

async function view(deps: Deps, f: FeedbackRecord, extra: ReplyRecord[] = []) {
  const replies = (await repliesFor(deps.db, [f.id])).get(f.id) ?? []
  return toView(f, [...replies, ...extra], deps.clock.now())
}

/** What a follow-up link stands for: who answers, about which incident, and the linked answer. */
export interface FollowUpLink {
  subscriber: SubscriberRecord
  incident: Pick<IncidentRecord, 'id' | 'kind' | 'name'>
  /** Site-relative path of the incident's page. */
  incidentPath: string
  answer: FollowUpAnswer
  previous: FollowUpAnswerRecord | null
}

const LINK_VALUE = /^([0-9a-z]{12}):(all_good|still_affected)$/

/** The follow-up a signed link is for, or null when it is forged, expired, revoked or stale. */
async function openFollowUp(deps: Deps, token: string): Promise<FollowUpLink | null> {
  const payload = await verifyToken(await signingSecret(deps), token, 'feedback', deps.clock.now())
  const m = payload?.x ? LINK_VALUE.exec(payload.x) : null
  if (!payload || !m) return null
  const [, incidentId, answer] = m
  const subscriber = await getSubscriber(deps.db, payload.s)
  // Unsubscribing (or subscribing again) bumps token_version and so revokes every older link.
  if (!subscriber || subscriber.token_version !== payload.v) return null
  const incident = await getIncident(deps.db, incidentId!)
  if (!incident) return null
  return {
    subscriber,
    incident: { id: incident.id, kind: incident.kind, name: incident.name },
    incidentPath: sitePath(incident),
    answer: answer === 'all_good' ? 'all_good' : 'still_affected',
    previous: await getFollowUpAnswer(deps.db, incident.id, subscriber.id),
  }
}

/**
 * After a report is stored: does it make a spike? A failure here must not lose the report (it is
 * committed); the scheduler checks again on its next tick.
 */
async function spikeCheck(deps: Deps): Promise<void> {
  await checkReportSpikes(deps).catch((err: Error) =>
    deps.log.warn('report spike check failed', { error: err.message }),
  )
}

export const feedback = {
  /**
   * A report from a customer: checks that the named component and incident exist, then stores it
   * as an open item and asks the notifier to thank the reporter (when an address was given).
   */
  async report(deps: Deps, input: Omit<FeedbackCreate, 'website'>): Promise<FeedbackRecord> {
    const [component, incident] = await Promise.all([
      input.component ? getComponent(deps.db, input.component) : null,
      input.incident ? getIncident(deps.db, input.incident) : null,
    ])
    const details = [
      ...(input.component && !component
        ? [{ path: 'component', message: 'No component with this id' }]
        : []),
      ...(input.incident && !incident
        ? [{ path: 'incident', message: 'No incident with this id' }]
        : []),
    ]
    if (details.length) {
      throw new DomainError('invalid', 'unknown_reference', 'Some ids do not exist', details)
    }
    const f: FeedbackRecord = {
      id: newId(),
      incident_id: incident?.id ?? null,
      component_id: component?.id ?? null,
      subscriber_id: null,
      email: input.email ?? null,
      message: input.message,
      source: 'form',
      status: 'open',
      created_at: deps.clock.now().toISOString(),
      first_answered_at: null,
      closed_at: null,
      assigned_to: null,
    }
    const stored = await commit(deps, REPORTER, {
      statements: [insertFeedback(f)],
      action: 'feedback.create',
      target: target(f.id),
      events: [received(f.id)],
      status: 201,
      body: f,
      details: { source: f.source, incident_id: f.incident_id, component_id: f.component_id },
    })
    await spikeCheck(deps)
    return stored
  },

  async list(deps: Deps, q: FeedbackListQuery): Promise<{ items: FeedbackView[]; total: number }> {
    const now = deps.clock.now()
    const { items, total } = await listFeedback(
      deps.db,
      filterOf(q, now),
      q.per_page,
      (q.page - 1) * q.per_page,
    )
    const replies = await repliesFor(
      deps.db,
      items.map((f) => f.id),
    )
    return { items: items.map((f) => toView(f, replies.get(f.id) ?? [], now)), total }
  },

  /** How many items each query matches (the inbox's filter counts), in one read. */
  count(deps: Deps, qs: readonly FeedbackFilterQuery[]): Promise<number[]> {
    const now = deps.clock.now()
    return countFeedback(
      deps.db,
      qs.map((q) => filterOf(q, now)),
    )
  },

  async get(deps: Deps, id: string): Promise<FeedbackView> {
    return view(deps, await load(deps, id))
  },

  /**
   * Answers a report: the reply is stored and mailed to the reporter (`feedback.answered`); the
   * first reply sets first_answered_at, which the 2 h / 24 h response figures are measured by.
   */
  reply(deps: Deps, ctx: WriteContext, id: string, body: string): Promise<FeedbackView> {
    const canned = uneditedCanned(body)
    if (canned) {
      throw new DomainError(
        'invalid',
        'unedited_template',
        'A template is a starting point: make the reply fit this person before sending it',
        [
          {
            path: 'body',
            message: `This is the “${canned.label}” template unchanged: greet the person and say what applies to them`,
          },
        ],
      )
    }
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'feedback', id)
      const f = await load(deps, id)
      if (f.status === 'closed') {
        throw new DomainError(
          'conflict',
          'feedback_closed',
          'This feedback is closed; it takes no more replies',
        )
      }
      const at = deps.clock.now().toISOString()
      const reply: ReplyRecord = {
        id: newId(),
        feedback_id: f.id,
        body,
        author: customerSignature(ctx.actor, deps.config.page.name),
        created_at: at,
      }
      const next: FeedbackRecord = {
        ...f,
        status: 'answered',
        first_answered_at: f.first_answered_at ?? at,
      }
      return commit(deps, ctx, {
        statements: [insertReply(reply), ...updateFeedbackState(next, version)],
        action: 'feedback.reply',
        target: target(f.id),
        events: [
          {
            type: 'feedback.answered',
            aggregateType: 'feedback',
            aggregateId: f.id,
            payload: { feedback_id: f.id, reply_id: reply.id },
          },
        ],
        status: 201,
        // Stored for an idempotent replay too: masked for the caller's scope here, not later.
        body: feedbackFor(await view(deps, next, [reply]), ctx.actor.scope),
        details: { reply_id: reply.id },
      })
    })
  },

  close(deps: Deps, ctx: WriteContext, id: string): Promise<FeedbackView> {
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'feedback', id)
      const f = await load(deps, id)
      if (f.status === 'closed') {
        throw new DomainError('conflict', 'feedback_closed', 'This feedback is already closed')
      }
      const next: FeedbackRecord = {
        ...f,
        status: 'closed',
        closed_at: deps.clock.now().toISOString(),
      }
      return commit(deps, ctx, {
        statements: updateFeedbackState(next, version),
        action: 'feedback.close',
        target: target(f.id),
        events: [],
        status: 200,
        body: feedbackFor(await view(deps, next), ctx.actor.scope),
      })
    })
  },

  /** A closed item is open again: it takes replies, and shows in the open list. */
  reopen(deps: Deps, ctx: WriteContext, id: string): Promise<FeedbackView> {
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'feedback', id)
      const f = await load(deps, id)
      if (f.status !== 'closed') {
        throw new DomainError('conflict', 'feedback_not_closed', 'This feedback is not closed')
      }
      const next: FeedbackRecord = { ...f, status: 'open', closed_at: null }
      return commit(deps, ctx, {
        statements: updateFeedbackState(next, version),
        action: 'feedback.reopen',
        target: target(f.id),
        events: [],
        status: 200,
        body: feedbackFor(await view(deps, next), ctx.actor.scope),
      })
    })
  },

  /** Gives the item to a person to answer (any active one), or to nobody. */
  assign(deps: Deps, ctx: WriteContext, id: string, input: FeedbackAssign): Promise<FeedbackView> {
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'feedback', id)
      const f = await load(deps, id)
      const person = input.assigned_to ? await getUser(deps.db, input.assigned_to) : null
      if (input.assigned_to && person?.status !== 'active') {
        throw new DomainError('invalid', 'unknown_person', 'Assign it to an active person', [
          { path: 'assigned_to', message: 'No active person with this id' },
        ])
      }
      const next: FeedbackRecord = { ...f, assigned_to: input.assigned_to }
      return commit(deps, ctx, {
        statements: updateFeedbackState(next, version),
        action: 'feedback.assign',
        target: target(f.id),
        events: [],
        status: 200,
        body: feedbackFor(await view(deps, next), ctx.actor.scope),
        details: { assigned_to: next.assigned_to, previous: { assigned_to: f.assigned_to } },
      })
    })
  },

  /** How many reports wait for a first answer (the console's menu shows it on every page). */
  waitingCount(deps: Deps): Promise<number> {
    return countWaiting(deps.db)
  },

  /** A person's choice to get the email digest of new reports, or not. */
  async setDigest(deps: Deps, ctx: WriteContext, userId: string, on: boolean): Promise<void> {
    await commit(deps, ctx, {
      statements: [setInboxDigest(userId, on)],
      action: 'user.inbox_digest',
      target: { type: 'user', id: userId },
      events: [],
      status: 200,
      body: null,
      details: { inbox_digest: on },
    })
  },

  /** Reads a follow-up link without changing anything (mail scanners open every link). */
  openFollowUp,

  /**
   * Records the answer to a follow-up, replacing an earlier one. "Still affected" opens a feedback
   * item for staff, unless it only repeats an earlier "still affected" (a form sent twice).
   * Null when the link does not work.
   */
  async answerFollowUp(
    deps: Deps,
    token: string,
    input: { answer: FollowUpAnswer; comment: string | null },
  ): Promise<{ link: FollowUpLink; feedback: FeedbackRecord | null } | null> {
    // Not versioned: the answer row is replaced whole, and at worst two forms sent at once each
    // open a feedback item for staff, which loses nothing.
    const link = await openFollowUp(deps, token)
    if (!link) return null
    const at = deps.clock.now().toISOString()
    const prev = link.previous
    const repeat =
      prev?.answer === 'still_affected' &&
      (input.comment === null || input.comment === prev.comment)
    const f: FeedbackRecord | null =
      input.answer === 'still_affected' && !repeat
        ? {
            id: newId(),
            incident_id: link.incident.id,
            component_id: null,
            subscriber_id: link.subscriber.id,
            email: link.subscriber.email,
            message:
              input.comment ??
              `Answered the follow-up to "${link.incident.name}": still affected (no comment).`,
            source: 'follow_up',
            status: 'open',
            created_at: at,
            first_answered_at: null,
            closed_at: null,
            assigned_to: null,
          }
        : null
    await commit(deps, REPORTER, {
      statements: [
        upsertFollowUpAnswer({
          incident_id: link.incident.id,
          subscriber_id: link.subscriber.id,
          answer: input.answer,
          // An answer without a comment keeps no earlier comment: it may no longer be true.
          comment: input.comment,
          answered_at: at,
        }),
        ...(f ? [insertFeedback(f)] : []),
      ],
      action: 'follow_up.answer',
      target: { type: 'incident', id: link.incident.id },
      events: f ? [received(f.id)] : [],
      status: 200,
      body: null,
      details: {
        subscriber_id: link.subscriber.id,
        answer: input.answer,
        feedback_id: f?.id ?? null,
      },
    })
    // "Still affected" is a report too: many at once after a resolution is a signal.
    if (input.answer === 'still_affected') await spikeCheck(deps)
    return { link, feedback: f }
  },
}
