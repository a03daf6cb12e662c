// What an incident's page says and in which order, decided once from the view: the timeline's
// rules (no no-op changes, a workaround said where it changed) and the order of the sections
// (an open incident leads with the workaround, a resolved one with the resolution).
import type { AffectedComponent } from './schemas/incident.ts'
import type { IncidentView, UpdateView } from './site-data.ts'

/** THE rule for a status change in a timeline: it is shown only when it changed something. */
export function realChanges(list: readonly AffectedComponent[] | null): AffectedComponent[] | null {
  const changed = (list ?? []).filter((a) => a.old_status !== a.new_status)
  return changed.length ? changed : null
}

/**
 * Updates (newest first) with each workaround kept only where it was given or changed: every
 * update records the workaround in force, so without this it would repeat under each of them.
 */
export function workaroundWhereChanged<T extends { workaround_html: string | null }>(
  updates: readonly T[],
): T[] {
  return updates.map((u, n) => {
    const before = updates[n + 1]?.workaround_html ?? null
    return u.workaround_html === before ? { ...u, workaround_html: null } : u
  })
}

/**
 * The components an incident page lists as affected: those it holds out of operational, and those
 * an update took out of it (recovered before the resolution). One it only ever named at
 * 'operational' was never affected, so the page does not list it ("Search: Operational").
 */
export function affectedComponents(i: IncidentView): IncidentView['components'] {
  if (i.kind !== 'incident') return i.components
  const hit = new Set(
    i.updates.flatMap((u) =>
      (realChanges(u.affected_components) ?? [])
        .filter((a) => a.new_status !== 'operational')
        .map((a) => a.code),
    ),
  )
  return i.components.filter((c) => c.status !== 'operational' || hit.has(c.id))
}

/** The sections of an incident's page, in the order the page shows them. */
export type IncidentSection =
  | 'resolution'
  | 'apology'
  | 'credit'
  | 'postmortem-link'
  | 'facts'
  | 'affected-sentence'
  | 'workaround'
  | 'components'
  | 'timeline'
  | 'postmortem'
  | 'report'

/**
 * Open: what is affected and the workaround up front. Resolved: the resolution, the apology, the
 * credit and a link to the post-mortem first; the workaround only in the timeline. The
 * post-mortem itself follows the timeline (it tells the story the timeline dates); the report
 * form is always last.
 */
export function incidentSections(i: IncidentView): IncidentSection[] {
  const resolved = i.resolved_at !== null
  const s: IncidentSection[] = []
  if (resolved) {
    s.push('resolution')
    if (i.apology_html) s.push('apology')
    if (i.compensation.length) s.push('credit')
    if (i.postmortem_html) s.push('postmortem-link')
    s.push('facts')
  } else {
    s.push('facts')
    if (i.affected_sentence) s.push('affected-sentence')
    if (i.workaround_html) s.push('workaround')
    // An apology can come before the end (PATCH apology): it follows what customers can do.
    if (i.apology_html) s.push('apology')
    if (i.compensation.length) s.push('credit')
  }
  if (affectedComponents(i).length) s.push('components')
  s.push('timeline')
  if (i.postmortem_html) s.push('postmortem')
  s.push('report')
  return s
}

/** The update that resolved the incident (its newest, once resolved), which the page leads with. */
export function resolutionOf(i: IncidentView): UpdateView | null {
  const latest = i.updates[0]
  return i.resolved_at !== null && latest?.status === 'resolved' ? latest : null
}
