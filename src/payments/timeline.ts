import type { Db } from '../store/db.js'
import type { PaymentStatus } from './types.js'

/** One provider call as the timeline keeps it. */
export interface CallEntry {
  /** The EpaymentApi method: createPayment, getPayment, capturePayment, refundPayment, cancelPayment. */
  operation: string
  idempotencyKey?: string | undefined
  httpStatus?: number | undefined
  vippsCode?: string | undefined
  traceId?: string | undefined
  /** ok, rejected, not_found, unavailable, conflict, unauthorized, error. */
  outcome: string
  detail?: string | undefined
  /** HTTP requests the call sent, when more or fewer than one. */
  httpAttempts?: number | undefined
}

export interface TimelineEntry {
  at: number
  kind: 'status' | 'call'
  fromStatus: PaymentStatus | null
  toStatus: PaymentStatus | null
  operation: string | null
  idempotencyKey: string | null
  httpStatus: number | null
  vippsCode: string | null
  traceId: string | null
  outcome: string | null
  detail: string | null
}

/** The calls Vipps limits to 5 per minute per reference. */
const MODIFYING_CALLS = ['createPayment', 'capturePayment', 'refundPayment', 'cancelPayment']

function prepare(db: Db) {
  return {
    status: db.prepare<[number, number, string | null, string, string | null]>(`INSERT INTO payment_timeline
      (payment_id, at, kind, from_status, to_status, detail) VALUES (?, ?, 'status', ?, ?, ?)`),
    call: db.prepare<
      [
        number,
        number,
        string,
        string | null,
        number | null,
        string | null,
        string | null,
        string,
        string | null,
        number | null,
      ]
    >(`INSERT INTO payment_timeline (payment_id, at, kind, operation, idempotency_key, http_status, vipps_code,
      trace_id, outcome, detail, http_attempts) VALUES (?, ?, 'call', ?, ?, ?, ?, ?, ?, ?, ?)`),
    modifyingSince: db.prepare<[number, number], { at: number; n: number }>(`SELECT at,
      COALESCE(http_attempts, 1) AS n FROM payment_timeline
      WHERE payment_id = ? AND at > ? AND kind = 'call'
      AND operation IN (${MODIFYING_CALLS.map((c) => `'${c}'`).join(', ')}) ORDER BY at`),
    of: db.prepare<[number], TimelineEntry>(`SELECT at, kind, from_status AS fromStatus, to_status AS toStatus,
      operation, idempotency_key AS idempotencyKey, http_status AS httpStatus, vipps_code AS vippsCode,
      trace_id AS traceId, outcome, detail FROM payment_timeline WHERE payment_id = ? ORDER BY id`),
  }
}

/** Every status change and every provider call of a payment, for support and for rate limits. */
export class Timeline {
  readonly #q: ReturnType<typeof prepare>

  constructor(db: Db) {
    this.#q = prepare(db)
  }

  status(paymentId: number, at: number, from: PaymentStatus | null, to: PaymentStatus, detail?: string): void {
    this.#q.status.run(paymentId, at, from, to, detail ?? null)
  }

  call(paymentId: number, at: number, c: CallEntry): void {
    this.#q.call.run(
      paymentId,
      at,
      c.operation,
      c.idempotencyKey ?? null,
      c.httpStatus ?? null,
      c.vippsCode ?? null,
      c.traceId ?? null,
      c.outcome,
      c.detail ?? null,
      c.httpAttempts ?? null,
    )
  }

  /**
   * Times of the money-moving HTTP requests sent for a payment after `since`, oldest first: a
   * call that sent three requests counts three times, at the time it was recorded.
   */
  modifyingCallsSince(paymentId: number, since: number): number[] {
    return this.#q.modifyingSince.all(paymentId, since).flatMap((r) => Array<number>(r.n).fill(r.at))
  }

  of(paymentId: number): TimelineEntry[] {
    return this.#q.of.all(paymentId)
  }
}
