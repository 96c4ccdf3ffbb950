import type { RawData, WebSocket } from 'ws'
import type { Logger } from '../log/logger.js'
import type { Refusals } from '../log/refusals.js'
import type { PaymentsApi } from '../payments/api.js'
import type { TillEvent } from '../payments/types.js'
// From its modules, not protocol/index.js: the daemon needs no JSON Schema or AsyncAPI document.
import { CLOSE, PROTOCOL_VERSION } from '../protocol/codes.js'
import type { DaemonFrame, ProviderStatus } from '../protocol/daemon-frames.js'
import type { Hello, TillFrame } from '../protocol/till-frames.js'
import { parseTillFrame } from '../protocol/validate.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import type { HotPathTrace } from '../shared/hot-path-trace.js'
import type { TillAuthenticator } from './auth.js'
import { EventStream } from './event-stream.js'
import { TokenBucket } from './rate-limit.js'
import { runRequest, toErrorFrame } from './requests.js'

export interface SessionLimits {
  helloTimeoutMs: number
  maxRequestsPerSecond: number
  maxBufferedBytes: number
}

export interface SessionDeps {
  ws: WebSocket
  /** Set when the upgrade's Authorization header authenticated the till. */
  headerTillId: string | undefined
  auth: TillAuthenticator
  payments: PaymentsApi
  provider: () => ProviderStatus
  clock: Clock
  log: Logger
  limits: SessionLimits
  /** Counts and logs (throttled) every refusal: failed hello, rate limit, flooding. */
  refusals: Refusals
  /** Asked after the token checked out, before `welcome`: a reason when there is no room. */
  admit: (tillId: string) => string | undefined
  /** A hello with a wrong or missing token, or none in time. */
  onAuthFailed: () => void
  trace: HotPathTrace
  /** Called once the till is authenticated and welcomed. */
  onReady: (session: TillSession) => void
  onClosed: (session: TillSession) => void
}

/** Time a till gets to drain its buffer after a 1008 before its socket is cut. */
const CLOSE_GRACE_MS = 2000

/**
 * One till connection: `hello` within the time limit, then `welcome`, its events in seq order,
 * and its requests. Nothing a till sends can throw out of here: bad frames get error frames,
 * abuse gets a close code, and only this connection is affected.
 */
export class TillSession {
  readonly #deps: SessionDeps
  readonly #bucket: TokenBucket
  #state: 'hello' | 'ready' | 'closed' = 'hello'
  #tillId: string | undefined
  #events: EventStream | undefined
  #helloTimer: TimerHandle | undefined
  #strikes = 0
  #flooded = false
  #ackedSeq = -1
  /** Requests taken and not yet answered. */
  readonly #inflight = new Set<Promise<void>>()
  #stopping = false
  /** Cleared by the heartbeat before each ping, set again by the pong. */
  alive = true

  constructor(deps: SessionDeps) {
    this.#deps = deps
    const rate = deps.limits.maxRequestsPerSecond
    this.#bucket = new TokenBucket(rate, rate * 2, deps.clock)
  }

  get tillId(): string | undefined {
    return this.#tillId
  }

  get ready(): boolean {
    return this.#state === 'ready'
  }

