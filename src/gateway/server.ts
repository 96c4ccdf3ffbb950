import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, STATUS_CODES } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer } from 'ws'
import type { Config } from '../config/schema.js'
import type { Logger } from '../log/logger.js'
import { type RefusalCounter, Refusals } from '../log/refusals.js'
import type { PaymentsApi } from '../payments/api.js'
import { CLOSE, MAX_FRAME_BYTES } from '../protocol/codes.js'
import type { ProviderStatus } from '../protocol/daemon-frames.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import { type HotPathTrace, NO_TRACE } from '../shared/hot-path-trace.js'
import type { Component, ListenInfo } from '../shared/lifecycle.js'
import type { ProviderHealth } from '../vipps/api.js'
import { AddressAdmission } from './admission.js'
import { TillAuthenticator } from './auth.js'
import { TillSession } from './session.js'
import { decideUpgrade, normaliseOrigin, type UpgradePolicy } from './upgrade.js'

export type GatewayConfig = Config['gateway']

export interface GatewayDeps {
  config: GatewayConfig
  /** Till id → SHA-256 (hex) of its token (Secrets.tillTokenHashes). */
  tillTokenHashes: ReadonlyMap<string, string>
  /** Till id → SHA-256 of its previous token during a rotation (Secrets.previousTillTokenHashes). */
  previousTillTokenHashes?: ReadonlyMap<string, string>
  payments: PaymentsApi
  /** Drives `welcome.provider` and `status` frames; without it the provider is always `ok`. */
  provider?: ProviderHealth
  /** Told to tills in `provider.kind`, so a till can say when no money moves. */
  providerKind?: 'vipps' | 'simulator'
  clock: Clock
  log: Logger
  /** Counts each refusal in the metrics (tillbridge_refusals_total). */
  countRefusal?: RefusalCounter
  /** Stamps each sale's hot path (frame parsed, `pending` written); default: off. */
  trace?: HotPathTrace
}

