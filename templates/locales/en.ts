import { creditSentence, type ComponentCredit } from '../../core/compensation.ts'
import { ENGLISH_AFFECTED } from '../../core/affected-sentence.ts'
import { CHANNEL_TABS } from '../../core/channels.ts'
import { ENGLISH_FEED } from '../../core/feed-words.ts'
import { formatDate, formatDuration, formatTime, formatUptime } from '../../core/format.ts'
import type { PostmortemWording } from '../../core/postmortem-template.ts'
import type { SiteWords } from './site-words.ts'

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
  /**
   * A record email's subject: its current status and name ("Resolved: …", "Maintenance
   * completed: …"), so an inbox shows how the story ends; `status` is the status's label.
   */
  recordSubject(kind: 'incident' | 'maintenance', status: string, name: string): string
  statusLine(status: string, impact: string | null): string
  posted(time: string): string
  window(from: string, until: string): string
  affectedOpen(names: string): string
  affectedClosed(names: string): string
  inMaintenance(names: string): string
  workingNormally(names: string): string
  workingAgain(names: string): string
  notAffected(names: string): string
  noneOfYours: string
  /** The same once it is over (resolution, post-mortem): past tense. */
  noneOfYoursClosed: string
  noComponents: string
  workaround: string
  apology: string
  compensation: string
  /**
   * One component's service credit in a sentence: what it names (never "0 min") is decided by
   * core/compensation.ts creditFacts; the page's zone dates it.
   */
  credit(
    c: Pick<ComponentCredit, 'component_name' | 'down_seconds' | 'added_at'>,
    credit: number,
    timeZone: string,
  ): string
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
  /** To the contact address of a webhook, chat or SMS subscription that was quarantined. */
  quarantined: {
    subject(endpoint: string): string
    intro(page: string, endpoint: string): string
    lastError: string
    howTo: string
    manageButton: string
    subscribe: string
    once: string
  }
  /** Reminders before a maintenance window, and the notice when it runs late. */
  notice: {
    reminder_24h(start: string): string
    reminder_1h(start: string): string
    overrun(end: string): string
  }
  /** The follow-up some days after an incident: is it really over for this reader? */
  followUp: {
    question: string
    intro(resolvedAt: string): string
    allGood: string
    stillAffected: string
    oneClick: string
  }
  /**
   * Posts to a chat channel (Slack, Teams, Discord): the personal lines as labelled facts, the
   * buttons. Read by a team in a channel, not one person, so it speaks of "this channel".
   */
  chat: {
    heading(status: string, title: string): string
    maintenanceHeading(status: string, title: string): string
    facts: Record<
      | 'affectedOpen'
      | 'affectedClosed'
      | 'inMaintenance'
      | 'workingAgain'
      | 'workingNormally'
      | 'notAffected',
      string
    >
    window: string
    span(from: string, until: string): string
    latestUpdate: string
    viewIncident: string
    viewMaintenance: string
    why(page: string, what: string): string
    confirm: {
      title: string
      intro(page: string, what: string): string
      ignore: string
    }
  }
  /** The post-mortem's starting point (core/postmortem-template.ts). */
  postmortemTemplate: PostmortemWording
  /** The status site's pages (templates/locales/site-words.ts). */
  site: SiteWords
  /** The maintenance calendars (templates/calendar-wording.ts); other words are the emails'. */
  calendar: {
    name(page: string): string
    /** A subscriber's own calendar, filtered to what they follow. */
    personalName(page: string): string
    summary(name: string): string
    inWindow(names: string): string
  }
  /** Mail to someone who wrote to us (they may be no subscriber). */
  feedback: {
    subject(page: string): string
    thanks: string
    promise: string
    /** The thank-you's link when the report names no incident. */
    statusPage: string
    answerIntro: string
    /** To a reporter whose report was among those that led to an incident, once it is public. */
    helped: string
    helpedBody(incident: string): string
    signed(author: string): string
    more(url: string): string
    why(page: string): string
  }
  /** Internal mail to on-call (written in English only: it is for the team, not customers). */
  oncall: {
    subject(kind: 'update_due' | 'postmortem_due', name: string): string
    body(kind: 'update_due' | 'postmortem_due', due: string): string
    why(page: string): string
    /** A draft incident opened from signals (alerts, checks, report spikes). */
    draft: {
      subject(component: string): string
      intro(component: string, since: string): string
      fired: string
      publish: string
      once(expires: string): string
      review: string
      why(page: string): string
    }
  }
  /** Mail to the team about their own console account (English only, like on-call). */
  account: {
    inviteSubject(page: string): string
    invited(by: string, page: string, role: string): string
    inviteButton: string
    resetSubject(page: string): string
    resetIntro(page: string): string
    resetButton: string
    once(expires: string): string
    inviteIgnore: string
    resetIgnore: string
    why(page: string): string
  }
}

