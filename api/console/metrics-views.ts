import { html } from 'hono/html'
import { formatDuration } from '../../core/format.ts'
import type {
  FirstMessage,
  PostmortemClock,
  ReportResponse,
  UpdateGap,
} from '../../core/communication-slo.ts'
import type {
  CommunicationMetrics,
  DraftMetrics,
  IncidentMetrics,
  ReportMetrics,
  WindowDays,
  WindowMetrics,
} from '../services/metrics.ts'
import { chartWithTable, type Bar } from './charts.ts'
import { impactPill, time } from './labels.ts'
import type { Html } from './layout.ts'

export type Targets = CommunicationMetrics['targets']

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h"; "—" for nothing measured. */
export const dur = (s: number | null) =>
  s === null ? '—' : s < 60 ? `${Math.round(s)} s` : formatDuration(s * 1000)

/** "3 of 4 (75%)", or "none yet" when nothing could be counted: never a 100% of nothing. */
const share = (hit: number, of: number) =>
  of === 0 ? 'none to count' : `${hit} of ${of} (${Math.round((hit / of) * 100)}%)`

const verdict = (late: boolean | null, ok: string, bad: string) =>
  late === null ? '' : late ? html` <strong class="late">${bad}</strong>` : html` · ${ok}`

/** The first public message of one incident, in words (the table's cell). */
export function firstMessageText(f: FirstMessage): Html {
  switch (f.state) {
    case 'measured':
      return html`${dur(f.seconds)}${verdict(f.met === false, 'on time', 'late')}`
    case 'opened_at_impact_start':
      return html`<span class="muted">opened at impact start — not measured</span>`
    case 'ahead_of_impact':
      return html`0 · posted before the impact started`
    case 'waiting': {
      const late = f.met === false ? html` <strong class="late">late</strong>` : ''
      return html`none yet, ${dur(f.seconds)} since impact${late}`
    }
    case 'never':
      return html`<strong class="late">no public message</strong>`
  }
}

/** A silence between updates: its length and whether it kept the promise. */
export function gapText(g: UpdateGap): Html {
  const running = g.to === null ? ' so far' : ''
  return html`${dur(g.seconds)}${running}${verdict(g.late, g.to === null ? 'in time' : 'kept', 'promise broken')}`
}

/** Where a post-mortem stands: on time, late, due in…, with the delay. */
export function postmortemText(p: PostmortemClock, now: string): Html {
  const left = p.due_at ? Date.parse(p.due_at) - Date.parse(now) : 0
  const after = `published after ${dur(p.seconds)}`
  const late = (text: string) => html`<strong class="late">${text}</strong>`
  const muted = (text: string) => html`<span class="muted">${text}</span>`
  switch (p.state) {
    case 'not_required':
      return muted(p.published_at ? `not required (${after})` : 'not required')
    case 'awaiting_resolution':
      return muted('due after resolution')
    case 'due':
      return html`due in ${formatDuration(left)} ${muted(`(${dur(p.seconds)} since resolution)`)}`
    case 'late':
      return html`${late(`late by ${formatDuration(-left)}`)} ${muted('(unpublished)')}`
    case 'on_time':
      return html`${after} · on time`
    case 'published_late': {
      const over = Date.parse(p.published_at!) - Date.parse(p.due_at!)
      return html`${after}, ${late(`${formatDuration(over)} late`)}`
    }
  }
}

/** A report's first reply, or how long it has been waiting. */
export function reportText(r: ReportResponse): Html {
  switch (r.state) {
    case 'within_2h':
      return html`${dur(r.seconds)} · within 2 h`
    case 'within_24h':
      return html`${dur(r.seconds)} · <strong class="late">after 2 h</strong>, within 24 h`
    case 'after_24h':
      return html`${dur(r.seconds)} <strong class="late">after 24 h</strong>`
    case 'open':
      return html`waiting ${dur(r.seconds)} · open`
    case 'late':
      return html`waiting ${dur(r.seconds)} <strong class="late">late</strong>`
    case 'overdue':
      return html`waiting ${dur(r.seconds)} <strong class="late">overdue</strong>`
    case 'closed_unanswered':
      return html`<span class="muted">closed without a reply</span>`
  }
}

