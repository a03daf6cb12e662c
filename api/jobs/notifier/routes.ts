import type { EmailKind } from '../../../templates/render.ts'

/**
 * Who an outbox event is mailed to:
 * - `record`: confirmed subscribers who follow every component or one the incident or
 *   maintenance window holds (`aggregate_id` is its id);
 * - `subscriber`: exactly the subscriber in `payload.subscriber_id`, pending ones included;
 * - `feedback`: the address left with the feedback in `payload.feedback_id` (no subscriber);
 * - `oncall`: the configured on-call mailbox and webhook (no subscriber);
 * - `person`: one team member, at the address in `payload.email` (their console link);
 * - `staff`: the team about new customer reports: the on-call mailbox and every active person
 *   who asked for the inbox digest.
 */
export type Audience = 'record' | 'subscriber' | 'feedback' | 'oncall' | 'person' | 'staff'

export interface EmailRoute {
  /** A kind renderEmail renders, or the staff digest (templates/feedback-digest.ts). */
  kind: EmailKind | 'feedback_digest'
  audience: Audience
  /** A status label key the email shows instead of the update's status. */
  status?: string
}

/**
 * Which events become email, and of which kind. Adding a kind of notification (a maintenance
 * reminder, a post-mortem, a follow-up) is one entry here, plus its wording if the kind is new.
 * Events not listed (edits, component changes) send nothing; the fan-out just moves past them.
 */
export const EMAIL_ROUTES: Readonly<Record<string, EmailRoute>> = {
  'incident.created': { kind: 'incident', audience: 'record' },
  'incident.updated': { kind: 'incident', audience: 'record' },
  'incident.resolved': { kind: 'incident', audience: 'record' },
  'incident.reopened': { kind: 'incident', audience: 'record' },
  'incident.postmortem_published': { kind: 'incident', audience: 'record', status: 'postmortem' },
  'incident.follow_up': { kind: 'follow_up', audience: 'record' },
  'maintenance.scheduled': { kind: 'maintenance', audience: 'record' },
  'maintenance.started': { kind: 'maintenance', audience: 'record' },
  'maintenance.completed': { kind: 'maintenance', audience: 'record' },
  'maintenance.cancelled': { kind: 'maintenance', audience: 'record', status: 'cancelled' },
  'maintenance.reminder': { kind: 'maintenance', audience: 'record' },
  'maintenance.overrun': { kind: 'maintenance', audience: 'record' },
  'subscriber.confirmation_requested': { kind: 'confirmation', audience: 'subscriber' },
  'feedback.received': { kind: 'feedback_received', audience: 'feedback' },
  'feedback.answered': { kind: 'feedback_answered', audience: 'feedback' },
  'feedback.digest': { kind: 'feedback_digest', audience: 'staff' },
  'oncall.nudge': { kind: 'oncall_nudge', audience: 'oncall' },
  'user.invited': { kind: 'invite', audience: 'person' },
  'user.password_reset_requested': { kind: 'password_reset', audience: 'person' },
}

/** The route of an event that should be mailed, or null (not mailed, or sent silently). */
export function emailRouteOf(event: {
  type: string
  payload: Record<string, unknown>
}): EmailRoute | null {
  const route = EMAIL_ROUTES[event.type]
  if (!route) return null
  if (event.payload.deliver_notifications === false) return null
  return route
}
