import { html } from 'hono/html'
import {
  CHANNEL_LABELS,
  CHANNEL_TABS,
  isChatChannel,
  type ChannelName,
} from '../../core/channels.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import type { ChoiceSection } from '../services/subscriptions.ts'
import { pagesOf, siteHref, type Html, type Site } from './layout.ts'
import { componentChoices, LOCALES } from './subscriber-views.ts'

// The subscribe form for every channel, the page that says what happens next, the SMS code form
// and the page that shows a webhook's signing secret once. No JavaScript: each channel is its own
// page (/subscribe/<channel>), linked as tabs. Every value goes through `html`, which escapes it.
// (Prettier is told to leave the markup alone: it would pad the output with whitespace.)

/** Field name → the problem with it, shown beside the field. `_form`: above the form. */
export type FormErrors = Record<string, string>

export interface SubscribeForm {
  channel: ChannelName
  /** The channels offered here, in tab order. */
  channels: readonly ChannelName[]
  sections: ChoiceSection[]
  values: { email: string; url: string; phone: string; locale: Locale }
  errors?: FormErrors
}

const page = pagesOf('subscribe')

const TITLES: Record<ChannelName, string> = {
  email: 'Get updates by email',
  slack: 'Get updates in Slack',
  teams: 'Get updates in Microsoft Teams',
  discord: 'Get updates in Discord',
  webhook: 'Get updates by webhook',
  sms: 'Get updates by text message',
}

// prettier-ignore
const INTRO: Record<ChannelName, Html> = {
  email: html`<p>We email you when something you use is affected, with every update in one thread, and when maintenance is planned. We send a link to confirm first; every email has a one-click unsubscribe.</p>`,
  slack: html`<p>We post in a Slack channel when something you use is affected: what is affected for you, what still works, the workaround and a link to the incident.</p>`,
  teams: html`<p>We post in a Microsoft Teams channel when something you use is affected: what is affected for you, what still works, the workaround and a link to the incident.</p>`,
  discord: html`<p>We post in a Discord channel when something you use is affected: what is affected for you, what still works, the workaround and a link to the incident.</p>`,
  webhook: html`<p>We send your endpoint a JSON <code>POST</code> for every incident update and maintenance notice, in Statuspage's webhook format (<code>meta</code>, <code>page</code>, and <code>incident</code> with its <code>incident_updates</code>, or <code>component_update</code> with <code>component</code>), so receivers written for Statuspage work unchanged.</p>
<div class="panel"><p><strong>Signed.</strong> Every call carries the <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> headers of the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> specification: check them with its library and your signing secret, which is shown once, when the contact address confirms. A retry carries the same <code>webhook-id</code>: use it to drop duplicates.</p></div>`,
  sms: html`<p>We text you when something you use is affected. We first text a 6-digit code to confirm the number. Reply STOP to any text to stop them; your operator's usual rates apply.</p>`,
}

/** Where a chat app's webhook URL comes from, step by step. */
// prettier-ignore
const STEPS: Partial<Record<ChannelName, Html>> = {
  slack: html`<ol class="steps" id="steps">
<li>Open <a href="https://api.slack.com/apps">api.slack.com/apps</a> and create an app (“From scratch”) in your workspace, or open one you have.</li>
<li>Choose <strong>Incoming Webhooks</strong>, switch them on, then <strong>Add New Webhook to Workspace</strong> and pick the channel.</li>
<li>Copy the <strong>Webhook URL</strong>: it starts with <code>https://hooks.slack.com/services/</code>.</li>
</ol>`,
  teams: html`<ol class="steps" id="steps">
<li>In Teams, open the channel, choose <strong>⋯</strong> (More options) and then <strong>Workflows</strong>.</li>
<li>Pick the template <strong>Post to a channel when a webhook request is received</strong>, name it, and choose the team and channel.</li>
<li>Copy the URL it shows at the end. (The old Office 365 “Incoming Webhook” connector is being retired: use Workflows.)</li>
</ol>`,
  discord: html`<ol class="steps" id="steps">
<li>Open <strong>Server Settings</strong>, then <strong>Integrations</strong> and <strong>Webhooks</strong>.</li>
<li>Choose <strong>New Webhook</strong>, pick the channel it posts to.</li>
<li>Choose <strong>Copy Webhook URL</strong>: it starts with <code>https://discord.com/api/webhooks/</code>.</li>
</ol>`,
}