const incidentLink = (r: IncidentMetrics) =>
  html`<a href="/admin/metrics/incidents/${r.id}">${r.name}</a>`

const reportAbout = (r: ReportMetrics) =>
  r.incident_id
    ? html`<a href="/admin/metrics/incidents/${r.incident_id}">${r.incident_name ?? 'incident'}</a>`
    : html`<span class="muted">no incident</span>`

const sourceLabel = (s: string) => (s === 'follow_up' ? 'follow-up answer' : 'report form')

/** The response-time chart and table, for the overview and for one incident. */
export function reportsSection(
  id: string,
  reports: readonly ReportMetrics[],
  p: { timeZone: string; empty: string; about: boolean },
): Html {
  const ordered = [...reports].reverse()
  const bars: Bar[] = ordered.flatMap((r, i) =>
    r.response.seconds === null
      ? []
      : [
          {
            label: String(i + 1),
            seconds: r.response.seconds,
            late: !['within_2h', 'open'].includes(r.response.state),
            open: ['open', 'late', 'overdue'].includes(r.response.state),
          },
        ],
  )
  // The 24 h line only when a bar comes near it: otherwise it flattens every bar to nothing.
  const nearLimit = bars.some((b) => b.seconds > 12 * 3600)
  // prettier-ignore
  const table = html`<table class="stack">
<caption>First reply to each report, oldest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">Received</th>${p.about ? html`<th scope="col">About</th>` : ''}<th scope="col">From</th><th scope="col">First reply</th></tr></thead>
<tbody>${ordered.map((r, i) => html`<tr><td class="idx">${i + 1}</td><td data-label="Received">${time(r.created_at, p.timeZone)}</td>${p.about ? html`<td data-label="About">${reportAbout(r)}</td>` : ''}<td data-label="From">${sourceLabel(r.source)}</td><td data-label="First reply">${reportText(r.response)}</td></tr>`)}</tbody>
</table>`
  return chartWithTable(
    {
      id,
      title: 'Time to the first reply to each report',
      summary: `${bars.length} reports; ${bars.filter((b) => b.seconds <= 2 * 3600 && !b.open).length} answered within 2 hours; ${bars.filter((b) => b.open).length} still waiting.`,
      caption:
        'One bar per report, numbered as in the table. Outlined: still waiting for a reply. Above the 2 h line an answer no longer feels like a conversation; 24 h is the limit.',
      bars,
      targets: [
        { seconds: 2 * 3600, label: 'goal 2 h' },
        ...(nearLimit ? [{ seconds: 24 * 3600, label: 'limit 24 h' }] : []),
      ],
      empty: p.empty,
    },
    reports.length ? table : html``,
  )
}

