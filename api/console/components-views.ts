import type { Context } from 'hono'
import { html } from 'hono/html'
import {
  ComponentStatus,
  type Component,
  type ComponentGroup,
} from '../../core/schemas/component.ts'
import type { AppEnv } from '../env.ts'
import {
  checkbox,
  formAlert,
  input,
  select,
  textarea,
  writeFields,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { componentPill, componentStatusLabel } from './labels.ts'
import type { Html } from './layout.ts'

const STATUS_OPTIONS = ComponentStatus.options.map((s) => ({
  value: s,
  label: componentStatusLabel(s),
}))

export interface ComponentSection {
  group: ComponentGroup | null
  position: number
  components: Component[]
}

/**
 * The components in the status page's order: top-level rows (groups and ungrouped components
 * share one order, by position then name), each group with its components in their order.
 * `mergeUngrouped` gathers the ungrouped ones into one section (a chooser needs no order).
 */
export function componentSections(
  list: readonly Component[],
  groups: readonly ComponentGroup[],
  opts: { mergeUngrouped?: boolean } = {},
): ComponentSection[] {
  const byPosition = <T extends { position: number; name: string }>(a: T, b: T) =>
    a.position - b.position || a.name.localeCompare(b.name)
  const known = new Set(groups.map((g) => g.id))
  const top: (ComponentSection & { name: string })[] = groups.map((g) => ({
    group: g,
    position: g.position,
    name: g.name,
    components: list.filter((c) => c.group_id === g.id).sort(byPosition),
  }))
  const loose = list.filter((c) => !c.group_id || !known.has(c.group_id)).sort(byPosition)
  if (opts.mergeUngrouped) {
    const sorted = top.sort(byPosition)
    return loose.length ? [...sorted, { group: null, position: 0, components: loose }] : sorted
  }
  for (const c of loose)
    top.push({ group: null, position: c.position, name: c.name, components: [c] })
  // Neighbouring ungrouped components make one section, as they read on the page.
  const out: ComponentSection[] = []
  for (const s of top.sort(byPosition)) {
    const last = out.at(-1)
    if (!s.group && last && !last.group) last.components.push(...s.components)
    else out.push({ group: s.group, position: s.position, components: [...s.components] })
  }
  return out
}

/** The one-line form beside each component that sets its status (label read by screen readers). */
function quickStatus(c: Context<AppEnv>, comp: Component): Html {
  const id = `st-${comp.id}`
  // prettier-ignore
  return html`<form method="post" action="/admin/components/${comp.id}/status" class="inline-form">
${writeFields(c)}
<label class="vh" for="${id}">Status of ${comp.name}</label>
<span class="dot s-${comp.status}" aria-hidden="true"></span>
<select id="${id}" name="status">${STATUS_OPTIONS.map((o) => html`<option value="${o.value}"${o.value === comp.status ? html` selected` : ''}>${o.label}</option>`)}</select>
<button type="submit" class="secondary">Set</button>
</form>`
}

export interface ListProps {
  sections: ComponentSection[]
  canWrite: boolean
  /** The component whose quick status change failed, with the message. */
  failed?: { id: string; message: string }
}

export function componentsList(c: Context<AppEnv>, p: ListProps): Html {
  const rows = (list: Component[]) =>
    // prettier-ignore
    html`<table class="stack components">
<thead><tr><th scope="col">Component</th><th scope="col">Status</th></tr></thead>
<tbody>${list.map((comp) => html`<tr${p.failed?.id === comp.id ? html` class="row-error"` : ''}>
<td class="lead"><a href="/admin/components/${comp.id}">${comp.name}</a> <span class="muted small">· position ${comp.position}</span>${comp.description ? html`<br><span class="muted small">${comp.description}</span>` : ''}</td>
<td${p.canWrite ? '' : html` data-label="Status"`}>${p.canWrite ? quickStatus(c, comp) : componentPill(comp.status)}${p.failed?.id === comp.id ? html`<span class="field-error" role="alert">${p.failed.message}</span>` : ''}</td>
</tr>`)}</tbody>
</table>`
  // prettier-ignore
  return html`${p.canWrite ? html`<p class="row"><a class="button" href="/admin/components/new">Add a component</a> <a class="button secondary" href="/admin/component-groups/new">Add a group</a></p>` : ''}
<p class="muted small">In the status page's order: groups and ungrouped components by position, then each group's components by theirs. To reorder, change a position on the component's or the group's page.</p>
${p.sections.length ? '' : html`<p>No components yet.</p>`}
${p.sections.map((s) => html`<section class="component-section" aria-labelledby="sec-${s.group?.id ?? s.components[0]!.id}">
<h2 id="sec-${s.group?.id ?? s.components[0]!.id}">${s.group ? html`${s.group.name} <span class="muted small">group · position ${s.group.position}</span>` : 'Not in a group'}</h2>
${s.group ? html`<p class="small">${s.group.description ? html`<span class="muted">${s.group.description}</span> · ` : ''}<a href="/admin/component-groups/${s.group.id}">${p.canWrite ? 'Edit group' : 'About this group'}<span class="vh"> ${s.group.name}</span></a></p>` : ''}
${s.components.length ? rows(s.components) : html`<p class="muted">No components in this group.</p>`}
</section>`)}`
}

export interface ComponentFormProps {
  /** Absent: a new component. */
  component?: Component
  values: Form
  errors?: FieldErrors
  groups: readonly ComponentGroup[]
}

const text = (values: Form, k: string) => (typeof values[k] === 'string' ? values[k] : '')

/** Create or edit a component: name, description, group, position, status, SLA, visibility. */
export function componentForm(c: Context<AppEnv>, p: ComponentFormProps): Html {
  const v = (k: string) => text(p.values, k)
  const action = p.component ? `/admin/components/${p.component.id}` : '/admin/components/new'
  const groupOptions = [
    { value: '', label: 'No group' },
    ...p.groups.map((g) => ({ value: g.id, label: g.name })),
  ]
  const shown = ['name', 'description', 'group_id', 'position', 'status', 'sla_target']
  // prettier-ignore
  return html`<form method="post" action="${action}" class="stacked">
${writeFields(c)}
${formAlert(p.errors, shown)}
${input({ name: 'name', label: 'Name', value: v('name'), errors: p.errors, required: true })}
${textarea({ name: 'description', label: 'Description (optional)', value: v('description'), errors: p.errors, rows: 2, hint: 'Shown to customers beside the name.' })}
${select({ name: 'group_id', label: 'Group', value: v('group_id'), options: groupOptions, errors: p.errors })}
${input({ name: 'position', label: p.component ? 'Position' : 'Position (optional)', value: v('position'), errors: p.errors, inputmode: 'numeric', required: !!p.component, hint: p.component ? 'Lower comes first: within its group, or among groups and ungrouped components.' : 'Empty: after the others.' })}
${select({ name: 'status', label: 'Status', value: v('status'), options: STATUS_OPTIONS, errors: p.errors })}
${input({ name: 'sla_target', label: 'Availability target (%)', value: v('sla_target'), errors: p.errors, inputmode: 'decimal', required: true, hint: 'Service credits are computed against it, e.g. 99.9.' })}
${checkbox({ name: 'only_show_if_degraded', label: 'Show on the status page only while it is not operational', checked: p.values.only_show_if_degraded !== undefined })}
<div class="actions"><button type="submit">${p.component ? 'Save changes' : 'Add component'}</button> <a class="button secondary" href="/admin/components">Back</a></div>
</form>`
}

/** What a viewer sees of a component: the same facts, no form. */
export function componentFacts(comp: Component, groups: readonly ComponentGroup[]): Html {
  const group = groups.find((g) => g.id === comp.group_id)
  // prettier-ignore
  return html`<dl class="facts">
<dt>Status</dt><dd>${componentPill(comp.status)}</dd>
<dt>Description</dt><dd>${comp.description ?? '—'}</dd>
<dt>Group</dt><dd>${group?.name ?? 'No group'}</dd>
<dt>Position</dt><dd>${comp.position}</dd>
<dt>Availability target</dt><dd>${comp.sla_target}%</dd>
<dt>Shown</dt><dd>${comp.only_show_if_degraded ? 'Only while not operational' : 'Always'}</dd>
</dl>`
}

export function deleteForm(
  c: Context<AppEnv>,
  what: 'component' | 'group',
  action: string,
  name: string,
): Html {
  const consequence =
    what === 'group'
      ? 'Its components stay, without a group.'
      : 'Its history stays in the audit log.'
  // prettier-ignore
  return html`<h2>Delete</h2>
<form method="post" action="${action}">
${writeFields(c)}
<p class="muted small">${consequence}</p>
<button type="submit" class="danger" data-confirm="Delete ${what} “${name}”? ${consequence}">Delete ${what}</button>
</form>`
}

export interface GroupFormProps {
  group?: ComponentGroup
  values: Form
  errors?: FieldErrors
  components: readonly Component[]
  groups: readonly ComponentGroup[]
}

/** Create or edit a group: name, description, position, and which components it holds. */
export function groupForm(c: Context<AppEnv>, p: GroupFormProps): Html {
  const v = (k: string) => text(p.values, k)
  const action = p.group ? `/admin/component-groups/${p.group.id}` : '/admin/component-groups/new'
  const chosen = [p.values.components ?? []].flat()
  const groupName = (id: string | null) => p.groups.find((g) => g.id === id)?.name
  const error = p.errors?.components
  const shown = ['name', 'description', 'position', 'components']
  // prettier-ignore
  return html`<form method="post" action="${action}" class="stacked">
${writeFields(c)}
${formAlert(p.errors, shown)}
${input({ name: 'name', label: 'Name', value: v('name'), errors: p.errors, required: true })}
${textarea({ name: 'description', label: 'Description (optional)', value: v('description'), errors: p.errors, rows: 2 })}
${input({ name: 'position', label: p.group ? 'Position' : 'Position (optional)', value: v('position'), errors: p.errors, inputmode: 'numeric', required: !!p.group, hint: p.group ? 'Lower comes first, among groups and ungrouped components.' : 'Empty: after the others.' })}
<fieldset aria-describedby="f-components-hint${error ? ' f-components-error' : ''}">
<legend>Components in this group</legend>
<span class="hint" id="f-components-hint">A component is in one group at most: ticking one that is in another group moves it here.</span>
${error ? html`<span class="field-error" id="f-components-error">${error}</span>` : ''}
${p.components.map((comp) => html`<div class="check"><input id="f-components-${comp.id}" name="components" type="checkbox" value="${comp.id}"${chosen.includes(comp.id) ? html` checked` : ''}><label for="f-components-${comp.id}">${comp.name}${comp.group_id && comp.group_id !== p.group?.id ? html` <span class="muted small">(now in ${groupName(comp.group_id) ?? 'another group'})</span>` : ''}</label></div>`)}
${p.components.length ? '' : html`<p class="muted">There are no components yet.</p>`}
</fieldset>
<div class="actions"><button type="submit">${p.group ? 'Save changes' : 'Add group'}</button> <a class="button secondary" href="/admin/components">Back</a></div>
</form>`
}

export function groupFacts(g: ComponentGroup, list: readonly Component[]): Html {
  const members = list.filter((c) => g.components.includes(c.id))
  // prettier-ignore
  return html`<dl class="facts">
<dt>Description</dt><dd>${g.description ?? '—'}</dd>
<dt>Position</dt><dd>${g.position}</dd>
<dt>Components</dt><dd>${members.map((c) => c.name).join(', ') || 'None'}</dd>
</dl>`
}
