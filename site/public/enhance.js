// Optional enhancement; every page works without it. It (1) shows times in the reader's time
// zone, keeping the published one in a tooltip, and keeps "ongoing for" current, (2) checks the
// JSON API every 60 s and offers a reload when the page is out of date, and (3) makes each uptime
// bar one tab stop whose days the arrow keys step through.
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

  // (1) Times: only instants (dates stay the page's calendar days), and only when the zone differs.
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
      // The page's own words for "Published as" (Base.astro data-pub).
      t.title = `${d.documentElement.dataset.pub || 'Published as'} ${t.textContent}`
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

  // (2) The banner stays as published (its words are the page's language, and it weighs open
  // incidents as the JSON does not): when the status changed since, offer a reload.
  const refresh = async () => {
    const stale = d.getElementById('stale')
    const published = d.getElementById('updated')
    if (!stale || !published || d.hidden || !stale.hidden) return
    try {
      const r = await fetch('/api/v2/status.json', { cache: 'no-store' })
      if (!r.ok) return
      const s = await r.json()
      if (s.page && s.page.updated_at > published.getAttribute('datetime')) stale.hidden = false
    } catch {}
  }

  // (3) Uptime bars: without script every day is a tab stop; with it, one per bar (the latest
  // day), and arrows, Home and End move between the days that are drawn.
  const bars = () => {
    for (const bar of $$('.bar')) {
      const days = [...bar.children]
      days.forEach((li) => (li.tabIndex = -1))
      let at = days.length - 1
      days[at].tabIndex = 0
      const drawn = () => days.filter((li) => li.offsetWidth > 0)
      bar.addEventListener('keydown', (e) => {
        const step = { ArrowLeft: -1, ArrowRight: 1, Home: -1e3, End: 1e3 }[e.key]
        if (!step || !days.includes(e.target)) return
        e.preventDefault()
        const list = drawn()
        const i = Math.max(0, Math.min(list.length - 1, list.indexOf(days[at]) + step))
        days[at].tabIndex = -1
        at = days.indexOf(list[i])
        days[at].tabIndex = 0
        days[at].focus()
      })
    }
  }

  const start = () => {
    times()
    bars()
    ongoing()
    setInterval(ongoing, 60_000)
    if (d.getElementById('stale')) {
      setInterval(refresh, 60_000)
      d.addEventListener('visibilitychange', refresh)
    }
  }
  d.readyState === 'loading' ? d.addEventListener('DOMContentLoaded', start) : start()
})()
