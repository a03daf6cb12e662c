import type { AffectedWords } from '../../core/affected-sentence.ts'
import type { ChannelName } from '../../core/channels.ts'
import type { FeedWords } from '../../core/feeds.ts'
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
  }
  home: Record<string, never>
  uptime: Record<string, never>
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
  componentStatus: Record<ComponentStatus, string>
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
