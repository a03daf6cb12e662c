import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>

export interface PageProps {
  /** The page's own heading; the page name is appended in the title. */
  title: string
  /** The status page's name and public URL (no trailing slash). */
  siteName: string
  siteUrl: string
  lang?: string
  body: Html
}

// Inline and small: these pages are served by the API, not the static site, and must stand alone.
const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--link:#0a58ca;--accent:#0969da;--accent-fg:#fff;--bad:#cf222e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--link:#58a6ff;--accent:#1f6feb;--accent-fg:#fff;--bad:#ff7b72}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
.wrap{max-width:38rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--line)}
a{color:var(--link)}
h1{font-size:1.5rem;line-height:1.25}
fieldset{border:1px solid var(--line);border-radius:.375rem;margin:0 0 1rem;padding:.75rem 1rem}
fieldset fieldset{border:0;padding:.25rem 0 0;margin:0}
.choices{padding-left:1.5rem}
legend{font-weight:600}
label{display:block;padding:.125rem 0}
select{font:inherit;padding:.25rem}
input:not([type=checkbox]):not([type=radio]),textarea{font:inherit;padding:.375rem .5rem;width:100%;max-width:100%;border:1px solid var(--line);border-radius:.375rem;background:var(--bg);color:var(--fg)}
textarea{display:block}
button{font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:.375rem;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer}
button.secondary{background:transparent;color:var(--bad);border-color:var(--bad)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.muted{color:var(--muted)}
.notice{border-left:4px solid var(--accent);padding:.25rem .75rem}
.error{border-left:4px solid var(--bad);padding:.25rem .75rem}
form+form{margin-top:1.5rem}
`

/** The frame of every page the API renders itself (subscribe, confirm, manage, unsubscribe). */
export function layout(p: PageProps): Html {
  // prettier-ignore
  return html`<!DOCTYPE html>
<html lang="${p.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${p.title} · ${p.siteName} status</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header><div class="wrap"><a href="${p.siteUrl}/">${p.siteName} status</a></div></header>
<main class="wrap">
<h1>${p.title}</h1>
${p.body}
</main>
</body>
</html>
`
}
