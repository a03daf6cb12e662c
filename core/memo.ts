/**
 * A pure function of a string, remembered: the latest `max` results are kept, the oldest dropped
 * first. For work that is asked again and again with the same input at every publish (a day's
 * start in a zone, a date's words, a body's HTML), where computing it is what costs.
 */
export function memoized<R>(max: number, fn: (key: string) => R): (key: string) => R {
  const kept = new Map<string, R>()
  return (key) => {
    if (kept.has(key)) return kept.get(key)!
    const value = fn(key)
    if (kept.size >= max) kept.delete(kept.keys().next().value!)
    kept.set(key, value)
    return value
  }
}
