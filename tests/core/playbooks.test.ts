import { describe, expect, it } from 'vitest'
import { DomainError } from '../../core/errors.ts'
import { renderMarkdown } from '../../core/markdown.ts'
import {
  escapeMarkdown,
  fillPlaybook,
  fillPlaybookIn,
  playbookStatuses,
  playbookSummary,
  templateVars,
  withDerivedVars,
  type FillOptions,
  type Playbook,
} from '../../core/playbooks.ts'
import { IncidentCreate, IncidentStatus } from '../../core/schemas/incident.ts'
import { MaintenanceStatus, MaintenanceUpdateCreate } from '../../core/schemas/maintenance.ts'
import { Locale } from '../../core/schemas/subscription.ts'
import { getPlaybook, PLAYBOOKS } from '../../templates/playbooks/index.ts'

const playbooks = Object.values(PLAYBOOKS)
const locales = Locale.options
const han = /\p{Script=Han}/u

const examples = (p: Playbook) => Object.fromEntries(p.vars.map((v) => [v.name, v.example]))
const requiredOnly = (p: Playbook) =>
  Object.fromEntries(p.vars.filter((v) => v.required).map((v) => [v.name, v.example]))
const templates = (p: Playbook): string[] => [
  ...locales.flatMap((l) => [p.name[l], p.workaround[l], p.apology[l]]),
  ...Object.values(p.statuses).flatMap((w) => locales.map((l) => w[l])),
]

/** The error fillPlaybook throws, or a failed expectation if it does not throw one. */
function fillError(p: Playbook, options: FillOptions): DomainError {
  try {
    fillPlaybook(p, options)
  } catch (err) {
    if (err instanceof DomainError) return err
    throw err
  }
  expect.fail('expected fillPlaybook to throw')
}

