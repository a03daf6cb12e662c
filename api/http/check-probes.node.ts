import { connect, isIP } from 'node:net'
import { performance } from 'node:perf_hooks'
import { KEYWORD_WINDOW_BYTES, statusExpected } from '../../core/checks.ts'
import { refusedAddress } from '../../core/outbound.ts'
import type { CheckProbes, ProbeOutcome } from '../jobs/checks.ts'
import { createOutboundPoster, guardedLookup, type Resolver } from './outbound.node.ts'

const down = (error: string, responseMs: number | null = null): ProbeOutcome => ({
  up: false,
  responseMs,
  error,
})

/**
 * HTTP and TCP probes under the webhooks' outbound rules (api/http/outbound.node.ts): a private
 * or loopback address, or a name resolving to one now, is refused at connect time unless
 * `allowPrivate`. A refusal, a timeout, a closed port, an unexpected status or a missing keyword
 * is a failed run; redirects are not followed (a 3xx is the answer).
 */
export function createCheckProbes(opts: {
  allowPrivate: boolean
  resolve?: Resolver
}): CheckProbes {
  const lookup = guardedLookup(opts.allowPrivate, opts.resolve)
  return {
    async http(c) {
      // One agent per run: its timeouts are this check's, and nothing lingers between runs.
      const poster = createOutboundPoster({
        allowPrivate: opts.allowPrivate,
        resolve: opts.resolve,
        connectTimeoutMs: c.timeoutMs,
        answerTimeoutMs: c.timeoutMs,
        connectionsPerOrigin: 1,
      })
      const started = performance.now()
      try {
        const answer = await poster({
          url: c.url,
          id: '',
          headers: { 'user-agent': 'Amends-Check/1' },
          body: '',
          method: 'GET',
          ...(c.keyword ? { readBody: KEYWORD_WINDOW_BYTES } : {}),
        })
        const ms = performance.now() - started
        if (!statusExpected(c.expectedStatus, answer.status))
          return down(`answered ${answer.status}, expected ${c.expectedStatus}`, ms)
        if (c.keyword && !(answer.body ?? '').includes(c.keyword))
          return down('the keyword is not in the answer', ms)
        return { up: true, responseMs: ms, error: null }
      } catch (err) {
        return down((err as Error).message)
      } finally {
        void poster.close().catch(() => {})
      }
    },

    tcp(c) {
      const host = c.host.replace(/^\[|\]$/g, '')
      const why = isIP(host) && !opts.allowPrivate ? refusedAddress(host) : null
      if (why) return Promise.resolve(down(`a ${why} is refused`))
      const started = performance.now()
      return new Promise((resolve) => {
        const socket = connect({ host, port: c.port, lookup, timeout: c.timeoutMs })
        const finish = (outcome: ProbeOutcome) => {
          socket.destroy()
          resolve(outcome)
        }
        socket.once('connect', () =>
          finish({ up: true, responseMs: performance.now() - started, error: null }),
        )
        socket.once('timeout', () => finish(down(`no connection within ${c.timeoutMs} ms`)))
        socket.once('error', (err) => finish(down(err.message)))
      })
    },
  }
}
