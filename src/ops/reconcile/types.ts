/**
 * What reconciliation compares: a payment as the journal has it, and the same reference as
 * Vipps has it. Amounts are minor units.
 */

export interface Money4 {
  authorized: number
  captured: number
  refunded: number
  cancelled: number
}

/** A journal payment with the keys of the operations tillbridge sent for it. */
export interface JournalPayment extends Money4 {
  tillId: string
  key: string
  reference: string
  msn: string
  status: string
  currency: string
  amount: number
  createdAt: number
  failureCode: string | null
  /** Every provider operation: create, capture, refund, cancel. */
  operations: Array<{ kind: string; idempotencyKey: string; state: string }>
}

/** Vipps' side, already mapped to our status names. */
export interface VippsSide extends Money4 {
  state: string
  currency: string
  /** The status a payment in this state with this aggregate has in tillbridge's terms. */
  status: string
  /** Successful money events (CAPTURED, REFUNDED, CANCELLED, TERMINATED) with their keys. */
  moneyEvents: Array<{ name: string; amount: number; idempotencyKey: string | null }>
}

export type VippsLookup = { found: true; payment: VippsSide } | { found: false } | { error: string }

export interface ReconcileLine {
  payment: JournalPayment
  vipps: VippsLookup
  /** Each way the two sides differ; empty when they agree. */
  differences: string[]
  /** The daemon still has work open on it (an operation not yet final). */
  inProgress: boolean
}

/** A reference Vipps knows that no journal payment has. */
export interface UnknownAtVipps {
  msn: string
  reference: string
  vipps: VippsSide
}

export interface CurrencyTotals {
  payments: number
  journalCaptured: number
  journalRefunded: number
  vippsCaptured: number
  vippsRefunded: number
}

export interface ReconcileReport {
  date: string
  timeZone: string
  /** [start, end) of the store day, epoch ms. */
  start: number
  end: number
  lines: ReconcileLine[]
  unknownAtVipps: UnknownAtVipps[]
  totals: Record<string, CurrencyTotals>
}
