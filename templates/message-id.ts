/**
 * Message-IDs are a pure function of (event, subscriber): a message sent again after a crash
 * carries the same id, so mail systems, clients and our tests see one message, not two
 * (docs/decisions/004-mail-delivery-guarantees.md). The first email about an incident uses the
 * thread's root id; every later one has its own id and points at the root.
 */
export interface ThreadIds {
  messageId: string
  /** The thread's root, when this message is a reply in it. */
  inReplyTo: string | null
}

/** The id the first email about a record (incident or maintenance) carries for one subscriber. */
export function threadRootId(
  kind: 'incident' | 'maintenance',
  recordId: string,
  subscriberId: string,
  host: string,
): string {
  return `<${kind}.${recordId}.${subscriberId}@${host}>`
}

export function recordMessageIds(opts: {
  kind: 'incident' | 'maintenance'
  recordId: string
  eventId: number
  /** The event of the first email about this record; equal to eventId for that email. */
  rootEventId: number
  subscriberId: string
  host: string
}): ThreadIds {
  const root = threadRootId(opts.kind, opts.recordId, opts.subscriberId, opts.host)
  if (opts.eventId === opts.rootEventId) return { messageId: root, inReplyTo: null }
  return {
    messageId: `<${opts.kind}.${opts.recordId}.${opts.eventId}.${opts.subscriberId}@${opts.host}>`,
    inReplyTo: root,
  }
}

/** Any other email that stands alone (a confirmation request). */
export function singleMessageId(
  kind: string,
  eventId: number,
  subscriberId: string,
  host: string,
): ThreadIds {
  return { messageId: `<${kind}.${eventId}.${subscriberId}@${host}>`, inReplyTo: null }
}

/**
 * A short, stable tag for a plain address (FNV-1a): it keeps Message-IDs a pure function of
 * (event, recipient) for mail to people who are no subscriber, without putting the address itself
 * in a header that mail systems log.
 */
export function addressTag(address: string): string {
  let h = 0x811c9dc5
  for (const c of address.trim().toLowerCase()) {
    h ^= c.codePointAt(0)!
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(36)
}

/**
 * Emails about one piece of feedback form a thread for its reporter: the thank-you is the root,
 * each answer replies to the last message we sent before it (the thank-you, or the previous
 * answer) and references them all, so it threads even when the thank-you was never sent.
 */
export function feedbackMessageIds(opts: {
  feedbackId: string
  /** The answer's event; null for the thank-you. */
  eventId: number | null
  /** The events of the answers before this one, oldest first. */
  earlier?: readonly number[]
  address: string
  host: string
}): ThreadIds & { references: string[] } {
  const tag = addressTag(opts.address)
  const id = (eventId: number | null) =>
    `<feedback.${opts.feedbackId}.${eventId === null ? '' : `${eventId}.`}${tag}@${opts.host}>`
  if (opts.eventId === null) return { messageId: id(null), inReplyTo: null, references: [] }
  const references = [id(null), ...(opts.earlier ?? []).map(id)]
  return { messageId: id(opts.eventId), inReplyTo: references.at(-1)!, references }
}

/** The staff digest of new reports, one message per event and address. */
export function feedbackDigestMessageId(eventId: number, address: string, host: string): string {
  return `<feedback-digest.${eventId}.${addressTag(address)}@${host}>`
}
