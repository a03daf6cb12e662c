import type { ChannelName } from '../../../core/channels.ts'
import type { EmailKind } from '../../../templates/render.ts'

/**
 * Who an outbox event is mailed to:
 * - `record`: confirmed subscribers who follow every component or one the incident or
 *   maintenance window holds (`aggregate_id` is its id);
 * - `component`: confirmed subscribers who follow every component or this one (`aggregate_id`);
 * - `subscriber`: exactly the subscriber in `payload.subscriber_id`, pending ones included;
 * - `contact`: the contact address of the (non-email) subscriber in `payload.subscriber_id`, by
 *   email, whatever its status (it may just have been quarantined);
 * - `feedback`: the address left with the feedback in `payload.feedback_id` (no subscriber);
 * - `oncall`: the configured on-call mailbox and webhook (no subscriber): deadlines about to be
 *   missed, and drafts opened by alerts, checks or report spikes;
 * - `person`: one team member, at the address in `payload.email` (their console link);
 * - `staff`: the team about new customer reports: the on-call mailbox and every active person
 *   who asked for the inbox digest.
 */
export type Audience =
  'record' | 'component' | 'subscriber' | 'contact' | 'feedback' | 'oncall' | 'person' | 'staff'

export interface EmailRoute {
  /**
   * A kind renderEmail renders, the staff digest (templates/feedback-digest.ts), or a component's
   * status change (URL channels only).
   */
  kind: EmailKind | 'feedback_digest' | 'component_update'
  audience: Audience
  /** A status label key the email shows instead of the update's status. */
  status?: string
  /** Only subscribers of these channels (`record`/`component`); absent: every channel. */
  channels?: readonly ChannelName[]
}

/**
 * Which events become email, and of which kind. Adding a kind of notification (a maintenance
 * reminder, a post-mortem, a follow-up) is one entry here, plus its wording if the kind is new.
 * Events not listed (edits) send nothing; the fan-out just moves past them. A component's status
 * change goes to webhooks only (as Statuspage's component webhooks, for machines): an email or
 * chat post for every status flip would be noise next to the incident's own messages.
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
  'component.updated': { kind: 'component_update', audience: 'component', channels: ['webhook'] },
  'subscriber.confirmation_requested': { kind: 'confirmation', audience: 'subscriber' },
  'subscriber.quarantined': { kind: 'quarantined', audience: 'contact' },
  'feedback.received': { kind: 'feedback_received', audience: 'feedback' },
  'feedback.answered': { kind: 'feedback_answered', audience: 'feedback' },
  'feedback.helped': { kind: 'feedback_helped', audience: 'feedback' },
  'feedback.digest': { kind: 'feedback_digest', audience: 'staff' },
  'oncall.nudge': { kind: 'oncall_nudge', audience: 'oncall' },
  'draft.opened': { kind: 'draft_nudge', audience: 'oncall' },
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
  // An edit of a component's name or description is no news; its status changing is.
  if (route.audience === 'component' && event.payload.status_changed !== true) return null
  return route
}
