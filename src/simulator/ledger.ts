import type { Aggregate, Amount, Currency, Customer, PaymentEvent, PaymentState, UserFlow } from '../vipps/types.js'

/** An operation that took effect on a payment, for the ledger (`GET /_sim/payments`). */
export interface Operation {
  kind: 'create' | 'capture' | 'refund' | 'cancel' | 'approve' | 'reject' | 'expire' | 'plant'
  /** The client's Idempotency-Key; null for customer and control-API actions. */
  idempotencyKey: string | null
  amount: Amount
  /** Simulator time, ISO 8601. */
  at: string
}

/** A payment as the simulator holds it; the Vipps answers are views of this. */
export interface SimPayment {
  msn: string
  reference: string
  /** The CREATED event's pspReference, shown by GET. */
  pspReference: string
  amount: Amount
  state: PaymentState
  aggregate: Aggregate
  paymentMethod: 'WALLET' | 'CARD'
  userFlow: UserFlow
  customer?: Customer
  customerInteraction: 'CUSTOMER_PRESENT' | 'CUSTOMER_NOT_PRESENT'
  paymentDescription?: string
  redirectUrl?: string
  /** The token in `redirectUrl`, accepted by the test approve endpoint. */
  token: string
  qrFormat?: { format: string; size: number }
  metadata?: Record<string, string>
  profileScope?: string
  createdAt: string
  /** Simulator epoch ms of the customer's approval: starts the processing window and the reservation's life. */
  authorizedAtMs?: number
  /** The bank released the reservation early (control API `release`): a capture gets 6260. */
  releasedEarly?: boolean
  events: PaymentEvent[]
  operations: Operation[]
}

export function amountOf(currency: Currency, value: number): Amount {
  return { currency, value }
}

export function emptyAggregate(currency: Currency): Aggregate {
  return {
    authorizedAmount: amountOf(currency, 0),
    cancelledAmount: amountOf(currency, 0),
    capturedAmount: amountOf(currency, 0),
    refundedAmount: amountOf(currency, 0),
  }
}

/** Every payment, keyed by MSN and reference (a reference is unique per sales unit only). */
export class Ledger {
  readonly #payments = new Map<string, SimPayment>()

  get(msn: string, reference: string): SimPayment | undefined {
    return this.#payments.get(key(msn, reference))
  }

  add(payment: SimPayment): void {
    this.#payments.set(key(payment.msn, payment.reference), payment)
  }

  /** Every payment with this reference, in any sales unit. */
  byReference(reference: string): SimPayment[] {
    return this.all().filter((p) => p.reference === reference)
  }

  all(): SimPayment[] {
    return [...this.#payments.values()]
  }
}

function key(msn: string, reference: string): string {
  return `${msn}/${reference}`
}
