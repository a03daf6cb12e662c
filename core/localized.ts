import { z } from 'zod'
import { DomainError, type ErrorDetail } from './errors.ts'
import { Locale } from './schemas/subscription.ts'

/**
 * Text written by people (incident names, updates, workarounds, apologies, post-mortems) can be
 * given per locale. The default locale's text lives in the record's own columns, so the
 * Statuspage v2 JSON and every client written for one language read it unchanged; the other
 * locales' text sits beside it, per field: `{ "zh-CN": { name: "…", workaround: "…" } }`.
 */
export type Translations<F extends string = string> = Partial<
  Record<Locale, Partial<Record<F, string>>>
>

/** The page's languages: `LOCALES`, the first one the default (decision 010). */
export interface LocaleSettings {
  default: Locale
  /** Every configured locale, the default first. */
  all: Locale[]
}

/**
 * What the API accepts for a translatable text: a string (the default locale, as always) or a
 * map `{ "en": "…", "zh-CN": "…" }`. Which locales a map may hold depends on the configuration,
 * so that is checked by `splitLocalized`, not here.
 */
export function localizable<T extends z.ZodType<string>>(text: T) {
  return z.union(
    [
      text,
      z
        .partialRecord(Locale, text)
        .refine((m) => Object.keys(m).length > 0, 'Give the text in at least one language'),
    ],
    // Neither a string nor a map: say what is expected, not zod's bare "Invalid input".
    {
      error: (issue) =>
        issue.input === undefined
          ? 'Required'
          : 'Expected text, or an object of texts per language ({"en": "…", "zh-CN": "…"})',
    },
  )
}

/** A value as the API accepts it: one string, or one per locale. */
export type LocalizedInput = string | Partial<Record<Locale, string>>

/**
 * Splits a given text into the default locale's (for the record's column) and the others'.
 * A map must hold the default locale (every reader falls back to it) and only configured
 * locales; anything else is refused with the field's path, so nothing is half-written.
 */
export function splitLocalized(
  value: LocalizedInput,
  locales: LocaleSettings,
  path: string,
): { text: string; others: Partial<Record<Locale, string>> } {
  if (typeof value === 'string') return { text: value, others: {} }
  const details: ErrorDetail[] = []
  for (const tag of Object.keys(value)) {
    if (!locales.all.includes(tag as Locale)) {
      details.push({
        path: `${path}.${tag}`,
        message: `Not a language of this page (LOCALES is ${locales.all.join(',')})`,
      })
    }
  }
  const text = value[locales.default]
  if (text === undefined) {
    details.push({
      path: `${path}.${locales.default}`,
      message: `Give the text in the page's default language (${locales.default}) too`,
    })
  }
  if (details.length) {
    throw new DomainError(
      'invalid',
      'invalid_input',
      'The text is not in the right languages',
      details,
    )
  }
  const others: Partial<Record<Locale, string>> = {}
  for (const [tag, t] of Object.entries(value) as [Locale, string][]) {
    if (tag !== locales.default) others[tag] = t
  }
  return { text: text!, others }
}

/**
 * Sets one field's other-locale text in a record's translations: locales the new value does
 * not name lose their old text for that field (a plain string replaces every language, so a
 * correction in the default language never leaves a stale translation behind).
 */
export function withField<F extends string>(
  translations: Translations<F> | undefined,
  field: F,
  others: Partial<Record<Locale, string>>,
): Translations<F> {
  const next: Translations<F> = {}
  for (const [tag, fields] of Object.entries(translations ?? {}) as [Locale, Record<F, string>][]) {
    const { [field]: _dropped, ...rest } = fields
    if (Object.keys(rest).length) next[tag] = rest as Partial<Record<F, string>>
  }
  for (const [tag, text] of Object.entries(others) as [Locale, string][]) {
    next[tag] = { ...next[tag], [field]: text }
  }
  return next
}

/** A text as a reader of `locale` sees it, and whether it is the default locale's instead. */
export interface Shown {
  text: string
  /** True when the reader's locale has no translation and the default locale's text is shown. */
  fallback: boolean
}

/**
 * The one fallback rule: the reader's locale if it has this field, else the default locale's
 * text (the record's column). Empty default text (a field not set) is never a fallback.
 */
export function shownIn<F extends string>(
  own: string,
  translations: Translations<F> | undefined,
  field: F,
  locale: Locale,
  locales: LocaleSettings,
): Shown {
  if (locale === locales.default) return { text: own, fallback: false }
  const translated = translations?.[locale]?.[field]
  if (translated !== undefined) return { text: translated, fallback: false }
  return { text: own, fallback: own !== '' }
}

/**
 * The API's answer for a translatable field: the default text stays the field's value (as
 * before); `translations` carries the rest. Present only when some text is translated.
 */
export function translationsOut<F extends string>(
  translations: Translations<F> | undefined,
): Translations<F> | undefined {
  return translations && Object.keys(translations).length ? translations : undefined
}
