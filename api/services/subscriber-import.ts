import { parseCsv, restoreCell } from '../../core/csv.ts'
import { DomainError, type ErrorDetail } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import { Email, Locale, type SubscriberStatus } from '../../core/schemas/subscription.ts'
import type { Statement } from '../../db/client.ts'
import { listComponents } from '../../db/components.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import {
  findSubscribersByEmails,
  insertSubscriber,
  emailChannelFields,
  normalizeEmail,
  updateSubscriber,
  type SubscriberRecord,
  newSubscriberState,
} from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import { commit, retryOnConflict, StaleWrite, type WriteContext } from './write.ts'

/** The columns an import takes, and an export writes, in this order. */
export const IMPORT_COLUMNS = ['email', 'components', 'locale'] as const
type Column = (typeof IMPORT_COLUMNS)[number]

export type ImportAction = 'create' | 'update' | 'unchanged' | 'skip'

/** What an address receives: the part of a subscriber an import can change or is stopped by. */
export interface SubscriberChoice {
  status: SubscriberStatus
  locale: Locale
  all_components: boolean
  components: string[]
}

/**
 * One row of the file and what the import does with it. Rows name the line and the subscriber's
 * random id, never the address: a committed report is stored for idempotent retries, and an
 * erased subscriber must leave no address behind.
 */
export interface ImportRowPlan {
  line: number
  action: ImportAction
  /** Why a row is skipped: an opt-out or a bouncing mailbox is never overridden by a list. */
  reason: 'unsubscribed' | 'quarantined' | null
  /** Null for a new address in a dry run (the id is made when it is written). */
  subscriber_id: string | null
  before: SubscriberChoice | null
  after: SubscriberChoice | null
}

export interface ImportReport {
  /** True: nothing was written (a preview). */
  dry_run: boolean
  created: number
  updated: number
  unchanged: number
  /** Unsubscribed or quarantined addresses, left as they are. */
  skipped: number
  /** Always empty: a file with any invalid row is rejected as a whole (400) and writes nothing. */
  errors: { line: number; message: string }[]
  /**
   * SHA-256 of the file and of every row's plan (before → after). A commit given a digest applies
   * the file only while its plan still has that digest: exactly what was previewed, or nothing.
   */
  digest: string
  rows: ImportRowPlan[]
}

/** The plan of an import: the report, and for the console the addresses row by row. */
export interface ImportPlan {
  report: ImportReport
  /** The address of each row of `report.rows`, as the file has it. */
  emails: string[]
  /** The records to write, row by row (null: nothing to write). */
  writes: (SubscriberRecord | null)[]
}

interface ImportRow {
  line: number
  email: string
  normalized: string
  /** Undefined: the file has no components column (existing choices stay as they are). */
  components: string[] | undefined
  locale: Locale | undefined
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)]

const csvError = (message: string, details: ErrorDetail[]) =>
  new DomainError('invalid', 'invalid_csv', message, details)

const USAGE = 'The first line must be a header: email[,components][,locale]'

/**
 * The file's rows, validated: every problem is collected (path `lines.<line>.<column>`) and any
 * one rejects the file. Rows with every cell empty (a spreadsheet's trailing ",,") are ignored.
 */
