import { formatTime } from '../core/format.ts'
import { catalogFor, escapeHtml, layout, type RenderedEmail } from './render.ts'

/** One report as the digest shows it: never the reporter's address. */
export interface DigestReport {
  id: string
  message: string
  source: 'form' | 'follow_up'
  created_at: string
  incident_name: string | null
  component_name: string | null
}

/** What a digest email needs besides its reports. */
export interface DigestInput {
  page: { name: string; url: string; timeZone: string }
  subjectPrefix: string
  from: string
  to: string
  messageId: string
  /** When the digest was made: the Date header, so a resend is the same message. */
  date: string
  reports: DigestReport[]
  /** How many reports the digest covers (it lists at most LISTED of them). */
  total: number
}

/** The most reports one digest lists; the rest are counted, and the inbox has them all. */
export const LISTED = 20
const EXCERPT = 300

const excerpt = (s: string) => {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > EXCERPT ? `${one.slice(0, EXCERPT - 1).trimEnd()}…` : one
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/**
 * The team's email about new customer reports (English, like the on-call nudges: it is for the
 * team). Each report: when, what about, the start of the message, and its page in the console.
 * Never the reporter's address (it may go to a shared on-call mailbox).
 */
export function renderFeedbackDigest(input: DigestInput): RenderedEmail {
  const { page, reports, total } = input
  const inbox = `${page.url}/admin/inbox`
  const subject = `${plural(total, 'new report', 'new reports')} from customers`
  const intro = `${plural(total, 'report', 'reports')} came in since the last digest. Answer within 2 hours and it feels like a conversation; 24 hours is the promise.`
  const more = total > reports.length ? total - reports.length : 0
  const items = reports.map((r) => {
    const about = r.incident_name ?? r.component_name
    const kind = r.source === 'follow_up' ? 'Follow-up answer' : 'Report'
    return {
      head: `${kind}, ${formatTime(r.created_at, page.timeZone)}${about ? ` · about ${about}` : ''}`,
      message: excerpt(r.message),
      url: `${inbox}/${r.id}`,
    }
  })
  const why = `Sent to the ${page.name} team: new reports are mailed at most every 15 minutes to the on-call address and to people who asked for it on their account page.`
  const text = [
    intro,
    '',
    ...items.flatMap((i) => [i.head, `  “${i.message}”`, `  ${i.url}`, '']),
    ...(more ? [`And ${plural(more, 'more report', 'more reports')}.`, ''] : []),
    `The inbox: ${inbox}`,
    '',
    '--',
    why,
  ].join('\n')
  const esc = escapeHtml
  const P = 'margin:0 0 12px'
  const html = [
    `<h1 style="font-size:20px;line-height:1.3;margin:0 0 8px">${esc(subject)}</h1>`,
    `<p style="${P}">${esc(intro)}</p>`,
    ...items.map(
      (i) =>
        `<div style="${P};padding:8px 12px;border-left:3px solid #d0d7de">` +
        `<p style="margin:0 0 4px;font-weight:600">${esc(i.head)}</p>` +
        `<p style="margin:0 0 4px">${esc(i.message)}</p>` +
        `<p style="margin:0"><a href="${esc(i.url)}" style="color:#0969da">Open and answer</a></p></div>`,
    ),
    more ? `<p style="${P}">${esc(`And ${plural(more, 'more report', 'more reports')}.`)}</p>` : '',
    `<p style="${P}"><a href="${esc(inbox)}" style="color:#0969da">Open the inbox</a></p>`,
    `<hr style="border:0;border-top:1px solid #d0d7de;margin:20px 0">`,
    `<p style="${P};color:#57606a;font-size:13px">${esc(why)}</p>`,
  ].join('')
  return {
    from: input.from,
    to: input.to,
    subject: `${input.subjectPrefix} ${subject}`.trim(),
    text,
    html: layout(catalogFor('en'), { page }, subject, html),
    messageId: input.messageId,
    date: new Date(input.date),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  }
}
