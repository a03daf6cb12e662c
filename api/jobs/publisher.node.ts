import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { atomFeed, rssFeed } from '../../core/feeds.ts'
import { monthIn } from '../../core/format.ts'
import type { IncidentRecord } from '../../core/records.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import { localePath, type RouteData } from '../../core/site-data.ts'
import { publishBrandFiles } from './brand-files.node.ts'
import { isSettled } from '../../core/settled.ts'
import type { StatusSnapshot } from '../../core/snapshot.ts'
import { v2Documents } from '../../core/statuspage-v2.ts'
import { catalogFor } from '../../templates/locales/index.ts'
import { getIncidentsByIds, listAllIds, listIdsNaming, listOpen } from '../../db/incidents.ts'
import { latestOutboxId, outboxEventAt, readOutbox, type StoredEvent } from '../../db/journal.ts'
import { afterRestore } from '../../db/positions.ts'
import { DATABASE_ID, getSetting } from '../../db/settings.ts'
import type { Deps } from '../deps.ts'
import { calendars, MAINTENANCE_CALENDAR_PATH } from '../services/calendar.ts'
import { loadSnapshot } from '../services/status.ts'
import { sitePath, siteData } from '../services/site-data.ts'
import { enabledChannels } from '../services/subscriber-endpoint.ts'
import { badgeFiles, COMPONENT_BADGES_DIR } from './badge-files.ts'
import { createPublishReads } from './publish-reads.ts'
import { copyPublishedTree, writeAtomic, writePublishedFile } from './published-file.node.ts'
import { retryDelay } from './retry.ts'
import type { SiteRenderer } from './site-renderer.node.ts'
import { createFragmentCache } from './fragment-cache.ts'

const STATE_FILE = '.published.json'
const MAX_REST_MS = 250
const EVENTS_PER_PASS = 500

/** The event at the folder's position, as published: a restore erases its id or reuses it. */
interface SeenEvent {
  type: string
  aggregate_id: string
  created_at: string
}

interface PublishedState {
  event_id: number
  /** Absent in folders published before it was recorded. */
  event?: SeenEvent | null
  site_build: string
  /** The database the site was published from (db/settings.ts DATABASE_ID). */
  database_id?: string | null
}

/** What the publish folder says it holds, or null when nothing was published there. */
export function readPublishedState(outDir: string): PublishedState | null {
  try {
    return JSON.parse(readFileSync(join(outDir, STATE_FILE), 'utf8')) as PublishedState
  } catch {
    return null
  }
}

/** What a set of events makes stale. `months: 'all'` when an incident may have moved month. */
interface Targets {
  home: boolean
  uptime: boolean
  records: Set<string>
  months: Set<string> | 'all'
  historyIndex: boolean
  /** /maintenance.ics: a window changed, or a component's name it shows. */
  calendar: boolean
  /** Every open incident's and window's page (they say which components still work). */
  open: boolean
  /** The pages of every record naming these components (renamed or removed). */
  naming: Set<string>
}

/**
 * What a page is made from, as a short hash: the route's data without the publish time (equal
 * inputs render equal bytes). Null for a page that shows the publish time (core/site-data.ts
 * liveRoute): its inputs differ at every publish, and hashing them would only say so.
 */
function inputKey(route: RouteData): string | null {
  if (route.common.live) return null
  const data = { ...route, common: { ...route.common, generated_at: '' } }
  return digest(JSON.stringify(data, (_key, value: unknown) => settledDigest(value) ?? value))
}

/**
 * A settled value (core/settled.ts: views of unchanged records, a reused uptime summary) is
 * hashed once and stands in the page's key by its digest: equal content, equal digest. Most of a
 * big page's data is settled from one publish to the next, so most of its key costs nothing.
 */
const settledDigests = new WeakMap<object, string>()
function settledDigest(value: unknown): string | undefined {
  if (!isSettled(value)) return undefined
  let d = settledDigests.get(value)
  if (d === undefined) settledDigests.set(value, (d = `\u0000${digest(JSON.stringify(value))}`))
  return d
}

function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64url')
}

/** The file a site path is written to. */
export function fileFor(path: string): string {
  if (path === '/404/') return '404.html'
  if (path.endsWith('/404/')) return `${path.slice(1, -5)}/404.html`
  if (/\.(json|rss|atom|ics|svg)$/.test(path)) return path.slice(1)
  return `${path.slice(1)}index.html`
}

/**
 * Turns outbox events into static files: re-renders only what an event touched (its page, the
 * home page, history, feeds, the v2 JSON) and swaps each file in atomically. Its position is kept
 * in the output folder, so the output and the record of what it contains cannot drift apart; a
 * crash re-renders the same pages again, which is harmless.
 */