describe('playbook registry', () => {
  it('holds the seven typical incident types under their own ids', () => {
    expect(Object.keys(PLAYBOOKS)).toEqual([
      'database-outage',
      'degraded-performance',
      'service-outage',
      'third-party-outage',
      'security-incident',
      'network-dns',
      'planned-maintenance',
    ])
    for (const [id, p] of Object.entries(PLAYBOOKS)) expect(p.id).toBe(id)
  })

  it('looks a playbook up by id and rejects unknown ids with a path', () => {
    expect(getPlaybook('network-dns').id).toBe('network-dns')
    for (const id of ['nope', 'constructor', '__proto__']) {
      expect(() => getPlaybook(id)).toThrow(DomainError)
    }
    const err = (() => {
      try {
        return getPlaybook('databse-outage')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(DomainError)
    expect((err as DomainError).details).toEqual([
      { path: 'template', message: expect.stringContaining('database-outage') },
    ])
  })

  it('summarises a playbook for an API listing, without its wording', () => {
    const s = playbookSummary(getPlaybook('third-party-outage'))
    expect(s).toMatchObject({
      id: 'third-party-outage',
      kind: 'incident',
      impact: 'minor',
      title: { en: 'Third-party provider outage', 'zh-CN': '第三方服务商故障' },
      statuses: ['investigating', 'identified', 'monitoring', 'resolved'],
    })
    expect(s.vars.filter((v) => v.required).map((v) => v.name)).toEqual(['provider', 'component'])
    expect(Object.keys(s)).not.toContain('apology')
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
    expect(playbookSummary(getPlaybook('planned-maintenance'))).toMatchObject({
      kind: 'maintenance',
      impact: 'maintenance',
      statuses: ['scheduled', 'in_progress', 'verifying', 'completed'],
    })
  })
})

describe.each(playbooks.map((p) => [p.id, p] as const))('playbook %s', (_, p) => {
  it('has wording for every status of its kind, in every locale', () => {
    const expected = p.kind === 'incident' ? IncidentStatus.options : MaintenanceStatus.options
    expect(Object.keys(p.statuses).sort()).toEqual([...expected].sort())
    for (const text of [p.title, p.name, p.workaround, p.apology, ...Object.values(p.statuses)]) {
      expect(text.en.trim()).not.toBe('')
      expect(text.en).not.toMatch(han)
      expect(text['zh-CN']).toMatch(han)
    }
  })

  it('declares exactly the vars its wording uses, each with a description and example', () => {
    const used = new Set(templates(p).flatMap(templateVars))
    expect([...used].sort()).toEqual(p.vars.map((v) => v.name).sort())
    expect(p.vars.some((v) => v.required)).toBe(true)
    for (const v of p.vars) {
      expect(v.name).toMatch(/^[a-z][a-z0-9_]*$/)
      expect(v.description.length).toBeGreaterThan(10)
      expect(v.example.trim()).not.toBe('')
    }
  })

  it.each(locales)(
    'fills cleanly in %s with all examples and with only the required vars',
    (locale) => {
      for (const vars of [examples(p), requiredOnly(p)]) {
        for (const status of playbookStatuses(p.kind)) {
          const out = fillPlaybook(p, { status, locale, vars })
          const texts = [out.name, out.body, out.workaround ?? '', out.apology]
          for (const text of texts) {
            expect(text).not.toMatch(/\{\{|\}\}/)
            expect(text).not.toMatch(/(?<=\S) {2,}|\n{3,}| [.,:;]|。。|，。|^\s|\s$/)
            // Emphasis must really render: no stray asterisks once turned into HTML.
            expect(renderMarkdown(text)).not.toContain('*')
          }
          if (locale === 'zh-CN') expect(out.body).toMatch(han)
        }
      }
    },
  )

  it('fits the API contract once filled', () => {
    for (const status of playbookStatuses(p.kind)) {
      for (const locale of locales) {
        const out = fillPlaybook(p, { status, locale, vars: examples(p) })
        if (p.kind === 'incident') {
          const create = IncidentCreate.safeParse({
            name: out.name,
            status,
            impact: p.impact,
            body: out.body,
            components: {},
            workaround: out.workaround,
          })
          expect(create.error).toBeUndefined()
        } else {
          expect(
            MaintenanceUpdateCreate.safeParse({ status, body: out.body }).error,
          ).toBeUndefined()
        }
      }
    }
  })

  it('needs every required var, listing all missing ones in one error', () => {
    const required = p.vars.filter((v) => v.required).map((v) => `vars.${v.name}`)
    const err = fillError(p, { vars: {} })
    expect(err).toMatchObject({ kind: 'invalid', code: 'invalid_input' })
    expect(err.details?.map((d) => d.path)).toEqual(required)
  })
})

describe('fillPlaybook', () => {
  const db = getPlaybook('database-outage')

  it('substitutes vars into name, body, workaround and apology', () => {
    const out = fillPlaybook(db, {
      status: 'identified',
      vars: { component: 'Checkout', region: 'EU', eta: '15:30 UTC', workaround: 'pay by phone' },
    })
    expect(out.name).toBe('Checkout unavailable in EU')
    expect(out.body).toContain(
      'We have found the cause of the database problem affecting Checkout in EU. We are fixing it now and expect Checkout to be back by 15:30 UTC.',
    )
    expect(out.workaround).toMatch(/^While we fix this, you can pay by phone\. /)
    expect(out.apology).toMatch(/^We're sorry\. Checkout was unavailable in EU, /)
  })

  it('drops optional sections cleanly and yields no workaround when none was given', () => {
    const out = fillPlaybook(db, { status: 'identified', vars: { component: 'Checkout' } })
    expect(out.name).toBe('Checkout unavailable')
    expect(out.body).toContain('affecting Checkout. We are fixing it now.')
    expect(out.body).toContain('We will post another update within the hour')
    expect(out.body).not.toContain('Still working normally')
    expect(out.workaround).toBeNull()
    // Where general advice helps without specifics, the playbook still offers it.
    const dns = fillPlaybook(getPlaybook('network-dns'), { vars: { component: 'the web app' } })
    expect(dns.workaround).toContain('try another network')
  })

  it('uses inverted sections when an optional var is absent', () => {
    const sec = getPlaybook('security-incident')
    const none = fillPlaybook(sec, { vars: { component: 'the dashboard' } })
    expect(none.body).toContain('**What you should do:** nothing at the moment.')
    expect(none.workaround).toBeNull()
    const act = fillPlaybook(sec, {
      vars: { component: 'the dashboard', customer_action: 'sign out of all sessions' },
    })
    expect(act.body).toContain('**What you should do:** please sign out of all sessions.')
    expect(act.body).not.toContain('nothing at the moment')
    expect(act.workaround).toBe('To protect your account, please sign out of all sessions.')
  })

  it('selects the locale, defaulting to English', () => {
    const vars = { component: 'Checkout', region: '华东' }
    const en = fillPlaybook(db, { vars })
    const zh = fillPlaybook(db, { vars, locale: 'zh-CN' })
    expect(en.body).toMatch(/^We are investigating a database problem/)
    expect(zh.name).toBe('Checkout 无法使用（华东）')
    expect(zh.body).toMatch(/^Checkout（华东）所依赖的数据库出现故障/)
    expect(zh.apology).toMatch(/^非常抱歉。/)
    expect(fillPlaybook(db, { vars, locale: 'en' })).toEqual(en)
    const fr = fillError(db, { vars, locale: 'fr' as Locale })
    expect(fr.details).toEqual([{ path: 'locale', message: 'Must be one of en, zh-CN' }])
  })

  it('spaces Latin values from Chinese text, and only then', () => {
    const tp = getPlaybook('third-party-outage')
    const zh = (provider: string) =>
      fillPlaybook(tp, { locale: 'zh-CN', vars: { provider, component: '支付' } }).name
    expect(zh('Stripe')).toBe('Stripe 故障影响支付')
    expect(zh('支付宝')).toBe('支付宝故障影响支付')
    expect(fillPlaybook(tp, { vars: { provider: 'Stripe', component: '支付' } }).name).toBe(
      '支付 affected by a Stripe outage',
    )
  })

  it('capitalises a lower-case value that opens an English sentence, but not brand names', () => {
    const dns = getPlaybook('network-dns')
    const name = (component: string) => fillPlaybook(dns, { vars: { component } }).name
    expect(name('the web app')).toBe('The web app unreachable')
    expect(name('iOS app')).toBe('iOS app unreachable')
    expect(fillPlaybook(dns, { vars: { component: 'the web app' } }).body).toMatch(
      /^Some customers cannot reach the web app:/,
    )
  })

  it('defaults to the first status of the kind and rejects statuses of the other kind', () => {
    const pm = getPlaybook('planned-maintenance')
    const vars = { component: 'the dashboard', effect: 'sign-in will be unavailable' }
    expect(fillPlaybook(pm, { vars }).body).toMatch(/^We will carry out planned maintenance/)
    expect(fillPlaybook(db, { vars: { component: 'x' } }).body).toMatch(/investigating/)
    expect(fillError(pm, { status: 'investigating', vars }).details).toEqual([
      { path: 'status', message: 'Must be one of scheduled, in_progress, verifying, completed' },
    ])
    expect(
      fillError(db, { status: 'completed', vars: { component: 'x' } }).details?.[0]?.path,
    ).toBe('status')
  })

  it('rejects unknown vars, so a typo is never silently dropped', () => {
    const err = fillError(db, { vars: { component: 'Checkout', regoin: 'EU', eta: '15:00' } })
    expect(err.details).toEqual([{ path: 'vars.regoin', message: 'Not used by this template' }])
  })

  it('reports missing and unknown vars together', () => {
    const tp = getPlaybook('third-party-outage')
    const err = fillError(tp, { vars: { provder: 'Stripe', component: '  ' } })
    expect(err.message).toBe('Invalid template vars')
    expect(err.details).toEqual([
      { path: 'vars.provder', message: 'Not used by this template' },
      { path: 'vars.provider', message: expect.stringMatching(/^Required: /) },
      { path: 'vars.component', message: expect.stringMatching(/^Required: /) },
    ])
  })

  it('rejects values that are not text or too long, and names that grow too long', () => {
    const notText = fillError(db, { vars: { component: 42 as unknown as string } })
    expect(notText.details).toEqual([{ path: 'vars.component', message: 'Must be text' }])
    const long = fillError(db, { vars: { component: 'x', workaround: 'y'.repeat(1001) } })
    expect(long.details).toEqual([
      { path: 'vars.workaround', message: 'Must be at most 1000 characters' },
    ])
    const name = fillError(db, { vars: { component: 'c'.repeat(150), region: 'r'.repeat(60) } })
    expect(name.details?.map((d) => d.path)).toEqual(['vars.component', 'vars.region'])
  })
})

describe('values are plain text', () => {
  const db = getPlaybook('database-outage')
  const body = (component: string, extra: Record<string, string> = {}) =>
    fillPlaybook(db, { status: 'identified', vars: { component, ...extra } }).body

  it('cannot inject a link', () => {
    const value = '[x](javascript:alert(1))'
    const md = body(value)
    expect(md).toContain('\\[x\\]\\(javascript:alert\\(1\\)\\)')
    const html = renderMarkdown(md)
    expect(html).toContain('[x](javascript:alert(1))')
    expect(html).not.toContain('<a')
  })

  it('cannot inject HTML, images, emphasis, code, headings, lists or quotes', () => {
    const cases = [
      '<img src=x onerror=alert(1)>',
      '![x](https://evil.example/x.png)',
      '**loud** _quiet_ `code` ~~gone~~',
      '# Heading',
      '- item',
      '1. item',
      'a\n\n> quoted\n\n---',
      'a | b',
      '&lt;b&gt;',
      'see https://evil.example/x.png or www.evil.example',
      'mail support@evil.example',
    ]
    for (const value of cases) {
      const html = renderMarkdown(body(value, { unaffected: value }))
      expect(html, value).not.toMatch(/<(?!\/?(p|strong)>)/)
    }
    expect(renderMarkdown(body('<b>x</b>'))).toContain('&lt;b&gt;x&lt;/b&gt;')
    expect(renderMarkdown(body('&lt;b&gt;'))).toContain('&amp;lt;b&amp;gt;')
  })

  it('keeps the text as typed: escapes render back to the original characters', () => {
    const value = 'EU (Frankfurt) #2 * 50% off_peak <beta> | a\\b, https://x.example, a@b.example'
    expect(renderMarkdown(escapeMarkdown(value))).toBe(
      '<p>EU (Frankfurt) #2 * 50% off_peak &lt;beta&gt; | a\\b, https://x.example, a@b.example</p>',
    )
  })

  it('never expands a placeholder written inside a value', () => {
    const out = fillPlaybook(db, { vars: { component: '{{region}}', region: 'EU' } })
    expect(out.name).toBe('{{region}} unavailable in EU')
    expect(out.body).toContain('affecting {{region}} in EU')
  })

  it('leaves the plain-text name unescaped but on one line', () => {
    const out = fillPlaybook(db, { vars: { component: 'Checkout (beta)\n\n*new*' } })
    expect(out.name).toBe('Checkout (beta) *new* unavailable')
    expect(out.body).toContain('Checkout \\(beta\\) \\*new\\*')
  })
})

describe('vars derived from the incident', () => {
  const db = getPlaybook('database-outage')
  it('names the affected components for `component` when it is missing or blank', () => {
    expect(withDerivedVars(db, {}, ['Checkout'])).toEqual({ component: 'Checkout' })
    expect(withDerivedVars(db, { component: ' ' }, ['A', 'B', 'C'])).toEqual({
      component: 'A, B and C',
    })
    expect(withDerivedVars(db, {}, ['结账', '登录'], 'zh-CN')).toEqual({ component: '结账和登录' })
  })
  it('never overrides a value, invents one from nothing, or adds a var the playbook lacks', () => {
    expect(withDerivedVars(db, { component: 'the app', eta: '5pm' }, ['X'])).toEqual({
      component: 'the app',
      eta: '5pm',
    })
    expect(withDerivedVars(db, {}, [])).toEqual({})
    const noComponent = { ...db, vars: db.vars.filter((v) => v.name !== 'component') }
    expect(withDerivedVars(noComponent, {}, ['X'])).toEqual({})
  })
})

describe('filled text reads as written by a person', () => {
  const sentences = (text: string) =>
    (text.match(/[^.!?。！？]+[.!?。！？]+/g) ?? []).map((x) => x.trim())

  it('fills every configured locale at once, the default first', () => {
    const db = getPlaybook('database-outage')
    const out = fillPlaybookIn(db, ['en', 'zh-CN'], 'investigating', (l) =>
      withDerivedVars(db, { workaround: 'pay by phone' }, ['Checkout', 'Payments API'], l),
    )
    expect(Object.keys(out.name)).toEqual(['en', 'zh-CN'])
    expect(out.name.en).toBe('Checkout and Payments API unavailable')
    expect(out.name['zh-CN']).toBe('Checkout和Payments API 无法使用')
    expect(out.body['zh-CN']).toMatch(han)
    expect(out.workaround?.en).toMatch(/^While we fix this, you can pay by phone\./)
    expect(out.apology.en).toMatch(/^We're sorry\. Checkout and Payments API were unavailable/)
    const none = fillPlaybookIn(db, ['en', 'zh-CN'], undefined, () => ({ component: 'X' }))
    expect(none.workaround).toBeNull()
  })

  it('never says a sentence in the body that the workaround says', () => {
    let pairs = 0
    for (const p of playbooks) {
      for (const locale of locales) {
        for (const status of playbookStatuses(p.kind)) {
          const out = fillPlaybook(p, { status, locale, vars: examples(p) })
          if (!out.workaround) continue
          const said = new Set(sentences(out.workaround))
          for (const s of sentences(out.body))
            expect(said.has(s), `${p.id} ${locale}: ${s}`).toBe(false)
          pairs++
        }
      }
    }
    expect(pairs).toBeGreaterThan(20)
  })

  it('claims no "still working" list of its own: what works is computed from component states', () => {
    for (const p of playbooks) {
      expect(p.vars.map((v) => v.name)).not.toContain('unaffected')
      for (const locale of locales) {
        for (const status of playbookStatuses(p.kind)) {
          const vars = { ...examples(p), unaffected: 'the public API' }
          const out = fillPlaybook(p, { status, locale, vars })
          expect(out.body).not.toMatch(/Still working normally|仍可正常使用|the public API/)
        }
      }
    }
  })

  it('a verb after a value agrees with it: one thing "was", several "were"', () => {
    const db = getPlaybook('database-outage')
    const apology = (component: string) => fillPlaybook(db, { vars: { component } }).apology
    expect(apology('Checkout')).toMatch(/^We're sorry\. Checkout was unavailable/)
    for (const several of ['Checkout and Payments API', 'A, B and C', 'Search & Browse'])
      expect(apology(several)).toMatch(/ were unavailable/)
    const resolved = fillPlaybook(db, { status: 'resolved', vars: { component: 'A and B' } })
    expect(resolved.body).toContain('A and B have been working normally')
  })

  it('puts no brackets inside the wording’s own brackets, whatever the value holds', () => {
    const db = getPlaybook('database-outage')
    const values = [
      'EU (Frankfurt)',
      'EU（法兰克福）',
      'EU [Frankfurt]',
      'EU ((Frankfurt))',
      '(EU)',
      'EU (Frankfurt) and US (Virginia)',
      'EU \\(Frankfurt\\)',
      '[x](javascript:alert(1))',
    ]
    const nested = /[(（[][^)）\]]*[(（[]/
    let n = 0
    for (const region of values) {
      const out = fillPlaybook(db, {
        status: 'identified',
        locale: 'zh-CN',
        vars: { component: 'Checkout', region },
      })
      for (const text of [out.name, out.body, out.apology]) {
        expect(text.replace(/\\/g, ''), region).not.toMatch(nested)
        n++
      }
      expect(out.name).toMatch(/^Checkout 无法使用（.+）$/)
    }
    expect(n).toBe(24)
    expect(
      fillPlaybook(db, { locale: 'zh-CN', vars: { component: 'X', region: 'EU (Frankfurt)' } })
        .name,
    ).toBe('X 无法使用（EU，Frankfurt）')
    // Outside the wording's brackets a value keeps its own, as typed.
    expect(fillPlaybook(db, { vars: { component: 'X', region: 'EU (Frankfurt)' } }).name).toBe(
      'X unavailable in EU (Frankfurt)',
    )
  })
})
