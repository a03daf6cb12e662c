import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'
import { escapeHtml as esc } from '../../templates/render.ts'

export const MAILBOX_PATH = '/_mailbox/'
const LISTED = 200
const FILE = /^[A-Za-z0-9._@-]+\.eml$/

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

async function parse(dir: string, name: string): Promise<ParsedMail> {
  return simpleParser(readFileSync(join(dir, name)))
}

async function list(dir: string): Promise<Response> {
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => FILE.test(f))
        .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
        .sort((a, b) => b.at - a.at)
    : []
  const shown = await Promise.all(
    files.slice(0, LISTED).map(async ({ f }) => ({ f, m: await parse(dir, f) })),
  )
  const rows = shown
    .map(
      ({ f, m }) =>
        `<tr><td>${esc(m.date?.toISOString().replace('T', ' ').slice(0, 19) ?? '')}</td>` +
        `<td>${esc(addresses(m.to))}</td>` +
        `<td><a href="${MAILBOX_PATH}${encodeURIComponent(f)}">${esc(m.subject ?? '(no subject)')}</a></td></tr>`,
    )
    .join('')
  const count = files.length > LISTED ? `newest ${LISTED} of ${files.length}` : `${files.length}`
  return page(
    'Dev mailbox',
    `<h1>Dev mailbox (${esc(count)})</h1>` +
      (files.length
        ? `<table><thead><tr><th>Date (UTC)</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
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
 * first, `/_mailbox/<file>` shows one (its HTML sandboxed, its text, its headers), `…/raw` the
 * bytes. Returns null for any other path. Node only; mounted by api/node.ts without SMTP_URL.
 */
export function createMailboxRoute(dir: string) {
  return async function mailbox(request: Request): Promise<Response | null> {
    const path = new URL(request.url).pathname
    if (path === '/_mailbox') return Response.redirect(new URL(MAILBOX_PATH, request.url), 301)
    if (!path.startsWith(MAILBOX_PATH)) return null
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } })
    }
    let rest: string
    try {
      rest = decodeURIComponent(path.slice(MAILBOX_PATH.length))
    } catch {
      rest = '\0'
    }
    if (rest === '') return list(dir)
    const [name, raw, extra] = rest.split('/')
    const found = name && FILE.test(name) && existsSync(join(dir, name))
    if (!found || extra !== undefined || (raw !== undefined && raw !== 'raw' && raw !== '')) {
      return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } })
    }
    if (raw === 'raw') {
      return new Response(readFileSync(join(dir, name)), {
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'x-content-type-options': 'nosniff',
        },
      })
    }
    return show(dir, name)
  }
}
