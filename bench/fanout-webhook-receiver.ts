/**
 * The webhook receiver for bench/fanout-webhooks.ts, in its own process so it never shares an
 * event loop with the sender it measures: answers every POST 204 once its body is in, counts it,
 * and keeps the distinct `webhook-id`s (a resend shows as a repeat). Reports over IPC.
 *
 * Run by bench/fanout-webhooks.ts (forked); prints nothing.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

let count = 0
let firstAt = 0
let lastAt = 0
let connections = 0
const ids = new Set<string>()
const server = createServer((req, res) => {
  req.on('data', () => {})
  req.on('end', () => {
    const now = performance.now()
    if (count === 0) firstAt = now
    lastAt = now
    count++
    const id = req.headers['webhook-id']
    if (typeof id === 'string') ids.add(id)
    res.writeHead(204).end()
  })
})
server.keepAliveTimeout = 30_000
server.on('connection', () => connections++)

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port })
})

process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    const u = process.cpuUsage()
    process.send?.({
      type: 'stats',
      count,
      connections,
      distinct: ids.size,
      firstAt,
      lastAt,
      cpuSeconds: (u.user + u.system) / 1e6,
    })
  } else if (m.type === 'reset') {
    count = firstAt = lastAt = connections = 0
    ids.clear()
    process.send?.({ type: 'reset' })
  } else if (m.type === 'stop') {
    server.closeAllConnections()
    server.close(() => process.exit(0))
    setTimeout(() => process.exit(0), 1000).unref()
  }
})
process.on('disconnect', () => process.exit(0))
