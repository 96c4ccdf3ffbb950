import WebSocket from 'ws'
import {
  CLOSE,
  type DaemonFrame,
  type EventFrame,
  type Money,
  type Payment,
  type PaymentStatus,
  type ProviderStatus,
  parseDaemonFrame,
  type TillFrameInput,
  type Welcome,
} from '../protocol/index.js'
import { type BackoffOptions, backoffDelay } from './backoff.js'
import { TillClientError } from './errors.js'
import { PaymentWatch } from './payment-watch.js'

export interface TillClientOptions {
  /** `ws://127.0.0.1:8787/v1` */
  url: string
  token: string
  /** `header` (Authorization: Bearer, the default) or `hello` (hello.token, as browsers must). */
  sendTokenIn?: 'header' | 'hello'
  /**
   * Runs for each event, in seq order, once per seq. The client acks an event only after this
   * returns (or its promise resolves); if it throws, the client reconnects and the event comes again.
   */
  onEvent?: (event: EventFrame) => void | Promise<void>
  onStatus?: (provider: ProviderStatus) => void
  /** Problems the client handles itself (a dropped connection, a failing onEvent), for logging. */
  onError?: (err: Error) => void
  /** The last seq this till processed before, if it keeps it across its own restarts. */
  resumeFrom?: number
  reconnect?: BackoffOptions
  /** How long a request may wait for its answer, reconnects included. @defaultValue 30000 */
  requestTimeoutMs?: number
}

export interface PaymentResult {
  payment: Payment
  /** True when the daemon had already applied this very request (same key and body). */
  replayed: boolean
}

export type CreatePaymentInput = Omit<Extract<TillFrameInput, { type: 'payment.create' }>, 'type' | 'id'>

type RequestFrame = Exclude<TillFrameInput, { type: 'hello' } | { type: 'ack' }>

interface Pending {
  frame: RequestFrame
  /** Safe to send again after a reconnect: the daemon de-duplicates it by key (or refundKey). */
  resendable: boolean
  sent: boolean
  resolve: (result: PaymentResult) => void
  reject: (err: Error) => void
  timer: ReturnType<typeof setTimeout>
}

/**
 * A till's connection to tillbridge: connects with its token, reconnects with jittered
 * exponential backoff, resumes from the last event it processed, acks each event after the
 * handler finished, and turns requests into promises that resolve with the payment or reject
 * with a TillClientError carrying the protocol's code.
 */
export class TillClient {
  readonly #options: TillClientOptions
  readonly #watch = new PaymentWatch()
  readonly #pending = new Map<string, Pending>()
  #ws: WebSocket | undefined
  #welcome: Welcome | undefined
  #lastProcessed: number
  #attempt = 0
  #nextId = 1
  #closed = false
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined
  #eventChain: Promise<void> = Promise.resolve()
  #failedSocket: WebSocket | undefined
  #connectWaiters: Array<{ resolve: (w: Welcome) => void; reject: (e: Error) => void }> = []

  constructor(options: TillClientOptions) {
    this.#options = options
    this.#lastProcessed = options.resumeFrom ?? -1
  }

  /** The seq of the last event the handler finished (-1 before any). Keep it to resume after a restart. */
  get lastProcessedSeq(): number {
    return this.#lastProcessed
  }

  get connected(): boolean {
    return this.#welcome !== undefined
  }

