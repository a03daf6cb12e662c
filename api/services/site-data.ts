import { affectedSentence } from '../../core/affected-sentence.ts'
import { monthStartIn, nextMonth } from '../../core/format.ts'
import { realChanges, workaroundWhereChanged } from '../../core/incident-page.ts'
import { shownIn, type LocaleSettings, type Translations } from '../../core/localized.ts'
import { notFound } from '../../core/errors.ts'
import { settle } from '../../core/settled.ts'
import { renderMarkdown } from '../../core/markdown.ts'
import type { IncidentRecord } from '../../core/records.ts'
import type { Component } from '../../core/schemas/component.ts'
import type {
  HistoryMonth,
  IncidentView,
  RouteData,
  SiteBrand,
  SiteCommon,
  UptimeSummary,
} from '../../core/site-data.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import type { ChannelName } from '../../core/channels.ts'
import { localePath, withLive } from '../../core/site-data.ts'
import type { StatusSnapshot } from '../../core/snapshot.ts'
import { pageStatus } from '../../core/status-rollup.ts'
import { toLocalDate } from '../../core/local-time.ts'
import { dayWindows, incidentsByDay } from '../../core/uptime.ts'
import { getIncident, listLatest, listMonths, listStartedBetween } from '../../db/incidents.ts'
import { statusHistorySince, type StatusHistoryEntry } from '../../db/components.ts'
import { openReportDraftKeys } from '../../db/drafts.ts'
import { catalogFor } from '../../templates/locales/index.ts'
import type { Config } from '../config.ts'
import type { Deps } from '../deps.ts'
import { recovery } from './recovery.ts'
import { loadSnapshot } from './status.ts'
import { uptime } from './uptime.ts'

export const UPTIME_DAYS = 90
export const RECENT_DAYS = 14
export const HISTORY_INDEX_MONTHS = 3
export const FEED_ITEMS = 50

export function sitePath(r: Pick<IncidentRecord, 'id' | 'kind'>): string {
  return r.kind === 'maintenance' ? `/maintenance/${r.id}/` : `/incidents/${r.id}/`
}

/** Where the publisher puts the brand's files (copied from BRAND_LOGO, BRAND_FAVICON, BRAND_CSS). */
export function brandPaths(brand: Config['brand']): Pick<SiteBrand, 'logo' | 'favicon' | 'css'> {
  const at = (file: string | null, name: string) =>
    file ? `/brand/${name}${(/\.[a-z0-9]+$/i.exec(file)?.[0] ?? '').toLowerCase()}` : null
  return {
    logo: at(brand.logoFile, 'logo'),
    favicon: at(brand.faviconFile, 'favicon'),
    css: at(brand.cssFile, 'brand'),
  }
}

export function siteBrand(config: Pick<Config, 'brand'>): SiteBrand {
  const b = config.brand
  return {
    color: b.color,
    ...brandPaths(b),
    company: b.companyName ? { name: b.companyName, url: b.companyUrl } : null,
    support_url: b.supportUrl,
  }
}

/** What every page shares, in one locale (the default one unless given). */
export function commonFrom(
  s: StatusSnapshot,
  config: Pick<Config, 'brand' | 'locales'>,
  locale: Locale = config.locales.default,
): SiteCommon {
  return {
    page: s.page,
    // The worse of the components and the open incidents (core/status-rollup.ts pageStatus).
    status: pageStatus(
      s.components.map((c) => c.status),
      s.incidents.filter((r) => r.status !== 'resolved').map((r) => r.impact),
    ),
    generated_at: s.generated_at,
    components: s.components,
    groups: s.groups,
    locale,
    locales: config.locales,
    brand: siteBrand(config),
    // Until a route says otherwise (core/site-data.ts withLive), as of now.
    live: true,
  }
}

/** A reader's language and the page's: absent for the default locale (no translation read). */
export interface ViewLocale {
  locale: Locale
  locales: LocaleSettings
}

