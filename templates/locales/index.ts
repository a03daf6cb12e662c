// The catalogs, one per locale: a new language is one more file in this folder and one line here.
import type { Locale } from '../../core/schemas/subscription.ts'
import { en, type Catalog } from './en.ts'
import { zhCN } from './zh-CN.ts'

const times = new Map<string, string>()

/**
 * The catalog with its time formatting memoised: every recipient of an update shows the same few
 * instants, and building an Intl formatter for each would cost more than the rest of the email.
 */
function withMemoTime(c: Catalog): Catalog {
  return {
    ...c,
    time(iso, timeZone) {
      const key = `${c.lang}|${timeZone}|${iso}`
      let v = times.get(key)
      if (v === undefined) {
        if (times.size >= 1000) times.clear()
        v = c.time(iso, timeZone)
        times.set(key, v)
      }
      return v
    },
  }
}

const CATALOGS: Record<Locale, Catalog> = { en: withMemoTime(en), 'zh-CN': withMemoTime(zhCN) }

/** The wording for a subscriber's locale (English for any other). */
export function catalogFor(locale: string): Catalog {
  return CATALOGS[locale as Locale] ?? CATALOGS.en
}