  /** Resolves with the first `welcome`; rejects on a refused token (that is not retried). */
  connect(): Promise<Welcome> {
    if (this.#closed) return Promise.reject(new TillClientError('CLOSED', 'the client is closed', false))
    if (this.#welcome) return Promise.resolve(this.#welcome)
    const waiting = new Promise<Welcome>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }))
    if (!this.#ws && !this.#reconnectTimer) this.#open()
    return waiting
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer)
    const closedError = new TillClientError('CLOSED', 'the client is closed', false)
    this.#failConnect(closedError)
    for (const [id, p] of this.#pending) this.#settle(id, p, closedError)
    this.#watch.failAll(closedError)
    const ws = this.#ws
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const done = new Promise<void>((resolve) => ws.once('close', () => resolve()))
      ws.close(1000)
      await done
    }
    await this.#eventChain
  }

  createPayment(input: CreatePaymentInput): Promise<PaymentResult> {
    return this.#request({ type: 'payment.create', id: this.#id(), ...input }, true)
  }

  getPayment(key: string): Promise<PaymentResult> {
    return this.#request({ type: 'payment.get', id: this.#id(), key }, true)
  }

  cancelPayment(key: string): Promise<PaymentResult> {
    return this.#request({ type: 'payment.cancel', id: this.#id(), key }, false)
  }

  /** Without an amount, captures all that is authorized. */
  capturePayment(key: string, amount?: Money): Promise<PaymentResult> {
    const frame = { type: 'payment.capture' as const, id: this.#id(), key }
    return this.#request(amount ? { ...frame, amount } : frame, false)
  }

  refundPayment(key: string, refundKey: string, amount: Money): Promise<PaymentResult> {
    return this.#request({ type: 'payment.refund', id: this.#id(), key, refundKey, amount }, true)
  }

  /**
   * Resolves when the payment reaches one of `status`; rejects with ENDED if it ends otherwise,
   * or TIMEOUT. Asks the daemon for the payment's current state first.
   */
  async waitFor(key: string, status: PaymentStatus | readonly PaymentStatus[], timeoutMs = 120_000): Promise<Payment> {
    const wanted = typeof status === 'string' ? [status] : status
    const waiting = this.#watch.wait(key, wanted, timeoutMs)
    if (!this.#watch.latest(key)) this.getPayment(key).catch(() => {})
    return waiting
  }

  #id(): string {
    return `c${this.#nextId++}`
  }

  #request(frame: RequestFrame, resendable: boolean): Promise<PaymentResult> {
    if (this.#closed) return Promise.reject(new TillClientError('CLOSED', 'the client is closed', false))
    const timeoutMs = this.#options.requestTimeoutMs ?? 30_000
    return new Promise<PaymentResult>((resolve, reject) => {
      const pending: Pending = {
        frame,
        resendable,
        sent: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          const error = new TillClientError('TIMEOUT', `no answer to ${frame.type} in ${timeoutMs} ms`, true)
          this.#settle(frame.id, pending, error)
        }, timeoutMs),
      }
      this.#pending.set(frame.id, pending)
      if (this.#welcome) this.#sendRequest(pending)
    })
  }

  #sendRequest(pending: Pending): void {
    pending.sent = true
    this.#ws?.send(JSON.stringify(pending.frame))
  }

  #settle(id: string, pending: Pending, outcome: PaymentResult | Error): void {
    clearTimeout(pending.timer)
    this.#pending.delete(id)
    if (outcome instanceof Error) pending.reject(outcome)
    else pending.resolve(outcome)
  }

  #open(): void {
    const { url, token, sendTokenIn } = this.#options
    const inHeader = sendTokenIn !== 'hello'
    const ws = new WebSocket(url, { headers: inHeader ? { Authorization: `Bearer ${token}` } : {} })
    this.#ws = ws
    ws.on('open', () => {
      const hello: TillFrameInput = { type: 'hello' }
      if (!inHeader) hello.token = token
      if (this.#lastProcessed >= 0) hello.resumeFrom = this.#lastProcessed
      ws.send(JSON.stringify(hello))
    })
    ws.on('message', (data) => this.#onFrame(String(data)))
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0
      ws.terminate()
      if (status === 401 || status === 403) {
        this.#fatal(new TillClientError('UNAUTHENTICATED', `the daemon refused the connection (HTTP ${status})`, false))
      }
    })
    ws.on('error', (err) => this.#options.onError?.(err))
    ws.on('close', (code) => this.#onClose(ws, code))
  }

  #onFrame(text: string): void {
    const parsed = parseDaemonFrame(text)
    if (!parsed.ok) {
      this.#options.onError?.(new Error(`unexpected frame from the daemon: ${parsed.message}`))
      return
    }
    const frame: DaemonFrame = parsed.frame
    switch (frame.type) {
      case 'welcome':
        this.#onWelcome(frame)
        return
      case 'event': {
        this.#watch.see(frame.payment)
        const ws = this.#ws
        this.#eventChain = this.#eventChain.then(() => this.#process(frame, ws))
        return
      }
      case 'status':
        this.#options.onStatus?.(frame.provider)
        return
      case 'result':
      case 'error':
        this.#onAnswer(frame)
        return
    }
  }

  #onWelcome(welcome: Welcome): void {
    this.#welcome = welcome
    this.#attempt = 0
    this.#options.onStatus?.(welcome.provider)
    for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve(welcome)
    for (const pending of this.#pending.values()) if (!pending.sent) this.#sendRequest(pending)
  }

  #onAnswer(frame: Extract<DaemonFrame, { type: 'result' | 'error' }>): void {
    if (frame.id === undefined) {
      if (frame.type === 'error')
        this.#options.onError?.(new TillClientError(frame.code, frame.message, frame.retryable))
      return
    }
    const pending = this.#pending.get(frame.id)
    if (!pending) return
    if (frame.type === 'error') {
      this.#settle(frame.id, pending, new TillClientError(frame.code, frame.message, frame.retryable))
      return
    }
    this.#watch.see(frame.payment)
    this.#settle(frame.id, pending, { payment: frame.payment, replayed: frame.replayed })
  }

  /** One event at a time, in order; ack only after the handler has finished with it. */
  async #process(event: EventFrame, ws: WebSocket | undefined): Promise<void> {
    // After a failed handler, later events of that connection wait for the redelivery.
    if (ws === this.#failedSocket) return
    if (event.seq <= this.#lastProcessed) return
    try {
      await this.#options.onEvent?.(event)
    } catch (err) {
      this.#options.onError?.(err instanceof Error ? err : new Error(String(err)))
      // Not acked: reconnecting makes the daemon send it (and all after it) again.
      this.#failedSocket = ws
      ws?.terminate()
      return
    }
    this.#lastProcessed = event.seq
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ack', seq: event.seq }))
  }

  #onClose(ws: WebSocket, code: number): void {
    if (this.#ws !== ws) return
    this.#ws = undefined
    this.#welcome = undefined
    if (this.#closed) return
    if (code === CLOSE.UNAUTHENTICATED) {
      this.#fatal(new TillClientError('UNAUTHENTICATED', 'the daemon refused the till token (4401)', false))
      return
    }
    // Answers to these are lost with the connection; only requests the daemon de-duplicates are sent again.
    for (const [id, pending] of this.#pending) {
      if (!pending.sent) continue
      if (pending.resendable) pending.sent = false
      else {
        const message = `connection lost before the answer to ${pending.frame.type}; it may have been applied: check with getPayment`
        this.#settle(id, pending, new TillClientError('UNAVAILABLE', message, true))
      }
    }
    const delay = backoffDelay(this.#attempt++, this.#options.reconnect)
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      // Wait for events already received to be handled, so resumeFrom is exact.
      void this.#eventChain.then(() => {
        if (!this.#closed) this.#open()
      })
    }, delay)
  }

  #fatal(err: TillClientError): void {
    this.#closed = true
    this.#failConnect(err)
    for (const [id, pending] of this.#pending) this.#settle(id, pending, err)
    this.#watch.failAll(err)
    this.#options.onError?.(err)
  }

  #failConnect(err: Error): void {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(err)
  }
}
