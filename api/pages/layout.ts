import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { LocaleSettings } from '../../core/localized.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import { localePath } from '../../core/site-data.ts'
import { catalogFor } from '../../templates/locales/index.ts'
import type { Config } from '../config.ts'
import { brandPaths } from '../services/site-data.ts'

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>

/** The status page the API's pages belong to, in the reader's language. */
export interface Site {
  name: string
  /** The status site's public URL (no trailing slash). */
  url: string
  /** The reader's language: the subscriber's where known, else the page's default. */
  locale: Locale
  locales: LocaleSettings
  /** The brand favicon's site path, or null for the status dot. */
  favicon: string | null
}

type SiteConfig = Pick<Config, 'page' | 'siteUrl' | 'locales' | 'brand'>

/** The API pages' site, in the default locale. */
export function siteOf(config: SiteConfig): Site {
  return {
    name: config.page.name,
    url: config.siteUrl,
    locale: config.locales.default,
    locales: config.locales,
    favicon: brandPaths(config.brand).favicon,
  }
}

/** The same site in a reader's language: a configured locale, else the default. */
export function inLocale(site: Site, locale: string | null | undefined): Site {
  const known = site.locales.all.find((l) => l === locale)
  return known ? { ...site, locale: known } : site
}

/** A status site page's absolute URL in the site's language (`/zh-CN/report/`). */
export function siteHref(site: Site, path: string): string {
  return `${site.url}${localePath(path, site.locale, site.locales)}`
}

/** Which entry of the status site's navigation the page belongs to. */
export type Nav = 'subscribe' | 'report'

export interface PageProps {
  site: Site
  /** The page's own heading; the page name is appended in the title. */
  title: string
  nav?: Nav | undefined
  body: Html
}

const NAV = [
  ['status', '/'],
  ['history', '/history/'],
  ['uptime', '/uptime/'],
  ['subscribe', '/subscribe/'],
  ['report', '/report/'],
] as const

// The status dot, when no brand favicon is configured (CSP: img-src data:).
const DOT_ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1a7f37"/></svg>')}`

// Inline and small: these pages are served by the API, not the static site, and must stand alone.
const CSS = `
:root{color-scheme:light dark;--bg:#fff;--surf:#f6f8fa;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--link:#0a58ca;--focus:#0a58ca;--accent:#0969da;--accent-fg:#fff;--bad:#cf222e;--panel:#f6f8fa;--r:8px}
@media (prefers-color-scheme:dark){:root{--bg:#101418;--surf:#171c22;--fg:#e6edf3;--muted:#9aa4ae;--line:#3a424c;--link:#79b8ff;--focus:#79b8ff;--accent:#1f6feb;--accent-fg:#fff;--bad:#ff7b72;--panel:#171c22}}
*,::before,::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);display:flex;flex-direction:column;min-height:100vh;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:break-word}
.wrap{max-width:50rem;margin:0 auto;padding-inline:1rem;width:100%}
main.wrap{flex:1;padding-block:1.5rem 3rem}
main>*{max-width:40rem}
a{color:var(--link);text-underline-offset:.15em}
.skip{position:absolute;left:1rem;top:-4rem;z-index:2;background:var(--bg);padding:.5rem 1rem;border-radius:var(--r)}
.skip:focus{top:.5rem}
main:focus{outline:none}
.top{border-bottom:1px solid var(--line);background:var(--surf)}
.top .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.25rem 1rem;padding-block:.75rem}
.brand{color:var(--fg);font-weight:700;font-size:1.15rem;text-decoration:none}
.brand span{color:var(--muted);font-weight:400}
.top nav{display:flex;flex-wrap:wrap;gap:.125rem}
.top nav a{padding:.35rem .5rem;border-radius:6px;color:var(--fg);text-decoration:none}
.top nav a:hover{background:var(--bg)}
.top nav a[aria-current]{font-weight:600;box-shadow:inset 0 -2px var(--link);border-radius:6px 6px 0 0}
.foot{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem;padding-block:1.25rem}
.foot p{margin:.25rem 0}
.foot a{color:var(--muted)}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.125rem;line-height:1.3;margin:1.5rem 0 .5rem}
fieldset{border:1px solid var(--line);border-radius:.375rem;margin:0 0 1rem;padding:.75rem 1rem}
fieldset fieldset{border:0;padding:.25rem 0 0;margin:0}
.choices{padding-left:1.5rem}
legend{font-weight:600}
label{display:block;padding:.125rem 0}
select{font:inherit;padding:.375rem .5rem;border:1px solid var(--line);border-radius:.375rem;background:var(--bg);color:var(--fg);max-width:100%}
input:not([type=checkbox]):not([type=radio]),textarea{font:inherit;padding:.375rem .5rem;width:100%;max-width:100%;border:1px solid var(--line);border-radius:.375rem;background:var(--bg);color:var(--fg)}
textarea{display:block}
button{font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:.375rem;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer}
button.secondary{background:transparent;color:var(--bad);border-color:var(--bad)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.muted{color:var(--muted)}
.notice{border-left:4px solid var(--accent);padding:.25rem .75rem}
.error{border-left:4px solid var(--bad);padding:.25rem .75rem}
form+form{margin-top:1.5rem}
.tabs{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;margin:0 0 1.25rem;padding:0}
.tabs a{display:block;padding:.375rem .875rem;border:1px solid var(--line);border-radius:999px;color:var(--fg);text-decoration:none}
.tabs a:hover{border-color:var(--accent)}
.tabs a[aria-current=page]{background:var(--accent);border-color:var(--accent);color:var(--accent-fg);font-weight:600}
.field{margin:0 0 1.125rem}
.field>label{font-weight:600}
.hint{display:block;color:var(--muted);font-size:.9375rem;margin:0 0 .375rem}
.field-error{display:block;color:var(--bad);font-weight:600;margin:.25rem 0 0}
input[aria-invalid=true]{border:2px solid var(--bad)}
.steps{margin:.25rem 0 1rem;padding-left:1.5rem}
.steps li{margin:.25rem 0}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem}
.panel>:first-child{margin-top:0}
fieldset>.hint{margin:.25rem 0 .5rem}
.panel>:last-child{margin-bottom:0}
input.code{font:600 1.5rem/1.2 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.25em;max-width:11rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9375rem}
pre{background:var(--panel);border:1px solid var(--line);border-radius:.375rem;padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere}
code.secret{display:block;font-size:1rem;padding:.5rem .75rem;background:var(--bg);border:1px solid var(--line);border-radius:.375rem;overflow-wrap:anywhere;user-select:all}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
`

