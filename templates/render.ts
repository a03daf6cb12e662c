import { underline } from '../core/markdown.ts'
import { headerText } from './mail-header.ts'
import type { Locale } from '../core/schemas/subscription.ts'
import type { IncidentView } from '../core/site-data.ts'
import type { Catalog } from './locales/en.ts'
import { catalogFor } from './locales/index.ts'
export { catalogFor }
import { personalLines, type PersonalLine, type YourServices } from './personal.ts'

export type EmailKind =
  | 'incident'
  | 'maintenance'
  | 'follow_up'
  | 'confirmation'
  | 'quarantined'
  | 'feedback_received'
  | 'feedback_answered'
  | 'feedback_helped'
  | 'oncall_nudge'
  | 'draft_nudge'
  | 'invite'
  | 'password_reset'

/** What every email carries, whatever it is about and whoever it is for. */
export interface BaseEnvelope {
  locale: Locale
  page: { name: string; url: string; timeZone: string }
  subjectPrefix: string
  from: string
  to: string
  messageId: string
  /** The thread's root Message-ID when this email is a later one in a thread. */
  inReplyTo: string | null
  /** The Date header: when what the email says happened, so a resend is byte-for-byte alike. */
  date: string
}

/** What an email to a subscriber adds: it is list mail, with its way out. */
export interface EmailEnvelope extends BaseEnvelope {
  /** The list's identity for `List-Id`: `id` is domain-like (`amends.status.example.com`). */
  list: { id: string; name: string }
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
      /** To a non-email subscription's contact address: its endpoint was quarantined. */
      kind: 'quarantined'
      /** The endpoint as pages name it (core/channels.ts subscriptionName: host and last 4). */
      endpoint: string
      /** The last permanent failure (it names the host only). */
      error: string
      /** The status page's subscribe page, to subscribe again. */
      subscribeUrl: string
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
      /** A maintenance reminder or overrun notice: a catalog `notice` key. */
      notice?: 'reminder_24h' | 'reminder_1h' | 'overrun' | null
      yours: YourServices
    }
  | {
      kind: 'follow_up'
      record: IncidentView
      /** The signed one-click answer links. */
      answers: { all_good: string; still_affected: string }
      apology: { html: string; text: string } | null
      compensation: string[]
      yours: YourServices
    }

/** Emails to a plain address (a feedback reporter, on-call): not list mail. */
export type DirectContent =
  | {
      kind: 'feedback_received'
      /**
       * Our own page to follow (the incident reported about, or the status page). Nothing the
       * reporter wrote goes in: the form takes any address, and a thank-you quoting the sender
       * would let anyone mail their own text to a stranger through us.
       */
      link: { url: string; incident: boolean }
    }
  | {
      /**
       * To a reporter whose report led to a published incident: thanks, and the incident's page.
       * Only staff-written text goes in (the incident's name), for the reason above.
       */
      kind: 'feedback_helped'
      incident: { name: string; url: string }
    }
  | {
      kind: 'feedback_answered'
      /** Sanitised HTML and its plain form. */
      answer: { html: string; text: string }
      author: string
      reportUrl: string
    }
  | {
      kind: 'oncall_nudge'
      record: IncidentView
      nudge: 'update_due' | 'postmortem_due'
      dueAt: string
    }
  | {
      /** A draft incident opened from signals: what fired, and the two ways to act on it. */
      kind: 'draft_nudge'
      /** The component's name, or null when no rule maps the signals to one. */
      component: string | null
      since: string
      /** Staff-only text from monitoring: escaped like any other text. */
      signals: { summary: string; severity: string | null; status: 'firing' | 'resolved' }[]
      publishUrl: string
      consoleUrl: string
      expiresAt: string
    }
  | {
      /** A team member's invitation to the console: who invited them, as what. */
      kind: 'invite'
      url: string
      expiresAt: string
      invitedBy: string
      role: string
    }
  | { kind: 'password_reset'; url: string; expiresAt: string }

export type EmailInput = (EmailEnvelope & EmailContent) | (BaseEnvelope & DirectContent)

const DIRECT_KINDS = new Set<string>([
  'feedback_received',
  'feedback_answered',
  'feedback_helped',
  'oncall_nudge',
  'draft_nudge',
  'invite',
  'password_reset',
])

function isDirect(input: EmailInput): input is BaseEnvelope & DirectContent {
  return DIRECT_KINDS.has(input.kind)
}

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
  /** List-Id and List-Unsubscribe, which need structured encoding (see the transport); absent
   * on mail to a plain address, which is no list mail. */
  list?: { id: string; name: string; unsubscribe: string }
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

