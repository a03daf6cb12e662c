// The feeds' fixed words apart from the feeds themselves: the catalogs import them, and the
// catalogs reach the Worker's bundle, which must not pull in the \`rss\` package (Node-only).
/**
 * The fixed words of a feed in one language: the catalog's `site.history.feed`, handed in by the
 * publisher (core never reads the catalogs).
 */
export interface FeedWords {
  /** BCP 47 tag for dates (the catalog's `lang`). */
  lang: string
  title(page: string): string
  description(page: string): string
  /** An incident's or a window's status ("Resolved", "In progress"); unknown ones as they are. */
  status(status: string): string
  cancelled: string
  scheduled: string
  affected: string
  postmortem: string
  apology: string
  workaround: string
  /** An item's title: "Maintenance: Database upgrade (Completed)", "Card charges failing (Resolved)". */
  itemTitle(kind: 'incident' | 'maintenance', name: string, status: string): string
}

/** Update statuses of incidents and maintenance windows in English (the site's labels too). */
export const UPDATE_STATUS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
}

export const statusLabel = (s: string) => UPDATE_STATUS[s] ?? s

/** The words of a feed given none: English, as feeds were before they had a language. */
export const ENGLISH_FEED: FeedWords = {
  lang: 'en',
  title: (page) => `${page} — incident history`,
  description: (page) => `Incidents and maintenance for ${page}`,
  status: statusLabel,
  cancelled: 'Cancelled',
  scheduled: 'Scheduled',
  affected: 'Affected',
  postmortem: 'Post-mortem',
  apology: 'Our apology',
  workaround: 'Workaround',
  itemTitle: (kind, name, status) =>
    `${kind === 'maintenance' ? 'Maintenance: ' : ''}${name} (${status})`,
}
