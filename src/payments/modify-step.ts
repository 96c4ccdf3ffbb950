import { modificationBody } from '../vipps/api.js'
import type { ModificationResponse } from '../vipps/types.js'
import { classifyFailure, retryDelay } from './call-outcome.js'
import { applyFacts } from './progress.js'
import { isOpen, type OperationRecord, type PaymentRecord } from './records.js'
import { tellRefusal } from './refusal.js'
import { advance, fresh, type StepDeps } from './step-deps.js'
import { factsFromVipps } from './vipps-status.js'

const MINUTE = 60_000

const OPERATION_NAME = { capture: 'capturePayment', refund: 'refundPayment', cancel: 'cancelPayment' } as const

/**
 * One capture, refund or cancel, sent with its stored key and exact body. What a failure means
 * comes from the policy table (vipps/refusal-policy.ts): a transient failure or a "try again"
 * refusal keeps the intent for a later try with the same bytes (refusals within their bound); any
 * other refusal ends it and is told to the till (`payment.refusal`). A cancel refused with 6060
 * (the customer approved meanwhile) becomes a full cancel that releases the reservation.
 */
export async function runModification(d: StepDeps, p: PaymentRecord, op: OperationRecord): Promise<void> {
  if (op.kind === 'create') throw new Error('creates are sent by runCreate')
  const kind = op.kind
  const now = d.clock.now()
  const recent = d.ledger.timeline.modifyingCallsSince(p.id, now - MINUTE)
  const oldest = recent[recent.length - d.options.modificationsPerMinute]
  if (oldest !== undefined) {
    await d.writer.run(() => d.ledger.repo.setNextAction(p.id, oldest + MINUTE + 1))
    return
  }
  const marked = await d.writer.run((tx) => {
    const current = d.ledger.repo.operations(p.id).find((o) => o.id === op.id)
    if (!current || !isOpen(current)) return undefined
    return d.ledger.changeOperation(tx, current, {
      state: 'sending',
      attempts: current.attempts + 1,
      lastAttemptAt: tx.now,
    })
  })
  if (!marked) return
  const api = d.providerFor(p.msn)
  const request = { idempotencyKey: op.idempotencyKey, body: op.body }
  // Vipps counts requests: this call may send only what is left of this minute's allowance.
  // A call counts as one request at least (a provider that does not report attempts, a request
  // whose sending is in doubt): counting too many only waits, counting too few gets 429s.
  let sent = 0
  const options = {
    signal: d.signal,
    maxAttempts: d.options.modificationsPerMinute - recent.length,
    onAttempt: () => {
      sent++
    },
  }
  let answer: ModificationResponse
  try {
    answer =
      kind === 'capture'
        ? await api.capturePayment(p.reference, request, options)
        : kind === 'refund'
          ? await api.refundPayment(p.reference, request, options)
          : await api.cancelPayment(p.reference, request, options)
  } catch (err) {
    if (d.signal.aborted) return
    const f = classifyFailure(OPERATION_NAME[kind], op.idempotencyKey, err)
    await d.writer.run((tx) => {
      d.ledger.recordCall(tx, p.id, { ...f.entry, httpAttempts: Math.max(sent, 1) })
      const attempt = {
        lastHttpStatus: f.httpStatus ?? null,
        lastVippsCode: f.vippsCode ?? null,
        lastTraceId: f.entry.traceId ?? null,
        lastError: f.message,
      }
      const payment = fresh(d, p.id)
      const action = f.policy?.action
      // Transient failures (no answer, 5xx) have no bound: their outcome is unknown, so only the
      // same request may follow. A refusal the policy retries has its bound, then a person looks.
      const bound = action?.kind === 'retry' ? action.maxAttempts : Number.POSITIVE_INFINITY
      if (f.retryable && marked.attempts < bound) {
        d.ledger.changeOperation(tx, marked, { ...attempt, state: 'retry' })
        const { retryMinDelayMs, retryMaxDelayMs } = d.options
        const floor = Math.max(f.retryAfterMs ?? 0, action?.kind === 'retry' ? action.afterMs : 0)
        const delay = retryDelay(marked.attempts, retryMinDelayMs, retryMaxDelayMs, d.random, floor)
        if (payment) advance(d, tx, payment, tx.now + delay)
        return
      }
      d.ledger.changeOperation(tx, marked, { ...attempt, state: 'failed' })
      if (!payment) return
      if (kind === 'cancel' && action?.kind === 'releaseReservation') {
        // The customer approved while we cancelled the transaction only: release the reservation.
        d.ledger.addOperation(tx, payment, 'cancel', modificationBody.cancel(false))
        advance(d, tx, payment)
        return
      }
      const exhausted = f.retryable
      d.log.warn(exhausted ? 'Vipps kept refusing an operation; giving up' : 'Vipps refused an operation', {
        reference: p.reference,
        ...f.entry,
      })
      const told = tellRefusal(d.ledger, tx, payment, kind, f, exhausted || (f.policy?.attention ?? true))
      // A refused cancel leaves the payment `cancelling` with nothing open: the next look reads it back.
      advance(d, tx, told)
    })
    return
  }
  await d.writer.run((tx) => {
    d.ledger.recordCall(tx, p.id, {
      operation: OPERATION_NAME[kind],
      idempotencyKey: op.idempotencyKey,
      httpStatus: 200,
      outcome: 'ok',
      httpAttempts: Math.max(sent, 1),
    })
    d.ledger.changeOperation(tx, marked, { state: 'done', lastHttpStatus: 200 })
    const payment = fresh(d, p.id)
    if (!payment) return
    const after = applyFacts(d.ledger, tx, payment, factsFromVipps(answer.state, answer.aggregate), `${kind} done`)
    advance(d, tx, after)
  })
}
