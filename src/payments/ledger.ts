import type { Db } from '../store/db.js'
import { Mailbox } from './mailbox.js'
import type { NewOperation } from './payment-repo.js'
import { PaymentRepo } from './payment-repo.js'
import { type OperationRecord, type PaymentRecord, toView, viewChanged } from './records.js'
import { idempotencyKey, type OperationKind } from './references.js'
import { assertTransition } from './state-machine.js'
import { type CallEntry, Timeline } from './timeline.js'
import type { TillEvent } from './types.js'
import type { WriteContext } from './write-batcher.js'

export type EventListener = (tillId: string, event: TillEvent) => void

/**
 * The one place payments change. Every change checks the state machine, writes the timeline,
 * and, when a till would see a difference, appends the till's event in the same transaction and
 * hands it to listeners only after COMMIT.
 */
export class PaymentLedger {
  readonly repo: PaymentRepo
  readonly mailbox: Mailbox
  readonly timeline: Timeline
  readonly #listeners = new Set<EventListener>()

  constructor(db: Db) {
    this.repo = new PaymentRepo(db)
    this.mailbox = new Mailbox(db)
    this.timeline = new Timeline(db)
  }

  onEvent(listener: EventListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  insert(tx: WriteContext, p: PaymentRecord): void {
    this.repo.insert(p)
    this.timeline.status(p.id, tx.now, null, p.status)
    this.#announce(tx, p)
  }

  /** Applies `changes`; refuses a transition the state machine does not allow. */
  change(tx: WriteContext, before: PaymentRecord, changes: Partial<PaymentRecord>, detail?: string): PaymentRecord {
    const after: PaymentRecord = { ...before, ...changes, id: before.id }
    const visible = viewChanged(before, after)
    if (after.status !== before.status || visible) assertTransition(before.status, after.status)
    if (after.status !== before.status) this.timeline.status(after.id, tx.now, before.status, after.status, detail)
    if (visible) after.updatedAt = tx.now
    this.repo.update(after)
    if (visible) this.#announce(tx, after)
    return after
  }

  /** Adds the next operation of a kind, its key numbered after the ones before it. */
  addOperation(
    tx: WriteContext,
    p: PaymentRecord,
    kind: OperationKind,
    body: string,
    extra: Partial<Pick<NewOperation, 'amount' | 'refundKey' | 'refundHash'>> = {},
  ): OperationRecord {
    const n = this.repo.countOperations(p.id, kind) + 1
    return this.repo.insertOperation({
      paymentId: p.id,
      kind,
      idempotencyKey: idempotencyKey(p.reference, kind, n),
      body,
      amount: extra.amount ?? null,
      refundKey: extra.refundKey ?? null,
      refundHash: extra.refundHash ?? null,
      state: 'pending',
      attempts: 0,
      lastAttemptAt: null,
      lastHttpStatus: null,
      lastVippsCode: null,
      lastTraceId: null,
      lastError: null,
      createdAt: tx.now,
      updatedAt: tx.now,
    })
  }

  changeOperation(tx: WriteContext, op: OperationRecord, changes: Partial<OperationRecord>): OperationRecord {
    const after: OperationRecord = { ...op, ...changes, id: op.id, updatedAt: tx.now }
    this.repo.updateOperation(after)
    return after
  }

  recordCall(tx: WriteContext, paymentId: number, call: CallEntry): void {
    this.timeline.call(paymentId, tx.now, call)
  }

  #announce(tx: WriteContext, p: PaymentRecord): void {
    const event = this.mailbox.append(p.tillId, p.id, toView(p), tx.now)
    for (const listener of this.#listeners) tx.afterCommit(() => listener(p.tillId, event))
  }
}
