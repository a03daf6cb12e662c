import type { Locale } from '../core/schemas/subscription.ts'
import type { IncidentView } from '../core/site-data.ts'
import { en, type Catalog } from './locales/en.ts'
import { zhCN } from './locales/zh-CN.ts'
import type { YourServices } from './personal.ts'

export type EmailKind = 'incident' | 'maintenance' | 'confirmation'

/** What every email carries, whatever it is about. */
export interface EmailEnvelope {
  locale: Locale
  page: { name: string; url: string; timeZone: string }
  subjectPrefix: string
  from: string
  to: string
  /** The list's identity for `List-Id`: `id` is domain-like (`amends.status.example.com`). */
  list: { id: string; name: string }
  messageId: string
  /** The thread's root Message-ID when this email is a later one in a thread. */
  inReplyTo: string | null
  /** The Date header: when what the email says happened, so a resend is byte-for-byte alike. */
  date: string
  links: { manage: string; unsubscribe: string }
  /** What the subscriber follows: every component, or these (names, display order). */
  subscribedTo: { all: boolean; names: string[] }
}

export interface EmailUpdate {
  created_at: string
  /** Sanitised HTML (core/markdown.ts): the one thing inserted unescaped. */
  body_html: string
  body_text: string
}

export type EmailContent =
  | {
      kind: 'confirmation'
      confirmUrl: string
      expiresAt: string
    }
  | {
      kind: 'incident' | 'maintenance'
      record: IncidentView
      /** A key of the catalog's status labels, or `cancelled`. */
      status: string
      update: EmailUpdate | null
      /** `html` is sanitised HTML, `text` its plain form (likewise below). */
      workaround: { html: string; text: string } | null
      /** Shown once the incident is resolved, and with the post-mortem. */
      apology?: { html: string; text: string } | null
      /** The make-good, one sentence each. */
      compensation?: string[]
      postmortem?: { html: string; text: string } | null
      yours: YourServices
    }

export type EmailInput = EmailEnvelope & EmailContent

