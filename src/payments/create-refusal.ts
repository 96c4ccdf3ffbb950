import type { OperationRecord } from './records.js'
import { isOpen } from './records.js'
import { fresh, type StepDeps } from './step-deps.js'
import type { WriteContext } from './write-batcher.js'

/**
 * The create will never be sent: Vipps refused it, or refused what it needed first (the personal
 * QR exchange). The payment fails with Vipps' code; every open intent is abandoned.
 */
export function refuseCreate(
  d: StepDeps,
  tx: WriteContext,
  id: number,
  op: OperationRecord,
  attempt: Partial<OperationRecord>,
  failure: { code: string; message: string },
): void {
  d.ledger.changeOperation(tx, op, { ...attempt, state: 'failed' })
  const payment = fresh(d, id)
  if (!payment) return
  abandonOpen(d, tx, payment.id)
  d.ledger.change(
    tx,
    payment,
    { status: 'failed', failureCode: failure.code, failureMessage: failure.message, nextActionAt: null },
    'Vipps refused the create',
  )
}

/** Every open intent of the payment is abandoned: nothing of it will ever be sent. */
export function abandonOpen(d: StepDeps, tx: WriteContext, id: number): void {
  for (const o of d.ledger.repo.operations(id)) if (isOpen(o)) d.ledger.changeOperation(tx, o, { state: 'abandoned' })
}
