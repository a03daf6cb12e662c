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
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--link:#0a58ca;--accent:#0969da;--accent-fg:#fff;--bad:#cf222e;--panel:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--link:#58a6ff;--accent:#1f6feb;--accent-fg:#fff;--bad:#ff7b72;--panel:#161b22}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
.wrap{max-width:38rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--line)}
a{color:var(--link)}
h1{font-size:1.5rem;line-height:1.25}
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
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
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