async function readRows(deps: Deps, text: string): Promise<ImportRow[]> {
  const records = parseCsv(text)
  const header = records.shift()
  if (!header) throw csvError('The file is empty', [{ path: 'lines.1', message: USAGE }])
  const cols = header.fields.map((h) => h.trim().toLowerCase())
  const bad = cols.filter(
    (c, i) => !(IMPORT_COLUMNS as readonly string[]).includes(c) || cols.indexOf(c) !== i,
  )
  if (!cols.includes('email') || bad.length) {
    const semicolons = cols.length === 1 && cols[0]!.startsWith('email;')
    const message = semicolons
      ? 'The columns are separated by semicolons; separate them with commas (a spreadsheet: save as "CSV UTF-8, comma-delimited")'
      : bad.length
        ? `Unknown or repeated column(s): ${bad.join(', ')}. ${USAGE}`
        : USAGE
    throw csvError('The header is not valid', [{ path: 'lines.1', message }])
  }
  const data = records.filter((r) => r.fields.some((f) => f.trim() !== ''))
  if (data.length === 0)
    throw csvError('The file has no subscriber rows', [
      { path: 'lines.2', message: 'Add one row per address' },
    ])

  const known = new Set((await listComponents(deps.db)).map((c) => c.id))
  const errors: ErrorDetail[] = []
  const seen = new Map<string, number>()
  const rows: ImportRow[] = []
  for (const r of data) {
    const fail = (col: string, message: string) =>
      errors.push({ path: `lines.${r.line}${col ? `.${col}` : ''}`, message })
    const cell = (name: Column) => {
      const i = cols.indexOf(name)
      return i < 0 ? undefined : restoreCell(r.fields[i] ?? '').trim()
    }
    if (r.fields.length > cols.length)
      fail('', `Has ${r.fields.length} fields; the header has ${cols.length}`)
    const email = Email.safeParse(cell('email') ?? '')
    if (!email.success) fail('email', email.error.issues[0]?.message ?? 'Must be an email address')
    const rawComponents = cell('components')
    const components =
      rawComponents === undefined
        ? undefined
        : unique(
            rawComponents
              .split(';')
              .map((x) => x.trim())
              .filter(Boolean),
          ).sort()
    for (const id of components ?? [])
      if (!known.has(id)) fail('components', `No component with id ${id}`)
    const rawLocale = cell('locale')
    const locale = rawLocale ? Locale.safeParse(rawLocale) : undefined
    if (locale && !locale.success) fail('locale', `Must be one of ${Locale.options.join(', ')}`)
    if (!email.success) continue
    const normalized = normalizeEmail(email.data)
    const first = seen.get(normalized)
    if (first !== undefined) fail('email', `The same address as line ${first}`)
    else seen.set(normalized, r.line)
    rows.push({
      line: r.line,
      email: email.data,
      normalized,
      components,
      locale: locale?.success ? locale.data : undefined,
    })
  }
  if (errors.length) {
    throw csvError(
      `The file has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was imported`,
      errors,
    )
  }
  return rows
}

const choice = (s: SubscriberRecord): SubscriberChoice => ({
  status: s.status,
  locale: s.locale,
  all_components: s.all_components,
  components: s.all_components ? [] : [...s.components].sort(),
})

const sameChoice = (a: SubscriberChoice, b: SubscriberChoice) =>
  a.status === b.status &&
  a.locale === b.locale &&
  a.all_components === b.all_components &&
  a.components.join() === b.components.join()

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * The one planner of an import, for the preview (dry run) and the commit alike: what each row
 * would do to the subscribers as they are now. Writes nothing.
 * - New addresses are confirmed at once: the operator vouches for their consent (moving from
 *   another status page, say), and a burst of confirmation mails to an old list looks like spam.
 * - Pending addresses become confirmed; confirmed ones take the row's components and locale when
 *   those columns are present. Unsubscribed and quarantined addresses are skipped: an operator's
 *   list must never override someone's opt-out or a mailbox that bounces.
 */
