import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Config } from '../../../config.ts'
import type { RenderedEmail } from '../../../../templates/render.ts'
import { buildMessage } from './email-mime.node.ts'

/** Where rendered emails go: an SMTP server, or the local dev mailbox. */
export interface MailTransport {
  /** Resolves once the message is accepted (the server's 250, or the file written). */
  send(email: RenderedEmail): Promise<void>
  close(): Promise<void>
  /** For the start-up banner. */
  describe: string
}

/**
 * nodemailer's default DKIM header list plus List-Unsubscribe-Post: RFC 8058 one-click
 * unsubscribe only counts when both List-Unsubscribe headers are covered by the signature.
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'Content-ID',
  'Content-Description',
  'In-Reply-To',
  'References',
  'List-Id',
  'List-Help',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Subscribe',
  'List-Post',
  'List-Owner',
  'List-Archive',
  'Auto-Submitted',
].join(':')

/**
 * Pooled SMTP: `poolSize` connections kept open and reused. nodemailer's own requeueing is off
 * (`maxRequeues: 0`): a dropped connection fails the message back to us, and our retry (with
 * backoff and the recorded attempt) decides what happens, the same way for every failure.
 */
export function smtpTransport(
  mail: Config['mail'] & { smtpUrl: string },
  tuning: { maxConnections?: number } = {},
): MailTransport {
  const transporter = nodemailer.createTransport({
    url: mail.smtpUrl,
    pool: true,
    maxConnections: tuning.maxConnections ?? mail.poolSize,
    maxMessages: Infinity,
    maxRequeues: 0,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    dkim: mail.dkim ? { ...mail.dkim, headerFieldNames: DKIM_SIGNED_HEADERS } : undefined,
  })
  return {
    describe: describeSmtp(mail.smtpUrl),
    async send(email) {
      // The raw bytes are sent as they are; the Message-ID and boundary given here only spare
      // nodemailer drawing random bytes for a message and a MIME tree it never writes out.
      const built = await buildMessage(email)
      await transporter.sendMail({ ...built, messageId: email.messageId, baseBoundary: 'raw' })
    },
    // The pool's idle connections would keep a notifier thread from ending.
    close() {
      transporter.close()
      return Promise.resolve()
    },
  }
}

/** The SMTP server as the start-up lines name it (no credentials). */
export function describeSmtp(smtpUrl: string): string {
  const url = new URL(smtpUrl)
  return `SMTP ${url.protocol}//${url.host}`
}

/** A file name that a resend of the same message overwrites: one file per Message-ID. */
export function mailboxFileName(messageId: string): string {
  return `${messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`
}

/**
 * The dev mailbox: each message as a raw `.eml` file in `dir`, exactly the bytes SMTP would
 * carry, so `npm start` without SMTP_URL still shows every email (at /_mailbox/).
 */
export function mailboxTransport(dir: string): MailTransport {
  mkdirSync(dir, { recursive: true })
  let n = 0
  return {
    describe: `dev mailbox ${dir}`,
    async send(email) {
      const { raw } = await buildMessage(email)
      const file = join(dir, mailboxFileName(email.messageId))
      const tmp = `${file}.tmp-${process.pid}-${++n}`
      writeFileSync(tmp, raw)
      renameSync(tmp, file)
    },
    async close() {},
  }
}
