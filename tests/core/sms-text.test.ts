import { describe, expect, it } from 'vitest'
import { countSms, fitSms, isGsm7, normalizeSmsText, type SmsPart } from '../../core/sms-text.ts'

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const EXTENSION = '\f^{}\\[~]|€'

describe('GSM-7 and UCS-2', () => {
  it('knows the 127 basic characters (1 unit) and the 10 of the extension table (2 units)', () => {
    expect([...BASIC]).toHaveLength(127)
    for (const ch of BASIC)
      expect(countSms(ch)).toEqual({ encoding: 'GSM-7', units: 1, segments: 1 })
    for (const ch of EXTENSION)
      expect(countSms(ch)).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 })
  })

  it('puts a text in UCS-2 as soon as one character is outside GSM-7', () => {
    const outside = [
      '`',
      'á',
      'ç',
      'ł',
      '’',
      '“',
      '–',
      '…',
      '中',
      '😀',
      '\u00a0',
      '\t',
      'Ω̈',
      '\u200b',
    ]
    for (const ch of outside) {
      expect(isGsm7(`All systems ${ch}`), JSON.stringify(ch)).toBe(false)
      expect(countSms(`All systems ${ch}`).encoding).toBe('UCS-2')
    }
  })

  it('counts segments at the carriers’ boundaries: 160/153 and 70/67', () => {
    const cases: [string, number, number][] = [
      ['', 0, 0],
      ['a'.repeat(160), 160, 1],
      ['a'.repeat(161), 161, 2],
      ['a'.repeat(306), 306, 2],
      ['a'.repeat(307), 307, 3],
      ['€'.repeat(80), 160, 1],
      ['€'.repeat(81), 162, 2],
      ['中'.repeat(70), 70, 1],
      ['中'.repeat(71), 71, 2],
      ['中'.repeat(134), 134, 2],
      ['中'.repeat(135), 135, 3],
      ['😀'.repeat(35), 70, 1],
      ['😀'.repeat(36), 72, 2],
    ]
    for (const [text, units, segments] of cases) {
      const c = countSms(text)
      expect([c.units, c.segments], `${text.slice(0, 3)}×${[...text].length}`).toEqual([
        units,
        segments,
      ])
    }
  })

  it('never splits an extension character or a surrogate pair between two segments', () => {
    // 152 + '€' (2) would be 154 > 153: the '€' opens segment 2, and so on.
    expect(countSms('a'.repeat(152) + '€' + 'a'.repeat(152)).segments).toBe(3)
    expect(countSms('a'.repeat(151) + '€' + 'a'.repeat(153)).segments).toBe(2)
    // 66 units + an emoji (2) would be 68 > 67.
    expect(countSms('中'.repeat(66) + '😀' + '中'.repeat(66)).segments).toBe(3)
    expect(countSms('中'.repeat(65) + '😀' + '中'.repeat(67)).segments).toBe(2)
  })
})

describe('normalizeSmsText', () => {
  const lookalikes: [string, string][] = [
    ['\u2018', "'"],
    ['\u2019', "'"],
    ['\u201a', "'"],
    ['\u201b', "'"],
    ['\u2032', "'"],
    ['\u00b4', "'"],
    ['`', "'"],
    ['\u201c', '"'],
    ['\u201d', '"'],
    ['\u201e', '"'],
    ['\u201f', '"'],
    ['\u2033', '"'],
    ['\u00ab', '"'],
    ['\u00bb', '"'],
    ['\u2010', '-'],
    ['\u2011', '-'],
    ['\u2012', '-'],
    ['\u2013', '-'],
    ['\u2014', '-'],
    ['\u2015', '-'],
    ['\u2212', '-'],
    ['\u2022', '-'],
    ['\u2026', '...'],
    ['\u00a0', ' '],
    ['\u2002', ' '],
    ['\u2009', ' '],
    ['\u202f', ' '],
    ['\u3000', ' '],
    ['\t', ' '],
    ['\u200b', ''],
    ['\ufeff', ''],
    ['\u00ad', ''],
    ['\u0007', ' '],
    ['\u2028', ' '],
  ]

  it(`keeps an English text in GSM-7 whatever look-alike it holds (${lookalikes.length} variants)`, () => {
    let through = 0
    for (const [ch, to] of lookalikes) {
      const text = normalizeSmsText(`It${ch}s down ${ch}again${ch} for EU users`)
      if (!isGsm7(text)) through++
      expect(text).toBe(`It${to}s down ${to}again${to} for EU users`.replace(/\s+/g, ' '))
    }
    expect(through).toBe(0)
  })

  it('makes every run of whitespace and line breaks one space, and trims', () => {
    expect(normalizeSmsText('  Payments\r\n\n  API\t\tdown  ')).toBe('Payments API down')
  })

  it('composes accents (NFC) and leaves emoji joiners and real letters alone', () => {
    expect(normalizeSmsText('Cafe\u0301')).toBe('Café')
    expect(isGsm7(normalizeSmsText('Cafe\u0301'))).toBe(true)
    expect(normalizeSmsText('👨‍👩‍👧 Łódź')).toBe('👨‍👩‍👧 Łódź')
  })
})