/** How often Node looks for requests past headersTimeoutMs (its default is 30 s). */
const TIMEOUT_CHECK_MS = 500

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
  /** Connections still waiting for hello, oldest first (a Set keeps insertion order). */
  readonly #anonymous = new Set<TillSession>()
  #addresses: AddressAdmission | undefined
  #refusals: Refusals | undefined
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
      auth: new TillAuthenticator(this.#deps.tillTokenHashes, this.#deps.previousTillTokenHashes),
    }
    const addresses = new AddressAdmission(config, this.#deps.clock)
    const refusals = new Refusals({
      listener: 'gateway',
      log,
      clock: this.#deps.clock,
      ...(this.#deps.countRefusal ? { count: this.#deps.countRefusal } : {}),
    })
    this.#addresses = addresses
    this.#refusals = refusals
    const options = { connectionsCheckingInterval: TIMEOUT_CHECK_MS }
    const server = config.tls
      ? createHttpsServer({
          ...options,
          cert: readFileSync(config.tls.certFile),
          key: readFileSync(config.tls.keyFile),
        })
      : createHttpServer(options)
    server.maxHeadersCount = 64
    server.headersTimeout = config.headersTimeoutMs
    server.requestTimeout = config.headersTimeoutMs
    // Every socket, upgraded or not, counts here: room for the tills, the hello pool, and a margin.
    server.maxConnections = config.maxConnections + config.maxAnonymous + config.maxSocketsPerAddress
    server.on('drop', (data) => refusals.refuse('server_full', { remote: data?.remoteAddress }))
    server.on('connection', (socket: Socket) => {
      const remote = socket.remoteAddress ?? 'unknown'
      if (!addresses.opened(remote)) {
        refusals.refuse('address_sockets', { remote })
        socket.destroy()
        return
      }
      socket.once('close', () => addresses.closed(remote))
    })
    server.on('request', (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' }).end('tills connect with WebSocket\n')
    })
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(req, socket, head))
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        refusals.refuse('headers_timeout', { remote: (socket as Socket).remoteAddress })
      }
      socket.destroy()
    })
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
    const addresses = this.#addresses
    const refusals = this.#refusals
    if (!policy || !wss || !addresses || !refusals) return void socket.destroy()
    const remote = req.socket.remoteAddress ?? 'unknown'
    const facts = { remote, origin: req.headers.origin }
    const wait = addresses.backoffLeft(remote)
    if (wait > 0) {
      refusals.refuse('auth_backoff', facts)
      refuse(socket, 429, `too many failed authentications; try again in ${Math.ceil(wait / 1000)} s`)
      return
    }
    const decision = decideUpgrade(req, policy, { stopping: this.#stopping })
    if (!decision.accept) {
      if (decision.status === 401) addresses.failed(remote)
      const why = { why: decision.reason, status: decision.status, ...facts }
      refusals.refuse(`upgrade_${decision.status}`, why, 'till upgrade refused')
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
        refusals,
        admit: (tillId) => this.#admit(tillId),
        onAuthFailed: () => addresses.failed(remote),
        trace: this.#deps.trace ?? NO_TRACE,
        onReady: (s) => {
          addresses.succeeded(remote)
          this.#register(s)
        },
        onClosed: (s) => this.#unregister(s),
      })
      this.#sessions.add(session)
      if (decision.tillId === undefined) this.#addAnonymous(session)
      session.start()
      if (this.#stopping) session.close(CLOSE.GOING_AWAY, 'daemon stopping')
    })
  }

  /**
   * The hello pool is small and never refuses a newcomer: when it is full the oldest waiting
   * socket goes. A real till says hello within a round trip, so holding sockets open cannot keep
   * it out; a till that authenticates in the upgrade header never enters the pool at all.
   */
  #addAnonymous(session: TillSession): void {
    const { maxAnonymous } = this.#deps.config
    this.#anonymous.add(session)
    for (const oldest of this.#anonymous) {
      if (this.#anonymous.size <= maxAnonymous) break
      this.#anonymous.delete(oldest)
      this.#refusals?.refuse('anonymous_evicted', {})
      // Not 4401: the till's token may be fine, so it must reconnect rather than give up.
      oldest.close(CLOSE.TRY_AGAIN_LATER, 'too many connections waiting for hello')
    }
  }

  /** Room for one more authenticated connection of this till? Its own older ones make room. */
  #admit(tillId: string): string | undefined {
    const { maxConnections, maxConnectionsPerTill } = this.#deps.config
    const own = this.#byTill.get(tillId)?.size ?? 0
    if (own >= maxConnectionsPerTill) return undefined
    let total = 0
    for (const set of this.#byTill.values()) total += set.size
    return total >= maxConnections ? `gateway.maxConnections (${maxConnections}) reached` : undefined
  }

  /** Newest wins: past gateway.maxConnectionsPerTill the till's oldest connection is closed. */
  #register(session: TillSession): void {
    this.#anonymous.delete(session)
    const tillId = session.tillId as string
    let set = this.#byTill.get(tillId)
    if (!set) {
      set = new Set()
      this.#byTill.set(tillId, set)
    }
    set.add(session)
    for (const oldest of set) {
      if (set.size <= this.#deps.config.maxConnectionsPerTill) break
      set.delete(oldest)
      this.#refusals?.refuse('till_cap_replaced', { tillId })
      oldest.close(CLOSE.POLICY, 'replaced by a newer connection of this till')
    }
  }

  #unregister(session: TillSession): void {
    this.#sessions.delete(session)
    this.#anonymous.delete(session)
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
    const { provider, providerKind } = this.#deps
    const kind = providerKind === undefined ? {} : { kind: providerKind }
    if (!provider) return { state: 'ok', ...kind }
    return provider.detail === undefined
      ? { state: provider.state, ...kind }
      : { state: provider.state, detail: provider.detail, ...kind }
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
