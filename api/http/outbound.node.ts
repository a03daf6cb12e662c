import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP, type LookupFunction } from 'node:net'
import { Agent, buildConnector, request } from 'undici'
import { checkOutboundUrl, refusedAddress } from '../../core/outbound.ts'
import { RefusedTarget, type HttpPoster } from '../jobs/notifier/channels/http-post.ts'

/** Every address a name has now (Node: the system resolver, as every other connection uses). */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>

export interface OutboundOptions {
  /** OUTBOUND_ALLOW_PRIVATE: http, private and loopback targets allowed (tests, private networks). */
  allowPrivate: boolean
  /** Tests resolve names without a network here. */
  resolve?: Resolver
  connectTimeoutMs?: number
  /** From the request sent to the status line and headers, and between body chunks. */
  answerTimeoutMs?: number
  /** Open connections to one origin at most (a receiver is not flooded; requests queue). */
  connectionsPerOrigin?: number
}

export type OutboundPoster = HttpPoster & { close(): Promise<void> }

// A receiver's answer is never used beyond its status: a few KB are read so the connection can be
// reused, and a longer body closes it. An API whose answer we read (an SMS provider's) is read
// up to what the call asks for, never more than this.
const MAX_BODY_BYTES = 4096

/** At most `max` bytes (and never more than MAX_BODY_BYTES) of an answer, as UTF-8. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number) {
  const limit = Math.min(max, MAX_BODY_BYTES)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    size += chunk.byteLength
    if (size >= limit) break
  }
  body.destroy()
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true })

/**
 * A DNS lookup for sockets that refuses (RefusedTarget) a name any of whose addresses is not
 * public, unless `allowPrivate`; the socket then goes to exactly the addresses judged. Used by
 * every outbound connection (HTTP posts here, TCP checks in check-probes.node.ts).
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver) {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname)
      .then((found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : 0
        const addresses = found.filter((a) => family === 0 || a.family === family)
        if (addresses.length === 0) throw new RefusedTarget('the name does not resolve')
        if (!allowPrivate) {
          for (const a of addresses) {
            const why = refusedAddress(a.address)
            if (why) throw new RefusedTarget(`the name resolves to a ${why}, which is refused`)
          }
        }
        if (options.all) callback(null, addresses)
        else callback(null, addresses[0]!.address, addresses[0]!.family)
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0))
  }
  return lookup
}

/**
 * The one way Amends calls a URL someone gave it (webhooks, chat hooks, on-call's webhook, the
 * GET of an HTTP check).
 * The URL's shape is checked first (core/outbound.ts); then, when the connection is made, every
 * address the name resolves to must be public (any one refused refuses the call), and the socket
 * goes to exactly those addresses: a name that resolved to a public address when it was given and
 * to 127.0.0.1 now (DNS rebinding) is refused, as is an IP literal. Redirects are not followed
 * (a 3xx is the receiver's answer), and a refusal is an error postAndClassify sorts as permanent.
 */
export function createOutboundPoster(opts: OutboundOptions): OutboundPoster {
  const allowPrivate = opts.allowPrivate
  const resolve = opts.resolve ?? systemResolver
  const answerTimeout = opts.answerTimeoutMs ?? 10_000
  const connectTimeout = opts.connectTimeoutMs ?? 5_000

  const lookup = guardedLookup(allowPrivate, resolve)

  const connectTo = buildConnector({ timeout: connectTimeout, lookup })
  const agent = new Agent({
    connections: opts.connectionsPerOrigin ?? 16,
    headersTimeout: answerTimeout,
    bodyTimeout: answerTimeout,
    connect(options, callback) {
      // Literals never reach the lookup: judge them here, at connect time too.
      const host = options.hostname.replace(/^\[|\]$/g, '')
      const why = isIP(host) && !allowPrivate ? refusedAddress(host) : null
      if (why) {
        callback(new RefusedTarget(`a ${why} is refused`), null)
        return
      }
      connectTo(options, callback)
    },
  })

  const post = async (call: Parameters<HttpPoster>[0]) => {
    const shape = checkOutboundUrl(call.url, allowPrivate)
    if (!shape.ok) throw new RefusedTarget(shape.reason)
    const get = call.method === 'GET'
    const res = await request(shape.url, {
      method: get ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...call.headers },
      body: get ? undefined : call.body,
      dispatcher: agent,
    })
    const body = call.readBody ? await readCapped(res.body, call.readBody) : undefined
    if (!call.readBody) await res.body.dump({ limit: MAX_BODY_BYTES }).catch(() => {})
    const after = res.headers['retry-after']
    return {
      status: res.statusCode,
      retryAfter: (Array.isArray(after) ? after[0] : after) ?? null,
      body,
    }
  }
  return Object.assign(post, { close: () => agent.close() })
}
