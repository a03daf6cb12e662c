/**
 * The console's only script, served from /admin/assets/ (the CSP allows no inline script). Every
 * page works without it; it adds: a confirmation before destructive buttons (`data-confirm`), a
 * submit button that cannot be pressed twice (the form's idempotency key makes a second press
 * harmless anyway), and live previews: a form with `data-preview="<url>"` posts itself there as
 * you type and shows the answer (server-rendered, escaped HTML) in the element `data-preview-into`.
 */
export const CONSOLE_JS = `
document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('[data-confirm]')
  if (b && !window.confirm(b.getAttribute('data-confirm'))) e.preventDefault()
})
document.addEventListener('submit', function (e) {
  var f = e.target
  if (e.defaultPrevented || f.method.toLowerCase() !== 'post') return
  setTimeout(function () {
    f.querySelectorAll('button[type=submit],button:not([type])').forEach(function (b) {
      if (!b.hasAttribute('formaction')) b.disabled = true
    })
  }, 0)
})
document.querySelectorAll('form[data-preview]').forEach(function (f) {
  var into = document.getElementById(f.getAttribute('data-preview-into'))
  if (!into) return
  var timer = null, seq = 0
  function refresh() {
    var mine = ++seq
    fetch(f.getAttribute('data-preview'), {
      method: 'POST',
      body: new URLSearchParams(new FormData(f)),
      credentials: 'same-origin',
    }).then(function (r) { return r.ok ? r.text() : null }).then(function (html) {
      if (html !== null && mine === seq) into.innerHTML = html
    }).catch(function () {})
  }
  f.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 300) })
  f.addEventListener('change', function () { clearTimeout(timer); timer = setTimeout(refresh, 50) })
})
`
