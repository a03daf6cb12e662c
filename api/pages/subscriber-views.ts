import { html } from 'hono/html'
import type { ChannelName } from '../../core/channels.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import type { ChoiceSection } from '../services/subscriptions.ts'
import { homeLink as home, pagesOf, siteHref, type Site } from './layout.ts'

export type { Site } from './layout.ts'

// Every value below goes through `html`, which escapes it: addresses and component names are
// user data. The pages work without JavaScript; every action is a plain POST form.
// (Prettier is told to leave the markup alone: it would pad the output with whitespace.)

export const LOCALES: { value: Locale; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'zh-CN', label: '简体中文 (Chinese, simplified)' },
]

const page = pagesOf('subscribe')

export type ManageNotice = { kind: 'saved' } | { kind: 'error'; message: string }

/** What a subscriber gets, in words: emails, or (chat, webhook, texts) updates. */
const sent = (channel: ChannelName | undefined) =>
  !channel || channel === 'email' ? 'emails' : 'updates'

// prettier-ignore
export const views = {
  subscribeAccepted: (site: Site, email: string) =>
    page(site, 'Check your inbox', html`<p>If <strong>${email}</strong> can receive mail, a link to confirm your subscription is on its way.
Nothing is sent to you until you confirm. The link works for 7 days.</p>
<p class="muted">Nothing arrived after a few minutes? Look in your spam folder, or subscribe again.</p>
${home(site)}`),

  subscribeError: (site: Site, problems: string[], back: string) =>
    page(site, 'We could not subscribe you', html`<div class="error" role="alert"><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>
<p><a href="${back}">Go back and try again</a></p>`),

  rateLimited: (site: Site, message: string) =>
    page(site, 'Too many requests', html`<p>${message}.</p>
${home(site)}`),

  confirmPrompt: (site: Site, email: string) =>
    page(site, 'Confirm your subscription', html`<p>Send status updates from ${site.name} to <strong>${email}</strong>?</p>
<form method="post"><button type="submit">Confirm subscription</button></form>
<p class="muted">Did not ask for this? Close this page; nothing is sent unless you confirm.</p>`),

  confirmed: (site: Site, email: string, manageUrl: string, channel?: ChannelName) =>
    page(site, "You're subscribed", html`<p><strong>${email}</strong> will get ${sent(channel) === 'emails' ? 'an email' : 'an update'} when something affects the services you chose.</p>
<p><a href="${manageUrl}">Choose components or language</a>. ${sent(channel) === 'emails' ? 'Every email also has a one-click unsubscribe link.' : 'You can stop the updates there at any time.'}</p>
${home(site)}`),

  invalidLink: (site: Site, purpose: 'confirm' | 'manage' | 'unsubscribe') =>
    page(site, 'This link does not work', purpose === 'confirm'
      ? html`<p>The confirmation link has expired (links work for 7 days), was mistyped, or was replaced by a newer one.</p>
<p><a href="${siteHref(site, '/')}">Subscribe again</a> to get a new link.</p>`
      : html`<p>The link was mistyped, or it is from before you unsubscribed or subscribed again: each change makes the older links stop working.</p>
<p>Use the link in the most recent email from ${site.name}, or <a href="${siteHref(site, '/')}">subscribe again</a>.</p>`),

  manage: (site: Site, v: { email: string; channel?: ChannelName; allComponents: boolean; locale: Locale; sections: ChoiceSection[]; unsubscribeUrl: string; notice?: ManageNotice | undefined; calendarUrl?: string }) =>
    page(site, sent(v.channel) === 'emails' ? 'Your email alerts' : 'Your alerts', html`${v.notice?.kind === 'saved' ? html`<p class="notice" role="status">Your choices are saved.</p>\n` : ''}${v.notice?.kind === 'error' ? html`<p class="error" role="alert">${v.notice.message}</p>\n` : ''}<p>Alerts for <strong>${v.email}</strong>.</p>
<form method="post">
<fieldset><legend>Send me updates about</legend>
<label><input type="radio" name="scope" value="all"${v.allComponents ? html` checked` : ''}> All components, including ones added later</label>
<label><input type="radio" name="scope" value="some"${v.allComponents ? '' : html` checked`}> Only the components I tick below</label>
<div class="choices">
${componentChoices(v.sections)}</div>
</fieldset>
<p><label for="locale">${sent(v.channel) === 'emails' ? 'Email language' : 'Language'}</label>
<select id="locale" name="locale">${LOCALES.map((l) => html`<option value="${l.value}"${l.value === v.locale ? html` selected` : ''}>${l.label}</option>`)}</select></p>
<button type="submit">Save choices</button>
</form>
<form method="post" action="${v.unsubscribeUrl}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" class="secondary">Unsubscribe from all ${sent(v.channel)}</button>
</form>${v.calendarUrl ? calendarSection(v.calendarUrl) : ''}`),

  unsubscribePrompt: (site: Site, email: string, channel?: ChannelName) =>
    page(site, 'Unsubscribe', html`<p>Stop all status ${sent(channel)} from ${site.name} to <strong>${email}</strong>?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`),

  unsubscribed: (site: Site, email: string, channel?: ChannelName) =>
    page(site, "You're unsubscribed", html`<p><strong>${email}</strong> will get no more status ${sent(channel)} from ${site.name}.</p>
<p>Changed your mind? <a href="${siteHref(site, '/')}">Subscribe again</a> on the status page.</p>`),

  failure: (site: Site, title: string, message: string) =>
    page(site, title, html`<p>${message}</p>
${home(site)}`),
}

/**
 * The subscriber's own maintenance calendar: webcal:// opens the calendar app's "subscribe"
 * dialog; the https address is for apps that ask for one (Google Calendar, Outlook on the web).
 */
function calendarSection(url: string) {
  const webcal = url.replace(/^https?:/, 'webcal:')
  // prettier-ignore
  return html`
<h2>Add maintenance to your calendar</h2>
<p>Planned maintenance of the services you follow, kept up to date in your calendar: <a href="${webcal}">add it to your calendar app</a>.</p>
<p><label for="calendar-url">Or give your calendar this address (in Google Calendar: Other calendars, From URL):</label>
<input id="calendar-url" type="url" readonly value="${url}"></p>
<p class="muted">This address is yours: anyone who has it can see which services you follow. It stops working when you unsubscribe.</p>`
}

/** The components to choose from, a fieldset per group (the manage and subscribe forms). */
export function componentChoices(sections: readonly ChoiceSection[]) {
  // prettier-ignore
  return sections.map((s) => s.group === null ? checkboxes(s) : html`<fieldset><legend>${s.group}</legend>\n${checkboxes(s)}</fieldset>\n`)
}

function checkboxes(s: ChoiceSection) {
  return s.components.map(
    (c) =>
      html`<label
        ><input
          type="checkbox"
          name="components"
          value="${c.id}"
          ${c.chosen ? html` checked` : ''}
        />
        ${c.name}</label
      > `,
  )
}
