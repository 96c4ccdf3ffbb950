import { modificationBody } from '../vipps/api.js'
import type { PaymentLedger } from './ledger.js'
import { isOpen, type OperationRecord, type PaymentRecord } from './records.js'
import { failureFor, type VippsFacts } from './vipps-status.js'
import type { WriteContext } from './write-batcher.js'

/** How often a reservation nothing of ours can move any more is read back from Vipps. */
export const SETTLED_READ_MS = 10 * 60_000

export interface ProgressOptions {
  pollIntervalMs: number
  manualCaptureTimeoutMs: number
}

/**
 * Brings a payment in line with what Vipps reported (money only from the aggregate). While a
 * cancel of ours is still open, a payment Vipps sees as pending or authorized stays `cancelling`.
 */
export function applyFacts(
  ledger: PaymentLedger,
  tx: WriteContext,
  p: PaymentRecord,
  facts: VippsFacts,
  detail?: string,
): PaymentRecord {
  const cancelOpen = ledger.repo.operations(p.id).some((op) => op.kind === 'cancel' && isOpen(op))
  let status = facts.status
  if (cancelOpen && (status === 'pending' || status === 'authorized')) status = 'cancelling'
  const failure = failureFor(status)
  return ledger.change(
    tx,
    p,
    {
      status,
      authorized: facts.authorized,
      captured: facts.captured,
      refunded: facts.refunded,
      cancelled: facts.cancelled,
      failureCode: failure?.code ?? p.failureCode,
      failureMessage: failure?.message ?? p.failureMessage,
    },
    detail,
  )
}

/**
 * Adds the intents that follow from where the payment stands, then schedules its next look:
 * capture an approved auto payment; release what a partial capture left reserved; cancel a
 * manual reservation nobody captured in time (and an auto one whose capture Vipps refused, so
 * no money stays reserved). `notBefore` holds the next look back (polling pace, backoff).
 */
export function followUp(
  ledger: PaymentLedger,
  tx: WriteContext,
  payment: PaymentRecord,
  options: ProgressOptions,
  notBefore?: number,
): PaymentRecord {
  let p = payment
  const ops = ledger.repo.operations(p.id)
  const live = (kind: OperationRecord['kind']) => ops.some((op) => op.kind === kind && isLive(op))
  const ever = (kind: OperationRecord['kind']) => ops.some((op) => op.kind === kind)
  const cancel = (detail: string) => {
    ledger.addOperation(tx, p, 'cancel', modificationBody.cancel(false))
    if (p.status === 'authorized') p = ledger.change(tx, p, { status: 'cancelling' }, detail)
  }

  // Once anyone asked to cancel, nothing is captured automatically: a till's cancel that met an
  // approval (6250 retried out, or refused) releases the whole reservation instead, once.
  const fullCancelAsked = ops.some((op) => op.kind === 'cancel' && op.body === modificationBody.cancel(false))
  if (p.status === 'authorized' && ever('cancel') && !live('cancel') && !fullCancelAsked) {
    cancel('the till cancelled; releasing the reservation')
  }
  if (p.status === 'authorized' && !live('capture')) {
    if (p.captureMode === 'auto' && !ever('capture') && !ever('cancel')) {
      const amount = { currency: p.currency, value: p.amount }
      ledger.addOperation(tx, p, 'capture', modificationBody.capture(amount), { amount: p.amount })
    } else if (p.captureMode === 'auto' && !ever('cancel')) {
      cancel('capture refused; releasing the reservation')
    } else if (p.captureMode === 'manual' && p.captureDeadline === null) {
      p = ledger.change(tx, p, { captureDeadline: tx.now + options.manualCaptureTimeoutMs })
    } else if (p.captureMode === 'manual' && (p.captureDeadline ?? 0) <= tx.now && !ever('cancel')) {
      cancel('not captured in time; releasing the reservation')
    }
  }
  const partlyCaptured = p.captured > 0 && p.captured < p.authorized && p.cancelled === 0
  if (partlyCaptured && !ever('cancel') && !ops.some((op) => op.kind === 'capture' && isOpen(op))) {
    cancel('partial capture; releasing the rest')
  }

  let at = planNext(p, ledger.repo.operations(p.id), tx.now, options)
  if (at !== null && notBefore !== undefined) at = Math.max(at, notBefore)
  if (at === p.nextActionAt && p.pollFailures === 0) return p
  return ledger.change(tx, p, { nextActionAt: at, pollFailures: 0 })
}

/** When the worker must look at the payment again; null when nothing more will happen by itself. */
export function planNext(p: PaymentRecord, ops: OperationRecord[], now: number, o: ProgressOptions): number | null {
  if (ops.some(isOpen)) return now
  switch (p.status) {
    case 'queued':
    case 'cancelling':
      return now
    case 'pending':
      return now + o.pollIntervalMs
    case 'authorized':
      if (p.captureMode === 'manual' && p.captureDeadline !== null && p.captureDeadline > now) return p.captureDeadline
      // Reserved money and nothing of ours left to move it: a release (or capture) Vipps refused.
      // A person is told (needsAttention); meanwhile Vipps is read back now and then, so the till
      // learns the end when it comes (a release from the portal, the reservation expiring).
      return now + SETTLED_READ_MS
    default:
      return null
  }
}

/** Done, or still to be sent: not refused and not given up. */
export function isLive(op: OperationRecord): boolean {
  return op.state !== 'failed' && op.state !== 'abandoned'
}
