import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { publishBrandFiles } from '../../api/jobs/brand-files.node.ts'
import {
  copyPublishedTree,
  writeAtomic,
  writePublishedFile,
} from '../../api/jobs/published-file.node.ts'
import { createNodeHandler, createNodeListener } from '../../api/server.node.ts'
import { createStaticCache } from '../../api/static.node.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** A page long enough to be compressed, different for each `n`, and always the same length. */
function page(n: number, length = 40_000): Buffer {
  const head = `<!DOCTYPE html><html lang="en"><title>v${String(n).padStart(6, '0')}</title><p>`
  return Buffer.from(head.padEnd(length - 4, 'status ok. ') + '</p>')
}

/** The real Node listener over `dir`, checking every file on every request. */
async function serve(dir: string) {
  const notFound = { fetch: () => new Response('no', { status: 404 }) }
  const files = createStaticCache(dir)
  const server: Server = createServer(
    createNodeListener(dir, createNodeHandler(notFound, dir), files),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // node:http, not fetch: fetch decodes gzip itself, and these tests need the bytes as sent.
  return (
    path: string,
    headers: Record<string, string> = { 'accept-encoding': 'gzip' },
    method = 'GET',
  ) =>
    new Promise<{ res: IncomingMessage; body: Buffer }>((resolve, reject) => {
      request(`${base}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
        .on('error', reject)
        .end()
    })
}

describe('published files compressed once', () => {
  it('writes a .gz beside each compressible file, and the server sends those very bytes', async () => {
    const dir = tempDir('precompressed')
    writePublishedFile(join(dir, 'index.html'), page(1).toString())
    writePublishedFile(join(dir, 'history.rss'), page(2))
    writePublishedFile(join(dir, 'small.json'), '{"a":1}')
    writePublishedFile(join(dir, 'badge.svg'), page(3))
    expect(gunzipSync(readFileSync(join(dir, 'index.html.gz')))).toEqual(page(1))
    expect(gunzipSync(readFileSync(join(dir, 'history.rss.gz')))).toEqual(page(2))
    // Too small, or not a type the server compresses: no sibling.
    expect(() => readFileSync(join(dir, 'small.json.gz'))).toThrow(/ENOENT/)
    expect(() => readFileSync(join(dir, 'badge.svg.gz'))).toThrow(/ENOENT/)

    // A sibling made differently (level 1) proves the server reads it rather than compressing.
    const level1 = gzipSync(page(1), { level: 1 })
    expect(level1).not.toEqual(readFileSync(join(dir, 'index.html.gz')))
    writeFileSync(join(dir, 'index.html.gz'), level1)
    const get = await serve(dir)
    const { res, body } = await get('/')
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(body).toEqual(level1)
    expect(gunzipSync(body)).toEqual(page(1))
    expect(res.headers['content-length']).toBe(String(level1.length))
  })

  it('same headers, ETags and bytes as compressing in the server, for gzip, identity and 304', async () => {
    const pre = tempDir('precompressed')
    const plain = tempDir('plain')
    writePublishedFile(join(pre, 'history.atom'), page(7))
    writeFileSync(join(plain, 'history.atom'), page(7))
    const [a, b] = [await serve(pre), await serve(plain)]
    const strip = (h: IncomingMessage['headers']) => {
      const o = { ...h }
      delete o.date
      return o
    }
    for (const headers of [{ 'accept-encoding': 'gzip, br' }, { 'accept-encoding': 'identity' }]) {
      const [x, y] = [await a('/history.atom', headers), await b('/history.atom', headers)]
      expect(strip(x.res.headers)).toEqual(strip(y.res.headers))
      expect(x.body).toEqual(y.body)
      const again = await a('/history.atom', {
        ...headers,
        'if-none-match': x.res.headers.etag!,
      })
      expect(again.res.statusCode).toBe(304)
    }
  })

  it('never pairs a file with a .gz of another version: 9 stale siblings, 0 served', async () => {
    const dir = tempDir('precompressed')
    const current = page(2)
    const crcOff = gzipSync(current)
    crcOff.writeUInt32LE((crcOff.readUInt32LE(crcOff.length - 8) ^ 1) >>> 0, crcOff.length - 8)
    const stale: [string, Buffer | 'dir'][] = [
      ['the previous version, same length', gzipSync(page(1))],
      ['the previous version, shorter', gzipSync(page(1, 3000))],
      ['the current bytes plus one', gzipSync(Buffer.concat([current, Buffer.from('x')]))],
      ['a wrong CRC-32', crcOff],
      ['truncated', gzipSync(current).subarray(0, 40)],
      ['empty', Buffer.alloc(0)],
      ['the plain page itself', current],
      [
        'not gzip, right trailer',
        Buffer.concat([Buffer.alloc(10), gzipSync(current).subarray(10)]),
      ],
      ['a folder', 'dir'],
    ]
    const get = await serve(dir)
    let served = 0
    for (const [i, [what, gz]] of stale.entries()) {
      // A page of its own each time: the server reads it (and its sibling) for the first time.
      const file = join(dir, `v${i}`, 'index.html')
      writePublishedFile(file, current)
      const sibling = `${file}.gz`
      rmSync(sibling)
      if (gz === 'dir') mkdirSync(sibling)
      else writeFileSync(sibling, gz)
      // Newer than the page: an mtime rule would take it.
      const later = new Date(Date.now() + 60_000)
      utimesSync(sibling, later, later)
      const { res, body } = await get(`/v${i}/`)
      expect(res.statusCode, what).toBe(200)
      expect(res.headers['content-encoding'], what).toBe('gzip')
      expect(gunzipSync(body), what).toEqual(current)
      if (gz !== 'dir' && body.equals(gz)) served++
    }
    expect(served).toBe(0)
  })

  it('a file replaced without a .gz is served compressed from its new bytes', async () => {
    const dir = tempDir('precompressed')
    const file = join(dir, 'uptime', 'index.html')
    writePublishedFile(file, page(1))
    const get = await serve(dir)
    expect(gunzipSync((await get('/uptime/')).body)).toEqual(page(1))
    writeAtomic(file, page(2, 5000))
    const { res, body } = await get('/uptime/')
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(body)).toEqual(page(2, 5000))
  })

  it('.gz files are not pages: 6 spellings of a sibling URL, 0 served', async () => {
    const dir = tempDir('precompressed')
    writePublishedFile(join(dir, 'index.html'), page(1))
    writePublishedFile(join(dir, 'history.rss'), page(2))
    writePublishedFile(join(dir, 'incidents', 'x', 'index.html'), page(3))
    writeFileSync(join(dir, '404.html'), '<!DOCTYPE html><title>not found</title>')
    const get = await serve(dir)
    const paths = [
      '/index.html.gz',
      '/history.rss.gz',
      '/incidents/x/index.html.gz',
      '/%69ndex.html.gz',
      '/index.html%2Egz',
      '/index.html.gz?download=1',
    ]
    let served = 0
    for (const path of paths) {
      for (const method of ['GET', 'HEAD']) {
        const { res, body } = await get(path, { 'accept-encoding': 'gzip' }, method)
        expect(res.statusCode, `${method} ${path}`).toBe(404)
        if (body.includes(Buffer.from('status ok'))) served++
      }
    }
    expect(served).toBe(0)
  })

  it('copies a folder into the published one with .gz siblings', () => {
    const from = tempDir('client')
    const to = tempDir('precompressed')
    mkdirSync(join(from, '_astro'))
    writeFileSync(join(from, '_astro', 'site.css'), page(4))
    writeFileSync(join(from, 'enhance.js'), page(5))
    writeFileSync(join(from, 'favicon.ico'), page(6))
    expect(copyPublishedTree(from, to)).toBe(3)
    expect(readFileSync(join(to, '_astro', 'site.css'))).toEqual(page(4))
    expect(gunzipSync(readFileSync(join(to, '_astro', 'site.css.gz')))).toEqual(page(4))
    expect(gunzipSync(readFileSync(join(to, 'enhance.js.gz')))).toEqual(page(5))
    expect(readFileSync(join(to, 'favicon.ico'))).toEqual(page(6))
    expect(() => readFileSync(join(to, 'favicon.ico.gz'))).toThrow(/ENOENT/)
  })

  it("the brand's files are published whole, the stylesheet with its .gz", () => {
    const src = tempDir('brand-src')
    const out = tempDir('precompressed')
    writeFileSync(join(src, 'look.css'), page(8))
    writeFileSync(join(src, 'logo.svg'), page(9))
    const brand = {
      color: null,
      logoFile: join(src, 'logo.svg'),
      faviconFile: null,
      cssFile: join(src, 'look.css'),
      companyName: null,
      companyUrl: null,
      supportUrl: null,
    }
    expect(publishBrandFiles(brand, out)).toBe(2)
    expect(readFileSync(join(out, 'brand', 'brand.css'))).toEqual(page(8))
    expect(gunzipSync(readFileSync(join(out, 'brand', 'brand.css.gz')))).toEqual(page(8))
    expect(readFileSync(join(out, 'brand', 'logo.svg'))).toEqual(page(9))
  })

  it('a reader during rewrites sees the old or the new file and .gz, never a part', async () => {
    const dir = tempDir('precompressed')
    const file = join(dir, 'index.html')
    const versions = [page(1, 40_000), page(2, 90_000)]
    const writer = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { writePublishedFile } = await import(${JSON.stringify(
          pathToFileURL(join(import.meta.dirname, '../../api/jobs/published-file.node.ts')).href,
        )})
        const versions = ${JSON.stringify(versions.map((v) => v.toString()))}
        writePublishedFile(${JSON.stringify(file)}, versions[0])
        console.log('ready')
        for (let i = 1; ; i++) writePublishedFile(${JSON.stringify(file)}, versions[i % 2])`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const exited = new Promise((resolve) => writer.once('exit', resolve))
    cleanup.push(async () => {
      writer.kill()
      await exited
    })
    await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()))
    const get = await serve(dir)
    const seen = new Set<number>()
    let reads = 0
    let changes = 0
    let last = -1
    // Until both versions have come and gone many times, through the disk and through HTTP.
    while (changes < 40) {
      const plain = readFileSync(file)
      const gz = gunzipSync(readFileSync(`${file}.gz`))
      const sent = gunzipSync((await get('/')).body)
      for (const bytes of [plain, gz, sent]) {
        const v = versions.findIndex((x) => x.equals(bytes))
        expect(v, `read ${reads}: ${bytes.length} bytes`).not.toBe(-1)
        seen.add(v)
        if (v !== last) [changes, last] = [changes + 1, v]
        reads++
      }
    }
    expect([...seen].sort()).toEqual([0, 1])
  })
})
