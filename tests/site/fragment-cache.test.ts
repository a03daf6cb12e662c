import { describe, expect, it } from 'vitest'
import { createFragmentCache, FRAGMENT_ENTRIES } from '../../api/jobs/fragment-cache.ts'

describe('fragment cache', () => {
  it(`keeps at most ${FRAGMENT_ENTRIES} entries, the least recently used out`, () => {
    const cache = createFragmentCache()
    for (let i = 0; i < FRAGMENT_ENTRIES + 500; i++) {
      cache.set(`k${i}`, `<p>${i}</p>`)
      // The very first entry is read all along: it stays while the others pass it by.
      expect(cache.get('k0')).toBe('<p>0</p>')
    }
    expect(cache.size).toBe(FRAGMENT_ENTRIES)
    expect(cache.get('k1')).toBeUndefined()
    expect(cache.get('k500')).toBeUndefined()
    expect(cache.get('k501')).toBe('<p>501</p>')
    expect(cache.get(`k${FRAGMENT_ENTRIES + 499}`)).toBe(`<p>${FRAGMENT_ENTRIES + 499}</p>`)
  })

  it('keeps at most its budget of characters, keys included', () => {
    const cache = createFragmentCache(100, 20)
    cache.set('aaaa', '1234') // 8
    cache.set('bbbb', '1234') // 16
    expect(cache.size).toBe(2)
    cache.set('cccc', '1234') // 24: the oldest goes
    expect([cache.get('aaaa'), cache.get('bbbb'), cache.get('cccc')]).toEqual([
      undefined,
      '1234',
      '1234',
    ])
    // Replacing an entry counts its new size only.
    cache.set('bbbb', '12')
    cache.set('dd', '12')
    expect(cache.size).toBe(3)
    // An entry larger than the whole budget is not kept, and evicts nothing.
    cache.set('huge', 'x'.repeat(30))
    expect(cache.get('huge')).toBeUndefined()
    expect(cache.size).toBe(3)
    cache.clear()
    expect(cache.size).toBe(0)
    cache.set('e'.repeat(10), 'f'.repeat(10))
    expect(cache.size).toBe(1)
  })
})
