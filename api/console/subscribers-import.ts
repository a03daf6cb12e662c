import type { Context, Hono, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError } from '../../core/errors.ts'
import { listComponents } from '../../db/components.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { checkCsrf, requirePerson } from '../http/session.ts'
import { limitBody } from '../pages/page-middleware.ts'
import { subscriptions } from '../services/subscriptions.ts'
import { refusal } from './form-errors.ts'
import { consoleWrite, one, readForm, runOnce, type FieldErrors, type Form } from './forms.ts'
import { consolePage, type Html } from './layout.ts'
import {
  importForm,
  importPreview,
  type ImportFormView,
  type LineProblem,
} from './subscribers-import-views.ts'

/**
 * The one console path that takes multipart/form-data (a file input), so the console's
 * urlencoded-only body check (api/console/index.ts) leaves it to `uploadBody` below.
 */
export const SUBSCRIBER_UPLOAD_PATH = '/admin/subscribers/import'

/**
 * The largest CSV the console imports, as the API's default body limit: about 2,000 addresses.
 * The preview sends the file back in a urlencoded form, at most 3 bytes per byte, which stays
 * inside the console's 256 KB form limit.
 */
export const CSV_MAX_BYTES = 64 * 1024
// A file and pasted rows (both refused, but read first), boundaries and the CSRF token.
const UPLOAD_MAX_BYTES = 2 * CSV_MAX_BYTES + 16 * 1024

const MULTIPART = /^multipart\/form-data\b/i

/**
 * The body of the upload form: multipart of bounded size, whole in valid UTF-8 (so every part
 * is; a file saved in another encoding is refused with a plain explanation), and no part with a
 * Content-Transfer-Encoding (browsers never send one; the parser would decode it after this
 * check). Returns the text fields (the CSRF token is checked here) and the chosen file's text.
 */
async function readUpload(
  deps: Deps,
  c: Context<AppEnv>,
): Promise<{ form: Form; file: string | null } | { problem: string }> {
  const type = c.req.header('content-type') ?? ''
  const bytes = await c.req.arrayBuffer()
  let body: string
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return {
      problem:
        'This file is not UTF-8 text. From a spreadsheet, save it as “CSV UTF-8”, then choose it again',
    }
  }
  const boundary = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(type)
  if (!boundary) throw unreadable()
  const parts = body.split(`--${boundary[1] ?? boundary[2]}`).slice(1, -1)
  if (parts.some((p) => /^content-transfer-encoding:/im.test(p.split('\r\n\r\n')[0] ?? ''))) {
    throw unreadable()
  }
  let parsed: Record<string, string | File | (string | File)[]>
  try {
    parsed = await c.req.parseBody({ all: true })
  } catch {
    throw unreadable()
  }
  const form: Form = {}
  let file: File | null = null
  for (const [k, v] of Object.entries(parsed)) {
    const first = Array.isArray(v) ? v[0] : v
    if (k === 'file') file = first instanceof File && first.size > 0 ? first : null
    else if (typeof first === 'string') form[k] = first
  }
  checkCsrf(deps, c, form)
  return { form, file: file ? await file.text() : null }
}

const unreadable = () =>
  new DomainError(
    'invalid',
    'invalid_form',
    'The upload could not be read; send it with the import form',
  )

const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength

/** A refused file's problems, one per line and column, from the service's `lines.<n>.<column>`. */
function lineProblems(err: DomainError): LineProblem[] {
  return (err.details ?? []).map((d) => {
    const [, line, column] = /^lines\.(\d+)(?:\.(\w+))?$/.exec(d.path) ?? []
    return { line: Number(line ?? 1), column: column ?? null, message: d.message }
  })
}

const isCsvProblem = (err: unknown): err is DomainError =>
  err instanceof DomainError && err.code === 'invalid_csv'

