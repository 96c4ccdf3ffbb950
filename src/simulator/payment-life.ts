import type { TimerHandle } from '../shared/clock.js'
import type { Amount, PaymentEvent, PaymentEventName } from '../vipps/types.js'
import { customerBehaviour } from './customer.js'
import { amountOf, type Operation, type SimPayment } from './ledger.js'
import { SLOW_APPROVE_MS } from './options.js'
import type { Prng } from './prng.js'
import type { SimClock } from './sim-clock.js'

export interface PaymentLifeDeps {
  clock: SimClock
  ids: Prng
  approveDelayMs: number
  expiryMs: number
  autoScanAfterMs: number | undefined
  /** Every event appended to any payment (webhook deliveries listen here). */
  onEvent: (payment: SimPayment, event: PaymentEvent) => void
}

/**
 * A payment's life from CREATED to one final state, on the simulator clock: the customer's
 * behaviour, expiry, and the events each step appends. Every transition out of CREATED clears
 * that payment's timers, so a late timer can never move a final payment.
 */
export class PaymentLife {
  readonly #deps: PaymentLifeDeps
  readonly #timers = new Map<SimPayment, TimerHandle[]>()

  constructor(deps: PaymentLifeDeps) {
    this.#deps = deps
  }

  /** Simulator time, epoch ms (the money rules date refusals by it). */
  now(): number {
    return this.#deps.clock.now()
  }

  newPspReference(): string {
    return this.#deps.ids.digits(10)
  }

  /** Records CREATED and sets the customer and the expiry in motion. */
  begin(payment: SimPayment, idempotencyKey: string): void {
    this.record(payment, 'CREATED', payment.amount, idempotencyKey, payment.pspReference)
    this.operation(payment, 'create', idempotencyKey, payment.amount)
    this.schedule(payment)
  }

  /** Starts the expiry timer and whatever the customer (or the QR auto-scan) will do. */
  schedule(payment: SimPayment): void {
    const { approveDelayMs, expiryMs, autoScanAfterMs } = this.#deps
    this.#after(payment, expiryMs, () => this.expire(payment))
    if (payment.userFlow === 'QR') {
      if (autoScanAfterMs !== undefined) this.#after(payment, autoScanAfterMs, () => this.authorize(payment))
      return
    }
    switch (customerBehaviour(payment.customer)) {
      case 'approve':
        this.#after(payment, approveDelayMs, () => this.authorize(payment))
        break
      case 'approveSlowly':
        this.#after(payment, SLOW_APPROVE_MS, () => this.authorize(payment))
        break
      case 'reject':
        this.#after(payment, approveDelayMs, () => this.abort(payment))
        break
      default:
        break
    }
  }

  /** The customer approves: CREATED → AUTHORIZED. Returns false when the payment was not CREATED. */
  authorize(payment: SimPayment): boolean {
    if (payment.state !== 'CREATED') return false
    this.#final(payment, 'AUTHORIZED')
    payment.authorizedAtMs = this.#deps.clock.now()
    payment.aggregate.authorizedAmount = { ...payment.amount }
    this.record(payment, 'AUTHORIZED', payment.amount, null)
    this.operation(payment, 'approve', null, payment.amount)
    return true
  }

  /** The customer rejects: CREATED → ABORTED. */
  abort(payment: SimPayment): boolean {
    if (payment.state !== 'CREATED') return false
    this.#final(payment, 'ABORTED')
    this.record(payment, 'ABORTED', payment.amount, null)
    this.operation(payment, 'reject', null, payment.amount)
    return true
  }

  /** Nobody acted in time: CREATED → EXPIRED. */
  expire(payment: SimPayment): boolean {
    if (payment.state !== 'CREATED') return false
    this.#final(payment, 'EXPIRED')
    this.record(payment, 'EXPIRED', payment.amount, null)
    this.operation(payment, 'expire', null, payment.amount)
    return true
  }

  /** The merchant cancels before authorization: CREATED → TERMINATED, the whole amount cancelled. */
  terminate(payment: SimPayment, idempotencyKey: string): string {
    this.#final(payment, 'TERMINATED')
    payment.aggregate.cancelledAmount = { ...payment.amount }
    this.operation(payment, 'cancel', idempotencyKey, payment.amount)
    return this.record(payment, 'TERMINATED', payment.amount, idempotencyKey).pspReference
  }

  /**
   * Appends an event (with its own pspReference unless given) and announces it, unless `announce`
   * is false (payments planted through the control API send no webhooks for their past).
   */
  record(
    payment: SimPayment,
    name: PaymentEventName,
    amount: Amount,
    idempotencyKey: string | null,
    pspReference = this.newPspReference(),
    announce = true,
  ): PaymentEvent {
    const event: PaymentEvent = {
      reference: payment.reference,
      pspReference,
      name,
      amount: amountOf(amount.currency, amount.value),
      timestamp: new Date(this.#deps.clock.now()).toISOString(),
      idempotencyKey,
      success: true,
    }
    payment.events.push(event)
    if (announce) this.#deps.onEvent(payment, event)
    return event
  }

  operation(payment: SimPayment, kind: Operation['kind'], idempotencyKey: string | null, amount: Amount): void {
    payment.operations.push({
      kind,
      idempotencyKey,
      amount: { ...amount },
      at: new Date(this.#deps.clock.now()).toISOString(),
    })
  }

  /** Forgets every timer (the simulator clock drops them on stop). */
  forgetTimers(): void {
    this.#timers.clear()
  }

  #final(payment: SimPayment, state: SimPayment['state']): void {
    payment.state = state
    for (const handle of this.#timers.get(payment) ?? []) this.#deps.clock.clearTimeout(handle)
    this.#timers.delete(payment)
  }

  #after(payment: SimPayment, ms: number, fn: () => void): void {
    const handle = this.#deps.clock.setTimeout(fn, ms)
    this.#timers.set(payment, [...(this.#timers.get(payment) ?? []), handle])
  }
}
