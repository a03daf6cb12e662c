import type { RenderedEmail } from './render.ts'

/**
 * Every character that could end a header line or hide inside one: C0 controls (CR, LF, VT, FF,
 * TAB, NUL...), DEL, C1 controls (NEL U+0085 among them), the Unicode line and paragraph
 * separators, and the byte-order mark. Some mail software treats any of them as a line break.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g

/**
 * The one normaliser for text that goes into a mail header. Whatever wrote the value (a staff
 * member naming an incident, the operator's PAGE_NAME, a reporter's address), a line break in it
 * must not end the header and start another (`Reply-To:`, `Bcc:`, a second `Content-Type`): each
 * such character becomes a space, runs of spaces collapse, and the ends are trimmed.
 */
export function headerText(value: string): string {
  return value.replace(BREAKS, ' ').replace(/ {2,}/g, ' ').trim()
}

/**
 * Looks like an RFC 2047 encoded word: text that would be decoded by the reader's mail program
 * (`=?utf-8?q?=0d=0a...?=`) unless we encode it ourselves, so the reader sees what was written.
 */
export function holdsEncodedWord(value: string): boolean {
  return value.includes('=?')
}

/** The email with every value that reaches a header normalised by headerText. */
export function headerSafe(email: RenderedEmail): RenderedEmail {
  const h = headerText
  return {
    ...email,
    from: h(email.from),
    to: h(email.to),
    subject: h(email.subject),
    messageId: h(email.messageId),
    ...(email.inReplyTo !== undefined ? { inReplyTo: h(email.inReplyTo) } : {}),
    ...(email.references ? { references: email.references.map(h) } : {}),
    ...(email.list
      ? {
          list: {
            id: h(email.list.id),
            name: h(email.list.name),
            unsubscribe: h(email.list.unsubscribe),
          },
        }
      : {}),
    headers: Object.fromEntries(
      Object.entries(email.headers).map(([k, v]) => [k.replace(/[^!-9;-~]/g, ''), h(v)]),
    ),
  }
}
