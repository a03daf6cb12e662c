import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import { Hono } from 'hono'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'
import { escapeHtml as esc } from '../../../../templates/render.ts'
import { requireScope } from '../../../auth.ts'
import type { Deps } from '../../../deps.ts'
import type { AppEnv } from '../../../env.ts'
import { handleError } from '../../../errors.ts'
import { securityHeaders } from '../../../http/security-headers.ts'
import { loadSession, requirePerson } from '../../../http/session.ts'

export const MAILBOX_PATH = '/_mailbox/'
/** Messages per page of the list. */
export const MAILBOX_PAGE_SIZE = 50
const FILE = /^[A-Za-z0-9._@-]+\.eml$/
/** Enough of a message to hold its header; the list reads no more of each file than this. */
const HEAD_BYTES = 16 * 1024

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The HTML part is shown in a sandboxed frame: no script runs, nothing is fetched.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
}

function addresses(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return ''
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ')
}

function page(title: string, body: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>` +
      `<meta name="viewport" content="width=device-width,initial-scale=1"><style>` +
      `body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1f2328}` +
      `header{background:#24292f;color:#fff;padding:10px 20px}header a{color:#fff}` +
      `main{padding:16px 20px}table{border-collapse:collapse;width:100%}` +
      `td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #d0d7de;vertical-align:top}` +
      `a{color:#0969da}pre{white-space:pre-wrap;background:#f6f8fa;padding:12px}` +
      `iframe{width:100%;height:70vh;border:1px solid #d0d7de}dt{font-weight:600}dd{margin:0 0 6px}` +
      `</style></head><body><header><a href="${MAILBOX_PATH}">Dev mailbox</a> · ` +
      `mail the notifier would have sent (set SMTP_URL to send it for real)</header><main>${body}</main></body></html>`,
    { headers: PAGE_HEADERS },
  )
}

const notFound = () =>
  new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } })

async function parse(dir: string, name: string): Promise<ParsedMail> {
  return simpleParser(readFileSync(join(dir, name)))
}

/** Only the header of a message (its first bytes up to the blank line), for the list. */
async function parseHead(dir: string, name: string): Promise<ParsedMail> {
  const buf = Buffer.alloc(HEAD_BYTES)
  const fd = openSync(join(dir, name), 'r')
  let n: number
  try {
    n = readSync(fd, buf, 0, HEAD_BYTES, 0)
  } finally {
    closeSync(fd)
  }
  const text = buf.subarray(0, n).toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  return simpleParser(buf.subarray(0, end < 0 ? n : end + 4))
}

/**
 * One page of the list, newest first. Sorting needs each file's time (a stat, not a read); only
 * the page's own messages are opened, and only their headers are parsed.
 */
