import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

const EMBED = join(import.meta.dirname, '../../site/public/embed.js')

describe('embed.js', () => {
  it('is at most 3 KB gzipped and asks nothing of any other site', () => {
    const js = readFileSync(EMBED)
    expect(gzipSync(js, { level: 9 }).length).toBeLessThanOrEqual(3 * 1024)
    // Its only request is the page's own summary, resolved against the script's own URL.
    const text = js.toString('utf8')
    expect(text.match(/https?:\/\/[^\s'"`)]+/g) ?? []).toEqual([
      'https://status.example.com/embed.js',
    ])
    expect(text).toContain("new URL('/api/v2/summary.json', script.src)")
    // Text only: nothing from the JSON becomes markup.
    expect(text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/)
  })
})