const URL_LABEL: Partial<Record<ChannelName, string>> = {
  webhook: 'Webhook URL',
  slack: 'Slack webhook URL',
  teams: 'Teams workflow URL',
  discord: 'Discord webhook URL',
}

interface Field {
  name: 'email' | 'url' | 'phone' | 'code'
  label: string
  value: string
  type: string
  hint?: string | undefined
  describedBy?: string
  autocomplete?: string
  inputmode?: string
  required?: boolean
  errors?: FormErrors | undefined
  extra?: Html
}

/** A labelled input with its hint and its problem beside it (aria-describedby names both). */
function field(f: Field): Html {
  const id = `f-${f.name}`
  const error = f.errors?.[f.name]
  const ids = [f.describedBy, f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(
    Boolean,
  )
  // prettier-ignore
  return html`<div class="field"><label for="${id}">${f.label}</label>
${f.hint ? html`<span class="hint" id="${id}-hint">${f.hint}</span>` : ''}<input id="${id}" name="${f.name}" type="${f.type}" value="${f.value}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${f.inputmode ? html` inputmode="${f.inputmode}"` : ''}${f.required ? html` required` : ''}${error ? html` aria-invalid="true"` : ''}${ids.length ? html` aria-describedby="${ids.join(' ')}"` : ''}${f.extra ?? ''}>
${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}</div>`
}

/** The problems of a form above it, in the order of its fields, each a link to its field. */
function problems(errors: FormErrors | undefined, fields: readonly string[]): Html {
  if (!errors || Object.keys(errors).length === 0) return html``
  const at = (k: string) => (fields.includes(k) ? fields.indexOf(k) : fields.length)
  const items = Object.entries(errors).sort(([a], [b]) => at(a) - at(b))
  // prettier-ignore
  return html`<div class="error" role="alert"><p><strong>${items.length === 1 ? 'One thing needs fixing' : `${items.length} things need fixing`}; nothing was saved.</strong></p>
<ul>${items.map(([k, m]) => html`<li>${fields.includes(k) ? html`<a href="#f-${k}">${m}</a>` : m}</li>`)}</ul></div>`
}

/**
 * Groups first, then the components in no group under "Other services", as the status page's
 * own form lists them (without a heading they would read as part of the group above).
 */
function othersLast(sections: readonly ChoiceSection[]): ChoiceSection[] {
  const groups = sections.filter((s) => s.group !== null)
  const rest = sections.filter((s) => s.group === null).flatMap((s) => s.components)
  if (groups.length === 0 || rest.length === 0) return [...sections]
  return [...groups, { group: 'Other services', components: rest }]
}

/** The channels as tabs: links, the current one marked, each in the reader's language. */
function tabs(site: Site, channels: readonly ChannelName[], current: ChannelName): Html {
  if (channels.length < 2) return html``
  const query = site.locale === site.locales.default ? '' : `?locale=${site.locale}`
  // prettier-ignore
  return html`<nav aria-label="Ways to get updates"><ul class="tabs">${channels.map((ch) => html`<li><a href="/subscribe/${ch}${query}"${ch === current ? html` aria-current="page"` : ''}>${CHANNEL_TABS[ch]}</a></li>`)}</ul></nav>`
}

/** The fields that say where updates go, per channel. */
function endpointFields(v: SubscribeForm): Html {
  const { channel, values, errors } = v
  if (channel === 'email')
    return field({
      name: 'email',
      label: 'Email address',
      value: values.email,
      type: 'email',
      autocomplete: 'email',
      required: true,
      errors,
    })
  if (channel === 'sms')
    return field({
      name: 'phone',
      label: 'Mobile number',
      value: values.phone,
      type: 'tel',
      autocomplete: 'tel',
      inputmode: 'tel',
      required: true,
      errors,
      hint: 'With the country code, for example +44 7911 123456.',
    })
  const chat = isChatChannel(channel)
  // prettier-ignore
  return html`${chat ? html`<h2 id="steps-h">Where to get the URL</h2>\n${STEPS[channel] ?? ''}` : ''}
${field({ name: 'url', label: URL_LABEL[channel] ?? 'URL', value: values.url, type: 'url', inputmode: 'url', autocomplete: 'off', required: true, errors, hint: chat ? 'Keep it private: whoever has it can post in the channel.' : 'https, reachable from the internet. It gets a JSON POST per update.' })}
${field({ name: 'email', label: channel === 'webhook' ? 'Contact email' : 'Contact email (optional)', value: values.email, type: 'email', autocomplete: 'email', required: channel === 'webhook', errors, hint: channel === 'webhook' ? 'We send the confirmation link here (the signing secret is shown when you confirm), and tell you if the endpoint keeps failing.' : 'With an address, the confirmation link goes there instead of to the channel, and we tell it if the webhook stops working.' })}`
}

// prettier-ignore
export const subscribeViews = {
  /** /subscribe/<channel>: the form of one channel, with the others as tabs. */
  form: (site: Site, v: SubscribeForm) =>
    page(site, TITLES[v.channel], html`${tabs(site, v.channels, v.channel)}
${problems(v.errors, v.channel === 'email' ? ['email'] : v.channel === 'sms' ? ['phone'] : ['url', 'email'])}
${INTRO[v.channel]}
<form method="post" action="/subscribe" novalidate>
<input type="hidden" name="channel" value="${v.channel}">
${endpointFields(v)}
${v.sections.length ? html`<fieldset><legend>Only these services <span class="muted">(optional)</span></legend>
<p class="hint">None ticked: all of them, including ones added later.</p>
${v.errors?.components ? html`<p class="field-error" id="f-components-error">${v.errors.components}</p>` : ''}<div class="choices">
${componentChoices(othersLast(v.sections))}</div>
</fieldset>` : ''}
<div class="field"><label for="f-locale">Language</label>
<select id="f-locale" name="locale">${LOCALES.map((l) => html`<option value="${l.value}"${l.value === v.values.locale ? html` selected` : ''}>${l.label}</option>`)}</select></div>
<div class="hp" aria-hidden="true"><label for="f-website">Leave this field empty</label><input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>
<p class="muted">Prefer a feed? <a href="${siteHref(site, '/history.rss')}">RSS</a> or <a href="${siteHref(site, '/history.atom')}">Atom</a>.</p>`),

  /** What happens next, by where the confirmation went: the same words whatever we knew. */
  accepted: (site: Site, v: { channel: ChannelName; via: ChannelName | null; name: string; contact: string | null }) => {
    if (v.via === 'email' && v.contact !== null)
      return page(site, 'Check your inbox', html`<p>If <strong>${v.contact}</strong> can receive mail, a link to confirm <strong>${v.name}</strong> is on its way. Nothing is sent to the ${v.channel === 'webhook' ? 'endpoint' : 'channel'} until you confirm; the link works for 7 days.</p>
${v.channel === 'webhook' ? html`<p>When you confirm, the page shows the webhook's <strong>signing secret, once</strong>: have your receiver's settings at hand.</p>\n` : ''}<p class="muted">Nothing arrived after a few minutes? Look in your spam folder, or subscribe again.</p>
<p><a href="${siteHref(site, '/')}">Back to the status page</a></p>`)
    return page(site, `Check your ${CHANNEL_LABELS[v.channel]} channel`, html`<p>If the webhook works, a message with a link to confirm <strong>${v.name}</strong> is on its way to the channel it posts to. Open the link and confirm there; nothing else is posted until then. The link works for 7 days.</p>
<p class="muted">Nothing arrived after a few minutes? Check the URL and <a href="/subscribe/${v.channel}">subscribe again</a>.</p>
<p><a href="${siteHref(site, '/')}">Back to the status page</a></p>`)
  },

  /** The SMS code form: the accepted page of a text subscription, and /subscribe/code. */
  code: (site: Site, v: { token: string; phone: string | null; error?: string | undefined }) =>
    page(site, 'Enter the code we texted', html`${v.error ? html`<div class="error" role="alert"><p><a href="#f-code">${v.error}</a></p></div>\n` : ''}<p>${v.phone ? html`If <strong>${v.phone}</strong> can receive text messages, a 6-digit code is on its way.` : 'We texted a 6-digit code to the number you gave.'} Type it here to start the updates; the form works for 30 minutes.</p>
<form method="post" action="/subscribe/code">
<input type="hidden" name="token" value="${v.token}">
${field({ name: 'code', label: '6-digit code', value: '', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, errors: v.error ? { code: v.error } : undefined, extra: html` class="code" maxlength="12"` })}
<button type="submit">Confirm</button>
</form>
<p class="muted">No text after a few minutes? Check the number and <a href="/subscribe/sms">subscribe again</a>: a new code is sent once the last one is 10 minutes old.</p>`),

  /** The code form no longer works (expired, forged, or an older request's). */
  codeExpired: (site: Site) =>
    page(site, 'This code form has expired', html`<p>Code forms work for 30 minutes and only for the latest request for a number.</p>
<p><a href="/subscribe/sms">Subscribe again</a> to get a new code.</p>`),

  codeLocked: (site: Site, message: string) =>
    page(site, 'Too many wrong codes', html`<p>${message}.</p>
<p><a href="/subscribe/sms">Subscribe again</a> to try again.</p>`),

  /** A text subscription just confirmed by its code (or confirmed before: no manage link then). */
  codeConfirmed: (site: Site, phone: string, manageUrl: string | null) =>
    page(site, "You're subscribed", html`<p><strong>${phone}</strong> ${manageUrl ? 'will get a text' : 'already gets texts'} when something affects the services you chose. Reply STOP to any text to stop them.</p>
${manageUrl ? html`<p><a href="${manageUrl}">Choose components or language</a>.</p>\n` : ''}<p><a href="${siteHref(site, '/')}">Back to the status page</a></p>`),

  /** The page that confirms a webhook: its signing secret, once, and how to check a call. */
  webhookConfirmed: (site: Site, name: string, secret: string, manageUrl: string) =>
    page(site, 'Webhook confirmed', html`<p><strong>${name}</strong> will get a signed <code>POST</code> when something affects the services you chose.</p>
<div class="panel">
<h2>Your signing secret</h2>
<p><strong>Copy it now: this page is the only time it is shown.</strong> Select it (a tap or click selects it all) and paste it into your receiver's settings. If it is lost, ask the ${site.name} team to rotate it.</p>
<p><code class="secret" id="secret">${secret}</code></p>
</div>
<h2>Check each call</h2>
<p>Every call has the headers <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> (<a href="https://www.standardwebhooks.com/">Standard Webhooks</a>). Verify them over the raw body with the specification's library before trusting a call, for example in JavaScript:</p>
<pre><code>import { Webhook } from 'standardwebhooks'

const wh = new Webhook(signingSecret) // the whsec_… above, kept in your secret store
// Throws unless the signature matches and the timestamp is recent.
const event = wh.verify(rawBody, request.headers)</code></pre>
<p>The libraries for Python, Go, Ruby, PHP, Java and more take the secret the same way. A retry carries the same <code>webhook-id</code>: keep the ids you have handled and drop repeats. Answer with a 2xx quickly; other answers are retried with backoff.</p>
<p><a href="${manageUrl}">Choose components or language</a> · <a href="${siteHref(site, '/')}">Back to the status page</a></p>`),
}
