/**
 * Canned replies to customer reports: starting points that prefill the reply box, never form
 * letters. A template has to be made to fit the reader (their name, what they use, how long they
 * were affected: PRODUCT.md), so a reply that still says exactly what a template says is refused.
 */
export interface CannedReply {
  id: string
  label: string
  body: string
}

export const CANNED_REPLIES: readonly CannedReply[] = [
  {
    id: 'looking',
    label: 'Looking into it',
    body: 'Thank you for telling us. We are looking into it now, and we will write to you again as soon as we know more.',
  },
  {
    id: 'fixed',
    label: 'Fixed — please try again',
    body: 'It is fixed now — please try again. If anything still does not work, reply to this email and tell us what you see.',
  },
  {
    id: 'credit',
    label: 'Credit applied',
    body: 'We are sorry for the trouble this caused. We have applied a service credit to your account; you will see it on your next invoice.',
  },
]

export const cannedReply = (id: string | undefined): CannedReply | null =>
  CANNED_REPLIES.find((r) => r.id === id) ?? null

/**
 * The words of a text, as a reader would take them in: compatibility forms folded (full-width
 * letters, ligatures), invisible format characters (zero-width spaces, soft hyphens) dropped,
 * case folded, and everything that is not a letter or a digit (spaces, line breaks of any kind,
 * punctuation, dashes, quotes, markdown marks) treated as a gap between words.
 */
export function wordsOf(text: string): string {
  return (
    text
      .normalize('NFKC')
      .replace(/\p{Cf}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).join(' ')
}

/**
 * The canned reply that `body` only repeats (the same words, however spaced, cased or
 * punctuated), or null when the body says something of its own. The one check for every way a
 * reply is written (console and API: api/services/feedback.ts).
 */
export function uneditedCanned(body: string): CannedReply | null {
  const words = wordsOf(body)
  return CANNED_REPLIES.find((r) => wordsOf(r.body) === words) ?? null
}