/** One personal line as the catalog says it ("Affected for you: Payments API"). */
export function personalSentence(l: PersonalLine, t: Catalog): string {
  if (l.kind === 'noComponents' || l.kind === 'noneOfYours' || l.kind === 'noneOfYoursClosed')
    return t[l.kind]
  return t[l.kind](t.list(l.names))
}

/** Renders one email: subject, text and HTML parts, threading and list headers. Pure. */
export function renderEmail(input: EmailInput): RenderedEmail {
  const t = catalogFor(input.locale)
  const body = isDirect(input) ? directEmail(input, t) : subscriberBody(input, t)
  const email: RenderedEmail = {
    from: input.from,
    to: input.to,
    subject: `${input.subjectPrefix} ${body.subject}`.trim(),
    text: body.text,
    html: layout(t, input, body.subject, body.html),
    messageId: input.messageId,
    date: new Date(input.date),
    headers: {
      'Auto-Submitted': 'auto-generated',
      // Stops Exchange and Outlook out-of-office replies to an address nobody reads.
      'X-Auto-Response-Suppress': 'All',
    },
  }
  if (!isDirect(input)) {
    email.list = { ...input.list, unsubscribe: input.links.unsubscribe }
    // RFC 8058 one-click: a mail provider may unsubscribe with a POST, without a visit.
    email.headers = { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', ...email.headers }
  }
  if (input.inReplyTo) {
    email.inReplyTo = input.inReplyTo
    email.references = [input.inReplyTo]
  }
  return email
}

function subscriberBody(input: EmailEnvelope & EmailContent, t: Catalog): Body {
  if (input.kind === 'confirmation') return confirmation(input, t)
  if (input.kind === 'quarantined') return quarantined(input, t)
  if (input.kind === 'follow_up') return followUp(input, t)
  return recordEmail(input, t)
}

interface Body {
  subject: string
  text: string
  html: string
}

const P = 'margin:0 0 12px'
const MUTED = 'color:#57606a;font-size:13px'
const LINK = 'color:#0969da'
/**
 * The email's headings, largest first: its title (h1, 20px), its own sections (h2, 16px), then
 * the headings people wrote inside a text (core/markdown.ts makes them h3/h4; `embed` sizes them
 * below the section they sit in, so a post-mortem's "## Summary" never outranks the email).
 */
const H1 = 'font-size:20px;line-height:1.3;margin:0 0 8px'
const h1 = (title: string) => `<h1 style="${H1}">${escapeHtml(title)}</h1>`
const h2 = (title: string) =>
  `<h2 style="font-size:16px;margin:16px 0 8px">${escapeHtml(title)}</h2>`
const EMBEDDED: Record<string, string> = {
  h3: 'font-size:15px;line-height:1.4;margin:16px 0 4px',
  h4: 'font-size:14px;line-height:1.4;margin:12px 0 4px',
}

/**
 * Sanitised markdown HTML (core/markdown.ts: its headings are h3/h4 and carry no attributes) as it
 * sits inside an email: every heading sized below the email's own.
 */
function embed(html: string): string {
  return html.replace(/<(h[34])>/g, (_, tag: string) => `<${tag} style="${EMBEDDED[tag]}">`)
}

function recordEmail(
  input: EmailEnvelope & Extract<EmailContent, { kind: 'incident' | 'maintenance' }>,
  t: Catalog,
): Body {
  const { record: r, update, workaround, yours } = input
  const { apology = null, compensation = [], postmortem = null } = input
  const tz = input.page.timeZone
  const isIncident = input.kind === 'incident'
  const { label, statusLine } = statusWords(input.kind, input.status, r.impact, t)
  const subject = t.recordSubject(input.kind, label, r.name)
  const open = isOpenStatus(input.status)
  const url = `${input.page.url}${r.path}`

  const facts: string[] = []
  if (!isIncident && r.scheduled_for && r.scheduled_until) {
    facts.push(t.window(t.time(r.scheduled_for, tz), t.time(r.scheduled_until, tz)))
  }
  const lines = personalLines(yours, {
    kind: input.kind,
    open,
    hasComponents: r.components.length > 0,
  }).map((l) => personalSentence(l, t))
  const posted = update ? t.posted(t.time(update.created_at, tz)) : null
  const follow = isIncident ? t.followIncident : t.followMaintenance
  const notice = noticeText(input.notice ?? null, r, t, tz)

  const text = [
    r.name,
    statusLine,
    ...facts,
    ...(posted ? [posted] : []),
    '',
    ...(notice ? [notice, ''] : []),
    ...(update ? [update.body_text, ''] : []),
    // The post-mortem has headings of its own ("-" underlined): its title outranks them ("=").
    ...(postmortem ? [underline(t.postmortem, '='), '', postmortem.text, ''] : []),
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
    h1(r.name),
    `<p style="${P}"><strong>${esc(statusLine)}</strong>`,
    ...facts.map((f) => `<br>${esc(f)}`),
    posted ? `<br><span style="${MUTED}">${esc(posted)}</span>` : '',
    '</p>',
    notice ? `<p style="${P}"><strong>${esc(notice)}</strong></p>` : '',
    update ? `<div style="${P}">${embed(update.body_html)}</div>` : '',
    postmortem ? `${h2(t.postmortem)}<div style="${P}">${embed(postmortem.html)}</div>` : '',
    `<ul style="${P};padding-left:20px">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
    workaround ? `${h2(t.workaround)}<div style="${P}">${embed(workaround.html)}</div>` : '',
    apology ? `${h2(t.apology)}<div style="${P}">${embed(apology.html)}</div>` : '',
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

/** Whether a message speaks of an open record, judged by the status it reports. */
export function isOpenStatus(status: string): boolean {
  return !['resolved', 'completed', 'cancelled', 'postmortem'].includes(status)
}

/** A record's status as words: its label ("Investigating") and line ("Status: … · Major impact"). */
export function statusWords(
  kind: 'incident' | 'maintenance',
  status: string,
  impact: string,
  t: Catalog,
): { label: string; statusLine: string } {
  const labels = kind === 'incident' ? t.incidentStatus : t.maintenanceStatus
  const label = status === 'cancelled' ? t.cancelled : (labels[status] ?? status)
  const impactLabel = kind === 'incident' ? (t.impact[impact] ?? null) : null
  return { label, statusLine: t.statusLine(label, impactLabel) }
}

/** What was paused, why, and how to turn it back on: two links, no more mail until then. */
function quarantined(
  input: EmailEnvelope & Extract<EmailContent, { kind: 'quarantined' }>,
  t: Catalog,
): Body {
  const q = t.quarantined
  const intro = q.intro(input.page.name, input.endpoint)
  const manage = input.links.manage
  const text = [
    intro,
    '',
    `${q.lastError}${t.colon}${input.error}`,
    '',
    q.howTo,
    '',
    `${q.manageButton}${t.colon.trim()}`,
    manage,
    '',
    `${q.subscribe}${t.colon.trim()}`,
    input.subscribeUrl,
    '',
    q.once,
    ...footerText(input, t),
  ].join('\n')
  const esc = escapeHtml
  const html = [
    `<p style="${P}">${esc(intro)}</p>`,
    `<p style="${P}">${esc(q.lastError)}${esc(t.colon)}<code>${esc(input.error)}</code></p>`,
    `<p style="${P}">${esc(q.howTo)}</p>`,
    `<p style="margin:20px 0"><a href="${esc(manage)}" style="${BUTTON}">${esc(q.manageButton)}</a> `,
    `<a href="${esc(input.subscribeUrl)}" style="${BUTTON_QUIET}">${esc(q.subscribe)}</a></p>`,
    `<p style="${P};${MUTED}">${esc(q.once)}</p>`,
    footerHtml(input, t),
  ].join('')
  return { subject: q.subject(input.endpoint), text, html }
}

export function noticeText(
  notice: 'reminder_24h' | 'reminder_1h' | 'overrun' | null,
  r: IncidentView,
  t: Catalog,
  tz: string,
): string | null {
  if (!notice || !r.scheduled_for || !r.scheduled_until) return null
  if (notice === 'overrun') return t.notice.overrun(t.time(r.scheduled_until, tz))
  return t.notice[notice](t.time(r.scheduled_for, tz))
}

const BUTTON =
  'display:inline-block;background:#0969da;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600'
const BUTTON_QUIET =
  'display:inline-block;background:#ffffff;color:#0969da;border:1px solid #0969da;padding:9px 17px;border-radius:6px;text-decoration:none;font-weight:600'

function followUp(
  input: EmailEnvelope & Extract<EmailContent, { kind: 'follow_up' }>,
  t: Catalog,
): Body {
  const { record: r, answers, apology, compensation, yours } = input
  const f = t.followUp
  const intro = f.intro(t.time(r.resolved_at ?? input.date, input.page.timeZone))
  const affected = yours.affected.length ? t.affectedClosed(t.list(yours.affected)) : null
  const url = `${input.page.url}${r.path}`
  const text = [
    r.name,
    '',
    f.question,
    intro,
    ...(affected ? [affected] : []),
    '',
    `${f.allGood}${t.colon.trim()}`,
    answers.all_good,
    '',
    `${f.stillAffected}${t.colon.trim()}`,
    answers.still_affected,
    '',
    f.oneClick,
    ...(apology ? ['', `${t.apology}${t.colon.trim()}`, apology.text] : []),
    ...(compensation.length ? ['', `${t.compensation}${t.colon.trim()}`, ...compensation] : []),
    '',
    `${t.followIncident}${t.colon.trim()}`,
    url,
    ...footerText(input, t),
  ].join('\n')
  const esc = escapeHtml
  const html = [
    h1(r.name),
    h2(f.question),
    `<p style="${P}">${esc(intro)}${affected ? `<br>${esc(affected)}` : ''}</p>`,
    `<p style="margin:20px 0"><a href="${esc(answers.all_good)}" style="${BUTTON}">${esc(f.allGood)}</a> `,
    `<a href="${esc(answers.still_affected)}" style="${BUTTON_QUIET}">${esc(f.stillAffected)}</a></p>`,
    `<p style="${P};${MUTED}">${esc(f.oneClick)}</p>`,
    apology ? `${h2(t.apology)}<div style="${P}">${embed(apology.html)}</div>` : '',
    compensation.length
      ? `${h2(t.compensation)}<ul style="${P};padding-left:20px">${compensation.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>`
      : '',
    `<p style="${P}"><a href="${esc(url)}" style="${LINK}">${esc(t.followIncident)}</a></p>`,
    footerHtml(input, t),
  ].join('')
  // Asked once the incident is over: its subject says so, like the resolution's.
  const subject = t.recordSubject(
    'incident',
    statusWords('incident', 'resolved', r.impact, t).label,
    r.name,
  )
  return { subject, text, html }
}

/** Mail to a plain address: no subscription footer, a line saying why it came instead. */
function directEmail(input: BaseEnvelope & DirectContent, t: Catalog): Body {
  const esc = escapeHtml
  const muted = (s: string) => `<p style="${P};${MUTED}">${esc(s)}</p>`
  const rule = `<hr style="border:0;border-top:1px solid #d0d7de;margin:20px 0">`
  if (input.kind === 'oncall_nudge') {
    const o = catalogFor('en').oncall
    const r = input.record
    const body = o.body(input.nudge, t.time(input.dueAt, input.page.timeZone))
    const url = `${input.page.url}${r.path}`
    return {
      subject: o.subject(input.nudge, r.name),
      text: [r.name, '', body, '', url, '', '--', o.why(input.page.name)].join('\n'),
      html: [
        h1(r.name),
        `<p style="${P}">${esc(body)}</p>`,
        `<p style="${P}"><a href="${esc(url)}" style="${LINK}">${esc(url)}</a></p>`,
        rule,
        muted(o.why(input.page.name)),
      ].join(''),
    }
  }
  if (input.kind === 'draft_nudge') return draftNudge(input)
  if (input.kind === 'invite' || input.kind === 'password_reset') return accountEmail(input)
  const f = t.feedback
  const why = f.why(input.page.name)
  if (input.kind === 'feedback_received') {
    const label = input.link.incident ? t.followIncident : f.statusPage
    return {
      subject: f.subject(input.page.name),
      text: [
        f.thanks,
        f.promise,
        '',
        `${label}${t.colon.trim()}`,
        input.link.url,
        '',
        '--',
        why,
      ].join('\n'),
      html: [
        `<p style="${P}">${esc(f.thanks)}</p>`,
        `<p style="${P}">${esc(f.promise)}</p>`,
        `<p style="${P}"><a href="${esc(input.link.url)}" style="${LINK}">${esc(label)}</a></p>`,
        rule,
        muted(why),
      ].join(''),
    }
  }
  if (input.kind === 'feedback_helped') {
    const body = f.helpedBody(input.incident.name)
    return {
      subject: f.subject(input.page.name),
      text: [
        f.helped,
        '',
        body,
        '',
        `${t.followIncident}${t.colon.trim()}`,
        input.incident.url,
        '',
        '--',
        why,
      ].join('\n'),
      html: [
        h1(f.helped),
        `<p style="${P}">${esc(body)}</p>`,
        `<p style="${P}"><a href="${esc(input.incident.url)}" style="${LINK}">${esc(t.followIncident)}</a></p>`,
        rule,
        muted(why),
      ].join(''),
    }
  }
  // Nothing the reporter wrote is quoted: the form takes any address, so a quote would let anyone
  // have us mail their text to a stranger once staff answer.
  const more = f.more(input.reportUrl)
  return {
    subject: f.subject(input.page.name),
    text: [
      f.answerIntro,
      '',
      input.answer.text,
      '',
      f.signed(input.author),
      '',
      more,
      '',
      '--',
      why,
    ].join('\n'),
    html: [
      `<p style="${P}">${esc(f.answerIntro)}</p>`,
      `<div style="${P}">${embed(input.answer.html)}</div>`,
      `<p style="${P}">${esc(f.signed(input.author))}</p>`,
      `<p style="${P}">${esc(more)}</p>`,
      rule,
      muted(why),
    ].join(''),
  }
}

/** An invitation or a reset link: one button, when it stops working, what to do if unexpected. */
function draftNudge(input: BaseEnvelope & Extract<DirectContent, { kind: 'draft_nudge' }>): Body {
  const t = catalogFor('en')
  const d = t.oncall.draft
  const esc = escapeHtml
  const component = input.component ?? 'an unmapped service'
  const intro = d.intro(component, t.time(input.since, input.page.timeZone))
  const once = d.once(t.time(input.expiresAt, input.page.timeZone))
  // One line per signal, whatever line ends monitoring put in its text.
  const lines = input.signals.map((s) =>
    headerText(
      `${s.severity ? `[${s.severity}] ` : ''}${s.summary}${s.status === 'resolved' ? ' (resolved)' : ''}`,
    ),
  )
  return {
    subject: d.subject(input.component ?? 'unmapped alerts'),
    text: [
      intro,
      '',
      `${d.fired}:`,
      ...lines.map((l) => `- ${l}`),
      '',
      `${d.publish}:`,
      input.publishUrl,
      once,
      '',
      `${d.review}:`,
      input.consoleUrl,
      '',
      '--',
      d.why(input.page.name),
    ].join('\n'),
    html: [
      h1(d.subject(input.component ?? 'unmapped alerts')),
      `<p style="${P}">${esc(intro)}</p>`,
      h2(d.fired),
      `<ul style="${P};padding-left:20px">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
      `<p style="margin:20px 0"><a href="${esc(input.publishUrl)}" style="${BUTTON}">${esc(d.publish)}</a> `,
      `<a href="${esc(input.consoleUrl)}" style="${BUTTON_QUIET}">${esc(d.review)}</a></p>`,
      `<p style="${P};${MUTED}">${esc(once)}</p>`,
      `<hr style="border:0;border-top:1px solid #d0d7de;margin:20px 0">`,
      `<p style="${P};${MUTED}">${esc(d.why(input.page.name))}</p>`,
    ].join(''),
  }
}

function accountEmail(
  input: BaseEnvelope & Extract<DirectContent, { kind: 'invite' | 'password_reset' }>,
): Body {
  const t = catalogFor('en')
  const a = t.account
  const page = input.page.name
  const invite = input.kind === 'invite'
  const intro = invite ? a.invited(input.invitedBy, page, input.role) : a.resetIntro(page)
  const button = invite ? a.inviteButton : a.resetButton
  const once = a.once(t.time(input.expiresAt, input.page.timeZone))
  const ignore = invite ? a.inviteIgnore : a.resetIgnore
  const esc = escapeHtml
  return {
    subject: invite ? a.inviteSubject(page) : a.resetSubject(page),
    text: [intro, '', `${button}:`, input.url, '', once, ignore, '', '--', a.why(page)].join('\n'),
    html: [
      `<p style="${P}">${esc(intro)}</p>`,
      `<p style="margin:20px 0"><a href="${esc(input.url)}" style="${BUTTON}">${esc(button)}</a></p>`,
      `<p style="${P};${MUTED}">${esc(once)} ${esc(ignore)}</p>`,
      `<hr style="border:0;border-top:1px solid #d0d7de;margin:20px 0">`,
      `<p style="${P};${MUTED}">${esc(a.why(page))}</p>`,
    ].join(''),
  }
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

/** The frame of every email's HTML part: the page's name above the content. */
export function layout(
  t: Catalog,
  input: Pick<BaseEnvelope, 'page'>,
  title: string,
  content: string,
): string {
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
