import { describe, expect, it } from 'vitest'
import type { Payment } from '../../../src/client/index.js'
import { checkRefusals } from '../../chaos/check-refusals.js'
import { type LedgerPayment, newRequest, type PaymentRecord, type TillLog } from '../../chaos/records.js'

const amount = (value: number) => ({ value })
function ledger(captured: number, refunded = 0, ops: string[] = []): LedgerPayment {
  return {
    reference: 'ref-1',
    state: 'AUTHORIZED',
    aggregate: {
      authorizedAmount: amount(1000),
      capturedAmount: amount(captured),
      refundedAmount: amount(refunded),
      cancelledAmount: amount(1000 - captured),
    },
    operations: ops.map((kind) => ({ kind, idempotencyKey: null, amount: amount(1000) })),
  }
}
function sale(extra: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    tillId: 't',
    key: 'k',
    scenario: 's',
    amount: 1000,
    reference: 'ref-1',
    create: { ...newRequest(), outcome: 'answered' },
    refunds: new Map(),
    abandoned: false,
    ...extra,
  }
}
const final = { key: 'k', captured: 0, refunded: 0 } as Payment
function till(seen?: Partial<Payment>): TillLog {
  return { tillId: 't', processed: [], crashes: 0, lastSeen: new Map(seen ? [['k', seen as Payment]] : []) }
}
const answered = { ...newRequest(), outcome: 'answered' as const }

describe('chaos checker: refusals', () => {
  it('a sale the till cancelled and Vipps captured is a violation; not captured is fine', () => {
    const cancelled = sale({ cancel: answered })
    expect(checkRefusals(cancelled, final, ledger(1000, 0, ['capture']), till(), 'id').map((v) => v.kind)).toEqual([
      'cancelled-captured',
    ])
    expect(checkRefusals(cancelled, final, ledger(0), till(), 'id')).toEqual([])
  })

  it('an answered capture or refund Vipps did not do must reach the till as a refusal', () => {
    const captureAsked = sale({ capture: { ...answered, amount: 1000 } })
    expect(checkRefusals(captureAsked, final, ledger(0), till(), 'id').map((v) => v.kind)).toEqual(['refusal-not-told'])
    const told = till({ refusal: { operation: 'capture', code: '6260', message: 'm', at: 'x' } })
    expect(checkRefusals(captureAsked, final, ledger(0), told, 'id')).toEqual([])

    const refundAsked = sale({ refunds: new Map([['r', { ...answered, amount: 500 }]]) })
    expect(checkRefusals(refundAsked, final, ledger(1000), till(), 'id').map((v) => v.kind)).toEqual([
      'refusal-not-told',
    ])
    const refundTold = till({ refusal: { operation: 'refund', code: '6220', message: 'm', at: 'x' } })
    expect(checkRefusals(refundAsked, final, ledger(1000), refundTold, 'id')).toEqual([])
  })
})
