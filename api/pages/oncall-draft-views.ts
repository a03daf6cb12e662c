import { html } from 'hono/html'
import { homeLink as home, layout, type Site } from './layout.ts'

// Every value goes through `html`, which escapes it: the proposal and the signals' summaries come
// from playbooks, staff and monitoring. The one action is a plain POST form (no JavaScript).

export interface DraftPreview {
  component: string | null
  name: string
  status: string
  impact: string
  body: string
  components: { name: string; status: string }[]
  signals: string[]
  consoleUrl: string
}

const page = (site: Site, title: string, body: ReturnType<typeof html>) =>
  layout({ site, title, body })

const words = (s: string) => s.replace(/_/g, ' ')

// prettier-ignore
export const oncallDraftViews = {
  preview: (site: Site, v: DraftPreview) =>
    page(site, `Publish the draft about ${v.component ?? 'unmapped alerts'}?`, html`<p>Customers see nothing yet. Publishing posts this incident on the status page and tells subscribers.</p>
<h2>${v.name}</h2>
<p class="muted">${words(v.status)} · ${words(v.impact)} impact${v.components.length ? html` · ${v.components.map((c, i) => html`${i ? ', ' : ''}${c.name}: ${words(c.status)}`)}` : ''}</p>
<blockquote><p style="white-space:pre-wrap">${v.body}</p></blockquote>
${v.signals.length ? html`<h2>What fired</h2>\n<ul>${v.signals.map((s) => html`<li>${s}</li>`)}</ul>\n` : ''}<form method="post"><button type="submit">Publish as is</button></form>
<p><a href="${v.consoleUrl}">Edit or dismiss it in the console instead</a></p>`),

  published: (site: Site, v: { incidentUrl: string; consoleUrl: string }) =>
    page(site, 'Published', html`<p class="notice" role="status">The incident is on the status page and subscribers are being told.</p>
<p><a href="${v.incidentUrl}">See it on the status page</a> · <a href="${v.consoleUrl}">Post the next update in the console</a></p>`),

  alreadyDone: (site: Site, v: { state: 'published' | 'dismissed'; reason: string | null; incidentUrl: string | null; consoleUrl: string }) =>
    page(site, v.state === 'published' ? 'This draft is already published' : 'This draft was dismissed', html`<p>${v.state === 'published' ? 'Someone published it already: nothing more was published.' : html`Someone dismissed it${v.reason ? html` (${v.reason})` : ''}: nothing was published.`}</p>
<p>${v.incidentUrl ? html`<a href="${v.incidentUrl}">See the incident on the status page</a> · ` : ''}<a href="${v.consoleUrl}">Open the draft in the console</a></p>`),

  unusable: (site: Site, v: { consoleUrl: string; problem: string }) =>
    page(site, 'This draft cannot be published as is', html`<p>${v.problem}</p>
<p><a href="${v.consoleUrl}">Open the draft in the console</a> to correct the proposal and publish it there.</p>`),

  invalid: (site: Site) =>
    page(site, 'This link does not work', html`<p>The link has expired (publish links work for 24 hours), was altered, or was mistyped. Nothing was published.</p>
<p>Open the console's drafts to publish or dismiss it there.</p>
${home(site)}`),

  rateLimited: (site: Site, message: string) =>
    page(site, 'Too many requests', html`<p>${message}.</p>`),

  failure: (site: Site, title: string, message: string) =>
    page(site, title, html`<p>${message}</p>`),

  missing: (site: Site) =>
    page(site, 'This draft no longer exists', html`<p>Nothing was published.</p>
${home(site)}`),
}
