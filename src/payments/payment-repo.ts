import type { Db } from '../store/db.js'
import type { OperationRecord, PaymentRecord } from './records.js'
import type { OperationKind } from './references.js'

export const PAYMENT_COLUMNS = `id, till_id AS tillId, till_key AS tillKey, request_hash AS requestHash, msn, reference,
  status, flow, capture_mode AS captureMode, amount, currency, customer, description, receipt, metadata,
  authorized, captured, refunded, cancelled, qr_url AS qrUrl, failure_code AS failureCode,
  failure_message AS failureMessage, send_deadline AS sendDeadline, capture_deadline AS captureDeadline,
  next_action_at AS nextActionAt, poll_failures AS pollFailures, created_at AS createdAt, updated_at AS updatedAt,
  refusal_operation AS refusalOperation, refusal_code AS refusalCode, refusal_message AS refusalMessage,
  refusal_at AS refusalAt, needs_attention AS needsAttention`

const OPERATION_COLUMNS = `id, payment_id AS paymentId, kind, idempotency_key AS idempotencyKey, body, amount,
  refund_key AS refundKey, refund_hash AS refundHash, state, attempts, last_attempt_at AS lastAttemptAt,
  last_http_status AS lastHttpStatus, last_vipps_code AS lastVippsCode, last_trace_id AS lastTraceId,
  last_error AS lastError, created_at AS createdAt, updated_at AS updatedAt`

export type NewOperation = Omit<OperationRecord, 'id'>

function prepare(db: Db) {
  return {
    byId: db.prepare<[number], PaymentRecord>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = ?`),
    byTillKey: db.prepare<[string, string], PaymentRecord>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE till_id = ? AND till_key = ?`,
    ),
    lastId: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'payments'"),
    insert: db.prepare<PaymentRecord>(`INSERT INTO payments (id, till_id, till_key, request_hash, msn, reference,
      status, flow, capture_mode, amount, currency, customer, description, receipt, metadata, authorized, captured,
      refunded, cancelled, qr_url, failure_code, failure_message, send_deadline, capture_deadline,
      next_action_at, poll_failures, created_at, updated_at, refusal_operation, refusal_code, refusal_message,
      refusal_at, needs_attention)
      VALUES (@id, @tillId, @tillKey, @requestHash, @msn, @reference, @status, @flow, @captureMode, @amount,
      @currency, @customer, @description, @receipt, @metadata, @authorized, @captured, @refunded, @cancelled,
      @qrUrl, @failureCode, @failureMessage, @sendDeadline, @captureDeadline, @nextActionAt, @pollFailures,
      @createdAt, @updatedAt, @refusalOperation, @refusalCode, @refusalMessage, @refusalAt, @needsAttention)`),
    update: db.prepare<PaymentRecord>(`UPDATE payments SET status = @status, authorized = @authorized,
      captured = @captured, refunded = @refunded, cancelled = @cancelled, qr_url = @qrUrl,
      failure_code = @failureCode, failure_message = @failureMessage, capture_deadline = @captureDeadline,
      next_action_at = @nextActionAt, poll_failures = @pollFailures, updated_at = @updatedAt,
      refusal_operation = @refusalOperation, refusal_code = @refusalCode, refusal_message = @refusalMessage,
      refusal_at = @refusalAt, needs_attention = @needsAttention WHERE id = @id`),
    setNextAction: db.prepare<[number | null, number, number]>(
      'UPDATE payments SET next_action_at = ?, poll_failures = ? WHERE id = ?',
    ),
    due: db.prepare<[number, string, number], { id: number }>(`SELECT id FROM payments WHERE next_action_at <= ?
      AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_action_at LIMIT ?`),
    earliest: db.prepare<[string], { at: number | null }>(`SELECT MIN(next_action_at) AS at FROM payments
      WHERE next_action_at IS NOT NULL AND id NOT IN (SELECT value FROM json_each(?))`),
    unscheduled: db.prepare<[], { id: number }>(`SELECT id FROM payments WHERE next_action_at IS NULL AND (status IN
      ('queued', 'pending', 'cancelling') OR id IN
      (SELECT payment_id FROM provider_operations WHERE state IN ('pending', 'sending', 'retry')))`),
    staleSending: db.prepare<[], { paymentId: number }>(
      "SELECT DISTINCT payment_id AS paymentId FROM provider_operations WHERE state = 'sending'",
    ),
    opsOf: db.prepare<[number], OperationRecord>(
      `SELECT ${OPERATION_COLUMNS} FROM provider_operations WHERE payment_id = ? ORDER BY id`,
    ),
    insertOp: db.prepare<NewOperation>(`INSERT INTO provider_operations (payment_id, kind, idempotency_key, body,
      amount, refund_key, refund_hash, state, attempts, last_attempt_at, last_http_status, last_vipps_code,
      last_trace_id, last_error, created_at, updated_at) VALUES (@paymentId, @kind, @idempotencyKey, @body, @amount,
      @refundKey, @refundHash, @state, @attempts, @lastAttemptAt, @lastHttpStatus, @lastVippsCode, @lastTraceId,
      @lastError, @createdAt, @updatedAt)`),
    updateOp: db.prepare<OperationRecord>(`UPDATE provider_operations SET state = @state, attempts = @attempts,
      last_attempt_at = @lastAttemptAt, last_http_status = @lastHttpStatus, last_vipps_code = @lastVippsCode,
      last_trace_id = @lastTraceId, last_error = @lastError, updated_at = @updatedAt WHERE id = @id`),
    // Only an operation never attempted: bytes that may have reached Vipps are never changed.
    completeBody: db.prepare<[string, number, number]>(`UPDATE provider_operations SET body = ?, updated_at = ?
      WHERE id = ? AND attempts = 0 AND state = 'pending'`),
    pruneFinal: db.prepare<{ before: number; limit: number }>(`DELETE FROM payments WHERE id IN (SELECT id
      FROM payments WHERE status IN ('captured', 'cancelled', 'declined', 'expired', 'failed', 'refunded')
      AND updated_at < @before AND created_at < @before AND id NOT IN
      (SELECT payment_id FROM provider_operations WHERE state IN ('pending', 'sending', 'retry')) LIMIT @limit)`),
    countOps: db.prepare<[number, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM provider_operations WHERE payment_id = ? AND kind = ?',
    ),
  }
}

