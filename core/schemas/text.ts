import { z } from 'zod'

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`

/**
 * The one rule for text people write. Refused: C0 and C1 control characters other than tab and
 * line breaks (an ANSI escape pasted from a terminal breaks XML feeds and hides text), Unicode
 * non-characters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF) and lone surrogates (not encodable as UTF-8).
 * Returns what is wrong, or null.
 */
export function textProblem(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = s.charCodeAt(i + 1)
      if (!(low >= 0xdc00 && low <= 0xdfff)) return `Contains a lone surrogate (${hex(c)})`
      const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00)
      if ((cp & 0xfffe) === 0xfffe) return `Contains a Unicode non-character (${hex(cp)})`
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return `Contains a lone surrogate (${hex(c)})`
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d)
        return `Contains a control character (${hex(c)}); only tab and line breaks are allowed`
    } else if ((c >= 0xfdd0 && c <= 0xfdef) || c >= 0xfffe) {
      return `Contains a Unicode non-character (${hex(c)})`
    }
  }
  return null
}

const INVISIBLE_ONLY = /^[\p{Cf}\p{Z}\s\u115F\u1160\u3164\uFFA0]+$/u

/** CRLF and lone CR become LF, so stored text has one kind of line break. */
export const normaliseLineBreaks = (s: string) => s.replace(/\r\n?/g, '\n')

/**
 * Every string a person writes into a request (names, bodies, workarounds, apologies, messages,
 * playbook variables, search terms) is this schema: `textProblem` is checked on the raw input,
 * then the value is trimmed and its line breaks normalised. A single-line value (a name: it
 * becomes a title and an email subject) refuses tab and line breaks inside it, U+2028 and U+2029
 * included. Callers add
 * `.min()` and `.max()`.
 */
export function userText(opts: { singleLine?: boolean } = {}) {
  const text = z
    .string()
    .superRefine((s, ctx) => {
      const problem = textProblem(s)
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s })
    })
    .trim()
    .overwrite(normaliseLineBreaks)
    // Zero-width and format characters (and the Hangul fillers used as blank names) are fine
    // inside text (joiners in emoji and many scripts) but are no text on their own: a name or a
    // reason made of them shows as nothing while passing `.min(1)`.
    .refine((s) => s === '' || !INVISIBLE_ONLY.test(s), 'Contains only invisible characters')
  if (!opts.singleLine) return text
  // U+0085 is refused above as a C1 control; U+2028/2029 are line breaks to mail clients and JS.
  return text.refine(
    (s) => !/[\t\n\u2028\u2029]/.test(s),
    'Must be a single line (no tab or line break)',
  )
}

/**
 * Text a machine sends (an alert's labels and summary): never refused for a stray character, since
 * a lost alert costs more than a mangled label, so what `textProblem` refuses becomes U+FFFD.
 */
export function machineText(max: number) {
  return z
    .string()
    .max(max * 4)
    .transform((s) =>
      normaliseLineBreaks(
        s.replace(/(?![\t\n\r])\p{Cc}|\p{Surrogate}|\p{Noncharacter_Code_Point}/gu, '\uFFFD'),
      )
        .trim()
        // By code point: cutting between the halves of a pair would leave a lone surrogate.
        .replace(new RegExp(`^(.{${max}}).+$`, 'su'), '$1'),
    )
}
