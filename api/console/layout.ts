import type { Context } from 'hono'
import { html } from 'hono/html'
import { ROLE_SCOPE, type Role } from '../../core/schemas/user.ts'
import { RANK } from '../auth.ts'
import type { AppEnv } from '../env.ts'
import type { Html } from '../pages/layout.ts'
import { ASSETS } from './assets.ts'

export type { Html }

/** The console's sections, in menu order, with the least role that sees each. */
export const SECTIONS = [
  { id: 'now', label: 'Now', href: '/admin/', role: 'viewer' },
  { id: 'incidents', label: 'Incidents', href: '/admin/incidents', role: 'viewer' },
  { id: 'inbox', label: 'Inbox', href: '/admin/inbox', role: 'viewer' },
  { id: 'maintenance', label: 'Maintenance', href: '/admin/maintenance', role: 'viewer' },
  { id: 'components', label: 'Components', href: '/admin/components', role: 'viewer' },
  { id: 'checks', label: 'Checks', href: '/admin/checks', role: 'viewer' },
  { id: 'metrics', label: 'Metrics', href: '/admin/metrics', role: 'viewer' },
  { id: 'audit', label: 'Audit log', href: '/admin/audit', role: 'viewer' },
  { id: 'subscribers', label: 'Subscribers', href: '/admin/subscribers', role: 'admin' },
  { id: 'people', label: 'People', href: '/admin/people', role: 'admin' },
  { id: 'tokens', label: 'API tokens', href: '/admin/tokens', role: 'admin' },
  { id: 'alerts', label: 'Alert rules', href: '/admin/alert-rules', role: 'admin' },
] as const satisfies readonly { id: string; label: string; href: string; role: Role }[]

export type Section = (typeof SECTIONS)[number]['id'] | 'account'

function head(title: string, siteName: string): Html {
  // prettier-ignore
  return html`<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · ${siteName} console</title>
<link rel="stylesheet" href="${ASSETS.css}">
<script src="${ASSETS.js}" defer></script>`
}

export interface ConsolePageProps {
  title: string
  section: Section
  body: Html
  /** A short message about what just happened ("Update posted"), shown above the heading. */
  notice?: string | null
}

/**
 * The flash message for `?notice=<code>`: a fixed text per code, so nothing typed into a URL is
 * ever shown (an unknown code, `toString` included, shows nothing).
 */
export function noticeFrom(c: Context, notices: Readonly<Record<string, string>>): string | null {
  const code = c.req.query('notice') ?? ''
  return Object.hasOwn(notices, code) ? notices[code]! : null
}

/** The frame of every signed-in console page: the menu (by role), who is signed in, sign out. */
export function consolePage(c: Context<AppEnv>, siteName: string, p: ConsolePageProps): Html {
  const signedIn = c.get('signedIn')
  const role = signedIn?.user.role ?? 'viewer'
  const visible = SECTIONS.filter((s) => RANK[ROLE_SCOPE[role]] >= RANK[ROLE_SCOPE[s.role]])
  const who = signedIn ? (signedIn.user.name ?? signedIn.user.email) : ''
  // prettier-ignore
  return html`<!DOCTYPE html>
<html lang="en">
<head>
${head(p.title, siteName)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<div class="shell">
<header class="bar">
<a class="brand" href="/admin/">${siteName} <small>console</small></a>
<nav aria-label="Console"><ul class="nav">
${visible.map((s) => (s.id === 'inbox' ? withWaiting(c, s, p.section) : menuItem(s, p.section, 0)))}
</ul></nav>
<div class="who">
<a href="/admin/account"${p.section === 'account' ? html` aria-current="page"` : ''}>${who}</a> <span class="pill s-${role}">${role}</span>
<form method="post" action="/admin/sign-out">${csrfField(c)}<button class="link" type="submit">Sign out</button></form>
</div>
</header>
<main id="main">
${p.notice ? html`<p class="flash" role="status">${p.notice}</p>` : ''}
<h1>${p.title}</h1>
${p.body}
</main>
</div>
</body>
</html>
`
}

type MenuSection = (typeof SECTIONS)[number]

/** One menu entry; `waiting` > 0 adds the count beside it, named in words ("Inbox, 3 waiting"). */
function menuItem(s: MenuSection, section: Section, waiting: number): Html {
  const current = s.id === section ? html` aria-current="page"` : ''
  // The label says it in words; the badge itself is hidden from the accessibility tree (a
  // browser puts spaces around visually hidden text in a link's name: "Inbox , 3").
  // prettier-ignore
  return waiting > 0
    ? html`<li><a href="${s.href}"${current} aria-label="${s.label}, ${waiting} waiting">${s.label} <span class="badge" aria-hidden="true">${waiting > 99 ? '99+' : waiting}</span></a></li>`
    : html`<li><a href="${s.href}"${current}>${s.label}</a></li>`
}

/**
 * The inbox's entry with the number of reports waiting for a first answer, read for this page
 * (api/console/inbox.ts inboxWaiting). Without it, or when it cannot be read, the plain entry:
 * the page itself must still render.
 */
function withWaiting(c: Context<AppEnv>, s: MenuSection, section: Section): Html {
  const count = c.get('inboxWaiting')
  if (!count) return menuItem(s, section, 0)
  return count().then(
    (n) => menuItem(s, section, n),
    () => menuItem(s, section, 0),
  )
}

/** The frame of the pages before sign-in (sign in, first admin, invitation, reset). */
export function authPage(siteName: string, p: { title: string; body: Html }): Html {
  // prettier-ignore
  return html`<!DOCTYPE html>
<html lang="en">
<head>
${head(p.title, siteName)}
</head>
<body>
<main class="auth" id="main">
<p class="muted">${siteName} console</p>
<h1>${p.title}</h1>
${p.body}
</main>
</body>
</html>
`
}

/** The session's CSRF token as a hidden field: every console form that writes carries it. */
export function csrfField(c: Context<AppEnv>): Html {
  const token = c.get('signedIn')?.session.csrf_token ?? ''
  return html`<input type="hidden" name="_csrf" value="${token}" />`
}
