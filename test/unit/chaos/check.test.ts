import { describe, expect, it } from 'vitest'
import type { Payment } from '../../../src/client/index.js'
import { checkRun, type ViolationKind } from '../../chaos/check.js'
import {
  type LedgerPayment,
  newRequest,
  type PaymentRecord,
  paymentId,
  type RunRecord,
  type TillLog,
} from '../../chaos/records.js'

const T0 = '2026-01-01T12:00:00.000Z'

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    key: 'sale-1',
    reference: 'tb-abc-1',
    status: 'captured',
    flow: 'push',
    capture: 'auto',
    amount: { value: 1000, currency: 'NOK' },
    captured: 1000,
    refunded: 0,
    cancelled: 0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

function ledgerEntry(overrides: Partial<LedgerPayment> = {}, ops: Array<[string, number]> = []): LedgerPayment {
  const amount = (value: number) => ({ value })
  return {
    reference: 'tb-abc-1',
    state: 'AUTHORIZED',
    aggregate: {
      authorizedAmount: amount(1000),
      capturedAmount: amount(1000),
      refundedAmount: amount(0),
      cancelledAmount: amount(0),
    },
    operations: [['create', 1000] as [string, number], ...ops].map(([kind, value]) => ({
      kind,
      idempotencyKey: `${kind}-key`,
      amount: { value },
    })),
    ...overrides,
  }
}

/** One auto-captured sale, told to the till and matched at Vipps: a run that keeps the promise. */
function cleanRun(): RunRecord & { record: PaymentRecord; till: TillLog } {
  const final = payment()
  const record: PaymentRecord = {
    tillId: 'till-0',
    key: 'sale-1',
    scenario: 'paid',
    amount: 1000,
    reference: 'tb-abc-1',
    create: { outcome: 'answered', attempts: 1 },
    refunds: new Map(),
    abandoned: false,
  }
  const till: TillLog = {
    tillId: 'till-0',
    processed: [1, 2, 3],
    crashes: 0,
    lastSeen: new Map([['sale-1', final]]),
    finalLastSeq: 3,
  }
  return {
    record,
    till,
    payments: [record],
    tills: [till],
    finals: new Map([[paymentId('till-0', 'sale-1'), final]]),
    ledger: [ledgerEntry({}, [['capture', 1000]])],
    unexpectedExits: [],
  }
}

const kinds = (run: RunRecord): ViolationKind[] => checkRun(run).map((v) => v.kind)

