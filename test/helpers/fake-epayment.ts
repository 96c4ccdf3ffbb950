import type { CallOptions, EpaymentApi, StoredRequest } from '../../src/vipps/api.js'
import { ProviderError } from '../../src/vipps/errors.js'
import type {
  Aggregate,
  CreatePaymentRequest,
  CreatePaymentResponse,
  GetPaymentResponse,
  ModificationResponse,
  PaymentState,
  QrExchangeResponse,
} from '../../src/vipps/types.js'

type Method =
  | 'createPayment'
  | 'getPayment'
  | 'capturePayment'
  | 'refundPayment'
  | 'cancelPayment'
  | 'exchangePersonalQr'

/** A fault for the next call of a method: fail before doing anything, or do it and lose the answer. */
export type Fault = 'unavailable' | 'dropBefore' | 'dropAfter' | ProviderError

interface FakePayment {
  msn: string
  reference: string
  request: CreatePaymentRequest
  state: PaymentState
  authorized: number
  captured: number
  refunded: number
  cancelled: number
}

/** One request as the fake received it. */
export interface RecordedCall {
  method: Method
  reference: string
  idempotencyKey?: string
  body?: string
}

/** An operation that took effect, once per idempotency key (the ledger a real Vipps keeps). */
export interface Effect {
  method: Method
  reference: string
  idempotencyKey: string
  amount?: number
}

/**
 * An in-memory Vipps ePayment for one sales unit, strict where the engine's correctness depends
 * on it: idempotency per key (same body → first answer again, 4xx sticks, other body → 409),
 * unique references, capture/refund/cancel limits and codes (6040, 6060, 6080, 6090), 7010 for a
 * phone number ending in 4. The customer acts only when the test says so. Passed to the engine
 * by dependency injection; the real simulator replaces it where it exists.
 */
export class FakeEpayment implements EpaymentApi {
  readonly msn: string
  readonly payments = new Map<string, FakePayment>()
  readonly calls: RecordedCall[] = []
  readonly effects: Effect[] = []
  readonly #answers = new Map<string, { body: string; outcome: { ok: unknown } | { err: ProviderError } }>()
  readonly #faults = new Map<Method, Fault[]>()
  readonly #holds = new Map<Method, Promise<void>>()
  /** Personal QR contents the fake can exchange, and the MSISDN each stands for. */
  readonly personalQrs = new Map<string, string>()

  constructor(msn = '123456') {
    this.msn = msn
  }

  /** Queues faults for the next calls of a method, in order. */
  fail(method: Method, ...faults: Fault[]): void {
    this.#faults.set(method, [...(this.#faults.get(method) ?? []), ...faults])
  }

