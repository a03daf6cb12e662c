import type { Context, Hono } from 'hono'
import { uptimePercent, type CheckKind } from '../../core/checks.ts'
import { DomainError } from '../../core/errors.ts'
import { CheckCreate, CheckKind as Kinds, CheckPatch } from '../../core/schemas/checks.ts'
import type { Check, CheckCreated } from '../../core/schemas/checks.ts'
import { Id } from '../../core/schemas/common.ts'
import { latestResults, resultSummaries, resultTally } from '../../db/checks.ts'
import { listComponents } from '../../db/components.ts'
import { latestDraftOfSource } from '../../db/drafts.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { checks } from '../services/checks.ts'
import { checkPage, STRIP_RESULTS } from './check-page-views.ts'
import { checksPage, fieldsOf, type NewHeartbeat } from './checks-views.ts'
import { refusal, type RefusalStatus } from './form-errors.ts'
import {
  consoleWrite,
  one,
  readForm,
  runOnce,
  validate,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { consoleWording } from './incident-input.ts'
import { consolePage, noticeFrom } from './layout.ts'
import { canAdmin } from './roles.ts'

/** A heartbeat's ping URL as the page shows it once (after adding it, or a new one). */
function shownOnce(made: CheckCreated): NewHeartbeat {
  return {
    id: made.id,
    name: made.name,
    pingUrl: made.ping_url ?? '',
    intervalSeconds: made.interval_seconds,
  }
}

const NOTICES: Record<string, string> = {
  added: 'Check added: its first run is due now',
  sent: 'This form was already sent: the check it added is below',
  deleted: 'Check deleted',
  saved: 'Check saved',
  paused: 'Check paused: it runs no more and opens nothing until resumed',
  resumed: 'Check resumed: its next run is due now',
}

const NUMBERS = new Set([
  'port',
  'timeout_ms',
  'interval_seconds',
  'grace_seconds',
  'confirm_after',
])
const DAY_MS = 86_400_000

/**
 * The form as the API's body: the fields of its kind, empty ones left out (the defaults apply),
 * numbers as numbers. A number field that is not a whole number is reported here, in words, rather
 * than as a type error. On an edit an emptied keyword clears it.
 */
function checkInput(
  form: Form,
  kind: CheckKind,
  editing: boolean,
): { input: Record<string, unknown> } | { errors: FieldErrors } {
  const input: Record<string, unknown> = {}
  const errors: FieldErrors = {}
  for (const name of fieldsOf(kind)) {
    const v = one(form, name)
    if (name !== 'name' && !v.trim()) {
      if (editing && name === 'keyword') input.keyword = null
      continue
    }
    if (!NUMBERS.has(name)) input[name] = v
    else if (/^\s*\d{1,9}\s*$/.test(v)) input[name] = Number(v)
    else errors[name] = 'A whole number'
  }
  return Object.keys(errors).length ? { errors } : { input }
}

/** A check's settings as its edit form's fields. */
function formOf(k: Check): Form {
  const form: Form = {}
  for (const name of fieldsOf(k.kind)) {
    const v = k[name as keyof Check]
    form[name] = v === null || v === undefined ? '' : String(v)
  }
  return form
}

const kindOf = (c: Context<AppEnv>): CheckKind => {
  const k = Kinds.safeParse(c.req.query('kind'))
  return k.success ? k.data : 'http'
}

const idOf = (c: Context<AppEnv>) => {
  const id = c.req.param('id') ?? ''
  if (!Id.safeParse(id).success) throw new DomainError('not_found', 'not_found', 'No such check')
  return id
}

/**
 * /admin/checks (every check, admins add them) and /admin/checks/{id} (its uptime; admins pause,
 * edit, delete), all through the checks service as the API; viewers read.
 */
export function mountChecks(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const tz = deps.config.page.timeZone
  const admin = requirePerson('admin')
  const since = (ms: number) => new Date(deps.clock.now().getTime() - ms).toISOString()

  async function listPage(
    c: Context<AppEnv>,
    s: { kind?: CheckKind; values?: Form; errors?: FieldErrors; created?: NewHeartbeat } = {},
    status: 200 | RefusalStatus = 200,
  ) {
    const [list, components, summaries] = await Promise.all([
      checks.list(deps),
      listComponents(deps.db),
      resultSummaries(deps.db, since(DAY_MS)),
    ])
    const rows = list.map((check) => {
      const s = summaries.get(check.id)
      return {
        check,
        last: s?.last ?? null,
        uptimeDay: uptimePercent(s?.tally ?? { total: 0, up: 0 }),
      }
    })
    const body = checksPage(c, {
      rows,
      components,
      canAdmin: canAdmin(c),
      kind: s.kind ?? kindOf(c),
      values: s.values ?? null,
      errors: s.errors,
      created: s.created ?? null,
      timeZone: tz,
    })
    const notice = noticeFrom(c, NOTICES)
    return c.html(
      consolePage(c, siteName, { title: 'Checks', section: 'checks', body, notice }),
      status,
    )
  }

  async function onePage(
    c: Context<AppEnv>,
    id: string,
    edit: { values?: Form; errors?: FieldErrors } = {},
    status: 200 | RefusalStatus = 200,
  ) {
    const check = await checks.get(deps, id)
    const [components, latest, day, dayTally, weekTally, draft] = await Promise.all([
      listComponents(deps.db),
      latestResults(deps.db, id, STRIP_RESULTS),
      checks.results(deps, id),
      resultTally(deps.db, id, since(DAY_MS)),
      resultTally(deps.db, id, since(7 * DAY_MS)),
      latestDraftOfSource(deps.db, `check:${id}`),
    ])
    const body = checkPage(c, {
      check,
      components,
      latest,
      day,
      uptimeDay: uptimePercent(dayTally),
      uptimeWeek: uptimePercent(weekTally),
      draft,
      canAdmin: canAdmin(c),
      edit: { values: edit.values ?? formOf(check), errors: edit.errors },
      timeZone: tz,
      now: deps.clock.now(),
    })
    return c.html(
      consolePage(c, siteName, {
        title: check.name,
        section: 'checks',
        body,
        notice: noticeFrom(c, NOTICES),
      }),
      status,
    )
  }

  app.get('/admin/checks', requirePerson('viewer'), (c) => listPage(c))
  app.get('/admin/checks/:id', requirePerson('viewer'), (c) => onePage(c, idOf(c)))

  app.post('/admin/checks', admin, async (c) => {
    const form = await readForm(deps, c)
    const kind = Kinds.safeParse(one(form, 'kind'))
    if (!kind.success) {
      return listPage(c, { values: form, errors: { kind: 'Choose HTTP, TCP or heartbeat' } }, 400)
    }
    const shown = { kind: kind.data, values: form }
    const read = checkInput(form, kind.data, false)
    if ('errors' in read) return listPage(c, { ...shown, errors: read.errors }, 400)
    const checked = validate(CheckCreate, { kind: kind.data, ...read.input })
    if (!checked.ok) return listPage(c, { ...shown, errors: consoleWording(checked.errors) }, 400)
    try {
      const { ctx, replay } = await consoleWrite(deps, c, form)
      // Sent again (a double click, a reload): the check it made, whose ping URL was shown once.
      if (replay)
        return c.redirect(`/admin/checks/${(replay as { id: string }).id}?notice=sent`, 303)
      const made = await runOnce(deps, c, form, () => checks.create(deps, ctx, checked.data))
      if (!made.ping_url) return c.redirect(`/admin/checks/${made.id}?notice=added`, 303)
      // Not a redirect: the ping URL holds the secret, shown this once, never in a URL bar.
      return await listPage(c, { kind: kind.data, created: shownOnce(made) })
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return listPage(c, { ...shown, errors: consoleWording(refused.errors) }, refused.status)
    }
  })

  app.post('/admin/checks/:id', admin, async (c) => {
    const id = idOf(c)
    const form = await readForm(deps, c)
    const before = await checks.get(deps, id)
    const read = checkInput(form, before.kind, true)
    if ('errors' in read) return onePage(c, id, { values: form, errors: read.errors }, 400)
    const checked = validate(CheckPatch, read.input)
    if (!checked.ok) {
      return onePage(c, id, { values: form, errors: consoleWording(checked.errors) }, 400)
    }
    try {
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (!replay) await runOnce(deps, c, form, () => checks.edit(deps, ctx, id, checked.data))
      return c.redirect(`/admin/checks/${id}?notice=saved`, 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused || refused.status === 404) throw err
      return onePage(c, id, { values: form, errors: refused.errors }, refused.status)
    }
  })

  for (const [verb, enabled] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    app.post(`/admin/checks/:id/${verb}`, admin, async (c) => {
      const id = idOf(c)
      const form = await readForm(deps, c)
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (!replay) await runOnce(deps, c, form, () => checks.edit(deps, ctx, id, { enabled }))
      return c.redirect(`/admin/checks/${id}?notice=${verb}d`, 303)
    })
  }

  app.post('/admin/checks/:id/token', admin, async (c) => {
    const id = idOf(c)
    const form = await readForm(deps, c)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    // Sent again: the URL was made (and shown) by the first; its secret cannot be shown twice.
    if (replay) return c.redirect(`/admin/checks/${id}?notice=sent`, 303)
    try {
      const made = await runOnce(deps, c, form, () => checks.newPingUrl(deps, ctx, id))
      return await listPage(c, { created: { ...shownOnce(made), replaced: true } })
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return onePage(c, id, { errors: refused.errors }, refused.status)
    }
  })

  app.post('/admin/checks/:id/delete', admin, async (c) => {
    const id = idOf(c)
    const form = await readForm(deps, c)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay === null) {
      try {
        await runOnce(deps, c, form, () => checks.remove(deps, ctx, id))
      } catch (err) {
        const refused = refusal(err)
        // Already gone (a resent form, or someone else): what was asked for holds.
        if (!refused || refused.status !== 404) throw err
      }
    }
    return c.redirect('/admin/checks?notice=deleted', 303)
  })
}
