// The incident page's rules, decided once from the view: which status changes a timeline shows,
// where a workaround is said, and in which order a page tells an open and a resolved incident.
import { describe, expect, it } from 'vitest'
import {
  affectedComponents,
  incidentSections,
  realChanges,
  resolutionOf,
  workaroundWhereChanged,
} from '../../core/incident-page.ts'
import { ComponentStatus } from '../../core/schemas/component.ts'
import type { AffectedComponent } from '../../core/schemas/incident.ts'
import type { IncidentView, UpdateView } from '../../core/site-data.ts'

const STATUSES = ComponentStatus.options
const change = (old_status: ComponentStatus, new_status: ComponentStatus): AffectedComponent => ({
  code: `c-${old_status}-${new_status}`,
  name: 'Search',
  old_status,
  new_status,
})

function update(id: string, status: string, workaround: string | null): UpdateView {
  return {
    id,
    status,
    created_at: '2026-03-10T10:00:00.000Z',
    body_html: `<p>${id}</p>`,
    workaround_html: workaround,
    affected_components: null,
    text_lang: { body: null, workaround: null },
  }
}

function incident(o: Partial<IncidentView>): IncidentView {
  return {
    id: 'i1',
    kind: 'incident',
    name: 'Card charges failing',
    status: 'investigating',
    impact: 'major',
    path: '/incidents/i1/',
    untranslated: false,
    text_lang: { name: null, workaround: null, apology: null, postmortem: null },
    started_at: '2026-03-10T10:00:00.000Z',
    resolved_at: null,
    scheduled_for: null,
    scheduled_until: null,
    cancelled_at: null,
    updated_at: '2026-03-10T10:00:00.000Z',
    workaround_html: null,
    components: [],
    affected_sentence: null,
    updates: [],
    apology_html: null,
    compensation: [],
    postmortem_html: null,
    postmortem_published_at: null,
    ...o,
  }
}

describe('status changes in a timeline', () => {
  it('keeps every change that changed something and no no-op (every pair of statuses)', () => {
    const pairs = STATUSES.flatMap((a) => STATUSES.map((b) => change(a, b)))
    expect(pairs).toHaveLength(25)
    const kept = realChanges(pairs)!
    expect(kept).toHaveLength(20)
    for (const c of kept) expect(c.old_status).not.toBe(c.new_status)
    // Each no-op alone leaves nothing to show, not an empty list.
    for (const s of STATUSES) expect(realChanges([change(s, s)])).toBeNull()
    expect(realChanges(null)).toBeNull()
    expect(realChanges([])).toBeNull()
    // Order is kept: the update lists its changes as posted.
    const mixed = [change('operational', 'major_outage'), change('operational', 'operational')]
    expect(realChanges([...mixed, change('major_outage', 'operational')])).toEqual([
      mixed[0],
      change('major_outage', 'operational'),
    ])
  })
})

describe('the components a page lists as affected', () => {
  it('never one only held at Operational; always one that recovered before the resolution', () => {
    const withChanges = (changes: AffectedComponent[]) => ({
      ...update('u', 'identified', null),
      affected_components: changes,
    })
    const comps = [
      { id: 'held', name: 'Search', status: 'operational' as const },
      { id: 'down', name: 'Payments', status: 'major_outage' as const },
      { id: 'back', name: 'Login', status: 'operational' as const },
    ]
    const i = incident({
      components: comps,
      updates: [
        withChanges([
          { ...change('operational', 'operational'), code: 'held' },
          { ...change('partial_outage', 'operational'), code: 'back' },
        ]),
        withChanges([{ ...change('operational', 'partial_outage'), code: 'back' }]),
      ],
    })
    expect(affectedComponents(i).map((c) => c.id)).toEqual(['down', 'back'])
    // Every status a component may be held at: only 'operational' without a change is left out.
    for (const s of STATUSES) {
      const one = incident({ components: [{ id: 'x', name: 'X', status: s }] })
      expect(affectedComponents(one).length, s).toBe(s === 'operational' ? 0 : 1)
    }
    // A maintenance window lists what it names.
    const m = incident({ kind: 'maintenance', components: comps })
    expect(affectedComponents(m)).toHaveLength(3)
  })
})

