import { html } from 'hono/html'
import type { FollowUpAnswer } from '../services/links.ts'
import { homeLink as home, pagesOf, siteHref, type Site } from './layout.ts'

// Every value goes through `html`, which escapes it: messages, addresses and incident names are
// typed by people. The pages work without JavaScript; every action is a plain POST form.
// (Prettier is told to leave the markup alone: it would pad the output with whitespace.)

/** The report form's fields as sent, so an error page can give them back. */
export interface ReportValues {
  email: string
  component: string
  incident: string
  message: string
}

export interface FollowUpPage {
  incidentName: string
  incidentUrl: string
  answer: FollowUpAnswer
  comment: string
  previous: FollowUpAnswer | null
  error?: string | undefined
}

const page = pagesOf('report')

const ANSWER_WORDS: Record<FollowUpAnswer, string> = {
  all_good: 'Everything works for me again',
  still_affected: 'I am still affected',
}

// prettier-ignore
export const feedbackViews = {
  reportThanks: (site: Site, v: { email: string | null; incidentUrl: string | null }) =>
    page(site, 'Thank you — we read every report', html`<p class="notice" role="status">We'll answer within 24 hours, usually much sooner.</p>
<h2>What happens next</h2>
<ul>
<li>A person on our team reads your report and checks it against what we see.</li>
${v.email ? html`<li>We send a copy of your report to <strong>${v.email}</strong> now, and our answer to the same address.</li>` : html`<li>You left no email address, so we cannot answer you directly: our answers to everyone appear on the status page.</li>`}
<li>If many people report the same problem, we post an incident on the status page and keep it updated until it is fixed.</li>
</ul>
${v.incidentUrl ? html`<p><a href="${v.incidentUrl}">Follow this incident's updates</a></p>\n` : ''}${home(site)}`),

  reportError: (site: Site, problems: string[], v: ReportValues, components: { id: string; name: string }[]) =>
    page(site, 'We could not send your report', html`<div class="error" role="alert"><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>
<p>Your words are kept below: correct what is needed and send again.</p>
<form method="post" action="/report">
<p><label for="message">What is not working?</label>
<textarea id="message" name="message" rows="8" cols="60" maxlength="5000" required>${v.message}</textarea></p>
${components.length ? html`<p><label for="component">Which service? (optional)</label>
<select id="component" name="component"><option value="">Not sure / several</option>${components.map((c) => html`<option value="${c.id}"${c.id === v.component ? html` selected` : ''}>${c.name}</option>`)}</select></p>
` : ''}<p><label for="email">Your email, if you want an answer (optional)</label>
<input id="email" name="email" type="email" size="40" autocomplete="email" value="${v.email}"></p>
${v.incident ? html`<input type="hidden" name="incident" value="${v.incident}">\n` : ''}<button type="submit">Send report</button>
</form>`),

  followUp: (site: Site, v: FollowUpPage) =>
    page(site, 'Is everything working again?', html`${v.error ? html`<p class="error" role="alert">${v.error}</p>\n` : ''}<p>About <a href="${v.incidentUrl}">${v.incidentName}</a>.</p>
${v.previous ? html`<p class="muted">You answered before: ${ANSWER_WORDS[v.previous]}. Sending this form replaces that answer.</p>\n` : ''}<form method="post">
<fieldset><legend>Your answer</legend>
${(['all_good', 'still_affected'] as const).map((a) => html`<label><input type="radio" name="answer" value="${a}"${a === v.answer ? html` checked` : ''}> ${ANSWER_WORDS[a]}</label>\n`)}</fieldset>
<p><label for="comment">Anything we should know? (optional)</label>
<textarea id="comment" name="comment" rows="6" cols="60" maxlength="5000">${v.comment}</textarea></p>
<button type="submit">Send answer</button>
</form>`),

  followUpSaved: (site: Site, v: { answer: FollowUpAnswer; incidentName: string; email: string; opened: boolean }) =>
    v.answer === 'all_good'
      ? page(site, 'Thank you for telling us', html`<p>We are glad everything works again after ${v.incidentName}.</p>
<p class="muted">If something breaks again, the link in our email still works: you can change your answer.</p>
${home(site)}`)
      : page(site, 'Thank you — we are sorry it is not fixed yet', html`<p>${v.opened ? html`Your answer reached our team. Someone will answer you at <strong>${v.email}</strong> within 24 hours.` : html`Your answer is saved; our team already has your report and will answer you at <strong>${v.email}</strong>.`}</p>
${home(site)}`),

  invalidFollowUp: (site: Site) =>
    page(site, 'This link does not work', html`<p>The link has expired (answer links work for 30 days), was mistyped, or is from before you unsubscribed or subscribed again.</p>
<p>Still having trouble? <a href="${siteHref(site, '/report/')}">Report a problem</a> and we will answer within 24 hours.</p>`),

  rateLimited: (site: Site, message: string) =>
    page(site, 'Too many reports', html`<p>${message}.</p>
<p class="muted">Your earlier reports reached us; we answer each of them.</p>
${home(site)}`),

  failure: (site: Site, title: string, message: string) =>
    page(site, title, html`<p>${message}</p>
${home(site)}`),
}