/** All SQL for `payments` and `provider_operations`; statements are prepared once. */
export class PaymentRepo {
  readonly #q: ReturnType<typeof prepare>

  constructor(db: Db) {
    this.#q = prepare(db)
  }

  byId(id: number): PaymentRecord | undefined {
    return this.#q.byId.get(id)
  }

  byTillKey(tillId: string, key: string): PaymentRecord | undefined {
    return this.#q.byTillKey.get(tillId, key)
  }

  /** The id the next insert will get; valid inside the write transaction that inserts it. */
  nextId(): number {
    return (this.#q.lastId.get()?.seq ?? 0) + 1
  }

  insert(p: PaymentRecord): void {
    this.#q.insert.run(p)
  }

  /** Writes every field that can change after accept. */
  update(p: PaymentRecord): void {
    this.#q.update.run(p)
  }

  setNextAction(id: number, at: number | null, pollFailures = 0): void {
    this.#q.setNextAction.run(at, pollFailures, id)
  }

  /** Payments due by `now`, earliest first, leaving out those being worked on. */
  due(now: number, busy: readonly number[], limit: number): number[] {
    return this.#q.due.all(now, JSON.stringify(busy), limit).map((r) => r.id)
  }

  earliestDue(busy: readonly number[]): number | undefined {
    return this.#q.earliest.get(JSON.stringify(busy))?.at ?? undefined
  }

  /** Payments that still need work but have nothing scheduled (the completer's safety net). */
  unscheduled(): number[] {
    return this.#q.unscheduled.all().map((r) => r.id)
  }

  /** Payments with an attempt whose outcome nobody learnt. */
  withStaleAttempts(): number[] {
    return this.#q.staleSending.all().map((r) => r.paymentId)
  }

  operations(paymentId: number): OperationRecord[] {
    return this.#q.opsOf.all(paymentId)
  }

  insertOperation(op: NewOperation): OperationRecord {
    const id = Number(this.#q.insertOp.run(op).lastInsertRowid)
    return { ...op, id }
  }

  updateOperation(op: OperationRecord): void {
    this.#q.updateOp.run(op)
  }

  /**
   * Replaces the body of an operation that was never sent (the create, once the personal QR is
   * exchanged for the customer's number). False when it had been attempted: nothing changes.
   */
  completeBody(id: number, body: string, now: number): boolean {
    return this.#q.completeBody.run(body, now, id).changes === 1
  }

  /** Deletes up to `limit` final payments last changed before `before` (operations and timeline go with them). */
  pruneFinal(before: number, limit: number): number {
    return this.#q.pruneFinal.run({ before, limit }).changes
  }

  /** How many operations of a kind the payment has had: numbers the next key. */
  countOperations(paymentId: number, kind: OperationKind): number {
    return this.#q.countOps.get(paymentId, kind)?.n ?? 0
  }
}
