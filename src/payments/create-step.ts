import type { GetPaymentResponse } from '../vipps/types.js'
import { classifyFailure, failureCode, retryDelay } from './call-outcome.js'
import { abandonOpen, refuseCreate } from './create-refusal.js'
import { applyFacts } from './progress.js'
import { exchangePersonalQr, scannedPersonalQr } from './qr-exchange-step.js'
import { isOpen, type OperationRecord, type PaymentRecord } from './records.js'
import { advance, backOff, fresh, type StepDeps } from './step-deps.js'
import { factsFromVipps } from './vipps-status.js'
import type { WriteContext } from './write-batcher.js'

export const EXPIRED_BEFORE_SEND = {
  code: 'EXPIRED_BEFORE_SEND',
  message: 'the payment could not be sent to Vipps before its send deadline',
}

/**
 * The create at Vipps. Never attempted: sent if its send deadline has not passed (a scanned
 * personal QR is exchanged for the customer's number first), else the payment expires unsent. Attempted before (the answer was lost, or the daemon died): read the
 * payment back by reference first, and only send again (same key, same bytes) if Vipps does not
 * have it and the deadline allows.
 */
export async function runCreate(d: StepDeps, p: PaymentRecord, op: OperationRecord): Promise<void> {
  if (op.attempts === 0) {
    const qrCode = scannedPersonalQr(op.body)
    if (d.clock.now() >= p.sendDeadline) await d.writer.run((tx) => expireUnsent(d, tx, p.id, 'send deadline passed'))
    else if (qrCode !== undefined) await exchangePersonalQr(d, p, op, qrCode)
    else await sendCreate(d, p, op)
    return
  }
  await resolveCreate(d, p, op)
}

async function sendCreate(d: StepDeps, p: PaymentRecord, op: OperationRecord): Promise<void> {
  d.trace.mark(p.tillId, p.tillKey, 'workerWoken')
  // Intent before action: the attempt is on disk before the first byte leaves.
  if (await d.writer.run((tx) => markIntent(d, tx, p.id, op.id))) await sendMarked(d, p, op)
}

/**
 * Whether a create can go out right after its accept: never attempted, and nothing to do before
 * it (a scanned personal QR is exchanged first, in its own step).
 */
export function sendsAtOnce(op: OperationRecord): boolean {
  return op.kind === 'create' && op.attempts === 0 && scannedPersonalQr(op.body) === undefined
}

/**
 * Records the attempt (state `sending`) in `tx`; false if the create is no longer to be sent.
 * The worker also calls it inside the accept's own transaction (PaymentWorker#claim), so a fresh
 * sale's intent shares the accept's COMMIT instead of waiting for one of its own.
 */
export function markIntent(d: StepDeps, tx: WriteContext, paymentId: number, opId: number): boolean {
  const payment = fresh(d, paymentId)
  const current = d.ledger.repo.operations(paymentId).find((o) => o.id === opId)
  if (payment?.status !== 'queued' || !current || !isOpen(current)) return false
  if (tx.now >= payment.sendDeadline) return false
  d.ledger.changeOperation(tx, current, { state: 'sending', attempts: current.attempts + 1, lastAttemptAt: tx.now })
  return true
}

/** Sends a create whose attempt markIntent has recorded; call only after that COMMIT. */
export async function sendMarked(d: StepDeps, p: PaymentRecord, op: OperationRecord): Promise<void> {
  d.trace.mark(p.tillId, p.tillKey, 'intentCommitted')
  const request = { idempotencyKey: op.idempotencyKey, body: op.body }
  // The client's own retries must end by the send deadline too: after it, nothing is sent.
  const deadlineMs = Math.max(1, Math.min(d.options.callDeadlineMs, p.sendDeadline - d.clock.now()))
  try {
    d.trace.mark(p.tillId, p.tillKey, 'requestSent')
    const created = await d.providerFor(p.msn).createPayment(request, { signal: d.signal, deadlineMs })
    d.trace.mark(p.tillId, p.tillKey, 'answerReceived')
    await d.writer.run((tx) => {
      tx.afterCommit(() => d.trace.mark(p.tillId, p.tillKey, 'resultCommitted'))
      d.ledger.recordCall(tx, p.id, {
        operation: 'createPayment',
        idempotencyKey: op.idempotencyKey,
        httpStatus: 201,
        outcome: 'ok',
      })
      markCreated(d, tx, op)
      let payment = fresh(d, p.id)
      if (!payment) return
      const qrUrl = payment.flow === 'qr' ? (created.redirectUrl ?? null) : null
      const status = payment.status === 'queued' ? 'pending' : payment.status
      payment = d.ledger.change(tx, payment, { status, qrUrl }, 'created at Vipps')
      // Vipps' guideline: the first poll only after pollFirstDelayMs; a waiting cancel goes at once.
      advance(d, tx, payment, status === 'pending' ? tx.now + d.options.pollFirstDelayMs : undefined)
    })
  } catch (err) {
    if (d.signal.aborted) return
    const f = classifyFailure('createPayment', op.idempotencyKey, err)
    await d.writer.run((tx) => {
      d.ledger.recordCall(tx, p.id, f.entry)
      const current = d.ledger.repo.operations(p.id).find((o) => o.id === op.id) ?? op
      const attempt = {
        lastHttpStatus: f.httpStatus ?? null,
        lastVippsCode: f.vippsCode ?? null,
        lastTraceId: f.entry.traceId ?? null,
        lastError: f.message,
      }
      if (f.retryable) {
        d.ledger.changeOperation(tx, current, { ...attempt, state: 'retry' })
        const delay = retryDelay(
          current.attempts,
          d.options.retryMinDelayMs,
          d.options.retryMaxDelayMs,
          d.random,
          f.retryAfterMs,
        )
        // Past the send deadline it will not go again: look then for the verdict, not later.
        d.ledger.repo.setNextAction(p.id, Math.min(tx.now + delay, p.sendDeadline + d.options.settleMs))
        return
      }
      // Vipps refused it (4xx sticks to the key): nothing was created, and nothing more will be sent.
      refuseCreate(d, tx, p.id, current, attempt, { code: failureCode(f), message: f.message })
    })
  }
}

