/**
 * Rendered HTML of page parts by what they are made from (site/src/components/Reuse.astro), kept
 * by the publisher between publishes: a component's uptime bar or a month's list is rendered once
 * and reused until its inputs change. Keys are the inputs' exact JSON, never a hash, so a key can
 * only match the inputs it was rendered from. Least recently used out, by count and by size.
 */
export interface FragmentCache {
  get(key: string): string | undefined
  set(key: string, html: string): void
  clear(): void
  readonly size: number
}

export const FRAGMENT_ENTRIES = 2_000
/** Key and HTML characters together: 64 M is at most ~128 MB of strings. */
export const FRAGMENT_CHARS = 64_000_000

export function createFragmentCache(maxEntries = FRAGMENT_ENTRIES, maxChars = FRAGMENT_CHARS) {
  const entries = new Map<string, string>()
  let chars = 0
  const drop = (key: string, html: string) => {
    entries.delete(key)
    chars -= key.length + html.length
  }
  const cache: FragmentCache = {
    get(key) {
      const html = entries.get(key)
      if (html === undefined) return undefined
      // A Map iterates in insertion order: re-inserting makes this entry the newest.
      entries.delete(key)
      entries.set(key, html)
      return html
    },
    set(key, html) {
      const old = entries.get(key)
      if (old !== undefined) drop(key, old)
      // An entry larger than the whole budget is not kept at all.
      if (key.length + html.length > maxChars) return
      entries.set(key, html)
      chars += key.length + html.length
      for (const [k, v] of entries) {
        if (entries.size <= maxEntries && chars <= maxChars) break
        drop(k, v)
      }
    },
    clear() {
      entries.clear()
      chars = 0
    },
    get size() {
      return entries.size
    },
  }
  return cache
}
