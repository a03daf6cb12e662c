import type { ComponentStatus } from './schemas/component.ts'

/** The words of the sentence, per language (the catalog's `site.incident.affected`). */
export interface AffectedWords {
  /** "A", "A and B", "A, B and C". */
  list(names: readonly string[]): string
  /**
   * The sentence from its two lists, already joined: `down` are affected (`downCount` of them),
   * `working` still work (`workingCount`, 0 when there is nothing to say about the others).
   */
  sentence(p: { down: string; downCount: number; working: string; workingCount: number }): string
}

/** Joins names as "A", "A and B", "A, B and C". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

export const ENGLISH_AFFECTED: AffectedWords = {
  list: listNames,
  sentence({ down, downCount, working, workingCount }) {
    const verb = downCount === 1 ? 'is' : 'are'
    if (workingCount === 0) return `${down} ${verb} affected.`
    const tail = workingCount === 1 ? 'is working normally' : 'are working normally'
    return `Only ${down} ${verb} affected; ${working} ${tail}.`
  },
}

/**
 * The plain sentence customers need in an outage: what is affected and what still works
 * ("Only Payments API is affected; Dashboard, Webhooks and Login are working normally.").
 * `all` is every component; `affected` those the incident holds in a non-operational status.
 * Which names go where is decided here, once; `words` only say it in a language.
 */
export function affectedSentence(
  all: readonly { id: string; name: string; status: ComponentStatus }[],
  affected: readonly { id: string; status: ComponentStatus }[],
  words: AffectedWords = ENGLISH_AFFECTED,
): string | null {
  const hit = new Set(affected.filter((a) => a.status !== 'operational').map((a) => a.id))
  if (hit.size === 0) return null
  const down = all.filter((c) => hit.has(c.id)).map((c) => c.name)
  const working = all.filter((c) => !hit.has(c.id) && c.status === 'operational').map((c) => c.name)
  return words.sentence({
    down: words.list(down),
    downCount: down.length,
    working: words.list(working),
    workingCount: working.length,
  })
}
