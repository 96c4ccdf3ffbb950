import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, STATUS_CODES } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer } from 'ws'
import type { Config } from '../config/schema.js'
import type { Logger } from '../log/logger.js'
import type { PaymentsApi } from '../payments/api.js'
import { CLOSE, MAX_FRAME_BYTES, type ProviderStatus } from '../protocol/index.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import type { Component, ListenInfo } from '../shared/lifecycle.js'
import type { ProviderHealth } from '../vipps/api.js'
import { TillAuthenticator } from './auth.js'
import { TillSession } from './session.js'
import { decideUpgrade, normaliseOrigin, type UpgradePolicy } from './upgrade.js'

export type GatewayConfig = Config['gateway']

export interface GatewayDeps {
  config: GatewayConfig
  /** Till id → SHA-256 (hex) of its token (Secrets.tillTokenHashes). */
  tillTokenHashes: ReadonlyMap<string, string>
  payments: PaymentsApi
  /** Drives `welcome.provider` and `status` frames; without it the provider is always `ok`. */
  provider?: ProviderHealth
  clock: Clock
  log: Logger
}

/** How long stop() waits for tills to close after 1001 before cutting them off. */
const STOP_GRACE_MS = 1000
/** How long stop() waits for requests already taken to be answered before saying 1001. */
const ANSWER_GRACE_MS = 2000

/**
 * The tills' WebSocket endpoint. The HTTP upgrade is decided before any WebSocket exists
 * (path, Origin, Authorization, connection cap); then each connection is a TillSession.
 * Live events from the payments engine are routed to every connection of their till.
 */
export class TillGateway implements Component {
  readonly name = 'gateway'
  readonly #deps: GatewayDeps
  #server: Server | undefined
  #wss: WebSocketServer | undefined
  #policy: UpgradePolicy | undefined
  readonly #sessions = new Set<TillSession>()
  readonly #byTill = new Map<string, Set<TillSession>>()
  #unsubscribe: Array<() => void> = []
  #heartbeat: TimerHandle | undefined
  #stopping = false
  #drainWaiters: Array<() => void> = []

  constructor(deps: GatewayDeps) {
    this.#deps = deps
  }

