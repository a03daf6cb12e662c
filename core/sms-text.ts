/**
 * Text messages as carriers count them. A text is sent in GSM-7 (the GSM 03.38 alphabet, 7 bits
 * a character) when every character is in it, otherwise in UCS-2 (UTF-16); one segment holds 160
 * GSM-7 or 70 UCS-2 units, and a longer text is split into segments of 153 or 67 (the rest is the
 * header that joins them), each billed as one message. Pure: used by templates/sms.ts and tests.
 */

/** The GSM 03.38 basic alphabet, in code order (0x1B, the escape to the extension table, left out). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
/** The extension table: each costs two units (the escape, then the character). */
const EXTENSION = '\f^{}\\[~]|€'

const BASIC_SET = new Set(BASIC)
const EXTENSION_SET = new Set(EXTENSION)

export type SmsEncoding = 'GSM-7' | 'UCS-2'

/** Units per segment: a single segment, and each segment of a longer text. */
const SIZES: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
}

/**
 * Look-alikes of GSM-7 characters that would otherwise force a whole text into UCS-2 (a smart
 * quote pasted into an incident's name would halve what fits): the same meaning, one alphabet.
 */
const LOOKALIKES: [RegExp, string][] = [
  [/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/\u2022/g, '-'],
  // Every kind of space (no-break, thin, ideographic…) and tabs: a plain space.
  [/[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' '],
  // Invisible characters that would cost a UCS-2 unit each (not U+200D, which joins emoji).
  [/[\u200B\u200C\u2060\uFEFF\u00AD]/g, ''],
]

/**
 * The one normalisation of text that goes into a text message: Unicode NFC, GSM-7 look-alikes
 * replaced, control characters dropped and all whitespace (line breaks too) one space, trimmed.
 */
export function normalizeSmsText(text: string): string {
  let out = text.normalize('NFC')
  for (const [re, to] of LOOKALIKES) out = out.replace(re, to)
  return (
    out
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\u2028\u2029]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  )
}

/** Whether every character of `text` is in the GSM-7 alphabet (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC_SET.has(ch) && !EXTENSION_SET.has(ch)) return false
  return true
}

export interface SmsCount {
  encoding: SmsEncoding
  /** GSM-7 septets (extension characters count 2) or UTF-16 code units. */
  units: number
  segments: number
}

/**
 * How many segments `text` takes. A character is never split between two segments (an
 * extension character's escape and value, an emoji's surrogate pair), as phones join them.
 */
export function countSms(text: string): SmsCount {
  const gsm = isGsm7(text)
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2'
  // Every GSM-7 character is one UTF-16 unit; UCS-2 is counted in UTF-16 units.
  let units = text.length
  if (gsm) for (const ch of text) if (EXTENSION_SET.has(ch)) units++
  const size = SIZES[encoding]
  if (units <= size.single) return { encoding, units, segments: units === 0 ? 0 : 1 }
  let segments = 1
  let used = 0
  for (const ch of text) {
    const c = gsm ? (EXTENSION_SET.has(ch) ? 2 : 1) : ch.length
    if (used + c > size.multi) {
      segments++
      used = 0
    }
    used += c
  }
  return { encoding, units, segments }
}

/** One piece of a text: where it goes, and how readily it is shortened. */
export interface SmsPart {
  text: string
  /**
   * Shortened (then dropped) in ascending order when the text does not fit: 1 first. Absent: the
   * part is never cut (the link, the opt-out instruction, a code).
   */
  cut?: number
  /** What goes between it and the part before: a line break unless told. */
  before?: '\n' | ' ' | ''
  /** The most characters it may keep in any text (a page name: the rest is for the news). */
  max?: number
  /** Kept whole or dropped, never shortened (a label and a list: half of it says nothing). */
  whole?: boolean
}

export interface FitOptions {
  /** Segments a GSM-7 text may take (default 1: 160 characters). */
  gsmSegments?: number
  /** Segments a UCS-2 text may take (default 2: 134 units). */
  ucsSegments?: number
}

export interface FittedSms extends SmsCount {
  text: string
  /** False only when the parts that are never cut are too long by themselves. */
  fits: boolean
  /** Whether any part was shortened or dropped. */
  shortened: boolean
}

/** A shortened part shorter than this says nothing useful and is dropped instead. */
const MIN_KEPT = 12
/** A cut moves back to a word or list boundary if one is within this many characters. */
const WORD_BACKOFF = 16

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
/** What can join characters into one grapheme (marks, surrogates, ZWJ, jamo, tags). */
const JOINS = /[\p{M}\p{Cs}\u200d\u1100-\u11ff]/u

/** The user-perceived characters of `s` (a cut never splits one); the segmenter only when needed. */
function graphemes(s: string): string[] {
  return JOINS.test(s) ? Array.from(segmenter.segment(s), (g) => g.segment) : [...s]
}

