import type { Context, Hono } from 'hono'
import { html } from 'hono/html'
import {
  ComponentCreate,
  ComponentPatch,
  GroupCreate,
  GroupPatch,
  type Component,
  type ComponentGroup,
} from '../../core/schemas/component.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { components, groups } from '../services/components.ts'
import type { WriteContext } from '../services/write.ts'
import {
  componentFacts,
  componentForm,
  componentSections,
  componentsList,
  deleteForm,
  groupFacts,
  groupForm,
} from './components-views.ts'
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
import { consolePage, noticeFrom, type Html } from './layout.ts'
import { byField, refusal, type RefusalStatus } from './form-errors.ts'
import { canWrite } from './roles.ts'

const NOTICES = {
  created: 'Component added.',
  saved: 'Changes saved.',
  status: 'Status changed.',
  deleted: 'Component deleted.',
  group_created: 'Group added.',
  group_saved: 'Group saved.',
  group_deleted: 'Group deleted; its components stay, without a group.',
} as const

type Status = 200 | RefusalStatus

/**
 * Whole numbers and decimals as typed into a text field: the number, or what to say beside the
 * field (the schema then checks the range). Empty is `undefined` (the field was left out).
 */
function numberField(raw: string, kind: 'whole' | 'decimal'): { value?: number; error?: string } {
  const s = raw.trim()
  if (s === '') return {}
  const ok = kind === 'whole' ? /^\d{1,9}$/.test(s) : /^\d{1,3}(\.\d{1,6})?$/.test(s)
  if (!ok)
    return {
      error: kind === 'whole' ? 'Enter a whole number, such as 3' : 'Enter a number, such as 99.9',
    }
  return { value: Number(s) }
}

/**
 * What a component and a group both have: name, description (blank is none) and position,
 * with a typing problem in `errors`. An edit must keep a position; a new one may leave it out.
 */
function listedInput(form: Form, errors: FieldErrors, edit: boolean) {
  const position = numberField(one(form, 'position'), 'whole')
  if (position.error) errors.position = position.error
  else if (edit && position.value === undefined) errors.position = 'Enter a position, such as 3'
  const description = one(form, 'description')
  return {
    name: one(form, 'name'),
    description: description.trim() === '' ? null : description,
    position: position.value,
  }
}

/** The component form → the API's fields, with the typing problems found on the way. */
function componentInput(form: Form, edit: boolean) {
  const errors: FieldErrors = {}
  const { name, description, position } = listedInput(form, errors, edit)
  const sla = numberField(one(form, 'sla_target'), 'decimal')
  if (sla.error) errors.sla_target = sla.error
  if (!one(form, 'sla_target').trim())
    errors.sla_target = 'Enter the availability target, such as 99.9'
  return {
    errors,
    input: {
      name,
      description,
      group_id: one(form, 'group_id') || null,
      position,
      sla_target: sla.value,
      status: one(form, 'status'),
      only_show_if_degraded: one(form, 'only_show_if_degraded') !== '',
    },
  }
}

/** The group form → the API's fields (each component once). */
function groupInput(form: Form, edit: boolean) {
  const errors: FieldErrors = {}
  return {
    errors,
    input: {
      ...listedInput(form, errors, edit),
      components: [...new Set(all(form, 'components'))],
    },
  }
}

