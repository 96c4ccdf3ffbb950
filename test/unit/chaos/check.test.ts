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

/**
 * The runs here are one sale each, far below the minimum of work a real run must show; that rule
 * (check-work.ts) has its own tests at the end, and is left out of the others' verdicts.
 */
const kinds = (run: RunRecord): ViolationKind[] =>
  checkRun(run)
    .map((v) => v.kind)
    .filter((k) => k !== 'too-little-work')

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
    // Not lost, but a run whose only sale was never accepted did too little.
    expect(checkRun(run).map((v) => v.kind)).toEqual(['too-little-work', 'too-little-work'])
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
    // 600 captured of a 1000 sale the till never asked to capture in part: also not what it asked.
    expect(kinds(run)).toEqual(['money-mismatch', 'reservation-open', 'amount-mismatch'])
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
    expect(kinds(missing)).toEqual(['capture-not-once', 'amount-mismatch'])
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
    // Failed is a right answer only for a scenario built to fail (Vipps refuses the create).
    expect(kinds(run)).toEqual(['failed-unexcused'])
    run.record.scenario = 'unknownCustomer'
    expect(kinds(run)).toEqual([])
  })

  it('excuses failed in any scenario only for a create code the run scripted, with nothing at Vipps', () => {
    const run = cleanRun()
    run.ledger = []
    const failed = payment({
      status: 'failed',
      captured: 0,
      failure: { code: '4070', message: 'Invalid phone number' },
    })
    run.finals.set(paymentId('till-0', 'sale-1'), failed)
    run.till.lastSeen.set('sale-1', failed)
    run.refusedCreateCodes = ['6010']
    expect(kinds(run)).toEqual(['failed-unexcused'])
    run.refusedCreateCodes = ['6010', '4070']
    expect(kinds(run)).toEqual([])
    // Vipps holding the payment means the create was not refused: failed is not excused.
    run.ledger = [ledgerEntry({})]
    expect(kinds(run)).toContain('failed-unexcused')
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

describe('the chaos checker against a lazy or sloppy daemon (check-work.ts)', () => {
  /** `n` clean sales of one scenario, each with its own key and reference. */
  function manySales(n: number): RunRecord {
    const runs = Array.from({ length: n }, (_, i) => {
      const run = cleanRun()
      const key = `sale-${i}`
      const reference = `tb-abc-${i}`
      const final = payment({ key, reference })
      Object.assign(run.record, { key, reference })
      run.finals = new Map([[paymentId('till-0', key), final]])
      run.ledger[0]!.reference = reference
      run.till.lastSeen = new Map([[key, final]])
      return run
    })
    const till: TillLog = { ...runs[0]!.till, lastSeen: new Map(runs.flatMap((r) => [...r.till.lastSeen])) }
    return {
      payments: runs.map((r) => r.record),
      tills: [till],
      finals: new Map(runs.flatMap((r) => [...r.finals])),
      ledger: runs.flatMap((r) => r.ledger),
      unexpectedExits: [],
    }
  }
  const all = (run: RunRecord) => checkRun(run).map((v) => v.kind)

  it('passes a run that did its work', () => {
    expect(all(manySales(10))).toEqual([])
  })

  it('fails a run where most creates were never accepted', () => {
    const run = manySales(10)
    for (const p of run.payments.slice(0, 3)) {
      p.create = { outcome: 'refused', attempts: 1, code: 'UNAVAILABLE' }
      run.finals.set(paymentId(p.tillId, p.key), undefined)
      run.ledger = run.ledger.filter((l) => l.reference !== p.reference)
      run.tills[0]!.lastSeen.delete(p.key)
    }
    expect(all(run)).toEqual(['too-little-work'])
  })

  it('fails a scenario whose sales mostly did not reach its end state', () => {
    const run = manySales(4)
    for (const p of run.payments.slice(0, 3)) {
      const cancelled = payment({ key: p.key, reference: p.reference, status: 'cancelled', captured: 0 })
      run.finals.set(paymentId(p.tillId, p.key), cancelled)
    }
    expect(checkRun(run).filter((v) => v.kind === 'too-little-work')).toEqual([
      { kind: 'too-little-work', subject: 'paid', detail: '1 of 4 sales ended captured; at least 2 must' },
    ])
  })

  it('fails a payment reserved and captured for another amount than the till asked, even when all agree', () => {
    const run = manySales(2)
    run.payments[0]!.amount = 900 // the till asked 900; the daemon, the till's events and Vipps all say 1000
    expect(checkRun(run).map((v) => v.detail)).toEqual([
      'the till asked 900; the daemon says the payment is for 1000',
      'the till asked 900; Vipps was asked to reserve [1000]',
      'the till asked 900; Vipps authorized 1000',
      'the till asked 900; Vipps captured 1000, not 900',
    ])
    expect(new Set(all(run))).toEqual(new Set(['amount-mismatch']))
  })
})