export async function planImport(deps: Deps, input: string): Promise<ImportPlan> {
  // Line endings and a byte-order mark are not content: a file previewed with CRLF and sent back
  // from the preview page's form with LF is the same file.
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const rows = await readRows(deps, text)
  const at = deps.clock.now().toISOString()
  const existing = await findSubscribersByEmails(
    deps.db,
    rows.map((r) => r.normalized),
  )
  const plan: ImportPlan = {
    report: {
      dry_run: true,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      errors: [],
      digest: '',
      rows: [],
    },
    emails: [],
    writes: [],
  }
  const add = (r: ImportRow, row: Omit<ImportRowPlan, 'line'>, write: SubscriberRecord | null) => {
    plan.report.rows.push({ line: r.line, ...row })
    plan.emails.push(r.email)
    plan.writes.push(write)
  }
  for (const r of rows) {
    const s = existing.get(r.normalized)
    if (!s) {
      const created: SubscriberRecord = {
        id: newId(),
        ...emailChannelFields(r.email),
        locale: r.locale ?? 'en',
        all_components: !r.components?.length,
        components: r.components ?? [],
        ...newSubscriberState('confirmed', at),
      }
      plan.report.created++
      const after = choice(created)
      add(r, { action: 'create', reason: null, subscriber_id: null, before: null, after }, created)
      continue
    }
    const before = choice(s)
    if (s.status === 'unsubscribed' || s.status === 'quarantined') {
      plan.report.skipped++
      add(r, { action: 'skip', reason: s.status, subscriber_id: s.id, before, after: null }, null)
      continue
    }
    const updated: SubscriberRecord = { ...s }
    if (r.components) {
      updated.all_components = r.components.length === 0
      updated.components = r.components
    }
    if (r.locale) updated.locale = r.locale
    if (s.status === 'pending') {
      updated.status = 'confirmed'
      updated.confirmed_at = at
    }
    const after = choice(updated)
    const same = sameChoice(before, after)
    if (same) plan.report.unchanged++
    else plan.report.updated++
    add(
      r,
      {
        action: same ? 'unchanged' : 'update',
        reason: null,
        subscriber_id: s.id,
        before,
        after: same ? null : after,
      },
      same ? null : updated,
    )
  }
  plan.report.digest = await sha256(JSON.stringify({ file: text, rows: plan.report.rows }))
  return plan
}

/** The statements and events that carry out a plan. */
function planWrites(plan: ImportPlan): { statements: Statement[]; events: OutboxEvent[] } {
  const statements: Statement[] = []
  const events: OutboxEvent[] = []
  plan.report.rows.forEach((row, i) => {
    const s = plan.writes[i]
    if (!s) return
    if (row.action === 'create') statements.push(...insertSubscriber(s))
    else {
      const componentsChanged =
        row.before!.all_components !== row.after!.all_components ||
        row.before!.components.join() !== row.after!.components.join()
      statements.push(...updateSubscriber(s, componentsChanged))
    }
    // The random id only, never the address (see subscriptions.remove).
    events.push({
      type: 'subscriber.imported',
      aggregateType: 'subscriber',
      aggregateId: s.id,
      payload: { subscriber_id: s.id },
    })
  })
  return { statements, events }
}

/** The subscribers changed since the preview: its plan no longer holds; nothing was written. */
export const importChanged = () =>
  new DomainError(
    'conflict',
    'import_changed',
    'Some of these subscribers changed since the import was previewed, so it would no longer do what the preview showed; nothing was imported. Review the new preview',
  )

/**
 * Commits an import: the plan (planImport) and its writes in one batch, with one audit row.
 * With `digest`, only while the plan still has it (else 409 `import_changed`, nothing written):
 * a row whose subscriber changes between the read and the write fails the batch, and the retry
 * plans again and compares again.
 */
export function commitImport(
  deps: Deps,
  ctx: WriteContext,
  text: string,
  opts: { digest?: string } = {},
): Promise<ImportReport> {
  return retryOnConflict(deps, async () => {
    const plan = await planImport(deps, text)
    if (opts.digest !== undefined && plan.report.digest !== opts.digest) throw importChanged()
    const { statements, events } = planWrites(plan)
    const report: ImportReport = {
      ...plan.report,
      dry_run: false,
      rows: plan.report.rows.map((row, i) =>
        row.action === 'create' ? { ...row, subscriber_id: plan.writes[i]!.id } : row,
      ),
    }
    const target = { type: 'subscriber_import', id: newId() }
    try {
      return await commit(deps, ctx, {
        statements,
        action: 'subscriber.import',
        target,
        events,
        status: 200,
        body: report,
        details: {
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
          skipped: report.skipped,
        },
      })
    } catch (err) {
      // An address subscribed since the plan was read: plan again (and compare again).
      if (err instanceof Error && /UNIQUE.*email_normalized/i.test(err.message)) {
        throw new StaleWrite(target)
      }
      throw err
    }
  })
}
