/**
 * The SMTP sink for bench/fanout.ts, in its own process so it never shares an event loop with
 * the sender it measures: accepts every message, counts it, discards it. Reports over IPC.
 *
 * Run by bench/fanout.ts (forked); prints nothing.
 */
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

let count = 0
let firstAt = 0
let lastAt = 0
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 1000,
  onData(stream, _session, callback) {
    stream.on('data', () => {})
    stream.on('end', () => {
      const now = performance.now()
      if (count === 0) firstAt = now
      lastAt = now
      count++
      callback()
    })
  },
})

server.on('error', () => {})
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.server.address() as AddressInfo).port })
})

process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    const u = process.cpuUsage()
    process.send?.({ type: 'stats', count, firstAt, lastAt, cpuSeconds: (u.user + u.system) / 1e6 })
  } else if (m.type === 'reset') {
    count = firstAt = lastAt = 0
    process.send?.({ type: 'reset' })
  } else if (m.type === 'stop') {
    server.close(() => process.exit(0))
    setTimeout(() => process.exit(0), 1000).unref()
  }
})
process.on('disconnect', () => process.exit(0))
