import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { ACK_DELAY_MS } from '../../../src/payments/ack-coalescer.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { advance, type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-reaper-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const DAY = 86_400_000

function rows(path: string, table: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number
  } finally {
    db.close()
  }
}

describe('pruning', () => {
  it('prunes final payments past the retention with their operations and timeline, and nothing younger', async () => {
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider, clock, payments: { retentionDays: 3 } })
    const old = await h.engine.create('till-1', pushPayment('old'))
    await h.engine.cancel('till-1', 'old') // never sent: final at once
    await settle(h)
    clock.stepWall(2 * DAY)
    await h.engine.create('till-1', pushPayment('young', '4791234562'))
    await settle(h)
    h.engine.ack('till-1', h.engine.lastSeq('till-1'))
    await advance(h, 1000)
    clock.stepWall(DAY + 1000)

    expect(await h.reaper.prune()).toBe(1)
    expect(() => h?.engine.get('till-1', 'old')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(h.engine.get('till-1', 'young').status).toBe('pending')
    expect(rows(h.path, 'payments')).toBe(1)
    expect(rows(h.path, 'provider_operations')).toBe(1)
    expect(h.engine.lastSeq('till-1')).toBeGreaterThanOrEqual(3)
    // A key once pruned names a new payment, with a new reference.
    const again = await h.engine.create('till-1', pushPayment('old'))
    expect(again.replayed).toBe(false)
    expect(again.payment.reference).not.toBe(old.payment.reference)
  })

  it('never prunes a payment with an operation still open', async () => {
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider, clock, payments: { retentionDays: 3 } })
    const { payment } = await h.engine.create('till-1', pushPayment('sale'))
    await settle(h)
    provider.approve(payment.reference)
    await advance(h, 5000)
    provider.fail('refundPayment', ...Array.from({ length: 50 }, () => 'unavailable' as const))
    await h.engine.refund('till-1', 'sale', 'r1', { value: 100, currency: 'NOK' })
    await settle(h)
    clock.stepWall(10 * DAY)
    expect(await h.reaper.prune()).toBe(0)
    expect(h.engine.get('till-1', 'sale').status).toBe('captured')
  })

  it("keeps a pruned payment's unacked events: the till still gets them, in order, after the payment is gone", async () => {
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider, clock, payments: { retentionDays: 3 } })
    await h.engine.create('till-1', pushPayment('gone'))
    await h.engine.cancel('till-1', 'gone') // never sent: final at once
    await settle(h)
    const last = h.engine.lastSeq('till-1')
    const before = h.engine.eventsAfter('till-1', 0, 100)
    expect(before.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1))
    expect(before.at(-1)?.payment.status).toBe('cancelled')
    clock.stepWall(4 * DAY) // past the retention and the 72 h key floor; the till never acked

    expect(await h.reaper.prune()).toBe(1)
    expect(() => h?.engine.get('till-1', 'gone')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(rows(h.path, 'payments')).toBe(0)
    expect(h.engine.eventsAfter('till-1', 0, 100)).toEqual(before)
    expect(h.engine.lastSeq('till-1')).toBe(last)
    // Acking them is what removes them, not pruning.
    h.engine.ack('till-1', last)
    await advance(h, ACK_DELAY_MS) // acks share one COMMIT, at most this much later
    expect(h.engine.eventsAfter('till-1', 0, 100)).toEqual([])
  })

  it('drops events a till never acked after unackedEventRetentionDays, counts them, and keeps younger ones', async () => {
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider, clock, payments: { unackedEventRetentionDays: 2 } })
    await h.engine.create('till-1', pushPayment('old'))
    await settle(h)
    const oldEvents = h.engine.eventsAfter('till-1', 0, 100).length
    expect(oldEvents).toBeGreaterThan(0)
    clock.stepWall(2 * DAY + 1000)
    await h.engine.create('till-1', pushPayment('young', '4791234562'))
    await settle(h)
    const before = h.engine.eventsAfter('till-1', 0, 100).length

    await h.reaper.prune()
    const left = h.engine.eventsAfter('till-1', 0, 100)
    expect(left.length).toBe(before - oldEvents)
    expect(left.every((e) => e.payment.key === 'young')).toBe(true)
    expect(h.reaper.eventsExpired).toBe(oldEvents)
    // seq still rises from where it was: the dropped events leave a gap, never a reused number.
    expect(h.engine.lastSeq('till-1')).toBe(before)
  })
})