  start(): void {
    const { ws, clock, limits } = this.#deps
    ws.on('message', (data, isBinary) => {
      // A throw here would escape into ws's socket handler and take the whole daemon down.
      try {
        this.#onMessage(data, isBinary)
      } catch (err) {
        this.#send(toErrorFrame(err, undefined, this.#deps.log))
        if (this.#state !== 'ready') this.close(CLOSE.INTERNAL_ERROR, 'internal error')
      }
    })
    ws.on('pong', () => {
      this.alive = true
    })
    ws.on('close', () => this.#onClose())
    // Without this listener an oversized or malformed frame would crash the daemon (ws emits
    // 'error'); with it, ws closes just this connection (1009, 1007) and the daemon lives.
    ws.on('error', (err) => this.#deps.log.warn('till socket error', { tillId: this.#tillId, err: err.message }))
    this.#helloTimer = clock.setTimeout(() => {
      if (this.#state === 'hello') this.#refuse('no hello in time', 'hello_timeout')
    }, limits.helloTimeoutMs)
  }

  /** A live event of this session's till. */
  offer(event: TillEvent): void {
    if (this.#state === 'ready') this.#events?.offer(event)
  }

  status(provider: ProviderStatus): void {
    if (this.#state === 'ready') this.#send({ type: 'status', provider })
  }

  close(code: number, reason: string): void {
    const { ws, clock } = this.#deps
    if (ws.readyState !== ws.OPEN && ws.readyState !== ws.CONNECTING) return
    ws.close(code, reason)
    clock.setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref()
  }

  terminate(): void {
    this.#deps.ws.terminate()
  }

  /**
   * The daemon is stopping: every request from now on gets UNAVAILABLE (retryable). Resolves once
   * each request taken before has been answered, so its till learns the outcome before the 1001.
   */
  beginStop(): Promise<void> {
    this.#stopping = true
    return Promise.all([...this.#inflight]).then(() => {})
  }

  /** Called every heartbeat interval: a till that did not answer the last ping is dead. */
  heartbeat(): void {
    if (!this.alive) {
      this.#deps.log.warn('till did not answer ping', { tillId: this.#tillId })
      this.terminate()
      return
    }
    this.alive = false
    this.#deps.ws.ping()
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    // Frames still in flight from a till closed for flooding cost nothing.
    if (this.#state === 'closed' || this.#flooded) return
    if (isBinary) {
      this.#deps.log.warn('till sent a binary frame', { tillId: this.#tillId })
      this.close(CLOSE.UNSUPPORTED_DATA, 'text frames only')
      return
    }
    // ws has already checked that the text is valid UTF-8 (else it closes with 1007).
    const parsed = parseTillFrame(rawText(data))
    if (this.#state === 'hello') {
      if (parsed.ok && parsed.frame.type === 'hello') this.#onHello(parsed.frame)
      else
        this.#refuse(parsed.ok ? 'the first frame must be hello' : `the first frame must be hello: ${parsed.message}`)
      return
    }
    if (parsed.ok && parsed.frame.type === 'ack' && this.#ackAdvances(parsed.frame.seq)) {
      this.#applyAck(parsed.frame.seq)
      return
    }
    if (!this.#withinRate(parsed.ok ? parsed.frame : undefined)) return
    if (parsed.ok && parsed.frame.type === 'ack') {
      this.#onOtherAck(parsed.frame.seq)
      return
    }
    if (!parsed.ok) {
      this.#deps.log.info('invalid till frame', { tillId: this.#tillId, problem: parsed.message })
      this.#send(toErrorFrame(invalid(parsed.message), parsed.id, this.#deps.log))
      return
    }
    this.#onFrame(parsed.frame)
  }

  #onFrame(frame: TillFrame): void {
    if (frame.type === 'hello' || frame.type === 'ack') {
      this.#send(toErrorFrame(invalid('type: hello is only allowed as the first frame'), undefined, this.#deps.log))
      return
    }
    if (this.#stopping) {
      const message = 'the daemon is stopping; send again once it is back (payment.get tells what happened)'
      this.#send({ type: 'error', id: frame.id, code: 'UNAVAILABLE', message, retryable: true })
      return
    }
    const tillId = this.#tillId as string
    if (frame.type === 'payment.create') this.#deps.trace.mark(tillId, frame.key, 'frameParsed')
    const answered = runRequest(this.#deps.payments, tillId, frame).then(
      (result) => void this.#send(result),
      (err: unknown) => void this.#send(toErrorFrame(err, frame.id, this.#deps.log)),
    )
    this.#inflight.add(answered)
    const forget = () => void this.#inflight.delete(answered)
    answered.then(forget, forget)
  }

  #onHello(hello: Hello): void {
    const { auth, headerTillId, payments, log, clock } = this.#deps
    const tokenTillId = hello.token === undefined ? undefined : auth.authenticate(hello.token)
    const tillId = headerTillId ?? tokenTillId
    if (tillId === undefined || (hello.token !== undefined && tokenTillId !== tillId)) {
      this.#refuse(hello.token === undefined ? 'no till token' : 'unknown till token', 'auth_failed')
      return
    }
    const full = this.#deps.admit(tillId)
    if (full !== undefined) {
      this.#deps.refusals.refuse('connections_full', { tillId, reason: full })
      const message = `${full}; reconnect later`
      this.#send({ type: 'error', code: 'UNAVAILABLE', message, retryable: true })
      this.close(CLOSE.POLICY, 'too many connections')
      this.#state = 'closed'
      return
    }
    const lastSeq = payments.lastSeq(tillId)
    if (this.#helloTimer) clock.clearTimeout(this.#helloTimer)
    this.#tillId = tillId
    this.#state = 'ready'
    // A till that claims more than exists (a replaced journal) starts from what exists.
    const after = Math.min(hello.resumeFrom ?? 0, lastSeq)
    this.#events = new EventStream(payments, tillId, after, {
      send: (frame, onFlushed) => this.#send(frame, onFlushed),
    })
    this.#send({
      type: 'welcome',
      tillId,
      protocol: PROTOCOL_VERSION,
      serverTime: new Date(clock.now()).toISOString(),
      lastSeq,
      provider: this.#deps.provider(),
    })
    log.info('till connected', { tillId, resumeFrom: hello.resumeFrom, lastSeq })
    this.#deps.onReady(this)
    this.#pumpSafely()
  }

  /**
   * An ack that moves forward through events this connection was sent. Those are bounded by what
   * the daemon itself sent, so they never count against the rate: a till working through a
   * backlog of 1,000 events must not be cut off for acking each one.
   */
  #ackAdvances(seq: number): boolean {
    return seq > this.#ackedSeq && seq <= (this.#events?.cursor ?? 0)
  }

  /** Any other ack (stale, repeated, ahead of what was sent) has passed the rate limit. */
  #onOtherAck(seq: number): void {
    if (seq <= this.#ackedSeq) return
    const { payments, log } = this.#deps
    try {
      if (seq > payments.lastSeq(this.#tillId as string)) {
        this.#send(toErrorFrame(invalid(`seq: ${seq} is beyond the last event`), undefined, log))
        return
      }
    } catch (err) {
      this.#send(toErrorFrame(err, undefined, log))
      return
    }
    this.#applyAck(seq)
  }

  #applyAck(seq: number): void {
    try {
      this.#deps.payments.ack(this.#tillId as string, seq)
      this.#ackedSeq = seq
    } catch (err) {
      this.#send(toErrorFrame(err, undefined, this.#deps.log))
    }
  }

  /** Requests, bad frames and acks count against the rate; a till that keeps flooding is closed. */
  #withinRate(frame: TillFrame | undefined): boolean {
    if (this.#bucket.take()) {
      this.#strikes = 0
      return true
    }
    this.#strikes += 1
    const { refusals, limits } = this.#deps
    if (this.#strikes > limits.maxRequestsPerSecond) {
      refusals.refuse('flooding', { tillId: this.#tillId })
      this.#flooded = true
      this.close(CLOSE.POLICY, 'too many requests')
      return false
    }
    refusals.refuse('rate_limited', { tillId: this.#tillId })
    const id = frame && 'id' in frame ? frame.id : undefined
    const message = `more than ${limits.maxRequestsPerSecond} requests per second; slow down`
    this.#send(
      id === undefined
        ? { type: 'error', code: 'RATE_LIMITED', message, retryable: true }
        : { type: 'error', id, code: 'RATE_LIMITED', message, retryable: true },
    )
    return false
  }

  #pumpSafely(): void {
    try {
      this.#events?.pump()
    } catch (err) {
      this.#deps.log.error('event delivery failed', { tillId: this.#tillId, err })
    }
  }

  /** Closes with 4401 after telling the till why. */
  #refuse(reason: string, counted: 'auth_failed' | 'hello_timeout' = 'auth_failed'): void {
    this.#deps.refusals.refuse(counted, { reason })
    this.#deps.onAuthFailed()
    this.#send({ type: 'error', code: 'UNAUTHENTICATED', message: reason, retryable: false })
    this.close(CLOSE.UNAUTHENTICATED, 'unauthenticated')
    this.#state = 'closed'
  }

  #send(frame: DaemonFrame, onFlushed?: () => void): 'sent' | 'congested' | 'closed' {
    const { ws, limits, log } = this.#deps
    if (ws.readyState !== ws.OPEN) return 'closed'
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      log.warn('till closed for not reading', { tillId: this.#tillId, buffered: ws.bufferedAmount })
      this.close(CLOSE.POLICY, 'not reading')
      return 'closed'
    }
    const congested = onFlushed !== undefined && ws.bufferedAmount > limits.maxBufferedBytes / 4
    ws.send(JSON.stringify(frame), congested ? () => onFlushed() : undefined)
    if (frame.type === 'event' && frame.payment.status === 'pending' && this.#tillId !== undefined)
      this.#deps.trace.mark(this.#tillId, frame.payment.key, 'eventWritten')
    return congested ? 'congested' : 'sent'
  }

  #onClose(): void {
    const wasReady = this.#state === 'ready'
    this.#state = 'closed'
    if (this.#helloTimer) this.#deps.clock.clearTimeout(this.#helloTimer)
    if (wasReady) this.#deps.log.info('till disconnected', { tillId: this.#tillId })
    this.#deps.onClosed(this)
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}

function invalid(message: string): TillbridgeError {
  return new TillbridgeError('INVALID_MESSAGE', message)
}
