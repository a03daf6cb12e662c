import type { ComponentStatus } from './schemas/component.ts'

/** Joins names as "A", "A and B", "A, B and C". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * The plain sentence customers need in an outage: what is affected and what still works
 * ("Only Payments API is affected; Dashboard, Webhooks and Login are working normally.").
 * `all` is every component; `affected` those the incident holds in a non-operational status.
 */
export function affectedSentence(
  all: readonly { id: string; name: string; status: ComponentStatus }[],
  affected: readonly { id: string; status: ComponentStatus }[],
): string | null {
  const hit = new Set(affected.filter((a) => a.status !== 'operational').map((a) => a.id))
  if (hit.size === 0) return null
  const down = all.filter((c) => hit.has(c.id)).map((c) => c.name)
  const working = all.filter((c) => !hit.has(c.id) && c.status === 'operational').map((c) => c.name)
  const verb = down.length === 1 ? 'is' : 'are'
  const lead = working.length
    ? `Only ${listNames(down)} ${verb} affected`
    : `${listNames(down)} ${verb} affected`
  if (working.length === 0) return `${lead}.`
  const tail = working.length === 1 ? 'is working normally' : 'are working normally'
  return `${lead}; ${listNames(working)} ${tail}.`
}
