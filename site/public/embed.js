// <amends-status>: the status page's banner and open incidents on another site. Load it with
// <script src="https://status.example.com/embed.js" defer></script> and place <amends-status>
// where it should show (theme="light" or "dark" to pin the colours). It reads this page's own
// /api/v2/summary.json (served with open CORS), every 60 s; it loads nothing else, renders in a
// shadow root (no style leaks either way), writes text only (never HTML from the JSON), and keeps
// the last state quietly when the network is away.
;(() => {
  const script = document.currentScript
  if (!script || !script.src || !window.customElements || customElements.get('amends-status'))
    return
  const api = new URL('/api/v2/summary.json', script.src).href
  const home = new URL('/', script.src).href
  // Light and dark status tones (the status page's own).
  const TONES = {
    none: ['#1a7f37', '#3fb950'],
    minor: ['#9a6700', '#d29922'],
    major: ['#bc4c00', '#e8803a'],
    critical: ['#cf222e', '#f85149'],
    maintenance: ['#0969da', '#58a6ff'],
  }
  const LIGHT = '--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--link:#0a58ca;--c:var(--l)'
  const DARK =
    '--bg:#101418;--fg:#e6edf3;--muted:#9aa4ae;--line:#3a424c;--link:#79b8ff;--c:var(--d)'
  const CSS =
    `:host{all:initial;display:block;${LIGHT};font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}` +
    `@media (prefers-color-scheme:dark){:host(:not([theme=light])){${DARK}}}` +
    `:host([theme=dark]){${DARK}}:host([hidden]),[hidden]{display:none}` +
    '.box{background:var(--bg);color:var(--fg);border:1px solid var(--line);border-left:4px solid var(--c);border-radius:8px;padding:.6em .9em;overflow-wrap:anywhere}' +
    'p,ul{margin:0}.st{display:flex;align-items:center;gap:.5em;font-weight:600}' +
    '.dot{flex:none;width:.7em;height:.7em;border-radius:50%;background:var(--c)}' +
    'a{color:var(--link);text-underline-offset:.15em}.st a{color:var(--fg);text-decoration:none}.st a:hover{text-decoration:underline}' +
    'a:focus-visible{outline:2px solid var(--link);outline-offset:2px;border-radius:2px}' +
    'ul{list-style:none;padding:0}li{margin-top:.35em;padding-top:.35em;border-top:1px solid var(--line)}' +
    '.m{color:var(--muted);font-size:.9em}p.m{margin-bottom:.15em}'
  const el = (tag, cls, text) => {
    const e = document.createElement(tag)
    if (cls) e.className = cls
    if (text) e.textContent = text
    return e
  }
  // Only http(s) links from the JSON, on any host (the page's own URL may differ from ours).
  const safe = (href) => {
    try {
      const u = new URL(href, home)
      return /^https?:$/.test(u.protocol) ? u.href : home
    } catch {
      return home
    }
  }
  const words = (s) => {
    const w = String(s || '').replace(/_/g, ' ')
    return w.charAt(0).toUpperCase() + w.slice(1)
  }

  class AmendsStatus extends HTMLElement {
    connectedCallback() {
      if (!this.box) {
        const root = this.attachShadow({ mode: 'open' })
        root.append(el('style', '', CSS))
        this.box = el('div', 'box')
        this.box.setAttribute('role', 'status')
        this.box.setAttribute('aria-live', 'polite')
        this.box.hidden = true
        root.append(this.box)
      }
      this.load()
      this.timer = setInterval(() => this.load(), 60000)
    }
    disconnectedCallback() {
      clearInterval(this.timer)
    }
    load() {
      fetch(api, { credentials: 'omit', cache: 'no-cache' })
        .then((r) => (r.ok ? r.json() : null))
        .then((d) => d && d.status && this.show(d))
        // Offline or the page away: the last state stays; the host page is not bothered.
        .catch(() => {})
    }
    show(d) {
      const tone = TONES[d.status.indicator] || TONES.none
      this.style.setProperty('--l', tone[0])
      this.style.setProperty('--d', tone[1])
      const page = d.page || {}
      const st = el('p', 'st')
      const link = el('a', '', d.status.description)
      link.href = safe(page.url)
      st.append(el('span', 'dot'), link)
      const parts = page.name ? [el('p', 'm', page.name), st] : [st]
      const open = (d.incidents || []).concat(
        (d.scheduled_maintenances || []).filter((m) => /^(in_progress|verifying)$/.test(m.status)),
      )
      if (open.length) {
        const ul = el('ul')
        for (const i of open.slice(0, 5)) {
          const li = el('li')
          const a = el('a', '', i.name)
          a.href = safe(i.shortlink || page.url)
          li.append(a, el('span', 'm', ` · ${words(i.status)}`))
          ul.append(li)
        }
        parts.push(ul)
      }
      this.box.replaceChildren(...parts)
      this.box.hidden = false
    }
  }
  customElements.define('amends-status', AmendsStatus)
})()
