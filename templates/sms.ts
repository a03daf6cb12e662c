import { fitSms, type FittedSms, type SmsPart } from '../core/sms-text.ts'
import type { Locale } from '../core/schemas/subscription.ts'
import type { IncidentView } from '../core/site-data.ts'
import type { YourServices } from './personal.ts'
import { catalogFor } from './render.ts'

/**
 * Every fixed word a text message says, per language (statuses and the "affected for you"
 * sentences come from the email catalog, templates/locales/). A new language is one more entry;
 * the type makes it complete.
 */
export interface SmsWords {
  /** How a text opens: whose status page it comes from (a number alone says nothing). */
  from(page: string): string
  /** What separates it from the headline. */
  gap: ' ' | ''
  headline(status: string, name: string): string
  maintenance(status: string, name: string): string
  starts(time: string): string
  notice: {
    reminder_24h(start: string): string
    reminder_1h(start: string): string
    overrun(end: string): string
  }
  /** The confirmation text: the code first, so a phone's preview shows it. */
  code(page: string, code: string): string
  codeHow: string
  codeIgnore: string
  /** Carriers require the way out in every text; the provider acts on the keyword too. */
  stop: string
}

export const SMS_WORDS: Readonly<Record<Locale, SmsWords>> = {
  en: {
    from: (page) => `${page}:`,
    gap: ' ',
    headline: (status, name) => `${status}: ${name}`,
    maintenance: (status, name) => `Maintenance (${status}): ${name}`,
    starts: (time) => `Starts ${time}.`,
    notice: {
      reminder_24h: (start) => `Starts in 24 hours, ${start}.`,
      reminder_1h: (start) => `Starts in 1 hour, ${start}.`,
      overrun: (end) => `Running late: it was due to end ${end}.`,
    },
    code: (page, code) => `Your ${page} status code: ${code}.`,
    codeHow: 'Enter it on the page to confirm your text alerts.',
    codeIgnore: 'Did not ask? Ignore this text.',
    stop: 'Reply STOP to unsubscribe',
  },
  'zh-CN': {
    from: (page) => `【${page}】`,
    gap: '',
    headline: (status, name) => `${status}：${name}`,
    maintenance: (status, name) => `维护（${status}）：${name}`,
    starts: (time) => `开始时间：${time}。`,
    notice: {
      reminder_24h: (start) => `将于 24 小时后开始：${start}。`,
      reminder_1h: (start) => `将于 1 小时后开始：${start}。`,
      overrun: (end) => `维护超时：原定于 ${end} 结束。`,
    },
    code: (page, code) => `您的 ${page} 状态通知验证码：${code}。`,
    codeHow: '请在订阅页面输入以确认短信通知。',
    codeIgnore: '如非本人操作，请忽略本短信。',
    stop: '回复STOP退订',
  },
}

/** A page name longer than this is shortened in texts: the room is for the news. */
const PAGE_NAME_MAX = 32

const wordsFor = (locale: string): SmsWords => SMS_WORDS[locale as Locale] ?? SMS_WORDS.en

export interface SmsRecordInput {
  locale: string
  page: { name: string; url: string; timeZone: string }
  kind: 'incident' | 'maintenance'
  record: Pick<IncidentView, 'name' | 'path' | 'components' | 'scheduled_for' | 'scheduled_until'>
  /** A key of the catalog's status labels, or `cancelled`. */
  status: string
  notice: 'reminder_24h' | 'reminder_1h' | 'overrun' | null
  /** The update's text (plain), if the event has one. */
  update: string | null
  yours: YourServices
}

/**
 * A text about an incident or a maintenance window, for one subscriber: who sends it, what
 * happened, what it means for the services *they* follow, the update, a link, the way out.
 * Within one GSM-7 segment (two UCS-2 ones): the update is shortened first, then the personal
 * line, the maintenance time, the headline, the page name; the link and the way out never are.
 */
export function renderSmsRecord(input: SmsRecordInput): FittedSms {
  const t = catalogFor(input.locale)
  const w = wordsFor(input.locale)
  const { record: r, yours } = input
  const tz = input.page.timeZone
  const isIncident = input.kind === 'incident'
  const labels = isIncident ? t.incidentStatus : t.maintenanceStatus
  const status = input.status === 'cancelled' ? t.cancelled : (labels[input.status] ?? input.status)
  const open = !['resolved', 'completed', 'cancelled', 'postmortem'].includes(input.status)

  const when =
    !isIncident && r.scheduled_for && r.scheduled_until
      ? input.notice === 'overrun'
        ? w.notice.overrun(t.time(r.scheduled_until, tz))
        : input.notice
          ? w.notice[input.notice](t.time(r.scheduled_for, tz))
          : input.status === 'scheduled'
            ? w.starts(t.time(r.scheduled_for, tz))
            : ''
      : ''

  // One sentence: while open, which of their services are hit; once over, which work again
  // (the news a resolution brings), else which were hit, else that none of theirs was.
  let personal = ''
  if (r.components.length > 0) {
    const names = t.list(yours.affected)
    if (open)
      personal =
        yours.affected.length === 0
          ? t.noneOfYours
          : isIncident
            ? t.affectedOpen(names)
            : t.inMaintenance(names)
    else if (yours.recovered.length) personal = t.workingAgain(t.list(yours.recovered))
    else personal = yours.affected.length ? t.affectedClosed(names) : t.noneOfYoursClosed
  }

  const parts: SmsPart[] = [
    { text: w.from(input.page.name), cut: 5, max: PAGE_NAME_MAX },
    {
      text: isIncident ? w.headline(status, r.name) : w.maintenance(status, r.name),
      cut: 4,
      before: w.gap,
    },
    { text: when, cut: 3 },
    { text: personal, cut: 2 },
    { text: input.update ?? '', cut: 1 },
    { text: `${input.page.url}${r.path}` },
    { text: w.stop },
  ]
  return fitSms(parts)
}

/** The confirmation text: the code, what to do with it, what to do if it was not asked for. */
export function renderSmsCode(input: { locale: string; page: string; code: string }): FittedSms {
  const w = wordsFor(input.locale)
  return fitSms([
    { text: w.code(input.page, input.code) },
    { text: w.codeHow, cut: 2, before: ' ' },
    { text: w.codeIgnore, cut: 1, before: ' ' },
    { text: w.stop },
  ])
}
