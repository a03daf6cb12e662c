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
  /** Without a status for a reminder or an overrun notice: the notice says what is new. */
  maintenance(status: string | null, name: string): string
  /** A moment, short: no year (a window is announced weeks ahead at most), the zone named. */
  time(iso: string, timeZone: string): string
  starts(time: string): string
  /** Which of their services a maintenance window touches (shorter than the email's). */
  inMaintenance(names: string): string
  /** The end of a list named in part ("and 4 more"). */
  more(count: number): string
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
    maintenance: (status, name) =>
      status ? `Maintenance (${status}): ${name}` : `Maintenance: ${name}`,
    time: (iso, timeZone) => shortTime('en-GB', iso, timeZone),
    starts: (time) => `Starts ${time}.`,
    inMaintenance: (names) => `Affects your ${names}`,
    more: (count) => `${count} more`,
    notice: {
      reminder_24h: (start) => `Starts in 24 hours: ${start}.`,
      reminder_1h: (start) => `Starts in 1 hour: ${start}.`,
      overrun: (end) => `Running late: due to end ${end}.`,
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
    maintenance: (status, name) => (status ? `维护（${status}）：${name}` : `维护：${name}`),
    time: (iso, timeZone) => shortTime('zh-CN', iso, timeZone),
    starts: (time) => `开始时间：${time}。`,
    inMaintenance: (names) => `涉及您关注的：${names}`,
    more: (count) => `其他 ${count} 项`,
    notice: {
      reminder_24h: (start) => `24 小时后开始：${start}。`,
      reminder_1h: (start) => `1 小时后开始：${start}。`,
      overrun: (end) => `维护超时：原定于 ${end} 结束。`,
    },
    code: (page, code) => `您的 ${page} 状态通知验证码：${code}。`,
    codeHow: '请在订阅页面输入以确认短信通知。',
    codeIgnore: '如非本人操作，请忽略本短信。',
    stop: '回复STOP退订',
  },
}

const timeFormats = new Map<string, Intl.DateTimeFormat>()

/** "12 Mar, 02:00 UTC" / "3月12日 02:00 UTC": a day, a time of day and the zone. */
function shortTime(lang: string, iso: string, timeZone: string): string {
  const key = `${lang} ${timeZone}`
  let f = timeFormats.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(lang, {
      timeZone,
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
    timeFormats.set(key, f)
  }
  return f.format(new Date(iso))
}

/** Services named in a text; more are counted ("A, B and 4 more"). */
const LISTED = 3

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
 * line, the headline, the page name; a maintenance window's time, the link and the way out are
 * never cut.
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
        ? w.notice.overrun(w.time(r.scheduled_until, tz))
        : input.notice
          ? w.notice[input.notice](w.time(r.scheduled_for, tz))
          : input.status === 'scheduled'
            ? w.starts(w.time(r.scheduled_for, tz))
            : ''
      : ''

  // One sentence: while open, which of their services are hit; once over, which work again
  // (the news a resolution brings), else which were hit, else that none of theirs was.
  let personal = ''
  if (r.components.length > 0) {
    const list = (xs: readonly string[]) =>
      t.list(xs.length > LISTED ? [...xs.slice(0, LISTED - 1), w.more(xs.length - LISTED + 1)] : xs)
    const names = list(yours.affected)
    if (open)
      personal =
        yours.affected.length === 0
          ? t.noneOfYours
          : isIncident
            ? t.affectedOpen(names)
            : w.inMaintenance(names)
    else if (yours.recovered.length) personal = t.workingAgain(list(yours.recovered))
    else personal = yours.affected.length ? t.affectedClosed(names) : t.noneOfYoursClosed
  }

  const parts: SmsPart[] = [
    { text: w.from(input.page.name), cut: 4, max: PAGE_NAME_MAX },
    {
      text: isIncident
        ? w.headline(status, r.name)
        : w.maintenance(input.notice ? null : status, r.name),
      cut: 3,
      before: w.gap,
    },
    { text: when },
    { text: personal, cut: 2, whole: true },
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
