import type { Locale } from '../core/schemas/subscription.ts'
import { personalLines } from './personal.ts'
import {
  catalogFor,
  isOpenStatus,
  noticeText,
  personalSentence,
  statusWords,
  type EmailContent,
} from './render.ts'

/** How a post is coloured or marked: the worst impact while open, then how it ended. */
export type ChatTone = 'critical' | 'major' | 'minor' | 'none' | 'maintenance' | 'good' | 'muted'

export interface ChatSection {
  heading: string | null
  text: string
}

export interface ChatLink {
  label: string
  url: string
}

/**
 * A post to a chat channel before any app's format: Slack, Teams and Discord each lay this out in
 * their own JSON (api/jobs/notifier/channels/). Every string is plain text as people read it; each
 * layout escapes it for its own markup, so nothing here is markup.
 */
export interface ChatMessage {
  /** Status and title in one line: the header, and the text of notifications. */
  heading: string
  tone: ChatTone
  /** The record's page (the title links to it), or null. */
  url: string | null
  /** When what the post says happened (ISO): the event's time, so a retry is the same post. */
  at: string
  /** Small print under the heading: the status line, when the update was posted. */
  context: string[]
  /** Labelled facts: the window, what is affected for this subscription, what still works. */
  facts: { label: string; value: string }[]
  /** Sentences that stand alone: a reminder, "None of the services you follow is affected." */
  notes: string[]
  workaround: ChatSection | null
  update: ChatSection | null
  /** What follows in order: the post-mortem, the follow-up question, the apology, the make-good. */
  sections: ChatSection[]
  /** Buttons; the first is the main one (view the incident, confirm). */
  actions: ChatLink[]
  /** Why the channel gets this, and its way out. */
  footer: { why: string; manage: ChatLink; unsubscribe: ChatLink }
}

export interface ChatInput {
  locale: Locale
  page: { name: string; url: string; timeZone: string }
  links: { manage: string; unsubscribe: string }
  subscribedTo: { all: boolean; names: string[] }
  /** The event's time. */
  at: string
  /**
   * What the subscriber is told: the same content an email says (api/jobs/notifier). A
   * quarantine notice goes to the contact's mailbox only, never to the endpoint that failed.
   */
  content: Exclude<EmailContent, { kind: 'quarantined' }>
}

/** The post for one subscriber of a chat channel, in their language. Pure. */
export function chatMessage(input: ChatInput): ChatMessage {
  const t = catalogFor(input.locale)
  const what = input.subscribedTo.all ? t.everything : t.list(input.subscribedTo.names)
  const footer = {
    why: t.chat.why(input.page.name, what),
    manage: { label: t.manage, url: input.links.manage },
    unsubscribe: { label: t.unsubscribe, url: input.links.unsubscribe },
  }
  const c = input.content
  const base = {
    at: input.at,
    context: [],
    facts: [],
    notes: [],
    workaround: null,
    update: null,
    sections: [],
    footer,
  }
  if (c.kind === 'confirmation') {
    const k = t.chat.confirm
    return clean({
      ...base,
      heading: k.title,
      tone: 'muted',
      url: null,
      context: [t.confirmation.expires(t.time(c.expiresAt, input.page.timeZone))],
      notes: [k.intro(input.page.name, what), k.ignore],
      actions: [{ label: t.confirmation.button, url: c.confirmUrl }],
    })
  }
  const r = c.record
  const url = `${input.page.url}${r.path}`
  const tz = input.page.timeZone
  // Markdown that renders to nothing (an image, raw HTML) leaves no empty section behind.
  const apology = c.apology?.text ? [{ heading: t.apology, text: c.apology.text }] : []
  const compensation = c.compensation?.length
    ? [{ heading: t.compensation, text: c.compensation.join('\n') }]
    : []
  if (c.kind === 'follow_up') {
    const f = t.followUp
    return clean({
      ...base,
      heading: r.name,
      tone: 'good',
      url,
      facts: c.yours.affected.length
        ? [{ label: t.chat.facts.affectedClosed, value: t.list(c.yours.affected) }]
        : [],
      sections: [
        { heading: f.question, text: f.intro(t.time(r.resolved_at ?? input.at, tz)) },
        ...apology,
        ...compensation,
      ],
      actions: [
        { label: f.allGood, url: c.answers.all_good },
        { label: f.stillAffected, url: c.answers.still_affected },
        { label: t.chat.viewIncident, url },
      ],
    })
  }
  const incident = c.kind === 'incident'
  const words = statusWords(c.kind, c.status, r.impact, t)
  const open = isOpenStatus(c.status)
  const facts: ChatMessage['facts'] = []
  const notes: string[] = []
  const notice = noticeText(c.notice ?? null, r, t, tz)
  if (notice) notes.push(notice)
  if (!incident && r.scheduled_for && r.scheduled_until)
    facts.push({
      label: t.chat.window,
      value: t.chat.span(t.time(r.scheduled_for, tz), t.time(r.scheduled_until, tz)),
    })
  for (const line of personalLines(c.yours, {
    kind: c.kind,
    open,
    hasComponents: r.components.length > 0,
  })) {
    if (line.names.length === 0) notes.push(personalSentence(line, t))
    else
      facts.push({
        label: t.chat.facts[line.kind as keyof typeof t.chat.facts],
        value: t.list(line.names),
      })
  }
  return clean({
    ...base,
    heading: incident
      ? t.chat.heading(words.label, r.name)
      : t.chat.maintenanceHeading(words.label, r.name),
    tone: toneOf(c.kind, c.status, r.impact, open),
    url,
    context: [words.statusLine, ...(c.update ? [t.posted(t.time(c.update.created_at, tz))] : [])],
    facts,
    notes,
    workaround: c.workaround?.text ? { heading: t.workaround, text: c.workaround.text } : null,
    update: c.update?.body_text ? { heading: t.chat.latestUpdate, text: c.update.body_text } : null,
    sections: [
      ...(c.postmortem?.text ? [{ heading: t.postmortem, text: c.postmortem.text }] : []),
      ...apology,
      ...compensation,
    ],
    actions: [{ label: incident ? t.chat.viewIncident : t.chat.viewMaintenance, url }],
  })
}

function toneOf(kind: 'incident' | 'maintenance', status: string, impact: string, open: boolean) {
  if (status === 'cancelled') return 'muted'
  if (!open) return 'good'
  if (kind === 'maintenance') return 'maintenance'
  return impact === 'critical' || impact === 'major' || impact === 'minor' ? impact : 'none'
}

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the
 * text that follows them on the line: in a post they could flip our own words or a link's label.
 * Written text may hold them (the input rule allows them, RTL languages use marks instead), so
 * every string of a post loses them here, in one pass. Marks (U+200E/U+200F) stay.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g

function clean(m: ChatMessage): ChatMessage {
  const s = (x: string) => x.replace(BIDI_CONTROLS, '')
  const section = (x: ChatSection | null) =>
    x && { heading: x.heading && s(x.heading), text: s(x.text) }
  const link = (l: ChatLink) => ({ label: s(l.label), url: l.url })
  return {
    ...m,
    heading: s(m.heading),
    context: m.context.map(s),
    facts: m.facts.map((f) => ({ label: s(f.label), value: s(f.value) })),
    notes: m.notes.map(s),
    workaround: section(m.workaround),
    update: section(m.update),
    sections: m.sections.map((x) => section(x)!),
    actions: m.actions.map(link),
    footer: {
      why: s(m.footer.why),
      manage: link(m.footer.manage),
      unsubscribe: link(m.footer.unsubscribe),
    },
  }
}
