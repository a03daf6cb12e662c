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
    /** The company's link in the header ("Back to Example"). */
    backTo(company: string): string
    support: string
    /** Before the time the page was published. */
    updated: string
    /** The footer's invitation to report: before the link, the link, right after it. */
    reportLead: string
    reportLink: string
    reportPromise: string
    subscribe: string
    feeds: Record<'email' | 'rss' | 'atom' | 'calendar' | 'json', string>
    /** Titles of the feeds' <link rel="alternate">. */
    feedTitle(page: string, feed: 'rss' | 'atom' | 'json' | 'calendar'): string
    /** The tooltip of a time the reader's browser rewrote into their own zone. */
    publishedAs: string
    /** Shown by the optional script when the status changed since the page was published. */
    newer: string
    reload: string
    /** A component's status, beside its name. */
    componentStatus: Record<
      | 'operational'
      | 'degraded_performance'
      | 'partial_outage'
      | 'major_outage'
      | 'under_maintenance',
      string
    >
    /** A calendar day ("2026-11-23", already in the page's zone): "23 Nov 2026". */
    day(date: string): string
    notFound: {
      title: string
      heading: string
      text: string
      description(page: string): string
      status(page: string): string
    }
  }
  home: {
    /** The banner, from the page status (core/status-rollup.ts pageStatus's description). */
    banner(description: string): string
    description(status: string, page: string): string
    active: string
    maintenance: string
    addToCalendar: string
    components: string
    uptimeDetails: string
    past: string
    history: string
    noIncidents: string
    /** Under a group's name: "3 components · 99.95% uptime over 90 days". */
    groupMeta(components: number, uptime: string, days: number): string
  }
  uptime: {
    title: string
    heading(days: number): string
    description(page: string, days: number): string
    /** How the figure is computed (the weights come from core/uptime.ts). */
    method(timeZone: string): string
    key: string
    keys: Record<'ok' | 'degraded' | 'partial' | 'major' | 'maintenance' | 'none', string>
    /** The bar's label for screen readers: "Payments API: daily uptime, last 90 days". */
    barLabel(name: string, days: number): string
    /** Under the bar: its left end, the figure, its right end. */
    daysAgo(days: number): string
    over(uptime: string, days: number): string
    today: string
    /** One day of a bar: the figure and what happened. */
    dayUptime(uptime: string): string
    noData: string
    maintenanceFor(duration: string): string
    major(duration: string): string
    partial(duration: string): string
    degraded(duration: string): string
    maintenance(duration: string): string
    incidents: string
    /** A day's facts in one line ("99.80% uptime, 17 min partial outage"). */
    join(parts: string[]): string
    /** The figure as text ("99.95%"); null is no data. */
    percent(uptime: number | null): string
    duration(ms: number): string
    dailyFigures: string
    dailyCaption(name: string): string
    dayColumn: string
    uptimeColumn: string
    noUptime: string
    target(t: string): string
    meets(t: string): string
    below(t: string): string
  }
  incident: Record<string, never>
  history: Record<string, never>
  forms: Record<string, never>
}