  /**
   * Holds the answers of a method: Vipps acts, but the answer waits until release() (or until the
   * caller aborts, as a daemon that stops or dies never hears it).
   */
  hold(method: Method): () => void {
    let release = () => {}
    this.#holds.set(
      method,
      new Promise<void>((resolve) => {
        release = resolve
      }),
    )
    return () => {
      this.#holds.delete(method)
      release()
    }
  }

  approve(reference: string): void {
    const p = this.#payment(reference)
    if (p.state !== 'CREATED') throw new Error(`cannot approve a ${p.state} payment`)
    p.state = 'AUTHORIZED'
    p.authorized = p.request.amount.value
  }

  reject(reference: string): void {
    this.#payment(reference).state = 'ABORTED'
  }

  expire(reference: string): void {
    this.#payment(reference).state = 'EXPIRED'
  }

  effectsOf(method: Method, reference?: string): Effect[] {
    return this.effects.filter((e) => e.method === method && (reference === undefined || e.reference === reference))
  }

  createPayment(request: StoredRequest, options?: CallOptions): Promise<CreatePaymentResponse> {
    const body = JSON.parse(request.body) as CreatePaymentRequest
    return this.#call('createPayment', body.reference, request, options, () => {
      if (this.payments.has(body.reference)) throw rejected(409, '4150', 'Reference already exists')
      const customer = body.customer && Object.values(body.customer)[0]
      if (customer?.endsWith('4')) throw rejected(400, '7010', 'Customer not found')
      this.payments.set(body.reference, {
        msn: this.msn,
        reference: body.reference,
        request: body,
        state: 'CREATED',
        authorized: 0,
        captured: 0,
        refunded: 0,
        cancelled: 0,
      })
      return body.userFlow === 'QR'
        ? { reference: body.reference, redirectUrl: `https://qr.fake.invalid/${body.reference}` }
        : { reference: body.reference }
    })
  }

  getPayment(reference: string, options?: CallOptions): Promise<GetPaymentResponse> {
    return this.#call('getPayment', reference, undefined, options, () => {
      const p = this.payments.get(reference)
      if (!p) throw new ProviderError('PROVIDER_NOT_FOUND', 'not found', { status: 404, vippsCode: '5090' })
      return {
        ...this.#modification(p),
        paymentMethod: { type: 'WALLET' },
        profile: {},
        ...(p.request.userFlow === 'QR' ? { redirectUrl: `https://qr.fake.invalid/${reference}` } : {}),
      }
    })
  }

  getEvents(): Promise<never> {
    return Promise.reject(new Error('not used by the engine'))
  }

  capturePayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse> {
    return this.#call('capturePayment', reference, request, options, () => {
      const p = this.#known(reference)
      const value = amountOf(request)
      if (p.state !== 'AUTHORIZED') throw rejected(400, '6080', 'Cannot capture before reservation')
      if (value > p.authorized - p.captured - p.cancelled) throw rejected(400, '6090', 'Capture amount too high')
      p.captured += value
      this.effects.push({ method: 'capturePayment', reference, idempotencyKey: request.idempotencyKey, amount: value })
      return this.#modification(p)
    })
  }

  refundPayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse> {
    return this.#call('refundPayment', reference, request, options, () => {
      const p = this.#known(reference)
      const value = amountOf(request)
      if (value > p.captured - p.refunded) throw rejected(400, '6100', 'Refund amount too high')
      p.refunded += value
      this.effects.push({ method: 'refundPayment', reference, idempotencyKey: request.idempotencyKey, amount: value })
      return this.#modification(p)
    })
  }

  cancelPayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse> {
    return this.#call('cancelPayment', reference, request, options, () => {
      const p = this.#known(reference)
      const { cancelTransactionOnly } = JSON.parse(request.body) as { cancelTransactionOnly: boolean }
      if (p.state === 'CREATED') {
        p.state = 'TERMINATED'
        p.cancelled = p.request.amount.value
      } else if (p.state === 'AUTHORIZED') {
        if (cancelTransactionOnly) throw rejected(400, '6060', 'Cannot cancel authorized payment')
        if (p.captured >= p.authorized) throw rejected(400, '6040', 'Cannot cancel a captured payment')
        p.cancelled = p.authorized - p.captured
      } else {
        throw rejected(400, '6030', `Cannot cancel a ${p.state} payment`)
      }
      this.effects.push({ method: 'cancelPayment', reference, idempotencyKey: request.idempotencyKey })
      return this.#modification(p)
    })
  }

  /** A QR the fake does not know is refused as Vipps does: 400, no ErrorCode. */
  exchangePersonalQr(qrCode: string, options?: CallOptions): Promise<QrExchangeResponse> {
    return this.#call('exchangePersonalQr', '', undefined, options, () => {
      const msisdn = this.personalQrs.get(qrCode)
      if (!msisdn) throw new ProviderError('PROVIDER_REJECTED', 'Bad request', { status: 400 })
      return { msisdn, version: '2.0', timestamp: 1_700_000_000 }
    })
  }

  testApprove(reference: string): Promise<void> {
    this.approve(reference)
    return Promise.resolve()
  }

  async #call<T>(
    method: Method,
    reference: string,
    request: StoredRequest | undefined,
    options: CallOptions | undefined,
    act: () => T,
  ): Promise<T> {
    this.calls.push({ method, reference, idempotencyKey: request?.idempotencyKey, body: request?.body })
    const fault = this.#faults.get(method)?.shift()
    if (fault instanceof ProviderError) throw fault
    if (fault === 'unavailable' || fault === 'dropBefore') throw unavailable(method)
    const outcome = request ? this.#idempotent(request, act) : run(act)
    await this.#wait(this.#holds.get(method), options?.signal)
    if (fault === 'dropAfter') throw unavailable(method)
    if ('err' in outcome) throw outcome.err
    return outcome.ok as T
  }

  #idempotent(request: StoredRequest, act: () => unknown): { ok: unknown } | { err: ProviderError } {
    const earlier = this.#answers.get(request.idempotencyKey)
    if (earlier) {
      if (earlier.body !== request.body) {
        return { err: new ProviderError('PROVIDER_CONFLICT', 'idempotency conflict', { status: 409 }) }
      }
      return earlier.outcome
    }
    const outcome = run(act)
    // A 4xx answer sticks to its key; a success is answered again as it was.
    this.#answers.set(request.idempotencyKey, { body: request.body, outcome })
    return outcome
  }

  async #wait(gate: Promise<void> | undefined, signal: AbortSignal | undefined): Promise<void> {
    if (!gate) return
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) reject(signal.reason)
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
      gate.then(resolve, reject)
    })
  }

  #payment(reference: string): FakePayment {
    const p = this.payments.get(reference)
    if (!p) throw new Error(`no payment ${reference} at the fake`)
    return p
  }

  #known(reference: string): FakePayment {
    const p = this.payments.get(reference)
    if (!p) throw new ProviderError('PROVIDER_NOT_FOUND', 'not found', { status: 404, vippsCode: '5090' })
    return p
  }

  #modification(p: FakePayment): ModificationResponse {
    const currency = p.request.amount.currency
    const aggregate: Aggregate = {
      authorizedAmount: { currency, value: p.authorized },
      capturedAmount: { currency, value: p.captured },
      refundedAmount: { currency, value: p.refunded },
      cancelledAmount: { currency, value: p.cancelled },
    }
    return {
      amount: p.request.amount,
      state: p.state,
      aggregate,
      pspReference: `psp-${p.reference}`,
      reference: p.reference,
    }
  }
}

function run(act: () => unknown): { ok: unknown } | { err: ProviderError } {
  try {
    return { ok: act() }
  } catch (err) {
    if (err instanceof ProviderError) return { err }
    throw err
  }
}

function rejected(status: number, vippsCode: string, title: string): ProviderError {
  return new ProviderError(status === 409 ? 'PROVIDER_CONFLICT' : 'PROVIDER_REJECTED', title, {
    status,
    vippsCode,
    title,
    traceId: `trace-${vippsCode}`,
  })
}

function unavailable(method: Method): ProviderError {
  return new ProviderError('PROVIDER_UNAVAILABLE', `${method}: connection reset`, { operation: method })
}

function amountOf(request: StoredRequest): number {
  return (JSON.parse(request.body) as { modificationAmount: { value: number } }).modificationAmount.value
}
