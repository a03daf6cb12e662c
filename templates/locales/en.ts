import { formatTime } from '../../core/format.ts'

/**
 * Every fixed word an email says, per language. Templates never hold wording of their own, so a
 * new language is one more file of this shape (and a test that renders with it).
 */
export interface Catalog {
  /** BCP 47 tag for `<html lang>` and for Intl formatting. */
  lang: string
  /** "A, B and C" in this language. */
  list(names: readonly string[]): string
  /** What follows a label before its value ("Unsubscribe: …"). */
  colon: string
  /** An instant with its time zone named. */
  time(iso: string, timeZone: string): string
  incidentStatus: Record<string, string>
  maintenanceStatus: Record<string, string>
  cancelled: string
  impact: Record<string, string>
  /** The word before a maintenance window's name in the subject ("Maintenance: …"). */
  maintenanceSubject(name: string): string
  statusLine(status: string, impact: string | null): string
  posted(time: string): string
  window(from: string, until: string): string
  affectedOpen(names: string): string
  affectedClosed(names: string): string
  inMaintenance(names: string): string
  workingNormally(names: string): string
  notAffected(names: string): string
  noneOfYours: string
  noComponents: string
  workaround: string
  apology: string
  compensation: string
  postmortem: string
  followIncident: string
  followMaintenance: string
  why(page: string, what: string): string
  everything: string
  manage: string
  unsubscribe: string
  confirmation: {
    subject: string
    intro(page: string, what: string): string
    button: string
    expires(time: string): string
    ignore: string
  }
}

const listFormat = new Intl.ListFormat('en-GB', { type: 'conjunction' })

export const en: Catalog = {
  lang: 'en',
  list: (names) => listFormat.format(names),
  colon: ': ',
  time: (iso, timeZone) => formatTime(iso, timeZone),
  incidentStatus: {
    investigating: 'Investigating',
    identified: 'Identified',
    monitoring: 'Monitoring',
    resolved: 'Resolved',
    postmortem: 'Post-mortem published',
  },
  maintenanceStatus: {
    scheduled: 'Scheduled',
    in_progress: 'In progress',
    verifying: 'Verifying',
    completed: 'Completed',
  },
  cancelled: 'Cancelled',
  impact: {
    none: 'No impact',
    minor: 'Minor impact',
    major: 'Major impact',
    critical: 'Critical impact',
  },
  maintenanceSubject: (name) => `Maintenance: ${name}`,
  statusLine: (status, impact) => (impact ? `Status: ${status} · ${impact}` : `Status: ${status}`),
  posted: (time) => `Posted ${time}`,
  window: (from, until) => `Scheduled from ${from} to ${until}`,
  affectedOpen: (names) => `Affected for you: ${names}`,
  affectedClosed: (names) => `Was affected: ${names}`,
  inMaintenance: (names) => `Your services in this maintenance: ${names}`,
  workingNormally: (names) => `Working normally: ${names}`,
  notAffected: (names) => `Not affected: ${names}`,
  noneOfYours: 'None of the services you follow is affected.',
  noComponents: 'No specific service is marked as affected.',
  workaround: 'What you can do meanwhile',
  apology: 'Our apology',
  compensation: 'What we offer you',
  postmortem: 'Post-mortem: what happened and what we are changing',
  followIncident: 'Follow this incident on the status page',
  followMaintenance: 'See this maintenance on the status page',
  why: (page, what) => `You receive this because you subscribed to ${page} updates about ${what}.`,
  everything: 'all services',
  manage: 'Change what you receive',
  unsubscribe: 'Unsubscribe',
  confirmation: {
    subject: 'Confirm your subscription',
    intro: (page, what) => `Please confirm that you want email updates from ${page} about ${what}.`,
    button: 'Confirm subscription',
    expires: (time) => `This link expires on ${time}.`,
    ignore:
      'If you did not ask for this, ignore this email: you will not receive anything else from us.',
  },
}
