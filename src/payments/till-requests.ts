import { modificationBody } from '../vipps/api.js'
import { amountLimitProblem } from './amount-limits.js'
import { createPaymentBody } from './create-body.js'
import type { PaymentLedger } from './ledger.js'
import { isLive } from './progress.js'
import { isOpen, type PaymentRecord, toView } from './records.js'
import { paymentReference } from './references.js'
import { requestHash } from './request-hash.js'
import { alreadyCaptured, idempotencyConflict, invalidField, invalidState, notFound } from './till-errors.js'
import type { CreatePaymentInput, Money, RequestResult } from './types.js'
import type { WriteContext } from './write-batcher.js'

export interface TillRequestOptions {
  referencePrefix: string
  sendDeadlineMs: number
}

export interface TillRequestDeps {
  ledger: PaymentLedger
  options: TillRequestOptions
  installationId: string
  msnForTill: (tillId: string) => string
  /** Tells the worker there is work now (called after COMMIT). */
  wake: () => void
}

/**
 * What a till may ask, each as one unit of work inside a write transaction: the intent (row,
 * operation with its key and exact body, event) is committed before anything is sent to Vipps,
 * and a request that throws changes nothing.
 */
export class TillRequests {
  readonly #d: TillRequestDeps

  constructor(deps: TillRequestDeps) {
    this.#d = deps
  }

