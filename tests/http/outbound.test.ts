import { createServer, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../api/config.ts'
import type { Deps } from '../../api/deps.ts'
import {
  createOutboundPoster,
  type OutboundOptions,
  type Resolver,
} from '../../api/http/outbound.node.ts'
import { postAndClassify } from '../../api/jobs/notifier/channels/http-post.ts'
import { checkOutboundTarget } from '../../api/services/outbound-target.ts'
import { startReceiver, type HttpReceiver } from '../fixtures/http-receiver.ts'

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
})

function poster(o: Partial<OutboundOptions> & Pick<OutboundOptions, 'allowPrivate'>) {
  const p = createOutboundPoster({ answerTimeoutMs: 500, connectTimeoutMs: 500, ...o })
  closers.push(() => p.close())
  return p
}

async function receiver(): Promise<HttpReceiver> {
  const r = await startReceiver()
  closers.push(() => r.close())
  return r
}

/** A TCP listener that only counts connections: proof that nothing reached an address. */
async function tcpCounter(host: string): Promise<{ port: number; count: () => number } | null> {
  let n = 0
  const sockets = new Set<Socket>()
  const server = createTcpServer((s) => {
    n++
    sockets.add(s)
    s.destroy()
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, host, resolve)
    })
  } catch {
    return null // no IPv6 loopback here
  }
  closers.push(() => new Promise((r) => server.close(r)))
  return { port: (server.address() as AddressInfo).port, count: () => n }
}

const call = (url: string) => ({ url, id: 'msg_1', headers: {}, body: '{"ok":true}' })
const fixed =
  (...addresses: string[]): Resolver =>
  () =>
    Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    )