async function resolveCreate(d: StepDeps, p: PaymentRecord, op: OperationRecord): Promise<void> {
  let info: GetPaymentResponse
  try {
    info = await d.providerFor(p.msn).getPayment(p.reference, { signal: d.signal })
  } catch (err) {
    if (d.signal.aborted) return
    const f = classifyFailure('getPayment', undefined, err)
    if (!f.notFound) {
      await d.writer.run((tx) => {
        d.ledger.recordCall(tx, p.id, f.entry)
        const payment = fresh(d, p.id)
        if (payment) backOff(d, tx, payment, f)
      })
      return
    }
    const now = d.clock.now()
    if (p.status === 'queued' && now < p.sendDeadline) {
      await d.writer.run((tx) => d.ledger.recordCall(tx, p.id, f.entry))
      await sendCreate(d, p, op)
      return
    }
    // Vipps does not have it and it will not be sent again. An attempt may still be on its way:
    // wait until the last one could have landed before declaring it never sent. The last call
    // began at lastAttemptAt and, retries included, ended by its deadline (never past sendDeadline).
    await d.writer.run((tx) => {
      d.ledger.recordCall(tx, p.id, f.entry)
      const lastCallEnd = Math.min(p.sendDeadline, (op.lastAttemptAt ?? p.sendDeadline) + d.options.callDeadlineMs)
      const settledAt = lastCallEnd + d.options.settleMs
      if (tx.now < settledAt) d.ledger.repo.setNextAction(p.id, settledAt)
      else expireUnsent(d, tx, p.id, 'Vipps never received the create')
    })
    return
  }
  await d.writer.run((tx) => {
    d.ledger.recordCall(tx, p.id, { operation: 'getPayment', httpStatus: 200, outcome: 'ok' })
    markCreated(d, tx, op)
    let payment = fresh(d, p.id)
    if (!payment) return
    if (payment.flow === 'qr' && info.redirectUrl && !payment.qrUrl)
      payment = d.ledger.change(tx, payment, { qrUrl: info.redirectUrl })
    payment = applyFacts(d.ledger, tx, payment, factsFromVipps(info.state, info.aggregate), 'found at Vipps')
    advance(d, tx, payment, payment.status === 'pending' ? tx.now + d.options.pollIntervalMs : undefined)
  })
}

function markCreated(d: StepDeps, tx: WriteContext, op: OperationRecord): void {
  const current = d.ledger.repo.operations(op.paymentId).find((o) => o.id === op.id)
  if (current && current.state !== 'done') d.ledger.changeOperation(tx, current, { state: 'done', lastHttpStatus: 201 })
}

/**
 * Ends a payment whose create was never at Vipps: a till's cancel wins (cancelled), otherwise it
 * expired unsent. Every open intent is abandoned; nothing of it will ever be sent.
 */
export function expireUnsent(d: StepDeps, tx: WriteContext, id: number, detail: string): void {
  const payment = fresh(d, id)
  if (!payment || (payment.status !== 'queued' && payment.status !== 'cancelling')) return
  const create = d.ledger.repo.operations(id).find((o) => o.kind === 'create')
  if (!create || !isOpen(create)) return
  abandonOpen(d, tx, id)
  if (payment.status === 'cancelling') {
    d.ledger.change(tx, payment, { status: 'cancelled', nextActionAt: null }, detail)
  } else {
    d.ledger.change(
      tx,
      payment,
      {
        status: 'expired',
        failureCode: EXPIRED_BEFORE_SEND.code,
        failureMessage: EXPIRED_BEFORE_SEND.message,
        nextActionAt: null,
      },
      detail,
    )
  }
}
