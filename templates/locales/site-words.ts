import type { AffectedWords } from '../../core/affected-sentence.ts'
import type { ChannelName } from '../../core/channels.ts'
import type { FeedWords } from '../../core/feed-words.ts'
import type { ComponentStatus } from '../../core/schemas/component.ts'
import type { Locale } from '../../core/schemas/subscription.ts'

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
    /**
     * The early-warning notice (REPORT_BANNER): customers' reports about these components (empty:
     * about no component in particular) are being looked into, before any incident is published.
     */
    lookingInto(components: readonly string[]): string
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
  incident: IncidentWords
  history: HistoryWords
  forms: FormWords
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

/** Incident and maintenance pages, and the cards and lines that show one. */
export interface IncidentWords {
  /** The badge of a maintenance window (incidents show their impact). */
  maintenance: string
  /** The link back to the home page, arrow included. */
  back: string
  /** The page's meta description: fixed words and the page name only. */
  description(status: string, page: string): string
  maintenanceDescription(status: string, page: string): string
  started: string
  resolved: string
  notYet: string
  duration: string
  ongoingFor(duration: string): string
  /** An open incident in a list that is not re-published as time passes (history). */
  ongoing: string
  /** The resolved page's first words, before the resolving update ("Resolved after 1 h 12 min."). */
  resolvedAfter(duration: string): string
  /** The open incident's box: what a customer can do until it is fixed. */
  workaround: string
  /** The timeline of a resolved incident: a workaround that helped while it lasted. */
  whileItLasted: string
  /** An open incident's timeline, where the workaround shown at the top was given or changed. */
  workaroundGiven: string
  /** An open incident's timeline: a workaround later replaced by another. */
  workaroundEarlier: string
  readPostmortem: string
  affectedComponents: string
  /** The same list once resolved: each with its status while the incident lasted. */
  affectedWhile: string
  updates: string
  postmortem: string
  published: string
  /** "A: Operational → Major outage" in a timeline entry. */
  change(name: string, from: string, to: string): string
  fullTimeline: string
  /** Read after "Full timeline" by screen readers only. */
  fullTimelineOf(name: string): string
  /** The language of a text that fell back, named in this language ("English", "英文"). */
  languages: Record<Locale, string>
  /** "Only A is affected; B and C are working normally." (the rule is core/affected-sentence.ts) */
  affected: AffectedWords
  windowLabel: string
  plannedLength: string
  completed: string
  cancelledNote: string
  /** What a maintenance window's page says first, by its state. */
  maintenanceLead: {
    scheduled: string
    inProgress: string
    completed: string
  }
  calendar(page: string): string
  inWindow: string
  affects: string
}

/** The incident history and the feeds. */
export interface HistoryWords {
  title: string
  monthTitle(month: string): string
  description(page: string): string
  monthDescription(page: string, month: string): string
  lastMonths(count: number): string
  noneInMonth(month: string): string
  noneYet: string
  months: string
  postmortem: string
  feed: FeedWords
}

/** The report form (on its page and at the end of an incident's) and the subscribe page. */
export interface FormWords {
  reportTitle: string
  reportDescription(page: string): string
  reportIntro: string
  /** "Already posted? The [current status] lists every problem we know about…" around the link. */
  alreadyPosted: [before: string, link: string, after: string]
  askOpen: string
  askOpenIntro: string
  askResolved: string
  askResolvedIntro: string
  message: string
  component: string
  optional: string
  notSure: string
  email: string
  leaveEmpty: string
  send: string
  subscribeTitle: string
  subscribeDescription(page: string): string
  ways: string
  channels: Record<ChannelName, string>
  subscribeIntro: string
  emailAddress: string
  onlyThese: string
  otherServices: string
  language: string
  subscribe: string
  preferFeed: string
}
