import type { Context, Hono } from 'hono'
import { fromLocalInput, toLocalInput } from '../../core/local-time.ts'
import { noticeWarning } from '../../core/maintenance-notice.ts'
import {
  MaintenanceCancel,
  MaintenanceCreate,
  MaintenancePatch,
  MaintenanceUpdateCreate,
  type Maintenance,
  type MaintenanceStatus,
} from '../../core/schemas/maintenance.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { components, groups } from '../services/components.ts'
import { maintenances, MOVE_BODY } from '../services/maintenances.ts'
import {
  all,
  consoleWrite,
  one,
  readForm,
  runOnce,
  validate,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { consolePage, noticeFrom } from './layout.ts'
import {
  maintenanceDetail,
  maintenanceList,
  scheduleForm,
  type Catalogue,
  type DetailForm,
  type DetailProps,
  type NoticeCheck,
} from './maintenance-views.ts'
import { byField, refusal, scoped, type RefusalStatus } from './form-errors.ts'
import { canWrite } from './roles.ts'

const NOTICES = {
  scheduled: 'Maintenance scheduled.',
  edited: 'Changes saved.',
  started: 'Maintenance started.',
  completed: 'Maintenance completed.',
  updated: 'Update posted.',
  cancelled: 'Maintenance cancelled.',
} as const
type Notice = keyof typeof NOTICES

const RECENT_PER_PAGE = 20
const cancelBody = MaintenanceCancel.parse({}).body
const CANCEL_BODY = typeof cancelBody === 'string' ? cancelBody : ''

const catalogue = async (deps: Deps): Promise<Catalogue> => {
  const [list, gs] = await Promise.all([components.list(deps), groups.list(deps)])
  return { components: list, groups: gs }
}

/**
 * A wall-clock time typed in the page's zone → the instant, or the message to show beside the
 * field (a time in the hour skipped when clocks go forward is refused, naming the likely one).
 */
function instant(
  deps: Deps,
  local: string,
): { iso: string; error?: undefined } | { iso: string; error: string } {
  const zone = deps.config.page.timeZone
  if (!local.trim()) return { iso: '', error: 'Enter a date and time' }
  const r = fromLocalInput(local, zone)
  if (r.ok) return { iso: r.iso }
  if (r.reason === 'invalid') {
    return { iso: '', error: 'Enter a date and time, such as 2026-03-29 14:00' }
  }
  const [day, time] = local.split('T')
  const suggested = r.suggestion.replace('T', ' ')
  return {
    iso: '',
    error: `There is no ${time} on ${day} in ${zone}: the clocks go forward an hour. Did you mean ${suggested}?`,
  }
}

/**
 * The short-notice rule of the API (core/maintenance-notice.ts), checked before saving: a start
 * sooner than MIN_NOTICE_HOURS needs a confirmation that names this very start, so changing
 * the time after the warning asks again.
 */
function shortNotice(deps: Deps, start: string, acknowledged: string): NoticeCheck | null {
  const w = noticeWarning(
    deps.clock.now().toISOString(),
    start,
    deps.config.recovery.minNoticeHours,
  )
  if (!w || acknowledged === start) return null
  return { start, message: w.message }
}

/** GET/POST /admin/maintenance…: list, schedule, and each window's page with its actions. */
export function mountMaintenance(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const zone = deps.config.page.timeZone

  app.get('/admin/maintenance', requirePerson('viewer'), async (c) => {
    const page = Math.min(10_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1') || 1))
    const [active, upcoming, recent] = await Promise.all([
      maintenances.list(deps, { status: 'active', page: 1, per_page: 100 }),
      maintenances.list(deps, { status: 'upcoming', page: 1, per_page: 100 }),
      maintenances.list(deps, { status: 'completed', page, per_page: RECENT_PER_PAGE }),
    ])
    const body = maintenanceList({
      active: active.items,
      upcoming: upcoming.items,
      recent: { ...recent, page, perPage: RECENT_PER_PAGE },
      timeZone: zone,
      now: deps.clock.now(),
      canWrite: canWrite(c),
    })
    return c.html(
      consolePage(c, siteName, {
        title: 'Maintenance',
        section: 'maintenance',
        body,
        notice: noticeFrom(c, NOTICES),
      }),
    )
  })

  const renderNew = async (
    c: Context<AppEnv>,
    values: Form,
    extra: { errors?: FieldErrors; warning?: NoticeCheck } = {},
    status: 200 | RefusalStatus = 200,
  ) =>
    c.html(
      consolePage(c, siteName, {
        title: 'Schedule maintenance',
        section: 'maintenance',
        body: scheduleForm(c, {
          values,
          ...extra,
          cat: await catalogue(deps),
          timeZone: zone,
          now: deps.clock.now(),
        }),
      }),
      status,
    )

  app.get('/admin/maintenance/new', requirePerson('editor'), (c) =>
    renderNew(c, { deliver_notifications: 'on', auto_transition: 'on' }),
  )

  app.post('/admin/maintenance/new', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const start = instant(deps, one(form, 'scheduled_for'))
    const end = instant(deps, one(form, 'scheduled_until'))
    const checked = validate(MaintenanceCreate, {
      name: one(form, 'name'),
      scheduled_for: start.iso,
      scheduled_until: end.iso,
      body: one(form, 'body'),
      components: all(form, 'components'),
      auto_transition: one(form, 'auto_transition') !== '',
      deliver_notifications: one(form, 'deliver_notifications') !== '',
    })
    const errors = checked.ok ? {} : byField(checked.errors)
    if (start.error) errors.scheduled_for = start.error
    if (end.error) errors.scheduled_until = end.error
    if (!checked.ok || Object.keys(errors).length) return renderNew(c, form, { errors }, 400)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect(`/admin/maintenance/${(replay as Maintenance).id}`, 303)
    const warning = shortNotice(deps, checked.data.scheduled_for, one(form, 'short_notice_ok'))
    if (warning) return renderNew(c, form, { warning })
    try {
      const m = await runOnce(deps, c, form, () => maintenances.create(deps, ctx, checked.data))
      return c.redirect(`/admin/maintenance/${m.id}?notice=scheduled`, 303)
    } catch (err) {
      const r = refusal(err)
      if (!r) throw err
      return renderNew(c, form, { errors: byField(r.errors) }, r.status)
    }
  })

  /** The forms' starting values: the window as it is, the default messages, email on. */
  const defaults = (m: Maintenance): Record<DetailForm, Form> => ({
    start: { 'start.body': MOVE_BODY.in_progress, 'start.deliver_notifications': 'on' },
    complete: { 'complete.body': MOVE_BODY.completed, 'complete.deliver_notifications': 'on' },
    update: {
      'update.status': m.status,
      'update.body': '',
      'update.deliver_notifications': 'on',
    },
    edit: {
      'edit.name': m.name,
      'edit.scheduled_for': toLocalInput(m.scheduled_for, zone),
      'edit.scheduled_until': toLocalInput(m.scheduled_until, zone),
      'edit.components': m.components.map((x) => x.id),
      ...(m.auto_transition ? { 'edit.auto_transition': 'on' } : {}),
    },
    cancel: { 'cancel.body': CANCEL_BODY, 'cancel.deliver_notifications': 'on' },
  })

  const renderDetail = async (
    c: Context<AppEnv>,
    m: Maintenance,
    open?: DetailProps['open'],
    status: 200 | RefusalStatus = 200,
  ) =>
    c.html(
      consolePage(c, siteName, {
        title: m.name,
        section: 'maintenance',
        notice: open ? null : noticeFrom(c, NOTICES),
        body: maintenanceDetail(c, {
          m,
          cat: await catalogue(deps),
          timeZone: zone,
          now: deps.clock.now(),
          canWrite: canWrite(c),
          open,
          defaults: defaults(m),
        }),
      }),
      status,
    )

  app.get('/admin/maintenance/:id', requirePerson('viewer'), async (c) =>
    renderDetail(c, await maintenances.get(deps, c.req.param('id'))),
  )

  /**
   * One action of the maintenance page: read the form (CSRF), check it with the API's schema,
   * replay a resent form, call the API's service, redirect; on a refusal, the page again with
   * this form open, what was typed, and the errors beside the fields.
   */
  function act<T>(
    name: DetailForm,
    parse: (
      form: Form,
      m: Maintenance,
    ) => { ok: true; data: T; start?: string } | { ok: false; errors: FieldErrors },
    run: (ctx: Parameters<typeof maintenances.create>[1], id: string, data: T) => Promise<unknown>,
    notice: Notice,
  ) {
    app.post(`/admin/maintenance/:id/${name}`, requirePerson('editor'), async (c) => {
      const form = await readForm(deps, c)
      const id = c.req.param('id')
      const m = await maintenances.get(deps, id)
      const again = (
        errors: FieldErrors | undefined,
        status: 200 | RefusalStatus,
        warning?: NoticeCheck,
      ) => renderDetail(c, m, { form: name, values: form, errors, warning }, status)
      const parsed = parse(form, m)
      if (!parsed.ok) return again(scoped(name, parsed.errors), 400)
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (replay) return c.redirect(`/admin/maintenance/${id}`, 303)
      if (parsed.start) {
        const warning = shortNotice(deps, parsed.start, one(form, 'short_notice_ok'))
        if (warning) return again(undefined, 200, warning)
      }
      try {
        await runOnce(deps, c, form, () => run(ctx, id, parsed.data))
        return c.redirect(`/admin/maintenance/${id}?notice=${notice}`, 303)
      } catch (err) {
        const r = refusal(err)
        if (!r) throw err
        return again(scoped(name, r.errors), r.status)
      }
    })
  }

  const message = (form: Form, name: DetailForm) => ({
    body: one(form, `${name}.body`),
    deliver_notifications: one(form, `${name}.deliver_notifications`) !== '',
  })
  const move = (name: DetailForm, status: MaintenanceStatus) => (form: Form) =>
    validate(MaintenanceUpdateCreate, { status, ...message(form, name) })

  act(
    'start',
    move('start', 'in_progress'),
    (ctx, id, d) => maintenances.postUpdate(deps, ctx, id, d),
    'started',
  )
  act(
    'complete',
    move('complete', 'completed'),
    (ctx, id, d) => maintenances.postUpdate(deps, ctx, id, d),
    'completed',
  )
  act(
    'update',
    (form) =>
      validate(MaintenanceUpdateCreate, {
        status: one(form, 'update.status'),
        ...message(form, 'update'),
      }),
    (ctx, id, d) => maintenances.postUpdate(deps, ctx, id, d),
    'updated',
  )
  act(
    'cancel',
    (form) => validate(MaintenanceCancel, message(form, 'cancel')),
    (ctx, id, d) => maintenances.cancel(deps, ctx, id, d),
    'cancelled',
  )
  act(
    'edit',
    (form, m) => {
      // Only what changed goes into the patch: the audit then lists exactly the changes.
      const scheduled = m.status === 'scheduled'
      const errors: FieldErrors = {}
      const patch: Record<string, unknown> = {}
      const name = one(form, 'edit.name')
      if (name !== m.name) patch.name = name
      const times = scheduled
        ? (['scheduled_for', 'scheduled_until'] as const)
        : (['scheduled_until'] as const)
      for (const k of times) {
        const t = instant(deps, one(form, `edit.${k}`))
        if (t.error) errors[k] = t.error
        else if (Date.parse(t.iso) !== Date.parse(m[k])) patch[k] = t.iso
      }
      if (scheduled) {
        const chosen = [...new Set(all(form, 'edit.components'))].sort()
        const now = m.components.map((x) => x.id).sort()
        if (chosen.join() !== now.join()) patch.components = chosen
      }
      const auto = one(form, 'edit.auto_transition') !== ''
      if (auto !== m.auto_transition) patch.auto_transition = auto
      // A new end alone is checked against the start as it is (the schema sees only the patch).
      if (
        !patch.scheduled_for &&
        patch.scheduled_until &&
        Date.parse(patch.scheduled_until as string) <= Date.parse(m.scheduled_for)
      ) {
        errors.scheduled_until = 'Must be after the start'
      }
      const checked = validate(MaintenancePatch, patch)
      if (!checked.ok || Object.keys(errors).length) {
        const all = { ...(checked.ok ? {} : checked.errors), ...errors }
        if (all._form === 'Give at least one field to change') all._form = 'Nothing was changed'
        return { ok: false, errors: all }
      }
      return { ok: true, data: checked.data, start: checked.data.scheduled_for }
    },
    (ctx, id, d) => maintenances.edit(deps, ctx, id, d),
    'edited',
  )
}