/** The site's view of an incident: bodies rendered and sanitised, names resolved, the plain sentence. */
export function incidentViewOf(
  r: IncidentRecord,
  components: readonly Component[],
  compensation: string[] = [],
  lang?: ViewLocale,
): IncidentView {
  // Every translatable text goes through `shownIn`, which notes when (and to what) it fell back.
  let untranslated = false
  const shown = <F extends string>(
    own: string,
    translations: Translations<F> | undefined,
    field: F,
  ): { text: string; lang: Locale | null } => {
    if (!lang) return { text: own, lang: null }
    const s = shownIn(own, translations, field, lang.locale, lang.locales)
    untranslated ||= s.fallback
    return { text: s.text, lang: s.fallback ? lang.locales.default : null }
  }
  const md = <F extends string>(
    own: string | null,
    translations: Translations<F> | undefined,
    field: F,
  ): { html: string | null; lang: Locale | null } => {
    if (!own) return { html: null, lang: null }
    const s = shown(own, translations, field)
    return { html: renderMarkdown(s.text), lang: s.lang }
  }
  const words = catalogFor(lang?.locale ?? 'en').site.incident
  const byId = new Map(components.map((c) => [c.id, c]))
  const affected = r.components.map((c) => ({
    id: c.id,
    name: byId.get(c.id)?.name ?? 'Removed component',
    status: c.status,
  }))
  const open =
    r.kind === 'incident'
      ? r.status !== 'resolved'
      : r.status === 'in_progress' || r.status === 'verifying'
  const published = r.postmortem?.status === 'published' ? r.postmortem : null
  const name = shown(r.name, r.translations, 'name')
  const workaround = md(r.workaround, r.translations, 'workaround')
  const apology = md(r.apology, r.translations, 'apology')
  const postmortem = published
    ? md(published.body, published.translations, 'body')
    : { html: null, lang: null }
  const updates = r.updates.map((u) => {
    const body = shown(u.body, u.translations, 'body')
    const wk = md(u.workaround, u.translations, 'workaround')
    return {
      id: u.id,
      status: u.status,
      created_at: u.created_at,
      body_html: renderMarkdown(body.text),
      workaround_html: wk.html,
      affected_components: realChanges(u.affected_components),
      text_lang: { body: body.lang, workaround: wk.lang },
    }
  })
  return {
    id: r.id,
    kind: r.kind,
    name: name.text,
    status: r.status,
    impact: r.impact,
    path: lang ? localePath(sitePath(r), lang.locale, lang.locales) : sitePath(r),
    untranslated,
    text_lang: {
      name: name.lang,
      workaround: workaround.lang,
      apology: apology.lang,
      postmortem: postmortem.lang,
    },
    started_at: r.started_at,
    resolved_at: r.resolved_at,
    scheduled_for: r.scheduled_for,
    scheduled_until: r.scheduled_until,
    cancelled_at: r.cancelled_at,
    updated_at: r.updated_at,
    workaround_html: workaround.html,
    components: affected,
    // Components the page hides while operational are not listed as "working normally" either.
    affected_sentence: open
      ? affectedSentence(
          components.filter(
            (c) =>
              !c.only_show_if_degraded ||
              c.status !== 'operational' ||
              r.components.some((a) => a.id === c.id),
          ),
          r.components,
          words.affected,
        )
      : null,
    updates: workaroundWhereChanged(updates),
    apology_html: apology.html,
    compensation,
    postmortem_html: postmortem.html,
    postmortem_published_at: published ? published.published_at : null,
  }
}

/**
 * The same view without any rendered text, for lists (history, the last 14 days) that show
 * one line per incident: rendering every body of hundreds of incidents is most of a publish.
 */
export function incidentLineOf(
  r: IncidentRecord,
  components: readonly Component[],
  lang?: ViewLocale,
): IncidentView {
  const empty = { ...r, updates: [], workaround: null, apology: null, postmortem: null }
  return {
    ...incidentViewOf(empty, components, [], lang),
    postmortem_published_at: r.postmortem?.published_at ?? null,
  }
}

