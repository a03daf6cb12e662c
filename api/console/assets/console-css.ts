/**
 * The console's one stylesheet, served from /admin/assets/ (so the CSP needs no inline styles).
 * Same palette as the public page (site/src/layouts/Base.astro); light and dark follow the system.
 * Layout: a side bar from 900 px (sticky; the page behind it draws its colour to the bottom of a
 * long page), a top bar with a wrapping menu below; no table is wider than
 * the screen (`.stack` tables become one card per row under 640 px).
 */
export const CONSOLE_CSS = `
:root{color-scheme:light dark;--bg:#fff;--surf:#f6f8fa;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--link:#0a58ca;--ok:#1a7f37;--minor:#9a6700;--partial:#bc4c00;--major:#cf222e;--maint:#0969da;--accent:#0969da;--accent-fg:#fff;--focus:#0a58ca;--r:8px}
@media (prefers-color-scheme:dark){:root{--bg:#101418;--surf:#171c22;--fg:#e6edf3;--muted:#9aa4ae;--line:#3a424c;--link:#79b8ff;--ok:#3fb950;--minor:#d29922;--partial:#e8803a;--major:#f85149;--maint:#58a6ff;--accent:#1f6feb;--accent-fg:#fff;--focus:#79b8ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem 1rem;z-index:9}
.skip:focus{left:.5rem}
.shell{min-height:100vh}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;padding:.5rem 1rem;border-bottom:1px solid var(--line);background:var(--surf)}
.brand{font-weight:700;color:var(--fg);text-decoration:none;margin-right:auto;padding:.25rem 0}
.brand small{font-weight:400;color:var(--muted)}
.nav{display:flex;flex-wrap:wrap;gap:.125rem;list-style:none;margin:0;padding:0;width:100%}
.nav a{display:block;padding:.375rem .625rem;border-radius:6px;color:var(--fg);text-decoration:none}
.nav a:hover{background:var(--line)}
.nav a[aria-current=page]{background:var(--accent);color:var(--accent-fg)}
.who{display:flex;align-items:center;gap:.5rem;color:var(--muted);font-size:.875rem}
.who form{margin:0}
main{padding:1rem;max-width:64rem}
@media (min-width:900px){
 .shell{display:grid;grid-template-columns:14rem 1fr;background:linear-gradient(to right,var(--surf) calc(14rem - 1px),var(--line) calc(14rem - 1px) 14rem,var(--bg) 14rem)}
 .bar{flex-direction:column;align-items:stretch;border-bottom:0;background:none;height:100vh;padding:1rem .75rem;gap:1rem;position:sticky;top:0;align-self:start;overflow-y:auto}
 .brand{margin:0}
 .nav{flex-direction:column}
 .who{flex-direction:column;align-items:flex-start;margin-top:auto}
 main{padding:1.5rem 2rem}
}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
.muted{color:var(--muted)}
.small{font-size:.875rem}
.card{border:1px solid var(--line);border-radius:var(--r);padding:.75rem 1rem;margin:0 0 .75rem;background:var(--bg)}
.card>h2:first-child,.card>h3:first-child{margin-top:0}
.grid{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr))}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.row>.grow{flex:1 1 12rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
.actions form{margin:0}
.pill{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.8125rem;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.s-operational,.s-resolved,.s-completed,.s-active{color:var(--ok)}
.s-degraded_performance,.s-minor,.s-monitoring,.s-invited{color:var(--minor)}
.s-partial_outage,.s-major,.s-identified{color:var(--partial)}
.s-major_outage,.s-critical,.s-investigating,.s-overdue,.s-disabled{color:var(--major)}
.s-under_maintenance,.s-scheduled,.s-in_progress,.s-verifying{color:var(--maint)}
.s-none,.s-cancelled,.s-viewer{color:var(--muted)}
.clock{font-weight:600}
.clock.late{color:var(--major)}
.flash{border-left:4px solid var(--ok);background:var(--surf);padding:.5rem .75rem;margin:0 0 1rem;border-radius:0 var(--r) var(--r) 0}
.alert{border-left:4px solid var(--major);background:var(--surf);padding:.5rem .75rem;margin:0 0 1rem;border-radius:0 var(--r) var(--r) 0}
.warn{border-left:4px solid var(--minor);background:var(--surf);padding:.5rem .75rem;margin:0 0 1rem;border-radius:0 var(--r) var(--r) 0}
form.stacked{max-width:40rem}
.field{margin:0 0 1rem}
.field>label,.field>.label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{display:block;color:var(--muted);font-size:.875rem;margin-top:.125rem}
.field-error{display:block;color:var(--major);font-size:.875rem;font-weight:600;margin-top:.25rem}
input:not([type=checkbox]):not([type=radio]):not([type=hidden]),select,textarea{font:inherit;padding:.5rem .625rem;width:100%;max-width:100%;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);min-height:2.75rem}
textarea{min-height:7rem;resize:vertical;display:block}
[aria-invalid=true]{border-color:var(--major)!important;border-width:2px!important}
fieldset{border:1px solid var(--line);border-radius:var(--r);margin:0 0 1rem;padding:.5rem 1rem .75rem;min-width:0}
legend{font-weight:600;padding:0 .25rem}
.check{display:flex;gap:.5rem;align-items:flex-start;padding:.25rem 0}
.check input{margin-top:.3rem;width:1.125rem;height:1.125rem;flex:none}
button,.button{display:inline-flex;align-items:center;justify-content:center;min-height:2.75rem;font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:transparent;color:var(--link);border-color:var(--line)}
button.danger{background:transparent;color:var(--major);border-color:var(--major)}
button.link{background:none;border:0;color:var(--link);padding:0;min-height:0;font-weight:400;text-decoration:underline}
table{border-collapse:collapse;width:100%;margin:0 0 1rem}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.875rem;color:var(--muted);font-weight:600}
@media (max-width:640px){
 table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
 table.stack thead{position:absolute;left:-9999px}
 table.stack tr{border:1px solid var(--line);border-radius:var(--r);margin:0 0 .75rem;padding:.25rem .75rem}
 table.stack td{border:0;padding:.25rem 0}
 table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}
}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{border-left:3px solid var(--line);padding:.25rem 0 .75rem 1rem;margin-left:.25rem}
.preview{border:1px dashed var(--line);border-radius:var(--r);padding:.75rem 1rem;margin:1rem 0;background:var(--surf)}
.preview pre{white-space:pre-wrap;font:inherit;margin:0}
.two{display:grid;gap:1rem}
@media (min-width:1100px){.two{grid-template-columns:1fr 1fr}}
.auth{max-width:26rem;margin:8vh auto;padding:1rem}
.auth h1{font-size:1.375rem}
.sso{width:100%}
.or{display:flex;align-items:center;gap:.75rem;color:var(--muted);margin:1rem 0}
.or::before,.or::after{content:"";flex:1;border-top:1px solid var(--line)}
.pager{display:flex;gap:1rem;align-items:center}
code,kbd{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.875em}
.secret{display:block;padding:.5rem;border:1px solid var(--line);border-radius:6px;background:var(--surf);user-select:all;word-break:break-all}
form.inline{flex-wrap:nowrap;margin:0}
form.inline select{width:auto;flex:1 1 7rem;min-width:0;max-width:10rem}
table.stack form button{white-space:nowrap}
@media (max-width:640px){form.inline select{max-width:none}}
.once{border-color:var(--ok);border-width:2px}
.field>input[readonly][type]{background:var(--surf);border-style:dashed}
.nowrap{white-space:nowrap}
.vh{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}
.count{color:var(--muted);font-weight:400}
.plain{list-style:none;margin:.25rem 0;padding:0}
.plain li{margin:.125rem 0}
.cards{list-style:none;margin:0;padding:0}
.cards .card p{margin:.25rem 0}
details{margin:0 0 1rem}
summary{cursor:pointer;color:var(--link);padding:.5rem 0}
details[open]>summary{margin-bottom:.5rem}
.md>:first-child{margin-top:0}
.md>:last-child{margin-bottom:0}
/* Now: the page status, incidents with their update clocks, the big button */
.banner{border:1px solid var(--line);border-left:6px solid var(--ok);border-radius:var(--r);padding:.75rem 1rem;margin:0 0 1rem;background:var(--surf)}
.banner.i-minor{border-left-color:var(--partial)}
.banner.i-major,.banner.i-critical{border-left-color:var(--major)}
.banner.i-maintenance{border-left-color:var(--maint)}
.banner-title{margin:0 0 .25rem;font-size:1.125rem}
.banner p,.banner ul{margin:.25rem 0}
.button.big{width:100%;min-height:3.25rem;font-size:1.125rem}
@media (min-width:640px){.button.big{width:auto;padding:.75rem 2rem}}
.incident-card{border-left:6px solid var(--line)}
.incident-card.i-minor{border-left-color:var(--minor)}
.incident-card.i-major{border-left-color:var(--partial)}
.incident-card.i-critical,.incident-card.is-late{border-left-color:var(--major)}
.s-open{color:var(--partial)}
.s-answered{color:var(--ok)}
.s-closed{color:var(--muted)}
.incident-card h3{font-size:1.125rem;margin:0 0 .25rem}
.incident-card p{margin:.375rem 0}
.big-clock{font-size:1.25rem}
.quote{margin:0 0 .25rem;padding-left:.75rem;border-left:3px solid var(--line)}
/* Incident forms: playbook choice, component statuses in rows, previews */
.choices{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;margin:.5rem 0 1rem;padding:0}
.choices a{display:inline-flex;align-items:center;min-height:2.75rem;padding:.375rem .875rem;border:1px solid var(--line);border-radius:999px;text-decoration:none}
.choices a[aria-current]{background:var(--accent);color:var(--accent-fg);border-color:var(--accent)}
form.stacked.wide{max-width:48rem}
.statuses .field{display:grid;grid-template-columns:1fr minmax(9rem,13rem);align-items:center;gap:0 .75rem;margin:0 0 .5rem}
.statuses .field>label{margin:0;font-weight:400}
.statuses .field>.hint,.statuses .field>.field-error{grid-column:1/-1}
.preview>h2:first-child{margin-top:0}
.pv{background:var(--bg)}
.pv-name{font-weight:700;font-size:1.125rem;margin:0 0 .25rem}
.pv-sentence{font-weight:600}
.pv-workaround{border-left:4px solid var(--link);padding:.25rem .75rem;margin:.75rem 0;background:var(--surf)}
.pv-workaround p{margin:.25rem 0}
pre.mail{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;font-size:.9375rem;margin:0;padding:.75rem;border:1px solid var(--line);border-radius:6px;background:var(--surf)}
/* One incident: facts, timeline */
.facts{display:grid;gap:.25rem 1rem;grid-template-columns:max-content 1fr;margin:0 0 1rem}
.facts>div{display:contents}
.facts dt{font-weight:600;color:var(--muted)}
.facts dd{margin:0}
@media (max-width:640px){.facts{grid-template-columns:1fr;gap:0}.facts dd{margin-bottom:.5rem}}
.timeline h3{margin:0 0 .25rem}
.timeline h3 .muted{font-weight:400}
.timeline li li{border:0;padding:0;margin:.125rem 0}
.latest{border:1px solid var(--line);border-radius:var(--r);padding:.5rem .75rem;margin:.75rem 0}
.latest>p{margin:0 0 .25rem}
.timeline details{margin:.5rem 0 0}
dl.facts{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.375rem 1rem;margin:0 0 1rem}
dl.facts dt{font-weight:600;color:var(--muted)}
dl.facts dd{margin:0}
@media (max-width:640px){dl.facts{grid-template-columns:1fr;gap:0}dl.facts dd{margin:0 0 .5rem}}
table.facts caption{text-align:left;font-weight:600;padding:.25rem 0}
table.facts th{color:var(--fg);font-weight:400;width:55%}
.late{color:var(--major)}
details.action{border:1px solid var(--line);border-radius:var(--r);margin:0 0 .5rem;background:var(--bg)}
details.action>summary{cursor:pointer;font-weight:600;padding:.625rem 1rem;min-height:2.75rem;color:var(--link)}
details.action[open]>summary{border-bottom:1px solid var(--line)}
details.action>form{padding:.75rem 1rem 0}
.choices .group-name{font-weight:600;margin:.5rem 0 0;color:var(--muted);font-size:.875rem}
.update-body>:first-child{margin-top:0}
.update-body>:last-child{margin-bottom:0}
.inline-form{display:flex;flex-wrap:wrap;gap:.375rem;align-items:center;margin:0}
.inline-form select{width:auto;min-width:0;flex:1 1 10rem}
.inline-form button{flex:none}
.dot{display:inline-block;width:.75rem;height:.75rem;border-radius:50%;background:currentColor;flex:none}
.pair{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));align-items:start}
.component-section{margin:0 0 1.5rem}
@media (min-width:641px){table.components{table-layout:fixed}table.components th:last-child{width:19rem}}
.component-section>h2{margin-bottom:.25rem}
@media (max-width:640px){table.stack td.lead{font-weight:600;padding-top:.5rem}table.stack td.lead .small{font-weight:400}}
tr.row-error td{background:var(--surf)}
.changes{margin:0;padding-left:1rem}
.changes .field-name{font-weight:600}
.changes del{color:var(--muted)}
.changes ins{text-decoration:none;font-weight:600}
details.filters{border:1px solid var(--line);border-radius:var(--r);margin:0 0 1rem;background:var(--surf)}
details.filters>summary{cursor:pointer;font-weight:600;padding:.625rem 1rem;min-height:2.75rem;color:var(--link)}
details.filters>form{padding:0 1rem .75rem}
.filter-grid{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr))}
.filters .actions{margin-top:.25rem}
table.audit td.when{white-space:nowrap}
table.audit td.who .small{display:block}
@media (max-width:640px){
 table.stack td:empty{display:none}
 table.audit tr{display:flex;flex-direction:column}
 table.audit td.what{order:-1;font-weight:600;padding-top:.5rem}
 table.audit td.when{order:-1;color:var(--muted);font-size:.875rem;white-space:normal}
 table.audit td.who .small{display:inline}
}
table.stack th{overflow-wrap:normal}
/* The tabs wrap rather than scroll: on a phone the current one must never be off-screen. */
.tabs ul{display:flex;flex-wrap:wrap;gap:0 .25rem;list-style:none;margin:0 0 1rem;padding:0;border-bottom:1px solid var(--line)}
.tabs a{display:block;padding:.5rem .75rem;color:var(--fg);text-decoration:none;white-space:nowrap;border-bottom:3px solid transparent}
@media (max-width:640px){.tabs a{padding:.5rem .5rem}}
.tabs a:hover{border-bottom-color:var(--line)}
.tabs a[aria-current=page]{border-bottom-color:var(--accent);font-weight:600}
/* Metrics: each chart (api/console/charts.ts) beside the table of its numbers */
.chart-pair{display:grid;gap:.5rem 1.5rem;margin:0 0 1rem}
@media (min-width:1100px){.chart-pair{grid-template-columns:minmax(18rem,25rem) minmax(0,1fr);align-items:start}}
.chart-pair table caption,table.summary caption{text-align:left;font-weight:600;padding:.25rem 0}
.chart{margin:0}
.chart svg{display:block;width:100%;height:auto;max-width:34rem}
.chart text{font-size:11px;fill:var(--muted)}
.chart text.target{fill:var(--fg);font-weight:600;paint-order:stroke;stroke:var(--bg);stroke-width:3px}
.chart line.grid{stroke:var(--line);stroke-width:.5}
.chart line.axis{stroke:var(--muted);stroke-width:1}
.chart line.target{stroke:var(--fg);stroke-width:1.25;stroke-dasharray:5 3}
.chart rect.done{fill:var(--ok)}
.chart rect.done.late{fill:var(--major)}
.chart rect.open{fill:none;stroke:var(--ok);stroke-width:1.5;stroke-dasharray:3 2}
.chart rect.open.late{stroke:var(--major)}
.chart figcaption{margin-top:.25rem}
.nodata{border:1px dashed var(--line);border-radius:var(--r);padding:1.5rem 1rem;text-align:center;color:var(--muted);margin:0}
table.summary th[scope=row]{color:var(--fg);font-size:1rem;font-weight:400}
table.summary td{white-space:nowrap}
@media (max-width:640px){
 table.summary th,table.summary td{padding:.375rem .25rem;font-size:.875rem}
 table.summary td{white-space:normal}
 table.stack caption{display:block}
 table.stack td.idx::before{content:"#"}
 table.stack td.idx{font-weight:600}
}
/* Subscribers: search, counts, one subscriber, the import preview */
.top-actions{margin:0 0 1rem}
.tally-n{font-weight:400;color:var(--muted);margin-left:.375rem;font-variant-numeric:tabular-nums}
.choices a[aria-current] .tally-n{color:inherit}
form.search{display:grid;gap:0 1rem;grid-template-columns:minmax(0,1fr);align-items:end;margin:0 0 .5rem}
@media (min-width:641px){form.search{grid-template-columns:minmax(0,1fr) auto;max-width:40rem}form.search .alert{grid-column:1/-1}}
.search-go{display:flex;gap:.5rem;margin:0 0 1rem}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
table.audience{max-width:32rem}
@media (max-width:640px){table.stack td.num{text-align:left}}
.s-sub-confirmed{color:var(--ok)}
.s-sub-pending{color:var(--minor)}
.s-sub-unsubscribed{color:var(--muted)}
.s-sub-quarantined{color:var(--major)}
.danger-zone{border-color:var(--major);margin-top:1.5rem}
.danger-zone .actions{margin-top:.5rem}
.tally{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.5rem;list-style:none;margin:0 0 .5rem;padding:0;overflow-wrap:normal}
@media (min-width:641px){.tally{grid-template-columns:repeat(4,minmax(0,1fr))}}
.tally li{border:1px solid var(--line);border-top:4px solid var(--line);border-radius:var(--r);padding:.5rem .75rem;background:var(--surf)}
.tally strong{display:block;font-size:1.5rem;line-height:1.2;font-variant-numeric:tabular-nums}
.tally .t-create{border-top-color:var(--ok)}
.tally .t-update{border-top-color:var(--maint)}
.tally .t-skip{border-top-color:var(--minor)}
.commit{border-width:2px;border-color:var(--accent);margin:1.5rem 0}
.commit .actions{margin-top:.5rem}
.commit h2{margin-top:0}
table.plan td.line{color:var(--muted)}
@media (min-width:641px){table.plan,table.problems{table-layout:fixed}table.plan th:first-child,table.problems th:first-child{width:4.5rem}table.plan th:nth-child(2){width:42%}table.problems th:nth-child(2){width:9rem}}
@media (max-width:640px){table.plan tr{display:flex;flex-direction:column}table.plan td.lead{order:-1;font-weight:600;padding-top:.5rem}}
table.plan .changes{list-style:none;padding:0}
pre.sample{background:var(--surf);border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;white-space:pre-wrap;overflow-wrap:anywhere;margin:.5rem 0}
details.format,details.unchanged{border:1px solid var(--line);border-radius:var(--r);padding:0 1rem;margin:0 0 1rem}
details.format>summary,details.unchanged>summary{font-weight:600;min-height:2.75rem}
table.ids caption{text-align:left;font-weight:600;padding:.25rem 0}
.file-problems h2{font-size:1rem;margin:.25rem 0 .5rem}
.file-problems table{background:var(--bg)}
/* Amends screens: impact, apology, service credit (numbers: th.num/td.num above) */
table.narrow,.narrow{max-width:48rem}
table.narrow{max-width:36rem}
.pv-mails{margin-top:1rem;align-items:start}
.sentences{margin:0 0 .75rem}
.sentences dt{font-weight:600;font-size:.875rem;color:var(--muted);margin-top:.5rem}
.sentences dd{margin:.125rem 0 0}
.sentences li{padding-left:.75rem;border-left:3px solid var(--line);margin:.25rem 0}
.credits .field{display:grid;grid-template-columns:1fr 7rem;align-items:center;gap:0 .75rem;margin:0 0 .5rem}
.credits .field>label{margin:0;font-weight:400;overflow-wrap:normal}
.credits .field>.hint,.credits .field>.field-error{grid-column:1/-1}
.decide-accept>form{margin:0}
.decide-accept p{margin:.25rem 0}
.pv-h{margin:0 0 .25rem}
.card.apology{background:var(--surf)}
/* Inbox: the waiting count in the menu, the list's clocks, a report's thread */
.badge{padding:.0625rem .4375rem;border-radius:999px;background:var(--major);color:var(--bg);font-size:.8125rem;font-weight:700}
.nav a[aria-current=page] .badge{background:var(--accent-fg);color:var(--accent)}
.choices a .count{margin-left:.3em}
.choices a[aria-current] .count{color:inherit}
.inbox-filter{margin:0 0 1rem}
.inbox-filter label{font-weight:600}
.inbox-filter select{max-width:22rem}
table.inbox td:nth-child(2){min-width:9rem}
table.inbox tr.r-late td:first-child,table.inbox tr.r-overdue td:first-child{box-shadow:inset 4px 0 var(--major)}
@media (max-width:640px){table.inbox tr.r-late,table.inbox tr.r-overdue{border-left:4px solid var(--major)}table.inbox tr.r-late td:first-child,table.inbox tr.r-overdue td:first-child{box-shadow:none}}
.message{white-space:pre-wrap;margin:0 0 1rem}
.thread{display:grid;gap:0 2rem}
@media (min-width:1100px){.thread{grid-template-columns:minmax(0,1fr) 18rem;grid-template-areas:"talk facts" "talk actions"}.thread-talk{grid-area:talk}.thread-facts{grid-area:facts}.thread-actions{grid-area:actions}.thread-actions,.thread-facts{align-self:start}}
.thread-facts .facts{grid-template-columns:1fr;gap:0;margin:.5rem 0 0}
.thread-facts .facts dd{margin-bottom:.5rem}
.thread-facts .facts div:last-child dd{margin-bottom:0}
.thread-facts>.row,.thread-facts>p{margin:0 0 .25rem}
.thread-actions{margin-top:1.5rem}
@media (min-width:1100px){.thread-actions{margin-top:0}}
.thread .timeline h3{margin:0}
.thread .timeline h3+p{margin:0 0 .25rem}
.thread-actions .card form{margin:0}
.thread-actions .field{margin-bottom:.75rem}
/* Post-mortem: the editor beside its preview from 1100 px, stacked below; follow-up figures */
.pm-head{margin:0 0 1rem}
.pm-split{display:grid;gap:1rem;align-items:start}
@media (min-width:1100px){.pm-split{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
.pm-editor .field{margin-bottom:.5rem}
.pm-editor textarea{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.875rem;line-height:1.55;min-height:24rem}
.pm-preview,.pm-doc{border:1px solid var(--line);border-radius:var(--r);padding:.75rem 1rem 1rem;background:var(--bg)}
.pm-preview{background:var(--surf)}
.pm-preview>h2,.pm-doc>h2{margin:0 0 .125rem;font-size:1rem}
.pm-preview>p.small{margin:0 0 .75rem}
.pm-preview .md,.pm-doc .md{max-width:42rem}
.pm-preview .md h3,.pm-doc .md h3{font-size:1.0625rem;margin:1.25rem 0 .375rem}
.pm-preview .md ul,.pm-doc .md ul{padding-left:1.25rem}
.pm-editor .actions{margin-top:.5rem}
.pm-editor .actions.publish{border-top:1px solid var(--line);padding-top:.75rem;margin-top:.75rem}
.pm-editor>.hint{margin:.5rem 0}
.figures{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(6.5rem,1fr));margin:0 0 1rem;padding:0;list-style:none}
.figures li{border:1px solid var(--line);border-radius:var(--r);padding:.625rem .875rem;background:var(--surf)}
.figures .n{display:block;font-size:1.75rem;font-weight:700;line-height:1.2;white-space:nowrap;overflow-wrap:normal}
.figures .what{display:block;color:var(--muted);font-size:.875rem}
.figures .bad .n{color:var(--major)}
.figures .good .n{color:var(--ok)}
.when{border-left:4px solid var(--maint);background:var(--surf);padding:.625rem .875rem;margin:0 0 1rem;border-radius:0 var(--r) var(--r) 0}
.when.sent{border-left-color:var(--ok)}
.when.none{border-left-color:var(--line)}
.when p{margin:.25rem 0}
.answer-comment{margin:0}
@media (min-width:641px){table.follow-up td.addr,table.follow-up td.fb-link{white-space:nowrap}}
table.subscribers .contact{display:block;font-weight:400}
.draft-card{border-left:6px solid var(--maint)}
.draft-card h3{font-size:1.125rem;margin:0 0 .25rem}
.draft-card p{margin:.375rem 0}
.draft-card .actions{margin-top:.5rem}
.s-firing,.s-draft{color:var(--major)}
.s-cleared,.s-published{color:var(--ok)}
.s-dismissed{color:var(--muted)}
.labels{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}
.labels code{font-size:.8125rem;background:var(--surf);border:1px solid var(--line);border-radius:4px;padding:0 .25rem;overflow-wrap:anywhere}
pre.snippet{white-space:pre;overflow-x:auto;overflow-wrap:normal;font-size:.875rem;margin:.5rem 0;padding:.75rem;border:1px solid var(--line);border-radius:6px;background:var(--surf)}
/* Checks: state badges, the strip of recent results (shape and words as well as colour) */
.s-check-up{color:var(--ok)}
.s-check-failing{color:var(--partial)}
.s-check-down{color:var(--major)}
.s-check-waiting{color:var(--maint)}
.s-check-paused{color:var(--muted)}
.target code{overflow-wrap:anywhere;word-break:break-all}
p.target{margin:.25rem 0}
.strip{display:flex;flex-wrap:wrap;align-items:flex-start;gap:2px;list-style:none;margin:.5rem 0;padding:0}
.strip li,.legend .key{display:inline-block;width:.5rem;height:1.75rem;border-radius:2px;background:var(--ok)}
.strip li.down{background:var(--major);height:.875rem}
.legend .key{height:1rem;vertical-align:middle;margin:0 .25rem 0 .5rem}
.legend .key:first-child{margin-left:0}
.legend .key.down{background:var(--major);height:.5rem;vertical-align:top;margin-top:.3rem}
.manage details.action{margin-top:.75rem}
/* One crontab line: wrapped on screen, still one line when copied */
pre.snippet.wrap{white-space:pre-wrap;overflow-wrap:anywhere}
table.results td:last-child{overflow-wrap:anywhere}
.figures.check-figures{grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));max-width:40rem}
`
