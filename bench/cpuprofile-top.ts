/**
 * Summarises a V8 .cpuprofile (from `--cpu-prof`): the functions with the most self time, and
 * the self time per source (package or project file).
 *
 * Run: node bench/cpuprofile-top.ts PROFILE.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const [file, topArg] = process.argv.slice(2)
if (!file) {
  console.error('Usage: node bench/cpuprofile-top.ts PROFILE.cpuprofile [top=25]')
  process.exit(2)
}
const top = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})

/** Where a function comes from: a package name, a project path, or a V8/Node category. */
function source(url: string): string {
  if (!url) return '(native / V8)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url)
  }
  if (url.startsWith('node:')) return 'node core'
  const root = url.indexOf('/main/')
  return root >= 0 ? url.slice(root + '/main/'.length) : url
}

const fns = new Map<string, number>()
const sources = new Map<string, number>()
let total = 0
for (const [id, us] of selfUs) {
  const node = byId.get(id)
  if (!node) continue
  total += us
  const { functionName, url, lineNumber } = node.callFrame
  const key = `${functionName || '(anonymous)'}  ${source(url)}${url ? `:${lineNumber + 1}` : ''}`
  fns.set(key, (fns.get(key) ?? 0) + us)
  const src = source(url)
  sources.set(src, (sources.get(src) ?? 0) + us)
}

// Inclusive time of the project's own functions (synchronous stacks only: time after an
// `await` is not attributed to the caller): each sample counts once for every
// distinct project function on its stack.
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const inclusive = new Map<string, number>()
profile.samples.forEach((id, i) => {
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const node = byId.get(cur)
    if (!node) break
    const { functionName, url, lineNumber } = node.callFrame
    if (!url || /node_modules\/|^node:|^wasm:/.test(url)) continue
    seen.add(`${functionName || '(anonymous)'}  ${source(url)}:${lineNumber + 1}`)
  }
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0))
})

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`)
console.log(`\nTop ${top} functions by self time:`)
for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(us)} ${ms(us)}  ${k}`)
}
console.log('\nSelf time by source:')
for (const [k, us] of [...sources].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(us)} ${ms(us)}  ${k}`)
}
console.log(`\nTop ${top} project functions by total (inclusive) time:`)
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(us)} ${ms(us)}  ${k}`)
}