  accept(tx: WriteContext, tillId: string, input: CreatePaymentInput): RequestResult {
    checkCreate(input)
    const { ledger, options } = this.#d
    const outOfLimits = amountLimitProblem(input.amount)
    if (outOfLimits) throw invalidField(outOfLimits)
    const hash = requestHash(input)
    const existing = ledger.repo.byTillKey(tillId, input.key)
    if (existing) {
      if (existing.requestHash !== hash) throw idempotencyConflict(`key "${input.key}"`)
      return { payment: toView(existing), replayed: true }
    }
    const id = ledger.repo.nextId()
    const reference = paymentReference(options.referencePrefix, this.#d.installationId, id)
    const payment: PaymentRecord = {
      id,
      tillId,
      tillKey: input.key,
      requestHash: hash,
      msn: this.#d.msnForTill(tillId),
      reference,
      status: 'queued',
      flow: input.flow,
      captureMode: input.capture,
      amount: input.amount.value,
      currency: input.amount.currency,
      customer: input.customer ? JSON.stringify(input.customer) : null,
      description: input.description ?? null,
      receipt: input.receipt ? JSON.stringify(input.receipt) : null,
      metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      authorized: 0,
      captured: 0,
      refunded: 0,
      cancelled: 0,
      qrUrl: null,
      failureCode: null,
      failureMessage: null,
      sendDeadline: tx.now + options.sendDeadlineMs,
      captureDeadline: null,
      nextActionAt: tx.now,
      pollFailures: 0,
      refusalOperation: null,
      refusalCode: null,
      refusalMessage: null,
      refusalAt: null,
      needsAttention: 0,
      createdAt: tx.now,
      updatedAt: tx.now,
    }
    ledger.insert(tx, payment)
    ledger.addOperation(tx, payment, 'create', createPaymentBody(reference, input))
    tx.afterCommit(this.#d.wake)
    return { payment: toView(payment), replayed: false }
  }

  /**
   * Cancel tells the truth. Never sent: cancelled at once. Possibly at Vipps but not approved:
   * a cancel that only succeeds if the customer has not approved (`cancelTransactionOnly`).
   * Approved: the reservation is released. Captured: ALREADY_CAPTURED, the till must refund.
   */
  cancel(tx: WriteContext, tillId: string, key: string): RequestResult {
    const { ledger } = this.#d
    let p = this.#find(tillId, key)
    switch (p.status) {
      case 'cancelling':
      case 'cancelled':
        return { payment: toView(p), replayed: true }
      case 'queued': {
        const create = ledger.repo.operations(p.id).find((op) => op.kind === 'create')
        if (create?.state === 'pending' && create.attempts === 0) {
          ledger.changeOperation(tx, create, { state: 'abandoned' })
          p = ledger.change(tx, p, { status: 'cancelled', nextActionAt: null }, 'cancelled before it was sent')
          return { payment: toView(p), replayed: false }
        }
        return this.#startCancel(tx, p, true)
      }
      case 'pending':
        return this.#startCancel(tx, p, true)
      case 'authorized':
        this.#stopCapture(tx, p)
        return this.#startCancel(tx, p, false)
      case 'captured':
      case 'partially_refunded':
      case 'refunded':
        throw alreadyCaptured(key)
      default:
        throw invalidState(key, p.status, 'there is nothing to cancel')
    }
  }

  capture(tx: WriteContext, tillId: string, key: string, amount?: Money): RequestResult {
    const { ledger } = this.#d
    const p = this.#find(tillId, key)
    if (amount && amount.currency !== p.currency) throw invalidField(`amount.currency: must be ${p.currency}`)
    const value = amount?.value ?? p.amount
    const captures = ledger.repo.operations(p.id).filter((op) => op.kind === 'capture' && isLive(op))
    if (captures.length > 0) {
      if (captures.some((op) => op.amount === value)) return { payment: toView(p), replayed: true }
      throw invalidState(key, p.status, 'it is already being captured with another amount')
    }
    if (p.status !== 'authorized') throw invalidState(key, p.status, 'only an authorized payment can be captured')
    if (value > p.amount) throw invalidField(`amount.value: at most the authorized ${p.amount} can be captured`)
    const money = { currency: p.currency, value }
    ledger.addOperation(tx, p, 'capture', modificationBody.capture(money), { amount: value })
    const after = ledger.change(tx, p, { nextActionAt: tx.now })
    tx.afterCommit(this.#d.wake)
    return { payment: toView(after), replayed: false }
  }

  refund(tx: WriteContext, tillId: string, key: string, refundKey: string, amount: Money): RequestResult {
    const { ledger } = this.#d
    const p = this.#find(tillId, key)
    const hash = requestHash({ refundKey, amount })
    const ops = ledger.repo.operations(p.id)
    const earlier = ops.find((op) => op.kind === 'refund' && op.refundKey === refundKey)
    if (earlier) {
      if (earlier.refundHash !== hash) throw idempotencyConflict(`refundKey "${refundKey}"`)
      return { payment: toView(p), replayed: true }
    }
    if (p.status !== 'captured' && p.status !== 'partially_refunded') {
      throw invalidState(key, p.status, 'only a captured payment can be refunded')
    }
    if (amount.currency !== p.currency) throw invalidField(`amount.currency: must be ${p.currency}`)
    const inFlight = ops.filter((op) => op.kind === 'refund' && isOpen(op))
    const left = p.captured - p.refunded - inFlight.reduce((sum, op) => sum + (op.amount ?? 0), 0)
    if (amount.value > left) throw invalidField(`amount.value: at most ${left} can still be refunded`)
    ledger.addOperation(tx, p, 'refund', modificationBody.refund(amount), {
      amount: amount.value,
      refundKey,
      refundHash: hash,
    })
    const after = ledger.change(tx, p, { nextActionAt: tx.now })
    tx.afterCommit(this.#d.wake)
    return { payment: toView(after), replayed: false }
  }

  #startCancel(tx: WriteContext, p: PaymentRecord, transactionOnly: boolean): RequestResult {
    const { ledger } = this.#d
    ledger.addOperation(tx, p, 'cancel', modificationBody.cancel(transactionOnly))
    const after = ledger.change(tx, p, { status: 'cancelling', nextActionAt: tx.now }, 'cancel requested by the till')
    tx.afterCommit(this.#d.wake)
    return { payment: toView(after), replayed: false }
  }

  /**
   * A cancel that met a capture: an approved auto payment gets its capture queued the moment
   * the approval is read. Not sent yet, it is dropped and the cancel wins (the worker marks a
   * capture in a write transaction of its own, so it sees the drop and never sends). Already
   * attempted, its outcome may be money taken: the cancel is refused, and the till learns the
   * capture's outcome from its events (refund once captured).
   */
  #stopCapture(tx: WriteContext, p: PaymentRecord): void {
    const { ledger } = this.#d
    const capturing = ledger.repo.operations(p.id).filter((op) => op.kind === 'capture' && isOpen(op))
    if (capturing.length === 0) return
    if (p.captureMode !== 'auto' || capturing.some((op) => op.attempts > 0)) {
      throw invalidState(p.tillKey, p.status, 'it is being captured; refund it once it is captured')
    }
    for (const op of capturing) ledger.changeOperation(tx, op, { state: 'abandoned' })
  }

  #find(tillId: string, key: string): PaymentRecord {
    const p = this.#d.ledger.repo.byTillKey(tillId, key)
    if (!p) throw notFound(key)
    return p
  }
}

function checkCreate(input: CreatePaymentInput): void {
  if (!Number.isSafeInteger(input.amount.value) || input.amount.value <= 0) {
    throw invalidField('amount.value: must be an integer > 0')
  }
  if (input.flow === 'push' && !input.customer) throw invalidField('customer: required for flow "push"')
  if (input.flow === 'qr' && input.customer) throw invalidField('customer: not allowed for flow "qr"')
  const age = input.minimumUserAge
  if (age !== undefined && (!Number.isSafeInteger(age) || age < 1 || age > 120)) {
    throw invalidField('minimumUserAge: must be an integer of 1–120 (years)')
  }
}
