import { toLocalDate } from './local-time.ts'
import { escapeMarkdown } from './playbooks.ts'

/**
 * The post-mortem's starting point (PRODUCT.md, "explain the whole story"): five sections, its
 * timeline written from the incident's real updates, every time in the page's zone and the
 * locale's words. Pure: the wording comes from a locale catalog (templates/locales).
 */

/** The sentences of the template in one language. */
export interface PostmortemWording {
  headings: {
    summary: string
    impact: string
    timeline: string
    rootCause: string
    changes: string
  }
  /** The summary's prompt; `affected` is the components' names, null when none are named. */
  summary(affected: string | null): string
  /** The impact's prompt with the span: `resolved` and `duration` are null while it is open. */
  impact(span: { started: string; resolved: string | null; duration: string | null }): string
  /** The timeline entry for the start of impact when it came before the first update. */
  began: string
  rootCause: string
  /** Bullets to replace with the real changes. */
  changes: readonly string[]
  /** A time of day with its zone ("14:05 CET"), for later entries on the same day. */
  timeOfDay(iso: string, timeZone: string): string
  /** "3 h 12 min" */
  duration(ms: number): string
}

/** What the template needs of a locale catalog (templates/locales Catalog has all of it). */
export interface PostmortemLocale {
  postmortemTemplate: PostmortemWording
  /** A date and time with its zone ("10 Mar 2026, 11:00 CET"). */
  time(iso: string, timeZone: string): string
  list(names: readonly string[]): string
  incidentStatus: Record<string, string>
  colon: string
}

export interface PostmortemFacts {
  /** Names of the incident's components, in the incident's order. */
  components: readonly string[]
  started_at: string
  resolved_at: string | null
  /** The public updates, any order. */
  updates: readonly { created_at: string; status: string; body: string }[]
}

const MIN = 60_000

/** The first line of an update that says something (updates may start with a blank line). */
function headline(body: string): string {
  return (
    body
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  )
}

/**
 * The timeline's lines: one per update, oldest first, and the start of impact when it came a
 * minute or more before the first update (a backdated start). The first entry of each local day
 * carries the date; later ones that day only the time, as people write a timeline by hand.
 */
function timeline(f: PostmortemFacts, t: PostmortemLocale, timeZone: string): string[] {
  const updates = [...f.updates].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))
  const first = updates[0]
  const entries = updates.map((u) => ({
    at: u.created_at,
    text: `${t.incidentStatus[u.status] ?? u.status}${t.colon}${headline(u.body)}`.trim(),
  }))
  if (!first || Date.parse(first.created_at) - Date.parse(f.started_at) >= MIN) {
    entries.unshift({ at: f.started_at, text: t.postmortemTemplate.began })
  }
  let day = ''
  return entries.map((e) => {
    const today = toLocalDate(e.at, timeZone)
    const when =
      today === day ? t.postmortemTemplate.timeOfDay(e.at, timeZone) : t.time(e.at, timeZone)
    day = today
    return `- **${when}** — ${e.text}`
  })
}

/** The five-section post-mortem template of an incident, in markdown. */
export function postmortemTemplate(
  f: PostmortemFacts,
  t: PostmortemLocale,
  timeZone: string,
): string {
  const w = t.postmortemTemplate
  const names = f.components.length ? t.list(f.components.map(escapeMarkdown)) : null
  const span = {
    started: t.time(f.started_at, timeZone),
    resolved: f.resolved_at ? t.time(f.resolved_at, timeZone) : null,
    duration: f.resolved_at
      ? w.duration(Math.max(0, Date.parse(f.resolved_at) - Date.parse(f.started_at)))
      : null,
  }
  return [
    `## ${w.headings.summary}`,
    '',
    w.summary(names),
    '',
    `## ${w.headings.impact}`,
    '',
    w.impact(span),
    '',
    `## ${w.headings.timeline}`,
    '',
    ...timeline(f, t, timeZone),
    '',
    `## ${w.headings.rootCause}`,
    '',
    w.rootCause,
    '',
    `## ${w.headings.changes}`,
    '',
    ...w.changes.map((c) => `- ${c}`),
  ].join('\n')
}
