import type { PaymentsApi } from '../../src/payments/api.js'
import type {
  CreatePaymentInput,
  Money,
  PaymentStatus,
  PaymentView,
  RequestResult,
  TillEvent,
} from '../../src/payments/types.js'
import { TillbridgeError } from '../../src/shared/errors.js'

interface Stored {
  view: PaymentView
  body: string
  refunds: Map<string, string>
}

/**
 * An in-memory PaymentsApi for gateway tests, passed in by dependency injection. It keeps the
 * engine's promises that the gateway relies on (per-till scoping, idempotent create with
 * replay/conflict, seq that rises by 1, events after each change) and lets a test move a payment
 * along with `advance()`. `writes` counts every change, so a test can prove nothing was written.
 */
export class MemoryPayments implements PaymentsApi {
  readonly #payments = new Map<string, Stored>()
  readonly #mailboxes = new Map<string, { lastSeq: number; events: TillEvent[] }>()
  readonly #listeners = new Set<(tillId: string, event: TillEvent) => void>()
  #references = 0
  #now = Date.UTC(2026, 0, 1, 12)
  writes = 0
  /** When set, every request throws it (to test error mapping). */
  failWith: unknown

  async create(tillId: string, input: CreatePaymentInput): Promise<RequestResult> {
    this.#maybeFail()
    const body = JSON.stringify(input)
    const existing = this.#payments.get(`${tillId}\u0000${input.key}`)
    if (existing) {
      if (existing.body !== body)
        throw new TillbridgeError('IDEMPOTENCY_CONFLICT', `key ${input.key} was used with another body`)
      return { payment: existing.view, replayed: true }
    }
    const at = this.#stamp()
    const view: PaymentView = {
      key: input.key,
      reference: `tb-${String(++this.#references).padStart(8, '0')}`,
      status: 'queued',
      flow: input.flow,
      capture: input.capture,
      amount: input.amount,
      captured: 0,
      refunded: 0,
      cancelled: 0,
      createdAt: at,
      updatedAt: at,
    }
    this.#payments.set(`${tillId}\u0000${input.key}`, { view, body, refunds: new Map() })
    this.#emit(tillId, view)
    return { payment: view, replayed: false }
  }

  get(tillId: string, key: string): PaymentView {
    this.#maybeFail()
    return this.#find(tillId, key).view
  }

  async cancel(tillId: string, key: string): Promise<RequestResult> {
    this.#maybeFail()
    const stored = this.#find(tillId, key)
    const { status } = stored.view
    if (status === 'cancelled') return { payment: stored.view, replayed: true }
    if (status === 'captured') throw new TillbridgeError('ALREADY_CAPTURED', 'the payment is captured: refund it')
    if (!['queued', 'pending', 'authorized'].includes(status)) {
      throw new TillbridgeError('INVALID_STATE', `cannot cancel a ${status} payment`)
    }
    return {
      payment: this.#update(tillId, stored, { status: 'cancelled', cancelled: stored.view.amount.value }),
      replayed: false,
    }
  }

  async capture(tillId: string, key: string, amount?: Money): Promise<RequestResult> {
    this.#maybeFail()
    const stored = this.#find(tillId, key)
    if (stored.view.status !== 'authorized') {
      throw new TillbridgeError('INVALID_STATE', `cannot capture a ${stored.view.status} payment`)
    }
    const value = amount?.value ?? stored.view.amount.value
    return { payment: this.#update(tillId, stored, { status: 'captured', captured: value }), replayed: false }
  }

  async refund(tillId: string, key: string, refundKey: string, amount: Money): Promise<RequestResult> {
    this.#maybeFail()
    const stored = this.#find(tillId, key)
    const body = JSON.stringify(amount)
    const earlier = stored.refunds.get(refundKey)
    if (earlier !== undefined) {
      if (earlier !== body)
        throw new TillbridgeError('IDEMPOTENCY_CONFLICT', `refundKey ${refundKey} was used with another body`)
      return { payment: stored.view, replayed: true }
    }
    const { status, captured, refunded } = stored.view
    if (!['captured', 'partially_refunded'].includes(status) || amount.value > captured - refunded) {
      throw new TillbridgeError('INVALID_STATE', `cannot refund ${amount.value} of a ${status} payment`)
    }
    stored.refunds.set(refundKey, body)
    const total = refunded + amount.value
    const next: PaymentStatus = total === captured ? 'refunded' : 'partially_refunded'
    return { payment: this.#update(tillId, stored, { status: next, refunded: total }), replayed: false }
  }

  eventsAfter(tillId: string, afterSeq: number, limit: number): TillEvent[] {
    const box = this.#mailboxes.get(tillId)
    if (!box) return []
    return box.events.filter((e) => e.seq > afterSeq).slice(0, limit)
  }

  lastSeq(tillId: string): number {
    return this.#mailboxes.get(tillId)?.lastSeq ?? 0
  }

  ack(tillId: string, seq: number): void {
    const box = this.#mailboxes.get(tillId)
    if (!box) return
    this.writes++
    // Acked events are pruned at once, so "every unacked event" is what eventsAfter(0) returns.
    box.events = box.events.filter((e) => e.seq > seq)
  }

  onEvent(listener: (tillId: string, event: TillEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Test control: moves a payment on (as Vipps and the engine would), emitting its event. */
  advance(tillId: string, key: string, patch: Partial<PaymentView>): PaymentView {
    return this.#update(tillId, this.#find(tillId, key), patch)
  }

  /** Subscribers to onEvent (the gateway must leave none behind on stop). */
  get listenerCount(): number {
    return this.#listeners.size
  }

  #find(tillId: string, key: string): Stored {
    const stored = this.#payments.get(`${tillId}\u0000${key}`)
    if (!stored) throw new TillbridgeError('NOT_FOUND', `no payment with key ${key}`)
    return stored
  }

  #update(tillId: string, stored: Stored, patch: Partial<PaymentView>): PaymentView {
    stored.view = { ...stored.view, ...patch, updatedAt: this.#stamp() }
    this.#emit(tillId, stored.view)
    return stored.view
  }

  #emit(tillId: string, payment: PaymentView): void {
    this.writes++
    let box = this.#mailboxes.get(tillId)
    if (!box) {
      box = { lastSeq: 0, events: [] }
      this.#mailboxes.set(tillId, box)
    }
    const event = { seq: ++box.lastSeq, payment }
    box.events.push(event)
    for (const listener of this.#listeners) listener(tillId, event)
  }

  #stamp(): string {
    this.#now += 1000
    return new Date(this.#now).toISOString()
  }

  #maybeFail(): void {
    if (this.failWith !== undefined) throw this.failWith
  }
}