/** A complete message, ready for nodemailer's sendMail (and for assertions without SMTP). */
export interface RenderedEmail {
  from: string
  to: string
  subject: string
  text: string
  html: string
  messageId: string
  inReplyTo?: string
  references?: string[]
  date: Date
  /** List-Id and List-Unsubscribe, which need structured encoding (see the transport). */
  list: { id: string; name: string; unsubscribe: string }
  /** Plain ASCII headers, sent as they are. */
  headers: Record<string, string>
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

const times = new Map<string, string>()

/**
 * The catalog with its time formatting memoised: every recipient of an update shows the same few
 * instants, and building an Intl formatter for each would cost more than the rest of the email.
 */
function withMemoTime(c: Catalog): Catalog {
  return {
    ...c,
    time(iso, timeZone) {
      const key = `${c.lang}|${timeZone}|${iso}`
      let v = times.get(key)
      if (v === undefined) {
        if (times.size >= 1000) times.clear()
        v = c.time(iso, timeZone)
        times.set(key, v)
      }
      return v
    },
  }
}

const CATALOGS: Record<Locale, Catalog> = { en: withMemoTime(en), 'zh-CN': withMemoTime(zhCN) }

/** The wording for a subscriber's locale (English for any other). */
export function catalogFor(locale: string): Catalog {
  return CATALOGS[locale as Locale] ?? CATALOGS.en
}

/** Renders one email: subject, text and HTML parts, threading and list headers. Pure. */
export function renderEmail(input: EmailInput): RenderedEmail {
  const t = catalogFor(input.locale)
  const body = input.kind === 'confirmation' ? confirmation(input, t) : recordEmail(input, t)
  const email: RenderedEmail = {
    from: input.from,
    to: input.to,
    subject: `${input.subjectPrefix} ${body.subject}`.trim(),
    text: body.text,
    html: layout(t, input, body.subject, body.html),
    messageId: input.messageId,
    date: new Date(input.date),
    list: { ...input.list, unsubscribe: input.links.unsubscribe },
    headers: {
      // RFC 8058 one-click: a mail provider may unsubscribe with a POST, without a visit.
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
      // Stops Exchange and Outlook out-of-office replies to an address nobody reads.
      'X-Auto-Response-Suppress': 'All',
    },
  }
  if (input.inReplyTo) {
    email.inReplyTo = input.inReplyTo
    email.references = [input.inReplyTo]
  }
  return email
}

interface Body {
  subject: string
  text: string
  html: string
}

const P = 'margin:0 0 12px'
const MUTED = 'color:#57606a;font-size:13px'
const LINK = 'color:#0969da'
const h2 = (title: string) =>
  `<h2 style="font-size:16px;margin:16px 0 8px">${escapeHtml(title)}</h2>`

function recordEmail(
  input: EmailEnvelope & Extract<EmailContent, { kind: 'incident' | 'maintenance' }>,
  t: Catalog,
): Body {
  const { record: r, update, workaround, yours } = input
  const { apology = null, compensation = [], postmortem = null } = input
  const tz = input.page.timeZone
  const isIncident = input.kind === 'incident'
  const subject = isIncident ? r.name : t.maintenanceSubject(r.name)
  const labels = isIncident ? t.incidentStatus : t.maintenanceStatus
  const statusLabel =
    input.status === 'cancelled' ? t.cancelled : (labels[input.status] ?? input.status)
  const statusLine = t.statusLine(statusLabel, isIncident ? (t.impact[r.impact] ?? null) : null)
  const open = !['resolved', 'completed', 'cancelled', 'postmortem'].includes(input.status)
  const url = `${input.page.url}${r.path}`

  const facts: string[] = []
  if (!isIncident && r.scheduled_for && r.scheduled_until) {
    facts.push(t.window(t.time(r.scheduled_for, tz), t.time(r.scheduled_until, tz)))
  }
  const lines: string[] = []
  if (r.components.length === 0) lines.push(t.noComponents)
  else if (yours.affected.length === 0) lines.push(t.noneOfYours)
  else {
    const names = t.list(yours.affected)
    lines.push(
      !isIncident ? t.inMaintenance(names) : open ? t.affectedOpen(names) : t.affectedClosed(names),
    )
  }
  if (yours.working.length) {
    const names = t.list(yours.working)
    lines.push(isIncident ? t.workingNormally(names) : t.notAffected(names))
  }
  const posted = update ? t.posted(t.time(update.created_at, tz)) : null
  const follow = isIncident ? t.followIncident : t.followMaintenance

  const text = [
    r.name,
    statusLine,
    ...facts,
    ...(posted ? [posted] : []),
    '',
    ...(update ? [update.body_text, ''] : []),
    ...(postmortem ? [`${t.postmortem}${t.colon.trim()}`, '', postmortem.text, ''] : []),
    ...lines,
    ...(workaround ? ['', `${t.workaround}${t.colon.trim()}`, workaround.text] : []),
    ...(apology ? ['', `${t.apology}${t.colon.trim()}`, apology.text] : []),
    ...(compensation.length ? ['', `${t.compensation}${t.colon.trim()}`, ...compensation] : []),
    '',
    `${follow}${t.colon.trim()}`,
    url,
    ...footerText(input, t),
  ].join('\n')

  const esc = escapeHtml
  const html = [
    `<h1 style="font-size:20px;line-height:1.3;margin:0 0 8px">${esc(r.name)}</h1>`,
    `<p style="${P}"><strong>${esc(statusLine)}</strong>`,
    ...facts.map((f) => `<br>${esc(f)}`),
    posted ? `<br><span style="${MUTED}">${esc(posted)}</span>` : '',
    '</p>',
    update ? `<div style="${P}">${update.body_html}</div>` : '',
    postmortem ? `${h2(t.postmortem)}<div style="${P}">${postmortem.html}</div>` : '',
    `<ul style="${P};padding-left:20px">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
    workaround ? `${h2(t.workaround)}<div style="${P}">${workaround.html}</div>` : '',
    apology ? `${h2(t.apology)}<div style="${P}">${apology.html}</div>` : '',
    compensation.length
      ? `${h2(t.compensation)}<ul style="${P};padding-left:20px">${compensation.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`
      : '',
    `<p style="${P}"><a href="${esc(url)}" style="${LINK}">${esc(follow)}</a></p>`,
    footerHtml(input, t),
  ].join('')
  return { subject, text, html }
}

function confirmation(
  input: EmailEnvelope & Extract<EmailContent, { kind: 'confirmation' }>,
  t: Catalog,
): Body {
  const c = t.confirmation
  const intro = c.intro(input.page.name, subscribedWhat(input, t))
  const expires = c.expires(t.time(input.expiresAt, input.page.timeZone))
  const text = [
    intro,
    '',
    `${c.button}${t.colon.trim()}`,
    input.confirmUrl,
    '',
    expires,
    '',
    c.ignore,
  ].join('\n')
  const esc = escapeHtml
  const html = [
    `<p style="${P}">${esc(intro)}</p>`,
    `<p style="margin:20px 0"><a href="${esc(input.confirmUrl)}" style="display:inline-block;background:#0969da;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600">${esc(c.button)}</a></p>`,
    `<p style="${P};${MUTED}">${esc(expires)}</p>`,
    `<p style="${P};${MUTED}">${esc(c.ignore)}</p>`,
  ].join('')
  return { subject: c.subject, text, html }
}

function subscribedWhat(input: EmailEnvelope, t: Catalog): string {
  return input.subscribedTo.all ? t.everything : t.list(input.subscribedTo.names)
}

function footerText(input: EmailEnvelope, t: Catalog): string[] {
  return [
    '',
    '--',
    t.why(input.page.name, subscribedWhat(input, t)),
    `${t.manage}${t.colon}${input.links.manage}`,
    `${t.unsubscribe}${t.colon}${input.links.unsubscribe}`,
  ]
}

function footerHtml(input: EmailEnvelope, t: Catalog): string {
  const esc = escapeHtml
  return (
    `<hr style="border:0;border-top:1px solid #d0d7de;margin:20px 0">` +
    `<p style="${P};${MUTED}">${esc(t.why(input.page.name, subscribedWhat(input, t)))}<br>` +
    `<a href="${esc(input.links.manage)}" style="${LINK}">${esc(t.manage)}</a> · ` +
    `<a href="${esc(input.links.unsubscribe)}" style="${LINK}">${esc(t.unsubscribe)}</a></p>`
  )
}

function layout(t: Catalog, input: EmailEnvelope, title: string, content: string): string {
  const esc = escapeHtml
  return (
    `<!doctype html><html lang="${esc(t.lang)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f6f8fa">` +
    `<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;color:#1f2328;font:15px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif">` +
    `<p style="${P};${MUTED}">${esc(input.page.name)}</p>` +
    content +
    `</div></body></html>`
  )
}
