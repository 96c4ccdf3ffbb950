import type { CallFailure } from './call-outcome.js'
import type { PaymentLedger } from './ledger.js'
import type { PaymentRecord, RefusalOperation } from './records.js'
import { canTransition } from './state-machine.js'
import type { WriteContext } from './write-batcher.js'

/**
 * Tells the till that Vipps refused an operation: `payment.refusal` changes, so the ledger sends
 * an event (PROTOCOL-v1, additions within version 1). The status is left as it is: it says where
 * the money is. `attention` also flags the payment for a person. A payment whose status may not
 * change any more (cancelled, refunded, …) keeps its last view; the timeline still has the call.
 */
export function tellRefusal(
  ledger: PaymentLedger,
  tx: WriteContext,
  p: PaymentRecord,
  operation: RefusalOperation,
  f: CallFailure,
  attention: boolean,
): PaymentRecord {
  if (!canTransition(p.status, p.status)) return p
  const code = f.vippsCode ?? (f.httpStatus !== undefined ? String(f.httpStatus) : (f.code ?? 'UNKNOWN'))
  return ledger.change(
    tx,
    p,
    {
      refusalOperation: operation,
      refusalCode: code,
      refusalMessage: f.message,
      refusalAt: tx.now,
      needsAttention: attention || p.needsAttention === 1 ? 1 : 0,
    },
    `Vipps refused ${operation} (${code})`,
  )
}