describe('the outbound poster: where it refuses to connect', () => {
  it('refuses URLs by shape before connecting: scheme, credentials, local names, private literals', async () => {
    const p = poster({ allowPrivate: false })
    const refused = [
      'http://hooks.example.com/a',
      'ftp://hooks.example.com/a',
      'https://user:pass@hooks.example.com/a',
      'https://localhost/a',
      'https://api.localhost/a',
      'https://printer.local/a',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://router.home.arpa/a',
      'https://intranet/a',
      'https://127.0.0.1/a',
      'https://127.1/a',
      'https://2130706433/a',
      'https://0x7f000001/a',
      'https://0177.0.0.1/a',
      'https://10.0.0.7/a',
      'https://172.16.5.4/a',
      'https://192.168.1.1/a',
      'https://169.254.169.254/latest/meta-data/',
      'https://100.64.0.1/a',
      'https://0.0.0.0/a',
      'https://224.0.0.1/a',
      'https://255.255.255.255/a',
      'https://[::1]/a',
      'https://[::]/a',
      'https://[::ffff:127.0.0.1]/a',
      'https://[::ffff:7f00:1]/a',
      'https://[::ffff:169.254.169.254]/a',
      'https://[fc00::1]/a',
      'https://[fd12:3456::1]/a',
      'https://[fe80::1]/a',
      'https://[ff02::1]/a',
      'not a url',
    ]
    const through: string[] = []
    for (const url of refused) {
      const o = await postAndClassify(p, call(`${url}`))
      if (o.result !== 'permanent') through.push(`${url}: ${o.result}`)
      // Errors name the host at most, never the path (a chat hook's path is its secret).
      else expect(o.message).not.toMatch(/meta-data|computeMetadata|\/a\b/)
    }
    console.log(
      `outbound shape: ${refused.length} URL variants refused, ${through.length} got through`,
    )
    expect(through).toEqual([])
  })

  it('refuses at connect time a name resolving to any refused address (DNS rebinding)', async () => {
    const v4 = (await tcpCounter('127.0.0.1'))!
    const v6 = await tcpCounter('::1')
    const resolutions: string[][] = [
      ['127.0.0.1'],
      ['127.0.0.2'],
      ['10.1.2.3'],
      ['172.31.0.1'],
      ['192.168.0.10'],
      ['169.254.169.254'],
      ['100.100.100.200'],
      ['0.0.0.0'],
      ['::1'],
      ['::ffff:127.0.0.1'],
      ['fd00::1'],
      ['fe80::1'],
      // One refused address among public ones is enough.
      ['93.184.216.34', '127.0.0.1'],
      ['2606:2800:220:1:248:1893:25c8:1946', '::1'],
      [],
    ]
    let lookups = 0
    const through: string[] = []
    for (const addresses of resolutions) {
      const p = poster({
        allowPrivate: false,
        resolve: (host) => {
          lookups++
          expect(host).toBe('hooks.example.com')
          return fixed(...addresses)(host)
        },
      })
      for (const port of [v4.port, v6?.port ?? v4.port]) {
        const o = await postAndClassify(p, call(`https://hooks.example.com:${port}/secret-path`))
        if (o.result !== 'permanent') through.push(`${addresses.join(',')}: ${o.result}`)
        else expect(o.message).toMatch(/^hooks\.example\.com:\d+: the name (resolves to|does not)/)
        expect(o.result === 'permanent' && o.message).not.toContain('secret-path')
      }
    }
    console.log(
      `outbound connect time: ${resolutions.length * 2} resolutions refused, ${through.length} got through, ` +
        `${v4.count() + (v6?.count() ?? 0)} connections made`,
    )
    expect(through).toEqual([])
    expect(lookups).toBe(resolutions.length * 2)
    expect(v4.count()).toBe(0)
    expect(v6?.count() ?? 0).toBe(0)
  })

  it('connects through the same lookup when private targets are allowed (the control)', async () => {
    const r = await receiver()
    const port = new URL(r.url).port
    const p = poster({ allowPrivate: true, resolve: fixed('127.0.0.1') })
    const o = await postAndClassify(p, call(`http://hooks.example.com:${port}/in`))
    expect(o).toEqual({ result: 'delivered' })
    expect(r.received).toHaveLength(1)
    expect(r.received[0]!.headers.host).toBe(`hooks.example.com:${port}`)
    expect(r.received[0]!.json).toEqual({ ok: true })
  })

  it('a public address passes the check (and then fails as this machine has no network: retried)', async () => {
    const p = poster({
      allowPrivate: false,
      resolve: fixed('93.184.216.34'),
      connectTimeoutMs: 300,
    })
    const o = await postAndClassify(p, call('https://hooks.example.com/in'))
    expect(o.result).toBe('retry')
  })

  it('a name that never resolves is given up after the connect timeout: retried', async () => {
    const p = poster({
      allowPrivate: false,
      resolve: () => new Promise(() => {}),
      connectTimeoutMs: 200,
    })
    const o = await postAndClassify(p, call('https://hooks.example.com/in'))
    expect(o.result).toBe('retry')
  })

  it('checks again at connect time what was checked when the URL was given', async () => {
    const config = parseConfig({ SITE_URL: 'https://status.example.com' })
    const at = (addresses: string[]) =>
      ({ config, resolveHost: () => Promise.resolve(addresses) }) as unknown as Deps
    // Given: the name resolves to a public address, so it is accepted...
    expect(
      await checkOutboundTarget(at(['93.184.216.34']), 'https://hooks.example.com/x', 'url'),
    ).toBe('https://hooks.example.com/x')
    // ...and to 127.0.0.1 it is refused when given,
    await expect(
      checkOutboundTarget(at(['127.0.0.1']), 'https://hooks.example.com/x', 'url'),
    ).rejects.toMatchObject({ code: 'refused_url' })
    await expect(
      checkOutboundTarget(at(['93.184.216.34', '::1']), 'https://hooks.example.com/x', 'url'),
    ).rejects.toMatchObject({ code: 'refused_url' })
    // ...and when it resolves there later, at connect time.
    const p = poster({ allowPrivate: false, resolve: fixed('127.0.0.1') })
    const o = await postAndClassify(p, call('https://hooks.example.com/x'))
    expect(o).toMatchObject({ result: 'permanent' })
  })
})