/** Where a cut may fall: before a space or a list or clause separator (CJK ones included). */
const BOUNDARY = new Set([' ', ',', ';', '、', '，', '；', '：', '。'])

/**
 * Kept characters with the mark that says more was there: back to the last word or list boundary
 * when one is near (a name is never cut in the middle when it need not be), trailing punctuation
 * dropped; "..." unless told (or the kept text is not GSM-7). '' when too little would be left.
 */
function ellipsize(kept: string[], ellipsis?: '...' | '…'): string {
  let at = kept.length
  for (let i = kept.length - 1; i >= Math.max(0, kept.length - WORD_BACKOFF); i--) {
    if (BOUNDARY.has(kept[i]!)) {
      at = i
      break
    }
  }
  const head = kept.slice(0, at)
  while (head.length && /^[\s,;:.\-、，；：。]$/.test(head.at(-1)!)) head.pop()
  if (head.length < MIN_KEPT) return ''
  const text = head.join('')
  return text + (ellipsis ?? (isGsm7(text) ? '...' : '…'))
}

/** The largest n in [lo, hi] with ok(n), for ok true up to some n and false after; lo - 1 if none. */
function longest(lo: number, hi: number, ok: (n: number) => boolean): number {
  let best = lo - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (ok(mid)) {
      best = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return best
}

function join(parts: { text: string; before: string }[]): string {
  return parts
    .filter((p) => p.text)
    .map((p, i) => (i === 0 ? p.text : p.before + p.text))
    .join('')
}

/**
 * Puts the parts together within the segment budget: every part normalised
 * (normalizeSmsText), then, while the text is too long, the part cut first is shortened to what
 * fits, at a word end when one is near, and marked "..." ("…" in a text that is UCS-2 anyway),
 * or dropped when too little of it would be left. Parts that are never cut stay whole. The budget
 * follows the encoding of the text as it stands, so cutting away the one emoji that forced UCS-2
 * gives the text the larger GSM-7 room.
 */
export function fitSms(parts: readonly SmsPart[], opts: FitOptions = {}): FittedSms {
  const budget = { 'GSM-7': opts.gsmSegments ?? 1, 'UCS-2': opts.ucsSegments ?? 2 }
  const work = parts.map((p) => {
    const text = normalizeSmsText(p.text)
    const all = p.max === undefined ? [] : graphemes(text.slice(0, 2 * p.max + 2))
    return {
      text: all.length > p.max! ? ellipsize(all.slice(0, p.max)) : text,
      before: p.before ?? '\n',
      cut: p.cut,
      whole: p.whole ?? false,
    }
  })
  const fits = (text: string) => {
    const c = countSms(text)
    return c.segments <= budget[c.encoding]
  }
  let shortened = false
  const most = Math.max(160 * budget['GSM-7'], 70 * budget['UCS-2'])
  const order = work
    .map((p, i) => ({ p, i }))
    .filter((x) => x.p.cut !== undefined && x.p.text)
    .sort((a, b) => a.p.cut! - b.p.cut! || b.i - a.i)
  for (const { p } of order) {
    if (fits(join(work))) break
    shortened = true
    if (p.whole) {
      p.text = ''
      continue
    }
    // No more than a whole text could hold is worth trying (a fitting prefix has at most
    // `most` UTF-16 units: every GSM-7 character is one).
    const full = graphemes(p.text.slice(0, most + 1))
    const cutAt = (n: number, ellipsis: '...' | '…') => ellipsize(full.slice(0, n), ellipsis)
    const fitsWith = (text: string) => {
      p.text = text
      return fits(join(work))
    }
    p.text = ''
    // "..." keeps a GSM-7 text in GSM-7, as long as the kept part holds only GSM-7 characters;
    // "…" (one unit, itself UCS-2) otherwise. Either way a longer prefix never takes fewer
    // segments, so the longest that fits is found by bisection.
    const rest = join(work)
    const firstOther = isGsm7(rest) ? full.findIndex((g) => !isGsm7(g)) : 0
    const gsmMost = firstOther < 0 ? full.length - 1 : firstOther
    const tryCut = (ellipsis: '...' | '…') => (k: number) => {
      const cut = cutAt(k, ellipsis)
      return cut !== '' && fitsWith(cut)
    }
    let n = longest(MIN_KEPT, gsmMost, tryCut('...'))
    if (n >= MIN_KEPT) p.text = cutAt(n, '...')
    else {
      n = longest(MIN_KEPT, full.length - 1, tryCut('…'))
      p.text = n >= MIN_KEPT ? cutAt(n, '…') : ''
    }
  }
  const text = join(work)
  return { text, ...countSms(text), fits: fits(text), shortened }
}
