import { DomainError, type ErrorDetail } from './errors.ts'
import { IncidentStatus, type Impact } from './schemas/incident.ts'
import { MaintenanceStatus } from './schemas/maintenance.ts'
import { Locale } from './schemas/subscription.ts'

/**
 * Playbooks are the responses prepared in advance for typical incidents (PRODUCT.md, emergency
 * communication). Their wording is a starting point that staff fill in and then adapt.
 *
 * Template syntax, a small subset of Mustache:
 * - `{{name}}` is replaced by the var's value;
 * - `{{#name}}…{{/name}}` is kept only when the var is given, `{{^name}}…{{/name}}` only when it
 *   is not, so optional vars never leave holes such as "back by ." behind.
 */

/** Wording in every locale the product speaks. */
export type Localized = Readonly<Record<Locale, string>>

export interface PlaybookVar {
  readonly name: string
  /** What to put here, for the person filling it in. */
  readonly description: string
  readonly required: boolean
  /** A realistic value; filling every var with its example gives a complete message. */
  readonly example: string
}

interface PlaybookBase {
  readonly id: string
  readonly title: Localized
  readonly vars: readonly PlaybookVar[]
  /** Plain text (the incident's name), not markdown. */
  readonly name: Localized
  /** Markdown; a playbook whose workaround fills to nothing yields `null`. */
  readonly workaround: Localized
  /** Markdown: sincere, no excuses, names the impact (PRODUCT.md, step 2). */
  readonly apology: Localized
}

export interface IncidentPlaybook extends PlaybookBase {
  readonly kind: 'incident'
  /** The suggested default; the person opening the incident may change it. */
  readonly impact: Impact
  readonly statuses: Readonly<Record<IncidentStatus, Localized>>
}

export interface MaintenancePlaybook extends PlaybookBase {
  readonly kind: 'maintenance'
  readonly impact: 'maintenance'
  readonly statuses: Readonly<Record<MaintenanceStatus, Localized>>
}

export type Playbook = IncidentPlaybook | MaintenancePlaybook
export type PlaybookKind = Playbook['kind']
export type PlaybookStatus = IncidentStatus | MaintenanceStatus

export interface FillOptions {
  /** Defaults to the first status of the playbook's kind (`investigating` or `scheduled`). */
  status?: PlaybookStatus
  /** Defaults to `en`. */
  locale?: Locale
  vars: Readonly<Record<string, string>>
}

export interface FilledPlaybook {
  /** Plain text, fits `IncidentCreate.name`. */
  name: string
  /** Markdown for the update body. */
  body: string
  /** Markdown, or `null` when nothing was given to offer as a workaround. */
  workaround: string | null
  /** Markdown. */
  apology: string
}

export interface PlaybookSummary {
  id: string
  kind: PlaybookKind
  title: Localized
  impact: Impact | 'maintenance'
  statuses: PlaybookStatus[]
  vars: PlaybookVar[]
}

/** Longest value accepted for one var: enough for a workaround, short of a whole update. */
export const MAX_VAR_LENGTH = 1_000
/** Same bound as `Name` in core/schemas/common.ts. */
const MAX_NAME_LENGTH = 200

