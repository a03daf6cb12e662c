import type { Incident } from '../../core/schemas/incident.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import { one, type FieldErrors, type Form } from './forms.ts'

/**
 * The console's forms as the API's input objects: the same zod schemas then validate them
 * (core/schemas/incident.ts). An empty text field is "not given", never an empty string, so the
 * schema's own rules (required, or filled from the playbook) decide.
 */
const given = (form: Form, name: string): string | undefined =>
  one(form, name).trim() === '' ? undefined : one(form, name)

const notify = (form: Form) => one(form, 'notify') === 'on'

/** `components.<id>` fields with a status chosen; "" means not affected / unchanged. */
export function componentsOf(form: Form): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(form)) {
    const v = one(form, key)
    if (key.startsWith('components.') && v) out[key.slice('components.'.length)] = v
  }
  return out
}

/** `vars.<name>` fields that were filled in. */
function varsOf(form: Form): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(form)) {
    const v = one(form, key)
    if (key.startsWith('vars.') && v.trim()) out[key.slice('vars.'.length)] = v
  }
  return out
}

export function createInput(form: Form): Record<string, unknown> {
  const template = given(form, 'template')
  return {
    name: given(form, 'name'),
    status: given(form, 'status'),
    impact: given(form, 'impact'),
    body: given(form, 'body'),
    components: componentsOf(form),
    workaround: given(form, 'workaround'),
    deliver_notifications: notify(form),
    ...(template ? { template, vars: varsOf(form), locale: given(form, 'locale') } : {}),
  }
}

/**
 * The workaround field of an update: unchanged text means "keep it" (absent), emptied means
 * "take it down" (null), anything else replaces it.
 */
function workaroundChange(form: Form, current: string | null): string | null | undefined {
  const v = one(form, 'workaround')
  if (v.trim() === (current ?? '').trim()) return undefined
  return v.trim() === '' ? null : v
}

/** Only the components whose chosen status differs from what the incident holds them at. */
function changedComponents(form: Form, i: Incident): Record<string, string> | undefined {
  const held = new Map(i.components.map((c) => [c.id, c.status as string]))
  const out = Object.fromEntries(
    Object.entries(componentsOf(form)).filter(([id, s]) => held.get(id) !== s),
  )
  return Object.keys(out).length ? out : undefined
}

export function updateInput(form: Form, i: Incident): Record<string, unknown> {
  return {
    status: given(form, 'status'),
    body: given(form, 'body'),
    components: changedComponents(form, i),
    workaround: workaroundChange(form, i.workaround),
    deliver_notifications: notify(form),
  }
}

export function resolveInput(form: Form): Record<string, unknown> {
  return {
    body: given(form, 'body'),
    apology: given(form, 'apology'),
    deliver_notifications: notify(form),
  }
}

export function reopenInput(form: Form): Record<string, unknown> {
  return {
    status: given(form, 'status'),
    body: given(form, 'body'),
    deliver_notifications: notify(form),
  }
}

/**
 * A correction typed in the console, which shows the default locale only: the other locales'
 * text of that field is sent along unchanged, so fixing a typo in English keeps the Chinese
 * (a plain string would replace every language; the API decides that, core/localized.ts).
 */
function corrected(
  text: string,
  field: string,
  translations: Partial<Record<string, Record<string, string>>> | undefined,
  defaultLocale: Locale,
): string | Record<string, string> {
  const others: Record<string, string> = {}
  for (const [l, f] of Object.entries(translations ?? {})) {
    const t = f?.[field]
    if (t !== undefined) others[l] = t
  }
  return Object.keys(others).length ? { [defaultLocale]: text, ...others } : text
}

/** Only the fields that differ from the incident: the audit then records exactly the change. */
export function editInput(form: Form, i: Incident, defaultLocale: Locale): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (one(form, 'name') !== i.name)
    out.name = corrected(one(form, 'name'), 'name', i.translations, defaultLocale)
  if (one(form, 'impact') !== i.impact) out.impact = one(form, 'impact')
  return out
}

export function updateTextInput(
  form: Form,
  i: Incident,
  updateId: string,
  defaultLocale: Locale,
): Record<string, unknown> {
  const u = i.incident_updates.find((x) => x.id === updateId)
  return { body: corrected(one(form, 'body'), 'body', u?.translations, defaultLocale) }
}

/**
 * Beside a form field, a missing value is plainly "Required": not the API's "Required (or give
 * a template)" nor zod's "expected string, received undefined".
 */
export function consoleWording(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {}
  for (const [k, m] of Object.entries(errors)) out[k] = inWords(m)
  return out
}

/** The schema's own bounds, said as a person would beside a field ("At most 65535"). */
const BOUNDS: [RegExp, string][] = [
  [/^Required \(or give a template\)$|received undefined$/, 'Required'],
  [/^Too big: expected number to be <=?(\d+)$/, 'At most $1'],
  [/^Too small: expected number to be >=?(\d+)$/, 'At least $1'],
  [/^Too big: expected string to have <=?(\d+) characters$/, 'At most $1 characters'],
]

function inWords(message: string): string {
  for (const [pattern, words] of BOUNDS)
    if (pattern.test(message)) return message.replace(pattern, words)
  return message
}
