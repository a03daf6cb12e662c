/**
 * A minimal HTTP client for the benchmarks: node:http over a keep-alive agent, the raw body
 * bytes as received (no transparent decompression, so gzip sizes are the bytes on the wire), and
 * the time the status line arrived.
 */
import { Agent, request } from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'

export interface RawReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** performance.now() when the status line and headers arrived. */
  headersAt: number
  /** performance.now() when the whole body had arrived. */
  endAt: number
}

export function createClient(maxSockets = 8) {
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets })
  function send(
    url: string,
    opts: {
      method?: string
      headers?: Record<string, string>
      body?: string
      timeoutMs?: number
    } = {},
  ): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const payload = opts.body
      const req = request(
        url,
        {
          method: opts.method ?? 'GET',
          agent,
          headers: {
            ...opts.headers,
            ...(payload !== undefined
              ? { 'content-length': String(Buffer.byteLength(payload)) }
              : {}),
          },
          timeout: opts.timeoutMs ?? 10_000,
        },
        (res) => {
          const headersAt = performance.now()
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              headersAt,
              endAt: performance.now(),
            }),
          )
          res.on('error', reject)
        },
      )
      req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)))
      req.on('error', reject)
      req.end(payload)
    })
  }
  return { send, close: () => agent.destroy() }
}

/**
 * CPU seconds (user + system) of a process and its direct children (nginx's master and workers),
 * from /proc; NaN where /proc is missing.
 */
export function treeCpuSeconds(pid: number): number {
  const stat = (p: number | string) => {
    const s = readFileSync(`/proc/${p}/stat`, 'utf8')
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
    // f[1] is the parent pid; utime and stime are fields 14 and 15 of the full line.
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100 }
  }
  try {
    let total = stat(pid).cpu
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name) || Number(name) === pid) continue
      try {
        const s = stat(name)
        if (s.ppid === pid) total += s.cpu
      } catch {
        // exited meanwhile
      }
    }
    return total
  } catch {
    return NaN
  }
}