describe('the outbound poster: answers', () => {
  it('does not follow a redirect, to a private address or anywhere', async () => {
    const inner = await receiver()
    const outer = await receiver()
    const p = poster({ allowPrivate: true })
    const statuses = [301, 302, 303, 307, 308]
    for (const status of statuses) {
      outer.script({ status, headers: { location: `${inner.url}/metadata` } })
      const o = await postAndClassify(p, call(`${outer.url}/hook`))
      expect(o).toEqual({
        result: 'permanent',
        message: `${new URL(outer.url).host} answered ${status}`,
      })
    }
    expect(outer.received).toHaveLength(statuses.length)
    expect(inner.received).toHaveLength(0)
  })

  it('sorts statuses: 2xx delivered, 408/429/5xx retried with Retry-After, 4xx permanent', async () => {
    const r = await receiver()
    const p = poster({ allowPrivate: true })
    const cases: [number, string | undefined, string, number | undefined][] = [
      [200, undefined, 'delivered', undefined],
      [202, undefined, 'delivered', undefined],
      [204, undefined, 'delivered', undefined],
      [408, undefined, 'retry', undefined],
      [429, '7', 'retry', 7000],
      [500, undefined, 'retry', undefined],
      [502, undefined, 'retry', undefined],
      [503, '120', 'retry', 120_000],
      [400, undefined, 'permanent', undefined],
      [401, undefined, 'permanent', undefined],
      [404, undefined, 'permanent', undefined],
      [410, undefined, 'permanent', undefined],
    ]
    for (const [status, after, result, retryAfterMs] of cases) {
      r.script({ status, headers: after ? { 'retry-after': after } : {} })
      const o = await postAndClassify(p, call(`${r.url}/hook`))
      expect(o.result, String(status)).toBe(result)
      if (retryAfterMs) expect(o).toMatchObject({ retryAfterMs })
    }
  })

  it('gives up on a receiver that hangs or drops the connection: retried', async () => {
    const r = await receiver()
    const p = poster({ allowPrivate: true, answerTimeoutMs: 300 })
    r.script('hang', 'drop')
    expect((await postAndClassify(p, call(`${r.url}/hook`))).result).toBe('retry')
    expect((await postAndClassify(p, call(`${r.url}/hook`))).result).toBe('retry')
    expect(await postAndClassify(p, call(`${r.url}/hook`))).toEqual({ result: 'delivered' })
  })

  it('never reads a long answer: an endless body still returns, having read a few KB', async () => {
    let written = 0
    let closed = 0
    const server: Server = createServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'text/plain' })
      const chunk = Buffer.alloc(16 * 1024, 'x')
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length
        if (!res.destroyed) res.once('drain', pump)
      }
      res.on('close', () => closed++)
      pump()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    closers.push(() => {
      server.closeAllConnections()
      return new Promise((r) => server.close(r))
    })
    const { port } = server.address() as AddressInfo
    const p = poster({ allowPrivate: true })
    const o = await postAndClassify(p, call(`http://127.0.0.1:${port}/hook`))
    expect(o).toEqual({ result: 'delivered' })
    await expect.poll(() => closed).toBe(1)
    // What the kernel's socket buffers took before we hung up, not what we read: far below 64 MB.
    expect(written).toBeLessThan(64 * 1024 * 1024)
  })

  it('keeps at most `connectionsPerOrigin` connections to one receiver', async () => {
    let connections = 0
    let requests = 0
    const server = createServer((req, res) => {
      requests++
      req.resume()
      // Answer a little later, so the calls overlap.
      setTimeout(() => res.writeHead(204).end(), 5)
    })
    server.on('connection', () => connections++)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    closers.push(() => {
      server.closeAllConnections()
      return new Promise((r) => server.close(r))
    })
    const { port } = server.address() as AddressInfo
    const p = poster({ allowPrivate: true, connectionsPerOrigin: 4 })
    const results = await Promise.all(
      Array.from({ length: 40 }, () => postAndClassify(p, call(`http://127.0.0.1:${port}/hook`))),
    )
    expect(results.every((x) => x.result === 'delivered')).toBe(true)
    expect(requests).toBe(40)
    expect(connections).toBeGreaterThan(0)
    expect(connections).toBeLessThanOrEqual(4)
  })
})