/**
 * Where the site's data is read from: the database itself, or the publisher's caches
 * (api/jobs/publish-reads.ts), which answer the same questions from what has not changed since
 * the last publish. Pages are built from either the same way.
 */
export interface SiteReads {
  /** Full records started in [from, to), newest first. */
  startedBetween(from: string, to: string): Promise<IncidentRecord[]>
  /** The `limit` most recently started records. */
  latest(limit: number): Promise<IncidentRecord[]>
  /** Every month with something in it (page's zone), newest first. */
  months(): Promise<string[]>
  /** Component status history since an instant (db/components.ts statusHistorySince). */
  statusHistory(since: string): Promise<StatusHistoryEntry[]>
}

export function databaseReads(deps: Deps): SiteReads {
  return {
    startedBetween: (from, to) => listStartedBetween(deps.db, from, to),
    latest: (limit) => listLatest(deps.db, limit),
    months: () => listMonths(deps.db, deps.config.page.timeZone),
    statusHistory: (since) => statusHistorySince(deps.db, since),
  }
}

/** The incidents started since `from` and the open ones (which may have started earlier). */
async function incidentsSince(
  deps: Deps,
  reads: SiteReads,
  snapshot: StatusSnapshot,
  from: string,
) {
  const now = deps.clock.now()
  const started = await reads.startedBetween(from, new Date(now.getTime() + 1).toISOString())
  const byId = new Map(started.map((r) => [r.id, r]))
  for (const r of snapshot.incidents) if (r.status !== 'resolved') byId.set(r.id, r)
  return [...byId.values()].filter((r) => r.kind === 'incident')
}

/**
 * The last summaries made, by everything they were made from: the status history by identity
 * (the publisher's cache hands back the same array while its mark holds; a fresh read never
 * matches), the rest by value. Within a minute in which no status changed and no incident moved
 * in or out of a day, the next publish reuses the summary: same figures, no recomputation, and
 * the page hashes and renders that see the same object do less.
 */
const madeSummaries = new Map<string, { history: unknown; summary: UptimeSummary }>()

async function uptimeSummary(
  deps: Deps,
  reads: SiteReads,
  snapshot: StatusSnapshot,
  line: (r: IncidentRecord) => IncidentView,
  inputs: string,
): Promise<UptimeSummary> {
  // As of the end of the current minute, the finest unit the bars show: while a component is
  // down, today's figures would otherwise differ at every publish, and the uptime page with them.
  // The end, not the start, so a component that went down a second ago already colours today.
  // Never past today, though: the last minute before midnight stays today's.
  const windows = dayWindows(deps.clock.now(), UPTIME_DAYS, deps.config.page.timeZone)
  const minuteEnd = Math.ceil(deps.clock.now().getTime() / 60_000) * 60_000
  const now = new Date(Math.min(minuteEnd, windows.at(-1)!.end - 1))
  const since = new Date(windows[0]!.start).toISOString()
  const [history, records] = await Promise.all([
    reads.statusHistory(since),
    incidentsSince(deps, reads, snapshot, since),
  ])
  const key = JSON.stringify([
    inputs,
    now.toISOString(),
    deps.config.page.timeZone,
    snapshot.components,
    snapshot.groups,
    records.map((r) => {
      const { name, path } = line(r)
      return [r.id, r.started_at, r.resolved_at, r.components.map((c) => c.id), name, path]
    }),
  ])
  const made = madeSummaries.get(key)
  if (made?.history === history) return made.summary
  const all = await uptime.all(deps, UPTIME_DAYS, {
    snapshot,
    history: () => Promise.resolve(history),
    at: now,
  })
  const spans = records.map((r) => ({ ...r, components: r.components.map((c) => c.id) }))
  const byComponent = incidentsByDay(spans, windows, now)
  const dayIncidents: UptimeSummary['day_incidents'] = {}
  for (const [id, days] of byComponent) dayIncidents[id] = Object.fromEntries(days)
  // A group's day lists what touched any of its members.
  for (const g of snapshot.groups) {
    const days: Record<string, string[]> = {}
    for (const member of g.components)
      for (const [date, ids] of byComponent.get(member) ?? [])
        days[date] = [...new Set([...(days[date] ?? []), ...ids])]
    if (Object.keys(days).length) dayIncidents[g.id] = days
  }
  const named = new Set(Object.values(dayIncidents).flatMap((d) => Object.values(d).flat()))
  const incidents: UptimeSummary['incidents'] = {}
  for (const r of records)
    if (named.has(r.id)) {
      const v = line(r)
      incidents[r.id] = { name: v.name, path: v.path }
    }
  const summary: UptimeSummary = {
    days: UPTIME_DAYS,
    components: Object.fromEntries(
      all.components.map((c) => [c.id, { uptime: c.uptime, days: c.days }]),
    ),
    groups: Object.fromEntries(all.groups.map((g) => [g.id, { uptime: g.uptime, days: g.days }])),
    day_incidents: dayIncidents,
    incidents,
  }
  // One entry per locale is all a publisher needs; the bound keeps other callers from piling up.
  if (madeSummaries.size >= 8) madeSummaries.clear()
  madeSummaries.set(key, { history, summary: settle(summary) })
  return summary
}

