import type { ComponentStatus } from '../../core/schemas/component.ts'

/**
 * Every fixed word of the status site, per language: part of each locale's catalog
 * (templates/locales/<locale>.ts), so a new language is still one file. Grouped by where the
 * words appear; pages never hold wording of their own.
 */
export interface SiteWords {
  /** The frame of every page: header, navigation, language switch, footer. */
  frame: {
    /** After the page's name in the header and the title ("Example status"). */
    status: string
    title(page: string): string
    nav: Record<'status' | 'history' | 'uptime' | 'subscribe' | 'report', string>
    mainNav: string
    skip: string
    /** The language switch's label, in this language. */
    language: string
    /** This locale's own name, as its speakers write it ("English", "简体中文"). */
    languageName: string
    /** Shown when some text on the page is not translated and the default language's is shown. */
    untranslated(defaultLanguage: string): string
  }
  home: Record<string, never>
  uptime: Record<string, never>
  incident: Record<string, never>
  history: Record<string, never>
  forms: Record<string, never>
  /** The pages the API serves itself (subscribe, confirm, manage…) and the status badges. */
  pages: {
    /** The footer's line: before the "Report a problem" link, and after it. */
    help: string
    helpAfter: string
    /** Where a page's text is not translated yet (the frame is). */
    untranslated: string
    /** The label of the whole page's badge. */
    badgeLabel: string
    /** A component's status as badges say it: a word or two. */
    badgeStatus: Record<ComponentStatus, string>
  }
}
