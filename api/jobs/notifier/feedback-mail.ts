import type { Db } from '../../../db/client.ts'
import type { ClaimedDelivery } from '../../../db/deliveries.ts'
import { digestReports } from '../../../db/feedback-digests.ts'
import type { StoredEvent } from '../../../db/journal.ts'
import { num } from '../../../db/rows.ts'
import { renderFeedbackDigest, type DigestReport } from '../../../templates/feedback-digest.ts'
import { feedbackDigestMessageId } from '../../../templates/message-id.ts'
import type { RenderedEmail } from '../../../templates/render.ts'
import { mailPage } from '../../config.ts'
import type { Deps } from '../../deps.ts'

/** What every staff digest of one event shares: the reports it lists, read once per event. */
export interface DigestContext {
  type: 'digest'
  event: StoredEvent
  reports: DigestReport[]
  total: number
}

export async function digestContext(deps: Deps, event: StoredEvent): Promise<DigestContext> {
  const ids = Array.isArray(event.payload.feedback_ids)
    ? event.payload.feedback_ids.filter((x): x is string => typeof x === 'string')
    : []
  const count = typeof event.payload.count === 'number' ? event.payload.count : ids.length
  return { type: 'digest', event, reports: await digestReports(deps.db, ids), total: count }
}

/** The digest for one member of the team (or the on-call mailbox). */
export function digestEmail(
  deps: Deps,
  ctx: DigestContext,
  d: ClaimedDelivery,
  host: string,
): { email: RenderedEmail } | { skip: string } {
  if (!d.address) return { skip: 'skipped: the digest goes to a plain address only' }
  if (ctx.reports.length === 0) return { skip: 'skipped: every report in it was erased' }
  return {
    email: renderFeedbackDigest({
      page: mailPage(deps.config),
      subjectPrefix: deps.config.mail.subjectPrefix,
      from: deps.config.mail.from,
      to: d.address,
      messageId: feedbackDigestMessageId(ctx.event.id, d.address, host),
      date: ctx.event.createdAt,
      reports: ctx.reports,
      total: ctx.total,
    }),
  }
}

/** The mails to a reporter that follow the first thank-you in its thread. */
const THREADED = ['feedback.answered', 'feedback.helped']

/**
 * The answers (and "you helped" thanks) mailed about the same report before this one (their
 * events, oldest first): each references them, so the reporter's mail program shows one
 * conversation. From the append-only outbox, so the mail for a given event never changes
 * (Message-IDs stay stable).
 */

export async function earlierAnswers(db: Db, event: StoredEvent): Promise<number[]> {
  if (!THREADED.includes(event.type)) return []
  const rs = await db.execute({
    sql: `SELECT id FROM outbox
          WHERE type IN ('feedback.answered', 'feedback.helped') AND id < ? AND aggregate_id = ?
          ORDER BY id`,
    args: [event.id, event.aggregateId],
  })
  return rs.rows.map((r) => num(r, 'id'))
}

/**
 * Mail to a reporter about their report: in its thread (every earlier message referenced), and
 * with `Reply-To: SUPPORT_EMAIL` when set, so that answering our email reaches people, not the
 * page's sending address.
 */
export function inFeedbackThread(
  email: RenderedEmail,
  references: string[],
  supportEmail: string | undefined,
): RenderedEmail {
  return {
    ...email,
    ...(references.length ? { references } : {}),
    headers: supportEmail ? { ...email.headers, 'Reply-To': supportEmail } : email.headers,
  }
}