function summaryRows(w: readonly [WindowMetrics, WindowMetrics], t: Targets) {
  const rows: [string, (s: WindowMetrics) => unknown][] = [
    [
      'First signal → first public message, median',
      (s) =>
        s.signal_to_message.published
          ? `${dur(s.signal_to_message.median_s)} (${s.signal_to_message.published} published from drafts)`
          : 'none published from drafts',
    ],
    ['First signal → first public message, p90', (s) => dur(s.signal_to_message.p90_s)],
    [
      'Drafts dismissed (no public message)',
      (s) =>
        `${s.signal_to_message.dismissed}${s.signal_to_message.open ? `; ${s.signal_to_message.open} waiting` : ''}`,
    ],
    ['Incidents', (s) => s.incidents],
    [
      'First public message, median',
      (s) =>
        s.first_message.measured
          ? `${dur(s.first_message.median_s)} (${s.first_message.measured} measured)`
          : 'none measured',
    ],
    [
      `First message within ${t.first_update_minutes} min`,
      (s) => share(s.first_message.on_time, s.first_message.on_time + s.first_message.late),
    ],
    ['Opened at impact start (not measured)', (s) => s.first_message.not_measured],
    [
      `Gaps within the promised ${t.update_gap_minutes} min`,
      (s) => share(s.cadence.kept, s.cadence.kept + s.cadence.broken),
    ],
    [
      'Broken update promises',
      (s) =>
        s.cadence.broken
          ? `${s.cadence.broken} in ${s.cadence.incidents_with_broken_promises} incident${s.cadence.incidents_with_broken_promises === 1 ? '' : 's'}`
          : '0',
    ],
    ['Longest silence', (s) => dur(s.cadence.longest_gap_s)],
    [
      `Post-mortems within ${t.postmortem_days} days`,
      (s) =>
        `${share(s.postmortems.on_time, s.postmortems.on_time + s.postmortems.published_late + s.postmortems.late)}${s.postmortems.due ? `; ${s.postmortems.due} due` : ''}`,
    ],
    [
      'Reports answered within 2 h',
      (s) => share(s.reports.within_2h, s.reports.answered + s.reports.late + s.reports.overdue),
    ],
    [
      'Reports answered within 24 h',
      (s) =>
        share(s.reports.within_2h + s.reports.within_24h, s.reports.answered + s.reports.overdue),
    ],
    [
      'Reports waiting',
      (s) => `${s.reports.open} open, ${s.reports.late} late, ${s.reports.overdue} overdue`,
    ],
    ['First reply, median', (s) => dur(s.reports.median_first_response_s)],
    ['Time to resolve, median', (s) => dur(s.median_time_to_resolve_s)],
    [
      'Apologies (major and critical)',
      (s) => `${s.apologies_given} given, ${s.resolved_without_apology} missing`,
    ],
    [
      'Follow-up answers',
      (s) => `${s.follow_up.all_good} all good, ${s.follow_up.still_affected} still affected`,
    ],
  ]
  // prettier-ignore
  return rows.map(([label, f]) => html`<tr><th scope="row">${label}</th><td>${f(w[0])}</td><td>${f(w[1])}</td></tr>`)
}

function firstMessageSection(rows: readonly IncidentMetrics[], t: Targets, p: PageProps): Html {
  const bars: Bar[] = rows.flatMap((r, i) => {
    const f = r.first_message
    if (f.seconds === null) return []
    return [
      {
        label: String(i + 1),
        seconds: f.seconds,
        late: f.met === false,
        open: f.state === 'waiting',
      },
    ]
  })
  const notMeasured = rows.filter((r) => r.first_message.state === 'opened_at_impact_start').length
  // prettier-ignore
  const table = html`<table class="stack">
<caption>Time from the start of impact to the first public message, oldest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">Incident</th><th scope="col">Impact started</th><th scope="col">Time to first message</th></tr></thead>
<tbody>${rows.map((r, i) => html`<tr><td class="idx">${i + 1}</td><td data-label="Incident">${incidentLink(r)} ${impactPill(r.impact)}</td><td data-label="Impact started">${time(r.started_at, p.timeZone)}</td><td data-label="Time to first message">${firstMessageText(r.first_message)}</td></tr>`)}</tbody>
</table>`
  return chartWithTable(
    {
      id: 'first',
      title: 'Time from the start of impact to the first public message',
      summary: `${bars.length} incidents measured, ${bars.filter((b) => b.late).length} over the ${t.first_update_minutes}-minute target; ${notMeasured} opened at impact start, not measured.`,
      caption: `One bar per measured incident, numbered as in the table; the dashed line is the ${t.first_update_minutes}-minute target.${notMeasured ? ` ${notMeasured} opened at impact start ${notMeasured === 1 ? 'is' : 'are'} not charted: nothing to measure.` : ''}`,
      bars,
      targets: [
        { seconds: t.first_update_minutes * 60, label: `target ${t.first_update_minutes} min` },
      ],
      empty: rows.length
        ? `None measurable: ${rows.length === 1 ? 'the incident was' : `all ${rows.length} incidents were`} opened at the start of impact (no backdated start), so there is no delay to show.`
        : `No incidents in the ${p.window}.`,
    },
    rows.length ? table : html``,
  )
}