/** Where a publish spends its time: `page` is a site path (or `reads`), `phase` one of PHASES. */
export type PhaseTimer = (page: string, phase: Phase, ms: number) => void
export type Phase = 'reads' | 'data' | 'hash' | 'render' | 'write'

export function createPublisher(opts: {
  deps: Deps
  renderer: SiteRenderer
  outDir: string
  /** Called with the time of each phase of each page (bench/publish-cost.ts). */
  timer?: PhaseTimer
}) {
  const { deps, renderer, outDir } = opts
  const phaseTimer = opts.timer ?? (() => {})
  /** `fn`'s result, its time reported as `phase` of `page`. */
  async function timed<T>(page: string, phase: Phase, fn: () => T | Promise<T>): Promise<T> {
    const t = performance.now()
    try {
      return await fn()
    } finally {
      phaseTimer(page, phase, performance.now() - t)
    }
  }
  const stateFile = join(outDir, STATE_FILE)
  let chain: Promise<unknown> = Promise.resolve()
  let queued = false
  let timer: ReturnType<typeof setInterval> | null = null
  let refresher: ReturnType<typeof setInterval> | null = null
  let busy = false
  let lastDuration = 0
  const listeners = new Set<(eventId: number) => void>()

  let databaseId: string | null = null
  let failures = 0
  let retryAt = 0
  const failureListeners = new Set<(err: Error | null) => void>()
  const writeState = (eventId: number, event: StoredEvent | null) => {
    const state: PublishedState = {
      event_id: eventId,
      event: event && {
        type: event.type,
        aggregate_id: event.aggregateId,
        created_at: event.createdAt,
      },
      site_build: renderer.buildId,
      database_id: databaseId,
    }
    writeAtomic(stateFile, JSON.stringify(state))
  }
  // Each file with its gzip beside it, compressed once here rather than by the server.
  const write = (path: string, content: string | Uint8Array) =>
    writePublishedFile(join(outDir, fileFor(path)), content)
  const reads = createPublishReads(deps)
  /** The history's months as last published; null until this process has published them. */
  let lastMonths: string[] | null = null
  /** Rendered parts of pages by their inputs (Reuse.astro), kept across publishes. */
  const fragments = createFragmentCache()
  /** Per published path, the key of what is in its file now (a page's inputs, else its bytes). */
  const published = new Map<string, string>()
  /**
   * Writes the file unless what it is made from (`key`) is what was last written there; a null
   * key (a page showing the publish time) is written every time.
   */
  async function emit(
    path: string,
    key: string | null,
    content: () => string | Uint8Array | Promise<string | Uint8Array>,
  ) {
    if (key !== null && published.get(path) === key) return false
    const bytes = await timed(path, 'render', content)
    await timed(path, 'write', () => write(path, bytes))
    if (key === null) published.delete(path)
    else published.set(path, key)
    return true
  }
  /** Files whose content is cheap to make: written only when the bytes changed. */
  const emitText = (path: string, content: string) => emit(path, digest(content), () => content)

  /** Publishes what `t` makes stale; the files written and the snapshot it read. */
  async function renderTargets(t: Targets): Promise<{ files: number; snapshot: StatusSnapshot }> {
    const snapshot = await timed('reads', 'reads', () => loadSnapshot(deps, reads.records))
    const { locales } = deps.config
    const ids = new Set(t.records)
    if (t.open) for (const r of await listOpen(deps.db, reads.records)) ids.add(r.id)
    for (const c of t.naming) for (const id of await listIdsNaming(deps.db, c)) ids.add(id)
    const records = await timed('reads', 'reads', () =>
      getIncidentsByIds(deps.db, [...ids], reads.records),
    )
    // History months are the page's (TIME_ZONE), as the history pages group them.
    const tz = snapshot.page.time_zone
    // The months change only when a record moves (its start edited) or lands in a month not
    // listed yet; records are never deleted.
    const known = await reads.forPublish().months()
    if (t.months === 'all' || records.some((r) => !known.includes(monthIn(r.started_at, tz)))) {
      reads.forgetMonths()
    }
    // This publish's reads, from here on: every page and locale sees the same months.
    const read = reads.forPublish()
    const index = await timed('reads', 'reads', () => read.months())
    // Every month page links the months beside it, and the index lists them all: when a month
    // comes or goes, every history page is stale (and an emptied month's page must go).
    const allMonths = t.months === 'all' || lastMonths?.join() !== index.join()
    const months = allMonths
      ? index
      : [...new Set([...t.months, ...records.map((r) => monthIn(r.started_at, tz))])]
    const targets = allMonths ? { ...t, historyIndex: true } : t
    let files = 0
    // Every page in every locale (decision 010): the default locale first, at the root.
    for (const locale of locales.all) {
      const data = siteData(deps, snapshot, locale, read)
      const at = (p: string) => localePath(p, locale, locales)
      files += await renderLocale(targets, data, snapshot, locale, records, months, at)
      if (allMonths) prune(at('/history/').slice(1, -1), index)
    }
    lastMonths = index
    // A removed component's badge goes with it.
    if (t.open) {
      prune(
        COMPONENT_BADGES_DIR,
        snapshot.components.map((c) => c.id),
      )
    }
    if (t.calendar && (await emitText(MAINTENANCE_CALENDAR_PATH, await calendars.site(deps)))) {
      files++
    }
    // The Statuspage v2 JSON is one document in the default locale, as Statuspage's is.
    for (const [name, doc] of Object.entries(v2Documents(snapshot))) {
      if (await emitText(`/api/v2/${name}`, JSON.stringify(doc))) files++
    }
    for (const [path, svg] of badgeFiles(snapshot, locales.default)) await emitText(path, svg)
    return { files, snapshot }
  }

  /** The pages (and feeds) of one locale that `t` makes stale; `at` maps a path into the locale. */
  async function renderLocale(
    t: Targets,
    data: ReturnType<typeof siteData>,
    snapshot: StatusSnapshot,
    locale: Locale,
    records: readonly IncidentRecord[],
    months: readonly string[],
    at: (path: string) => string,
  ): Promise<number> {
    // What readers look at during an incident goes first (its page, the home page); history,
    // uptime and the forms follow. Each file is swapped in as soon as it is rendered.
    const jobs: [string, () => Promise<RouteData>][] = []
    for (const r of records) jobs.push([sitePath(r), () => data.incidentOf(r)])
    if (t.home) jobs.push(['/', () => data.home()])
    const later: [string, () => Promise<RouteData>][] = []
    if (t.uptime) later.push(['/uptime/', () => data.uptime()])
    // The report and subscribe forms list the components: stale whenever the home page is.
    if (t.home) {
      later.push(['/report/', () => Promise.resolve(data.report())])
      const channels = enabledChannels(deps.config)
      later.push(['/subscribe/', () => Promise.resolve(data.subscribe(channels))])
    }
    if (t.historyIndex) later.push(['/history/', () => data.history(null)])
    for (const m of months) later.push([`/history/${m}/`, () => data.history(m)])
    let files = 0
    // Pages are rendered at their locale-free path (Astro's routes) and written under the
    // locale's, and only when their inputs changed since they were last written.
    const page = async (path: string, load: () => Promise<RouteData>) => {
      const route = await timed(at(path), 'data', load)
      const key = await timed(at(path), 'hash', () => inputKey(route))
      if (await emit(at(path), key, () => renderer.renderFile(path, route, fragments))) files++
    }
    for (const [path, load] of jobs) await page(path, load)
    if (t.home || t.records.size) {
      const items = await timed(at('/history.rss'), 'data', () => data.feedItems())
      // With no item, the feed last changed when the page's components did.
      const updated =
        items.reduce((max, i) => (i.updated_at > max ? i.updated_at : max), '') ||
        snapshot.components.reduce((max, c) => (c.updated_at > max ? c.updated_at : max), '') ||
        new Date(0).toISOString()
      const feed = {
        page: snapshot.page,
        locale,
        path: at,
        words: catalogFor(locale).site.history.feed,
      }
      const key = digest(JSON.stringify([items, updated, feed.page]))
      if (await emit(at('/history.rss'), key, () => rssFeed(feed, items, updated))) files++
      if (await emit(at('/history.atom'), key, () => atomFeed(feed, items, updated))) files++
    }
    for (const [path, load] of later) await page(path, load)
    return files
  }

  function targetsOf(events: readonly StoredEvent[]): Targets {
    const t: Targets = {
      home: false,
      uptime: false,
      records: new Set(),
      months: new Set(),
      historyIndex: false,
      calendar: false,
      open: false,
      naming: new Set(),
    }
    for (const e of events) {
      // A draft opened or closed moves the home page's notice of reports (REPORT_BANNER).
      if (e.aggregateType === 'draft') t.home = true
      if (e.aggregateType === 'maintenance') t.calendar = true
      if (e.aggregateType === 'incident' || e.aggregateType === 'maintenance') {
        t.home = t.uptime = t.historyIndex = true
        t.records.add(e.aggregateId)
        // A record that starts at another time may move to another month's page.
        const fields = e.payload.fields
        const moves = ['started_at', 'scheduled_for']
        if (Array.isArray(fields) && fields.some((f) => moves.includes(String(f)))) t.months = 'all'
      } else if (e.aggregateType === 'component' || e.aggregateType === 'component_group') {
        t.home = t.uptime = true
        t.calendar ||= e.aggregateType === 'component'
        // Open incidents say which components still work; a component's name (or its absence)
        // is on the page of every incident that named it.
        if (e.aggregateType === 'component') {
          t.open = true
          const fields = e.payload.fields
          if (!Array.isArray(fields) || fields.some((f) => f !== 'status'))
            t.naming.add(e.aggregateId)
        }
      }
    }
    return t
  }

  /** Everything, from scratch: used on first start, after a new site build, and by `npm run build`. */
  async function publishAll(): Promise<{ files: number }> {
    databaseId = await getSetting(deps.db, DATABASE_ID)
    return publishEverything()
  }

  /** publishAll for a caller that has just read `databaseId`. */
  async function publishEverything(): Promise<{ files: number }> {
    const eventId = await latestOutboxId(deps.db)
    const event = eventId ? await outboxEventAt(deps.db, eventId) : null
    mkdirSync(outDir, { recursive: true })
    if (existsSync(renderer.clientDir)) copyPublishedTree(renderer.clientDir, outDir)
    publishBrandFiles(deps.config.brand, outDir)
    // Nothing is trusted from before: the database may have been restored or replaced, and the
    // files on disk are rewritten whatever they hold.
    reads.clear()
    published.clear()
    // A full build renders every part afresh (the proof compares against one).
    fragments.clear()
    lastMonths = null
    const all = await listAllIds(deps.db)
    const full = await renderTargets({
      home: true,
      uptime: true,
      historyIndex: true,
      records: new Set(all.map((r) => r.id)),
      months: 'all',
      calendar: true,
      open: false,
      naming: new Set(),
    })
    // The same snapshot the pages were built from, not a second read.
    const { snapshot } = full
    let { files } = full
    const { locales } = deps.config
    for (const locale of locales.all) {
      const at = (p: string) => localePath(p, locale, locales)
      const notFound = siteData(deps, snapshot, locale).notFound()
      write(at('/404/'), await renderer.renderFile('/404/', notFound))
      published.set(at('/404/'), inputKey(notFound) ?? '')
      files++
      // Pages of records this database does not hold (erased by a restore, or published from
      // another database) would go on being served: they go.
      const dir = (d: string) => at(`/${d}/`).slice(1, -1)
      prune(
        dir('incidents'),
        all.filter((r) => r.kind === 'incident').map((r) => r.id),
      )
      prune(
        dir('maintenance'),
        all.filter((r) => r.kind === 'maintenance').map((r) => r.id),
      )
    }
    prune(
      COMPONENT_BADGES_DIR,
      snapshot.components.map((c) => c.id),
    )
    writeState(eventId, event)
    notify(eventId)
    return { files }
  }

  /** Removes `dir`'s subfolders (one per record or month) that are not in `keep`. */
  function prune(dir: string, keep: Iterable<string>) {
    const kept = new Set(keep)
    let names: string[]
    try {
      names = readdirSync(join(outDir, dir), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
    } catch {
      return
    }
    for (const name of names) {
      if (!kept.has(name)) rmSync(join(outDir, dir, name), { recursive: true, force: true })
    }
  }

  /**
   * Why this database is not the one the folder was published from up to its position, or null.
   * The event at the position is gone (the outbox is behind it, or ids carry on above it after
   * another consumer ran afterRestore) or is another event (ids reused by a writer that had not
   * noticed): either way the database was restored from a backup.
   */
  async function restoreSeen(state: PublishedState): Promise<string | null> {
    if (state.event_id === 0) return null
    const e = await outboxEventAt(deps.db, state.event_id)
    if (!e) return 'the event at the published position is not in the database'
    const seen = state.event
    if (
      seen &&
      (seen.type !== e.type ||
        seen.aggregate_id !== e.aggregateId ||
        seen.created_at !== e.createdAt)
    ) {
      return 'another event is stored under the published position'
    }
    return null
  }

  /** Processes the events written since the last publish. Returns how many events it handled. */
  async function catchUp(): Promise<number> {
    const state = readPublishedState(outDir)
    databaseId = await getSetting(deps.db, DATABASE_ID)
    if (!state || (state.database_id ?? null) !== databaseId) {
      await publishEverything()
      return 0
    }
    // Before the build check: `npm start` rebuilds the site on every start, and a full publish
    // for the new build would overwrite the position that is the only evidence of the restore.
    const restored = await restoreSeen(state)
    if (restored) {
      // Everything is published again from the restored database, and its ids carry on above
      // what was seen (decision 005).
      deps.log.warn('database behind the published site (restored?): publishing it all again', {
        published_event: state.event_id,
        database_event: await latestOutboxId(deps.db),
        reason: restored,
      })
      const at = deps.clock.now().toISOString()
      const seenAt = state.event?.created_at ?? null
      await deps.db.batch(afterRestore(state.event_id, seenAt, at), 'write')
      await publishEverything()
      return 0
    }
    if (state.site_build !== renderer.buildId) {
      await publishEverything()
      return 0
    }
    let handled = 0
    let position = state.event_id
    for (;;) {
      const events = await readOutbox(deps.db, position, EVENTS_PER_PASS)
      if (events.length === 0) break
      await renderTargets(targetsOf(events))
      const last = events.at(-1)!
      position = last.id
      writeState(position, last)
      handled += events.length
      notify(position)
    }
    return handled
  }

  /**
   * While something is open, "ongoing for 42 min" and "next update by" age on pages nobody
   * re-publishes, and at midnight the uptime bars move on a day: refreshing the pages that change
   * with time keeps them honest without JS. The others come out the same and are not rewritten.
   */
  async function refreshOpen(): Promise<number> {
    // The home page and the uptime bars move at midnight too; unchanged pages are not rewritten.
    const open = await listOpen(deps.db, reads.records)
    const { files } = await renderTargets({
      home: true,
      uptime: true,
      historyIndex: open.length > 0,
      records: new Set(open.map((r) => r.id)),
      months: new Set(),
      calendar: false,
      open: false,
      naming: new Set(),
    })
    return files
  }

  function notify(eventId: number) {
    for (const l of listeners) l(eventId)
  }

  /**
   * Runs publishes one at a time; a kick during a publish schedules exactly one more. A failure
   * (a full disk, no file handles left, the database away) is logged and reported, and kicks are
   * ignored until the retry delay has passed: the last published files keep being served.
   */
  function run<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn, fn)
    chain = next.then(
      () => {
        if (failures > 0) for (const l of failureListeners) l(null)
        failures = 0
      },
      (err: Error) => {
        failures++
        retryAt = Date.now() + retryDelay(failures)
        deps.log.error('publish failed', { error: err.message, failures })
        for (const l of failureListeners) l(err)
      },
    )
    return next
  }

  return {
    publishAll: () => run(publishAll),
    catchUp: () => run(catchUp),
    /**
     * Asks for a publish soon; cheap to call after every write. A kick while the publisher is
     * idle publishes at once. A kick during a publish (a burst of writes) runs after a rest as
     * long as that publish took, at most MAX_REST_MS: under load the publisher then uses about
     * half a core and later publishes cover more events, so it never starves the API (when
     * overloaded, respond more slowly rather than refuse service).
     */
    kick() {
      if (queued || Date.now() < retryAt) return
      queued = true
      const rest = busy ? Math.min(MAX_REST_MS, lastDuration) : 0
      const go = () =>
        void run(async () => {
          queued = false
          busy = true
          const started = Date.now()
          try {
            return await catchUp()
          } finally {
            busy = false
            lastDuration = Date.now() - started
          }
        }).catch(() => {})
      // A kick during a publish waits for it (run() chains), then rests.
      if (rest === 0) go()
      else void chain.then(() => new Promise((r) => setTimeout(r, rest))).then(go)
    },
    /** Called with the newest event id each time published files change (benchmarks, tests). */
    onPublished(listener: (eventId: number) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    /** Called with the error when a publish fails, and with null when one succeeds again. */
    onFailure(listener: (err: Error | null) => void) {
      failureListeners.add(listener)
      return () => failureListeners.delete(listener)
    },
    refreshOpen: () => run(refreshOpen),
    /**
     * Polls as a safety net for writes made by other processes (a Worker, another node), and
     * refreshes open incidents' pages every `refreshMs`.
     */
    start(pollMs = 1000, refreshMs = 5 * 60_000) {
      timer ??= setInterval(() => this.kick(), pollMs)
      refresher ??= setInterval(() => void run(refreshOpen).catch(() => {}), refreshMs)
    },
    async stop() {
      if (timer) clearInterval(timer)
      if (refresher) clearInterval(refresher)
      timer = refresher = null
      await chain
    },
  }
}

export type Publisher = ReturnType<typeof createPublisher>
