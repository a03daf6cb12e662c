import { DomainError, type ErrorDetail } from './errors.ts'
import {
  splitLocalized,
  withField,
  type LocaleSettings,
  type LocalizedInput,
  type Translations,
} from './localized.ts'
import type { Locale } from './schemas/subscription.ts'

/** One field as given: the default locale's text (for the column) and the other locales'. */
export interface SplitText {
  text: string
  others: Partial<Record<Locale, string>>
}

type Given<F extends string> = Partial<Record<F, LocalizedInput | null | undefined>>
export type SplitFields<F extends string> = Partial<Record<F, SplitText | null>>

/**
 * Checks every translatable field of a request at once, before anything is computed or written:
 * one 400 lists every field whose map names an unconfigured locale or lacks the default one.
 * Absent fields stay absent; null (a field cleared) stays null.
 */
export function splitFields<F extends string>(
  given: Given<F>,
  locales: LocaleSettings,
  prefix = '',
): SplitFields<F> {
  const out: SplitFields<F> = {}
  const details: ErrorDetail[] = []
  for (const [field, value] of Object.entries(given) as [F, LocalizedInput | null | undefined][]) {
    if (value === undefined) continue
    if (value === null) {
      out[field] = null
      continue
    }
    try {
      out[field] = splitLocalized(value, locales, `${prefix}${field}`)
    } catch (err) {
      if (!(err instanceof DomainError) || !err.details) throw err
      details.push(...err.details)
    }
  }
  if (details.length)
    throw new DomainError(
      'invalid',
      'invalid_input',
      'The text is not in the right languages',
      details,
    )
  return out
}

/** The column's text of a split field: unchanged when absent, null when cleared. */
export function textOf(s: SplitText | null): string | null {
  return s ? s.text : null
}

/**
 * A record's translations after the given fields: each given field's other-locale text replaces
 * the old (withField), so a plain string, or a cleared field, leaves no stale translation.
 */
export function withFields<F extends string>(
  translations: Translations<F> | undefined,
  split: SplitFields<F>,
): Translations<F> {
  let next: Translations<F> = translations ?? {}
  for (const [field, s] of Object.entries(split) as [F, SplitText | null | undefined][]) {
    if (s !== undefined) next = withField(next, field, s?.others ?? {})
  }
  return next
}
