import type { ChannelName } from '../../../../core/channels.ts'
import type { ClaimedDelivery } from '../../../../db/deliveries.ts'
import type { Deps } from '../../../deps.ts'
import type { EventContext } from '../context.ts'
import type { LinkSigner } from '../links.node.ts'

/**
 * What came of one send, as every channel sorts it:
 * - `delivered`: the receiver took it (SMTP 250, HTTP 2xx);
 * - `retry`: not now (a 5xx, 429, a timeout, a dropped connection): tried again after the
 *   backoff, or after `retryAfterMs` when the receiver said how long to wait; `pushBack` says the
 *   receiver is overloaded, so a paced channel slows down;
 * - `permanent`: the request itself is refused and would be again (a 4xx, a dead mailbox, a
 *   refused address): the delivery fails, and a subscriber is quarantined after several in a row.
 */
export type Outcome =
  | { result: 'delivered' }
  | { result: 'retry'; message: string; retryAfterMs?: number; pushBack?: boolean }
  | { result: 'permanent'; message: string }

export type Rendered<M> = { message: M } | { skip: string }

/**
 * One way of reaching people. Every channel has the same two verbs; the notifier's fan-out,
 * leases, retries with backoff and jitter, pacing and quarantine are shared (../sender.ts).
 */
export interface Channel<M = unknown> {
  readonly name: ChannelName
  /**
   * What this recipient gets for the event (`ctx` is loaded once per event and shared), or why
   * nothing is sent. Must be deterministic for a delivery: a retry renders the same message.
   */
  render(
    d: ClaimedDelivery,
    ctx: Exclude<EventContext, { type: 'gone' }>,
  ): Rendered<M> | Promise<Rendered<M>>
  send(message: M): Promise<Outcome>
  /** Sends share the pacer that keeps the SMTP server from being overrun (email only). */
  readonly paced?: boolean
}

/** What every channel's render needs besides the event: the page, and the subscriber's links. */
export interface RenderKit {
  deps: Deps
  /** Signs the manage, unsubscribe and confirm links of a subscriber (as of the event). */
  linksFor: LinkSigner
  /** The site's host name, for Message-IDs and ids derived from it. */
  host: string
}