/**
 * The frame of every page the API renders itself (subscribe, confirm, manage, unsubscribe,
 * feedback): the status site's header, navigation and footer (the class names and tokens of
 * site/src/layouts/Base.astro), in the reader's language, every link to the site in it.
 */
export function layout(p: PageProps): Html {
  const { site } = p
  const words = catalogFor(site.locale)
  const { frame, pages } = words.site
  // The pages' own text is English only for now: say so, and mark it for screen readers.
  const bodyLang = words.lang.startsWith('en') ? '' : 'en'
  const icon = site.favicon ? `${site.url}${site.favicon}` : DOT_ICON
  // prettier-ignore
  return html`<!DOCTYPE html>
<html lang="${words.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${p.title} · ${frame.title(site.name)}</title>
<link rel="icon" href="${icon}">
<style>${raw(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">${frame.skip}</a>
<header class="top"><div class="wrap"><a class="brand" href="${siteHref(site, '/')}">${site.name} <span>${frame.status}</span></a>
<nav aria-label="${frame.mainNav}">${NAV.map(([id, path]) => html`<a href="${siteHref(site, path)}"${p.nav === id ? html` aria-current="page"` : ''}>${frame.nav[id]}</a>`)}</nav></div></header>
<main id="main" class="wrap" tabindex="-1"${bodyLang ? html` lang="${bodyLang}"` : ''}>
${bodyLang ? html`<p class="notice" lang="${words.lang}">${pages.untranslated}</p>
` : ''}<h1>${p.title}</h1>
${p.body}
</main>
<footer class="foot"><div class="wrap"><p>${pages.help} <a href="${siteHref(site, '/report/')}">${frame.nav.report}</a>${pages.helpAfter}</p></div></footer>
</body>
</html>
`
}

/** The page function of one part of the site: its pages mark `nav` as current. */
export function pagesOf(nav: Nav) {
  return (site: Site, title: string, body: Html) => layout({ site, title, nav, body })
}

/** "Back to the status page", to the home page in the reader's language. */
export const homeLink = (site: Site) =>
  html`<p><a href="${siteHref(site, '/')}">Back to the status page</a></p>`
