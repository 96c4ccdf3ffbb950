import { describe, expect, it } from 'vitest'
import { comparePayment, discrepancyCount, totalsByCurrency } from '../../../../src/ops/reconcile/compare.js'
import type { JournalPayment, VippsSide } from '../../../../src/ops/reconcile/types.js'

function journal(overrides: Partial<JournalPayment> = {}): JournalPayment {
  return {
    tillId: 'till-1',
    key: 'sale-1',
    reference: 'tb-abcdef-1',
    msn: '123456',
    status: 'captured',
    currency: 'NOK',
    amount: 12550,
    authorized: 12550,
    captured: 12550,
    refunded: 0,
    cancelled: 0,
    createdAt: 0,
    failureCode: null,
    operations: [
      { kind: 'create', idempotencyKey: 'tb-abcdef-1-c', state: 'done' },
      { kind: 'capture', idempotencyKey: 'tb-abcdef-1-cap1', state: 'done' },
    ],
    ...overrides,
  }
}

function vipps(overrides: Partial<VippsSide> = {}): { found: true; payment: VippsSide } {
  return {
    found: true,
    payment: {
      state: 'AUTHORIZED',
      currency: 'NOK',
      status: 'captured',
      authorized: 12550,
      captured: 12550,
      refunded: 0,
      cancelled: 0,
      moneyEvents: [{ name: 'CAPTURED', amount: 12550, idempotencyKey: 'tb-abcdef-1-cap1' }],
      ...overrides,
    },
  }
}

describe('comparing a journal payment with Vipps', () => {
  it('finds nothing when both sides agree', () => {
    expect(comparePayment(journal(), vipps()).differences).toEqual([])
  })

  it('names each amount and the status that differ', () => {
    const line = comparePayment(journal(), vipps({ status: 'partially_refunded', refunded: 5000 }))
    expect(line.differences).toEqual([
      'status: journal captured, Vipps partially_refunded (AUTHORIZED)',
      'refunded: journal 0, Vipps 5000',
    ])
  })

  it('flags money moved at Vipps under a key tillbridge never sent; keyless events cannot be attributed', () => {
    const line = comparePayment(
      journal(),
      vipps({
        moneyEvents: [
          { name: 'CAPTURED', amount: 12550, idempotencyKey: 'tb-abcdef-1-cap1' },
          { name: 'REFUNDED', amount: 100, idempotencyKey: 'portal-77' },
          { name: 'REFUNDED', amount: 200, idempotencyKey: null },
        ],
      }),
    )
    expect(line.differences).toEqual([
      'REFUNDED of 100 at Vipps under Idempotency-Key portal-77, which tillbridge never sent',
    ])
  })

  it('a reference Vipps does not know is fine when the create never went through, wrong when it did', () => {
    const neverSent = journal({
      status: 'expired',
      authorized: 0,
      captured: 0,
      failureCode: 'EXPIRED_BEFORE_SEND',
      operations: [{ kind: 'create', idempotencyKey: 'tb-abcdef-1-c', state: 'abandoned' }],
    })
    expect(comparePayment(neverSent, { found: false }).differences).toEqual([])
    expect(comparePayment(journal(), { found: false }).differences).toEqual([
      'Vipps does not know this reference, but the journal says it was created',
    ])
  })

  it('a payment the journal thinks Vipps refused, but which Vipps has, is a discrepancy', () => {
    const refused = journal({
      status: 'failed',
      authorized: 0,
      captured: 0,
      operations: [{ kind: 'create', idempotencyKey: 'tb-abcdef-1-c', state: 'failed' }],
    })
    const line = comparePayment(
      refused,
      vipps({ state: 'CREATED', status: 'pending', authorized: 0, captured: 0, moneyEvents: [] }),
    )
    expect(line.differences[0]).toBe('Vipps has this payment, but the journal says Vipps refused it')
  })

  it('marks open work as in progress and reports a lookup that failed as not checked', () => {
    const open = journal({ operations: [{ kind: 'create', idempotencyKey: 'k', state: 'retry' }] })
    const line = comparePayment(open, { error: 'Vipps did not answer' })
    expect(line).toMatchObject({ inProgress: true, differences: ['not checked: Vipps did not answer'] })
  })

  it('totals captured and refunded per currency on both sides, and counts discrepancies', () => {
    const lines = [
      comparePayment(journal(), vipps()),
      comparePayment(
        journal({ currency: 'EUR', amount: 1000, captured: 1000 }),
        vipps({ captured: 1000, refunded: 300 }),
      ),
      comparePayment(journal({ refunded: 50 }), { found: false }),
    ]
    expect(totalsByCurrency(lines)).toEqual({
      NOK: { payments: 2, journalCaptured: 25100, journalRefunded: 50, vippsCaptured: 12550, vippsRefunded: 0 },
      EUR: { payments: 1, journalCaptured: 1000, journalRefunded: 0, vippsCaptured: 1000, vippsRefunded: 300 },
    })
    expect(discrepancyCount({ lines, unknownAtVipps: [] })).toBe(2)
  })
})
