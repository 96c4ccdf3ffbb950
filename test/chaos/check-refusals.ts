import type { Payment } from '../../src/client/index.js'
import type { LedgerPayment, PaymentRecord, TillLog } from './records.js'

/**
 * The two promises about Vipps' refusals, checked on a finished chaos run:
 * - a sale the till cancelled (and never asked to capture) is never captured at Vipps;
 * - every capture or refund the till was told "accepted" that Vipps did not carry out was told to
 *   the till as `payment.refusal` (then it is no "capture-not-once" or "refund-not-once").
 */

export type RefusalViolationKind = 'cancelled-captured' | 'refusal-not-told'

export interface RefusalViolation {
  kind: RefusalViolationKind
  subject: string
  detail: string
}

/** The till's last view of the payment says Vipps refused this operation. */
export function refusalTold(till: TillLog | undefined, key: string, operation: 'capture' | 'refund'): boolean {
  return till?.lastSeen.get(key)?.refusal?.operation === operation
}

export function checkRefusals(
  p: PaymentRecord,
  final: Payment,
  l: LedgerPayment,
  till: TillLog | undefined,
  id: string,
): RefusalViolation[] {
  const out: RefusalViolation[] = []
  const captured = l.aggregate.capturedAmount.value
  if (p.cancel?.outcome === 'answered' && p.capture === undefined && captured > 0) {
    out.push({ kind: 'cancelled-captured', subject: id, detail: `the till cancelled; Vipps captured ${captured}` })
  }
  const captures = l.operations.filter((o) => o.kind === 'capture').length
  if (p.capture?.outcome === 'answered' && captures === 0 && final.captured === 0) {
    if (!refusalTold(till, p.key, 'capture')) {
      out.push({
        kind: 'refusal-not-told',
        subject: id,
        detail: 'capture answered, not done at Vipps, and no refusal told',
      })
    }
  }
  const refunded = l.aggregate.refundedAmount.value
  const answered = [...p.refunds.values()].filter((r) => r.outcome === 'answered').reduce((n, r) => n + r.amount, 0)
  if (refunded < answered && !refusalTold(till, p.key, 'refund')) {
    out.push({
      kind: 'refusal-not-told',
      subject: id,
      detail: `refunds of ${answered} answered, ${refunded} done, no refusal told`,
    })
  }
  return out
}
