import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  startServer,
  stopServersAfterEach,
  waitFor,
  waitHealthy,
} from '../fixtures/server-process.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const running = stopServersAfterEach()

/** Each thread of a process: its name and nice value (/proc/PID/task/TID/stat, field 19). */
function threadsOf(pid: number): { name: string; nice: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { name, nice: Number(fields[16]) }
  })
}

// Linux only: the thread ids and their priorities are read from /proc (the CI machine's kind).
describe.runIf(process.platform === 'linux')('background threads', () => {
  it('the publisher and the notifier run below the request loop’s priority', async () => {
    const dir = tempDir('thread-priority')
    const s = await startServer({
      DATABASE_URL: `file:${join(dir, 'amends.db')}`,
      PUBLIC_DIR: join(dir, 'public'),
      NOTIFIER: 'on',
      NOTIFIER_WORKERS: '2',
    })
    running.push(s)
    await waitHealthy(s)
    // One publisher and two notifier threads (the notifier's report ready after /healthz may).
    const threads = await waitFor('three worker threads', () => {
      const all = threadsOf(s.child.pid!)
      return all.filter((t) => t.name === 'WorkerThread').length >= 3 && all
    })
    const main = threads.find((t) => t.name === 'MainThread' || t.name === 'node')
    const workers = threads.filter((t) => t.name === 'WorkerThread')
    expect(main?.nice).toBe(0)
    expect(workers.length).toBeGreaterThanOrEqual(3)
    expect(workers.map((t) => t.nice)).toEqual(workers.map(() => 10))
  })
})
