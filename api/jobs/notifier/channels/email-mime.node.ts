import { createHash } from 'node:crypto'
import addressparser from 'nodemailer/lib/addressparser'
import MailComposer from 'nodemailer/lib/mail-composer'
import { encodeWord, encodeWords, foldLines } from 'nodemailer/lib/mime-funcs'
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp'
import { headerSafe, headerText, holdsEncodedWord } from '../../../../templates/mail-header.ts'
import type { RenderedEmail } from '../../../../templates/render.ts'

export type Envelope = { from: string; to: string[] }

const ASCII = /^[\x20-\x7e]*$/

/**
 * A display name as an RFC 5322 phrase: as it is when it is plain words, a quoted string when it
 * holds specials, encoded words when it is not ASCII.
 */
function phrase(clean: string): string {
  if (holdsEncodedWord(clean)) return encodeWord(clean, 'Q', 52)
  if (/^[\w!#$%&'*+\-/=?^`{|}~]+( [\w!#$%&'*+\-/=?^`{|}~]+)*$/.test(clean)) return clean
  if (ASCII.test(clean)) return `"${clean.replace(/["\\]/g, '\\$&')}"`
  return encodeWords(clean, 'Q', 52, true)
}

const mailboxes = new Map<string, { header: string; name: string; address: string }>()

/**
 * `Name <address>` parsed once per distinct value (the From is the same for every message). The
 * name is everything before the last `<`, so a colon in it (`Acme: Status`) is no group syntax.
 */
function mailbox(value: string): { header: string; name: string; address: string } {
  let m = mailboxes.get(value)
  if (!m) {
    const angle = /^(.*?)\s*<([^<>\s]+)>$/.exec(value)
    const [first] = angle ? [] : addressparser(value)
    const address = angle ? angle[2]! : first && 'address' in first ? (first.address ?? '') : value
    const quoted = angle ? /^"(.*)"$/.exec(angle[1]!) : null
    const name = headerText(
      quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : angle ? angle[1]! : (first?.name ?? ''),
    )
    m = { header: name ? `${phrase(name)} <${address}>` : `<${address}>`, name, address }
    mailboxes.set(value, m)
  }
  return m
}

/**
 * Unstructured header text (the Subject) as it goes on the wire: as it is when plain ASCII,
 * otherwise RFC 2047 encoded words; all of it encoded when it holds something that looks like
 * an encoded word, so a reader's mail program shows the characters that were written.
 */
function unstructured(text: string): string {
  if (holdsEncodedWord(text)) return encodeWord(text, 'Q', 52)
  return ASCII.test(text) ? text : encodeWords(text, 'Q', 52, false)
}

/** Quoted-printable with CRLF line ends and soft breaks at 76: readable in raw, safe in transit. */
function qp(text: string): string {
  return qpWrap(qpEncode(Buffer.from(text.replace(/\r?\n/g, '\r\n'))), 76)
}

function header(name: string, value: string): string {
  return foldLines(`${name}: ${value}`, 76)
}

/**
 * The message as the bytes SMTP carries, built directly: one multipart/alternative with a
 * quoted-printable text part and HTML part. nodemailer's general composer spends about 0.7 ms a
 * message on machinery an email like ours does not need (attachments, streams, random
 * boundaries); this takes a few tens of microseconds, and the output is deterministic (the
 * boundary derives from the Message-ID), so a resend is byte-for-byte the same message.
 * Addresses that are not plain ASCII go through nodemailer's composer instead.
 */
export async function buildMessage(
  rendered: RenderedEmail,
): Promise<{ envelope: Envelope; raw: Buffer }> {
  // The one place header values are made safe: both builders below only ever see this copy.
  const email = headerSafe(rendered)
  if (!ASCII.test(email.to) || /[<>,"]/.test(email.to)) return composeWithNodemailer(email)
  const from = mailbox(email.from)
  const boundary = `--amends-${createHash('sha1').update(email.messageId).digest('hex').slice(0, 24)}`
  const subject = unstructured(email.subject)
  const lines = [
    header('From', from.header),
    `To: ${email.to}`,
    header('Subject', subject),
    `Date: ${email.date.toUTCString().replace(/GMT/, '+0000')}`,
    `Message-ID: ${email.messageId}`,
    ...(email.inReplyTo ? [`In-Reply-To: ${email.inReplyTo}`] : []),
    ...(email.references?.length ? [header('References', email.references.join(' '))] : []),
    ...(email.list
      ? [
          header('List-Id', `${phrase(email.list.name)} <${email.list.id}>`),
          `List-Unsubscribe: <${email.list.unsubscribe}>`,
        ]
      : []),
    ...Object.entries(email.headers).map(([k, v]) => header(k, v)),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(email.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(email.html),
    `--${boundary}--`,
    '',
  ]
  return { envelope: { from: from.address, to: [email.to] }, raw: Buffer.from(lines.join('\r\n')) }
}

/** The general path (nodemailer's MailComposer), for what the direct builder does not cover. */
async function composeWithNodemailer(
  email: RenderedEmail,
): Promise<{ envelope: Envelope; raw: Buffer }> {
  const from = mailbox(email.from)
  const node = new MailComposer({
    // Text that merely looks encoded (`=?utf-8?q?...?=`) is encoded by us: nodemailer would pass
    // it through as it is, and the reader's mail program would decode it.
    from: {
      name: holdsEncodedWord(from.name) ? phrase(from.name) : from.name,
      address: from.address,
    },
    to: email.to,
    subject: unstructured(email.subject),
    text: email.text,
    html: email.html,
    messageId: email.messageId,
    inReplyTo: email.inReplyTo,
    references: email.references,
    date: email.date,
    headers: {
      ...(email.list
        ? {
            'List-Id': { prepared: true, value: `${phrase(email.list.name)} <${email.list.id}>` },
            'List-Unsubscribe': { prepared: true, value: `<${email.list.unsubscribe}>` },
          }
        : {}),
      ...email.headers,
    },
  }).compile()
  const envelope = node.getEnvelope()
  return { envelope: { from: envelope.from || '', to: envelope.to }, raw: await node.build() }
}