  async start(): Promise<void> {
    const { config, log, payments, provider } = this.#deps
    this.#stopping = false
    this.#policy = {
      path: config.path,
      allowedOrigins: new Set(config.allowedOrigins.map(normaliseOrigin)),
      auth: new TillAuthenticator(this.#deps.tillTokenHashes),
      maxConnections: config.maxConnections,
    }
    const server = config.tls
      ? createHttpsServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) })
      : createHttpServer()
    server.maxHeadersCount = 64
    server.headersTimeout = 10_000
    server.requestTimeout = 10_000
    server.on('request', (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' }).end('tills connect with WebSocket\n')
    })
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(req, socket, head))
    server.on('clientError', (_err, socket) => socket.destroy())
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
    })
    wss.on('error', (err) => log.warn('websocket server error', { err: err.message }))
    this.#server = server
    this.#wss = wss
    this.#unsubscribe.push(payments.onEvent((tillId, event) => this.#forTill(tillId, (s) => s.offer(event))))
    if (provider) this.#unsubscribe.push(provider.onChange(() => this.#broadcastStatus()))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', (err) => log.error('gateway server error', { err }))
    this.#armHeartbeat()
  }

  async stop(): Promise<void> {
    this.#stopping = true
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe()
    if (this.#heartbeat) this.#deps.clock.clearTimeout(this.#heartbeat)
    const server = this.#server
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve()
    // Requests from now on get UNAVAILABLE; those already taken are answered before the 1001.
    await this.#within(Promise.all([...this.#sessions].map((s) => s.beginStop())), ANSWER_GRACE_MS)
    for (const session of this.#sessions) session.close(CLOSE.GOING_AWAY, 'daemon stopping')
    await this.#allClosed(STOP_GRACE_MS)
    for (const session of this.#sessions) session.terminate()
    this.#wss?.close()
    server?.closeAllConnections()
    await closed
    this.#server = undefined
    this.#wss = undefined
  }

  /** The bound address (tests use port 0). */
  address(): AddressInfo {
    const address = this.#server?.address()
    if (!address || typeof address === 'string') throw new Error('gateway not listening')
    return address
  }

  listening(): ListenInfo[] {
    if (!this.#server?.listening) return []
    const { address, port } = this.address()
    const host = address.includes(':') ? `[${address}]` : address
    return [
      { name: 'gateway', url: `${this.#deps.config.tls ? 'wss' : 'ws'}://${host}:${port}${this.#deps.config.path}` },
    ]
  }

  /** Every configured till with its number of authenticated connections (for the status page). */
  tillStatus(): Array<{ id: string; connections: number }> {
    return [...this.#deps.tillTokenHashes.keys()].map((id) => ({ id, connections: this.#byTill.get(id)?.size ?? 0 }))
  }

  /** Connections open now (authenticated or not). */
  get connections(): number {
    return this.#sessions.size
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const { log } = this.#deps
    socket.on('error', (err) => log.debug('till upgrade socket error', { err: err.message }))
    const policy = this.#policy
    const wss = this.#wss
    if (!policy || !wss) return void socket.destroy()
    const decision = decideUpgrade(req, policy, { connections: this.#sessions.size, stopping: this.#stopping })
    const facts = { remote: req.socket.remoteAddress, origin: req.headers.origin }
    if (!decision.accept) {
      log.warn('till upgrade refused', { status: decision.status, reason: decision.reason, ...facts })
      refuse(socket, decision.status, decision.reason)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session: TillSession = new TillSession({
        ws,
        headerTillId: decision.tillId,
        auth: policy.auth,
        payments: this.#deps.payments,
        provider: () => this.#providerStatus(),
        clock: this.#deps.clock,
        log,
        limits: this.#deps.config,
        onReady: (s) => this.#register(s),
        onClosed: (s) => this.#unregister(s),
      })
      this.#sessions.add(session)
      session.start()
      if (this.#stopping) session.close(CLOSE.GOING_AWAY, 'daemon stopping')
    })
  }

  #register(session: TillSession): void {
    const tillId = session.tillId as string
    let set = this.#byTill.get(tillId)
    if (!set) {
      set = new Set()
      this.#byTill.set(tillId, set)
    }
    set.add(session)
  }

  #unregister(session: TillSession): void {
    this.#sessions.delete(session)
    if (this.#sessions.size === 0) for (const resolve of this.#drainWaiters.splice(0)) resolve()
    const tillId = session.tillId
    if (tillId === undefined) return
    const set = this.#byTill.get(tillId)
    set?.delete(session)
    if (set?.size === 0) this.#byTill.delete(tillId)
  }

  #forTill(tillId: string, fn: (session: TillSession) => void): void {
    const set = this.#byTill.get(tillId)
    if (!set) return
    for (const session of set) {
      try {
        fn(session)
      } catch (err) {
        this.#deps.log.error('event delivery failed', { tillId, err })
      }
    }
  }

  #providerStatus(): ProviderStatus {
    const provider = this.#deps.provider
    if (!provider) return { state: 'ok' }
    return provider.detail === undefined
      ? { state: provider.state }
      : { state: provider.state, detail: provider.detail }
  }

  #broadcastStatus(): void {
    const status = this.#providerStatus()
    for (const session of this.#sessions) session.status(status)
  }

  /** Pings every connection; one that did not answer the previous ping is cut off. */
  #armHeartbeat(): void {
    const { heartbeatMs } = this.#deps.config
    if (heartbeatMs === 0 || this.#stopping) return
    this.#heartbeat = this.#deps.clock.setTimeout(() => {
      for (const session of this.#sessions) session.heartbeat()
      this.#armHeartbeat()
    }, heartbeatMs)
    this.#heartbeat.unref()
  }

  /** Resolves when every connection has closed, or after `timeoutMs`. */
  async #allClosed(timeoutMs: number): Promise<void> {
    if (this.#sessions.size === 0) return
    await this.#within(new Promise<void>((resolve) => this.#drainWaiters.push(resolve)), timeoutMs)
  }

  async #within(done: Promise<unknown>, timeoutMs: number): Promise<void> {
    const abort = new AbortController()
    await Promise.race([done, this.#deps.clock.sleep(timeoutMs, abort.signal).catch(() => {})])
    abort.abort()
  }
}

function refuse(socket: Socket, status: number, reason: string): void {
  const body = `${reason}\n`
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
