import { setMaxListeners } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { TillbridgeError } from '../shared/errors.js'
import type { Component, ListenInfo } from '../shared/lifecycle.js'
import { AccessTokens } from './access-tokens.js'
import { addControlRoutes } from './control-routes.js'
import { addEpaymentRoutes } from './epayment-routes.js'
import { Faults } from './faults.js'
import { problemAnswer, traceId } from './guards.js'
import { type Answer, header, json, readBody, type SimRequest, writeAnswer } from './http-io.js'
import { IdempotencyStore } from './idempotency.js'
import { Ledger } from './ledger.js'
import { addMerchantRoutes } from './merchant-routes.js'
import { controlAllowed, type ResolvedOptions, resolveOptions, type SimulatorOptions } from './options.js'
import { PaymentLife } from './payment-life.js'
import { addQrRoutes, PersonalQrCodes } from './personal-qr.js'
import { Prng } from './prng.js'
import { problems, VippsProblem } from './problem.js'
import { RateLimiter } from './rate-limit.js'
import { recordRequest, type Verdict } from './recorder.js'
import { operationOf, Refusals, refusalAnswer } from './refusals.js'
import { RequestLog } from './request-log.js'
import { Router } from './router.js'
import { SimClock } from './sim-clock.js'
import type { SimState } from './sim-state.js'
import { WebhookDelivery } from './webhook-delivery.js'
import { WebhookRegistry } from './webhook-registry.js'

/**
 * The Vipps MobilePay simulator: a strict HTTP server for the Access Token, ePayment,
 * Management and Webhooks APIs, plus a control API under /_sim. Built with no I/O; it listens
 * in start() and closes every socket and timer in stop().
 */
export class Simulator implements Component {
  readonly name = 'simulator'
  readonly #options: ResolvedOptions
  readonly #state: SimState
  readonly #vipps = new Router()
  readonly #control = new Router()
  #server: Server | undefined
  #url: string | undefined
  #stopping = new AbortController()