const listFormat = new Intl.ListFormat('en-GB', { type: 'conjunction' })

/** "14:05 CET": a time of day in a zone, for a timeline's later entries on the same day. */
export function timeOfDayIn(lang: string, iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat(lang, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(iso))
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('hour')}:${get('minute')} ${get('timeZoneName')}`
}

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
  recordSubject: (kind, status, name) =>
    kind === 'incident' ? `${status}: ${name}` : `Maintenance ${status.toLowerCase()}: ${name}`,
  statusLine: (status, impact) => (impact ? `Status: ${status} · ${impact}` : `Status: ${status}`),
  posted: (time) => `Posted ${time}`,
  window: (from, until) => `Scheduled from ${from} to ${until}`,
  affectedOpen: (names) => `Affected for you: ${names}`,
  affectedClosed: (names) => `Was affected: ${names}`,
  inMaintenance: (names) => `Your services in this maintenance: ${names}`,
  workingNormally: (names) => `Working normally: ${names}`,
  workingAgain: (names) => `Working normally again: ${names}`,
  notAffected: (names) => `Not affected: ${names}`,
  noneOfYours: 'None of the services you follow is affected.',
  noneOfYoursClosed: 'None of the services you follow was affected.',
  noComponents: 'No specific service is marked as affected.',
  workaround: 'What you can do meanwhile',
  apology: 'Our apology',
  compensation: 'What we offer you',
  credit: creditSentence,
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
  quarantined: {
    subject: (endpoint) => `Updates to ${endpoint} are paused`,
    intro: (page, endpoint) =>
      `${page} has stopped sending status updates to ${endpoint}: it refused our deliveries several times in a row, so we paused them rather than keep failing.`,
    lastError: 'The last answer we got',
    howTo:
      'Once the endpoint accepts our requests again, turn updates back on from your subscription page, or subscribe it again on the status page.',
    manageButton: 'Open your subscription',
    subscribe: 'Subscribe again',
    once: 'Until then nothing more is sent to it, and this is the only email about it.',
  },
  notice: {
    reminder_24h: (start) => `Reminder: this maintenance starts in 24 hours, at ${start}.`,
    reminder_1h: (start) => `Reminder: this maintenance starts in 1 hour, at ${start}.`,
    overrun: (end) =>
      `This maintenance is taking longer than planned: it was due to end at ${end}. We will tell you as soon as it is complete.`,
  },
  followUp: {
    question: 'Is everything working again?',
    intro: (at) =>
      `We resolved this incident on ${at}. We want to be sure it is really over for you, not just on our side.`,
    allGood: 'Yes, everything works',
    stillAffected: 'No, I still have a problem',
    oneClick: 'One click is enough; you can add a comment on the page that opens.',
  },
  chat: {
    heading: (status, title) => `${status}: ${title}`,
    maintenanceHeading: (status, title) => `Maintenance (${status}): ${title}`,
    facts: {
      affectedOpen: 'Affected for you',
      affectedClosed: 'Was affected',
      inMaintenance: 'Your services in this maintenance',
      workingAgain: 'Working normally again',
      workingNormally: 'Still working',
      notAffected: 'Not affected',
    },
    window: 'When',
    span: (from, until) => `${from} to ${until}`,
    latestUpdate: 'Latest update',
    viewIncident: 'View incident',
    viewMaintenance: 'View maintenance',
    why: (page, what) => `This channel is subscribed to ${page} updates about ${what}.`,
    confirm: {
      title: 'Confirm these status updates',
      intro: (page, what) =>
        `Someone subscribed this channel to ${page} status updates about ${what}. Confirm to start receiving them.`,
      ignore:
        'If nobody here asked for this, ignore this message: nothing else will be posted here.',
    },
  },
  postmortemTemplate: {
    headings: {
      summary: 'Summary',
      impact: 'Impact',
      timeline: 'Timeline',
      rootCause: 'Root cause',
      changes: 'What we are changing',
    },
    summary: (affected) =>
      `What happened${affected ? ` to ${affected}` : ''}, in two or three sentences: what customers saw and what they could not do.`,
    impact: ({ started, resolved, duration }) =>
      `Who was affected, how, and for how long. The impact began on ${started}${resolved ? ` and ended on ${resolved} (${duration})` : '; the incident is not resolved yet'}.`,
    began: 'Impact began',
    rootCause: 'What failed and why, without blame: the conditions that let it happen, not who.',
    changes: ['Each change that keeps this from happening again, with the date it is done by.'],
    timeOfDay: (iso, timeZone) => timeOfDayIn('en-GB', iso, timeZone),
    duration: formatDuration,
  },
  calendar: {
    name: (page) => `${page} maintenance`,
    personalName: (page) => `${page} maintenance (your services)`,
    summary: (name) => `Maintenance: ${name}`,
    inWindow: (names) => `In this maintenance: ${names}`,
  },
  feedback: {
    subject: (page) => `Your message to ${page}`,
    thanks:
      'Thank you for telling us. Most people who run into a problem never say so; you did, and it helps.',
    promise: 'A person will read your message and answer within 24 hours.',
    statusPage: 'See the current status of our services',
    answerIntro: 'Here is our answer to your message.',
    helped: 'Thank you — you helped us find this.',
    helpedBody: (incident) =>
      `Your report was one of the first signs of a problem. We looked into it and have now published an incident, “${incident}”, where we will post updates until it is fixed.`,
    signed: (author) => `— ${author}`,
    more: (url) => `Anything else? Tell us here: ${url}`,
    why: (page) =>
      `You receive this because you wrote to ${page}. We will not add you to any list.`,
  },
  oncall: {
    subject: (kind, name) =>
      kind === 'update_due' ? `Update due: ${name}` : `Post-mortem due: ${name}`,
    body: (kind, due) =>
      kind === 'update_due'
        ? `The next public update on this incident is due by ${due}. Post one now, even without news: silence is what customers remember.`
        : `The post-mortem for this incident is due by ${due}. Publish it to keep the promise made to customers.`,
    why: (page) =>
      `Sent to on-call by ${page} because a communication promise is about to be missed.`,
    draft: {
      subject: (component) => `Draft incident: ${component}`,
      intro: (component, since) =>
        `Signals about ${component} since ${since} opened a draft incident. Customers see nothing yet: publish it now, even without a cause, or dismiss it.`,
      fired: 'What fired',
      publish: 'Publish as is',
      once: (expires) =>
        `The button opens a page that shows the proposal; it publishes only when you confirm there. It works until ${expires}.`,
      review: 'Review, edit or dismiss in the console',
      why: (page) =>
        `Sent to on-call by ${page} because monitoring signals opened a draft incident.`,
    },
  },
  account: {
    inviteSubject: (page) => `You are invited to the ${page} console`,
    invited: (by, page, role) =>
      `${by} invited you to the console of ${page}, where the team keeps its status page up to date. Your role: ${role}.`,
    inviteButton: 'Choose your password',
    resetSubject: (page) => `Choose a new password for the ${page} console`,
    resetIntro: (page) =>
      `Someone asked to reset the password of your ${page} console account. If it was you, choose a new one; every place you are signed in will be signed out.`,
    resetButton: 'Choose a new password',
    once: (expires) => `The link works once, until ${expires}.`,
    inviteIgnore: 'Not expecting this? Ignore this email: nothing happens until the link is used.',
    resetIgnore: 'Did not ask? Ignore this email: your password stays as it is.',
    why: (page) => `Sent by ${page} to a member of its team about their console account.`,
  },
  site: {
    frame: {
      status: 'status',
      title: (page) => (/\bstatus$/i.test(page) ? page : `${page} status`),
      nav: {
        status: 'Status',
        history: 'History',
        uptime: 'Uptime',
        subscribe: 'Get updates',
        report: 'Report a problem',
      },
      mainNav: 'Main',
      skip: 'Skip to content',
      language: 'Language',
      languageName: 'English',
      untranslated: (lang) => `Some of this text is not translated yet and is shown in ${lang}.`,
      backTo: (company) => `Back to ${company}`,
      support: 'Support',
      updated: 'Last updated',
      reportLead: 'Something not working?',
      reportLink: 'Report a problem',
      reportPromise: ': we answer within 24 hours.',
      subscribe: 'Subscribe',
      feeds: { email: 'Email', rss: 'RSS', atom: 'Atom', calendar: 'Calendar', json: 'JSON API' },
      feedTitle: (page, feed) =>
        ({
          rss: `${page} incidents (RSS)`,
          atom: `${page} incidents (Atom)`,
          json: `${page} status (JSON)`,
          calendar: `${page} maintenance (iCalendar)`,
        })[feed],
      publishedAs: 'Published as',
      newer: 'There are newer updates.',
      reload: 'Reload this page',
      componentStatus: {
        operational: 'Operational',
        degraded_performance: 'Degraded performance',
        partial_outage: 'Partial outage',
        major_outage: 'Major outage',
        under_maintenance: 'Under maintenance',
      },
      day: (date) => formatDate(date, 'UTC'),
      notFound: {
        title: 'Page not found',
        heading: 'Page not found',
        text: 'There is no page at this address. It may have moved, or the link may be mistyped.',
        description: (page) => `This page does not exist on the ${page} status page.`,
        status: (page) => `Current status of ${page}`,
      },
    },
    home: {
      banner: (description) => description,
      description: (status, page) => `${status}. Live status, incidents and uptime of ${page}.`,
      active: 'Active incidents',
      maintenance: 'Scheduled maintenance',
      addToCalendar: 'Add to your calendar',
      components: 'Components',
      uptimeDetails: 'Uptime details',
      past: 'Past incidents',
      history: 'Incident history',
      noIncidents: 'No incidents reported.',
      lookingInto: (components) =>
        components.length
          ? `We’re looking into reports of problems with ${listFormat.format(components)}.`
          : 'We’re looking into reports of problems and will post an update here.',
      groupMeta: (n, uptime, days) =>
        `${n} ${n === 1 ? 'component' : 'components'} · ${uptime} uptime over ${days} days`,
    },
    uptime: {
      title: 'Uptime',
      heading: (days) => `Uptime, last ${days} days`,
      description: (page, days) => `Uptime of each ${page} component over the last ${days} days.`,
      method: (tz) =>
        `Time-weighted per calendar day (${tz}). A major outage counts fully as downtime, a partial outage at 30%, degraded performance not at all; maintenance is left out.`,
      key: 'Key',
      keys: {
        ok: 'Operational',
        degraded: 'Degraded',
        partial: 'Partial outage',
        major: 'Major outage',
        maintenance: 'Maintenance',
        none: 'No data',
      },
      barLabel: (name, days) => `${name}: daily uptime, last ${days} days`,
      daysAgo: (days) => `${days} days ago`,
      over: (uptime, days) => `${uptime} uptime over ${days} days`,
      today: 'Today',
      dayUptime: (uptime) => `${uptime} uptime`,
      noData: 'No data',
      maintenanceFor: (d) => `Maintenance, ${d}`,
      major: (d) => `${d} major outage`,
      partial: (d) => `${d} partial outage`,
      degraded: (d) => `${d} degraded performance`,
      maintenance: (d) => `${d} maintenance`,
      incidents: 'Incidents',
      join: (parts) => parts.join(', '),
      percent: formatUptime,
      duration: formatDuration,
      dailyFigures: 'Daily figures',
      dailyCaption: (name) => `${name}: uptime per day, newest first`,
      dayColumn: 'Day',
      uptimeColumn: 'Uptime',
      noUptime: 'No uptime data yet.',
      target: (t) => `Target ${t}`,
      meets: (t) => `Meets its ${t} target`,
      below: (t) => `Below its ${t} target`,
    },
    incident: {
      maintenance: 'Maintenance',
      back: '← Current status',
      description: (status, page) =>
        `${status} incident on the ${page} status page: timeline, affected components and workaround.`,
      maintenanceDescription: (status, page) =>
        `${status} maintenance on the ${page} status page: window, components and updates.`,
      started: 'Started',
      resolved: 'Resolved',
      notYet: 'Not yet',
      duration: 'Duration',
      ongoingFor: (d) => `ongoing for ${d}`,
      ongoing: 'ongoing',
      resolvedAfter: (d) => `Resolved after ${d}.`,
      workaround: 'Workaround: what you can do meanwhile',
      whileItLasted: 'Workaround, while it lasted:',
      workaroundGiven: 'Gave the workaround shown above.',
      workaroundEarlier: 'Workaround at the time:',
      readPostmortem: 'Read the post-mortem: what happened and what we are changing',
      affectedComponents: 'Affected components',
      affectedWhile: 'Affected while it lasted',
      updates: 'Updates',
      postmortem: 'Post-mortem',
      published: 'Published',
      change: (name, from, to) => `${name}: ${from} → ${to}`,
      fullTimeline: 'Full timeline',
      fullTimelineOf: (name) => ` of ${name}`,
      languages: { en: 'English', 'zh-CN': 'Simplified Chinese' },
      affected: ENGLISH_AFFECTED,
      windowLabel: 'Window',
      plannedLength: 'Planned length',
      completed: 'Completed',
      cancelledNote: 'This maintenance was cancelled and will not take place in this window.',
      maintenanceLead: {
        scheduled: 'The services listed below may be unavailable during this window.',
        inProgress:
          'Under way now: the services listed below may be unavailable until it is complete.',
        completed: 'Complete: every service in this window is working normally again.',
      },
      calendar: (page) => `Add ${page} maintenance to your calendar`,
      inWindow: 'Components in this window',
      affects: 'Affects:',
    },
    history: {
      title: 'Incident history',
      monthTitle: (month) => `Incident history, ${month}`,
      description: (page) => `Recent incidents and maintenance of ${page}.`,
      monthDescription: (page, month) => `Incidents and maintenance of ${page} in ${month}.`,
      lastMonths: (n) =>
        n === 1
          ? 'The last month with incidents or maintenance.'
          : `The last ${n} months with incidents or maintenance, newest first.`,
      noneInMonth: (month) => `No incidents reported in ${month}.`,
      noneYet: 'No incidents reported yet.',
      months: 'Months',
      postmortem: 'Post-mortem',
      feed: ENGLISH_FEED,
    },
    forms: {
      reportTitle: 'Report a problem',
      reportDescription: (page) =>
        `Tell the ${page} team about a problem; a person reads every report and answers within 24 hours.`,
      reportIntro:
        'Something not working as it should? Tell us. A person reads every report, and we answer within 24 hours when you leave an email address.',
      alreadyPosted: [
        'Already posted? The ',
        'current status',
        ' lists every problem we know about, with workarounds.',
      ],
      askOpen: 'Are you affected? Tell us',
      askOpenIntro:
        'Tell us what you see: it helps us find and fix the problem sooner, and a person reads every report.',
      askResolved: 'Still affected? Tell us',
      askResolvedIntro:
        'If something still does not work for you, we want to know: a person reads every report.',
      message: 'What is not working for you?',
      component: 'Which service?',
      optional: '(optional)',
      notSure: 'Not sure / several',
      email: 'Your email, if you want an answer',
      leaveEmpty: 'Leave this field empty',
      send: 'Send report',
      subscribeTitle: 'Get updates by email',
      subscribeDescription: (page) =>
        `Email updates about ${page} incidents and maintenance, only for the services you use.`,
      ways: 'Ways to get updates',
      channels: CHANNEL_TABS,
      subscribeIntro:
        'We email you when something you use is affected, with every update in one thread, and when maintenance is planned. Choose nothing below to hear about everything. We send a link to confirm first; every email has a one-click unsubscribe.',
      emailAddress: 'Email address',
      onlyThese: 'Only these services',
      otherServices: 'Other services',
      language: 'Language',
      subscribe: 'Subscribe',
      preferFeed: 'Prefer a feed?',
    },
    pages: {
      help: 'Something not working?',
      helpAfter: ': we answer within 24 hours.',
      untranslated: 'This page is not translated yet.',
      badgeLabel: 'status',
      badgeStatus: {
        operational: 'operational',
        degraded_performance: 'degraded',
        partial_outage: 'partial outage',
        major_outage: 'major outage',
        under_maintenance: 'maintenance',
      },
    },
  },
}