const shaped = new WeakMap<IncidentRecord, Map<string, IncidentView>>()

/**
 * A view of `r` made once per record object and `inputs` (what else the view reads). Records are
 * never changed in place (a new version is a new object), so a view cannot go stale; at most a few
 * views are kept per record (locales × the components' names), and all go with the record.
 */
function shapedOnce(r: IncidentRecord, inputs: string, make: () => IncidentView): IncidentView {
  let views = shaped.get(r)
  if (!views) shaped.set(r, (views = new Map<string, IncidentView>()))
  let v = views.get(inputs)
  if (!v) {
    if (views.size >= 8) views.clear()
    views.set(inputs, (v = settle(make())))
  }
  return v
}

/**
 * The components customers' reports are being looked into for, for the page's notice
 * (REPORT_BANNER), or null: named in the page's order, and the notice stays until staff publish
 * or dismiss the draft.
 */
async function lookingInto(deps: Deps, snapshot: StatusSnapshot): Promise<string[] | null> {
  if (!deps.config.reportSpikes.banner) return null
  const keys = await openReportDraftKeys(deps.db)
  if (keys.length === 0) return null
  return snapshot.components.filter((c) => keys.includes(c.id)).map((c) => c.name)
}

/**
 * Builds the data for each kind of page. One snapshot is shared by all routes of a publish, so
 * a batch of pages is consistent and the database is read once for the common part.
 */