/** Only the fields that differ from `before`: the audit then lists exactly what changed. */
function changed<T extends object>(
  before: T,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const was = before as Record<string, unknown>
  return Object.fromEntries(
    Object.entries(after).filter(
      ([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(was[k]),
    ),
  )
}

const componentValues = (c: Component): Form => ({
  name: c.name,
  description: c.description ?? '',
  group_id: c.group_id ?? '',
  position: String(c.position),
  status: c.status,
  sla_target: String(c.sla_target),
  ...(c.only_show_if_degraded ? { only_show_if_degraded: 'on' } : {}),
})

const groupValues = (g: ComponentGroup): Form => ({
  name: g.name,
  description: g.description ?? '',
  position: String(g.position),
  components: g.components,
})

/** GET/POST /admin/components… and /admin/component-groups…: list, status, add, edit, delete. */
export function mountComponents(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const page = (c: Context<AppEnv>, title: string, body: Html, status: Status = 200) =>
    c.html(
      consolePage(c, siteName, {
        title,
        section: 'components',
        body,
        notice: noticeFrom(c, NOTICES),
      }),
      status,
    )
  const load = async () => {
    const [list, gs] = await Promise.all([components.list(deps), groups.list(deps)])
    return { list, gs }
  }

  /**
   * A write from a form: validate, replay a resent form, call the API's service, redirect. On a
   * refusal, `again` renders the same page with the errors (400/409), nothing written.
   */
  async function write<T>(
    c: Context<AppEnv>,
    form: Form,
    checked: { ok: true; data: T } | { ok: false; errors: FieldErrors },
    run: (ctx: WriteContext, data: T) => Promise<unknown>,
    done: (result: unknown) => string,
    again: (errors: FieldErrors, status: Status) => Promise<Response>,
  ): Promise<Response> {
    if (!checked.ok) return again(byField(checked.errors), 400)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect(done(replay), 303)
    try {
      return c.redirect(done(await runOnce(deps, c, form, () => run(ctx, checked.data))), 303)
    } catch (err) {
      const r = refusal(err)
      if (!r) throw err
      return again(byField(r.errors), r.status)
    }
  }
  const merge = <T>(
    checked: { ok: true; data: T } | { ok: false; errors: FieldErrors },
    errors: FieldErrors,
  ): { ok: true; data: T } | { ok: false; errors: FieldErrors } =>
    Object.keys(errors).length
      ? { ok: false, errors: { ...(checked.ok ? {} : byField(checked.errors)), ...errors } }
      : checked

  const listPage = async (c: Context<AppEnv>, failed?: { id: string; message: string }) => {
    const { list, gs } = await load()
    const body = componentsList(c, {
      sections: componentSections(list, gs),
      canWrite: canWrite(c),
      failed,
    })
    return page(c, 'Components', body, failed ? 400 : 200)
  }

  app.get('/admin/components', requirePerson('viewer'), (c) => listPage(c))

  // Add a component.
  const newPage = async (
    c: Context<AppEnv>,
    values: Form,
    errors?: FieldErrors,
    status: Status = 200,
  ) =>
    page(
      c,
      'Add a component',
      componentForm(c, { values, errors, groups: (await load()).gs }),
      status,
    )
  app.get('/admin/components/new', requirePerson('editor'), (c) =>
    newPage(c, { status: 'operational', sla_target: '99.9' }),
  )
  app.post('/admin/components/new', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const { errors, input } = componentInput(form, false)
    return write(
      c,
      form,
      merge(validate(ComponentCreate, input), errors),
      (ctx, data) => components.create(deps, ctx, data),
      () => '/admin/components?notice=created',
      (e, status) => newPage(c, form, e, status),
    )
  })

  // A component: its facts (viewer) or its form (editor), and delete.
  const componentPage = async (
    c: Context<AppEnv>,
    comp: Component,
    values?: Form,
    errors?: FieldErrors,
    status: Status = 200,
  ) => {
    const { gs } = await load()
    const body = canWrite(c)
      ? html`${componentForm(c, { component: comp, values: values ?? componentValues(comp), errors, groups: gs })}${deleteForm(c, 'component', `/admin/components/${comp.id}/delete`, comp.name)}`
      : componentFacts(comp, gs)
    return page(c, `Component: ${comp.name}`, body, status)
  }
  app.get('/admin/components/:id', requirePerson('viewer'), async (c) =>
    componentPage(c, await components.get(deps, c.req.param('id'))),
  )
  app.post('/admin/components/:id', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const comp = await components.get(deps, c.req.param('id'))
    const { errors, input } = componentInput(form, true)
    const patch = changed(comp, input)
    const checked = validate(ComponentPatch, patch)
    if (checked.ok && !Object.keys(patch).length && !Object.keys(errors).length) {
      return componentPage(c, comp, form, { _form: 'Nothing was changed' }, 400)
    }
    return write(
      c,
      form,
      merge(checked, errors),
      (ctx, data) => components.update(deps, ctx, comp.id, data),
      () => `/admin/components?notice=saved`,
      (e, status) => componentPage(c, comp, form, e, status),
    )
  })
  app.post('/admin/components/:id/status', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const comp = await components.get(deps, c.req.param('id'))
    return write(
      c,
      form,
      validate(ComponentPatch, { status: one(form, 'status') }),
      (ctx, data) => components.update(deps, ctx, comp.id, data),
      () => `/admin/components?notice=status`,
      (e) => listPage(c, { id: comp.id, message: e.status ?? e._form ?? 'Not saved' }),
    )
  })
  app.post('/admin/components/:id/delete', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const comp = await components.get(deps, c.req.param('id'))
    return write(
      c,
      form,
      { ok: true, data: null },
      (ctx) => components.remove(deps, ctx, comp.id),
      () => '/admin/components?notice=deleted',
      (e, status) => componentPage(c, comp, undefined, e, status),
    )
  })

  // Groups.
  const groupPage = async (
    c: Context<AppEnv>,
    title: string,
    g: ComponentGroup | undefined,
    values: Form,
    errors?: FieldErrors,
    status: Status = 200,
  ) => {
    const { list, gs } = await load()
    const body =
      g && !canWrite(c)
        ? groupFacts(g, list)
        : html`${groupForm(c, { group: g, values, errors, components: list, groups: gs })}${g ? deleteForm(c, 'group', `/admin/component-groups/${g.id}/delete`, g.name) : ''}`
    return page(c, title, body, status)
  }
  app.get('/admin/component-groups/new', requirePerson('editor'), (c) =>
    groupPage(c, 'Add a group', undefined, {}),
  )
  app.post('/admin/component-groups/new', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const { errors, input } = groupInput(form, false)
    return write(
      c,
      form,
      merge(validate(GroupCreate, input), errors),
      (ctx, data) => groups.create(deps, ctx, data),
      () => '/admin/components?notice=group_created',
      (e, status) => groupPage(c, 'Add a group', undefined, form, e, status),
    )
  })
  app.get('/admin/component-groups/:id', requirePerson('viewer'), async (c) => {
    const g = await groups.get(deps, c.req.param('id'))
    return groupPage(c, `Group: ${g.name}`, g, groupValues(g))
  })
  app.post('/admin/component-groups/:id', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const g = await groups.get(deps, c.req.param('id'))
    const { errors, input } = groupInput(form, true)
    const patch = changed(
      { ...g, components: [...g.components].sort() },
      { ...input, components: [...input.components].sort() },
    )
    if (!Object.keys(patch).length && !Object.keys(errors).length) {
      return groupPage(c, `Group: ${g.name}`, g, form, { _form: 'Nothing was changed' }, 400)
    }
    if (patch.components) patch.components = input.components
    return write(
      c,
      form,
      merge(validate(GroupPatch, patch), errors),
      (ctx, data) => groups.update(deps, ctx, g.id, data),
      () => '/admin/components?notice=group_saved',
      (e, status) => groupPage(c, `Group: ${g.name}`, g, form, e, status),
    )
  })
  app.post('/admin/component-groups/:id/delete', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const g = await groups.get(deps, c.req.param('id'))
    return write(
      c,
      form,
      { ok: true, data: null },
      (ctx) => groups.remove(deps, ctx, g.id),
      () => '/admin/components?notice=group_deleted',
      (e, status) => groupPage(c, `Group: ${g.name}`, g, groupValues(g), e, status),
    )
  })
}
