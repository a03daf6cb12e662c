import { html } from 'hono/html'
import type { Incident } from '../../core/schemas/incident.ts'
import type { Scope } from '../../core/schemas/token.ts'
import { maskedEmail } from '../services/feedback.ts'
import type { FollowUpReport, FollowUpSchedule } from '../services/follow-ups.ts'
import { amendsNav } from './amends-nav.ts'
import { fromNow } from './clock.ts'
import { impactPill, statusPill, time } from './labels.ts'
import type { Html } from './layout.ts'

export interface FollowUpPageProps {
  incident: Incident
  report: FollowUpReport
  /** Who is looking: addresses in full for admins only (api/services/feedback.ts maskedEmail). */
  scope: Scope
  timeZone: string
  now: Date
  followUpDays: number
}

const FEEDBACK_LABEL = { open: 'Open', answered: 'Answered', closed: 'Closed' } as const
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

function whenBox(s: FollowUpSchedule, p: FollowUpPageProps): Html {
  const tz = p.timeZone
  const days = plural(p.followUpDays, 'day')
  if (s.state === 'sent') {
    const d = s.deliveries
    const sent = d?.sent ?? 0
    // prettier-ignore
    return html`<div class="when sent">
<p><strong>Went out ${time(s.sent_at, tz)}</strong> <span class="muted nowrap">(${fromNow(s.sent_at, p.now)})</span></p>
${!s.mailed
      ? html`<p>Recorded without email: the resolution was not emailed, so nobody was asked.</p>`
      : !d || sent + d.pending + d.failed === 0
        ? html`<p>Waiting for the notifier to send it.</p>`
        : html`<p>Sent to ${plural(sent, 'subscriber')}${d.pending ? `; ${d.pending} still being sent` : ''}${d.failed ? `; ${d.failed} not delivered` : ''}.</p>`}
</div>`
  }
  if (s.state === 'scheduled') {
    // prettier-ignore
    return html`<div class="when">
<p><strong>${s.due ? 'Due now' : 'Goes out'} ${time(s.due_at, tz)}</strong> <span class="muted">(${s.due ? 'at the scheduler’s next run' : fromNow(s.due_at, p.now)}), ${days} after the resolution</span></p>
<p>${s.mailed ? `To ${plural(s.reach, 'subscriber')}: those who follow its components or everything.` : 'Recorded without email: the resolution was not emailed, so nobody will be asked.'}</p>
</div>`
  }
  if (s.state === 'after_resolution') {
    // prettier-ignore
    return html`<div class="when">
<p><strong>Goes out ${days} after the incident is resolved</strong></p>
<p>To the ${plural(s.reach, 'subscriber')} who follow its components or everything (as of now).</p>
</div>`
  }
  // prettier-ignore
  return html`<div class="when none">
<p><strong>No follow-up</strong></p>
<p>${s.reason === 'no_components' ? 'This incident names no component, so there is nobody to ask.' : 'It was resolved too long ago: follow-ups are not sent for old incidents.'}</p>
</div>`
}

/** Answers as counts, and the share of those asked who answered once the mail went out. */
function figures(p: FollowUpPageProps): Html {
  const a = p.report.answers
  const s = p.report.schedule
  const asked = s.state === 'sent' && s.mailed ? (s.deliveries?.sent ?? 0) : 0
  const answered = a.all_good + a.still_affected
  // prettier-ignore
  return html`<ul class="figures">
<li class="good"><span class="n">${a.all_good}</span><span class="what">“All good”</span></li>
<li${a.still_affected ? html` class="bad"` : ''}><span class="n">${a.still_affected}</span><span class="what">“Still affected”</span></li>
${asked ? html`<li><span class="n">${Math.round((100 * answered) / asked)}%</span><span class="what">answered, of ${plural(asked, 'person', 'people')} asked</span></li>` : ''}
</ul>`
}

function stillAffected(p: FollowUpPageProps): Html {
  const rows = p.report.rows.filter((r) => r.answer === 'still_affected')
  if (rows.length === 0)
    return html`<p>
      ${p.report.rows.length ? 'Nobody has said they are still affected.' : 'No answers yet.'}
    </p>`
  // prettier-ignore
  return html`<table class="stack follow-up">
<thead><tr><th scope="col">Answered</th><th scope="col">Subscriber</th><th scope="col">Their comment</th><th scope="col">Feedback item</th></tr></thead>
<tbody>
${rows.map((r) => {
    const who = maskedEmail(r.email, p.scope) ?? '(address erased)'
    return html`<tr>
<td data-label="Answered" class="nowrap">${time(r.answered_at, p.timeZone)}</td>
<td data-label="Subscriber" class="addr">${who}</td>
<td data-label="Their comment">${r.comment ? html`<p class="answer-comment">${r.comment}</p>` : html`<span class="muted">No comment</span>`}</td>
<td data-label="Feedback item" class="fb-link">${r.feedback ? html`<a href="/admin/inbox/${r.feedback.id}">Open in the inbox<span class="vh"> (${who})</span></a> <span class="pill s-${r.feedback.status}">${FEEDBACK_LABEL[r.feedback.status]}</span>` : html`<span class="muted">None</span>`}</td>
</tr>`
  })}
</tbody>
</table>`
}

/** The follow-up of one incident: when it goes out, to whom, the answers, who is still affected. */
export function followUpPage(p: FollowUpPageProps): Html {
  const i = p.incident
  // prettier-ignore
  return html`${amendsNav(i.id, 'follow-up')}
<p class="row">${statusPill(i.status)} ${impactPill(i.impact)}</p>
<p class="muted">Some days after the fix, the subscribers who follow the incident’s components are asked whether everything works again. Each “still affected” answer becomes an item in the inbox, to be answered within 24 hours.</p>
${whenBox(p.report.schedule, p)}
<section aria-labelledby="answers-h">
<h2 id="answers-h">Answers so far</h2>
${figures(p)}
</section>
<section aria-labelledby="affected-h">
<h2 id="affected-h">Still affected</h2>
${stillAffected(p)}
</section>`
}