describe('the chaos checker', () => {
  it('finds nothing wrong in a run that keeps the promise', () => {
    expect(checkRun(cleanRun())).toEqual([])
  })

  it('reports an accepted payment the daemon no longer knows as lost', () => {
    const run = cleanRun()
    run.finals.set(paymentId('till-0', 'sale-1'), undefined)
    expect(kinds(run)).toContain('lost')
  })

  it('does not call a payment lost when its create was never answered', () => {
    const run = cleanRun()
    run.record.create = newRequest()
    run.finals.set(paymentId('till-0', 'sale-1'), undefined)
    run.ledger = []
    run.till.lastSeen.clear()
    expect(kinds(run)).toEqual([])
  })

  it('reports a payment created twice at Vipps', () => {
    const run = cleanRun()
    run.ledger = [
      ledgerEntry({}, [
        ['create', 1000],
        ['capture', 1000],
      ]),
    ]
    expect(kinds(run)).toEqual(['created-twice'])
  })

  it('reports a payment left unfinished, and a partial refund only when the till asked for more', () => {
    const run = cleanRun()
    const pending = payment({ status: 'pending', captured: 0 })
    run.finals.set(paymentId('till-0', 'sale-1'), pending)
    run.till.lastSeen.set('sale-1', pending)
    expect(kinds(run)).toContain('not-final')

    const partly = payment({ status: 'partially_refunded', refunded: 400 })
    const ok = cleanRun()
    ok.finals.set(paymentId('till-0', 'sale-1'), partly)
    ok.till.lastSeen.set('sale-1', partly)
    ok.ledger = [
      ledgerEntry({}, [
        ['capture', 1000],
        ['refund', 400],
      ]),
    ]
    ok.ledger[0]!.aggregate.refundedAmount.value = 400
    ok.record.refunds.set('r1', { outcome: 'answered', attempts: 1, amount: 400 })
    expect(kinds(ok)).toEqual(['not-final'])
    ok.record.abandoned = true
    expect(kinds(ok)).toEqual([])
  })

  it('reports a till whose last event does not show the final state', () => {
    const run = cleanRun()
    run.till.lastSeen.set('sale-1', payment({ status: 'authorized', captured: 0 }))
    expect(kinds(run)).toEqual(['till-not-told'])
  })

  it('reports money that differs from Vipps, and an open reservation', () => {
    const run = cleanRun()
    run.ledger = [ledgerEntry({}, [['capture', 600]])]
    run.ledger[0]!.aggregate.capturedAmount.value = 600
    expect(kinds(run)).toEqual(['money-mismatch', 'reservation-open'])
  })

  it("reports a status that does not follow from Vipps' state and amounts", () => {
    const run = cleanRun()
    run.ledger[0]!.state = 'ABORTED'
    expect(kinds(run)).toContain('status-mismatch')
    const refunded = cleanRun()
    refunded.ledger[0]!.aggregate.refundedAmount.value = 1000
    refunded.ledger[0]!.operations.push({ kind: 'refund', idempotencyKey: 'r', amount: { value: 1000 } })
    expect(kinds(refunded)).toContain('status-mismatch')
  })

  it('reports a capture done twice, or an answered capture not done', () => {
    const twice = cleanRun()
    twice.ledger = [
      ledgerEntry({}, [
        ['capture', 500],
        ['capture', 500],
      ]),
    ]
    expect(kinds(twice)).toContain('capture-not-once')

    const missing = cleanRun()
    missing.record.capture = { outcome: 'answered', attempts: 1, amount: 700 }
    expect(kinds(missing)).toEqual(['capture-not-once'])
  })

  it('reports refunds not done, done twice, or never asked for', () => {
    const run = cleanRun()
    const refunded = payment({ status: 'refunded', refunded: 1000 })
    run.finals.set(paymentId('till-0', 'sale-1'), refunded)
    run.till.lastSeen.set('sale-1', refunded)
    run.record.refunds.set('r1', { outcome: 'answered', attempts: 1, amount: 500 })
    run.record.refunds.set('r2', { outcome: 'answered', attempts: 1, amount: 500 })
    run.ledger = [
      ledgerEntry({}, [
        ['capture', 1000],
        ['refund', 500],
        ['refund', 500],
      ]),
    ]
    run.ledger[0]!.aggregate.refundedAmount.value = 1000
    expect(kinds(run)).toEqual([])

    run.ledger[0]!.operations.push({ kind: 'refund', idempotencyKey: 'x', amount: { value: 500 } })
    expect(kinds(run)).toEqual(['refund-not-once'])
    run.ledger[0]!.operations.splice(-2, 2)
    expect(kinds(run)).toEqual(['refund-not-once'])
  })

  it('reports a payment at Vipps that no till heard of', () => {
    const run = cleanRun()
    run.ledger.push(ledgerEntry({ reference: 'tb-abc-zz' }))
    expect(kinds(run)).toEqual(['unknown-at-vipps'])
  })

  it('reports a payment the till was told about but Vipps never saw', () => {
    const run = cleanRun()
    run.ledger = []
    expect(kinds(run)).toEqual(['missing-at-vipps'])
    const failed = payment({ status: 'failed', captured: 0, failure: { code: '7010', message: 'no such user' } })
    run.finals.set(paymentId('till-0', 'sale-1'), failed)
    run.till.lastSeen.set('sale-1', failed)
    expect(kinds(run)).toEqual([])
  })

  it('reports gaps, repeats and an incomplete event stream', () => {
    const gap = cleanRun()
    gap.till.processed = [1, 3]
    expect(kinds(gap)).toEqual(['events-gap'])
    const repeat = cleanRun()
    repeat.till.processed = [1, 2, 2, 3]
    expect(kinds(repeat)).toEqual(['events-repeat'])
    const short = cleanRun()
    short.till.finalLastSeq = 5
    expect(kinds(short)).toEqual(['events-incomplete'])
  })

  it('reports a daemon that exited on its own', () => {
    const run = cleanRun()
    run.unexpectedExits.push({ code: 74, signal: null })
    expect(kinds(run)).toEqual(['daemon-exit'])
  })
})
