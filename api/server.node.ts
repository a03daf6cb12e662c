import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { Health } from './health.ts'
import { UNAVAILABLE_BODY } from './errors.ts'
import { NOSNIFF } from './http/security-headers.ts'
import type { Logger } from './log.ts'
import { createStaticCache, createStaticFiles, notFoundPage } from './static.node.ts'

/** What the handler needs of the app: the Hono app, or a stand-in while the database is away. */
export interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>
}

/**
 * The app while the database cannot be reached at start: /healthz says so, everything else that
 * needs the database answers 503 in the one error shape. Published files are still served.
 */
export function unavailableApp(health: Health): FetchApp {
  return {
    fetch(request) {
      if (new URL(request.url).pathname === '/healthz') {
        return Response.json(health.report(), { status: 503 })
      }
      return Response.json(UNAVAILABLE_BODY, { status: 503, headers: { 'retry-after': '5' } })
    },
  }
}

/**
 * The Node server's request handler. Reads of the public site are the published static files;
 * everything else (the management API, the subscriber pages, form posts) is the live app. The
 * v2 JSON is answered live and falls back to its published copy when the database is
 * unavailable, so customers keep getting the last known state (fault isolation).
 */
export function createNodeHandler(app: FetchApp, publicDir: string) {
  const files = createStaticFiles(publicDir)
  return async function handle(request: Request, env?: unknown): Promise<Response> {
    let res: Response
    try {
      res = await route(request, env)
    } catch (err) {
      // A file that cannot be read now (no handles left, disk error): 503, and try again later.
      if (!isIoError(err)) throw err
      res = Response.json(UNAVAILABLE_BODY, { status: 503, headers: { 'retry-after': '1' } })
    }
    // Every answer says nosniff, whoever made it: the app, the files, the 404 page, a stand-in.
    res.headers.set('x-content-type-options', NOSNIFF['x-content-type-options'])
    return res
  }
  async function route(request: Request, env?: unknown): Promise<Response> {
    const path = new URL(request.url).pathname
    if (path.startsWith('/api/v2/')) {
      const live = await app.fetch(request, env)
      if (live.status < 500) return live
      return files(request) ?? live
    }
    if (!path.startsWith('/api/')) {
      const file = files(request)
      if (file) return file
    }
    const res = await app.fetch(request, env)
    if (
      res.status === 404 &&
      !path.startsWith('/api/') &&
      (request.method === 'GET' || request.method === 'HEAD')
    ) {
      return notFoundPage(publicDir, path) ?? res
    }
    return res
  }
}

/**
 * The Node server's listener: published files are answered straight from the cache with
 * node:http (no Request/Response objects: this is the hot path of a status page in an outage);
 * everything else goes through `handle` (Hono, the API, the dynamic pages).
 */
export function createNodeListener(
  publicDir: string,
  handle: (request: Request, env?: unknown) => Promise<Response>,
  files = createStaticCache(publicDir, { revalidateMs: 100 }),
) {
  const { lookup } = files
  const slow = getRequestListener(handle)
  return function listener(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/'
    if ((req.method === 'GET' || req.method === 'HEAD') && !url.startsWith('/api/')) {
      const q = url.indexOf('?')
      const path = q === -1 ? url : url.slice(0, q)
      let hit
      try {
        hit = lookup(
          path,
          q === -1 ? '' : url.slice(q),
          String(req.headers['accept-encoding'] ?? ''),
          req.headers['if-none-match'] ?? null,
        )
      } catch {
        // Not even the last known version is in memory, and the file cannot be read now.
        res.writeHead(503, {
          ...NOSNIFF,
          'content-type': 'text/plain; charset=utf-8',
          'retry-after': '1',
          'cache-control': 'no-store',
        })
        res.end('Temporarily unavailable; try again in a moment.\n')
        return
      }
      if (hit) {
        res.writeHead(hit.status, hit.headers)
        res.end(req.method === 'GET' && hit.status === 200 ? hit.body : undefined)
        return
      }
    }
    void slow(req, res)
  }
}

/**
 * An error from the operating system (EMFILE, ENOSPC, EIO…) or from the database's storage or
 * connection (SQLITE_IOERR, a remote server gone), as opposed to a bug.
 */
export function isIoError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | null
  const code = String(e?.code ?? '')
  return (
    typeof e?.syscall === 'string' ||
    /^E[A-Z0-9]+$/.test(code) ||
    /^(SQLITE_(BUSY|CANTOPEN|IOERR|FULL|READONLY|LOCKED)|HRANA_|SERVER_ERROR|CLIENT_CLOSED)/.test(
      code,
    )
  )
}

/** The soft limit on open files (Linux), which bounds sockets and files together. */
export function openFileLimit(): number {
  try {
    const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    const soft = line?.[1]
    if (soft === 'unlimited') return 1 << 20
    if (soft && Number(soft) > 0) return Number(soft)
  } catch {
    // Not Linux: assume the common default.
  }
  return 1024
}

/**
 * The Node HTTP server, bounded against connection floods. Sockets may use three quarters of the
 * process's file handles, less a reserve for the database, the publisher and the published
 * files. Past that, a new connection closes the connection that has been idle longest (connected
 * or kept alive without a request in flight), so thousands of idle sockets cannot lock readers
 * out; `maxConnections`, a little higher, is the hard ceiling. A client has 10 s to send its
 * headers and 30 s for the whole request; idle keep-alive sockets close after 5 s.
 */
export function createBoundedServer(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  fdLimit = openFileLimit(),
): Server {
  const server = createServer({ connectionsCheckingInterval: 1_000 }, listener)
  const soft = Math.max(16, Math.floor(fdLimit * 0.75) - 32)
  server.maxConnections = soft + 16
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  server.keepAliveTimeout = 5_000
  server.timeout = 30_000
  // Insertion order is idle-since order: the first entry has been idle longest.
  const idle = new Set<Socket>()
  let open = 0
  server.on('connection', (socket: Socket) => {
    open++
    socket.once('close', () => {
      open--
      idle.delete(socket)
    })
    if (open > soft) {
      for (const oldest of idle) {
        oldest.destroy()
        idle.delete(oldest)
        break
      }
    }
    idle.add(socket)
  })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket
    idle.delete(socket)
    res.once('close', () => {
      if (!socket.destroyed) idle.add(socket)
    })
  })
  return server
}

/**
 * The last resort: an operating-system error nobody caught (a socket or file call failing on a
 * process out of handles) is logged and reported on /healthz for a minute, and the process
 * carries on: it is serving the status page. Anything else is a bug and exits (code 1) so a
 * supervisor restarts a clean process.
 */
export function surviveIoErrors(log: Logger, health: Health): void {
  let clear: ReturnType<typeof setTimeout> | undefined
  const onError = (err: unknown) => {
    const e = err as Error
    if (!isIoError(err)) {
      log.error('uncaught error: exiting', { error: e?.message, stack: e?.stack })
      process.exit(1)
    }
    log.error('uncaught I/O error: carrying on', { error: e.message })
    health.fail('server', err)
    clearTimeout(clear)
    clear = setTimeout(() => health.set('server', 'ok'), 60_000)
    clear.unref()
  }
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
}