function gapsSection(rows: readonly IncidentMetrics[], t: Targets, p: PageProps): Html {
  const bars: Bar[] = rows.flatMap((r, i) => {
    const longest = [...r.gaps].sort((a, b) => b.seconds - a.seconds)[0]
    return longest
      ? [
          {
            label: String(i + 1),
            seconds: longest.seconds,
            late: r.broken_promises > 0,
            open: longest.to === null,
          },
        ]
      : []
  })
  // prettier-ignore
  const table = html`<table class="stack">
<caption>Silences between public updates against the promised ${t.update_gap_minutes} min, oldest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">Incident</th><th scope="col">Gaps</th><th scope="col">Longest silence</th><th scope="col">Broken promises</th></tr></thead>
<tbody>${rows.map((r, i) => {
    const longest = [...r.gaps].sort((a, b) => b.seconds - a.seconds)[0]
    return html`<tr><td class="idx">${i + 1}</td><td data-label="Incident">${incidentLink(r)}</td><td data-label="Gaps">${r.gaps.length ? `${r.gaps.length} gap${r.gaps.length === 1 ? '' : 's'}` : 'none (one update)'}</td><td data-label="Longest silence">${longest ? gapText(longest) : '—'}</td><td data-label="Broken promises">${r.broken_promises ? html`<strong class="late">${r.broken_promises} of ${r.gaps.length}</strong>` : r.gaps.length ? '0' : '—'}</td></tr>`
  })}</tbody>
</table>`
  return chartWithTable(
    {
      id: 'gaps',
      title: 'Longest silence between public updates, per incident',
      summary: `${bars.length} incidents with more than one update; ${bars.filter((b) => b.late).length} broke the ${t.update_gap_minutes}-minute promise at least once.`,
      caption: `One bar per incident: its longest silence; every gap is on the incident’s own page. Outlined: still silent now. The dashed line is the promised ${t.update_gap_minutes} min.`,
      bars,
      targets: [
        { seconds: t.update_gap_minutes * 60, label: `promise ${t.update_gap_minutes} min` },
      ],
      empty: rows.length
        ? 'None measurable: no incident had a second update yet.'
        : `No incidents in the ${p.window}.`,
    },
    rows.length ? table : html``,
  )
}

function postmortemSection(rows: readonly IncidentMetrics[], t: Targets, p: PageProps): Html {
  const due = rows.filter((r) => r.postmortem.required)
  const bars: Bar[] = due.flatMap((r, i) =>
    r.postmortem.seconds === null
      ? []
      : [
          {
            label: String(i + 1),
            seconds: r.postmortem.seconds,
            late: r.postmortem.state === 'late' || r.postmortem.state === 'published_late',
            open: !r.postmortem.published_at,
          },
        ],
  )
  // prettier-ignore
  const table = html`<table class="stack">
<caption>Post-mortems of major and critical incidents, oldest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">Incident</th><th scope="col">Resolved</th><th scope="col">Post-mortem</th></tr></thead>
<tbody>${due.map((r, i) => html`<tr><td class="idx">${i + 1}</td><td data-label="Incident">${incidentLink(r)} ${impactPill(r.impact)}</td><td data-label="Resolved">${r.resolved_at ? time(r.resolved_at, p.timeZone) : 'not yet'}</td><td data-label="Post-mortem">${postmortemText(r.postmortem, p.now)}</td></tr>`)}</tbody>
</table>`
  return chartWithTable(
    {
      id: 'postmortems',
      title: 'Time from resolution to the published post-mortem',
      summary: `${bars.length} post-mortems owed; ${bars.filter((b) => b.late).length} late; ${bars.filter((b) => b.open).length} not published yet.`,
      caption: `One bar per major or critical incident, numbered as in the table. Outlined: not published yet (the delay so far). The dashed line is the ${t.postmortem_days}-day promise.`,
      bars,
      targets: [
        { seconds: t.postmortem_days * 86_400, label: `promise ${t.postmortem_days} days` },
      ],
      empty: due.length
        ? 'None measurable yet: the major and critical incidents are not resolved.'
        : `No major or critical incidents in the ${p.window}: no post-mortem owed.`,
    },
    due.length ? table : html``,
  )
}

const draftOutcome = (d: DraftMetrics, timeZone: string): Html =>
  d.state === 'published'
    ? html`${dur(d.seconds)} ·
      ${d.incident_id ? html`<a href="/admin/metrics/incidents/${d.incident_id}">published</a>` : 'published'}`
    : d.state === 'dismissed'
      ? html`<span class="muted"
          >dismissed
          ${d.dismissed_at ? time(d.dismissed_at, timeZone) : ''}${d.dismissed_reason ? `: ${d.dismissed_reason}` : ''}</span
        >`
      : html`<strong class="late">waiting for a decision</strong>`