const LINK = 'https://status.example.com/incidents/abc123def456/'
const STOP = 'Reply STOP to unsubscribe'

function parts(o: { page?: string; head?: string; mine?: string; update?: string }): SmsPart[] {
  return [
    { text: o.page ?? 'Example Status:', cut: 4 },
    { text: o.head ?? 'Investigating: Payments API errors', cut: 3, before: ' ' },
    { text: o.mine ?? 'Affected for you: Payments', cut: 2 },
    { text: o.update ?? '', cut: 1 },
    { text: LINK },
    { text: STOP },
  ]
}

describe('fitSms', () => {
  it('leaves a text that fits as it is', () => {
    const f = fitSms(parts({}))
    expect(f).toMatchObject({ encoding: 'GSM-7', segments: 1, fits: true, shortened: false })
    expect(f.text).toBe(
      `Example Status: Investigating: Payments API errors\nAffected for you: Payments\n${LINK}\n${STOP}`,
    )
  })

  it('shortens the update first, at a word end, with "..." in GSM-7', () => {
    const update = 'Card payments fail for some customers in Europe since 09:12 while we roll back.'
    const f = fitSms(parts({ head: 'Investigating', mine: 'Affected: Payments', update }))
    expect(f).toMatchObject({ encoding: 'GSM-7', segments: 1, fits: true, shortened: true })
    expect(f.units).toBeLessThanOrEqual(160)
    expect(f.units).toBeGreaterThan(140)
    const kept = f.text.split('\n')[2]!
    expect(kept.endsWith('...')).toBe(true)
    expect(update.startsWith(kept.slice(0, -3))).toBe(true)
    expect(update[kept.length - 3]).toBe(' ') // cut before a space: a whole word
    expect(f.text.startsWith('Example Status: Investigating\nAffected: Payments\n')).toBe(true)
    expect(f.text.endsWith(`${LINK}\n${STOP}`)).toBe(true)
  })

  it('then the personal line, then the headline; the page name last', () => {
    const mine = 'Affected for you: ' + 'Payments, '.repeat(6)
    const head = 'Investigating: ' + 'Card payments failing '.repeat(4)
    const a = fitSms(parts({ mine, update: 'Upd '.repeat(30) }))
    expect(a.text).toBe(
      `Example Status: Investigating: Payments API errors\nAffected for you: Payments...\n${LINK}\n${STOP}`,
    )
    const b = fitSms(parts({ head, mine, update: 'Upd '.repeat(30) }))
    expect(b.text).toBe(
      `Example Status: Investigating: Card payments failing Card payments failing Card...\n${LINK}\n${STOP}`,
    )
    expect([a.fits, b.fits, a.units <= 160, b.units <= 160]).toEqual([true, true, true, true])
  })

  it('drops a `whole` part rather than shortening it', () => {
    const whole = fitSms([
      { text: 'Affected for you: ' + 'Payments, '.repeat(20), cut: 1, whole: true },
      { text: STOP },
    ])
    expect(whole.text).toBe(STOP)
    const cut = fitSms([
      { text: 'Affected for you: ' + 'Payments, '.repeat(20), cut: 1 },
      { text: STOP },
    ])
    expect(cut.text).toMatch(/^Affected for you: Payments, .*Payments\.\.\.\nReply STOP/)
  })

  it('cuts Chinese at a clause or list boundary when one is near, never leaving a bare label', () => {
    const f = fitSms(
      [
        {
          text: '受影响的：支付、结账、登录、搜索、报表、通知、账单、导出、导入、设置、权限、审计',
          cut: 1,
        },
        { text: 'x'.repeat(30) },
      ],
      { ucsSegments: 1 },
    )
    expect(f.text).toMatch(/^受影响的：(\p{Script=Han}{2}、)*\p{Script=Han}{2}…\nx+$/u)
    expect(f.units).toBeLessThanOrEqual(70)
    // 13 units of room: "已恢复正常：支付接口服务" would fit, but the cut falls at the label's end.
    const label = fitSms(
      [{ text: '已恢复正常：支付接口服务与结账', cut: 1 }, { text: 'x'.repeat(56) }],
      {
        ucsSegments: 1,
      },
    )
    expect(label.text).toBe('x'.repeat(56))
  })

  it('shortens a part to its `max` in any text', () => {
    const f = fitSms([
      { text: 'Very Long Company Name Status Page Of Everything:', max: 20 },
      { text: STOP },
    ])
    expect(f.text).toBe(`Very Long Company...\n${STOP}`)
  })

  it('cuts away the one emoji that forced UCS-2 and keeps the text in one GSM-7 segment', () => {
    const f = fitSms(parts({ update: 'Rolling back now 🚑 '.repeat(8) }))
    expect(f).toMatchObject({ encoding: 'GSM-7', segments: 1, fits: true })
  })

  it('keeps a Chinese text within two UCS-2 segments, with "…"', () => {
    const f = fitSms([
      { text: '【示例状态】', cut: 4 },
      { text: '正在调查：支付接口错误', cut: 3, before: '' },
      { text: '您关注的服务中受影响的：支付、结账', cut: 2 },
      {
        text: '部分欧洲客户的银行卡支付自 09:12 起失败，我们正在回滚昨晚的发布，预计半小时内恢复。'.repeat(
          3,
        ),
        cut: 1,
      },
      { text: LINK },
      { text: '回复STOP退订' },
    ])
    expect(f).toMatchObject({ encoding: 'UCS-2', fits: true })
    expect(f.segments).toBeLessThanOrEqual(2)
    expect(f.text).toContain('…\n')
    expect(f.text.endsWith(`${LINK}\n回复STOP退订`)).toBe(true)
  })

  it('never splits a grapheme: a family emoji is kept whole or not at all', () => {
    const family = '👨‍👩‍👧'
    for (let n = 0; n < 40; n++) {
      const f = fitSms(parts({ head: 'Down', update: 'q'.repeat(n) + family.repeat(30) }))
      const update = f.text.split('\n').find((l) => /^(q|👨)/.test(l)) ?? ''
      const core = update.replace(/(…|\.\.\.)$/, '').replace(/^q+/, '')
      expect(core.length % family.length, update).toBe(0)
    }
  })

  it('reports a text whose uncuttable parts are too long by themselves', () => {
    const f = fitSms([
      { text: 'x'.repeat(150), cut: 1 },
      { text: LINK + 'y'.repeat(120) },
      { text: STOP },
    ])
    expect(f.fits).toBe(false)
    expect(f.text).toBe(`${LINK}${'y'.repeat(120)}\n${STOP}`)
  })

  it('holds its promises over generated texts: link and STOP whole, within budget', () => {
    // A small deterministic generator: every run tries the same variants.
    let seed = 42
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const alphabet = [
      ...'abcdefghij klmnopqrstuvwxyz ABC 0123',
      ...'’“”–—…',
      ...'€[]{}^~|\\',
      ...'éèÄñ',
      ...'中文服务',
      '😀',
      '👍🏽',
      '\u00a0',
      '\n',
    ]
    const gen = (max: number) =>
      Array.from({ length: rnd(max) }, () => alphabet[rnd(alphabet.length)]).join('')
    const VARIANTS = 600
    let through = 0
    for (let i = 0; i < VARIANTS; i++) {
      const f = fitSms(parts({ page: gen(40), head: gen(120), mine: gen(100), update: gen(400) }))
      const lines = f.text.split('\n')
      const ok =
        f.fits &&
        f.segments <= (f.encoding === 'GSM-7' ? 1 : 2) &&
        lines.at(-1) === STOP &&
        lines.at(-2) === LINK &&
        countSms(f.text).segments === f.segments
      if (!ok) through++
    }
    expect(`${VARIANTS} variants x 4 fields: ${through} got through`).toBe(
      `${VARIANTS} variants x 4 fields: 0 got through`,
    )
  })
})
