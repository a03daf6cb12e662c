import { describe, expect, it } from 'vitest'
import { postmortemTemplate, type PostmortemFacts } from '../../core/postmortem-template.ts'
import { renderMarkdown } from '../../core/markdown.ts'
import { catalogFor } from '../../templates/render.ts'

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/** An evening outage in Berlin: it starts before the first update and ends after midnight there. */
const evening: PostmortemFacts = {
  components: ['Payments API', 'Checkout'],
  started_at: '2026-03-10T20:40:00.000Z',
  resolved_at: '2026-03-10T23:52:00.000Z',
  // Any order: the template sorts them.
  updates: [
    { created_at: '2026-03-10T23:52:00.000Z', status: 'resolved', body: 'Charges succeed again.' },
    {
      created_at: '2026-03-10T21:00:00.000Z',
      status: 'investigating',
      body: '\nCard charges are failing.\n\nMore detail below.',
    },
    { created_at: '2026-03-10T22:10:00.000Z', status: 'identified', body: 'A network change.' },
  ],
}

/** The bullets of the section under `heading`. */
function timelineOf(md: string, heading = '## Timeline'): string[] {
  const lines = md.split('\n')
  const from = lines.indexOf(heading) + 1
  const to = lines.findIndex((l, i) => i >= from && l.startsWith('## '))
  return lines.slice(from, to).filter((l) => l.startsWith('- '))
}

describe('post-mortem template', () => {
  it('writes the five sections, the timeline oldest first in the page zone, no raw ISO time', () => {
    const md = postmortemTemplate(evening, catalogFor('en'), 'Europe/Berlin')
    const headings = md.split('\n').filter((l) => l.startsWith('## '))
    expect(headings).toEqual([
      '## Summary',
      '## Impact',
      '## Timeline',
      '## Root cause',
      '## What we are changing',
    ])
    expect(md).not.toMatch(ISO)
    expect(md).not.toContain('UTC')
    // The start of impact came 20 min before the first update; midnight in Berlin starts a new
    // day, which gets its date again (in UTC it would all be one day).
    expect(timelineOf(md)).toEqual([
      '- **10 Mar 2026, 21:40 CET** — Impact began',
      '- **22:00 CET** — Investigating: Card charges are failing.',
      '- **23:10 CET** — Identified: A network change.',
      '- **11 Mar 2026, 00:52 CET** — Resolved: Charges succeed again.',
    ])
    expect(md).toContain('What happened to Payments API and Checkout, in two or three sentences')
    expect(md).toContain(
      'The impact began on 10 Mar 2026, 21:40 CET and ended on 11 Mar 2026, 00:52 CET (3 h 12 min).',
    )
  })

  // en-GB names American zones by their offset, as every time in the emails and pages does.
  it('says the zone in force at each time: New York across the switch to summer time', () => {
    const md = postmortemTemplate(
      {
        components: ['Login'],
        started_at: '2026-03-08T06:30:00.000Z',
        resolved_at: '2026-03-08T07:30:00.000Z',
        updates: [
          { created_at: '2026-03-08T06:30:00.000Z', status: 'investigating', body: 'SSO fails.' },
          { created_at: '2026-03-08T07:30:00.000Z', status: 'resolved', body: 'Fixed.' },
        ],
      },
      catalogFor('en'),
      'America/New_York',
    )
    expect(timelineOf(md)).toEqual([
      '- **8 Mar 2026, 01:30 GMT-5** — Investigating: SSO fails.',
      '- **03:30 GMT-4** — Resolved: Fixed.',
    ])
    expect(md).not.toMatch(ISO)
  })

  it('in Chinese: headings, sentences, status words and times in that locale', () => {
    const md = postmortemTemplate(evening, catalogFor('zh-CN'), 'Asia/Shanghai')
    expect(md.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## 概述',
      '## 影响',
      '## 时间线',
      '## 根本原因',
      '## 我们的改进措施',
    ])
    expect(timelineOf(md, '## 时间线')).toEqual([
      '- **2026年3月11日 04:40 GMT+8** — 影响开始',
      '- **05:00 GMT+8** — 正在调查：Card charges are failing.',
      '- **06:10 GMT+8** — 已查明原因：A network change.',
      '- **07:52 GMT+8** — 已解决：Charges succeed again.',
    ])
    expect(md).toContain('（共 3 小时 12 分钟）')
    expect(md).not.toMatch(ISO)
  })

  it('an open incident, no backdated start, no components: says so instead of inventing', () => {
    const md = postmortemTemplate(
      {
        components: [],
        started_at: '2026-03-10T12:00:00.000Z',
        resolved_at: null,
        updates: [{ created_at: '2026-03-10T12:00:30.000Z', status: 'investigating', body: 'x' }],
      },
      catalogFor('en'),
      'Etc/UTC',
    )
    expect(timelineOf(md)).toEqual(['- **10 Mar 2026, 12:00 UTC** — Investigating: x'])
    expect(md).toContain('What happened, in two or three sentences')
    expect(md).toContain('the incident is not resolved yet.')
  })

  it('component names are shown as written, never as markdown', () => {
    const md = postmortemTemplate(
      { ...evening, components: ['*Payments* [API](https://evil.example)', 'Check_out_'] },
      catalogFor('en'),
      'Europe/Berlin',
    )
    const html = renderMarkdown(md)
    expect(html).toContain('*Payments* [API](https://evil.example) and Check_out_')
    expect(html).not.toContain('<a ')
    expect(html).not.toContain('<em>')
  })
})
