import { shownIn, type LocaleSettings, type Translations } from './localized.ts'
import type { Locale } from './schemas/subscription.ts'

/** One text a message carries: its default-locale column and the record's translations. */
export interface CarriedText {
  own: string | null
  translations: Translations<string> | undefined
  field: string
}

/**
 * The one rule for a message's language (emails, chat, texts): wrappers and text always in the
 * same language. A reader gets their own locale when every text the message carries is
 * translated into it, or when it carries none (a confirmation); otherwise the whole message is
 * in the page's default locale, the catalog's words included. It depends only on the record and
 * the event, so a retried message says exactly what the first attempt did.
 */
export function messageLocale(
  wanted: Locale,
  locales: LocaleSettings,
  carried: readonly CarriedText[],
): Locale {
  if (wanted === locales.default) return wanted
  const written = carried.filter((c) => c.own)
  if (written.length === 0) return wanted
  if (!locales.all.includes(wanted)) return locales.default
  const translated = written.every(
    (c) => !shownIn(c.own!, c.translations, c.field, wanted, locales).fallback,
  )
  return translated ? wanted : locales.default
}
