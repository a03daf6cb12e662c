import { DomainError } from './errors.ts'

/** One CSV record and the line of the file it starts on (1-based). */
export interface CsvRecord {
  line: number
  fields: string[]
}

const syntaxError = (line: number, message: string) =>
  new DomainError('invalid', 'invalid_csv', `Line ${line} is not valid CSV; nothing was imported`, [
    { path: `lines.${line}`, message },
  ])

/**
 * The one CSV reader (RFC 4180): fields separated by commas; a quoted field may hold commas,
 * semicolons, doubled quotes and line breaks; CRLF, LF or CR; a byte-order mark and empty lines
 * are ignored. Spaces around a quoted field are dropped. Strict where a lenient reader would
 * guess: a quote inside an unquoted field, text after a closing quote and a quote never closed
 * are refused with their line, since a guess there shifts every later column.
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, '')
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  // 'start': nothing but spaces read in this field yet; 'plain'; 'quoted'; 'closed': after the
  // closing quote (only spaces may follow before the next comma or line end).
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start'
  let line = 1
  let recordLine = 1
  let quoteLine = 1
  const endRecord = () => {
    fields.push(field)
    const blank = fields.length === 1 && field === '' && state === 'start'
    if (!blank) records.push({ line: recordLine, fields })
    fields = []
    field = ''
    state = 'start'
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (state === 'quoted') {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') {
        state = 'closed'
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++
        field += ch
      }
      continue
    }
    if (ch === ',') {
      fields.push(field)
      field = ''
      state = 'start'
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRecord()
      recordLine = ++line
    } else if (ch === '"') {
      if (state === 'plain')
        throw syntaxError(
          line,
          'A quote (") inside a field: quote the whole field and double the quote ("")',
        )
      if (state === 'closed')
        throw syntaxError(
          line,
          'A quote right after a quoted field: double a quote inside a field ("")',
        )
      // Spaces before an opening quote are padding, not part of the value.
      field = ''
      state = 'quoted'
      quoteLine = line
    } else if (state === 'closed') {
      if (ch !== ' ' && ch !== '\t')
        throw syntaxError(line, 'Text after a closing quote: put the whole field in quotes')
    } else {
      field += ch
      if (state === 'start' && ch !== ' ' && ch !== '\t') state = 'plain'
    }
  }
  if (state === 'quoted') throw syntaxError(quoteLine, 'A quote (") opened here is never closed')
  if (field !== '' || fields.length > 0 || state === 'closed') endRecord()
  return records
}

// What a spreadsheet reads as the start of a formula (OWASP's list: = + - @, tab, CR), also
// after leading spaces; a line feed; and the apostrophe that marks a neutralised cell, so that
// a value which really starts with one survives the round trip.
const NEEDS_GUARD = /^(?:\s*[=+\-@]|[\t\r\n'])/

/**
 * A value as one CSV cell that no spreadsheet runs as a formula (CSV injection): a value that
 * could start one gets a leading apostrophe, and every cell is quoted. `restoreCell` undoes it
 * exactly, so export → import gives back every value.
 */
export function csvCell(value: string): string {
  const safe = NEEDS_GUARD.test(value) ? `'${value}` : value
  return `"${safe.replaceAll('"', '""')}"`
}

/** The value `csvCell` was given, from the cell as read back (`parseCsv` removed the quotes). */
export function restoreCell(cell: string): string {
  return cell.startsWith("'") && NEEDS_GUARD.test(cell.slice(1)) ? cell.slice(1) : cell
}

/** One CSV record, CRLF-terminated as RFC 4180 writes it. */
export function csvRecord(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
