/**
 * Baseline for bench/serve.ts: the least a Node server can do to answer GET / with the published
 * page: node:http, the file read and gzipped (level 6) once at start, fixed headers (the same ones
 * api/static.node.ts sends), no per-request stat, no Request/Response objects, no routing.
 * It shows how much of the gap to nginx is Node itself and how much is the app's request path.
 *
 * Run: node bench/lib/raw-static.ts FILE PORT   (prints "listening" once ready)
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { gzipSync } from 'node:zlib'

const [file, portArg] = process.argv.slice(2)
if (!file || !portArg) {
  console.error('Usage: node bench/lib/raw-static.ts FILE PORT')
  process.exit(2)
}
const body = readFileSync(file)
const gzip = gzipSync(body, { level: 6 })
const common = {
  'content-type': 'text/html; charset=utf-8',
  etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
  'cache-control': 'public, max-age=10, stale-while-revalidate=60, stale-if-error=86400',
  vary: 'Accept-Encoding',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}
const gzipHeaders = { ...common, 'content-encoding': 'gzip', 'content-length': String(gzip.length) }
const plainHeaders = { ...common, 'content-length': String(body.length) }

const server = createServer((req, res) => {
  if (req.url !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404).end()
    return
  }
  const gz = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
  res.writeHead(200, gz ? gzipHeaders : plainHeaders)
  res.end(req.method === 'HEAD' ? undefined : gz ? gzip : body)
})
server.listen(Number(portArg), '127.0.0.1', () => console.log('listening'))
process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