  constructor(options: SimulatorOptions) {
    const o = resolveOptions(options)
    this.#options = o
    const clock = new SimClock(o.clock)
    const ids = new Prng(o.seed)
    const credentials = structuredClone(o.credentials)
    const registry = new WebhookRegistry()
    const deliveries = new WebhookDelivery({ clock, fetch: o.fetch, registry, log: o.log })
    this.#state = {
      options: o,
      log: o.log,
      clock,
      ids,
      tokens: new AccessTokens({ clock, credentials: () => credentials, ttlSeconds: o.tokenTtlSeconds }),
      ledger: new Ledger(),
      life: new PaymentLife({
        clock,
        ids,
        approveDelayMs: o.approveDelayMs,
        expiryMs: o.expiryMs,
        autoScanAfterMs: o.autoScanAfterMs,
        onEvent: (payment, event) => deliveries.enqueue(payment, event),
      }),
      idempotency: new IdempotencyStore(),
      rateLimiter: new RateLimiter(o.rateLimitScale),
      salesUnits: new Map(o.salesUnits.map((u) => [u.msn, structuredClone(u)])),
      credentials,
      webhooks: registry,
      deliveries,
      faults: new Faults(o.seed),
      refusals: new Refusals(),
      requests: new RequestLog(o.requestLogLimit),
      personalQrs: new PersonalQrCodes(),
      baseUrl: () => this.baseUrl,
    }
    this.#vipps.add('POST', '/accesstoken/get', (req) => this.#state.tokens.issue(req))
    addEpaymentRoutes(this.#vipps, this.#state)
    addMerchantRoutes(this.#vipps, this.#state)
    addControlRoutes(this.#control, this.#state)
    addQrRoutes(this.#vipps, this.#control, this.#state)
  }

  /** `http://host:port`, valid once started. */
  get baseUrl(): string {
    if (!this.#url) throw new TillbridgeError('INTERNAL', 'the simulator has not been started')
    return this.#url
  }

  /** The simulator's time; tests may advance it directly instead of through POST /_sim/clock. */
  get clock(): SimClock {
    return this.#state.clock
  }

  async start(): Promise<void> {
    this.#stopping = new AbortController()
    // Every request delayed by a latency fault listens on it: dozens at once are normal, not a leak.
    setMaxListeners(0, this.#stopping.signal)
    this.#state.deliveries.start()
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#options.log.error('simulator request failed', { err, path: req.url })
        if (!res.headersSent) writeAnswer(res, { status: 500 })
        else res.destroy()
      })
    })
    server.on('clientError', (_err, socket) => socket.destroy())
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    const { port } = server.address() as AddressInfo
    this.#url = `http://${urlHost(this.#options.host)}:${port}`
    this.#options.log.info('simulator listening', { url: this.#url })
  }

  async stop(): Promise<void> {
    this.#stopping.abort()
    this.#state.deliveries.stop()
    this.#state.clock.clearAll()
    this.#state.life.forgetTimers()
    const server = this.#server
    this.#server = undefined
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }

  listening(): ListenInfo[] {
    return this.#url && this.#server ? [{ name: 'simulator', url: this.#url }] : []
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid')
    const rawBody = await readBody(req)
    const simReq: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody: rawBody ?? '',
      params: {},
    }
    if (simReq.path === '/_sim' || simReq.path.startsWith('/_sim/')) {
      if (!controlAllowed(req.socket.remoteAddress, this.#options.controlFromAnyAddress)) {
        const error = 'the control API answers only on loopback (simulator.controlFromAnyAddress allows more)'
        this.#send(res, json(403, { error }))
        return
      }
      this.#send(res, rawBody === undefined ? this.#tooLarge(simReq) : await this.#route(this.#control, simReq))
      return
    }
    const verdict = await this.#vippsAnswer(simReq, rawBody === undefined)
    recordRequest(this.#state, simReq, verdict)
    if (verdict.kind === 'drop') {
      res.socket?.destroy()
      return
    }
    this.#send(res, verdict.answer)
  }

  /** Dated by the simulator's own clock, as Vipps dates its answers, so `doctor` can see a skew. */
  #send(res: ServerResponse, answer: Answer): void {
    res.setHeader('date', new Date(this.#state.clock.now()).toUTCString())
    writeAnswer(res, answer)
  }

  /** Faults first (each draw in a fixed order), then the route; see faults.ts. */
  async #vippsAnswer(req: SimRequest, tooLarge: boolean): Promise<Verdict> {
    const { faults } = this.#state
    const decision = faults.decide(req.path)
    if (decision.latencyMs > 0)
      await this.#options.clock.sleep(decision.latencyMs, this.#stopping.signal).catch(() => {})
    const fault = decision.action === 'none' ? undefined : decision.action
    switch (decision.action) {
      case 'dropBefore':
        return { kind: 'drop', outcome: 'dropped-before', fault: 'dropBefore' }
      case 'tokenOutage':
        return this.#faultAnswer(
          req,
          new VippsProblem(503, 'Service Unavailable', { detail: 'Token service outage' }),
          fault,
        )
      case 'error':
        return this.#faultAnswer(req, new VippsProblem(faults.errorStatus, statusTitle(faults.errorStatus)), fault)
      case 'rateLimit':
        return this.#faultAnswer(
          req,
          new VippsProblem(429, 'Too Many Requests', { headers: { 'retry-after': String(faults.retryAfterSeconds) } }),
          fault,
        )
      default:
        break
    }
    const scripted = this.#scriptedRefusal(req)
    if (scripted) return { kind: 'answer', answer: scripted, fault: 'refusal' }
    const answer = tooLarge ? this.#tooLarge(req) : await this.#route(this.#vipps, req)
    if (decision.action === 'dropAfter') return { kind: 'drop', outcome: 'dropped-after', fault: 'dropAfter' }
    return { kind: 'answer', answer }
  }

  /** A refusal scripted through /_sim/refusals: answered as Vipps shapes it, nothing done. */
  #scriptedRefusal(req: SimRequest): Answer | undefined {
    // A request repeated under a key Vipps already answered gets that answer again, as at Vipps:
    // the idempotency replay comes before anything else could refuse it.
    const key = header(req, 'idempotency-key')
    const msn = header(req, 'merchant-serial-number')
    if (key && msn && this.#state.idempotency.has(msn, key)) return undefined
    const armed = this.#state.refusals.take(req)
    const operation = armed && operationOf(req)?.operation
    if (!armed || !operation) return undefined
    return refusalAnswer(
      armed,
      operation,
      (p) => problemAnswer(this.#state, p, req.path),
      () => traceId(this.#state),
    )
  }

  #faultAnswer(req: SimRequest, problem: VippsProblem, fault: string | undefined): Verdict {
    return { kind: 'answer', answer: problemAnswer(this.#state, problem, req.path), ...(fault ? { fault } : {}) }
  }

  async #route(router: Router, req: SimRequest): Promise<Answer> {
    const match = router.match(req.method, req.path)
    try {
      if (match.kind === 'none') throw problems.notFound(`No such endpoint: ${req.method} ${req.path}`)
      if (match.kind === 'wrong-method') {
        throw new VippsProblem(405, 'Method Not Allowed', { headers: { allow: match.allowed.join(', ') } })
      }
      return await match.handler({ ...req, params: match.params })
    } catch (err) {
      if (err instanceof VippsProblem) return problemAnswer(this.#state, err, req.path)
      throw err
    }
  }

  #tooLarge(req: SimRequest): Answer {
    return problemAnswer(this.#state, new VippsProblem(413, 'Payload Too Large'), req.path)
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

function statusTitle(status: number): string {
  const titles: Record<number, string> = {
    423: 'Locked',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  }
  return titles[status] ?? 'Error'
}
