import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import { incidentSlo, type SloTargets } from '../../core/communication-slo.ts'
import { formatDuration } from '../../core/format.ts'
import { renderMarkdown } from '../../core/markdown.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { AppEnv } from '../env.ts'
import { amendsNav } from './amends-nav.ts'
import { ago } from './clock.ts'
import { formAlert, one, textarea, writeFields, type FieldErrors, type Form } from './forms.ts'
import { impactLabel, impactPill, statusPill, time } from './labels.ts'
import type { Html } from './layout.ts'

const MIN = 60_000

/** The post-mortem as stored (recovery.postmortem), or null before anyone saved one. */
export interface StoredPostmortem {
  body: string
  status: 'draft' | 'published'
  updated_at: string
  published_at: string | null
}

export interface PostmortemClock {
  /** "Due in 2 d 4 h", "Late by 5 h", "Published on time". */
  text: string
  late: boolean
  due_at: string | null
}

/**
 * Whole minutes, rounded the way that never flatters us; past a day in days and hours ("1 d 16 h"),
 * the grain a promise measured in days is read in.
 */
function whole(ms: number, up: boolean): string {
  const minutes = up ? Math.ceil(ms / MIN) : Math.floor(ms / MIN)
  if (minutes < 24 * 60) return formatDuration(minutes * MIN)
  const hours = Math.floor(minutes / 60)
  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${hours / 24} d`
}

/**
 * The post-mortem promise (core/communication-slo.ts): published within `postmortemDays` of the
 * resolution of a major or critical incident. How it stands at `now`, in words.
 */
export function postmortemClock(
  i: Incident,
  published_at: string | null,
  slo: SloTargets,
  now: Date,
): PostmortemClock {
  const s = incidentSlo(
    {
      impact: i.impact,
      started_at: i.started_at,
      created_at: i.created_at,
      resolved_at: i.status === 'resolved' ? i.resolved_at : null,
      update_times: i.incident_updates.map((u) => u.created_at),
      postmortem_published_at: published_at,
    },
    slo,
    now,
  )
  const days = `${slo.postmortemDays} day${slo.postmortemDays === 1 ? '' : 's'}`
  if (!s.postmortem.required) {
    const impact = impactLabel(i.impact).toLowerCase()
    return { text: `Not required (${impact}: only major and critical)`, late: false, due_at: null }
  }
  const due = s.postmortem.due_at
  if (!due) return { text: `Due ${days} after the resolution`, late: false, due_at: null }
  const gap = Date.parse(due) - (published_at ? Date.parse(published_at) : now.getTime())
  if (published_at) {
    return gap >= 0
      ? { text: 'Published on time', late: false, due_at: due }
      : { text: `Published ${whole(-gap, true)} late`, late: true, due_at: due }
  }
  return gap >= 0
    ? { text: `Due in ${whole(gap, false)}`, late: false, due_at: due }
    : { text: `Late by ${whole(-gap, true)}`, late: true, due_at: due }
}

export interface PostmortemPageProps {
  incident: Incident
  stored: StoredPostmortem | null
  /** What the editor starts with when nothing was typed: the stored text, or the template. */
  text: string
  /** The template was asked for (`?template=`) or nothing is stored yet. */
  fromTemplate: boolean
  clock: PostmortemClock
  canWrite: boolean
  timeZone: string
  now: Date
  /** Confirmed subscribers who follow its components: whom "Publish and notify" emails. */
  reach: number
  state: { values?: Form; errors?: FieldErrors }
}

const md = (s: string) => raw(renderMarkdown(s))

/** The rendered markdown of the live preview (console-js posts the form, shows this). */
export function previewBody(text: string): Html {
  return text.trim()
    ? html`${md(text)}`
    : html`<p class="muted">Nothing to show yet: write in the editor.</p>`
}

function stateLabel(stored: StoredPostmortem | null): Html {
  if (!stored) return html`<span class="pill s-none">Not started</span>`
  return stored.status === 'published'
    ? html`<span class="pill s-resolved">Published</span>`
    : html`<span class="pill s-monitoring">Draft</span>`
}

/** The post-mortem of one incident: its promise, the editor beside its preview, the buttons. */
export function postmortemPage(c: Context<AppEnv>, p: PostmortemPageProps): Html {
  const i = p.incident
  const s = p.stored
  // prettier-ignore
  return html`${amendsNav(i.id, 'postmortem')}
<div class="pm-head">
<p class="row">${stateLabel(s)} ${statusPill(i.status)} ${impactPill(i.impact)} <span class="clock${p.clock.late ? ' late' : ''}">${p.clock.text}</span></p>
<dl class="facts">
<div><dt>Resolved</dt><dd>${i.status === 'resolved' && i.resolved_at ? time(i.resolved_at, p.timeZone) : 'Not yet'}</dd></div>
<div><dt>Due</dt><dd>${p.clock.due_at ? time(p.clock.due_at, p.timeZone) : 'No due date'}</dd></div>
${s?.published_at ? html`<div><dt>Published</dt><dd>${time(s.published_at, p.timeZone)}</dd></div>` : ''}
${s ? html`<div><dt>Last saved</dt><dd>${time(s.updated_at, p.timeZone)} <span class="muted">(${ago(s.updated_at, p.now)})</span></dd></div>` : ''}
${s?.status === 'published' ? html`<div><dt>Status page</dt><dd><a href="${i.shortlink}">Read it on the incident’s public page</a></dd></div>` : ''}
</dl>
</div>
${p.canWrite ? editor(c, p) : readOnly(p)}`
}

function readOnly(p: PostmortemPageProps): Html {
  if (!p.stored) return html`<p>Nobody has started this post-mortem yet.</p>`
  // prettier-ignore
  return html`<section class="card pm-doc" aria-labelledby="pm-doc-h">
<h2 id="pm-doc-h">${p.stored.status === 'published' ? 'As published' : 'The draft'}</h2>
<div class="md">${md(p.stored.body)}</div>
</section>`
}

function editor(c: Context<AppEnv>, p: PostmortemPageProps): Html {
  const i = p.incident
  const s = p.stored
  const values = p.state.values
  const text = values ? one(values, 'body') : p.text
  const action = `/admin/incidents/${i.id}/postmortem`
  const published = s?.status === 'published'
  const canPublish = !published && i.status === 'resolved'
  const subscribers = `${p.reach} subscriber${p.reach === 1 ? '' : 's'}`
  // prettier-ignore
  return html`${formAlert(p.state.errors, ['body'])}
${p.fromTemplate && !values ? html`<p class="small muted">${s ? 'The template replaces the text in the editor; nothing is saved until you save.' : 'Started from the template: the timeline comes from this incident’s updates.'}</p>` : ''}
<form method="post" action="${action}" class="pm-form" data-preview="${action}/preview" data-preview-into="pm-preview-body">
${writeFields(c)}
<div class="pm-split">
<div class="pm-editor">
${textarea({ name: 'body', label: 'Post-mortem (markdown)', value: text, errors: p.state.errors, rows: 26, hint: 'Five sections: summary, impact, timeline, root cause, what we are changing. Facts, not blame.' })}
<div class="actions">
<button type="submit" class="secondary" name="_action" value="preview" formaction="${action}#pm-preview">Preview</button>
<button type="submit"${canPublish ? html` class="secondary"` : ''} name="_action" value="save">${published ? 'Save changes' : 'Save draft'}</button>
</div>
${canPublish ? html`<div class="actions publish">
<button type="submit" class="secondary" name="_action" value="publish">Publish</button>
<button type="submit" name="_action" value="publish_notify">Publish and notify</button>
</div>` : ''}
<p class="hint">${published
    ? 'Saving changes updates the status page and the feeds; nobody is emailed again.'
    : canPublish
      ? `Publish puts it on the status page and in the feeds. Publish and notify also emails it to the ${subscribers} who follow its components.`
      : 'You can publish once the incident is resolved; save a draft meanwhile.'}</p>
<p class="small">Start again from the template: <a href="${action}?template=en">English</a> · <a href="${action}?template=zh-CN">Chinese (simplified)</a></p>
</div>
<section class="pm-preview" id="pm-preview" aria-labelledby="pm-preview-h">
<h2 id="pm-preview-h">Preview</h2>
<p class="small muted">As the status page will show it.</p>
<div id="pm-preview-body" class="md">${previewBody(text)}</div>
</section>
</div>
</form>`
}
