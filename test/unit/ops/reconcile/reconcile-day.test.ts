import { describe, expect, it } from 'vitest'
import { reconcileDay } from '../../../../src/ops/reconcile/reconcile.js'
import type { JournalPayment, VippsLookup, VippsSide } from '../../../../src/ops/reconcile/types.js'

function payment(reference: string, createdAt: number): JournalPayment {
  return {
    tillId: 't',
    key: reference,
    reference,
    msn: '123456',
    status: 'captured',
    currency: 'NOK',
    amount: 100,
    authorized: 100,
    captured: 100,
    refunded: 0,
    cancelled: 0,
    createdAt,
    failureCode: null,
    operations: [{ kind: 'create', idempotencyKey: `${reference}-c`, state: 'done' }],
  }
}

const side: VippsSide = {
  state: 'AUTHORIZED',
  currency: 'NOK',
  status: 'captured',
  authorized: 100,
  captured: 100,
  refunded: 0,
  cancelled: 0,
  moneyEvents: [],
}

describe('reconcileDay', () => {
  it('asks for the payments of the store day, keeps their order, and probes past the journal until an unknown', async () => {
    const asked: Array<[number, number]> = []
    const looked: string[] = []
    const known = new Set(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'next-1', 'next-2'])
    const report = await reconcileDay('2026-03-29', 'Europe/Oslo', {
      journalPayments: (start, end) => {
        asked.push([start, end])
        return ['r1', 'r2', 'r3', 'r4', 'r5', 'gone'].map((r, i) => payment(r, start + i))
      },
      lookup: async (_msn, reference): Promise<VippsLookup> => {
        looked.push(reference)
        // Answers arrive out of order; the report must not.
        await new Promise((resolve) => setTimeout(resolve, reference === 'r1' ? 20 : 1))
        return known.has(reference) ? { found: true, payment: side } : { found: false }
      },
      nextReferences: () => [{ msn: '123456', references: ['next-1', 'next-2', 'next-3', 'next-4'] }],
    })
    expect(asked).toEqual([[Date.UTC(2026, 2, 28, 23), Date.UTC(2026, 2, 29, 22)]])
    expect(report.lines.map((l) => l.payment.reference)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'gone'])
    expect(report.lines.map((l) => l.differences.length)).toEqual([0, 0, 0, 0, 0, 1])
    expect(report.unknownAtVipps.map((u) => u.reference)).toEqual(['next-1', 'next-2'])
    expect(looked.slice(-3)).toEqual(['next-1', 'next-2', 'next-3'])
    expect(report.totals.NOK).toEqual({
      payments: 6,
      journalCaptured: 600,
      journalRefunded: 0,
      vippsCaptured: 500,
      vippsRefunded: 0,
    })
  })
})