/** The headline: first signal to first public message, one bar per published draft. */
function signalSection(drafts: readonly DraftMetrics[], t: Targets, p: PageProps): Html {
  const target = t.first_update_minutes * 60
  const bars: Bar[] = drafts.flatMap((d, i) =>
    d.seconds === null
      ? []
      : [{ label: String(i + 1), seconds: d.seconds, late: d.seconds > target, open: false }],
  )
  // prettier-ignore
  const table = html`<table class="stack">
<caption>Drafts opened by alerts, checks and report spikes, oldest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">First signal</th><th scope="col">From</th><th scope="col">To the first public message</th></tr></thead>
<tbody>${drafts.map((d, i) => html`<tr><td class="idx">${i + 1}</td><td data-label="First signal">${time(d.first_signal_at, p.timeZone)}</td><td data-label="From">${d.origin}</td><td data-label="To the first public message">${draftOutcome(d, p.timeZone)}</td></tr>`)}</tbody>
</table>`
  return chartWithTable(
    {
      id: 'signals',
      title: 'Time from the first signal to the first public message',
      summary: `${bars.length} drafts published, ${drafts.filter((d) => d.state === 'dismissed').length} dismissed, ${drafts.filter((d) => d.state === 'open').length} waiting.`,
      caption:
        'One bar per published draft, numbered as in the table: how long customers waited after monitoring (or their own reports) first said something was wrong. Dismissed drafts have no bar. The dashed line is the first-message target.',
      bars,
      targets: [{ seconds: target, label: `first message ${t.first_update_minutes} min` }],
      empty: drafts.length
        ? 'No draft was published yet: nothing to measure.'
        : `No drafts in the ${p.window}.`,
    },
    drafts.length ? table : html``,
  )
}

interface PageProps {
  timeZone: string
  /** "last 30 days" */
  window: string
  now: string
}

/** The overview: both windows side by side, then each promise charted over the chosen window. */
export function metricsBody(
  m: CommunicationMetrics,
  days: WindowDays,
  list: {
    incidents: readonly IncidentMetrics[]
    reports: readonly ReportMetrics[]
    drafts: readonly DraftMetrics[]
  },
  timeZone: string,
): Html {
  const t = m.targets
  const p: PageProps = { timeZone, window: `last ${days} days`, now: m.generated_at }
  // Charts and tables read left to right, oldest to newest.
  const incidents = [...list.incidents].reverse()
  const tab = (d: WindowDays) =>
    // prettier-ignore
    html`<li><a href="/admin/metrics${d === 90 ? '' : `?days=${d}`}"${d === days ? html` aria-current="page"` : ''}>Last ${d} days</a></li>`
  // prettier-ignore
  return html`<p class="muted">The promises: a first public message within ${t.first_update_minutes} min of the start of impact, then an update at least every ${t.update_gap_minutes} min until resolved; a post-mortem within ${t.postmortem_days} days of resolving a major or critical incident; a first reply to every report within 2 h, 24 h at most. Figures as of ${time(m.generated_at, timeZone)}.</p>
<table class="summary">
<caption>How the promises were kept over the last 30 and 90 days</caption>
<thead><tr><th scope="col">Promise</th><th scope="col">30 days</th><th scope="col">90 days</th></tr></thead>
<tbody>${summaryRows([m.rolling['30d'], m.rolling['90d']], t)}</tbody>
</table>
<p class="small muted">An incident opened without a backdated start of impact has a first message at 0 min by construction: it is shown as “opened at impact start” and left out of the first-message figures. Set the start of impact when you open an incident late.</p>
<nav aria-label="Window of the charts" class="tabs"><ul>${tab(30)}${tab(90)}</ul></nav>
<h2>First signal to first public message</h2>
${signalSection([...list.drafts].reverse(), t, p)}
<h2>First public message</h2>
${firstMessageSection(incidents, t, p)}
<h2>Gaps between updates</h2>
${gapsSection(incidents, t, p)}
<h2>Post-mortems</h2>
${postmortemSection(incidents, t, p)}
<h2>Customer reports</h2>
${reportsSection('reports', list.reports, { timeZone, about: true, empty: `No reports received in the ${p.window}.` })}`
}