describe('a workaround, said where it changed', () => {
  const W1 = '<p>Retry after a minute.</p>'
  const W2 = '<p>Pay by bank transfer.</p>'
  // Oldest last: each case is the workaround every update recorded, newest first.
  const cases: [string, (string | null)[], (string | null)[]][] = [
    ['the same under every update', [W1, W1, W1, W1], [null, null, null, W1]],
    ['given by the second update', [W1, W1, W1, null], [null, null, W1, null]],
    ['changed once', [W2, W2, W1, W1], [null, W2, null, W1]],
    ['withdrawn, then given again', [W1, null, W1], [W1, null, W1]],
    ['never', [null, null], [null, null]],
    ['on the only update', [W1], [W1]],
    ['changed back and forth', [W1, W2, W1], [W1, W2, W1]],
  ]
  it.each(cases)('%s', (_, given, shown) => {
    const updates = given.map((w, n) => update(`u${n}`, 'identified', w))
    const out = workaroundWhereChanged(updates)
    expect(out.map((u) => u.workaround_html)).toEqual(shown)
    // Nothing else of an update changes.
    expect(out.map((u) => u.body_html)).toEqual(updates.map((u) => u.body_html))
    // Said at most once per stretch it stayed the same.
    const said = out.filter((u) => u.workaround_html !== null).length
    const stretches = given.filter((w, n) => w !== null && w !== (given[n + 1] ?? null)).length
    expect(said).toBe(stretches)
  })
})

describe('the order of an incident page', () => {
  const resolvedBase = {
    status: 'resolved',
    resolved_at: '2026-03-10T11:00:00.000Z',
    workaround_html: '<p>Retry.</p>',
    updates: [update('r', 'resolved', null), update('a', 'investigating', '<p>Retry.</p>')],
  }

  it('resolved: resolution, apology, credit, post-mortem link first; no workaround box; report last', () => {
    const i = incident({
      ...resolvedBase,
      apology_html: '<p>Sorry.</p>',
      compensation: ['Payments API was unavailable for 1 h; you receive a 10% credit.'],
      postmortem_html: '<p>What happened.</p>',
      components: [{ id: 'c', name: 'Payments API', status: 'major_outage' }],
    })
    expect(incidentSections(i)).toEqual([
      'resolution',
      'apology',
      'credit',
      'postmortem-link',
      'facts',
      'components',
      'timeline',
      'postmortem',
      'report',
    ])
    expect(resolutionOf(i)?.id).toBe('r')
  })

  it('resolved variants: what is missing is left out, the order of the rest holds', () => {
    const parts = ['apology', 'credit', 'postmortem'] as const
    let variants = 0
    for (let mask = 0; mask < 8; mask++) {
      const has = (p: (typeof parts)[number]) => (mask & (1 << parts.indexOf(p))) !== 0
      const s = incidentSections(
        incident({
          ...resolvedBase,
          apology_html: has('apology') ? '<p>Sorry.</p>' : null,
          compensation: has('credit') ? ['A credit.'] : [],
          postmortem_html: has('postmortem') ? '<p>Story.</p>' : null,
        }),
      )
      variants++
      expect(s[0]).toBe('resolution')
      expect(s.at(-1)).toBe('report')
      expect(s).not.toContain('workaround')
      expect(s).not.toContain('affected-sentence')
      expect(s.includes('postmortem-link')).toBe(has('postmortem'))
      const order = s.filter((x) => x !== 'facts' && x !== 'components')
      const expected = [
        'resolution',
        ...(has('apology') ? ['apology'] : []),
        ...(has('credit') ? ['credit'] : []),
        ...(has('postmortem') ? ['postmortem-link'] : []),
        'timeline',
        ...(has('postmortem') ? ['postmortem'] : []),
        'report',
      ]
      expect(order).toEqual(expected)
    }
    expect(variants).toBe(8)
  })

  it('open: what is affected and the workaround up front, report last', () => {
    const i = incident({
      workaround_html: '<p>Retry.</p>',
      affected_sentence: 'Only Payments API is affected.',
      components: [{ id: 'c', name: 'Payments API', status: 'partial_outage' }],
      updates: [update('a', 'investigating', '<p>Retry.</p>')],
    })
    expect(incidentSections(i)).toEqual([
      'facts',
      'affected-sentence',
      'workaround',
      'components',
      'timeline',
      'report',
    ])
    expect(resolutionOf(i)).toBeNull()
  })
})
