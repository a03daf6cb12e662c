// Optional enhancement; every page works without it. It (1) shows times in the reader's time
// zone, keeping the published one in a tooltip, and keeps "ongoing for" current, (2) refreshes
// the status banner from the JSON API every 60 s and offers a reload when the page is out of
// date, and (3) lets keyboard users step through the daily uptime bars with the arrow keys.
;(() => {
  const d = document
  const $$ = (s) => d.querySelectorAll(s)
  // The page's language (Base.astro's <html lang>): English keeps the house style below.
  const lang = d.documentElement.lang || 'en'
  const english = /^en\b/.test(lang)
  let zone
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  } catch {}

  // (1) Times: only instants (dates stay UTC calendar days), and only when the zone differs.
  const times = () => {
    if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return
    const fmt = new Intl.DateTimeFormat(english ? 'en-GB' : lang, {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
    // Other languages: their own date order (core/format.ts formatTime does the same).
    const day = new Intl.DateTimeFormat(english ? 'en-GB' : lang, {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    })
    for (const t of $$('time[datetime]')) {
      const iso = t.getAttribute('datetime')
      if (iso.length < 11 || t.dataset.z) continue
      const p = {}
      for (const x of fmt.formatToParts(new Date(iso))) p[x.type] = x.value
      const clock = `${p.hour}:${p.minute} ${p.timeZoneName}`
      t.title = english ? `Published as ${t.textContent}` : t.textContent
      const date = english ? `${p.day} ${p.month} ${p.year}, ` : `${day.format(new Date(iso))} `
      t.textContent = 'c' in t.dataset ? clock : `${date}${clock}`
      t.dataset.z = zone
    }
  }

  // Open incidents: "ongoing for …" as of now, not as of publishing (core/format.ts formatDuration).
  const dur = (ms) => {
    const m = Math.max(0, Math.round(ms / 60000))
    if (m < 60) return `${m} min`
    const h = Math.floor(m / 60)
    if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`
    return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${h / 24} d`
  }
  // Other languages: the page's words around "{}" (data-w) and Intl's units (data-l).
  const durIn = (l, ms) => {
    const m = Math.max(0, Math.round(ms / 60000))
    const h = Math.floor(m / 60)
    const parts =
      m < 60
        ? { minutes: m }
        : h < 48
          ? { hours: h, minutes: m % 60 }
          : { days: Math.floor(h / 24), hours: h % 24 }
    try {
      return new Intl.DurationFormat(l, {
        style: 'short',
        minutesDisplay: m ? 'auto' : 'always',
      }).format(parts)
    } catch {
      return dur(ms)
    }
  }
  const ongoing = () => {
    for (const s of $$('[data-since]')) {
      const ms = Date.now() - Date.parse(s.dataset.since)
      s.textContent = s.dataset.w
        ? s.dataset.w.replace('{}', durIn(s.dataset.l, ms))
        : `ongoing for ${dur(ms)}`
    }
  }

  // (2) Banner: the same look as the server renders (consts.ts INDICATOR).
  const LOOK = {
    none: ['ok', 'ok'],
    minor: ['partial', 'partial'],
    major: ['major', 'major'],
    critical: ['major', 'major'],
    maintenance: ['maint', 'maint'],
  }
  const refresh = async () => {
    const banner = d.getElementById('banner')
    if (!banner || d.hidden) return
    try {
      const r = await fetch('/api/v2/summary.json', { cache: 'no-store' })
      if (!r.ok) return
      const s = await r.json()
      const look = LOOK[s.status && s.status.indicator]
      if (!look) return
      const text = d.getElementById('banner-text')
      if (text.textContent !== s.status.description) text.textContent = s.status.description
      banner.className = banner.className.replace(/\bt-\w+/, `t-${look[1]}`)
      banner.querySelector('use').setAttribute('href', `#i-${look[0]}`)
      banner.dataset.indicator = s.status.indicator
      const published = d.getElementById('updated')
      const stale = published && s.page && s.page.updated_at > published.getAttribute('datetime')
      if (stale && !d.getElementById('stale')) {
        const p = d.createElement('p')
        p.id = 'stale'
        p.innerHTML = 'There are newer updates. <a href="">Reload this page</a>'
        banner.after(p)
      }
    } catch {}
  }

  // (3) Uptime bars: one tab stop per bar; arrows, Home and End move between days.
  const bars = () => {
    for (const bar of $$('.bar')) {
      const days = bar.children
      let at = days.length - 1
      bar.tabIndex = 0
      const show = (i) => {
        days[at].classList.remove('on')
        // Phones hide the oldest days visually: do not step onto them.
        let first = 0
        while (first < days.length - 1 && days[first].offsetWidth < 2) first++
        at = Math.max(first, Math.min(days.length - 1, i))
        days[at].classList.add('on')
      }
      bar.addEventListener('focus', () => show(at))
      bar.addEventListener('blur', () => days[at].classList.remove('on'))
      bar.addEventListener('keydown', (e) => {
        const step = { ArrowLeft: -1, ArrowRight: 1, Home: -1e3, End: 1e3 }[e.key]
        if (!step) return
        e.preventDefault()
        show(at + step)
      })
    }
  }

  const start = () => {
    times()
    bars()
    ongoing()
    setInterval(ongoing, 60_000)
    if (d.getElementById('banner')) {
      setInterval(refresh, 60_000)
      d.addEventListener('visibilitychange', refresh)
    }
  }
  d.readyState === 'loading' ? d.addEventListener('DOMContentLoaded', start) : start()
})()