async function list(dir: string, pageNo: number): Promise<Response> {
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => FILE.test(f))
        .map((f) => ({ f, at: statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
        .sort((a, b) => b.at - a.at || (a.f < b.f ? -1 : 1))
    : []
  const pages = Math.max(1, Math.ceil(files.length / MAILBOX_PAGE_SIZE))
  if (pageNo > pages) return notFound()
  const from = (pageNo - 1) * MAILBOX_PAGE_SIZE
  const shown = await Promise.all(
    files
      .slice(from, from + MAILBOX_PAGE_SIZE)
      .map(async ({ f }) => ({ f, m: await parseHead(dir, f) })),
  )
  const rows = shown
    .map(
      ({ f, m }) =>
        `<tr><td>${esc(m.date?.toISOString().replace('T', ' ').slice(0, 19) ?? '')}</td>` +
        `<td>${esc(addresses(m.to))}</td>` +
        `<td><a href="${MAILBOX_PATH}${encodeURIComponent(f)}">${esc(m.subject ?? '(no subject)')}</a></td></tr>`,
    )
    .join('')
  const nav = [
    pageNo > 1 ? `<a rel="prev" href="?page=${pageNo - 1}">Newer</a>` : '',
    pageNo < pages ? `<a rel="next" href="?page=${pageNo + 1}">Older</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ')
  return page(
    'Dev mailbox',
    `<h1>Dev mailbox (${files.length})</h1>` +
      (files.length
        ? `<p>Page ${pageNo} of ${pages}</p><table><thead><tr><th>Date (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>` +
          (nav ? `<p>${nav}</p>` : '')
        : '<p>No mail yet. Post an incident, or subscribe on the status page.</p>'),
  )
}

async function show(dir: string, name: string): Promise<Response> {
  const m = await parse(dir, name)
  const header = (k: string) => {
    const v = m.headers.get(k)
    return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v)
  }
  const facts: [string, string][] = [
    ['From', addresses(m.from)],
    ['To', addresses(m.to)],
    ['Subject', m.subject ?? ''],
    ['Date', m.date?.toISOString() ?? ''],
    ['Message-ID', m.messageId ?? ''],
    ['In-Reply-To', m.inReplyTo ?? ''],
    ['List-Unsubscribe', header('list-unsubscribe')],
  ]
  const html = typeof m.html === 'string' ? m.html : ''
  return page(
    m.subject ?? 'Message',
    `<h1>${esc(m.subject ?? '(no subject)')}</h1><dl>` +
      facts
        .filter(([, v]) => v)
        .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
        .join('') +
      `</dl><p><a href="${MAILBOX_PATH}${encodeURIComponent(name)}/raw">Raw message</a></p>` +
      (html
        ? `<h2>HTML</h2><iframe sandbox="" title="HTML part" srcdoc="${esc(html)}"></iframe>`
        : '') +
      `<h2>Text</h2><pre>${esc(m.text ?? '')}</pre>`,
  )
}

/**
 * Serves the dev mailbox (like mailpit or maildev): `/_mailbox/` lists the messages newest
 * first, a page at a time (`?page=2`), `/_mailbox/<file>` shows one (its HTML sandboxed, its
 * text, its headers), `…/raw` the bytes. Every message holds a subscriber's manage and
 * unsubscribe links, so all of it needs an admin: a console admin's session (a browser; without
 * one, a GET is sent to the sign-in page) or an admin token as Bearer (a script), and it is off
 * whenever SMTP_URL is set. Returns null for any other path. Node only; mounted by api/node.ts.
 */
export function createMailboxRoute(deps: Deps, dir: string) {
  const app = new Hono<AppEnv>()
  app.use('*', securityHeaders(deps.config.siteUrl))
  app.onError((err, c) => handleError(err, c, deps.log))
  // Relative, never built from the Host header.
  app.all(
    '/_mailbox',
    () => new Response(null, { status: 301, headers: { location: MAILBOX_PATH } }),
  )
  const tokenGuard = requireScope(deps, 'admin')
  const personGuard = requirePerson('admin')
  app.use(`${MAILBOX_PATH}*`, loadSession(deps), (c, next) =>
    c.get('signedIn') || !c.req.header('authorization')
      ? personGuard(c, next)
      : tokenGuard(c, next),
  )
  app.all(`${MAILBOX_PATH}*`, async (c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } })
    }
    let rest: string
    try {
      rest = decodeURIComponent(c.req.path.slice(MAILBOX_PATH.length))
    } catch {
      return notFound()
    }
    if (rest === '') {
      const p = c.req.query('page') ?? '1'
      if (!/^[1-9][0-9]{0,5}$/.test(p)) return notFound()
      return list(dir, Number(p))
    }
    const [name, raw, extra] = rest.split('/')
    const found = name && FILE.test(name) && existsSync(join(dir, name))
    if (!found || extra !== undefined || (raw !== undefined && raw !== 'raw' && raw !== '')) {
      return notFound()
    }
    if (raw === 'raw') {
      return new Response(readFileSync(join(dir, name)), {
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        },
      })
    }
    return show(dir, name)
  })

  // `env` is the Node server's `{ incoming, outgoing }`: the token-guessing limit needs the socket.
  return async function mailbox(request: Request, env?: unknown): Promise<Response | null> {
    if (deps.config.mail.smtpUrl) return null
    const path = new URL(request.url).pathname
    if (path !== '/_mailbox' && !path.startsWith(MAILBOX_PATH)) return null
    return app.fetch(request, env)
  }
}