const SECTION = /\{\{([#^])([a-z][a-z0-9_]*)\}\}([\s\S]*?)\{\{\/\2\}\}/g
const PLACEHOLDER = /\{\{([a-z][a-z0-9_]*)\}\}/g
const ANY_TAG = /\{\{[#^/]?([a-z][a-z0-9_]*)\}\}/g

/** The statuses a playbook of this kind has wording for, in timeline order. */
export function playbookStatuses(kind: PlaybookKind): PlaybookStatus[] {
  return kind === 'incident' ? [...IncidentStatus.options] : [...MaintenanceStatus.options]
}

/** Names of the vars a template refers to, in order of first use. */
export function templateVars(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(ANY_TAG), (m) => m[1] ?? ''))]
}

/** The API listing of a playbook: what it is for and what it needs, without its wording. */
export function playbookSummary(playbook: Playbook): PlaybookSummary {
  return {
    id: playbook.id,
    kind: playbook.kind,
    title: { ...playbook.title },
    impact: playbook.impact,
    statuses: playbookStatuses(playbook.kind),
    vars: playbook.vars.map((v) => ({ ...v })),
  }
}

/**
 * The vars a playbook is filled with: what the person gave, and for `component` (when the
 * playbook uses it and it was left empty) the names of the components the incident affects,
 * joined as a sentence does ("Checkout and Payments API"). Explicit values always win.
 */
export function withDerivedVars(
  playbook: Playbook,
  vars: Readonly<Record<string, string>>,
  affected: readonly string[],
  locale: Locale = 'en',
): Record<string, string> {
  const out = { ...vars }
  const uses = playbook.vars.some((v) => v.name === 'component')
  if (uses && !out.component?.trim() && affected.length > 0) {
    out.component = listFormat(locale).format(affected)
  }
  return out
}

const listFormats = new Map<Locale, Intl.ListFormat>()
function listFormat(locale: Locale): Intl.ListFormat {
  let f = listFormats.get(locale)
  if (!f) {
    f = new Intl.ListFormat(locale === 'en' ? 'en-GB' : locale, { type: 'conjunction' })
    listFormats.set(locale, f)
  }
  return f
}

/** Fills one status's wording in one locale; throws `invalid_input` listing every bad input. */
export function fillPlaybook(playbook: Playbook, options: FillOptions): FilledPlaybook {
  const locale = options.locale ?? 'en'
  const allowed = playbookStatuses(playbook.kind)
  const status = options.status ?? allowed[0]
  const problems: ErrorDetail[] = []

  if (!Locale.options.includes(locale)) {
    problems.push({ path: 'locale', message: `Must be one of ${Locale.options.join(', ')}` })
  }
  if (status === undefined || !allowed.includes(status)) {
    problems.push({ path: 'status', message: `Must be one of ${allowed.join(', ')}` })
  }
  const declared = new Set(playbook.vars.map((v) => v.name))
  const values = new Map<string, string>()
  for (const [name, raw] of Object.entries(options.vars)) {
    const path = `vars.${name}`
    if (!declared.has(name)) problems.push({ path, message: 'Not used by this template' })
    else if (typeof raw !== 'string') problems.push({ path, message: 'Must be text' })
    else if (raw.length > MAX_VAR_LENGTH) {
      problems.push({ path, message: `Must be at most ${MAX_VAR_LENGTH} characters` })
    } else {
      const value = plain(raw)
      if (value) values.set(name, value)
    }
  }
  for (const v of playbook.vars) {
    if (v.required && !values.has(v.name) && problems.every((p) => p.path !== `vars.${v.name}`)) {
      problems.push({ path: `vars.${v.name}`, message: `Required: ${v.description}` })
    }
  }
  if (problems.length > 0 || status === undefined) throw invalid(problems)

  const statuses: Readonly<Record<string, Localized>> = playbook.statuses
  const bodyTemplate = statuses[status]?.[locale]
  if (bodyTemplate === undefined) throw invalid([{ path: 'status', message: 'No wording' }])

  const name = fill(playbook.name[locale], values, locale, (v) => v)
  if (name.length > MAX_NAME_LENGTH) {
    throw invalid(
      templateVars(playbook.name[locale])
        .filter((n) => values.has(n))
        .map((n) => ({
          path: `vars.${n}`,
          message: `Makes the incident name longer than ${MAX_NAME_LENGTH} characters`,
        })),
    )
  }
  const workaround = fill(playbook.workaround[locale], values, locale, escapeMarkdown)
  return {
    name,
    body: fill(bodyTemplate, values, locale, escapeMarkdown),
    workaround: workaround === '' ? null : workaround,
    apology: fill(playbook.apology[locale], values, locale, escapeMarkdown),
  }
}

/**
 * Escapes a plain-text value for inline markdown, so that what someone typed is shown as typed:
 * it cannot open a link (bare URLs and addresses included), an image, HTML, emphasis, code, a
 * table cell or a heading.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\`*_[\]()<>#|~@]/g, '\\$&')
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/^[-+=]/, '\\$&')
}

function invalid(details: ErrorDetail[]): DomainError {
  return new DomainError('invalid', 'invalid_input', 'Invalid template vars', details)
}

/** Values are one line of plain text: a line break inside one could start a list or a quote. */
function plain(value: string): string {
  return value.replace(/\s+/g, ' ').trim()
}

function fill(
  template: string,
  values: ReadonlyMap<string, string>,
  locale: Locale,
  escape: (value: string) => string,
): string {
  let text = template
  for (let previous = ''; previous !== text;) {
    previous = text
    text = text.replace(SECTION, (_, mode: string, name: string, inner: string) =>
      values.has(name) === (mode === '#') ? inner : '',
    )
  }
  // One pass, so a value that itself contains `{{…}}` is inserted as it is, never expanded.
  text = text.replace(PLACEHOLDER, (tag: string, name: string, at: number, whole: string) => {
    const value = values.get(name)
    if (value === undefined) return tag
    const escaped = escape(value)
    if (locale === 'en') return startsSentence(whole.slice(0, at)) ? capitalised(escaped) : escaped
    return (
      spaced(whole[at - 1], escaped[0]) + escaped + spaced(escaped.at(-1), whole[at + tag.length])
    )
  })
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/(?<=\S) {2,}(?=\S)/g, ' ')
    .trim()
}

const startsSentence = (before: string) => /(^|[.!?]\s+|\n)$/.test(before)

/** "the web app" opens a sentence as "The web app"; "iOS app" or "eBay" stay as they are. */
const capitalised = (value: string) =>
  /^[a-z]+(?![^\s,])/.test(value) ? value.charAt(0).toUpperCase() + value.slice(1) : value

/** Chinese typesetting puts a space between Han characters and Latin letters or digits. */
function spaced(before: string | undefined, after: string | undefined): string {
  if (before === undefined || after === undefined) return ''
  const han = /\p{Script=Han}/u
  const latin = /[A-Za-z0-9]/
  return (han.test(before) && latin.test(after)) || (latin.test(before) && han.test(after))
    ? ' '
    : ''
}
