import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { Logger } from '../log/logger.js'
import { Refusals } from '../log/refusals.js'
import type { Clock } from '../shared/clock.js'
import type { Component, ListenInfo } from '../shared/lifecycle.js'
import { adminTokenMatches } from './admin-auth.js'
import type { DaemonMetrics } from './metrics.js'
import { STATUS_PAGE_HTML } from './status-page.js'
import { type StatusSources, takeSnapshot } from './status-snapshot.js'

export interface AdminServerOptions {
  host: string
  port: number
  /** SHA-256 of the admin token; without one only /healthz answers. */
  tokenSha256: string | undefined
  sources: StatusSources
  metrics: DaemonMetrics
  log: Logger
  clock: Clock
  /** Serve https:// with this certificate (admin.tls). */
  tls?: { certFile: string; keyFile: string } | undefined
  /** Sockets open at once; more are dropped (admin.maxConnections). */
  maxConnections: number
  /** Time a request has to arrive whole (admin.headersTimeoutMs). */
  headersTimeoutMs: number
}

/** How often Node looks for requests past their timeout (its default is 30 s). */
const TIMEOUT_CHECK_MS = 500

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
}

/**
 * The admin HTTP server for technicians and monitoring, on its own port (127.0.0.1 by default):
 * /healthz (no token: liveness only), and with the admin token /readyz, /metrics, the status page
 * (/ or /status) and its data (/status.json).
 */
export class AdminServer implements Component {
  readonly name = 'admin'
  readonly #o: AdminServerOptions
  #server: Server | undefined
  #refusals: Refusals | undefined

  constructor(options: AdminServerOptions) {
    this.#o = options
  }

  get url(): string | undefined {
    const address = this.#server?.address() as AddressInfo | null | undefined
    return address ? `${this.#o.tls ? 'https' : 'http'}://${this.#o.host}:${address.port}` : undefined
  }

  listening(): ListenInfo[] {
    const url = this.url
    return url ? [{ name: 'admin', url }] : []
  }

  async start(): Promise<void> {
    const { tls, log, clock, metrics } = this.#o
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((err: unknown) => {
        log.error('admin request failed', { err, path: req.url })
        if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }))
      })
    }
    const options = { connectionsCheckingInterval: TIMEOUT_CHECK_MS }
    const server = tls
      ? createHttpsServer({ ...options, cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
      : createServer(options, handler)
    // Half-sent requests must not pile up until the daemon runs out of file descriptors.
    const refusals = new Refusals({ listener: 'admin', log, clock, count: (l, r) => metrics.countRefusal(l, r) })
    server.headersTimeout = this.#o.headersTimeoutMs
    server.requestTimeout = this.#o.headersTimeoutMs
    server.maxConnections = this.#o.maxConnections
    server.on('drop', (data) => refusals.refuse('server_full', { remote: data?.remoteAddress }))
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        refusals.refuse('headers_timeout', { remote: (socket as Socket).remoteAddress })
      }
      socket.destroy()
    })
    this.#refusals = refusals
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#o.port, this.#o.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
  }

  async stop(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://admin').pathname
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'application/json', JSON.stringify({ error: 'method not allowed' }), { allow: 'GET, HEAD' })
      return
    }
    if (path === '/healthz') {
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }))
      return
    }
    const known = ['/', '/status', '/status.json', '/readyz', '/metrics']
    if (!known.includes(path)) {
      send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }))
      return
    }
    if (!adminTokenMatches(req.headers.authorization, this.#o.tokenSha256)) {
      this.#refusals?.refuse('unauthorized', { remote: req.socket.remoteAddress })
      const why = this.#o.tokenSha256 ? 'admin token required' : 'no admin token is configured (admin.token)'
      send(res, 401, 'application/json', JSON.stringify({ error: why }), {
        'www-authenticate': 'Basic realm="tillbridge", charset="UTF-8"',
      })
      return
    }
    switch (path) {
      case '/readyz': {
        const ready = this.#o.sources.ready()
        send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready }))
        return
      }
      case '/metrics':
        send(res, 200, this.#o.metrics.registry.contentType, await this.#o.metrics.text())
        return
      case '/status.json':
        send(res, 200, 'application/json', JSON.stringify(takeSnapshot(this.#o.sources)))
        return
      default:
        send(res, 200, 'text/html; charset=utf-8', STATUS_PAGE_HTML)
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra })
  res.end(body)
}
