import { classifyFailure } from './call-outcome.js'
import { applyFacts } from './progress.js'
import type { PaymentRecord } from './records.js'
import { advance, backOff, fresh, type StepDeps } from './step-deps.js'
import { factsFromVipps } from './vipps-status.js'
import type { WriteContext } from './write-batcher.js'

/**
 * Reads the payment at Vipps and brings ours in line: the poll of a pending payment (first after
 * pollFirstDelayMs, then every pollIntervalMs, slower after failures and on Retry-After), the
 * read-back of a cancel, and, with `staleAttempts`, the read before continuing operations whose
 * last attempt died with the daemon. Those then go again with their stored key and body.
 */
export async function readBack(d: StepDeps, p: PaymentRecord, staleAttempts = false): Promise<void> {
  try {
    const info = await d.providerFor(p.msn).getPayment(p.reference, { signal: d.signal })
    await d.writer.run((tx) => {
      d.ledger.recordCall(tx, p.id, { operation: 'getPayment', httpStatus: 200, outcome: 'ok' })
      if (staleAttempts) markRetry(d, p.id, tx)
      const payment = fresh(d, p.id)
      if (!payment) return
      const after = applyFacts(d.ledger, tx, payment, factsFromVipps(info.state, info.aggregate))
      advance(d, tx, after, after.status === 'pending' ? tx.now + d.options.pollIntervalMs : undefined)
    })
  } catch (err) {
    if (d.signal.aborted) return
    const f = classifyFailure('getPayment', undefined, err)
    await d.writer.run((tx) => {
      d.ledger.recordCall(tx, p.id, f.entry)
      // Without a read the operations still go again: their keys make a repeat harmless.
      if (staleAttempts && !f.retryable) markRetry(d, p.id, tx)
      const payment = fresh(d, p.id)
      if (payment) backOff(d, tx, payment, f)
    })
  }
}

function markRetry(d: StepDeps, id: number, tx: WriteContext): void {
  for (const op of d.ledger.repo.operations(id)) {
    if (op.state === 'sending') d.ledger.changeOperation(tx, op, { state: 'retry' })
  }
}
