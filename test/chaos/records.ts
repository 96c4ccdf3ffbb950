import type { Payment } from '../../src/client/index.js'

/**
 * What the tills asked for and were told, kept by the chaos run outside the tills (a till that
 * crashes forgets; this record does not). It is the ground truth the checker compares with the
 * simulator's ledger.
 */

/** How a request ended for the till that sent it. */
export type Outcome =
  /** A `result` came back: the daemon says it is durably applied. */
  | 'answered'
  /** A non-retryable `error` came back (e.g. INVALID_STATE): it changed nothing. */
  | 'refused'
  /** The till crashed (or the run ended) before any answer: it may or may not have been applied. */
  | 'unknown'

export interface RequestRecord {
  outcome: Outcome
  /** How many times it was sent (the same request, under the same key). */
  attempts: number
  /** The error code of a refused request. */
  code?: string
}

export interface PaymentRecord {
  tillId: string
  key: string
  scenario: string
  amount: number
  /** From the create's result, or from the first event that named the payment. */
  reference?: string
  create: RequestRecord
  capture?: RequestRecord & { amount: number }
  cancel?: RequestRecord
  /** refundKey → the refund asked for. */
  refunds: Map<string, RequestRecord & { amount: number }>
  /** The till crashed while this sale was still going: nobody finishes what it meant to do next. */
  abandoned: boolean
}

export interface TillLog {
  tillId: string
  /** Every event seq the till's handler processed, in order, across all its incarnations. */
  processed: number[]
  crashes: number
  /** The last event the till processed for each payment key: what the till believes. */
  lastSeen: Map<string, Payment>
  /** `welcome.lastSeq` at the end of the run: the mailbox's newest seq. */
  finalLastSeq?: number
}

/** A payment as `GET /_sim/payments` shows it (the fields the checker reads). */
export interface LedgerPayment {
  reference: string
  state: string
  aggregate: Record<'authorizedAmount' | 'capturedAmount' | 'refundedAmount' | 'cancelledAmount', { value: number }>
  operations: Array<{ kind: string; idempotencyKey: string | null; amount: { value: number } }>
}

export interface RunRecord {
  payments: PaymentRecord[]
  tills: TillLog[]
  /** The daemon's answer to `payment.get` for each payment at the end; undefined when NOT_FOUND. */
  finals: Map<string, Payment | undefined>
  ledger: LedgerPayment[]
  /** Daemon exits nobody asked for (a kill by the run is not one). */
  unexpectedExits: Array<{ code: number | null; signal: string | null }>
  /** Vipps codes the run scripted on creates (refusals phase): a sale may end `failed` with one. */
  refusedCreateCodes?: string[]
}

export function paymentId(tillId: string, key: string): string {
  return `${tillId}/${key}`
}

export function newRequest(): RequestRecord {
  return { outcome: 'unknown', attempts: 0 }
}
