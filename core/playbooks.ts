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

/**
 * Vars playbooks no longer use, still accepted (and ignored) so older requests keep working:
 * `unaffected` let a playbook claim what still works, which could disagree with the list the
 * page and the emails compute from component states (core/affected-sentence.ts).
 */
const RETIRED_VARS: ReadonlySet<string> = new Set(['unaffected'])

const SECTION = /\{\{([#^])([a-z][a-z0-9_]*)\}\}([\s\S]*?)\{\{\/\2\}\}/g
/** A placeholder and, in English, the verb that follows it and must agree with its value. */
const PLACEHOLDER_VERB = /\{\{([a-z][a-z0-9_]*)\}\}(?: (was|is|has)\b)?/g
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
    if (RETIRED_VARS.has(name) && !declared.has(name)) continue
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
  const body = fill(bodyTemplate, values, locale, escapeMarkdown)
  return {
    name,
    body: workaround ? withoutSentencesOf(body, workaround, locale) : body,
    workaround: workaround === '' ? null : workaround,
    apology: fill(playbook.apology[locale], values, locale, escapeMarkdown),
  }
}

/** The text of one field in every locale asked for. */
export type FilledIn = Record<Locale, string>

export interface FilledEvery {
  name: FilledIn
  body: FilledIn
  /** null when the playbook offers no workaround in the default locale. */
  workaround: FilledIn | null
  apology: FilledIn
}

/**
 * Fills a playbook in every locale at once (the default first), so an incident opened from it
 * carries its text in each language the page speaks. `varsIn` gives the vars per locale (the
 * derived `component` joins names the way each language does).
 */
export function fillPlaybookIn(
  playbook: Playbook,
  locales: readonly Locale[],
  status: PlaybookStatus | undefined,
  varsIn: (locale: Locale) => Readonly<Record<string, string>>,
): FilledEvery {
  const filled = locales.map((locale) => {
    const vars = varsIn(locale)
    return [locale, fillPlaybook(playbook, { status, locale, vars })] as const
  })
  const field = (f: 'name' | 'body' | 'apology') =>
    Object.fromEntries(filled.map(([l, out]) => [l, out[f]])) as FilledIn
  const hasWorkaround = filled[0]?.[1].workaround != null
  return {
    name: field('name'),
    body: field('body'),
    apology: field('apology'),
    workaround: hasWorkaround
      ? (Object.fromEntries(filled.map(([l, out]) => [l, out.workaround ?? ''])) as FilledIn)
      : null,
  }
}

/** Sentences, each with its closing punctuation (and the space after it in English). */
function sentencesOf(text: string): string[] {
  return text.match(/[^.!?。！？]+(?:[.!?。！？]+\s*|$)/g) ?? []
}

/**
 * The body without the sentences the workaround already says: both are shown together, and a
 * sentence twice (the playbooks share advice between them) reads as boilerplate.
 */
function withoutSentencesOf(body: string, workaround: string, locale: Locale): string {
  const said = new Set(sentencesOf(workaround).map((x) => x.trim()))
  return body
    .split('\n\n')
    .map((para) =>
      sentencesOf(para)
        .filter((x) => !said.has(x.trim()))
        .join('')
        .trim(),
    )
    .filter((para) => para !== '')
    .join('\n\n')
    .replace(locale === 'en' ? /(?<=\S) {2,}/g : /(?!)/g, ' ')
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
  text = text.replace(
    PLACEHOLDER_VERB,
    (tag: string, name: string, verb: string | undefined, at: number, whole: string) => {
      const value = values.get(name)
      if (value === undefined) return tag
      // A value placed inside the wording's brackets loses its own: "（EU，Frankfurt）".
      const escaped = insideBrackets(whole.slice(0, at))
        ? unbracketed(escape(value), locale)
        : escape(value)
      if (locale === 'en') {
        const said = startsSentence(whole.slice(0, at)) ? capitalised(escaped) : escaped
        return verb ? `${said} ${isList(value) ? PLURAL[verb] : verb}` : said
      }
      const end = at + tag.length
      return spaced(whole[at - 1], escaped[0]) + escaped + spaced(escaped.at(-1), whole[end])
    },
  )
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/(?<=\S) {2,}(?=\S)/g, ' ')
    .trim()
}

/** "Payments API and Checkout were unavailable": a value naming several things takes a plural verb. */
const PLURAL: Readonly<Record<string, string>> = { was: 'were', is: 'are', has: 'have' }
const isList = (value: string) => /\S(,| and | & )\S|\S and \S/.test(value)

const OPEN = new Map([
  ['(', ')'],
  ['（', '）'],
  ['[', ']'],
])
const CLOSE = new Set([')', '）', ']'])

/** Whether the wording before a placeholder leaves a bracket open (wording never escapes one). */
function insideBrackets(before: string): boolean {
  let depth = 0
  for (const ch of before) {
    if (OPEN.has(ch)) depth++
    else if (CLOSE.has(ch)) depth = Math.max(0, depth - 1)
  }
  return depth > 0
}

/**
 * A value's brackets turned into commas ("EU (Frankfurt)" → "EU, Frankfurt"), for a value the
 * wording already puts in brackets: nested brackets ("（EU (Frankfurt)）") read as a typo.
 * Escaped brackets (markdown values) count too and lose their backslash with them.
 */
function unbracketed(value: string, locale: Locale): string {
  const comma = locale === 'en' ? ', ' : '，'
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const next = value[i + 1] ?? ''
    const ch = value[i] === '\\' && (OPEN.has(next) || CLOSE.has(next)) ? value[++i]! : value[i]!
    if (OPEN.has(ch)) out = out.trimEnd() + (out.trim() ? comma : '')
    else if (!CLOSE.has(ch)) out += ch
  }
  return out.trim()
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