export function siteData(
  deps: Deps,
  snapshot: StatusSnapshot,
  locale: Locale = deps.config.locales.default,
  reads: SiteReads = databaseReads(deps),
) {
  const common = commonFrom(snapshot, deps.config, locale)
  const lang: ViewLocale = { locale, locales: deps.config.locales }
  // Everything a view reads besides its record: a record the publisher's cache hands back
  // unchanged (db/incidents.ts RecordCache) is then shaped once, not at every publish.
  const inputs = JSON.stringify([
    locale,
    deps.config.locales,
    snapshot.components.map((c) => [c.id, c.name, c.status, c.only_show_if_degraded]),
  ])
  const view = (r: IncidentRecord) =>
    shapedOnce(r, `view ${inputs}`, () => incidentViewOf(r, snapshot.components, [], lang))
  const line = (r: IncidentRecord) =>
    shapedOnce(r, `line ${inputs}`, () => incidentLineOf(r, snapshot.components, lang))
  let uptimeOnce: Promise<UptimeSummary> | null = null
  const uptimeOf = () => (uptimeOnce ??= uptimeSummary(deps, reads, snapshot, line, inputs))
  return {
    common,
    async home(): Promise<RouteData> {
      const now = deps.clock.now()
      // Days in the page's zone, as the uptime bars and every date on the site.
      const tz = deps.config.page.timeZone
      const recentDays = dayWindows(now, RECENT_DAYS, tz)
      const from = new Date(recentDays[0]!.start).toISOString()
      const [recent, up] = await Promise.all([
        reads.startedBetween(from, new Date(now.getTime() + 1).toISOString()),
        uptimeOf(),
      ])
      // The snapshot already holds every open incident, newest first.
      const active = snapshot.incidents.filter((r) => r.status !== 'resolved')
      const windows = snapshot.maintenances.filter(
        (r) =>
          r.status === 'in_progress' ||
          r.status === 'verifying' ||
          (r.status === 'scheduled' && !r.cancelled_at),
      )
      const rank = (r: IncidentRecord) => (r.status === 'scheduled' ? 1 : 0)
      windows.sort(
        (a, b) => rank(a) - rank(b) || (a.scheduled_for ?? '').localeCompare(b.scheduled_for ?? ''),
      )
      const days = recentDays.map((w) => w.date).reverse()
      const byDay = new Map<string, IncidentRecord[]>()
      for (const r of recent) {
        if (r.kind !== 'incident') continue
        const date = toLocalDate(r.started_at, tz)
        byDay.set(date, [...(byDay.get(date) ?? []), r])
      }
      return withLive({
        kind: 'home',
        common,
        active: active.map(view),
        maintenances: windows.map(view),
        recent: days.map((date) => ({
          date,
          incidents: (byDay.get(date) ?? []).map(line),
        })),
        uptime: up,
        lookingInto: await lookingInto(deps, snapshot),
      })
    },
    async incident(id: string): Promise<RouteData> {
      const r = await getIncident(deps.db, id)
      if (!r) throw notFound('incident', id)
      return this.incidentOf(r)
    },
    /** The page of an incident or maintenance window already loaded. */
    async incidentOf(r: IncidentRecord): Promise<RouteData> {
      if (r.kind === 'maintenance') {
        return withLive({ kind: 'maintenance', common, maintenance: view(r) })
      }
      const sentences = r.compensation
        ? (await recovery.compensation(deps, r.id)).sentences_by_locale[locale]
        : []
      return withLive({
        kind: 'incident',
        common,
        incident: incidentViewOf(r, snapshot.components, sentences, lang),
      })
    },
    async history(month: string | null): Promise<RouteData> {
      // Months are the page's (TIME_ZONE): an incident at 23:30 UTC on the 31st may be next month's.
      const tz = snapshot.page.time_zone
      const index = await reads.months()
      const shown = month ? [month] : index.slice(0, HISTORY_INDEX_MONTHS)
      const months: HistoryMonth[] = []
      for (const m of shown) {
        const list = await reads.startedBetween(monthStartIn(m, tz), monthStartIn(nextMonth(m), tz))
        months.push({ month: m, incidents: list.map(line) })
      }
      return withLive({ kind: 'history', common, months, index, current: month })
    },
    async uptime(): Promise<RouteData> {
      return withLive({ kind: 'uptime', common, uptime: await uptimeOf() })
    },
    notFound(): RouteData {
      return withLive({ kind: 'not-found', common })
    },
    report(): RouteData {
      return withLive({ kind: 'report', common })
    },
    subscribe(channels: ChannelName[]): RouteData {
      return withLive({ kind: 'subscribe', common, channels })
    },
    async feedItems(): Promise<IncidentView[]> {
      return (await reads.latest(FEED_ITEMS)).map(view)
    },
  }
}

export async function loadSiteData(deps: Deps, locale?: Locale) {
  return siteData(deps, await loadSnapshot(deps), locale)
}