/** /admin/subscribers/import: upload or paste, preview every row's change, then commit exactly that. */
export function mountSubscriberImport(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const admin = requirePerson('admin')

  async function formPage(
    c: Context<AppEnv>,
    v: Omit<ImportFormView, 'components' | 'maxKb'> = {},
    status: ContentfulStatusCode = 200,
  ) {
    const components = (await listComponents(deps.db)).map((x) => ({ id: x.id, name: x.name }))
    const body = importForm(c, { ...v, components, maxKb: CSV_MAX_BYTES / 1024 })
    return render(c, 'Import subscribers', body, status)
  }

  function render(c: Context<AppEnv>, title: string, body: Html, status: ContentfulStatusCode) {
    return c.html(consolePage(c, siteName, { title, section: 'subscribers', body }), status)
  }

  /**
   * The preview of `text` as the subscribers are now (the one planner: the commit uses it too),
   * or the file's problems beside the form to fix them, with the rows in the paste box.
   */
  async function preview(
    c: Context<AppEnv>,
    text: string,
    o: { changed?: boolean; errors?: FieldErrors; status?: ContentfulStatusCode } = {},
  ) {
    let plan
    try {
      plan = await subscriptions.planImport(deps, text)
    } catch (err) {
      if (!isCsvProblem(err)) throw err
      return formPage(c, { text, problems: lineProblems(err) }, 400)
    }
    const names = new Map((await listComponents(deps.db)).map((x) => [x.id, x.name]))
    const body = importPreview(c, { plan, text, names, changed: o.changed, errors: o.errors })
    return render(c, 'Import preview', body, o.status ?? 200)
  }

  // Bounded before anything is read; too large a file gets the form again with the reason.
  const uploadBody: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!MULTIPART.test(c.req.header('content-type') ?? '')) {
      throw new DomainError(
        'unsupported_media_type',
        'unsupported_media_type',
        'Send the file with the import form (multipart/form-data)',
      )
    }
    await next()
  }
  const tooLarge = `The upload is larger than ${CSV_MAX_BYTES / 1024} KB: split the file, or import a larger one with the API`

  app.get(SUBSCRIBER_UPLOAD_PATH, admin, (c) => formPage(c))

  app.post(
    SUBSCRIBER_UPLOAD_PATH,
    admin,
    uploadBody,
    async (c, next) => {
      try {
        return await limitBody(UPLOAD_MAX_BYTES)(c, next)
      } catch (err) {
        if (!(err instanceof DomainError) || err.kind !== 'too_large') throw err
        return formPage(c, { errors: { file: tooLarge } }, 413)
      }
    },
    async (c) => {
      const read = await readUpload(deps, c)
      if ('problem' in read) return formPage(c, { errors: { file: read.problem } }, 400)
      const pasted = one(read.form, 'csv')
      const text = read.file ?? pasted
      if (read.file !== null && pasted.trim() !== '') {
        const both = 'Choose a file or paste rows, not both'
        return formPage(c, { text: pasted, errors: { file: both } }, 400)
      }
      if (text.trim() === '') {
        return formPage(c, { errors: { file: 'Choose a CSV file, or paste its rows below' } }, 400)
      }
      if (utf8Length(text) > CSV_MAX_BYTES) {
        return formPage(c, { text: read.file ? '' : pasted, errors: { file: tooLarge } }, 413)
      }
      return preview(c, text)
    },
  )

  app.post('/admin/subscribers/import/commit', admin, async (c) => {
    const form = await readForm(deps, c)
    const text = one(form, 'csv')
    const digest = one(form, 'digest')
    if (!/^[0-9a-f]{64}$/.test(digest) || text.trim() === '' || utf8Length(text) > CSV_MAX_BYTES) {
      return formPage(c, { errors: { file: 'Choose the file again: it is previewed first' } }, 400)
    }
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect('/admin/subscribers?notice=imported', 303)
    try {
      await runOnce(deps, c, form, () => subscriptions.importCsv(deps, ctx, text, { digest }))
    } catch (err) {
      // Whatever changed, show the file as it would import now; never apply something else.
      if (err instanceof DomainError && err.code === 'import_changed') {
        // The same form pressed twice at once: the other press imported it (and changed the
        // subscribers this one planned against). Show where that one went.
        if ((await consoleWrite(deps, c, form)).replay) {
          return c.redirect('/admin/subscribers?notice=imported', 303)
        }
        return preview(c, text, { changed: true, status: 409 })
      }
      if (isCsvProblem(err)) return preview(c, text)
      const r = refusal(err)
      if (!r) throw err
      return preview(c, text, { errors: r.errors, status: r.status })
    }
    return c.redirect('/admin/subscribers?notice=imported', 303)
  })
}
