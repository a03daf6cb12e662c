import { Worker } from 'node:worker_threads'
import type { Config } from '../../config.ts'
import { failing, type Health, type PartState } from '../../health.ts'
import type { Logger } from '../../log.ts'
import { retryDelay } from '../retry.ts'
import type { NotifierTiming } from './timing.ts'

/** How long a stopping thread may take to record what it has in flight. */
const STOP_GRACE_MS = 10_000

export type NotifierStats = { sent: number; retried: number; failed: number; skipped: number }

export type FromNotifierWorker =
  | { type: 'ready' }
  | { type: 'health'; state: PartState }
  | { type: 'deliveries' }
  | { type: 'stats'; id: number; stats: NotifierStats }

export type ToNotifierWorker =
  { type: 'kick' } | { type: 'send' } | { type: 'stats'; id: number } | { type: 'stop' }

export interface NotifierThreadsOptions {
  workers: number
  timing: NotifierTiming
}

const ZERO: NotifierStats = { sent: 0, retried: 0, failed: 0, skipped: 0 }

/**
 * Runs the notifier on `workers` threads, each with its own database connection and lease owner,
 * so rendering and SMTP never take the API's request loop and the fan-out's sending uses every
 * core. Fan-out and sending are lease-based, so the threads share the work without sending twice
 * (the same holds for several notifier processes). Supervised like the publisher thread: a
 * thread that dies is started again after a growing delay; `/healthz` says 'notifier' is failing
 * meanwhile (the worst state of any thread).
 */
export function startNotifierThreads(
  config: Config,
  log: Logger,
  health: Health | undefined,
  opts: NotifierThreadsOptions,
) {
  interface Slot {
    index: number
    worker: Worker | null
    state: PartState
    failures: number
    restart: ReturnType<typeof setTimeout> | undefined
  }
  const slots = Array.from({ length: opts.workers }, (_, index): Slot => ({
    index,
    worker: null,
    state: 'starting',
    failures: 0,
    restart: undefined,
  }))
  let stopping = false
  let asked = 0
  const pending = new Map<
    number,
    { waiting: Set<Worker>; threads: NotifierStats[]; done: () => void }
  >()

  /** One state for the whole notifier: a failing thread wins, then a starting one. */
  function report() {
    if (!health || stopping) return
    const failed = slots.find((s) => s.state.startsWith('failing'))
    health.set(
      'notifier',
      failed ? failed.state : slots.some((s) => s.state === 'starting') ? 'starting' : 'ok',
    )
  }

  function setState(slot: Slot, state: PartState) {
    slot.state = state
    report()
  }

  function scheduleRestart(slot: Slot, reason: string) {
    slot.failures++
    const delay = retryDelay(slot.failures)
    setState(slot, failing(reason))
    log.error('notifier thread stopped; starting it again', {
      thread: slot.index,
      reason,
      in_ms: delay,
    })
    slot.restart = setTimeout(() => void spawn(slot), delay)
  }

  function broadcast(m: ToNotifierWorker, except?: Worker) {
    for (const s of slots) if (s.worker && s.worker !== except) s.worker.postMessage(m)
  }

  /** Starts a thread; resolves once it runs (or failed to start), never rejects. */
  function spawn(slot: Slot): Promise<void> {
    return new Promise((resolve) => {
      if (stopping) return resolve()
      setState(slot, 'starting')
      let w: Worker
      try {
        w = new Worker(new URL('./notifier-worker.node.ts', import.meta.url), {
          workerData: { config, timing: opts.timing },
        })
      } catch (err) {
        scheduleRestart(slot, (err as Error).message)
        return resolve()
      }
      slot.worker = w
      let lastError = 'exited'
      w.on('message', (m: FromNotifierWorker) => {
        if (m.type === 'ready') {
          slot.failures = 0
          if (slot.state === 'starting') setState(slot, 'ok')
          resolve()
        } else if (m.type === 'health') setState(slot, m.state)
        // One thread fanned out: every other thread's sender looks for the new work now too.
        else if (m.type === 'deliveries') broadcast({ type: 'send' }, w)
        else if (m.type === 'stats') {
          const p = pending.get(m.id)
          if (!p) return
          p.threads.push(m.stats)
          p.waiting.delete(w)
          if (p.waiting.size === 0) p.done()
        }
      })
      w.on('error', (err: Error) => {
        lastError = err.message
        log.error('notifier thread crashed', { thread: slot.index, error: err.message })
      })
      w.on('exit', () => {
        if (slot.worker === w) slot.worker = null
        // A thread that died cannot answer: count it as having sent nothing more.
        for (const p of pending.values()) {
          if (p.waiting.delete(w) && p.waiting.size === 0) p.done()
        }
        resolve()
        if (!stopping) scheduleRestart(slot, lastError)
      })
    })
  }

  // Not awaited by the server: the API serves while the threads load (seconds on a busy machine);
  // kicks sent meanwhile wait in the threads' queues, and /healthz says 'starting'.
  const ready = Promise.all(slots.map(spawn)).then(() => {})
  return {
    /** Every thread has started once (or failed to, and is being restarted). */
    ready,
    /** Something was written: every thread fans out now rather than at its next poll. */
    kick: () => broadcast({ type: 'kick' }),
    /**
     * What each running thread has done since it started (a restarted thread starts at 0), and
     * their sum.
     */
    stats(): Promise<{ total: NotifierStats; threads: NotifierStats[] }> {
      const live = slots.filter((s) => s.worker)
      const id = ++asked
      const threads: NotifierStats[] = []
      const sum = () => {
        const total = { ...ZERO }
        for (const t of threads)
          for (const k of Object.keys(ZERO) as (keyof NotifierStats)[]) total[k] += t[k]
        return { total, threads }
      }
      return new Promise((resolve) => {
        if (live.length === 0) return resolve(sum())
        pending.set(id, {
          waiting: new Set(live.map((s) => s.worker!)),
          threads,
          done: () => {
            pending.delete(id)
            resolve(sum())
          },
        })
        for (const s of live) s.worker!.postMessage({ type: 'stats', id })
      })
    },
    /** The running threads (for tests that kill one). */
    threads: () => slots.flatMap((s) => (s.worker ? [s.worker] : [])),
    /**
     * Stops claiming, lets every thread finish and record what it has in flight, then ends them.
     * A thread that cannot finish (its database gone or replaced, a server that never answers)
     * is ended after STOP_GRACE_MS: what it had claimed is sent again after its lease runs out,
     * under the same Message-ID (decision 004), and a shutdown never hangs on it.
     */
    async stop() {
      stopping = true
      await Promise.all(
        slots.map(async (slot) => {
          clearTimeout(slot.restart)
          const w = slot.worker
          if (!w) return
          const exited = new Promise<true>((r) => w.once('exit', () => r(true)))
          w.postMessage({ type: 'stop' })
          let timer: ReturnType<typeof setTimeout> | undefined
          const late = new Promise<false>(
            (r) => (timer = setTimeout(() => r(false), STOP_GRACE_MS)),
          )
          const done = await Promise.race([exited, late])
          clearTimeout(timer)
          if (!done) {
            log.warn('notifier thread did not finish in time; ending it', {
              grace_ms: STOP_GRACE_MS,
            })
            await w.terminate()
          }
        }),
      )
    },
  }
}

export type NotifierThreads = ReturnType<typeof startNotifierThreads>
